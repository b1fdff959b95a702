#pragma once

// Filters the event log by text (case-insensitive, in any column) and by a
// minimum severity. Kept apart from EventLogModel so several views can filter
// one log differently.

#include <QSortFilterProxyModel>

#include "models/event_log_model.h"

namespace concord::models {

class EventLogFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogFilterModel)

public:
    explicit EventLogFilterModel(QObject* parent = nullptr);

    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }
    void setMinimumSeverity(EventLogModel::SeverityLevel severity);
    EventLogModel::SeverityLevel minimumSeverity() const { return m_minimumSeverity; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    EventLogModel::SeverityLevel m_minimumSeverity = EventLogModel::Severity::Info;
};

}  // namespace concord::models
