#pragma once

// "Register child version…": a new node under a chosen parent of a service's
// version tree. Validates like the controller does (DNS-1123 label, unique
// name, an image without spaces) and says why OK is disabled. The app sends
// the request and accepts on success; on error every field stays.

#include <QDialog>
#include <QStringList>

#include "concord/v1/mesh.pb.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace concord::widgets {

class RegisterVersionDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegisterVersionDialog)

public:
    // `versions`: every version of the service (names taken, parents offered);
    // `parentVersion` is preselected.
    RegisterVersionDialog(const QString& service, const QStringList& versions,
                          const QString& parentVersion, QWidget* parent = nullptr);
    ~RegisterVersionDialog() override;

    v1::RegisterVersionRequest request() const;
    // Empty when the input is valid, else why not (shown under the fields).
    QString validationError() const;

    static bool isDns1123Label(const QString& name);

public slots:
    void setError(const QString& message);

signals:
    void registerRequested(const concord::v1::RegisterVersionRequest& request);

private:
    void validate();
    void submit();

    QString m_service;
    QStringList m_versions;
    QComboBox* m_parent = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_image = nullptr;
    QLabel* m_validation = nullptr;
    QLabel* m_error = nullptr;
    QPushButton* m_ok = nullptr;
};

}  // namespace concord::widgets
