#include "widgets/update_progress_panel.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QEvent>
#include <QFontMetricsF>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "models/old_instance_model.h"
#include "models/state_palette.h"
#include "models/straggler_model.h"
#include "models/update_names.h"
#include "models/update_progress_tracker.h"
#include "models/update_state_names.h"
#include "widgets/phase_stepper.h"

namespace concord::widgets {

namespace {

const QColor kDiffColor(0x3d, 0x8e, 0xd8);
const QColor kRateColor(0x2e, 0xa0, 0x43);

QString text(const std::string& value)
{
    return QString::fromStdString(value);
}

// The next 1, 2 or 5 × 10^k at or above `value`, so axes grow in few steps.
double niceCeiling(double value)
{
    if (value <= 1.0)
        return 1.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const double step : {1.0, 2.0, 5.0, 10.0}) {
        if (step * magnitude >= value)
            return step * magnitude;
    }
    return 10.0 * magnitude;
}

double maxY(const QList<QPointF>& points)
{
    double max = 0.0;
    for (const QPointF& point : points)
        max = std::max(max, point.y());
    return max;
}

int clampToInt(quint64 value)
{
    return int(std::min<quint64>(value, quint64(std::numeric_limits<int>::max())));
}

QTableView* createTable(QAbstractItemModel* model, const QString& objectName)
{
    auto* view = new QTableView;
    view->setObjectName(objectName);
    view->setModel(model);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setWordWrap(false);
    return view;
}

}  // namespace

UpdateProgressPanel::UpdateProgressPanel(QWidget* parent)
    : QWidget(parent),
      m_oldInstances(new models::OldInstanceModel(this)),
      m_stragglers(new models::StragglerModel(this))
{
    setObjectName(QStringLiteral("updateProgressPanel"));
    auto* layout = new QVBoxLayout(this);

    auto* selectorRow = new QHBoxLayout;
    auto* selectorLabel = new QLabel(tr("&Update:"));
    m_selector = new QComboBox;
    m_selector->setObjectName(QStringLiteral("updateSelector"));
    m_selector->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    selectorLabel->setBuddy(m_selector);
    selectorRow->addWidget(selectorLabel);
    selectorRow->addWidget(m_selector, 1);
    layout->addLayout(selectorRow);

    m_staleNote = new QLabel(tr("The controller is unreachable: showing the last progress."));
    m_staleNote->setObjectName(QStringLiteral("staleNote"));
    m_staleNote->setVisible(false);
    layout->addWidget(m_staleNote);

    m_content = new QWidget;
    auto* content = new QVBoxLayout(m_content);
    content->setContentsMargins(0, 0, 0, 0);
    m_header = new QLabel;
    m_header->setObjectName(QStringLiteral("updateHeader"));
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    content->addWidget(m_header);
    m_stepper = new PhaseStepper;
    m_stepper->setObjectName(QStringLiteral("phaseStepper"));
    content->addWidget(m_stepper);
    // Side by side, so the panel fits under the topology: the chart is what
    // the operator watches, the tables explain it.
    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(createChart());
    splitter->addWidget(createTables());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({600, 400});
    content->addWidget(splitter, 1);
    layout->addWidget(m_content, 1);
    layout->addWidget(createActions());

    connect(m_selector, &QComboBox::currentIndexChanged, this,
            &UpdateProgressPanel::onSelectorChanged);
    applyChartPalette();
    refreshDetails();
}

UpdateProgressPanel::~UpdateProgressPanel() = default;

