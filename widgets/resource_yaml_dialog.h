#pragma once

// A Resource's manifest as YAML (GetResource), highlighted. In View mode it is
// read-only; in Edit mode Save sends UpdateResource with the text and the
// resource version it was loaded at. A refused save never closes the dialog
// nor touches the text: INVALID_ARGUMENT shows the controller's message and
// puts the cursor on its line:column; ABORTED says the Resource changed since
// it was loaded and offers Reload. Like the update dialog it never talks to
// the network: it asks through signals and the app answers through the slots.

#include <QDialog>

#include "concord/v1/resource.pb.h"

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace concord::widgets {

class YamlHighlighter;

class ResourceYamlDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourceYamlDialog)

public:
    enum class Mode
    {
        View,
        Edit
    };

    ResourceYamlDialog(const QString& resourceId, Mode mode, QWidget* parent = nullptr);
    ~ResourceYamlDialog() override;

    QString resourceId() const { return m_id; }
    Mode mode() const { return m_mode; }
    QPlainTextEdit* editor() const { return m_editor; }
    QString text() const;
    bool isLoaded() const { return m_loaded; }
    // Edit mode with text the operator changed since it was loaded.
    bool hasUnsavedEdit() const;
    // The resource version of the YAML loaded last (0 before).
    quint64 loadedVersion() const { return m_version; }
    // The request Save sends now.
    v1::UpdateResourceRequest updateRequest() const;

    QString errorText() const;
    // Of the controller's last INVALID_ARGUMENT (1-based); 0 when none.
    int errorLine() const { return m_errorLine; }
    int errorColumn() const { return m_errorColumn; }
    bool isStaleEdit() const { return m_staleEdit; }

public slots:
    // GetResource's answer: replaces the text (the first load, or Reload).
    void setYaml(const QString& yaml, quint64 resourceVersion);
    void setLoadError(const QString& message);
    // UpdateResource failed (a gRPC status code): the text stays as typed.
    void setSaveError(int code, const QString& message);
    void setConnected(bool connected);
    // Asks for the YAML (again); the app answers with setYaml().
    void reload();

signals:
    void reloadRequested(const QString& resourceId);
    void saveRequested(const concord::v1::UpdateResourceRequest& request);

private:
    void save();
    void showError(const QString& text);
    void markErrorAt(int line, int column);
    void clearError();
    void refreshButtons();

    QString m_id;
    Mode m_mode;
    QPlainTextEdit* m_editor = nullptr;
    YamlHighlighter* m_highlighter = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_connection = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_reload = nullptr;
    quint64 m_version = 0;
    int m_errorLine = 0;
    int m_errorColumn = 0;
    bool m_loaded = false;
    bool m_saving = false;
    bool m_connected = true;
    bool m_staleEdit = false;
};

}  // namespace concord::widgets
