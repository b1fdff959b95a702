#include "widgets/update_dialog.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShowEvent>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include "models/update_names.h"
#include "widgets/yaml_highlighter.h"

namespace concord::widgets {

namespace {

constexpr int kPlanDebounceMs = 150;

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QLabel* messageLabel(const char* objectName, const QString& style)
{
    auto* label = new QLabel;
    label->setObjectName(QLatin1String(objectName));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(style);
    label->hide();
    return label;
}

const QString kErrorStyle = QStringLiteral("color: #d32f2f;");

QString strategyDescription(v1::UpdateStrategy strategy)
{
    switch (strategy) {
        case v1::UPDATE_STRATEGY_CV:
            return UpdateDialog::tr(
                "Concurrent versions: both versions serve; each transaction stays "
                "on the version it started on. Nothing blocks.");
        case v1::UPDATE_STRATEGY_BF:
            return UpdateDialog::tr(
                "Block for free: new requests to the service are held until the "
                "old version's transactions finish, then the default switches.");
        case v1::UPDATE_STRATEGY_WF:
            return UpdateDialog::tr(
                "Wait for free: nothing blocks; the switch happens the first moment "
                "no transaction depends on the old version, or the update rolls "
                "back at the timeout.");
        case v1::UPDATE_STRATEGY_NAIVE:
            return UpdateDialog::tr("Naive: swap at once, like a rolling update.");
        default:
            return {};
    }
}

}  // namespace

UpdateDialog::UpdateDialog(const QString& service, const QString& fromVersion,
                           const QString& targetVersion, QWidget* parent)
    : QDialog(parent), m_service(service), m_from(fromVersion), m_target(targetVersion)
{
    setObjectName(QStringLiteral("updateDialog"));
    setWindowTitle(tr("Update %1").arg(service));

    auto* title =
        new QLabel(fromVersion.isEmpty()
                       ? tr("Update %1 to %2").arg(service, targetVersion)
                       : tr("Update %1 from %2 to %3").arg(service, fromVersion, targetVersion));
    title->setObjectName(QStringLiteral("updateTitle"));
    QFont titleFont = title->font();
    titleFont.setBold(true);
    title->setFont(titleFont);

    m_startError = messageLabel("startError", kErrorStyle);
    m_connection = messageLabel("connectionStatus", kErrorStyle);
    m_connection->setText(
        tr("The controller is unreachable. Your choices are kept; Start is "
           "possible again once it is back."));

    m_startButton = new QPushButton(tr("Start"));
    m_startButton->setObjectName(QStringLiteral("startButton"));
    m_startButton->setDefault(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    buttons->addButton(m_startButton, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_startButton, &QPushButton::clicked, this, &UpdateDialog::start);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(buildOptions());
    layout->addWidget(buildPreview(), 1);
    layout->addWidget(m_connection);
    layout->addWidget(m_startError);
    layout->addWidget(buttons);

    m_planTimer.setSingleShot(true);
    m_planTimer.setInterval(kPlanDebounceMs);
    connect(&m_planTimer, &QTimer::timeout, this, &UpdateDialog::emitPlanRequest);

    onStrategyChanged();
    resize(860, 640);
}

UpdateDialog::~UpdateDialog() = default;

QWidget* UpdateDialog::buildOptions()
{
    auto* box = new QWidget;
    auto* form = new QFormLayout(box);
    form->setContentsMargins(0, 0, 0, 0);

    m_strategy = new QComboBox;
    m_strategy->setObjectName(QStringLiteral("strategyCombo"));
    for (v1::UpdateStrategy s :
         {v1::UPDATE_STRATEGY_CV, v1::UPDATE_STRATEGY_BF, v1::UPDATE_STRATEGY_WF})
        m_strategy->addItem(models::strategyName(s), int(s));
    m_unsafe = new QCheckBox(tr("Show unsafe strategies"));
    m_unsafe->setObjectName(QStringLiteral("unsafeStrategies"));
    auto* strategyRow = new QHBoxLayout;
    strategyRow->addWidget(m_strategy, 1);
    strategyRow->addWidget(m_unsafe);
    form->addRow(tr("Strategy:"), strategyRow);

    m_strategyDescription = new QLabel;
    m_strategyDescription->setObjectName(QStringLiteral("strategyDescription"));
    m_strategyDescription->setWordWrap(true);
    form->addRow(QString(), m_strategyDescription);

    m_naiveWarning =
        messageLabel("naiveWarning", kErrorStyle + QStringLiteral("font-weight: bold;"));
    m_naiveWarning->setText(
        tr("Naive swaps versions at once: one request may reach the old version of this service "
           "and another request of the same transaction the new one. Transactions may see mixed "
           "versions and fail or corrupt data."));
    form->addRow(QString(), m_naiveWarning);
    m_naiveAcknowledge = new QCheckBox(tr("I accept that transactions may mix versions"));
    m_naiveAcknowledge->setObjectName(QStringLiteral("naiveAcknowledge"));
    m_naiveAcknowledge->hide();
    form->addRow(QString(), m_naiveAcknowledge);

    m_stragglerTtl = new QSpinBox;
    m_stragglerTtl->setObjectName(QStringLiteral("stragglerTtl"));
    m_stragglerTtl->setRange(1, 3600);
    m_stragglerTtl->setValue(30);
    m_stragglerTtl->setSuffix(tr(" s"));
    m_stragglerTtl->setToolTip(
        tr("Transactions still unfinished after this long are reported "
           "as stragglers."));
    form->addRow(tr("Straggler TTL:"), m_stragglerTtl);

    m_timeout = new QSpinBox;
    m_timeout->setObjectName(QStringLiteral("updateTimeout"));
    m_timeout->setRange(0, 86400);
    m_timeout->setValue(0);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setSpecialValueText(tr("none"));
    m_timeout->setToolTip(tr("BF and WF give up and roll back after this long; 0 = no timeout."));
    form->addRow(tr("Timeout:"), m_timeout);

    connect(m_unsafe, &QCheckBox::toggled, this, &UpdateDialog::setUnsafeShown);
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &UpdateDialog::onStrategyChanged);
    connect(m_naiveAcknowledge, &QCheckBox::toggled, this, &UpdateDialog::refreshStart);
    connect(m_stragglerTtl, &QSpinBox::valueChanged, this, &UpdateDialog::schedulePlanRequest);
    connect(m_timeout, &QSpinBox::valueChanged, this, &UpdateDialog::schedulePlanRequest);
    return box;
}

QWidget* UpdateDialog::buildPreview()
{
    auto* preview = new QWidget;
    preview->setObjectName(QStringLiteral("planPreview"));

    m_planStatus = new QLabel;
    m_planStatus->setObjectName(QStringLiteral("planStatus"));
    m_planStatus->setWordWrap(true);
    m_warnings = messageLabel("planWarnings", QStringLiteral("color: #e08a00;"));

    m_phases = new QListWidget;
    m_phases->setObjectName(QStringLiteral("planPhases"));
    m_phases->setSelectionMode(QAbstractItemView::SingleSelection);
    connect(m_phases, &QListWidget::currentRowChanged, this, &UpdateDialog::showPhase);

    m_phaseDescription = new QLabel;
    m_phaseDescription->setObjectName(QStringLiteral("phaseDescription"));
    m_phaseDescription->setWordWrap(true);

    m_yaml = new QPlainTextEdit;
    m_yaml->setObjectName(QStringLiteral("phaseYaml"));
    m_yaml->setReadOnly(true);
    m_yaml->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_yaml->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_highlighter = new YamlHighlighter(m_yaml->document());

    m_copy = new QPushButton(tr("Copy"));
    m_copy->setObjectName(QStringLiteral("copyYaml"));
    m_copy->setToolTip(tr("Copy this phase's YAML to the clipboard"));
    connect(m_copy, &QPushButton::clicked, this, &UpdateDialog::copyYaml);

    auto* yamlBox = new QWidget;
    auto* yamlLayout = new QVBoxLayout(yamlBox);
    yamlLayout->setContentsMargins(0, 0, 0, 0);
    auto* yamlHeader = new QHBoxLayout;
    yamlHeader->addWidget(m_phaseDescription, 1);
    yamlHeader->addWidget(m_copy);
    yamlLayout->addLayout(yamlHeader);
    yamlLayout->addWidget(m_yaml, 1);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(m_phases);
    splitter->addWidget(yamlBox);
    splitter->setStretchFactor(1, 3);

    auto* layout = new QVBoxLayout(preview);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Plan:")));
    layout->addWidget(m_planStatus);
    layout->addWidget(m_warnings);
    layout->addWidget(splitter, 1);
    return preview;
}

v1::UpdateStrategy UpdateDialog::strategy() const
{
    return static_cast<v1::UpdateStrategy>(m_strategy->currentData().toInt());
}

v1::UpdateOptions UpdateDialog::options() const
{
    v1::UpdateOptions options;
    options.mutable_straggler_ttl()->set_seconds(m_stragglerTtl->value());
    if (m_timeout->isEnabled() && m_timeout->value() > 0)
        options.mutable_timeout()->set_seconds(m_timeout->value());
    return options;
}

v1::StartUpdateRequest UpdateDialog::startRequest() const
{
    v1::StartUpdateRequest request;
    request.set_service(m_service.toStdString());
    request.set_target_version(m_target.toStdString());
    request.set_strategy(strategy());
    *request.mutable_options() = options();
    request.set_naive_acknowledged(strategy() == v1::UPDATE_STRATEGY_NAIVE &&
                                   m_naiveAcknowledge->isChecked());
    return request;
}

v1::PlanUpdateRequest UpdateDialog::planRequest() const
{
    v1::PlanUpdateRequest request;
    request.set_service(m_service.toStdString());
    request.set_target_version(m_target.toStdString());
    request.set_strategy(strategy());
    *request.mutable_options() = options();
    return request;
}

void UpdateDialog::setUnsafeShown(bool shown)
{
    const int naive = m_strategy->findData(int(v1::UPDATE_STRATEGY_NAIVE));
    if (shown && naive < 0) {
        m_strategy->addItem(tr("%1 (unsafe)").arg(models::strategyName(v1::UPDATE_STRATEGY_NAIVE)),
                            int(v1::UPDATE_STRATEGY_NAIVE));
    } else if (!shown && naive >= 0) {
        if (m_strategy->currentIndex() == naive)
            m_strategy->setCurrentIndex(m_strategy->findData(int(v1::UPDATE_STRATEGY_CV)));
        m_strategy->removeItem(naive);
    }
}

// The shown plan belongs to the previous strategy: drop it rather than let the
// operator read phases that will not run.
void UpdateDialog::onStrategyChanged()
{
    const v1::UpdateStrategy s = strategy();
    const bool naive = s == v1::UPDATE_STRATEGY_NAIVE;
    m_strategyDescription->setText(strategyDescription(s));
    m_naiveWarning->setVisible(naive);
    m_naiveAcknowledge->setVisible(naive);
    m_timeout->setEnabled(s == v1::UPDATE_STRATEGY_BF || s == v1::UPDATE_STRATEGY_WF);
    if (m_hasPlan && m_plan.strategy() != s) {
        m_plan.Clear();
        m_hasPlan = false;
        m_phases->clear();
        m_yaml->clear();
        m_phaseDescription->clear();
        m_warnings->hide();
    }
    m_copy->setEnabled(m_hasPlan);
    refreshStart();
    schedulePlanRequest();
}

void UpdateDialog::schedulePlanRequest()
{
    if (!m_shownOnce)
        return;  // showEvent asks for the first plan
    m_planStatus->setText(m_connected ? tr("Planning…") : tr("Waiting for the controller…"));
    m_planStatus->setStyleSheet({});
    if (m_connected)
        m_planTimer.start();
}

void UpdateDialog::emitPlanRequest()
{
    if (m_connected)
        emit planRequested(planRequest());
}

void UpdateDialog::showEvent(QShowEvent* event)
{
    QDialog::showEvent(event);
    if (!m_shownOnce) {
        m_shownOnce = true;
        schedulePlanRequest();
    }
}

void UpdateDialog::setPlan(const v1::UpdatePlan& plan)
{
    if (plan.strategy() != strategy())
        return;
    if ((!plan.service().empty() && qs(plan.service()) != m_service) ||
        (!plan.target_version().empty() && qs(plan.target_version()) != m_target))
        return;
    const int previousRow = m_phases->currentRow();
    m_plan = plan;
    m_hasPlan = true;
    m_planStatus->clear();
    m_planStatus->setStyleSheet({});
    QStringList warnings;
    for (const std::string& warning : plan.warnings())
        warnings << qs(warning);
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());

