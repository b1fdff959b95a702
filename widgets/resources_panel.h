#pragma once

// The Resources of the human–machine–thing platform (DESIGN.md §7): a filter
// bar (free text on the id, kind, status), the sortable table, and the
// selected Resource's details — spec attributes, where and when it is, its
// probe, the conditions with reason, message and last transition, observed
// vs current generation, the probe Deployment — with Toggle probe, Edit…,
// View YAML and Delete (after a confirmation). The panel only asks; the app
// opens the YAML dialog and talks to the controller. Actions are disabled for
// a viewer token and while the controller is unreachable.

#include <QWidget>
#include <functional>

#include "concord/v1/resource.pb.h"

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTableWidget;

namespace concord::models {
class ResourceFilterModel;
class ResourceModel;
}  // namespace concord::models

namespace concord::widgets {

class ResourcesPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourcesPanel)

public:
    using Confirmer = std::function<bool(const QString& title, const QString& text)>;

    explicit ResourcesPanel(QWidget* parent = nullptr);
    ~ResourcesPanel() override;

    void setModel(models::ResourceModel* model);  // not owned
    models::ResourceModel* model() const { return m_model; }
    models::ResourceFilterModel* filterModel() const { return m_filter; }
    QTableView* view() const { return m_view; }
    // An empty function restores the default QMessageBox.
    void setConfirmer(Confirmer confirmer);

    // The id of the selected Resource; empty without a selection. After a
    // RESET it names the Resource the panel waits for until SYNCED.
    QString selectedId() const { return m_selectedId; }
    // Selects and scrolls to it (if the filter shows it).
    void selectResource(const QString& id);

    // Operator actions are possible: connected with an operator token.
    void setActionsEnabled(bool enabled, const QString& whyNot = {});
    bool actionsEnabled() const { return m_actionsEnabled; }
    // While the controller is unreachable the data stays, greyed.
    void setStale(bool stale);
    bool isStale() const { return m_stale; }

signals:
    void probeToggleRequested(const QString& id, bool enable);
    void editRequested(const QString& id);
    void viewYamlRequested(const QString& id);
    void deleteRequested(const QString& id);
    void selectedResourceChanged(const QString& id);

private:
    QTableView* buildTable();
    QWidget* buildFilterBar();
    QWidget* buildDetails();
    QGroupBox* buildSpecBox();
    QGroupBox* buildProbeBox();
    QGroupBox* buildStatusBox();
    QWidget* buildButtons();
    void connectModel();
    void resizeColumns();
    void refreshKinds();
    void refreshCount();
    void onCurrentChanged(const QModelIndex& proxyIndex);
    void onSourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight);
    void restoreSelection();
    void refreshDetails();
    void showResource(const v1::Resource& resource);
    void showStatus(const v1::Resource& resource, const QString& headline);
    void showSpec(const v1::ResourceSpec& spec);
    void showConditions(const v1::ResourceStatus& status);
    void clearDetails();
    void refreshActions();
    void toggleProbe();
    void confirmDelete();
    bool confirm(const QString& title, const QString& text);

    models::ResourceModel* m_model = nullptr;
    models::ResourceFilterModel* m_filter = nullptr;
    Confirmer m_confirmer;
    QString m_selectedId;
    bool m_actionsEnabled = false;
    bool m_stale = false;

    QLineEdit* m_filterEdit = nullptr;
    QComboBox* m_kind = nullptr;
    QComboBox* m_health = nullptr;
    QLabel* m_count = nullptr;
    QLabel* m_staleLabel = nullptr;
    QTableView* m_view = nullptr;

    QWidget* m_details = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_attributes = nullptr;
    QLabel* m_place = nullptr;
    QLabel* m_time = nullptr;
    QLabel* m_image = nullptr;
    QLabel* m_command = nullptr;
    QLabel* m_args = nullptr;
    QLabel* m_probeEnabled = nullptr;
    QLabel* m_generation = nullptr;
    QLabel* m_deployment = nullptr;
    QLabel* m_phase = nullptr;
    QLabel* m_deploymentMessage = nullptr;
    QTableWidget* m_conditions = nullptr;
    QFormLayout* m_statusForm = nullptr;

    QPushButton* m_toggleButton = nullptr;
    QPushButton* m_editButton = nullptr;
    QPushButton* m_yamlButton = nullptr;
    QPushButton* m_deleteButton = nullptr;
};

}  // namespace concord::widgets
