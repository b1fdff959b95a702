#include "widgets/version_tree_panel.h"

#include <QAction>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSplitter>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

#include "models/state_palette.h"
#include "models/version_tree_filter_model.h"
#include "models/version_tree_model.h"

namespace concord::widgets {

namespace {

using models::VersionTreeModel;

QLabel* valueLabel(const char* objectName)
{
    auto* label = new QLabel;
    label->setObjectName(QLatin1String(objectName));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QString instanceStateName(v1::InstanceState state)
{
    switch (state) {
        case v1::INSTANCE_STATE_STARTING:
            return VersionTreePanel::tr("starting");
        case v1::INSTANCE_STATE_UP:
            return VersionTreePanel::tr("up");
        case v1::INSTANCE_STATE_DOWN:
            return VersionTreePanel::tr("down");
        default:
            return VersionTreePanel::tr("unknown");
    }
}

}  // namespace

VersionTreePanel::VersionTreePanel(QWidget* parent)
    : QWidget(parent), m_filter(new models::VersionTreeFilterModel(this))
{
    buildUi();
    connectView();
    refreshActions();
}

VersionTreePanel::~VersionTreePanel() = default;

void VersionTreePanel::buildUi()
{
    m_filterEdit = new QLineEdit;
    m_filterEdit->setObjectName(QStringLiteral("versionFilter"));
    m_filterEdit->setPlaceholderText(tr("Filter by service, version or image"));
    m_filterEdit->setClearButtonEnabled(true);

    m_staleLabel = new QLabel(tr("Controller unreachable: showing the last known versions."));
    m_staleLabel->setObjectName(QStringLiteral("staleLabel"));
    m_staleLabel->setWordWrap(true);
    m_staleLabel->hide();

    m_view = new QTreeView;
    m_view->setObjectName(QStringLiteral("versionTree"));
    m_view->setModel(m_filter);
    m_view->setUniformRowHeights(true);  // O(1) row geometry: 10,000 rows stay cheap
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setExpandsOnDoubleClick(false);  // double-click on a version = update
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setAllColumnsShowFocus(true);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(QHeaderView::Interactive);

    m_details = new QWidget;
    m_details->setObjectName(QStringLiteral("versionDetails"));
    auto* form = new QFormLayout(m_details);
    m_serviceLabel = valueLabel("detailService");
    m_versionLabel = valueLabel("detailVersion");
    m_parentLabel = valueLabel("detailParent");
    m_imageLabel = valueLabel("detailImage");
    m_createdLabel = valueLabel("detailCreated");
    m_stateLabel = valueLabel("detailState");
    m_instancesLabel = valueLabel("detailInstances");
    m_trafficLabel = valueLabel("detailTraffic");
    form->addRow(tr("Service:"), m_serviceLabel);
    form->addRow(tr("Version:"), m_versionLabel);
    form->addRow(tr("Parent:"), m_parentLabel);
    form->addRow(tr("Image:"), m_imageLabel);
    form->addRow(tr("Created:"), m_createdLabel);
    form->addRow(tr("State:"), m_stateLabel);
    form->addRow(tr("Instances:"), m_instancesLabel);
    form->addRow(tr("Traffic share:"), m_trafficLabel);

    m_updateAction = new QAction(tr("Update to this version…"), this);
    m_updateAction->setObjectName(QStringLiteral("updateAction"));
    m_registerAction = new QAction(tr("Register child version…"), this);
    m_registerAction->setObjectName(QStringLiteral("registerAction"));
    m_view->addAction(m_updateAction);
    m_view->addAction(m_registerAction);

    m_updateButton = new QPushButton(m_updateAction->text());
    m_updateButton->setObjectName(QStringLiteral("updateButton"));
    m_registerButton = new QPushButton(m_registerAction->text());
    m_registerButton->setObjectName(QStringLiteral("registerButton"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_updateButton);
    buttons->addWidget(m_registerButton);
    buttons->addStretch();

    auto* detailsBox = new QWidget;
    auto* detailsLayout = new QVBoxLayout(detailsBox);
    detailsLayout->setContentsMargins(0, 0, 0, 0);
    detailsLayout->addWidget(m_details);
    detailsLayout->addLayout(buttons);
    detailsLayout->addStretch();

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_view);
    splitter->addWidget(detailsBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_filterEdit);
    layout->addWidget(m_staleLabel);
    layout->addWidget(splitter);
    clearDetails();
}

void VersionTreePanel::connectView()
{
    connect(m_filterEdit, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_filter->setFilterText(text);  // a reset: onProxyReset re-expands
        if (m_view->currentIndex().isValid())
            m_view->scrollTo(m_view->currentIndex());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current); });
    connect(m_view, &QTreeView::doubleClicked, this, &VersionTreePanel::onDoubleClicked);
    connect(m_view, &QWidget::customContextMenuRequested, this, &VersionTreePanel::showContextMenu);
    connect(m_view, &QTreeView::collapsed, this, [this](const QModelIndex& index) {
        if (!m_restoring)
            m_collapsed.insert(expansionKey(index));
    });
    connect(m_view, &QTreeView::expanded, this, [this](const QModelIndex& index) {
        if (!m_restoring)
            m_collapsed.remove(expansionKey(index));
    });
    connect(m_filter, &QAbstractItemModel::modelReset, this, &VersionTreePanel::onProxyReset);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this,
            &VersionTreePanel::scheduleRestoreExpansion);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &VersionTreePanel::onRowsInserted);
    // Removing an ancestor of the current row (a service leaving, a filter)
    // invalidates the current index without currentRowChanged.
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (!m_view->currentIndex().isValid() && !m_currentService.isEmpty())
            onCurrentChanged(m_view->currentIndex());
    });
    connect(m_updateAction, &QAction::triggered, this, &VersionTreePanel::requestUpdate);
    connect(m_registerAction, &QAction::triggered, this, &VersionTreePanel::requestRegister);
    connect(m_updateButton, &QPushButton::clicked, this, &VersionTreePanel::requestUpdate);
    connect(m_registerButton, &QPushButton::clicked, this, &VersionTreePanel::requestRegister);
}

