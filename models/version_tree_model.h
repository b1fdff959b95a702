#pragma once

// The version trees of every service of the mesh, fed by WatchMesh events.
// Top-level rows are services (by name); under a service its root version(s),
// and under every version its children, ordered by created_at then name.
//
// A version whose parent is not known yet is shown under its service; it moves
// under its parent when the parent arrives (beginMoveRows).

#include <QAbstractItemModel>
#include <QDateTime>
#include <QTimer>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "concord/v1/mesh.pb.h"
#include "models/tree_item.h"

namespace concord::models {

class VersionTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VersionTreeModel)

public:
    enum Column
    {
        Version,
        Image,
        Age,
        State,
        Instances,
        Traffic,
        ColumnCount
    };
    enum Role
    {
        ServiceRole = Qt::UserRole + 1,  // QString, every row
        VersionRole,                     // QString, empty for service rows
        StateRole,                       // int v1::VersionState (UNSPECIFIED for services)
        IsServiceRole,                   // bool
        ParentVersionRole,               // QString, empty for roots and services
        CreatedAtRole,                   // QDateTime (UTC), invalid for services
    };

    explicit VersionTreeModel(QObject* parent = nullptr);
    ~VersionTreeModel() override;

    // One WatchMesh message: a snapshot part (the model resets once the part
    // with `complete` arrives) or a delta.
    void applyMeshEvent(const v1::MeshEvent& event);

    QModelIndex indexOf(const QString& service, const QString& version = {}) const;
    // nullptr for service rows and invalid indexes.
    const v1::Version* versionAt(const QModelIndex& index) const;
    // nullptr for invalid indexes; the service of a version row too.
    const v1::Service* serviceAt(const QModelIndex& index) const;

    // The "now" ages are computed against (tests inject a fixed clock).
    // Live traffic shares (WatchTopology carries them; WatchMesh does not
    // stream them). Emits dataChanged for State and Traffic when it changed.
    void setTrafficShare(const QString& service, const QString& version, double share);

    void setClock(std::function<QDateTime()> clock);
    // Re-evaluates the Age column; emits dataChanged (Age only) for the rows
    // whose displayed age changed. A timer calls it every 10 s.
    void refreshAges();

    // Data shown while the controller is unreachable: every colour greyed.
    void setStale(bool stale);
    bool isStale() const { return m_stale; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Node
    {
        bool isService = false;
        v1::Service service;    // service rows
        v1::Version version;    // version rows
        qint64 ageBucket = -1;  // last Age text shown, encoded (see ageBucket())
    };
    using Item = TreeItem<Node>;
    struct ServiceEntry
    {
        Item* item = nullptr;
        std::unordered_map<std::string, Item*> versions;
    };

    void applySnapshot(const v1::MeshSnapshot& snapshot);
    void addService(const v1::Service& service);
    void changeService(const v1::Service& service);
    void removeService(const std::string& name);
    void addVersion(const v1::Version& version);
    void changeVersion(const v1::Version& version);
    void changeInstance(const v1::Instance& instance, bool up);
    void adoptOrphans(ServiceEntry& entry, Item* parentItem);
    void adoptOrphansQuietly(ServiceEntry& entry);
    Item* findVersion(const std::string& service, const std::string& version) const;
    ServiceEntry& ensureService(const std::string& name);

    QModelIndex indexFor(const Item* item, int column = 0) const;
    void emitRowChanged(const Item* item, int firstColumn = 0, int lastColumn = ColumnCount - 1);
    void emitAllChanged(const Item* parent, const QList<int>& roles, int firstColumn,
                        int lastColumn);
    void refreshAgesUnder(Item* parent, const QDateTime& now);

    QVariant displayData(const Item* item, int column) const;
    QVariant serviceDisplay(const Item* item, int column) const;
    QVariant versionDisplay(const v1::Version& version, int column) const;
    QVariant foreground(const Item* item, int column) const;
    QVariant userData(const Item* item, int role) const;
    qint64 ageBucket(const v1::Version& version, const QDateTime& now) const;
    QString ageText(const v1::Version& version) const;

    std::unique_ptr<Item> m_root;
    std::unordered_map<std::string, ServiceEntry> m_services;
    v1::MeshSnapshot m_pendingSnapshot;  // parts of a snapshot not complete yet
    std::function<QDateTime()> m_clock;
    QTimer m_ageTimer;
    bool m_stale = false;
};

}  // namespace concord::models
