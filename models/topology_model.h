#pragma once

// The live topology as plain graph data: services (nodes, with per-version
// badges) and service-to-service call edges (rate, error ratio), fed by
// WatchMesh events and WatchTopology snapshots. Views lay it out again only on
// structureChanged(); ratesChanged() means the same nodes and edges with new
// numbers.

#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QSet>
#include <QString>

#include "concord/v1/mesh.pb.h"
#include "concord/v1/topology.pb.h"

namespace concord::models {

struct TopologyVersion
{
    QString name;
    v1::VersionState state = v1::VERSION_STATE_UNSPECIFIED;
    double trafficShare = 0;  // [0, 1]; live from the topology snapshots when there is traffic
};

struct TopologyNode
{
    int id = -1;        // stable for the life of the service in the model
    QString service;    // empty for the ingress node
    QString nameSpace;  // Kubernetes namespace; empty for the ingress node
    bool ingress = false;
    // Versions that take part in traffic (deploying, serving, draining), by
    // creation order — what the badges show.
    QList<TopologyVersion> versions;
    double inRate = 0;        // requests per second into the service
    double inErrorRatio = 0;  // rate-weighted over the incoming edges
};

// Traffic between one pair of versions on a service edge.
struct TopologyFlow
{
    QString sourceVersion;
    QString destinationVersion;
    double rate = 0;
    double errorRatio = 0;
};

struct TopologyEdge
{
    int id = -1;  // stable for the life of the (source, target) pair
    int sourceId = -1;
    int targetId = -1;
    double rate = 0;        // summed over the version flows
    double errorRatio = 0;  // rate-weighted mean of the flows' error ratios
};

class TopologyModel final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TopologyModel)

public:
    explicit TopologyModel(QObject* parent = nullptr);
    ~TopologyModel() override;

    void applyMeshEvent(const v1::MeshEvent& event);
    void applySnapshot(const v1::TopologySnapshot& snapshot);
    void clear();

    void setStale(bool stale);
    bool isStale() const { return m_stale; }

    // Nodes ordered by service name (the ingress node first), edges by
    // (source, target) name; both orders stay fixed between structure changes.
    const QList<TopologyNode>& nodes() const { return m_nodes; }
    const QList<TopologyEdge>& edges() const { return m_edges; }
    const TopologyNode* node(int id) const;
    const TopologyEdge* edge(int id) const;
    int nodeIndex(int id) const { return m_nodeIndexById.value(id, -1); }
    int edgeIndex(int id) const { return m_edgeIndexById.value(id, -1); }
    // The version-to-version traffic an edge sums up (latest snapshot).
    QList<TopologyFlow> flows(int edgeId) const;
    int nodeIdForService(const QString& service) const;  // -1 when unknown
    int ingressNodeId() const;                           // -1 when no ingress traffic
    // Increments on every structureChanged().
    quint64 structureRevision() const { return m_structureRevision; }

signals:
    void structureChanged();
    void ratesChanged();
    void staleChanged(bool stale);

private:
    struct ServiceEntry
    {
        QString nameSpace;
        QStringList callees;
        QList<TopologyVersion> versions;  // every version, tree order
    };
    using EdgeKey = QPair<QString, QString>;  // (source service, destination service)
    struct EdgeTraffic
    {
        double rate = 0;
        double weightedErrors = 0;
        QList<TopologyFlow> flows;  // the first flowCount are current; the rest is spare
        qsizetype flowCount = 0;
        quint64 serial = 0;  // the snapshot that last wrote it
    };

    EdgeTraffic& trafficFor(const std::string& source, const std::string& destination);
    void applyServiceSummary(const v1::Service& service);
    void applyTree(const v1::VersionTree& tree);
    void applyVersion(const v1::Version& version);
    void replaceWithSnapshot();
    void refresh();  // rebuilds the derived lists, emits one of the two signals
    bool rebuildStructure();
    void fillNumbers();
    int idForService(const QString& service);
    int idForEdge(const EdgeKey& key);

    QMap<QString, ServiceEntry> m_services;  // by name: gives the node order
    QMap<QString, ServiceEntry> m_pendingSnapshot;
    QHash<EdgeKey, EdgeTraffic> m_traffic;  // from the latest topology snapshot
    quint64 m_trafficSerial = 0;
    QSet<EdgeKey> m_observedEdges;  // every edge that ever carried traffic (sticky)

    QHash<QString, int> m_serviceIds;  // service name -> node id (never reused)
    QHash<EdgeKey, int> m_edgeIds;
    int m_nextNodeId = 1;
    int m_nextEdgeId = 1;

    QList<TopologyNode> m_nodes;
    QList<TopologyEdge> m_edges;
    QList<EdgeKey> m_edgeKeys;  // parallel to m_edges
    QHash<int, int> m_nodeIndexById;
    QHash<int, int> m_edgeIndexById;
    quint64 m_structureRevision = 0;
    bool m_structureDirty = true;  // something that can change the node or edge set happened
    bool m_stale = false;
};

}  // namespace concord::models