void VersionTreePanel::setModel(models::VersionTreeModel* model)
{
    if (m_model == model)
        return;
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    m_columnsSized = false;
    m_filter->setSourceModel(model);
    if (model) {
        connect(model, &QAbstractItemModel::dataChanged, this,
                &VersionTreePanel::onSourceDataChanged);
        connect(model, &QObject::destroyed, this, [this] { setModel(nullptr); });
    }
}

void VersionTreePanel::selectService(const QString& service)
{
    selectVersion(service, {});
}

void VersionTreePanel::selectVersion(const QString& service, const QString& version)
{
    if (!m_model)
        return;
    const QModelIndex proxy = m_filter->mapFromSource(m_model->indexOf(service, version));
    if (!proxy.isValid())
        return;
    QScopedValueRollback<bool> guard(m_syncing, true);
    if (m_view->currentIndex() != proxy)
        m_view->setCurrentIndex(proxy);
    m_view->scrollTo(proxy);
}

void VersionTreePanel::setStale(bool stale)
{
    m_stale = stale;
    m_staleLabel->setVisible(stale);
    refreshActions();
}

void VersionTreePanel::onCurrentChanged(const QModelIndex& proxyIndex)
{
    const QModelIndex source = m_filter->mapToSource(proxyIndex);
    m_currentSource = source;
    const QString service = source.data(VersionTreeModel::ServiceRole).toString();
    const QString version = source.data(VersionTreeModel::VersionRole).toString();
    const bool changed = service != m_currentService || version != m_currentVersion;
    m_currentService = service;
    m_currentVersion = version;
    refreshDetails();
    refreshActions();
    if (changed && !m_syncing)
        emit currentVersionChanged(service, version);
}

