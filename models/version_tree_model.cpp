#include "models/version_tree_model.h"

#include <QFont>
#include <QGuiApplication>
#include <QPalette>
#include <algorithm>
#include <vector>

#include "models/age_text.h"
#include "models/state_palette.h"

namespace concord::models {

namespace {

constexpr int kAgeRefreshMs = 10'000;

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

template <class Item>
bool versionLess(const Item& a, const Item& b)
{
    const auto& ta = a.value().version.created_at();
    const auto& tb = b.value().version.created_at();
    if (ta.seconds() != tb.seconds())
        return ta.seconds() < tb.seconds();
    if (ta.nanos() != tb.nanos())
        return ta.nanos() < tb.nanos();
    return a.value().version.name() < b.value().version.name();
}

template <class Item>
bool serviceNameLess(const Item& a, const Item& b)
{
    return a.value().service.name() < b.value().service.name();
}

QDateTime toDateTime(const google::protobuf::Timestamp& t)
{
    return QDateTime::fromMSecsSinceEpoch(t.seconds() * 1000 + t.nanos() / 1'000'000, Qt::UTC);
}

int upInstances(const v1::Version& version)
{
    return static_cast<int>(
        std::count_if(version.instances().begin(), version.instances().end(),
                      [](const v1::Instance& i) { return i.state() == v1::INSTANCE_STATE_UP; }));
}

int startingInstances(const v1::Version& version)
{
    return static_cast<int>(std::count_if(
        version.instances().begin(), version.instances().end(),
        [](const v1::Instance& i) { return i.state() == v1::INSTANCE_STATE_STARTING; }));
}

QString percent(double share)
{
    return QString::number(qRound(std::clamp(share, 0.0, 1.0) * 100.0));
}

}  // namespace

VersionTreeModel::VersionTreeModel(QObject* parent)
    : QAbstractItemModel(parent),
      m_root(std::make_unique<Item>()),
      m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    m_ageTimer.setInterval(kAgeRefreshMs);
    connect(&m_ageTimer, &QTimer::timeout, this, &VersionTreeModel::refreshAges);
    m_ageTimer.start();
}

VersionTreeModel::~VersionTreeModel() = default;

void VersionTreeModel::applyMeshEvent(const v1::MeshEvent& event)
{
    switch (event.change_case()) {
        case v1::MeshEvent::kSnapshot:
            m_pendingSnapshot.MergeFrom(event.snapshot());
            if (event.snapshot().complete()) {
                applySnapshot(m_pendingSnapshot);
                m_pendingSnapshot.Clear();
            }
            break;
        case v1::MeshEvent::kServiceAdded:
            addService(event.service_added());
            break;
        case v1::MeshEvent::kServiceChanged:
            changeService(event.service_changed());
            break;
        case v1::MeshEvent::kServiceRemoved:
            removeService(event.service_removed());
            break;
        case v1::MeshEvent::kVersionAdded:
            addVersion(event.version_added().version());
            break;
        case v1::MeshEvent::kVersionChanged:
            changeVersion(event.version_changed().version());
            break;
        case v1::MeshEvent::kInstanceUp:
            changeInstance(event.instance_up().instance(), true);
            break;
        case v1::MeshEvent::kInstanceDown:
            changeInstance(event.instance_down().instance(), false);
            break;
        case v1::MeshEvent::CHANGE_NOT_SET:
            break;
    }
}

