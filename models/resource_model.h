#pragma once

// Every Resource the controller knows (DESIGN.md §7), one row each, keyed by
// id, fed by WatchResources events. Rows stay in arrival order; views sort
// through a proxy (ResourceFilterModel).
//
// Events are batched: those applied within one event-loop turn land together
// at the next turn (or at flush()) — a snapshot into an empty model as one
// reset, later ones as at most one insert, a few removes and dataChanged runs —
// so 10,000 ADDED events cost one model operation, not 10,000.

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>
#include <vector>

#include "concord/v1/resource.pb.h"
#include "models/state_palette.h"

namespace concord::models {

class ResourceModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourceModel)

public:
    enum Column
    {
        Id,
        Kind,
        Probe,
        Status,
        Phase,
        Room,
        Generation,
        Age,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1,  // raw values: numbers as numbers, age as QDateTime
        IdRole,                       // QString, every column
        KindRole,                     // QString, every column
        HealthRole,                   // int ResourceHealth, every column
        ProbeEnabledRole,             // bool, every column
        ResourceRole,                 // v1::Resource (QVariant::fromValue), every column
    };

    explicit ResourceModel(QObject* parent = nullptr);
    ~ResourceModel() override;

    // One WatchResources message; takes effect at the next event-loop turn.
    void apply(const v1::ResourceEvent& event);
    // Applies the pending events now.
    void flush();
    int pendingCount() const { return int(m_pending.size()); }
    void clear();

    // True between a SYNCED event and the next RESET or clear().
    bool isSynced() const { return m_synced; }
    // The kinds of the rows, sorted.
    QStringList kinds() const { return m_kinds.keys(); }

    // -1 when absent.
    int rowOf(const QString& id) const;
    // nullptr when absent.
    const v1::Resource* resource(const QString& id) const;
    const v1::Resource& resourceAt(int row) const;
    ResourceHealth healthAt(int row) const;

    // The conditions and the probe folded into one word (see state_palette.h).
    static ResourceHealth healthOf(const v1::Resource& resource);
    // Why it is degraded or progressing (that condition's message), else the
    // probe Deployment's message; empty when there is nothing to say.
    static QString statusMessage(const v1::Resource& resource);
    // Translated short names of the probe's phase ("none", "pending", …).
    static QString probePhaseName(v1::ProbePhase phase);

    // The "now" ages are computed against (tests inject a fixed clock).
    void setClock(std::function<QDateTime()> clock);
    // Re-evaluates the Age column; dataChanged (Age only) for rows whose text
    // changed. A timer calls it every 10 s.
    void refreshAges();

    // Data shown while the controller is unreachable: every colour greyed.
    void setStale(bool stale);
    bool isStale() const { return m_stale; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    // A known Resource's health changed (MODIFIED events only: a snapshot is
    // no transition). One per event, in order, even when a batch coalesced
    // several of them into one dataChanged.
    void healthChanged(const QString& id, concord::models::ResourceHealth from,
                       concord::models::ResourceHealth to);
    void kindsChanged();
    // A SYNCED event was applied: the snapshot is complete.
    void synced();

private:
    struct Row
    {
        v1::Resource resource;
        QString id;
        QString kind;
        ResourceHealth health = ResourceHealth::Unknown;
        qint64 ageBucket = -1;
    };
    struct Transition
    {
        QString id;
        ResourceHealth from;
        ResourceHealth to;
    };
    // One flush's worth of changes, gathered before any signal is emitted.
    struct Batch
    {
        std::vector<Row> added;          // new rows, arrival order
        QHash<QString, int> addedIndex;  // id → position in `added`
        std::vector<bool> addedGone;     // deleted again within the batch
        std::vector<int> deleted;        // existing rows
        std::vector<int> changed;        // existing rows (may repeat)
        std::vector<Transition> transitions;
        bool synced = false;
        QDateTime now;  // the ages' "now", read once per batch
    };

    void gather(v1::ResourceEvent& event, Batch& batch);
    void upsert(v1::Resource&& resource, bool modified, Batch& batch);
    void remove(const QString& id, Batch& batch);
    void commitAsReset(Batch& batch, bool wipe);
    void commit(Batch& batch);
    void removeRowsAt(std::vector<int> rows);
    void emitChanged(std::vector<int> rows, int firstColumn, int lastColumn,
                     const QList<int>& roles = {});
    void appendRows(Batch& batch);
    void reindexFrom(int firstRow);
    void countKind(const QString& kind, int delta);
    void finish(Batch& batch, const QStringList& kindsBefore);
    Row makeRow(v1::Resource&& resource, const QDateTime& now) const;

    QVariant displayData(const Row& row, int column) const;
    QVariant sortData(const Row& row, int column) const;
    QVariant foreground(const Row& row, int column) const;
    qint64 ageBucket(const v1::Resource& resource, const QDateTime& now) const;
    QString ageText(const Row& row) const;

    std::vector<Row> m_rows;
    QHash<QString, int> m_index;  // id → row
    QMap<QString, int> m_kinds;   // kind → rows of it
    std::vector<v1::ResourceEvent> m_pending;
    std::function<QDateTime()> m_clock;
    QTimer m_ageTimer;
    bool m_flushQueued = false;
    bool m_synced = false;
    bool m_stale = false;
};

}  // namespace concord::models

Q_DECLARE_METATYPE(concord::models::ResourceHealth)
