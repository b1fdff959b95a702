#include "models/resource_model.h"

#include <QGuiApplication>
#include <QPalette>
#include <algorithm>

#include "models/age_text.h"

namespace concord::models {

namespace {

constexpr int kAgeRefreshMs = 10'000;
// More removed ranges or changed runs than this in one batch: one signal
// over the whole span is cheaper for views than hundreds of small ones.
constexpr std::size_t kMaxRemoveRanges = 64;
constexpr std::size_t kMaxChangedRuns = 32;

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

const v1::Condition* findCondition(const v1::ResourceStatus& status, v1::ConditionType type)
{
    for (const v1::Condition& condition : status.conditions()) {
        if (condition.type() == type)
            return &condition;
    }
    return nullptr;
}

bool holds(const v1::ResourceStatus& status, v1::ConditionType type)
{
    const v1::Condition* condition = findCondition(status, type);
    return condition && condition->status() == v1::CONDITION_STATUS_TRUE;
}

// Contiguous runs of sorted, distinct rows: [first, last] pairs.
std::vector<std::pair<int, int>> runsOf(std::vector<int> rows)
{
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    std::vector<std::pair<int, int>> runs;
    for (const int row : rows) {
        if (!runs.empty() && runs.back().second + 1 == row)
            runs.back().second = row;
        else
            runs.emplace_back(row, row);
    }
    return runs;
}

}  // namespace

ResourceModel::ResourceModel(QObject* parent)
    : QAbstractTableModel(parent), m_clock([] { return QDateTime::currentDateTimeUtc(); })
{
    m_ageTimer.setInterval(kAgeRefreshMs);
    connect(&m_ageTimer, &QTimer::timeout, this, &ResourceModel::refreshAges);
    m_ageTimer.start();
}

ResourceModel::~ResourceModel() = default;

// --- events ----------------------------------------------------------------

void ResourceModel::apply(const v1::ResourceEvent& event)
{
    m_pending.push_back(event);
    if (m_flushQueued)
        return;
    m_flushQueued = true;
    QTimer::singleShot(0, this, &ResourceModel::flush);
}

void ResourceModel::flush()
{
    m_flushQueued = false;
    if (m_pending.empty())
        return;
    std::vector<v1::ResourceEvent> events;
    events.swap(m_pending);
    // A RESET forgets everything before it: what follows lands on an empty model.
    const auto lastReset = std::find_if(
        events.rbegin(), events.rend(),
        [](const v1::ResourceEvent& e) { return e.type() == v1::ResourceEvent::TYPE_RESET; });
    const bool wipe = lastReset != events.rend();
    const auto first = wipe ? lastReset.base() : events.begin();
    const QStringList kindsBefore = kinds();
    if (wipe) {
        m_synced = false;
        m_index.clear();
    }
    Batch batch;
    batch.now = m_clock();
    for (auto it = first; it != events.end(); ++it)
        gather(*it, batch);
    if (wipe || (m_rows.empty() && !batch.added.empty()))
        commitAsReset(batch, wipe);
    else
        commit(batch);
    finish(batch, kindsBefore);
}

void ResourceModel::gather(v1::ResourceEvent& event, Batch& batch)
{
    switch (event.type()) {
        case v1::ResourceEvent::TYPE_ADDED:
            upsert(std::move(*event.mutable_resource()), false, batch);
            break;
        case v1::ResourceEvent::TYPE_MODIFIED:
            upsert(std::move(*event.mutable_resource()), true, batch);
            break;
        case v1::ResourceEvent::TYPE_DELETED:
            remove(qs(event.resource().spec().id()), batch);
            break;
        case v1::ResourceEvent::TYPE_SYNCED:
            batch.synced = true;
            break;
        default:
            break;
    }
}

// An ADDED for a known id, or a MODIFIED for an unknown one, is taken as
// what it carries: the Resource as it is now.
void ResourceModel::upsert(v1::Resource&& resource, bool modified, Batch& batch)
{
    Row row = makeRow(std::move(resource), batch.now);
    if (row.id.isEmpty())
        return;
    if (const auto added = batch.addedIndex.constFind(row.id); added != batch.addedIndex.cend()) {
        const auto at = std::size_t(*added);
        if (modified && !batch.addedGone[at] && batch.added[at].health != row.health)
            batch.transitions.push_back({row.id, batch.added[at].health, row.health});
        batch.added[at] = std::move(row);
        batch.addedGone[at] = false;
        return;
    }
    if (const auto existing = m_index.constFind(row.id); existing != m_index.cend()) {
        const int at = *existing;
        Row& old = m_rows[std::size_t(at)];
        // Deleted earlier in this batch and back again: the row stays.
        if (const auto gone = std::find(batch.deleted.begin(), batch.deleted.end(), at);
            gone != batch.deleted.end()) {
            batch.deleted.erase(gone);
            countKind(old.kind, +1);
        }
        if (modified && old.health != row.health)
            batch.transitions.push_back({row.id, old.health, row.health});
        if (old.kind != row.kind) {
            countKind(old.kind, -1);
            countKind(row.kind, +1);
        }
        old = std::move(row);
        batch.changed.push_back(at);
        return;
    }
    countKind(row.kind, +1);
    batch.addedIndex.insert(row.id, int(batch.added.size()));
    batch.added.push_back(std::move(row));
    batch.addedGone.push_back(false);
}

void ResourceModel::remove(const QString& id, Batch& batch)
{
    if (const auto added = batch.addedIndex.constFind(id); added != batch.addedIndex.cend()) {
        const auto at = std::size_t(*added);
        if (!batch.addedGone[at])
            countKind(batch.added[at].kind, -1);
        batch.addedGone[at] = true;
        return;
    }
    const auto existing = m_index.constFind(id);
    if (existing == m_index.cend())
        return;
    if (std::find(batch.deleted.begin(), batch.deleted.end(), *existing) != batch.deleted.end())
        return;
    countKind(m_rows[std::size_t(*existing)].kind, -1);
    batch.deleted.push_back(*existing);
}

// The snapshot (or everything after a RESET): one reset, no per-row signals.
void ResourceModel::commitAsReset(Batch& batch, bool wipe)
{
    beginResetModel();
    if (wipe) {
        m_rows.clear();
        m_kinds.clear();
        for (std::size_t i = 0; i < batch.added.size(); ++i) {
            if (!batch.addedGone[i])
                countKind(batch.added[i].kind, +1);
        }
    }
    m_rows.reserve(m_rows.size() + batch.added.size());
    for (std::size_t i = 0; i < batch.added.size(); ++i) {
        if (!batch.addedGone[i])
            m_rows.push_back(std::move(batch.added[i]));
    }
    reindexFrom(0);
    endResetModel();
}

// Live changes: removes first (the rows still where gather() found them),
// then changes at their new rows, then one insert at the end.
void ResourceModel::commit(Batch& batch)
{
    QStringList changedIds;
    changedIds.reserve(qsizetype(batch.changed.size()));
    for (const int row : batch.changed)
        changedIds.append(m_rows[std::size_t(row)].id);
    removeRowsAt(std::move(batch.deleted));
    std::vector<int> changed;
    changed.reserve(std::size_t(changedIds.size()));
    for (const QString& id : std::as_const(changedIds)) {
        if (const int row = rowOf(id); row >= 0)
            changed.push_back(row);
    }
    emitChanged(std::move(changed), 0, ColumnCount - 1);
    appendRows(batch);
}

void ResourceModel::removeRowsAt(std::vector<int> rows)
{
    if (rows.empty())
        return;
    const auto runs = runsOf(std::move(rows));
    if (runs.size() > kMaxRemoveRanges) {
        beginResetModel();
        std::vector<bool> gone(m_rows.size());
        for (const auto& [first, last] : runs)
            std::fill(gone.begin() + first, gone.begin() + last + 1, true);
        std::size_t kept = 0;
        for (std::size_t i = 0; i < m_rows.size(); ++i) {
            if (gone[i])
                continue;
            if (kept != i)
                m_rows[kept] = std::move(m_rows[i]);
            ++kept;
        }
        m_rows.resize(kept);
        reindexFrom(0);
        endResetModel();
        return;
    }
    // Highest first, so the rows of the next range have not moved.
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
        beginRemoveRows({}, it->first, it->second);
        for (int row = it->first; row <= it->second; ++row)
            m_index.remove(m_rows[std::size_t(row)].id);
        m_rows.erase(m_rows.begin() + it->first, m_rows.begin() + it->second + 1);
        reindexFrom(it->first);
        endRemoveRows();
    }
}

