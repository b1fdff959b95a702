#include "models/old_instance_model.h"

#include <QColor>
#include <QHash>
#include <QSet>

namespace concord::models {

namespace {

QColor lockColor(bool locked)
{
    // Locked is the expected end state of BLOCK_AND_LOCK: amber reads as "frozen".
    return locked ? QColor(0xe0, 0x8a, 0x00) : QColor(0x2e, 0xa0, 0x43);
}

}  // namespace

OldInstanceModel::OldInstanceModel(QObject* parent) : QAbstractTableModel(parent) {}

void OldInstanceModel::setInstances(
    const google::protobuf::RepeatedPtrField<v1::OldInstance>& instances)
{
    QHash<QString, const v1::OldInstance*> incoming;
    incoming.reserve(instances.size());
    for (const auto& instance : instances)
        incoming.insert(QString::fromStdString(instance.name()), &instance);
    removeRowsNotIn(QSet<QString>(incoming.keyBegin(), incoming.keyEnd()));

    int firstChanged = -1;
    int lastChanged = -1;
    QSet<QString> present;
    for (int row = 0; row < m_rows.size(); ++row) {
        Row& current = m_rows[row];
        present.insert(current.name);
        const v1::OldInstance* next = incoming.value(current.name);
        if (current.traceIdSetSize == next->traceid_set_size() && current.locked == next->locked())
            continue;
        current.traceIdSetSize = next->traceid_set_size();
        current.locked = next->locked();
        firstChanged = firstChanged < 0 ? row : firstChanged;
        lastChanged = row;
    }
    if (firstChanged >= 0)
        emit dataChanged(index(firstChanged, TraceIdSetSize), index(lastChanged, Locked));

    QList<Row> added;
    for (const auto& instance : instances) {
        const QString name = QString::fromStdString(instance.name());
        if (present.contains(name))
            continue;
        present.insert(name);  // a duplicated name in one message gives one row
        added.append({name, instance.traceid_set_size(), instance.locked()});
    }
    if (added.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + added.size() - 1));
    m_rows.append(added);
    endInsertRows();
}

void OldInstanceModel::removeRowsNotIn(const QSet<QString>& names)
{
    // Backwards, one signal per contiguous run of gone rows.
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        if (names.contains(m_rows[row].name)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !names.contains(m_rows[first - 1].name))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
}

void OldInstanceModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    endRemoveRows();
}

int OldInstanceModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OldInstanceModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OldInstanceModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows[index.row()];
    switch (index.column()) {
        case Name:
            if (role == Qt::DisplayRole || role == SortRole)
                return row.name;
            break;
        case TraceIdSetSize:
            if (role == Qt::DisplayRole)
                return QString::number(row.traceIdSetSize);
            if (role == SortRole)
                return qulonglong(row.traceIdSetSize);
            if (role == Qt::TextAlignmentRole)
                return int(Qt::AlignRight | Qt::AlignVCenter);
            break;
        case Locked:
            if (role == Qt::DisplayRole)
                return row.locked ? tr("locked") : tr("open");
            if (role == Qt::DecorationRole)
                return lockColor(row.locked);
            if (role == Qt::ToolTipRole)
                return row.locked ? tr("TraceidSet locked: no trace id is added any more")
                                  : tr("TraceidSet open: new trace ids are still recorded");
            if (role == SortRole)
                return row.locked;
            break;
        default:
            break;
    }
    return {};
}

QVariant OldInstanceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
        case Name:
            return tr("Instance");
        case TraceIdSetSize:
            return tr("TraceidSet");
        case Locked:
            return tr("Lock");
        default:
            return {};
    }
}

}  // namespace concord::models
