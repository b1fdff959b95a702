#include "models/straggler_model.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <numeric>

#include "models/update_state_names.h"

namespace concord::models {

namespace {

// Oldest first; ties by trace id so the order is stable between ticks.
template <class R>
bool before(const R& a, const R& b)
{
    return a.ageMs != b.ageMs ? a.ageMs > b.ageMs : a.traceId < b.traceId;
}

}  // namespace

StragglerModel::StragglerModel(QObject* parent) : QAbstractTableModel(parent) {}

void StragglerModel::setStragglers(
    const google::protobuf::RepeatedPtrField<v1::Straggler>& stragglers)
{
    QHash<QString, qint64> incoming;
    incoming.reserve(stragglers.size());
    for (const auto& straggler : stragglers)
        incoming.insert(QString::fromStdString(straggler.trace_id()), durationMs(straggler.age()));
    removeGone(incoming);
    updateAges(incoming);
    restoreOrder();

    QSet<QString> present;
    for (const Row& row : std::as_const(m_rows))
        present.insert(row.traceId);
    QList<Row> added;
    for (auto it = incoming.cbegin(); it != incoming.cend(); ++it) {
        if (!present.contains(it.key()))
            added.append({it.key(), it.value()});
    }
    std::sort(added.begin(), added.end(), before<Row>);
    for (const Row& row : std::as_const(added))
        insertSorted(row);
}

void StragglerModel::removeGone(const QHash<QString, qint64>& incoming)
{
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        if (incoming.contains(m_rows[row].traceId)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !incoming.contains(m_rows[first - 1].traceId))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
}

void StragglerModel::updateAges(const QHash<QString, qint64>& incoming)
{
    int firstChanged = -1;
    int lastChanged = -1;
    for (int row = 0; row < m_rows.size(); ++row) {
        const qint64 age = incoming.value(m_rows[row].traceId);
        if (m_rows[row].ageMs == age)
            continue;
        m_rows[row].ageMs = age;
        firstChanged = firstChanged < 0 ? row : firstChanged;
        lastChanged = row;
    }
    if (firstChanged >= 0)
        emit dataChanged(index(firstChanged, Age), index(lastChanged, Age));
}

void StragglerModel::restoreOrder()
{
    if (std::is_sorted(m_rows.cbegin(), m_rows.cend(), before<Row>))
        return;
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    QList<int> order(m_rows.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [this](int a, int b) { return before(m_rows[a], m_rows[b]); });
    QList<int> newRowOf(m_rows.size());
    QList<Row> sorted;
    sorted.reserve(m_rows.size());
    for (int newRow = 0; newRow < order.size(); ++newRow) {
        newRowOf[order[newRow]] = newRow;
        sorted.append(m_rows[order[newRow]]);
    }
    const QModelIndexList oldIndexes = persistentIndexList();
    QModelIndexList newIndexes;
    newIndexes.reserve(oldIndexes.size());
    for (const QModelIndex& old : oldIndexes)
        newIndexes.append(index(newRowOf[old.row()], old.column()));
    changePersistentIndexList(oldIndexes, newIndexes);
    m_rows = std::move(sorted);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void StragglerModel::insertSorted(const Row& row)
{
    const auto at = std::upper_bound(m_rows.cbegin(), m_rows.cend(), row, before<Row>);
    const int position = int(at - m_rows.cbegin());
    beginInsertRows({}, position, position);
    m_rows.insert(position, row);
    endInsertRows();
}

void StragglerModel::clear()
{
    if (!m_rows.isEmpty()) {
        beginRemoveRows({}, 0, int(m_rows.size()) - 1);
        m_rows.clear();
        endRemoveRows();
    }
    setTotalCount(0);
}

void StragglerModel::setTotalCount(quint64 count)
{
    if (m_totalCount == count)
        return;
    m_totalCount = count;
    emit totalCountChanged(count);
}

int StragglerModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int StragglerModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StragglerModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[index.row()];
    if (index.column() == TraceId) {
        if (role == Qt::DisplayRole || role == SortRole || role == Qt::ToolTipRole)
            return row.traceId;
        return {};
    }
    if (index.column() == Age) {
        if (role == Qt::DisplayRole)
            return updateDurationText(row.ageMs);
        if (role == SortRole)
            return qlonglong(row.ageMs);
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant StragglerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
        case TraceId:
            return tr("Trace id");
        case Age:
            return tr("Age");
        default:
            return {};
    }
}

}  // namespace concord::models