void ResourceModel::emitChanged(std::vector<int> rows, int firstColumn, int lastColumn,
                                const QList<int>& roles)
{
    if (rows.empty())
        return;
    auto runs = runsOf(std::move(rows));
    if (runs.size() > kMaxChangedRuns)
        runs = {{runs.front().first, runs.back().second}};
    for (const auto& [first, last] : runs)
        emit dataChanged(index(first, firstColumn), index(last, lastColumn), roles);
}

void ResourceModel::appendRows(Batch& batch)
{
    std::vector<Row> rows;
    for (std::size_t i = 0; i < batch.added.size(); ++i) {
        if (!batch.addedGone[i])
            rows.push_back(std::move(batch.added[i]));
    }
    if (rows.empty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(rows.size()) - 1);
    m_rows.insert(m_rows.end(), std::make_move_iterator(rows.begin()),
                  std::make_move_iterator(rows.end()));
    reindexFrom(first);
    endInsertRows();
}

void ResourceModel::reindexFrom(int firstRow)
{
    if (firstRow == 0)
        m_index.clear();
    m_index.reserve(qsizetype(m_rows.size()));
    for (std::size_t row = std::size_t(firstRow); row < m_rows.size(); ++row)
        m_index.insert(m_rows[row].id, int(row));
}

