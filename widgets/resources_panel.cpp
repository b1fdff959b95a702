#include "widgets/resources_panel.h"

#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include "models/resource_filter_model.h"
#include "models/resource_model.h"
#include "models/state_palette.h"

namespace concord::widgets {

namespace {

using models::ResourceHealth;
using models::ResourceModel;

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QLabel* valueLabel(const char* objectName)
{
    auto* label = new QLabel;
    label->setObjectName(QLatin1String(objectName));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

QString joined(const google::protobuf::RepeatedPtrField<std::string>& parts)
{
    QStringList list;
    for (const std::string& part : parts)
        list.append(qs(part));
    return list.join(QLatin1Char(' '));
}

QString conditionTypeName(v1::ConditionType type)
{
    switch (type) {
        case v1::CONDITION_TYPE_AVAILABLE:
            return ResourcesPanel::tr("Available");
        case v1::CONDITION_TYPE_PROGRESSING:
            return ResourcesPanel::tr("Progressing");
        case v1::CONDITION_TYPE_DEGRADED:
            return ResourcesPanel::tr("Degraded");
        default:
            return ResourcesPanel::tr("Unknown");
    }
}

QString conditionStatusName(v1::ConditionStatus status)
{
    switch (status) {
        case v1::CONDITION_STATUS_TRUE:
            return ResourcesPanel::tr("True");
        case v1::CONDITION_STATUS_FALSE:
            return ResourcesPanel::tr("False");
        default:
            return ResourcesPanel::tr("Unknown");
    }
}

QString timestampText(const google::protobuf::Timestamp& t)
{
    if (t.seconds() == 0 && t.nanos() == 0)
        return {};
    const QDateTime when = QDateTime::fromSecsSinceEpoch(t.seconds(), Qt::UTC).toLocalTime();
    return QLocale().toString(when, QLocale::ShortFormat);
}

QString orDash(const QString& text)
{
    return text.isEmpty() ? QStringLiteral("—") : text;
}

}  // namespace

ResourcesPanel::ResourcesPanel(QWidget* parent)
    : QWidget(parent), m_filter(new models::ResourceFilterModel(this))
{
    setObjectName(QStringLiteral("resourcesPanel"));
    m_view = buildTable();

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("resourcesSplitter"));
    splitter->addWidget(m_view);
    splitter->addWidget(buildDetails());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);

    m_staleLabel = new QLabel(tr("Controller unreachable: showing the last known resources."));
    m_staleLabel->setObjectName(QStringLiteral("resourcesStaleLabel"));
    m_staleLabel->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildFilterBar());
    layout->addWidget(m_staleLabel);
    layout->addWidget(splitter, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current); });
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this] {
        if (!m_selectedId.isEmpty())
            emit viewYamlRequested(m_selectedId);
    });
    connect(m_filter, &QAbstractItemModel::modelReset, this, &ResourcesPanel::restoreSelection);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        refreshCount();
        if (!m_selectedId.isEmpty() && !m_view->currentIndex().isValid())
            restoreSelection();
    });
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, [this] {
        refreshCount();
        restoreSelection();
    });
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &ResourcesPanel::refreshCount);
    clearDetails();
    refreshCount();
}

ResourcesPanel::~ResourcesPanel() = default;

QTableView* ResourcesPanel::buildTable()
{
    auto* view = new QTableView;
    view->setObjectName(QStringLiteral("resourceTable"));
    view->setModel(m_filter);
    view->setSortingEnabled(true);
    view->sortByColumn(ResourceModel::Id, Qt::AscendingOrder);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    // Fixed, compact row heights: no measuring of 10,000 rows, more of them in view.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setStretchLastSection(true);
    return view;
}

QWidget* ResourcesPanel::buildFilterBar()
{
    m_filterEdit = new QLineEdit;
    m_filterEdit->setObjectName(QStringLiteral("resourceFilter"));
    m_filterEdit->setPlaceholderText(tr("Filter by id"));
    m_filterEdit->setClearButtonEnabled(true);
    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("resourceKind"));
    m_kind->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_kind->addItem(tr("All kinds"), QString());
    m_health = new QComboBox;
    m_health->setObjectName(QStringLiteral("resourceCondition"));
    m_health->addItem(tr("Any status"), -1);
    for (const ResourceHealth h : {ResourceHealth::Available, ResourceHealth::Progressing,
                                   ResourceHealth::Degraded, ResourceHealth::Disabled})
        m_health->addItem(models::resourceHealthName(h), int(h));
    m_count = new QLabel;
    m_count->setObjectName(QStringLiteral("resourceCount"));

    connect(m_filterEdit, &QLineEdit::textChanged, m_filter,
            &models::ResourceFilterModel::setFilterText);
    connect(m_kind, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_filter->setKind(m_kind->itemData(index).toString()); });
    connect(m_health, &QComboBox::currentIndexChanged, this, [this](int index) {
        const int value = m_health->itemData(index).toInt();
        m_filter->setHealth(value < 0 ? std::nullopt
                                      : std::optional<ResourceHealth>(ResourceHealth(value)));
    });

    auto* bar = new QWidget;
    auto* layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filterEdit, 1);
    layout->addWidget(m_kind);
    layout->addWidget(m_health);
    layout->addWidget(m_count);
    return bar;
}