    const QSignalBlocker blocker(m_phases);
    m_phases->clear();
    for (int i = 0; i < plan.phases_size(); ++i) {
        const v1::PlanPhase& phase = plan.phases(i);
        const QString name = models::phaseName(phase.phase());
        auto* item = new QListWidgetItem(phase.rules_changed()
                                             ? tr("%1. %2").arg(i + 1).arg(name)
                                             : tr("%1. %2 (rules unchanged)").arg(i + 1).arg(name));
        item->setToolTip(qs(phase.description()));
        item->setData(Qt::UserRole, int(phase.phase()));
        if (!phase.rules_changed()) {
            QFont font = item->font();
            font.setItalic(true);
            item->setFont(font);
        }
        m_phases->addItem(item);
    }
    const int row = previousRow >= 0 && previousRow < plan.phases_size() ? previousRow : 0;
    m_phases->setCurrentRow(plan.phases_size() > 0 ? row : -1);
    showPhase(m_phases->currentRow());
    m_copy->setEnabled(plan.phases_size() > 0);
}

void UpdateDialog::setPlanError(const QString& message)
{
    m_planStatus->setText(tr("No plan: %1").arg(message));
    m_planStatus->setStyleSheet(kErrorStyle);
}

void UpdateDialog::showPhase(int row)
{
    if (!m_hasPlan || row < 0 || row >= m_plan.phases_size()) {
        m_yaml->clear();
        m_phaseDescription->clear();
        return;
    }
    const v1::PlanPhase& phase = m_plan.phases(row);
    m_phaseDescription->setText(phase.rules_changed()
                                    ? qs(phase.description())
                                    : tr("%1 (rules unchanged)").arg(qs(phase.description())));
    m_yaml->setPlainText(qs(phase.rules_yaml()));
}