void ResourceModel::countKind(const QString& kind, int delta)
{
    int& count = m_kinds[kind];
    count += delta;
    if (count <= 0)
        m_kinds.remove(kind);
}

void ResourceModel::finish(Batch& batch, const QStringList& kindsBefore)
{
    for (const Transition& t : batch.transitions)
        emit healthChanged(t.id, t.from, t.to);
    if (kinds() != kindsBefore)
        emit kindsChanged();
    if (batch.synced) {
        m_synced = true;
        emit synced();
    }
}

void ResourceModel::clear()
{
    m_pending.clear();
    m_synced = false;
    const bool kindsKnown = !m_kinds.isEmpty();
    if (!m_rows.empty()) {
        beginResetModel();
        m_rows.clear();
        m_index.clear();
        m_kinds.clear();
        endResetModel();
    }
    if (kindsKnown)
        emit kindsChanged();
}

ResourceModel::Row ResourceModel::makeRow(v1::Resource&& resource, const QDateTime& now) const
{
    Row row;
    row.resource = std::move(resource);
    row.id = qs(row.resource.spec().id());
    row.kind = qs(row.resource.spec().kind());
    row.health = healthOf(row.resource);
    row.ageBucket = ageBucket(row.resource, now);
    return row;
}

// --- lookups ---------------------------------------------------------------

int ResourceModel::rowOf(const QString& id) const
{
    return m_index.value(id, -1);
}

const v1::Resource* ResourceModel::resource(const QString& id) const
{
    const int row = rowOf(id);
    return row >= 0 ? &m_rows[std::size_t(row)].resource : nullptr;
}

const v1::Resource& ResourceModel::resourceAt(int row) const
{
    return m_rows.at(std::size_t(row)).resource;
}

ResourceHealth ResourceModel::healthAt(int row) const
{
    return m_rows.at(std::size_t(row)).health;
}

// A spec change the controller has not observed yet is in progress whatever
// the (older) conditions say; a failure outranks a rollout still retrying.
ResourceHealth ResourceModel::healthOf(const v1::Resource& resource)
{
    const v1::ResourceStatus& status = resource.status();
    if (status.observed_generation() < resource.generation())
        return ResourceHealth::Progressing;
    if (holds(status, v1::CONDITION_TYPE_DEGRADED))
        return ResourceHealth::Degraded;
    if (holds(status, v1::CONDITION_TYPE_PROGRESSING))
        return ResourceHealth::Progressing;
    if (holds(status, v1::CONDITION_TYPE_AVAILABLE))
        return ResourceHealth::Available;
    if (!resource.spec().probe_enabled())
        return ResourceHealth::Disabled;
    return ResourceHealth::Unknown;
}

QString ResourceModel::statusMessage(const v1::Resource& resource)
{
    const v1::ResourceStatus& status = resource.status();
    for (const v1::ConditionType type :
         {v1::CONDITION_TYPE_DEGRADED, v1::CONDITION_TYPE_PROGRESSING}) {
        const v1::Condition* condition = findCondition(status, type);
        if (condition && condition->status() == v1::CONDITION_STATUS_TRUE &&
            !condition->message().empty())
            return qs(condition->message());
    }
    return qs(status.probe().message());
}

