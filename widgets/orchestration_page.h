#pragma once

// The orchestration of one resource type (a tab of the OrchestrationPanel):
// a parameters form that rejects out-of-range input in place, with the valid
// range beside each field; Re-orchestrate behind a confirmation, then a
// "ready / total instances" progress bar until the orchestration is Ready; a
// summary line; the instances with their load, resources, reloads, heartbeat
// and pod; a bar chart of the load per instance (updated in place, never
// rebuilt); and "which instance runs resource X?". The page sends nothing
// itself: it asks through signals and is told the answers.

#include <QWidget>
#include <array>
#include <functional>
#include <optional>

#include "backend_clients/orchestrator_client.h"
#include "models/orchestration_parameters.h"

class QBarSet;
class QChart;
class QChartView;
class QGridLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedBarSeries;
class QTableView;
class QValueAxis;

namespace concord::models {
class OrchestrationInstanceModel;
}

namespace concord::widgets {

class OrchestrationPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrchestrationPage)

public:
    // Asks the operator; true to go ahead. Tests replace the QMessageBox.
    using Confirmer = std::function<bool(const QString& title, const QString& text)>;

    // `resource` as the REST API spells it: "thing", "rule".
    explicit OrchestrationPage(const QString& resource, QWidget* parent = nullptr);
    ~OrchestrationPage() override;

    QString resource() const { return m_resource; }
    void setConfirmer(Confirmer confirmer);

    // The latest answer of GET (or of the POST that re-orchestrated).
    void setOrchestration(const backend_clients::OrchestrationDto& orchestration);
    std::optional<backend_clients::OrchestrationDto> orchestration() const
    {
        return m_orchestration;
    }
    // A GET that failed: said in the summary until the next one succeeds.
    void setPollError(const backend_clients::RestStatus& status);
    // Without an orchestrator (disconnected, or none served) nothing can be asked.
    void setAvailable(bool available, const QString& reason);
    // Re-orchestrating needs an operator's token; a viewer may still look.
    void setMayOrchestrate(bool may, const QString& whyNot = {});
    // The answer to orchestrateRequested.
    void setOrchestrateResult(const backend_clients::RestStatus& status,
                              const backend_clients::OrchestrationDto& orchestration);
    // The answer to runInRequested: selects the instance's row on success.
    void setRunInResult(const QString& resourceId, const backend_clients::RestStatus& status,
                        const QString& instanceId);

    // The form's parameters when every field is valid.
    std::optional<backend_clients::OrchestrationParametersDto> parameters() const;
    // The inline error of a field, empty when it is valid.
    QString fieldError(models::OrchestrationParameters::Field field) const;

    models::OrchestrationInstanceModel* instanceModel() const { return m_instances; }
    QTableView* instanceView() const { return m_instanceView; }
    QBarSet* usedSet() const { return m_usedSet; }
    QBarSet* freeSet() const { return m_freeSet; }
    QChart* chart() const { return m_chart; }

signals:
    void orchestrateRequested(const QString& resource,
                              const backend_clients::OrchestrationParametersDto& parameters);
    void runInRequested(const QString& resource, const QString& resourceId);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct FieldEditor
    {
        QLineEdit* edit = nullptr;
        QLabel* range = nullptr;
        QLabel* error = nullptr;
    };

    QWidget* createForm();
    QWidget* createStatus();
    QWidget* createTable();
    QWidget* createChart();
    QWidget* createLookup();
    void addField(QGridLayout* grid, models::OrchestrationParameters::Field field,
                  const QString& label);

    void validateForm();
    void refreshActions();
    void refreshPlanPreview();
    void refreshSummary();
    void refreshProgress();
    void refreshChart();
    void applyChartPalette();
    void fillForm(const backend_clients::OrchestrationParametersDto& parameters);
    void confirmOrchestrate();
    void requestRunIn();
    void showMessage(QLabel* label, const QString& text, bool error);
    QString resourceCountText(qint64 count) const;

    QString m_resource;
    Confirmer m_confirmer;
    std::optional<backend_clients::OrchestrationDto> m_orchestration;
    QString m_pollError;
    QString m_unavailableReason;
    bool m_available = false;
    bool m_posting = false;
    bool m_mayOrchestrate = true;
    QString m_whyNotOrchestrate;
    bool m_edited = false;  // the operator typed: polls no longer refill the form

    std::array<FieldEditor, models::OrchestrationParameters::FieldCount> m_fields;
    QLabel* m_planPreview = nullptr;
    QPushButton* m_orchestrate = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_orchestrateMessage = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_unavailable = nullptr;
    models::OrchestrationInstanceModel* m_instances = nullptr;
    QTableView* m_instanceView = nullptr;
    QChart* m_chart = nullptr;
    QChartView* m_chartView = nullptr;
    QStackedBarSeries* m_series = nullptr;
    QBarSet* m_usedSet = nullptr;
    QBarSet* m_freeSet = nullptr;
    QValueAxis* m_instanceAxis = nullptr;
    QValueAxis* m_loadAxis = nullptr;
    QLineEdit* m_runInId = nullptr;
    QPushButton* m_runInFind = nullptr;
    QLabel* m_runInResult = nullptr;
};

}  // namespace concord::widgets
