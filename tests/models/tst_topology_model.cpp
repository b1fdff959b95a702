#include <gtest/gtest.h>

#include <QSignalSpy>

#include "models/topology_model.h"

using concord::models::TopologyModel;
using concord::models::TopologyNode;

namespace v1 = concord::v1;

namespace {

struct VersionSpec
{
    const char* name;
    v1::VersionState state;
    double share;
};

void addService(v1::MeshSnapshot* snapshot, const std::string& name, const std::string& ns,
                std::initializer_list<const char*> callees,
                std::initializer_list<VersionSpec> versions = {
                    {"v1", v1::VERSION_STATE_SERVING, 1}})
{
    v1::Service* service = snapshot->add_services();
    service->set_name(name);
    service->set_namespace_(ns);
    for (const char* callee : callees)
        service->add_callees(callee);
    v1::VersionTree* tree = snapshot->add_trees();
    tree->set_service(name);
    for (const VersionSpec& spec : versions) {
        v1::Version* version = tree->add_versions();
        version->set_service(name);
        version->set_name(spec.name);
        version->set_state(spec.state);
        version->set_traffic_share(spec.share);
    }
}

// gateway -> portal -> auth, portal -> proc (static callees).
v1::MeshEvent shopSnapshot()
{
    v1::MeshEvent event;
    v1::MeshSnapshot* snapshot = event.mutable_snapshot();
    addService(snapshot, "portal", "shop", {"auth", "proc"});
    addService(snapshot, "auth", "shop", {},
               {{"v1", v1::VERSION_STATE_DRAINING, 0.2},
                {"v2", v1::VERSION_STATE_SERVING, 0.8},
                {"v3", v1::VERSION_STATE_REGISTERED, 0}});
    addService(snapshot, "proc", "backend", {});
    snapshot->set_complete(true);
    return event;
}

void addEdge(v1::TopologySnapshot* snapshot, const std::string& from, const std::string& fromV,
             const std::string& to, const std::string& toV, double rate, double errors)
{
    v1::TopologyEdge* edge = snapshot->add_edges();
    edge->set_source_service(from);
    edge->set_source_version(fromV);
    edge->set_destination_service(to);
    edge->set_destination_version(toV);
    edge->set_request_rate(rate);
    edge->set_error_rate(errors);
}

const concord::models::TopologyEdge* edgeBetween(const TopologyModel& model, const QString& from,
                                                 const QString& to)
{
    const int s = from.isEmpty() ? model.ingressNodeId() : model.nodeIdForService(from);
    const int t = model.nodeIdForService(to);
    for (const auto& edge : model.edges())
        if (edge.sourceId == s && edge.targetId == t)
            return &edge;
    return nullptr;
}

}  // namespace

TEST(TopologyModel, SnapshotGivesNodesAndStaticEdges)
{
    TopologyModel model;
    QSignalSpy structure(&model, &TopologyModel::structureChanged);
    model.applyMeshEvent(shopSnapshot());
    EXPECT_EQ(structure.size(), 1);
    ASSERT_EQ(model.nodes().size(), 3);
    EXPECT_EQ(model.nodes().at(0).service, QStringLiteral("auth"));  // by name
    EXPECT_EQ(model.edges().size(), 2);
    ASSERT_NE(edgeBetween(model, "portal", "auth"), nullptr);
    EXPECT_EQ(edgeBetween(model, "portal", "auth")->rate, 0);
    const TopologyNode* auth = model.node(model.nodeIdForService("auth"));
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(auth->nameSpace, QStringLiteral("shop"));
    // Registered versions get no badge.
    ASSERT_EQ(auth->versions.size(), 2);
    EXPECT_EQ(auth->versions.at(0).state, v1::VERSION_STATE_DRAINING);
    EXPECT_DOUBLE_EQ(auth->versions.at(0).trafficShare, 0.2);
    EXPECT_EQ(model.ingressNodeId(), -1);
}

TEST(TopologyModel, SnapshotInPartsAppliesOnlyWhenComplete)
{
    TopologyModel model;
    QSignalSpy structure(&model, &TopologyModel::structureChanged);
    v1::MeshEvent first;
    addService(first.mutable_snapshot(), "a", "ns", {"b"});
    model.applyMeshEvent(first);
    EXPECT_EQ(structure.size(), 0);
    EXPECT_TRUE(model.nodes().isEmpty());
    v1::MeshEvent last;
    addService(last.mutable_snapshot(), "b", "ns", {});
    last.mutable_snapshot()->set_complete(true);
    model.applyMeshEvent(last);
    EXPECT_EQ(structure.size(), 1);
    EXPECT_EQ(model.nodes().size(), 2);
    EXPECT_EQ(model.edges().size(), 1);

    // A later snapshot replaces everything.
    v1::MeshEvent fresh;
    addService(fresh.mutable_snapshot(), "c", "ns", {});
    fresh.mutable_snapshot()->set_complete(true);
    model.applyMeshEvent(fresh);
    ASSERT_EQ(model.nodes().size(), 1);
    EXPECT_EQ(model.nodes().at(0).service, QStringLiteral("c"));
    EXPECT_TRUE(model.edges().isEmpty());
}