QWidget* ResourcesPanel::buildDetails()
{
    m_details = new QWidget;
    m_details->setObjectName(QStringLiteral("resourceDetails"));
    m_title = valueLabel("detailTitle");
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_status = valueLabel("detailStatus");
    m_status->setTextFormat(Qt::RichText);

    auto* layout = new QVBoxLayout(m_details);
    layout->addWidget(m_title);
    layout->addWidget(m_status);
    // What the controller observed first: it is why the operator looks.
    layout->addWidget(buildStatusBox());
    auto* boxes = new QHBoxLayout;
    boxes->addWidget(buildSpecBox(), 1);
    boxes->addWidget(buildProbeBox(), 1);
    layout->addLayout(boxes);
    layout->addStretch();

    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_details);
    auto* pane = new QWidget;
    auto* paneLayout = new QVBoxLayout(pane);
    paneLayout->setContentsMargins(0, 0, 0, 0);
    paneLayout->addWidget(scroll, 1);
    paneLayout->addWidget(buildButtons());
    return pane;
}

QGroupBox* ResourcesPanel::buildSpecBox()
{
    auto* box = new QGroupBox(tr("Spec"));
    auto* form = new QFormLayout(box);
    m_attributes = valueLabel("detailAttributes");
    m_place = valueLabel("detailPlace");
    m_time = valueLabel("detailTime");
    form->addRow(tr("Attributes:"), m_attributes);
    form->addRow(tr("Where:"), m_place);
    form->addRow(tr("When:"), m_time);
    return box;
}

QGroupBox* ResourcesPanel::buildProbeBox()
{
    auto* box = new QGroupBox(tr("Probe"));
    auto* form = new QFormLayout(box);
    m_image = valueLabel("detailImage");
    m_command = valueLabel("detailCommand");
    m_args = valueLabel("detailArgs");
    m_probeEnabled = valueLabel("detailProbeEnabled");
    form->addRow(tr("Image:"), m_image);
    form->addRow(tr("Command:"), m_command);
    form->addRow(tr("Arguments:"), m_args);
    form->addRow(tr("Enabled:"), m_probeEnabled);
    return box;
}

QGroupBox* ResourcesPanel::buildStatusBox()
{
    auto* box = new QGroupBox(tr("Status"));
    auto* layout = new QVBoxLayout(box);
    auto* form = new QFormLayout;
    m_statusForm = form;
    m_generation = valueLabel("detailGeneration");
    m_deployment = valueLabel("detailDeployment");
    m_phase = valueLabel("detailPhase");
    m_deploymentMessage = valueLabel("detailDeploymentMessage");
    form->addRow(tr("Generation:"), m_generation);
    form->addRow(tr("Probe Deployment:"), m_deployment);
    form->addRow(tr("Phase:"), m_phase);
    form->addRow(tr("Message:"), m_deploymentMessage);
    layout->addLayout(form);

    m_conditions = new QTableWidget(0, 5);
    m_conditions->setObjectName(QStringLiteral("resourceConditions"));
    m_conditions->setHorizontalHeaderLabels(
        {tr("Condition"), tr("Status"), tr("Reason"), tr("Message"), tr("Last transition")});
    m_conditions->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_conditions->setSelectionMode(QAbstractItemView::NoSelection);
    m_conditions->setWordWrap(false);
    m_conditions->verticalHeader()->hide();
    m_conditions->verticalHeader()->setDefaultSectionSize(m_conditions->fontMetrics().height() + 8);
    // The message takes what is left, elided (the full text is its tooltip).
    m_conditions->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_conditions->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_conditions->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_conditions->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Three conditions and the header, no scrolling.
    m_conditions->setFixedHeight(m_conditions->horizontalHeader()->sizeHint().height() +
                                 3 * m_conditions->verticalHeader()->defaultSectionSize() + 4);
    layout->addWidget(m_conditions);
    return box;
}