void VersionTreePanel::onSourceDataChanged(const QModelIndex& topLeft,
                                           const QModelIndex& bottomRight)
{
    if (!m_currentSource.isValid() || m_currentSource.parent() != topLeft.parent())
        return;
    if (m_currentSource.row() < topLeft.row() || m_currentSource.row() > bottomRight.row())
        return;
    refreshDetails();
    refreshActions();
}

// A reset (a new snapshot) forgets the view's expansion and selection; the
// operator's collapsed nodes and current node are keyed by name and come back.
void VersionTreePanel::onProxyReset()
{
    restoreExpansion();
    restoreCurrent();
    if (!m_columnsSized && m_filter->rowCount() > 0) {
        resizeColumns();
        m_columnsSized = true;
    }
}

void VersionTreePanel::restoreCurrent()
{
    const QString service = m_currentService;
    const QString version = m_currentVersion;
    QModelIndex proxy;
    if (m_model && !service.isEmpty())
        proxy = m_filter->mapFromSource(m_model->indexOf(service, version));
    if (proxy.isValid()) {
        QScopedValueRollback<bool> guard(m_syncing, true);
        m_view->setCurrentIndex(proxy);
        return;
    }
    m_currentSource = QPersistentModelIndex();
    m_currentService.clear();
    m_currentVersion.clear();
    clearDetails();
    refreshActions();
    if (!service.isEmpty())
        emit currentVersionChanged({}, {});
}

void VersionTreePanel::onRowsInserted(const QModelIndex& parent, int first, int last)
{
    QScopedValueRollback<bool> guard(m_restoring, true);
    bool withChildren = false;
    for (int row = first; row <= last; ++row) {
        const QModelIndex index = m_filter->index(row, 0, parent);
        // Expanding a leaf is remembered by the view: its future children show.
        if (!m_collapsed.contains(expansionKey(index)))
            m_view->expand(index);
        withChildren = withChildren || m_filter->rowCount(index) > 0;
    }
    if (withChildren)
        scheduleRestoreExpansion();
}

void VersionTreePanel::scheduleRestoreExpansion()
{
    if (m_restorePending)
        return;
    m_restorePending = true;
    QTimer::singleShot(0, this, [this] {
        m_restorePending = false;
        restoreExpansion();
    });
}

void VersionTreePanel::restoreExpansion()
{
    QScopedValueRollback<bool> guard(m_restoring, true);
    m_view->expandAll();
    if (!m_model)
        return;
    for (const QString& key : std::as_const(m_collapsed)) {
        const QStringList parts = key.split(QLatin1Char('\n'));
        const QModelIndex proxy = m_filter->mapFromSource(m_model->indexOf(parts[0], parts[1]));
        if (proxy.isValid())
            m_view->collapse(proxy);
    }
}

QString VersionTreePanel::expansionKey(const QModelIndex& proxyIndex) const
{
    return proxyIndex.data(VersionTreeModel::ServiceRole).toString() + QLatin1Char('\n') +
           proxyIndex.data(VersionTreeModel::VersionRole).toString();
}

