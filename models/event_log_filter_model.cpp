#include "models/event_log_filter_model.h"

namespace concord::models {

EventLogFilterModel::EventLogFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {}

void EventLogFilterModel::setFilterText(const QString& text)
{
    if (m_text == text)
        return;
    m_text = text;
    invalidateFilter();
}

void EventLogFilterModel::setMinimumSeverity(EventLogModel::SeverityLevel severity)
{
    if (m_minimumSeverity == severity)
        return;
    m_minimumSeverity = severity;
    invalidateFilter();
}

bool EventLogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* source = sourceModel();
    const QModelIndex first = source->index(sourceRow, 0, sourceParent);
    if (source->data(first, EventLogModel::SeverityRole).toInt() < int(m_minimumSeverity))
        return false;
    if (m_text.isEmpty())
        return true;
    const int columns = source->columnCount(sourceParent);
    for (int column = 0; column < columns; ++column) {
        const QString cell = source->index(sourceRow, column, sourceParent).data().toString();
        if (cell.contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

}  // namespace concord::models