QString ResourceModel::probePhaseName(v1::ProbePhase phase)
{
    switch (phase) {
        case v1::PROBE_PHASE_NONE:
            return tr("none");
        case v1::PROBE_PHASE_PENDING:
            return tr("pending");
        case v1::PROBE_PHASE_RUNNING:
            return tr("running");
        case v1::PROBE_PHASE_FAILED:
            return tr("failed");
        default:
            return tr("unknown");
    }
}

// --- ages and staleness ----------------------------------------------------

void ResourceModel::setClock(std::function<QDateTime()> clock)
{
    m_clock = std::move(clock);
    refreshAges();
}

void ResourceModel::refreshAges()
{
    const QDateTime now = m_clock();
    std::vector<int> changed;
    for (std::size_t row = 0; row < m_rows.size(); ++row) {
        const qint64 bucket = ageBucket(m_rows[row].resource, now);
        if (bucket != m_rows[row].ageBucket) {
            m_rows[row].ageBucket = bucket;
            changed.push_back(int(row));
        }
    }
    emitChanged(std::move(changed), Age, Age, {Qt::DisplayRole});
}

qint64 ResourceModel::ageBucket(const v1::Resource& resource, const QDateTime& now) const
{
    return AgeText::bucket(resource.created_at().seconds(), now);
}

QString ResourceModel::ageText(const Row& row) const
{
    return row.resource.has_created_at() ? AgeText::text(row.ageBucket) : QString();
}

void ResourceModel::setStale(bool stale)
{
    if (m_stale == stale)
        return;
    m_stale = stale;
    if (!m_rows.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1),
                         {Qt::ForegroundRole, Qt::DecorationRole});
}

// --- the model interface ---------------------------------------------------

int ResourceModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ResourceModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ResourceModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[std::size_t(index.row())];
    switch (role) {
        case Qt::DisplayRole:
            return displayData(row, index.column());
        case SortRole:
            return sortData(row, index.column());
        case IdRole:
            return row.id;
        case KindRole:
            return row.kind;
        case HealthRole:
            return int(row.health);
        case ProbeEnabledRole:
            return row.resource.spec().probe_enabled();
        case ResourceRole:
            return QVariant::fromValue(row.resource);
        case Qt::ForegroundRole:
            return foreground(row, index.column());
        case Qt::DecorationRole:
            if (index.column() == Status) {
                const QColor color = resourceHealthColor(row.health);
                return m_stale ? staleColor(color) : color;
            }
            return {};
        case Qt::ToolTipRole:
            if (index.column() == Status || index.column() == Phase) {
                const QString message = statusMessage(row.resource);
                return message.isEmpty() ? QVariant() : QVariant(message);
            }
            return {};
        case Qt::TextAlignmentRole:
            if (index.column() == Generation || index.column() == Age)
                return int(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        default:
            return {};
    }
}

QVariant ResourceModel::displayData(const Row& row, int column) const
{
    const v1::Resource& r = row.resource;
    switch (column) {
        case Id:
            return row.id;
        case Kind:
            return row.kind;
        case Probe:
            return r.spec().probe_enabled() ? tr("on") : tr("off");
        case Status:
            return resourceHealthName(row.health);
        case Phase:
            return probePhaseName(r.status().probe().phase());
        case Room:
            return qs(r.spec().space().room());
        case Generation:
            return tr("%1/%2").arg(r.status().observed_generation()).arg(r.generation());
        case Age:
            return ageText(row);
        default:
            return {};
    }
}

QVariant ResourceModel::sortData(const Row& row, int column) const
{
    const v1::Resource& r = row.resource;
    switch (column) {
        case Probe:
            return r.spec().probe_enabled();
        case Status:
            return int(row.health);
        case Phase:
            return int(r.status().probe().phase());
        case Generation:
            return qlonglong(r.generation());
        case Age:
            // Ascending reads like the Age column: youngest first.
            return qlonglong(-r.created_at().seconds());
        default:
            return displayData(row, column);
    }
}

QVariant ResourceModel::foreground(const Row& row, int column) const
{
    if (m_stale)
        return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
    if (column == Status && row.health == ResourceHealth::Degraded)
        return resourceHealthColor(row.health);
    return {};
}

QVariant ResourceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
        case Id:
            return tr("Id");
        case Kind:
            return tr("Kind");
        case Probe:
            return tr("Probe");
        case Status:
            return tr("Status");
        case Phase:
            return tr("Probe phase");
        case Room:
            return tr("Room");
        case Generation:
            return tr("Generation");
        case Age:
            return tr("Age");
        default:
            return {};
    }
}

}  // namespace concord::models