QWidget* ResourcesPanel::buildButtons()
{
    m_toggleButton = new QPushButton(tr("Enable probe"));
    m_toggleButton->setObjectName(QStringLiteral("toggleProbeButton"));
    m_editButton = new QPushButton(tr("Edit…"));
    m_editButton->setObjectName(QStringLiteral("editResourceButton"));
    m_yamlButton = new QPushButton(tr("View YAML"));
    m_yamlButton->setObjectName(QStringLiteral("viewYamlButton"));
    m_deleteButton = new QPushButton(tr("Delete…"));
    m_deleteButton->setObjectName(QStringLiteral("deleteResourceButton"));
    connect(m_toggleButton, &QPushButton::clicked, this, &ResourcesPanel::toggleProbe);
    connect(m_editButton, &QPushButton::clicked, this, [this] {
        if (!m_selectedId.isEmpty())
            emit editRequested(m_selectedId);
    });
    connect(m_yamlButton, &QPushButton::clicked, this, [this] {
        if (!m_selectedId.isEmpty())
            emit viewYamlRequested(m_selectedId);
    });
    connect(m_deleteButton, &QPushButton::clicked, this, &ResourcesPanel::confirmDelete);

    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_toggleButton);
    layout->addWidget(m_editButton);
    layout->addWidget(m_yamlButton);
    layout->addStretch();
    layout->addWidget(m_deleteButton);
    return row;
}

void ResourcesPanel::setModel(models::ResourceModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_filter->setSourceModel(model);
    connectModel();
    refreshKinds();
    refreshCount();
    resizeColumns();
    restoreSelection();
}

// Typical contents or the header, whichever is wider (measuring 10,000 rows
// would cost more than it tells); the operator resizes from there.
void ResourcesPanel::resizeColumns()
{
    QHeaderView* header = m_view->horizontalHeader();
    const QFontMetrics cells = m_view->fontMetrics();
    const QFontMetrics titles = header->fontMetrics();
    const int padding = cells.horizontalAdvance(QLatin1Char('0')) * 2;
    const int icon = m_view->style()->pixelMetric(QStyle::PM_SmallIconSize) + padding / 2;
    const std::pair<int, QString> samples[] = {
        {ResourceModel::Id, QStringLiteral("purifier-meeting-12")},
        {ResourceModel::Kind, QStringLiteral("AirPurifier")},
        {ResourceModel::Probe, tr("off")},
        {ResourceModel::Status, models::resourceHealthName(ResourceHealth::Progressing)},
        {ResourceModel::Phase, ResourceModel::probePhaseName(v1::PROBE_PHASE_PENDING)},
        {ResourceModel::Room, QStringLiteral("meeting-3")},
        {ResourceModel::Generation, QStringLiteral("10/10")},
    };
    for (const auto& [column, sample] : samples) {
        const QString title = m_filter->headerData(column, Qt::Horizontal).toString();
        const int content = cells.horizontalAdvance(sample) + padding +
                            (column == ResourceModel::Status ? icon : 0);
        header->resizeSection(column, std::max(content, titles.horizontalAdvance(title) + padding));
    }
}

void ResourcesPanel::connectModel()
{
    if (!m_model)
        return;
    connect(m_model, &models::ResourceModel::kindsChanged, this, &ResourcesPanel::refreshKinds);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ResourcesPanel::onSourceDataChanged);
    connect(m_model, &models::ResourceModel::synced, this, &ResourcesPanel::restoreSelection);
}

void ResourcesPanel::setConfirmer(Confirmer confirmer)
{
    m_confirmer = std::move(confirmer);
}

// Kinds come and go with the rows; the chosen one stays chosen while it exists.
void ResourcesPanel::refreshKinds()
{
    const QString chosen = m_kind->currentData().toString();
    const QStringList kinds = m_model ? m_model->kinds() : QStringList();
    const QSignalBlocker blocker(m_kind);
    while (m_kind->count() > 1)
        m_kind->removeItem(1);
    for (const QString& kind : kinds)
        m_kind->addItem(kind, kind);
    const int index = m_kind->findData(chosen);
    m_kind->setCurrentIndex(std::max(0, index));
    if (index < 0 && !chosen.isEmpty())
        m_filter->setKind({});
}

void ResourcesPanel::refreshCount()
{
    const int total = m_model ? m_model->rowCount() : 0;
    const int shown = m_filter->rowCount();
    m_count->setText(shown == total ? tr("%n resource(s)", nullptr, total)
                                    : tr("%1 of %n resource(s)", nullptr, total).arg(shown));
}

