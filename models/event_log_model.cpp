#include "models/event_log_model.h"

#include <QColor>
#include <QTimer>

namespace concord::models {

EventLogModel::EventLogModel(QObject* parent) : QAbstractTableModel(parent) {}

void EventLogModel::append(SeverityLevel severity, const QString& source, const QString& message,
                           QDateTime when)
{
    m_pending.append({std::move(when), severity, source, message});
    if (m_pending.size() > m_maximumRows)
        m_pending.removeFirst();  // would be trimmed at the flush anyway
    if (m_flushQueued)
        return;
    m_flushQueued = true;
    QTimer::singleShot(0, this, &EventLogModel::flush);
}

void EventLogModel::flush()
{
    m_flushQueued = false;
    if (m_pending.isEmpty())
        return;
    const int overflow = int(m_entries.size() + m_pending.size()) - m_maximumRows;
    if (overflow > 0)
        removeOldest(qMin(overflow, int(m_entries.size())));
    const int first = int(m_entries.size());
    beginInsertRows({}, first, first + int(m_pending.size()) - 1);
    m_entries.append(std::move(m_pending));
    m_pending = {};
    endInsertRows();
}

void EventLogModel::removeOldest(int count)
{
    if (count <= 0)
        return;
    beginRemoveRows({}, 0, count - 1);
    m_entries.remove(0, count);
    endRemoveRows();
}

void EventLogModel::clear()
{
    m_pending.clear();
    if (m_entries.isEmpty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
}

void EventLogModel::setMaximumRows(int rows)
{
    m_maximumRows = qMax(1, rows);
    if (m_pending.size() > m_maximumRows)
        m_pending.remove(0, m_pending.size() - m_maximumRows);
    removeOldest(int(m_entries.size()) - m_maximumRows);
}

QString EventLogModel::severityName(SeverityLevel severity)
{
    switch (severity) {
        case Severity::Info:
            return tr("info");
        case Severity::Warning:
            return tr("warning");
        case Severity::Error:
            return tr("error");
    }
    return {};
}

int EventLogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int EventLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = m_entries[index.row()];
    if (role == SeverityRole)
        return int(entry.severity);
    if (role == TimestampRole)
        return entry.when;
    if (role == Qt::ForegroundRole && index.column() == Severity) {
        if (entry.severity == Severity::Error)
            return QColor(0xd3, 0x2f, 0x2f);
        if (entry.severity == Severity::Warning)
            return QColor(0xe0, 0x8a, 0x00);
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == Time)
        return entry.when.toString(Qt::ISODateWithMs);
    if (role == Qt::ToolTipRole && index.column() == Message)
        return entry.message;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
        case Time:
            return entry.when.toString(QStringLiteral("HH:mm:ss.zzz"));
        case Severity:
            return severityName(entry.severity);
        case Source:
            return entry.source;
        case Message:
            return entry.message;
        default:
            return {};
    }
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
        case Time:
            return tr("Time");
        case Severity:
            return tr("Severity");
        case Source:
            return tr("Source");
        case Message:
            return tr("Message");
        default:
            return {};
    }
}

}  // namespace concord::models
