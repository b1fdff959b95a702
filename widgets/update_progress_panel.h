#pragma once

// The progress of one update, chosen among the updates the tracker knows (the
// newest running one is selected when it appears): a header (service, versions,
// strategy, state, message, inconsistent transactions), the phase stepper, the
// DiffSet size and completed-per-second chart (appended to, never rebuilt, as
// progress arrives), the old instances with their TraceidSets, the stragglers,
// and Abort / Force retire behind a confirmation that names what may go wrong.
// While the controller is unreachable (setStale) the last data stays visible,
// greyed, and the actions are disabled.

#include <QPointer>
#include <QWidget>
#include <functional>

#include "concord/v1/update.pb.h"

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineEdit;
class QLineSeries;
class QPushButton;
class QTableView;
class QValueAxis;

namespace concord::models {
class OldInstanceModel;
class StragglerModel;
class UpdateProgressTracker;
}  // namespace concord::models

namespace concord::widgets {

class PhaseStepper;

class UpdateProgressPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpdateProgressPanel)

public:
    // Asks the operator; true to go ahead. Tests replace the QMessageBox.
    using Confirmer = std::function<bool(const QString& title, const QString& text)>;

    explicit UpdateProgressPanel(QWidget* parent = nullptr);
    ~UpdateProgressPanel() override;

    // Not owned; may be null. Shows its newest running update (else its newest).
    void setTracker(models::UpdateProgressTracker* tracker);
    models::UpdateProgressTracker* tracker() const;
    // An empty function restores the default QMessageBox.
    void setConfirmer(Confirmer confirmer);

    void setStale(bool stale);
    bool isStale() const { return m_stale; }

    // Shows the update if the tracker knows it.
    void selectUpdate(const QString& updateId);
    QString currentUpdateId() const { return m_currentId; }

    // Sized to share the height with the topology above it (QChartView asks for much more).
    QSize sizeHint() const override { return {900, 400}; }

    PhaseStepper* stepper() const { return m_stepper; }
    QLineSeries* diffSetSeries() const { return m_diffSeries; }
    QLineSeries* rateSeries() const { return m_rateSeries; }
    models::OldInstanceModel* oldInstanceModel() const { return m_oldInstances; }
    models::StragglerModel* stragglerModel() const { return m_stragglers; }

signals:
    void abortRequested(const QString& updateId, const QString& reason);
    void forceRetireRequested(const QString& updateId, const QString& reason);
    void currentUpdateChanged(const QString& updateId);

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* createChart();
    QWidget* createTables();
    QWidget* createActions();
    void applyChartPalette();
    void applyStaleLook();

    void onUpdateAdded(const QString& updateId);
    void onProgressChanged(const QString& updateId);
    void onSelectorChanged(int index);
    void onTrackerCleared();
    void showUpdate(const QString& updateId);
    void refreshDetails();
    void refreshHeader(const v1::UpdateProgress& progress);
    void refreshTables(const v1::UpdateProgress& progress);
    void refreshActions();
    void appendSeries();
    void rescaleAxes(bool shrink);
    void fitValueTicks(const QRectF& plotArea);
    QString selectorText(const v1::UpdateProgress& progress) const;

    void confirmAbort();
    void confirmForceRetire();
    bool confirm(const QString& title, const QString& text);
    QString reason(const QString& fallback) const;

    QPointer<models::UpdateProgressTracker> m_tracker;
    Confirmer m_confirmer;
    QString m_currentId;
    bool m_stale = false;

    QComboBox* m_selector = nullptr;
    QWidget* m_content = nullptr;
    QLabel* m_header = nullptr;
    QLabel* m_staleNote = nullptr;
    PhaseStepper* m_stepper = nullptr;
    QChart* m_chart = nullptr;
    QChartView* m_chartView = nullptr;
    QLineSeries* m_diffSeries = nullptr;
    QLineSeries* m_rateSeries = nullptr;
    QValueAxis* m_timeAxis = nullptr;
    QValueAxis* m_diffAxis = nullptr;
    QValueAxis* m_rateAxis = nullptr;
    int m_valueTickDivisions = 5;  // ticks of the value axes per range (fitValueTicks)
    models::OldInstanceModel* m_oldInstances = nullptr;
    models::StragglerModel* m_stragglers = nullptr;
    QTableView* m_oldInstanceView = nullptr;
    QTableView* m_stragglerView = nullptr;
    QLabel* m_stragglerCount = nullptr;
    QLineEdit* m_reason = nullptr;
    QPushButton* m_abort = nullptr;
    QPushButton* m_forceRetire = nullptr;
};

}  // namespace concord::widgets