TEST(TopologyModel, RatesAggregateAcrossVersionFlows)
{
    TopologyModel model;
    model.applyMeshEvent(shopSnapshot());
    v1::TopologySnapshot snapshot;
    addEdge(&snapshot, "portal", "v1", "auth", "v1", 30, 0.10);
    addEdge(&snapshot, "portal", "v1", "auth", "v2", 10, 0.00);
    addEdge(&snapshot, "", "", "portal", "v1", 50, 0.02);
    QSignalSpy structure(&model, &TopologyModel::structureChanged);
    model.applySnapshot(snapshot);
    EXPECT_EQ(structure.size(), 1);  // the ingress node appeared

    const auto* edge = edgeBetween(model, "portal", "auth");
    ASSERT_NE(edge, nullptr);
    EXPECT_DOUBLE_EQ(edge->rate, 40);
    EXPECT_DOUBLE_EQ(edge->errorRatio, (30 * 0.10) / 40);
    const auto flows = model.flows(edge->id);
    ASSERT_EQ(flows.size(), 2);
    EXPECT_EQ(flows.at(1).destinationVersion, QStringLiteral("v2"));
    EXPECT_DOUBLE_EQ(flows.at(1).rate, 10);
    ASSERT_NE(edgeBetween(model, "", "portal"), nullptr);
    EXPECT_DOUBLE_EQ(edgeBetween(model, "", "portal")->rate, 50);
    EXPECT_TRUE(model.node(model.ingressNodeId())->ingress);

    // Live traffic shares from the flows into each version.
    const TopologyNode* auth = model.node(model.nodeIdForService("auth"));
    EXPECT_DOUBLE_EQ(auth->inRate, 40);
    EXPECT_DOUBLE_EQ(auth->versions.at(0).trafficShare, 0.75);
    EXPECT_DOUBLE_EQ(auth->versions.at(1).trafficShare, 0.25);
    EXPECT_DOUBLE_EQ(auth->inErrorRatio, 0.075);
}

TEST(TopologyModel, SameEdgesNewNumbersAreARateChangeOnly)
{
    TopologyModel model;
    model.applyMeshEvent(shopSnapshot());
    v1::TopologySnapshot snapshot;
    addEdge(&snapshot, "portal", "v1", "auth", "v2", 10, 0);
    model.applySnapshot(snapshot);
    const int edgeId = edgeBetween(model, "portal", "auth")->id;
    const quint64 revision = model.structureRevision();

    QSignalSpy structure(&model, &TopologyModel::structureChanged);
    QSignalSpy rates(&model, &TopologyModel::ratesChanged);
    snapshot.mutable_edges(0)->set_request_rate(99);
    model.applySnapshot(snapshot);
    EXPECT_EQ(structure.size(), 0);
    EXPECT_EQ(rates.size(), 1);
    EXPECT_EQ(model.structureRevision(), revision);
    EXPECT_DOUBLE_EQ(model.edge(edgeId)->rate, 99);
    ASSERT_EQ(model.flows(edgeId).size(), 1);
    EXPECT_DOUBLE_EQ(model.flows(edgeId).at(0).rate, 99);

    // An edge idle for a window stays (at 0) instead of forcing a layout.
    model.applySnapshot(v1::TopologySnapshot());
    EXPECT_EQ(structure.size(), 0);
    ASSERT_NE(model.edge(edgeId), nullptr);
    EXPECT_EQ(model.edge(edgeId)->rate, 0);
    EXPECT_TRUE(model.flows(edgeId).isEmpty());

    // A version changing state updates the badges, not the structure.
    v1::MeshEvent changed;
    v1::Version* version = changed.mutable_version_changed()->mutable_version();
    version->set_service("auth");
    version->set_name("v1");
    version->set_state(v1::VERSION_STATE_RETIRED);
    model.applyMeshEvent(changed);
    EXPECT_EQ(structure.size(), 0);
    EXPECT_EQ(rates.size(), 3);
    EXPECT_EQ(model.node(model.nodeIdForService("auth"))->versions.size(), 1);
}