void UpdateDialog::copyYaml()
{
    const int row = m_phases->currentRow();
    if (m_hasPlan && row >= 0 && row < m_plan.phases_size())
        QGuiApplication::clipboard()->setText(qs(m_plan.phases(row).rules_yaml()));
}

void UpdateDialog::start()
{
    refreshStart();
    if (!m_startButton->isEnabled())
        return;
    m_starting = true;
    m_startError->hide();
    refreshStart();
    emit startRequested(startRequest());
}

void UpdateDialog::setStartError(const QString& message)
{
    m_starting = false;
    m_startError->setText(tr("The update did not start: %1").arg(message));
    m_startError->show();
    refreshStart();
}

void UpdateDialog::setConnected(bool connected)
{
    if (connected == m_connected)
        return;
    m_connected = connected;
    // A start in flight when the connection dropped has no answer coming;
    // starting again is safe (a running update is refused).
    if (!connected)
        m_starting = false;
    m_connection->setVisible(!connected);
    refreshStart();
    if (connected)
        schedulePlanRequest();
    else if (m_shownOnce)
        m_planStatus->setText(tr("Waiting for the controller…"));
}

void UpdateDialog::refreshStart()
{
    const bool naiveOk = strategy() != v1::UPDATE_STRATEGY_NAIVE || m_naiveAcknowledge->isChecked();
    m_startButton->setEnabled(m_connected && !m_starting && naiveOk);
}

}  // namespace concord::widgets
