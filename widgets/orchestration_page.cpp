#include "widgets/orchestration_page.h"

#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegend>
#include <QLineEdit>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedBarSeries>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "models/orchestration_instance_model.h"

namespace concord::widgets {

namespace {

using backend_clients::OrchestrationDto;
using backend_clients::OrchestrationParametersDto;
using backend_clients::RestStatus;
using Field = models::OrchestrationParameters::Field;
using Parameters = models::OrchestrationParameters;
using Instances = models::OrchestrationInstanceModel;

const QColor kUsedColor(0x3d, 0x8e, 0xd8);
const QColor kFreeColor(0x9e, 0x9e, 0x9e, 120);
const QString kErrorStyle = QStringLiteral("color: #d32f2f;");
const QString kInvalidEditStyle =
    QStringLiteral("QLineEdit { border: 1px solid #d32f2f; border-radius: 2px; padding: 1px; }");

// The next 1, 2 or 5 × 10^k at or above `value`, so the axis grows in few steps.
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

// Paints the Used / count cell as a bar filled to the instance's load.
class LoadBarDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override
    {
        const double ratio = std::clamp(index.data(Instances::FillRatioRole).toDouble(), 0.0, 1.0);
        QRect bar = option.rect.adjusted(2, 3, -2, -3);
        bar.setWidth(int(std::lround(bar.width() * ratio)));
        QColor fill = kUsedColor;
        fill.setAlpha(70);
        painter->fillRect(bar, fill);
        QStyledItemDelegate::paint(painter, option, index);
    }
};

// Room for the widest value each column usually shows; Pod takes the rest.
void fitColumns(QTableView* view)
{
    const QFontMetrics metrics = view->fontMetrics();
    QHeaderView* header = view->horizontalHeader();
    const auto fit = [&](int column, const QString& sample) {
        const QString title = view->model()->headerData(column, Qt::Horizontal).toString();
        header->resizeSection(
            column,
            std::max(metrics.horizontalAdvance(sample), metrics.horizontalAdvance(title)) + 24);
    };
    fit(Instances::Id, QStringLiteral("thing-000"));
    fit(Instances::Load, QStringLiteral("5000 / 5000"));
    fit(Instances::Resources, QStringLiteral("5000: thing-00000, thing-00001, …"));
    fit(Instances::ReloadTimes, QStringLiteral("000"));
    fit(Instances::Heartbeat, Instances::ageText(119'000));
}

QString stateName(const QString& state)
{
    if (state == QLatin1String("Ready"))
        return OrchestrationPage::tr("Ready");
    if (state == QLatin1String("Orchestrating"))
        return OrchestrationPage::tr("Orchestrating");
    if (state == QLatin1String("NotOrchestrated"))
        return OrchestrationPage::tr("Not orchestrated");
    return state;
}

}  // namespace

OrchestrationPage::OrchestrationPage(const QString& resource, QWidget* parent)
    : QWidget(parent), m_resource(resource), m_instances(new Instances(this))
{
    setObjectName(QStringLiteral("orchestrationPage_%1").arg(resource));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createForm());
    layout->addWidget(createStatus());
    // Side by side, so the page fits a bottom dock: the table explains, the
    // chart shows the balance at a glance.
    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(createTable());
    splitter->addWidget(createChart());
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({760, 300});
    layout->addWidget(splitter, 1);
    layout->addWidget(createLookup());
    applyChartPalette();
    validateForm();
    refreshSummary();
    refreshProgress();
}

OrchestrationPage::~OrchestrationPage() = default;

QWidget* OrchestrationPage::createForm()
{
    auto* form = new QWidget;
    auto* grid = new QGridLayout(form);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(6);
    addField(grid, Parameters::InitInstances, tr("initInstances"));
    addField(grid, Parameters::MaxInstances, tr("maxInstances"));
    addField(grid, Parameters::ResourcePerInstance, tr("resourcePerInstance"));
    m_orchestrate = new QPushButton(tr("Re-orchestrate…"));
    m_orchestrate->setObjectName(QStringLiteral("reorchestrateButton"));
    grid->addWidget(m_orchestrate, 0, 3 * Parameters::FieldCount);
    grid->setColumnStretch(3 * Parameters::FieldCount + 1, 1);
    m_planPreview = new QLabel;
    m_planPreview->setObjectName(QStringLiteral("planPreview"));
    m_planPreview->setWordWrap(true);
    grid->addWidget(m_planPreview, 2, 0, 1, 3 * Parameters::FieldCount + 2);
    connect(m_orchestrate, &QPushButton::clicked, this, &OrchestrationPage::confirmOrchestrate);
    return form;
}

void OrchestrationPage::addField(QGridLayout* grid, Field field, const QString& label)
{
    FieldEditor& editor = m_fields[field];
    const QString key = Parameters::key(field);
    const QString tip = Parameters::description(field);
    auto* name = new QLabel(label);
    editor.edit = new QLineEdit;
    editor.edit->setObjectName(key);
    editor.edit->setMaximumWidth(
        editor.edit->fontMetrics().horizontalAdvance(QStringLiteral("00000000")) + 12);
    if (field == Parameters::InitInstances)
        editor.edit->setPlaceholderText(tr("default"));
    name->setBuddy(editor.edit);
    editor.range = new QLabel;
    editor.range->setObjectName(key + QStringLiteral("Range"));
    editor.error = new QLabel;
    editor.error->setObjectName(key + QStringLiteral("Error"));
    editor.error->setStyleSheet(kErrorStyle);
    editor.error->setWordWrap(true);
    editor.error->hide();
    for (QWidget* widget : {static_cast<QWidget*>(name), static_cast<QWidget*>(editor.edit),
                            static_cast<QWidget*>(editor.range)})
        widget->setToolTip(tip);
    const int column = 3 * field;
    grid->addWidget(name, 0, column);
    grid->addWidget(editor.edit, 0, column + 1);
    grid->addWidget(editor.range, 0, column + 2);
    grid->addWidget(editor.error, 1, column, 1, 3);
    connect(editor.edit, &QLineEdit::textEdited, this, [this] { m_edited = true; });
    connect(editor.edit, &QLineEdit::textChanged, this, &OrchestrationPage::validateForm);
    connect(editor.edit, &QLineEdit::returnPressed, this, [this] {
        if (m_orchestrate->isEnabled())
            confirmOrchestrate();
    });
}

QWidget* OrchestrationPage::createStatus()
{
    auto* status = new QWidget;
    auto* layout = new QVBoxLayout(status);
    layout->setContentsMargins(0, 0, 0, 0);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("orchestrationProgress"));
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_orchestrateMessage = new QLabel;
    m_orchestrateMessage->setObjectName(QStringLiteral("orchestrateMessage"));
    m_orchestrateMessage->setWordWrap(true);
    m_orchestrateMessage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_orchestrateMessage->hide();
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("orchestrationSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_unavailable = new QLabel;
    m_unavailable->setObjectName(QStringLiteral("orchestratorNote"));
    m_unavailable->setWordWrap(true);
    m_unavailable->setStyleSheet(kErrorStyle);
    m_unavailable->hide();
    layout->addWidget(m_progress);
    layout->addWidget(m_orchestrateMessage);
    layout->addWidget(m_summary);
    layout->addWidget(m_unavailable);
    return status;
}

QWidget* OrchestrationPage::createTable()
{
    m_instanceView = new QTableView;
    m_instanceView->setObjectName(QStringLiteral("orchestrationInstances"));
    m_instanceView->setModel(m_instances);
    m_instanceView->setItemDelegateForColumn(Instances::Load, new LoadBarDelegate(m_instanceView));
    m_instanceView->verticalHeader()->hide();
    m_instanceView->horizontalHeader()->setStretchLastSection(true);
    m_instanceView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_instanceView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_instanceView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_instanceView->setWordWrap(false);
    m_instanceView->verticalHeader()->setDefaultSectionSize(m_instanceView->fontMetrics().height() +
                                                            8);
    fitColumns(m_instanceView);
    return m_instanceView;
}

QWidget* OrchestrationPage::createChart()
{
    m_chart = new QChart;
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_usedSet = new QBarSet(tr("Used"));
    m_usedSet->setColor(kUsedColor);
    m_usedSet->setBorderColor(kUsedColor);
    m_freeSet = new QBarSet(tr("Free"));
    m_freeSet->setColor(kFreeColor);
    m_freeSet->setBorderColor(kFreeColor);
    // Stacked: each bar is the instance's capacity, filled to its load.
    m_series = new QStackedBarSeries;
    m_series->append(m_usedSet);
    m_series->append(m_freeSet);
    m_series->setBarWidth(0.8);
    m_chart->addSeries(m_series);
    // A value axis, not categories: with up to 100 bars, a label under
    // each would not fit. Bar n is instance "<type>-n".
    m_instanceAxis = new QValueAxis;
    m_instanceAxis->setTitleText(tr("instance (%1-N)").arg(m_resource));
    m_instanceAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_instanceAxis->setTickType(QValueAxis::TicksDynamic);
    m_instanceAxis->setTickAnchor(0.0);
    m_instanceAxis->setTickInterval(1.0);
    m_instanceAxis->setGridLineVisible(false);
    m_instanceAxis->setRange(-0.5, 0.5);
    m_loadAxis = new QValueAxis;
    m_loadAxis->setTitleText(tr("resources"));
    m_loadAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_loadAxis->setRange(0, 10);
    m_chart->addAxis(m_instanceAxis, Qt::AlignBottom);
    m_chart->addAxis(m_loadAxis, Qt::AlignLeft);
    m_series->attachAxis(m_instanceAxis);
    m_series->attachAxis(m_loadAxis);
    m_chartView = new QChartView(m_chart);
    m_chartView->setObjectName(QStringLiteral("orchestrationChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(160);
    m_chartView->setToolTip(tr("Load per instance: resources used of its capacity"));
    return m_chartView;
}

QWidget* OrchestrationPage::createLookup()
{
    auto* lookup = new QWidget;
    auto* layout = new QHBoxLayout(lookup);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(tr("Which instance runs resource"));
    m_runInId = new QLineEdit;
    m_runInId->setObjectName(QStringLiteral("runInResourceId"));
    m_runInId->setPlaceholderText(tr("a %1 id").arg(m_resource));
    m_runInId->setToolTip(tr("A resource id; the orchestrator names the instance it is placed on"));
    m_runInId->setMaximumWidth(
        m_runInId->fontMetrics().horizontalAdvance(QString(24, QLatin1Char('m'))));
    label->setBuddy(m_runInId);
    m_runInFind = new QPushButton(tr("Find"));
    m_runInFind->setObjectName(QStringLiteral("runInFind"));
    m_runInResult = new QLabel;
    m_runInResult->setObjectName(QStringLiteral("runInResult"));
    m_runInResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label);
    layout->addWidget(m_runInId);
    layout->addWidget(m_runInFind);
    layout->addWidget(m_runInResult, 1);
    connect(m_runInFind, &QPushButton::clicked, this, &OrchestrationPage::requestRunIn);
    connect(m_runInId, &QLineEdit::returnPressed, this, &OrchestrationPage::requestRunIn);
    connect(m_runInId, &QLineEdit::textChanged, this, &OrchestrationPage::refreshActions);
    return lookup;
}

void OrchestrationPage::setConfirmer(Confirmer confirmer)
{
    m_confirmer = std::move(confirmer);
}

// --- answers -------------------------------------------------------------------

void OrchestrationPage::setOrchestration(const OrchestrationDto& orchestration)
{
    m_orchestration = orchestration;
    m_pollError.clear();
    m_instances->setInstances(orchestration.instances);
    // An example of this type's ids, as the orchestrator spells them.
    if (!orchestration.instances.isEmpty() && !orchestration.instances.first().resources.isEmpty())
        m_runInId->setPlaceholderText(
            tr("e.g. %1").arg(orchestration.instances.first().resources.first()));
    if (!m_edited && orchestration.parameters)
        fillForm(*orchestration.parameters);
    refreshSummary();
    refreshProgress();
    refreshChart();
    refreshPlanPreview();
    refreshActions();
}

void OrchestrationPage::setPollError(const RestStatus& status)
{
    m_pollError = status.toString();
    refreshSummary();
}

void OrchestrationPage::setAvailable(bool available, const QString& reason)
{
    m_available = available;
    m_unavailableReason = available ? QString() : reason;
    if (!available)
        m_posting = false;  // an answer that never comes must not keep the button off
    refreshSummary();
    refreshActions();
}

void OrchestrationPage::setOrchestrateResult(const RestStatus& status,
                                             const OrchestrationDto& orchestration)
{
    m_posting = false;
    if (status.ok()) {
        showMessage(m_orchestrateMessage,
                    orchestration.message.isEmpty() ? tr("Re-orchestration started")
                                                    : orchestration.message,
                    false);
        m_edited = false;  // the form follows the orchestration again
        setOrchestration(orchestration);
        return;
    }
    showMessage(m_orchestrateMessage, tr("Re-orchestration refused: %1").arg(status.toString()),
                true);
    refreshActions();
}

void OrchestrationPage::setRunInResult(const QString& resourceId, const RestStatus& status,
                                       const QString& instanceId)
{
    if (!status.ok()) {
        showMessage(m_runInResult, status.toString(), true);
        return;
    }
    const int row = m_instances->rowOf(instanceId);
    showMessage(m_runInResult,
                row >= 0 ? tr("%1 runs in %2").arg(resourceId, instanceId)
                         : tr("%1 runs in %2 (not in the table yet)").arg(resourceId, instanceId),
                false);
    if (row < 0)
        return;
    m_instanceView->selectRow(row);
    m_instanceView->scrollTo(m_instances->index(row, Instances::Id),
                             QAbstractItemView::PositionAtCenter);
}

// --- form ----------------------------------------------------------------------

void OrchestrationPage::validateForm()
{
    int max = 0;
    const bool maxValid =
        Parameters::checkText(Parameters::MaxInstances,
                              m_fields[Parameters::MaxInstances].edit->text(), std::nullopt, &max)
            .isEmpty();
    const std::optional<int> maxInstances = maxValid ? std::optional<int>(max) : std::nullopt;
    for (int i = 0; i < Parameters::FieldCount; ++i) {
        const auto field = Field(i);
        FieldEditor& editor = m_fields[field];
        int value = 0;
        const QString error =
            Parameters::checkText(field, editor.edit->text(), maxInstances, &value);
        editor.range->setText(tr("(%1)").arg(Parameters::rangeText(field, maxInstances)));
        editor.error->setText(error);
        editor.error->setVisible(!error.isEmpty());
        editor.edit->setStyleSheet(error.isEmpty() ? QString() : kInvalidEditStyle);
        editor.edit->setToolTip(error.isEmpty() ? Parameters::description(field)
                                                : error + QStringLiteral("\n\n") +
                                                      Parameters::description(field));
    }
    refreshPlanPreview();
    refreshActions();
}

std::optional<OrchestrationParametersDto> OrchestrationPage::parameters() const
{
    int values[Parameters::FieldCount] = {};
    int max = 0;
    if (!Parameters::checkText(Parameters::MaxInstances,
                               m_fields[Parameters::MaxInstances].edit->text(), std::nullopt, &max)
             .isEmpty())
        return std::nullopt;
    for (int i = 0; i < Parameters::FieldCount; ++i) {
        if (!Parameters::checkText(Field(i), m_fields[i].edit->text(), max, &values[i]).isEmpty())
            return std::nullopt;
    }
    return OrchestrationParametersDto{values[Parameters::InitInstances],
                                      values[Parameters::MaxInstances],
                                      values[Parameters::ResourcePerInstance]};
}

QString OrchestrationPage::fieldError(Field field) const
{
    return m_fields[field].error->text();
}

void OrchestrationPage::fillForm(const OrchestrationParametersDto& parameters)
{
    m_fields[Parameters::InitInstances].edit->setText(QString::number(parameters.initInstances));
    m_fields[Parameters::MaxInstances].edit->setText(QString::number(parameters.maxInstances));
    m_fields[Parameters::ResourcePerInstance].edit->setText(
        QString::number(parameters.resourcePerInstance));
}

void OrchestrationPage::refreshPlanPreview()
{
    const auto typed = parameters();
    if (!typed || !m_orchestration) {
        m_planPreview->clear();
        m_planPreview->hide();
        return;
    }
    QString error;
    const auto plan = Parameters::plan(m_orchestration->count, *typed, &error);
    m_planPreview->show();
    m_planPreview->setStyleSheet(plan ? QString() : kErrorStyle);
    m_planPreview->setText(
        plan ? tr("Plan: %1 over %n instance(s) of at most %2 each", nullptr, plan->instances)
                   .arg(resourceCountText(m_orchestration->count))
                   .arg(plan->resourcePerInstance)
             : tr("The orchestrator would refuse this: %1").arg(error));
}

void OrchestrationPage::setMayOrchestrate(bool may, const QString& whyNot)
{
    m_mayOrchestrate = may;
    m_whyNotOrchestrate = may ? QString() : whyNot;
    refreshActions();
}

void OrchestrationPage::refreshActions()
{
    const bool valid = parameters().has_value();
    m_orchestrate->setEnabled(m_available && m_mayOrchestrate && valid && !m_posting);
    if (!m_available)
        m_orchestrate->setToolTip(tr("No orchestrator: %1").arg(m_unavailableReason));
    else if (!m_mayOrchestrate)
        m_orchestrate->setToolTip(m_whyNotOrchestrate);
    else if (!valid)
        m_orchestrate->setToolTip(tr("Correct the parameters first"));
    else
        m_orchestrate->setToolTip(
            tr("Spread the %1 resources over fresh instances with these parameters")
                .arg(m_resource));
    m_runInFind->setEnabled(m_available && !m_runInId->text().trimmed().isEmpty());
}

void OrchestrationPage::confirmOrchestrate()
{
    const auto typed = parameters();
    if (!typed || !m_available || m_posting)
        return;
    QString question;
    QString error;
    const auto plan =
        m_orchestration ? Parameters::plan(m_orchestration->count, *typed, &error) : std::nullopt;
    if (plan)
        question = tr("Re-orchestrate the %1 over %n instance(s) of at most %2 each?", nullptr,
                      plan->instances)
                       .arg(resourceCountText(m_orchestration->count))
                       .arg(plan->resourcePerInstance);
    else
        question = tr("Re-orchestrate the %1 resources with initInstances %2, maxInstances %3 and "
                      "resourcePerInstance %4?")
                       .arg(m_resource)
                       .arg(typed->initInstances)
                       .arg(typed->maxInstances)
                       .arg(typed->resourcePerInstance);
    question += QLatin1Char('\n') +
                tr("Every instance reloads its resources; new pods start Pending, and the "
                   "orchestration is Orchestrating until each has sent its first heartbeat.");
    const bool yes = m_confirmer ? m_confirmer(tr("Re-orchestrate"), question) : [&] {
        QMessageBox box(QMessageBox::Question, tr("Re-orchestrate"), question,
                        QMessageBox::Yes | QMessageBox::Cancel, this);
        box.setDefaultButton(QMessageBox::Cancel);
        return box.exec() == QMessageBox::Yes;
    }();
    if (!yes)
        return;
    m_posting = true;
    showMessage(m_orchestrateMessage, tr("Re-orchestrating…"), false);
    refreshActions();
    emit orchestrateRequested(m_resource, *typed);
}

void OrchestrationPage::requestRunIn()
{
    const QString id = m_runInId->text().trimmed();
    if (id.isEmpty() || !m_available)
        return;
    showMessage(m_runInResult, tr("Looking up %1…").arg(id), false);
    emit runInRequested(m_resource, id);
}

// --- status --------------------------------------------------------------------

QString OrchestrationPage::resourceCountText(qint64 count) const
{
    const int n = int(std::min<qint64>(count, std::numeric_limits<int>::max()));
    if (m_resource == QLatin1String("thing"))
        return tr("%Ln thing(s)", nullptr, n);
    if (m_resource == QLatin1String("rule"))
        return tr("%Ln rule(s)", nullptr, n);
    return tr("%Ln resource(s)", nullptr, n);
}

void OrchestrationPage::refreshSummary()
{
    if (!m_orchestration) {
        m_summary->setText(tr("No orchestration read yet."));
    } else {
        QStringList parts{stateName(m_orchestration->state),
                          resourceCountText(m_orchestration->count),
                          tr("%n instance(s)", nullptr, int(m_orchestration->instances.size()))};
        if (m_orchestration->lastOrchestratedAt.isValid())
            parts.append(tr("last orchestrated %1")
                             .arg(m_orchestration->lastOrchestratedAt.toLocalTime().toString(
                                 QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
        m_summary->setText(parts.join(QStringLiteral(" · ")));
    }
    const QString note = !m_available && !m_unavailableReason.isEmpty()
                             ? tr("No orchestrator: %1").arg(m_unavailableReason)
                         : !m_pollError.isEmpty()
                             ? tr("Could not read the orchestration: %1").arg(m_pollError)
                             : QString();
    m_unavailable->setText(note);
    m_unavailable->setVisible(!note.isEmpty());
}

void OrchestrationPage::refreshProgress()
{
    const bool running =
        m_orchestration && m_orchestration->state == QLatin1String("Orchestrating");
    m_progress->setVisible(running);
    if (!running)
        return;
    const int total = std::max(m_orchestration->progressTotal, 1);
    m_progress->setRange(0, total);
    m_progress->setValue(std::clamp(m_orchestration->progressReady, 0, total));
    m_progress->setFormat(tr("%1 / %2 instances ready")
                              .arg(m_orchestration->progressReady)
                              .arg(m_orchestration->progressTotal));
}

// The bar sets are edited in place: values replaced, bars appended or
// removed at the end, the axes moved only when their range changes.
void OrchestrationPage::refreshChart()
{
    const int rows = m_instances->rowCount();
    int capacity = 0;
    for (int row = 0; row < rows; ++row) {
        const auto& instance = m_instances->instance(row);
        const double used = instance.used;
        const double free = std::max(0, instance.count - instance.used);
        capacity = std::max({capacity, instance.count, instance.used});
        if (row < m_usedSet->count()) {
            if (m_usedSet->at(row) != used)
                m_usedSet->replace(row, used);
            if (m_freeSet->at(row) != free)
                m_freeSet->replace(row, free);
        } else {
            m_usedSet->append(used);
            m_freeSet->append(free);
        }
    }
    if (m_usedSet->count() > rows) {
        m_usedSet->remove(rows, m_usedSet->count() - rows);
        m_freeSet->remove(rows, m_freeSet->count() - rows);
    }
    const double right = std::max(rows, 1) - 0.5;
    if (right != m_instanceAxis->max()) {
        m_instanceAxis->setRange(-0.5, right);
        m_instanceAxis->setTickInterval(niceCeiling(rows / 8.0));
    }
    // A little above the largest capacity, ticks at round steps: full bars
    // reach near the top whatever the capacity.
    const double top = std::max(1.0, std::ceil(capacity * 1.05));
    if (top != m_loadAxis->max()) {
        m_loadAxis->setRange(0, top);
        m_loadAxis->setTickType(QValueAxis::TicksDynamic);
        m_loadAxis->setTickAnchor(0.0);
        m_loadAxis->setTickInterval(niceCeiling(top / 6.0));
    }
}

void OrchestrationPage::applyChartPalette()
{
    // QChart does not follow the widget palette: copy it so the chart reads
    // on dark themes too.
    const QPalette colors = palette();
    m_chart->setBackgroundBrush(colors.brush(QPalette::Base));
    m_chart->legend()->setLabelColor(colors.color(QPalette::Text));
    for (QAbstractAxis* axis :
         {static_cast<QAbstractAxis*>(m_instanceAxis), static_cast<QAbstractAxis*>(m_loadAxis)}) {
        axis->setLabelsBrush(colors.brush(QPalette::Text));
        axis->setTitleBrush(colors.brush(QPalette::Text));
        axis->setGridLineColor(colors.color(QPalette::Midlight));
        axis->setLinePenColor(colors.color(QPalette::Mid));
    }
}

void OrchestrationPage::showMessage(QLabel* label, const QString& text, bool error)
{
    label->setText(text);
    label->setStyleSheet(error ? kErrorStyle : QString());
    label->setVisible(!text.isEmpty());
}

void OrchestrationPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        applyChartPalette();
    QWidget::changeEvent(event);
}

}  // namespace concord::widgets