// The whole tree is built before beginResetModel so views see one short reset:
// items are created in the tree's order, attached to their parent, then every
// sibling list is sorted once — O(n log n).
void VersionTreeModel::applySnapshot(const v1::MeshSnapshot& snapshot)
{
    auto root = std::make_unique<Item>();
    std::unordered_map<std::string, ServiceEntry> services;
    services.reserve(static_cast<size_t>(snapshot.services_size()));
    auto serviceEntry = [&](const std::string& name) -> ServiceEntry& {
        ServiceEntry& entry = services[name];
        if (!entry.item) {
            Node node;
            node.isService = true;
            node.service.set_name(name);
            entry.item = root->appendChild(std::move(node));
        }
        return entry;
    };
    for (const v1::Service& service : snapshot.services())
        serviceEntry(service.name()).item->value().service = service;

    const QDateTime now = m_clock();
    for (const v1::VersionTree& tree : snapshot.trees()) {
        ServiceEntry& entry = serviceEntry(tree.service());
        entry.versions.reserve(entry.versions.size() + static_cast<size_t>(tree.versions_size()));
        std::vector<Item*> items;
        items.reserve(static_cast<size_t>(tree.versions_size()));
        for (const v1::Version& version : tree.versions()) {
            if (entry.versions.count(version.name()))
                continue;  // a duplicate name: the first wins
            Node node;
            node.version = version;
            if (node.version.service().empty())
                node.version.set_service(tree.service());
            node.ageBucket = ageBucket(node.version, now);
            // A parent precedes its children in a tree's order; attaching only
            // to items already placed also rules out cycles.
            const auto parentIt = entry.versions.find(version.parent());
            Item* parentItem = parentIt != entry.versions.end() ? parentIt->second : entry.item;
            Item* item = parentItem->appendChild(std::move(node));
            entry.versions.emplace(version.name(), item);
            items.push_back(item);
        }
        adoptOrphansQuietly(entry);
        entry.item->sortChildren(versionLess<Item>);
        for (Item* item : items) {
            if (item->childCount() > 1)
                item->sortChildren(versionLess<Item>);
        }
    }
    root->sortChildren(serviceNameLess<Item>);

    beginResetModel();
    m_root = std::move(root);
    m_services = std::move(services);
    endResetModel();
}

// Versions listed before their parent (the daemon never does this) land under
// the service first; move them under their parent before anyone watches.
void VersionTreeModel::adoptOrphansQuietly(ServiceEntry& entry)
{
    for (int row = entry.item->childCount() - 1; row >= 0; --row) {
        Item* orphan = entry.item->child(row);
        const auto it = entry.versions.find(orphan->value().version.parent());
        if (it == entry.versions.end() || it->second == orphan || orphan->isAncestorOf(it->second))
            continue;
        it->second->appendChild(entry.item->takeChild(row));
    }
}

VersionTreeModel::ServiceEntry& VersionTreeModel::ensureService(const std::string& name)
{
    const auto it = m_services.find(name);
    if (it != m_services.end())
        return it->second;
    v1::Service service;
    service.set_name(name);
    addService(service);
    return m_services.at(name);
}

void VersionTreeModel::addService(const v1::Service& service)
{
    if (m_services.count(service.name())) {
        changeService(service);
        return;
    }
    auto item = std::make_unique<Item>();
    item->value().isService = true;
    item->value().service = service;
    const int row = m_root->sortedRow(*item, serviceNameLess<Item>);
    beginInsertRows({}, row, row);
    m_services[service.name()].item = m_root->insertChild(row, std::move(item));
    endInsertRows();
}

void VersionTreeModel::changeService(const v1::Service& service)
{
    const auto it = m_services.find(service.name());
    if (it == m_services.end()) {
        addService(service);
        return;
    }
    it->second.item->value().service = service;
    emitRowChanged(it->second.item);
}

void VersionTreeModel::removeService(const std::string& name)
{
    const auto it = m_services.find(name);
    if (it == m_services.end())
        return;
    const int row = it->second.item->row();
    beginRemoveRows({}, row, row);
    m_services.erase(it);
    m_root->takeChild(row);
    endRemoveRows();
}

void VersionTreeModel::addVersion(const v1::Version& version)
{
    ServiceEntry& entry = ensureService(version.service());
    if (entry.versions.count(version.name())) {
        changeVersion(version);
        return;
    }
    const auto parentIt = entry.versions.find(version.parent());
    Item* parentItem = parentIt != entry.versions.end() ? parentIt->second : entry.item;
    auto item = std::make_unique<Item>();
    item->value().version = version;
    item->value().ageBucket = ageBucket(version, m_clock());
    const int row = parentItem->sortedRow(*item, versionLess<Item>);
    beginInsertRows(indexFor(parentItem), row, row);
    Item* raw = parentItem->insertChild(row, std::move(item));
    entry.versions.emplace(version.name(), raw);
    endInsertRows();
    emitRowChanged(entry.item, Instances, Instances);
    adoptOrphans(entry, raw);
}