void ResourcesPanel::onCurrentChanged(const QModelIndex& proxyIndex)
{
    const QString id = proxyIndex.data(ResourceModel::IdRole).toString();
    const bool changed = id != m_selectedId;
    m_selectedId = id;
    refreshDetails();
    if (changed)
        emit selectedResourceChanged(id);
}

// Only a change to the selected row refreshes the details: a burst touching
// thousands of other rows costs nothing here.
void ResourcesPanel::onSourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight)
{
    const int row = m_model ? m_model->rowOf(m_selectedId) : -1;
    if (row >= topLeft.row() && row <= bottomRight.row() && topLeft.column() <= ResourceModel::Age)
        refreshDetails();
}

// After a reset, a removal or rows of a snapshot: select the same Resource
// again if it is (back) there, else show nothing.
void ResourcesPanel::restoreSelection()
{
    refreshCount();
    if (m_selectedId.isEmpty()) {
        refreshDetails();
        return;
    }
    const int row = m_model ? m_model->rowOf(m_selectedId) : -1;
    const QModelIndex proxy =
        row >= 0 ? m_filter->mapFromSource(m_model->index(row, 0)) : QModelIndex();
    // The same id again: onCurrentChanged() sees no change and stays quiet.
    if (proxy.isValid() && m_view->currentIndex().row() != proxy.row())
        m_view->selectionModel()->setCurrentIndex(
            proxy, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    // While a fresh snapshot streams in (after a RESET) the Resource may
    // still come back: the selection waits for it until SYNCED.
    if (row < 0 && !(m_model && !m_model->isSynced())) {
        m_selectedId.clear();
        emit selectedResourceChanged({});
    }
    refreshDetails();
}

void ResourcesPanel::selectResource(const QString& id)
{
    const int row = m_model ? m_model->rowOf(id) : -1;
    if (row < 0)
        return;
    const QModelIndex proxy = m_filter->mapFromSource(m_model->index(row, 0));
    if (!proxy.isValid())
        return;
    m_view->selectionModel()->setCurrentIndex(
        proxy, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(proxy);
}

void ResourcesPanel::refreshDetails()
{
    const v1::Resource* resource = m_model ? m_model->resource(m_selectedId) : nullptr;
    if (resource)
        showResource(*resource);
    else
        clearDetails();
    refreshActions();
}

void ResourcesPanel::showResource(const v1::Resource& resource)
{
    const v1::ResourceSpec& spec = resource.spec();
    m_title->setText(tr("%1 · %2").arg(qs(spec.id()), qs(spec.kind())));
    const ResourceHealth health = ResourceModel::healthOf(resource);
    QColor color = models::resourceHealthColor(health);
    if (m_stale)
        color = models::staleColor(color);
    const QString message = ResourceModel::statusMessage(resource);
    m_status->setText(
        tr("<span style=\"color:%1\">●</span> <b>%2</b>%3")
            .arg(color.name(), models::resourceHealthName(health).toHtmlEscaped(),
                 message.isEmpty() ? QString() : tr(" — %1").arg(message.toHtmlEscaped())));
    showStatus(resource, message);
    showSpec(spec);
}

void ResourcesPanel::showStatus(const v1::Resource& resource, const QString& headline)
{
    const v1::ResourceStatus& status = resource.status();
    m_generation->setText(
        status.observed_generation() < resource.generation()
            ? tr("observed %1 of %2 — the controller has not caught up yet")
                  .arg(status.observed_generation())
                  .arg(resource.generation())
            : tr("observed %1 of %2").arg(status.observed_generation()).arg(resource.generation()));
    m_deployment->setText(
        status.probe().name().empty()
            ? tr("none")
            : tr("%1 (spec %2)")
                  .arg(qs(status.probe().name()), orDash(qs(status.probe().spec_hash()))));
    m_phase->setText(ResourceModel::probePhaseName(status.probe().phase()));
    // The probe's message is usually the headline's already.
    const QString probeMessage = qs(status.probe().message());
    m_deploymentMessage->setText(probeMessage);
    m_statusForm->setRowVisible(m_deploymentMessage,
                                !probeMessage.isEmpty() && probeMessage != headline);
    showConditions(status);
}

void ResourcesPanel::showSpec(const v1::ResourceSpec& spec)
{
    QStringList attributes;
    std::map<std::string, std::string> sorted(spec.attributes().begin(), spec.attributes().end());
    for (const auto& [key, value] : sorted)
        attributes.append(tr("%1 = %2").arg(qs(key), qs(value)));
    m_attributes->setText(attributes.isEmpty() ? tr("none") : attributes.join(QLatin1Char('\n')));

    const v1::SpaceAttributes& space = spec.space();
    QStringList place;
    if (!space.site().empty())
        place.append(tr("site %1").arg(qs(space.site())));
    if (!space.room().empty())
        place.append(tr("room %1").arg(qs(space.room())));
    if (space.has_latitude() && space.has_longitude())
        place.append(
            tr("%1, %2").arg(space.latitude(), 0, 'f', 5).arg(space.longitude(), 0, 'f', 5));
    m_place->setText(place.isEmpty() ? tr("unknown") : place.join(QStringLiteral(" · ")));

    const v1::TimeAttributes& time = spec.time();
    const QString hours =
        time.available_from().empty() && time.available_until().empty()
            ? tr("always")
            : tr("%1–%2").arg(qs(time.available_from()), qs(time.available_until()));
    m_time->setText(time.timezone().empty() ? hours
                                            : tr("%1 (%2)").arg(hours, qs(time.timezone())));

    m_image->setText(orDash(qs(spec.probe().image())));
    m_command->setText(orDash(joined(spec.probe().command())));
    m_args->setText(orDash(joined(spec.probe().args())));
    m_probeEnabled->setText(spec.probe_enabled() ? tr("yes") : tr("no"));
}

void ResourcesPanel::showConditions(const v1::ResourceStatus& status)
{
    m_conditions->setRowCount(status.conditions_size());
    for (int row = 0; row < status.conditions_size(); ++row) {
        const v1::Condition& c = status.conditions(row);
        const QStringList cells{conditionTypeName(c.type()), conditionStatusName(c.status()),
                                qs(c.reason()), qs(c.message()),
                                timestampText(c.last_transition_time())};
        for (int column = 0; column < cells.size(); ++column) {
            auto* item = new QTableWidgetItem(cells[column]);
            if (column == 3)
                item->setToolTip(cells[column]);
            m_conditions->setItem(row, column, item);
        }
    }
}

void ResourcesPanel::clearDetails()
{
    m_title->setText(tr("Select a resource to see its spec and status."));
    m_status->clear();
    for (QLabel* label : {m_attributes, m_place, m_time, m_image, m_command, m_args, m_probeEnabled,
                          m_generation, m_deployment, m_phase, m_deploymentMessage})
        label->clear();
    m_conditions->setRowCount(0);
}

void ResourcesPanel::setActionsEnabled(bool enabled, const QString& whyNot)
{
    m_actionsEnabled = enabled;
    for (QPushButton* button : {m_toggleButton, m_editButton, m_deleteButton})
        button->setToolTip(enabled ? QString() : whyNot);
    refreshActions();
}

void ResourcesPanel::setStale(bool stale)
{
    if (m_stale == stale)
        return;
    m_stale = stale;
    m_staleLabel->setVisible(stale);
    refreshDetails();
}

void ResourcesPanel::refreshActions()
{
    const v1::Resource* resource = m_model ? m_model->resource(m_selectedId) : nullptr;
    const bool canAct = resource && m_actionsEnabled && !m_stale;
    const bool enabled = resource && resource->spec().probe_enabled();
    m_toggleButton->setText(enabled ? tr("Disable probe") : tr("Enable probe"));
    // Enabling needs an image (the controller refuses it otherwise).
    m_toggleButton->setEnabled(canAct && (enabled || !resource->spec().probe().image().empty()));
    m_editButton->setEnabled(canAct);
    m_deleteButton->setEnabled(canAct);
    m_yamlButton->setEnabled(resource != nullptr && !m_stale);
}

void ResourcesPanel::toggleProbe()
{
    const v1::Resource* resource = m_model ? m_model->resource(m_selectedId) : nullptr;
    if (!resource || !m_toggleButton->isEnabled())
        return;
    emit probeToggleRequested(m_selectedId, !resource->spec().probe_enabled());
}

void ResourcesPanel::confirmDelete()
{
    if (m_selectedId.isEmpty() || !m_deleteButton->isEnabled())
        return;
    const QString id = m_selectedId;
    if (confirm(tr("Delete resource"),
                tr("Delete the resource %1? Its probe Deployment is deleted with it.").arg(id)))
        emit deleteRequested(id);
}

bool ResourcesPanel::confirm(const QString& title, const QString& text)
{
    if (m_confirmer)
        return m_confirmer(title, text);
    QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Yes | QMessageBox::Cancel,
                    this);
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Yes;
}

}  // namespace concord::widgets