void VersionTreePanel::showContextMenu(const QPoint& pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    m_view->setCurrentIndex(index);
    QMenu menu(this);
    menu.addAction(m_updateAction);
    menu.addAction(m_registerAction);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void VersionTreePanel::onDoubleClicked(const QModelIndex& proxyIndex)
{
    if (proxyIndex.data(VersionTreeModel::IsServiceRole).toBool()) {
        const QModelIndex first = proxyIndex.siblingAtColumn(0);
        m_view->setExpanded(first, !m_view->isExpanded(first));
        return;
    }
    requestUpdate();
}

bool VersionTreePanel::canUpdate() const
{
    if (m_stale || !m_model || m_currentVersion.isEmpty())
        return false;
    const v1::Version* version = m_model->versionAt(m_currentSource);
    return version && version->state() != v1::VERSION_STATE_SERVING;
}

bool VersionTreePanel::canRegister() const
{
    return !m_stale && m_model && !m_currentService.isEmpty() &&
           !registerParentFor(m_currentService).isEmpty();
}

void VersionTreePanel::requestUpdate()
{
    if (canUpdate())
        emit updateRequested(m_currentService, m_currentVersion);
}

void VersionTreePanel::requestRegister()
{
    if (!canRegister())
        return;
    const QString parent =
        m_currentVersion.isEmpty() ? registerParentFor(m_currentService) : m_currentVersion;
    emit registerChildRequested(m_currentService, parent);
}

QString VersionTreePanel::registerParentFor(const QString& service) const
{
    if (!m_currentVersion.isEmpty())
        return m_currentVersion;
    const QModelIndex serviceIndex = m_model->indexOf(service);
    const v1::Service* summary = m_model->serviceAt(serviceIndex);
    if (summary && summary->serving_versions_size() > 0)
        return qs(summary->serving_versions(0));
    return m_model->index(0, 0, serviceIndex).data(VersionTreeModel::VersionRole).toString();
}

void VersionTreePanel::refreshActions()
{
    const bool update = canUpdate();
    const bool reg = canRegister();
    m_updateAction->setEnabled(update);
    m_updateButton->setEnabled(update);
    m_registerAction->setEnabled(reg);
    m_registerButton->setEnabled(reg);
    if (!m_stale && !m_currentVersion.isEmpty() && !update)
        m_updateButton->setToolTip(tr("This version is serving already."));
    else
        m_updateButton->setToolTip({});
}

void VersionTreePanel::clearDetails()
{
    for (QLabel* label : {m_serviceLabel, m_versionLabel, m_parentLabel, m_imageLabel,
                          m_createdLabel, m_stateLabel, m_instancesLabel, m_trafficLabel})
        label->setText(tr("—"));
}

void VersionTreePanel::refreshDetails()
{
    clearDetails();
    if (!m_model || !m_currentSource.isValid())
        return;
    m_serviceLabel->setText(m_currentService);
    const v1::Version* version = m_model->versionAt(m_currentSource);
    if (!version) {
        m_stateLabel->setText(QModelIndex(m_currentSource)
                                  .siblingAtColumn(VersionTreeModel::State)
                                  .data()
                                  .toString());
        return;
    }
    m_versionLabel->setText(qs(version->name()));
    m_parentLabel->setText(version->parent().empty() ? tr("none (root)") : qs(version->parent()));
    m_imageLabel->setText(qs(version->image()));
    const QDateTime created = m_currentSource.data(VersionTreeModel::CreatedAtRole).toDateTime();
    m_createdLabel->setText(
        tr("%1 (%2 ago)")
            .arg(QLocale().toString(created.toLocalTime(), QLocale::ShortFormat),
                 QModelIndex(m_currentSource)
                     .siblingAtColumn(VersionTreeModel::Age)
                     .data()
                     .toString()));
    m_stateLabel->setText(models::versionStateName(version->state()));
    QStringList instances;
    for (const v1::Instance& instance : version->instances())
        instances << tr("%1 (%2)").arg(qs(instance.name()), instanceStateName(instance.state()));
    m_instancesLabel->setText(instances.isEmpty() ? tr("none")
                                                  : tr("%n instance(s): %1", "", instances.size())
                                                        .arg(instances.join(QLatin1String(", "))));
    m_trafficLabel->setText(
        QModelIndex(m_currentSource).siblingAtColumn(VersionTreeModel::Traffic).data().toString());
}

// Sized once per model, from the rows the header samples (not every row of
// a 10,000-version tree); the operator's widths win afterwards.
void VersionTreePanel::resizeColumns()
{
    for (int column = 0; column < VersionTreeModel::ColumnCount; ++column)
        m_view->resizeColumnToContents(column);
}

}  // namespace concord::widgets