// Children registered before their parent reached us wait under the service;
// move them under the parent now.
void VersionTreeModel::adoptOrphans(ServiceEntry& entry, Item* parentItem)
{
    const std::string& name = parentItem->value().version.name();
    std::vector<Item*> orphans;
    for (const auto& child : entry.item->children()) {
        if (child.get() != parentItem && child->value().version.parent() == name &&
            !child->isAncestorOf(parentItem))
            orphans.push_back(child.get());
    }
    for (Item* orphan : orphans) {
        const int from = orphan->row();
        const int to = parentItem->sortedRow(*orphan, versionLess<Item>);
        beginMoveRows(indexFor(entry.item), from, from, indexFor(parentItem), to);
        parentItem->insertChild(to, entry.item->takeChild(from));
        endMoveRows();
    }
}

// The API never changes a version's parent or creation time, so the row stays.
void VersionTreeModel::changeVersion(const v1::Version& version)
{
    const auto serviceIt = m_services.find(version.service());
    if (serviceIt == m_services.end()) {
        addVersion(version);
        return;
    }
    const auto it = serviceIt->second.versions.find(version.name());
    if (it == serviceIt->second.versions.end()) {
        addVersion(version);
        return;
    }
    Node& node = it->second->value();
    const std::string parent = node.version.parent();
    const google::protobuf::Timestamp createdAt = node.version.created_at();
    node.version = version;
    *node.version.mutable_parent() = parent;
    *node.version.mutable_created_at() = createdAt;
    emitRowChanged(it->second);
    emitRowChanged(serviceIt->second.item, Instances, Instances);
}

void VersionTreeModel::setTrafficShare(const QString& service, const QString& version, double share)
{
    Item* item = findVersion(service.toStdString(), version.toStdString());
    if (!item || item->value().version.traffic_share() == share)
        return;
    item->value().version.set_traffic_share(share);
    emitRowChanged(item, State, Traffic);
}

void VersionTreeModel::changeInstance(const v1::Instance& instance, bool up)
{
    Item* item = findVersion(instance.service(), instance.version());
    if (!item)
        return;
    auto* instances = item->value().version.mutable_instances();
    const auto it = std::find_if(instances->begin(), instances->end(), [&](const v1::Instance& i) {
        return i.name() == instance.name();
    });
    if (up) {
        v1::Instance& target = it != instances->end() ? *it : *instances->Add();
        target = instance;
        target.set_state(v1::INSTANCE_STATE_UP);
    } else if (it != instances->end()) {
        instances->erase(it);
    } else {
        return;
    }
    emitRowChanged(item, Instances, Instances);
    emitRowChanged(m_services.at(instance.service()).item, Instances, Instances);
}

VersionTreeModel::Item* VersionTreeModel::findVersion(const std::string& service,
                                                      const std::string& version) const
{
    const auto serviceIt = m_services.find(service);
    if (serviceIt == m_services.end())
        return nullptr;
    const auto it = serviceIt->second.versions.find(version);
    return it != serviceIt->second.versions.end() ? it->second : nullptr;
}

QModelIndex VersionTreeModel::indexOf(const QString& service, const QString& version) const
{
    const std::string serviceName = service.toStdString();
    if (version.isEmpty()) {
        const auto it = m_services.find(serviceName);
        return it != m_services.end() ? indexFor(it->second.item) : QModelIndex();
    }
    return indexFor(findVersion(serviceName, version.toStdString()));
}

const v1::Version* VersionTreeModel::versionAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    const Item* item = treeItemFromIndex(index, m_root.get());
    return item->value().isService ? nullptr : &item->value().version;
}