QWidget* UpdateProgressPanel::createChart()
{
    m_chart = new QChart;
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_diffSeries = new QLineSeries;
    m_diffSeries->setName(tr("DiffSet size"));
    m_rateSeries = new QLineSeries;
    m_rateSeries->setName(tr("completed / s"));
    m_chart->addSeries(m_diffSeries);
    m_chart->addSeries(m_rateSeries);

    m_timeAxis = new QValueAxis;
    m_timeAxis->setTitleText(tr("seconds since start"));
    m_timeAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_diffAxis = new QValueAxis;
    m_diffAxis->setTitleText(tr("DiffSet size"));
    m_diffAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_rateAxis = new QValueAxis;
    m_rateAxis->setTitleText(tr("completed / s"));
    m_rateAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_diffAxis, Qt::AlignLeft);
    m_chart->addAxis(m_rateAxis, Qt::AlignRight);
    m_diffSeries->attachAxis(m_timeAxis);
    m_diffSeries->attachAxis(m_diffAxis);
    m_rateSeries->attachAxis(m_timeAxis);
    m_rateSeries->attachAxis(m_rateAxis);
    rescaleAxes(true);
    connect(m_chart, &QChart::plotAreaChanged, this, &UpdateProgressPanel::fitValueTicks);

    m_chartView = new QChartView(m_chart);
    m_chartView->setObjectName(QStringLiteral("diffSetChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(180);
    return m_chartView;
}

QWidget* UpdateProgressPanel::createTables()
{
    auto* tables = new QWidget;
    auto* layout = new QVBoxLayout(tables);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* oldColumn = new QVBoxLayout;
    oldColumn->addWidget(new QLabel(tr("Old instances")));
    m_oldInstanceView = createTable(m_oldInstances, QStringLiteral("oldInstances"));
    oldColumn->addWidget(m_oldInstanceView);
    layout->addLayout(oldColumn, 1);

    auto* stragglerColumn = new QVBoxLayout;
    m_stragglerCount = new QLabel;
    m_stragglerCount->setObjectName(QStringLiteral("stragglerCount"));
    stragglerColumn->addWidget(m_stragglerCount);
    m_stragglerView = createTable(m_stragglers, QStringLiteral("stragglers"));
    // Room for a 32-digit trace id: an elided id cannot be looked up.
    m_stragglerView->horizontalHeader()->resizeSection(
        models::StragglerModel::TraceId,
        m_stragglerView->fontMetrics().horizontalAdvance(QString(32, QLatin1Char('0'))) + 16);
    stragglerColumn->addWidget(m_stragglerView);
    layout->addLayout(stragglerColumn, 1);
    return tables;
}

QWidget* UpdateProgressPanel::createActions()
{
    auto* actions = new QWidget;
    auto* layout = new QHBoxLayout(actions);
    layout->setContentsMargins(0, 0, 0, 0);
    m_reason = new QLineEdit;
    m_reason->setObjectName(QStringLiteral("actionReason"));
    m_reason->setPlaceholderText(tr("Reason for abort or force retire (journalled)"));
    m_abort = new QPushButton(tr("&Abort…"));
    m_abort->setObjectName(QStringLiteral("abortButton"));
    m_forceRetire = new QPushButton(tr("&Force retire…"));
    m_forceRetire->setObjectName(QStringLiteral("forceRetireButton"));
    layout->addWidget(m_reason, 1);
    layout->addWidget(m_abort);
    layout->addWidget(m_forceRetire);
    connect(m_abort, &QPushButton::clicked, this, &UpdateProgressPanel::confirmAbort);
    connect(m_forceRetire, &QPushButton::clicked, this, &UpdateProgressPanel::confirmForceRetire);
    return actions;
}

void UpdateProgressPanel::setTracker(models::UpdateProgressTracker* tracker)
{
    if (m_tracker == tracker)
        return;
    if (m_tracker)
        disconnect(m_tracker, nullptr, this, nullptr);
    m_tracker = tracker;
    {
        const QSignalBlocker blocker(m_selector);
        m_selector->clear();
    }
    m_currentId.clear();
    if (!m_tracker) {
        showUpdate({});
        return;
    }
    using Tracker = models::UpdateProgressTracker;
    connect(m_tracker, &Tracker::updateAdded, this, &UpdateProgressPanel::onUpdateAdded);
    connect(m_tracker, &Tracker::progressChanged, this, &UpdateProgressPanel::onProgressChanged);
    connect(m_tracker, &Tracker::cleared, this, &UpdateProgressPanel::onTrackerCleared);
    {
        const QSignalBlocker blocker(m_selector);
        for (const QString& id : m_tracker->updates())
            m_selector->addItem(selectorText(m_tracker->latest(id)), id);
    }
    const QStringList active = m_tracker->activeUpdates();
    const QStringList all = m_tracker->updates();
    showUpdate(!active.isEmpty() ? active.last() : all.isEmpty() ? QString() : all.last());
}

models::UpdateProgressTracker* UpdateProgressPanel::tracker() const
{
    return m_tracker;
}

void UpdateProgressPanel::setConfirmer(Confirmer confirmer)
{
    m_confirmer = std::move(confirmer);
}

void UpdateProgressPanel::selectUpdate(const QString& updateId)
{
    if (m_tracker && m_tracker->contains(updateId))
        showUpdate(updateId);
}

void UpdateProgressPanel::onUpdateAdded(const QString& updateId)
{
    {
        const QSignalBlocker blocker(m_selector);
        m_selector->addItem(selectorText(m_tracker->latest(updateId)), updateId);
    }
    // The newest running update is what the operator just started or wants
    // to watch; a finished one only when nothing else is shown.
    if (m_currentId.isEmpty() ||
        !models::isTerminalUpdateState(m_tracker->latest(updateId).state()))
        showUpdate(updateId);
}

void UpdateProgressPanel::onProgressChanged(const QString& updateId)
{
    const int index = m_selector->findData(updateId);
    if (index >= 0)
        m_selector->setItemText(index, selectorText(m_tracker->latest(updateId)));
    if (updateId != m_currentId)
        return;
    appendSeries();
    refreshDetails();
}

void UpdateProgressPanel::onSelectorChanged(int index)
{
    showUpdate(index < 0 ? QString() : m_selector->itemData(index).toString());
}

void UpdateProgressPanel::onTrackerCleared()
{
    {
        const QSignalBlocker blocker(m_selector);
        m_selector->clear();
    }
    showUpdate({});
}

void UpdateProgressPanel::showUpdate(const QString& updateId)
{
    const bool changed = updateId != m_currentId;
    m_currentId = updateId;
    {
        const QSignalBlocker blocker(m_selector);
        m_selector->setCurrentIndex(m_selector->findData(updateId));
    }
    if (changed) {
        m_stepper->reset();
        const bool known = m_tracker && !updateId.isEmpty();
        m_diffSeries->replace(known ? m_tracker->diffSeries(updateId) : QList<QPointF>());
        m_rateSeries->replace(known ? m_tracker->rateSeries(updateId) : QList<QPointF>());
        rescaleAxes(true);
    }
    refreshDetails();
    if (changed)
        emit currentUpdateChanged(updateId);
}

void UpdateProgressPanel::refreshDetails()
{
    const v1::UpdateProgress& progress = m_tracker && !m_currentId.isEmpty()
                                             ? m_tracker->latest(m_currentId)
                                             : v1::UpdateProgress::default_instance();
    refreshHeader(progress);
    m_stepper->setPhaseTimings(progress.phase_timings());
    m_stepper->setProgress(progress.phase(), progress.state());
    refreshTables(progress);
    refreshActions();
}

void UpdateProgressPanel::refreshHeader(const v1::UpdateProgress& progress)
{
    if (m_currentId.isEmpty()) {
        m_header->setText(tr("No update is running."));
        return;
    }
    QStringList lines;
    lines.append(tr("%1: %2 → %3 · %4 · %5")
                     .arg(text(progress.service()), text(progress.from_version()),
                          text(progress.target_version()),
                          models::strategyName(progress.strategy()),
                          models::updateStateName(progress.state())));
    lines.append(tr("DiffSet: %1 · completed: %2 · %n inconsistent transaction(s)", "",
                    clampToInt(progress.inconsistent_transactions()))
                     .arg(progress.diff_set_size())
                     .arg(progress.completed_count()));
    if (!progress.message().empty())
        lines.append(text(progress.message()));
    m_header->setText(lines.join(QLatin1Char('\n')));
}

void UpdateProgressPanel::refreshTables(const v1::UpdateProgress& progress)
{
    m_oldInstances->setInstances(progress.old_instances());
    m_stragglers->setStragglers(progress.stragglers());
    m_stragglers->setTotalCount(progress.straggler_count());
    const int total = clampToInt(m_stragglers->totalCount());
    const int listed = m_stragglers->rowCount();
    m_stragglerCount->setText(total > listed
                                  ? tr("%n straggler(s), %1 listed", "", total).arg(listed)
                                  : tr("%n straggler(s)", "", total));
}

void UpdateProgressPanel::refreshActions()
{
    const v1::UpdateProgress& progress = m_tracker && !m_currentId.isEmpty()
                                             ? m_tracker->latest(m_currentId)
                                             : v1::UpdateProgress::default_instance();
    const bool live = !m_stale && !m_currentId.isEmpty();
    const bool unfinished = progress.state() == v1::UPDATE_STATE_RUNNING ||
                            progress.state() == v1::UPDATE_STATE_PENDING;
    // The controller refuses an abort once RETIRE started and a force retire
    // outside DRAIN; the buttons say so before the operator tries.
    m_abort->setEnabled(live && unfinished && progress.phase() != v1::UPDATE_PHASE_RETIRE);
    m_forceRetire->setEnabled(live && progress.state() == v1::UPDATE_STATE_RUNNING &&
                              progress.phase() == v1::UPDATE_PHASE_DRAIN);
    m_forceRetire->setToolTip(m_forceRetire->isEnabled()
                                  ? tr("Retire the old version although its DiffSet is not empty")
                                  : tr("Possible while the update drains"));
}

void UpdateProgressPanel::appendSeries()
{
    const QList<QPointF> diff = m_tracker->diffSeries(m_currentId);
    const QList<QPointF> rate = m_tracker->rateSeries(m_currentId);
    if (diff.size() > m_diffSeries->count())
        m_diffSeries->append(diff.mid(m_diffSeries->count()));
    if (rate.size() > m_rateSeries->count())
        m_rateSeries->append(rate.mid(m_rateSeries->count()));
    rescaleAxes(false);
}

// QtCharts elides every value label to "…" once six no longer fit the plot's
// height (a short dock, or the taller CJK font): fall back to 0, ½ and top.
void UpdateProgressPanel::fitValueTicks(const QRectF& plotArea)
{
    const double labelHeight = QFontMetricsF(m_diffAxis->labelsFont()).height();
    const int divisions = plotArea.height() >= 6 * labelHeight * 1.2 ? 5 : 2;
    if (divisions == m_valueTickDivisions)
        return;
    m_valueTickDivisions = divisions;
    for (QValueAxis* axis : {m_diffAxis, m_rateAxis})
        axis->setTickInterval(axis->max() / divisions);
}

void UpdateProgressPanel::rescaleAxes(bool shrink)
{
    // Only the newest points can raise a maximum; the axes grow in 1-2-5 steps
    // so most ticks leave them alone.
    const auto lastOf = [](const QLineSeries* series) {
        return series->count() > 0 ? series->at(series->count() - 1) : QPointF();
    };
    double seconds = lastOf(m_diffSeries).x();
    double diffMax = lastOf(m_diffSeries).y();
    double rateMax = lastOf(m_rateSeries).y();
    if (shrink) {
        diffMax = maxY(m_diffSeries->points());
        rateMax = maxY(m_rateSeries->points());
    }
    const auto grow = [this, shrink](QValueAxis* axis, double needed, double minimum) {
        const double top = niceCeiling(std::max(needed, minimum));
        if (!shrink && top <= axis->max())
            return;
        axis->setRange(0.0, top);
        // Ticks at round numbers: top is 1, 2 or 5 × 10^k, a fifth of it is round too.
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0.0);
        axis->setTickInterval(top / (axis == m_timeAxis ? 5.0 : double(m_valueTickDivisions)));
    };
    grow(m_timeAxis, seconds * 1.2, 10.0);
    grow(m_diffAxis, diffMax * 1.1, 10.0);
    grow(m_rateAxis, rateMax * 1.1, 10.0);
}

