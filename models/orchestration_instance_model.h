#pragma once

// The instances of one orchestration (GET /v1/api/orchestrations/:resource):
// load, resources, reloads, heartbeat and pod. Each poll replaces the list;
// rows are diffed by instance id — changed rows get dataChanged, new ones are
// inserted, gone ones removed, never a reset — so views keep selection and
// scroll position between polls.

#include <QAbstractTableModel>
#include <QColor>
#include <QList>
#include <QSet>
#include <QString>

#include "backend_clients/orchestrator_client.h"

namespace concord::models {

class OrchestrationInstanceModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrchestrationInstanceModel)

public:
    enum Column
    {
        Id,
        Load,  // "used / count"
        Resources,
        ReloadTimes,
        Heartbeat,
        Pod,
        ColumnCount
    };
    // Raw values for sorting proxies (numbers as numbers).
    static constexpr int SortRole = Qt::UserRole + 1;
    // used / count as a double in 0…1 (0 when count is 0), any column.
    static constexpr int FillRatioRole = Qt::UserRole + 2;
    // The instance id of the row, any column.
    static constexpr int InstanceIdRole = Qt::UserRole + 3;
    // True when the heartbeat is older than the orchestrator's window.
    static constexpr int StaleHeartbeatRole = Qt::UserRole + 4;

    // An instance that has not sent a heartbeat for this long is recreated
    // (DESIGN.md §8; core/orchestration.h kHeartbeatWindowMs).
    static constexpr qint64 kHeartbeatWindowMs = 90'000;
    // How many resource ids the Resources column names before "…".
    static constexpr int kListedResources = 2;

    explicit OrchestrationInstanceModel(QObject* parent = nullptr);

    void setInstances(const QList<backend_clients::OrchestratorInstanceDto>& instances);
    void clear();

    int rowOf(const QString& instanceId) const;  // -1 when absent
    const backend_clients::OrchestratorInstanceDto& instance(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // Translated "12 s ago" / "3 min ago".
    static QString ageText(qint64 ms);
    // Running green, Pending amber, Succeeded / Failed / Unknown red (the
    // monitor recreates those).
    static QColor podPhaseColor(const QString& phase);
    static QString podPhaseName(const QString& phase);  // translated
    // Ids compressed to ranges of consecutive numbers ("thing-00000 – thing-00500"),
    // so a tooltip lists every resource even on a full instance.
    static QStringList idRanges(const QStringList& ids);

private:
    void removeRowsNotIn(const QSet<QString>& ids);
    void emitChangedRuns(const QList<int>& rows);
    QVariant displayData(const backend_clients::OrchestratorInstanceDto& row, int column) const;
    QVariant sortData(const backend_clients::OrchestratorInstanceDto& row, int column) const;
    QVariant toolTip(const backend_clients::OrchestratorInstanceDto& row, int column) const;

    QList<backend_clients::OrchestratorInstanceDto> m_rows;
};

}  // namespace concord::models