const v1::Service* VersionTreeModel::serviceAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    const Item* item = treeItemFromIndex(index, m_root.get());
    if (item->value().isService)
        return &item->value().service;
    const auto it = m_services.find(item->value().version.service());
    return it != m_services.end() ? &it->second.item->value().service : nullptr;
}

void VersionTreeModel::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
    refreshAges();
}

void VersionTreeModel::refreshAges()
{
    refreshAgesUnder(m_root.get(), m_clock());
}

// One dataChanged per run of adjacent rows whose age text changed: old
// versions change bucket rarely, so a tick is mostly silent.
void VersionTreeModel::refreshAgesUnder(Item* parent, const QDateTime& now)
{
    int runStart = -1;
    const QModelIndex parentIndex = indexFor(parent);
    auto flush = [&](int end) {
        if (runStart >= 0)
            emit dataChanged(index(runStart, Age, parentIndex), index(end, Age, parentIndex),
                             {Qt::DisplayRole});
        runStart = -1;
    };
    for (int row = 0; row < parent->childCount(); ++row) {
        Item* child = parent->child(row);
        bool changed = false;
        if (!child->value().isService) {
            const qint64 bucket = ageBucket(child->value().version, now);
            changed = bucket != child->value().ageBucket;
            child->value().ageBucket = bucket;
        }
        if (changed && runStart < 0)
            runStart = row;
        else if (!changed)
            flush(row - 1);
    }
    flush(parent->childCount() - 1);
    for (const auto& child : parent->children()) {
        if (child->childCount() > 0)
            refreshAgesUnder(child.get(), now);
    }
}

void VersionTreeModel::setStale(bool stale)
{
    if (m_stale == stale)
        return;
    m_stale = stale;
    emitAllChanged(m_root.get(), {Qt::ForegroundRole, Qt::DecorationRole}, 0, ColumnCount - 1);
}

void VersionTreeModel::emitAllChanged(const Item* parent, const QList<int>& roles, int firstColumn,
                                      int lastColumn)
{
    if (parent->childCount() == 0)
        return;
    const QModelIndex parentIndex = indexFor(parent);
    emit dataChanged(index(0, firstColumn, parentIndex),
                     index(parent->childCount() - 1, lastColumn, parentIndex), roles);
    for (const auto& child : parent->children())
        emitAllChanged(child.get(), roles, firstColumn, lastColumn);
}

QModelIndex VersionTreeModel::indexFor(const Item* item, int column) const
{
    if (!item || item == m_root.get())
        return {};
    return createIndex(item->row(), column, const_cast<Item*>(item));
}

void VersionTreeModel::emitRowChanged(const Item* item, int firstColumn, int lastColumn)
{
    emit dataChanged(indexFor(item, firstColumn), indexFor(item, lastColumn));
}

QModelIndex VersionTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    Item* parentItem = treeItemFromIndex(parent, m_root.get());
    Item* child = parentItem->child(row);
    return child ? createIndex(row, column, child) : QModelIndex();
}

QModelIndex VersionTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    const Item* item = treeItemFromIndex(child, m_root.get());
    return indexFor(item->parent());
}

int VersionTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return 0;
    return treeItemFromIndex(parent, m_root.get())->childCount();
}

int VersionTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant VersionTreeModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Item* item = treeItemFromIndex(index, m_root.get());
    switch (role) {
        case Qt::DisplayRole:
            return displayData(item, index.column());
        case Qt::ToolTipRole:
            if (!item->value().isService && index.column() == Instances) {
                QStringList names;
                for (const v1::Instance& instance : item->value().version.instances())
                    names << qs(instance.name());
                return names.join(QLatin1Char('\n'));
            }
            return {};
        case Qt::ForegroundRole:
            return foreground(item, index.column());
        case Qt::DecorationRole:
            if (item->value().isService || index.column() != Version)
                return {};
            return m_stale ? staleColor(versionStateColor(item->value().version.state()))
                           : versionStateColor(item->value().version.state());
        case Qt::FontRole:
            if (item->value().isService ||
                item->value().version.state() == v1::VERSION_STATE_SERVING) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        case Qt::TextAlignmentRole:
            if (index.column() == Instances || index.column() == Traffic || index.column() == Age)
                return int(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        default:
            return userData(item, role);
    }
}