QString UpdateProgressPanel::selectorText(const v1::UpdateProgress& progress) const
{
    return tr("%1 %2 → %3 (%4)")
        .arg(text(progress.service()), text(progress.from_version()),
             text(progress.target_version()), models::updateStateName(progress.state()));
}

void UpdateProgressPanel::confirmAbort()
{
    if (m_currentId.isEmpty() || !m_tracker)
        return;
    // The dialog spins the event loop: the selection may move meanwhile.
    const QString updateId = m_currentId;
    const v1::UpdateProgress progress = m_tracker->latest(updateId);
    const QString question =
        tr("Abort the update of %1 from %2 to %3?\nThe rules return to %2; transactions pinned "
           "to %3 finish there before its instances go.")
            .arg(text(progress.service()), text(progress.from_version()),
                 text(progress.target_version()));
    if (confirm(tr("Abort update"), question))
        emit abortRequested(updateId, reason(tr("Aborted from the console")));
}

void UpdateProgressPanel::confirmForceRetire()
{
    if (m_currentId.isEmpty() || !m_tracker)
        return;
    const QString updateId = m_currentId;
    const v1::UpdateProgress progress = m_tracker->latest(updateId);
    const QString question =
        tr("Retire %1 %2 now although its DiffSet is not empty?\n%n transaction(s) still in "
           "flight may see two versions (stragglers: %3); they are recorded as possible "
           "consistency violations.",
           "", clampToInt(progress.diff_set_size()))
            .arg(text(progress.service()), text(progress.from_version()))
            .arg(progress.straggler_count());
    if (confirm(tr("Force retire"), question))
        emit forceRetireRequested(updateId, reason(tr("Force-retired from the console")));
}