TEST(TopologyModel, NewEdgeServiceAndNamespaceChangesAreStructural)
{
    TopologyModel model;
    model.applyMeshEvent(shopSnapshot());
    QSignalSpy structure(&model, &TopologyModel::structureChanged);
    const int portalId = model.nodeIdForService("portal");

    v1::TopologySnapshot snapshot;
    addEdge(&snapshot, "proc", "v1", "auth", "v2", 1, 0);  // not a static callee
    model.applySnapshot(snapshot);
    EXPECT_EQ(structure.size(), 1);
    EXPECT_EQ(model.edges().size(), 3);

    v1::MeshEvent added;
    added.mutable_service_added()->set_name("zeta");
    added.mutable_service_added()->set_namespace_("shop");
    model.applyMeshEvent(added);
    EXPECT_EQ(structure.size(), 2);
    EXPECT_EQ(model.nodes().size(), 4);
    EXPECT_EQ(model.nodeIdForService("portal"), portalId);  // ids are stable

    v1::MeshEvent moved;
    moved.mutable_service_changed()->set_name("zeta");
    moved.mutable_service_changed()->set_namespace_("backend");
    model.applyMeshEvent(moved);
    EXPECT_EQ(structure.size(), 3);

    v1::MeshEvent removed;
    removed.set_service_removed("auth");
    model.applyMeshEvent(removed);
    EXPECT_EQ(structure.size(), 4);
    EXPECT_EQ(model.nodeIdForService("auth"), -1);
    EXPECT_EQ(model.edges().size(), 1);  // portal -> proc
    for (const auto& edge : model.edges()) {
        EXPECT_NE(model.node(edge.sourceId), nullptr);
        EXPECT_NE(model.node(edge.targetId), nullptr);
    }

    // Removing an unknown service changes nothing.
    v1::MeshEvent unknown;
    unknown.set_service_removed("nobody");
    model.applyMeshEvent(unknown);
    EXPECT_EQ(structure.size(), 4);
}

TEST(TopologyModel, EdgesOfUnknownServicesWaitForThem)
{
    TopologyModel model;
    v1::TopologySnapshot snapshot;
    addEdge(&snapshot, "portal", "v1", "ghost", "v1", 5, 0);
    addEdge(&snapshot, "portal", "v1", "portal", "v1", 2, 0.5);  // self loop
    addEdge(&snapshot, "", "", "ghost", "v1", 5, 0);
    model.applySnapshot(snapshot);  // before any mesh snapshot
    EXPECT_TRUE(model.nodes().isEmpty());
    EXPECT_TRUE(model.edges().isEmpty());

    model.applyMeshEvent(shopSnapshot());
    // portal's self loop is visible now; the ghost edges and ingress are not.
    ASSERT_NE(edgeBetween(model, "portal", "portal"), nullptr);
    EXPECT_DOUBLE_EQ(edgeBetween(model, "portal", "portal")->errorRatio, 0.5);
    EXPECT_EQ(model.ingressNodeId(), -1);
    EXPECT_EQ(model.edges().size(), 3);
}

TEST(TopologyModel, StaleKeepsTheDataAndSignalsOnce)
{
    TopologyModel model;
    model.applyMeshEvent(shopSnapshot());
    QSignalSpy stale(&model, &TopologyModel::staleChanged);
    model.setStale(true);
    model.setStale(true);
    ASSERT_EQ(stale.size(), 1);
    EXPECT_TRUE(stale.at(0).at(0).toBool());
    EXPECT_TRUE(model.isStale());
    EXPECT_EQ(model.nodes().size(), 3);
    model.setStale(false);
    EXPECT_EQ(stale.size(), 2);
    EXPECT_FALSE(model.isStale());
}

TEST(TopologyModel, ClearEmptiesTheGraph)
{
    TopologyModel model;
    model.applyMeshEvent(shopSnapshot());
    QSignalSpy structure(&model, &TopologyModel::structureChanged);
    model.clear();
    EXPECT_EQ(structure.size(), 1);
    EXPECT_TRUE(model.nodes().isEmpty());
    EXPECT_TRUE(model.edges().isEmpty());
    EXPECT_EQ(model.node(1), nullptr);
}

// The controller's snapshots as they come: ingress first, every edge of every
// window, many windows; each edge shows its own window's rate.
TEST(TopologyModel, TheIngressEdgeCarriesTheRootRate)
{
    TopologyModel model;
    model.applyMeshEvent(shopSnapshot());
    for (int window = 0; window < 5; ++window) {
        v1::TopologySnapshot snapshot;
        addEdge(&snapshot, "", "", "portal", "v1", 35.0 + window, 0);
        addEdge(&snapshot, "portal", "v1", "auth", "v1", 7, 0);
        addEdge(&snapshot, "portal", "v1", "auth", "v2", 30, 0);
        addEdge(&snapshot, "portal", "v1", "proc", "v1", 34, 0);
        model.applySnapshot(snapshot);
        const auto* ingress = edgeBetween(model, QString(), QStringLiteral("portal"));
        ASSERT_TRUE(ingress);
        EXPECT_DOUBLE_EQ(ingress->rate, 35.0 + window);
        EXPECT_DOUBLE_EQ(edgeBetween(model, QStringLiteral("portal"), QStringLiteral("auth"))->rate,
                         37.0);
    }
}