QVariant VersionTreeModel::displayData(const Item* item, int column) const
{
    return item->value().isService ? serviceDisplay(item, column)
                                   : versionDisplay(item->value().version, column);
}

QVariant VersionTreeModel::serviceDisplay(const Item* item, int column) const
{
    const v1::Service& service = item->value().service;
    switch (column) {
        case Version:
            return qs(service.name());
        case State: {
            if (!service.active_update_id().empty())
                return tr("updating");
            QStringList serving;
            for (const std::string& name : service.serving_versions())
                serving << qs(name);
            return serving.isEmpty() ? QString()
                                     : tr("serving %1").arg(serving.join(QLatin1String(", ")));
        }
        case Instances: {
            const auto it = m_services.find(service.name());
            int total = 0;
            if (it != m_services.end()) {
                for (const auto& [name, version] : it->second.versions)
                    total += upInstances(version->value().version);
            }
            return total;
        }
        default:
            return {};
    }
}

QVariant VersionTreeModel::versionDisplay(const v1::Version& version, int column) const
{
    switch (column) {
        case Version:
            return qs(version.name());
        case Image:
            return qs(version.image());
        case Age:
            return ageText(version);
        case State:
            if (version.state() == v1::VERSION_STATE_SERVING ||
                version.state() == v1::VERSION_STATE_DRAINING)
                return tr("%1 %2%").arg(versionStateName(version.state()),
                                        percent(version.traffic_share()));
            return versionStateName(version.state());
        case Instances: {
            const int up = upInstances(version);
            const int starting = startingInstances(version);
            return starting > 0 ? tr("%1 (+%2 starting)").arg(up).arg(starting)
                                : QString::number(up);
        }
        case Traffic:
            return tr("%1 %").arg(percent(version.traffic_share()));
        default:
            return {};
    }
}

QVariant VersionTreeModel::foreground(const Item* item, int column) const
{
    const bool stateColoured = !item->value().isService && (column == Version || column == State);
    if (stateColoured) {
        const QColor color = versionStateColor(item->value().version.state());
        return m_stale ? staleColor(color) : color;
    }
    if (m_stale)
        return staleColor(QGuiApplication::palette().color(QPalette::Text));
    return {};
}

QVariant VersionTreeModel::userData(const Item* item, int role) const
{
    const Node& node = item->value();
    switch (role) {
        case ServiceRole:
            return node.isService ? qs(node.service.name()) : qs(node.version.service());
        case VersionRole:
            return node.isService ? QString() : qs(node.version.name());
        case StateRole:
            return node.isService ? int(v1::VERSION_STATE_UNSPECIFIED) : int(node.version.state());
        case IsServiceRole:
            return node.isService;
        case ParentVersionRole:
            return node.isService ? QString() : qs(node.version.parent());
        case CreatedAtRole:
            return node.isService ? QDateTime() : toDateTime(node.version.created_at());
        default:
            return {};
    }
}

qint64 VersionTreeModel::ageBucket(const v1::Version& version, const QDateTime& now) const
{
    return AgeText::bucket(version.created_at().seconds(), now);
}

QString VersionTreeModel::ageText(const v1::Version& version) const
{
    return version.has_created_at() ? AgeText::text(ageBucket(version, m_clock())) : QString();
}

QVariant VersionTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
        case Version:
            return tr("Version");
        case Image:
            return tr("Image");
        case Age:
            return tr("Age");
        case State:
            return tr("State");
        case Instances:
            return tr("Instances");
        case Traffic:
            return tr("Traffic");
        default:
            return {};
    }
}

QHash<int, QByteArray> VersionTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(ServiceRole, "service");
    names.insert(VersionRole, "version");
    names.insert(StateRole, "state");
    names.insert(IsServiceRole, "isService");
    names.insert(ParentVersionRole, "parentVersion");
    names.insert(CreatedAtRole, "createdAt");
    return names;
}

}  // namespace concord::models