bool UpdateProgressPanel::confirm(const QString& title, const QString& question)
{
    if (m_confirmer)
        return m_confirmer(title, question);
    QMessageBox box(QMessageBox::Warning, title, question, QMessageBox::Yes | QMessageBox::Cancel,
                    this);
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Yes;
}

QString UpdateProgressPanel::reason(const QString& fallback) const
{
    // The reason field keeps its text afterwards: a refused request can be retried.
    const QString typed = m_reason->text().trimmed();
    return typed.isEmpty() ? fallback : typed;
}

void UpdateProgressPanel::setStale(bool stale)
{
    if (m_stale == stale)
        return;
    m_stale = stale;
    applyStaleLook();
    refreshActions();
}

void UpdateProgressPanel::applyStaleLook()
{
    m_staleNote->setVisible(m_stale);
    m_stepper->setStale(m_stale);
    // Greyed text, but the tables still scroll and select: the operator may
    // read the last data while the controller is away.
    QPalette greyed = palette();
    for (const QPalette::ColorRole role : {QPalette::Text, QPalette::WindowText}) {
        for (const QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive})
            greyed.setColor(group, role, greyed.color(QPalette::Disabled, role));
    }
    m_content->setPalette(m_stale ? greyed : QPalette());
    applyChartPalette();
}

void UpdateProgressPanel::applyChartPalette()
{
    // QChart does not follow the widget palette: copy it so the chart reads
    // on dark themes too.
    const QPalette colors = palette();
    const QPalette::ColorGroup group = m_stale ? QPalette::Disabled : QPalette::Active;
    m_chart->setBackgroundBrush(colors.brush(QPalette::Base));
    m_chart->legend()->setLabelColor(colors.color(group, QPalette::Text));
    for (QValueAxis* axis : {m_timeAxis, m_diffAxis, m_rateAxis}) {
        axis->setLabelsBrush(colors.brush(group, QPalette::Text));
        axis->setTitleBrush(colors.brush(group, QPalette::Text));
        axis->setGridLineColor(colors.color(QPalette::Midlight));
        axis->setLinePenColor(colors.color(QPalette::Mid));
    }
    m_diffSeries->setColor(m_stale ? models::staleColor(kDiffColor) : kDiffColor);
    m_rateSeries->setColor(m_stale ? models::staleColor(kRateColor) : kRateColor);
}

void UpdateProgressPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        applyChartPalette();
    QWidget::changeEvent(event);
}

}  // namespace concord::widgets
