#include "models/topology_model.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace concord::models {

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

// Versions without traffic role (registered, retired) get no badge.
bool takesPartInTraffic(v1::VersionState state)
{
    return state == v1::VERSION_STATE_DEPLOYING || state == v1::VERSION_STATE_SERVING ||
           state == v1::VERSION_STATE_DRAINING;
}

// Converts only when the text differs: flow versions rarely change.
void assign(QString& target, const std::string& source)
{
    const QUtf8StringView view(source.data(), qsizetype(source.size()));
    if (!QAnyStringView::equal(target, view))
        target = QString::fromUtf8(view);
}

TopologyVersion toVersion(const v1::Version& version)
{
    return TopologyVersion{qs(version.name()), version.state(), version.traffic_share()};
}

}  // namespace

TopologyModel::TopologyModel(QObject* parent) : QObject(parent) {}

TopologyModel::~TopologyModel() = default;

void TopologyModel::applyMeshEvent(const v1::MeshEvent& event)
{
    // Service summaries and removals may change nodes, namespaces or callees;
    // version changes only change badges.
    m_structureDirty = m_structureDirty || event.change_case() == v1::MeshEvent::kServiceAdded ||
                       event.change_case() == v1::MeshEvent::kServiceChanged ||
                       event.change_case() == v1::MeshEvent::kServiceRemoved;
    switch (event.change_case()) {
        case v1::MeshEvent::kSnapshot: {
            const v1::MeshSnapshot& part = event.snapshot();
            std::swap(m_services, m_pendingSnapshot);  // the apply helpers write m_services
            for (const v1::Service& service : part.services())
                applyServiceSummary(service);
            for (const v1::VersionTree& tree : part.trees())
                applyTree(tree);
            std::swap(m_services, m_pendingSnapshot);
            if (part.complete())
                replaceWithSnapshot();
            return;
        }
        case v1::MeshEvent::kServiceAdded:
            applyServiceSummary(event.service_added());
            break;
        case v1::MeshEvent::kServiceChanged:
            applyServiceSummary(event.service_changed());
            break;
        case v1::MeshEvent::kServiceRemoved: {
            const QString name = qs(event.service_removed());
            if (!m_services.remove(name))
                return;
            // Its edges go with it; a service of the same name later starts afresh.
            erase_if(m_observedEdges,
                     [&](const EdgeKey& key) { return key.first == name || key.second == name; });
            break;
        }
        case v1::MeshEvent::kVersionAdded:
            applyVersion(event.version_added().version());
            break;
        case v1::MeshEvent::kVersionChanged:
            applyVersion(event.version_changed().version());
            break;
        default:
            return;  // instance changes do not show in the topology
    }
    refresh();
}

void TopologyModel::applyServiceSummary(const v1::Service& service)
{
    ServiceEntry& entry = m_services[qs(service.name())];
    entry.nameSpace = qs(service.namespace_());
    entry.callees.clear();
    for (const std::string& callee : service.callees())
        entry.callees.append(qs(callee));
}

void TopologyModel::applyTree(const v1::VersionTree& tree)
{
    auto it = m_services.find(qs(tree.service()));
    if (it == m_services.end())
        return;
    it->versions.clear();
    for (const v1::Version& version : tree.versions())
        it->versions.append(toVersion(version));
}

void TopologyModel::applyVersion(const v1::Version& version)
{
    auto it = m_services.find(qs(version.service()));
    if (it == m_services.end())
        return;
    const QString name = qs(version.name());
    for (TopologyVersion& existing : it->versions) {
        if (existing.name == name) {
            existing.state = version.state();
            existing.trafficShare = version.traffic_share();
            return;
        }
    }
    it->versions.append(toVersion(version));
}

void TopologyModel::replaceWithSnapshot()
{
    m_structureDirty = true;
    m_services = std::move(m_pendingSnapshot);
    m_pendingSnapshot.clear();
    erase_if(m_observedEdges, [&](const EdgeKey& key) {
        return (!key.first.isEmpty() && !m_services.contains(key.first)) ||
               !m_services.contains(key.second);
    });
    refresh();
}

void TopologyModel::applySnapshot(const v1::TopologySnapshot& snapshot)
{
    // Entries persist from snapshot to snapshot and are overwritten in place:
    // allocating keys and flow lists afresh for thousands of edges a second
    // was most of the refresh cost. The edges come ordered by source then
    // destination, so one lookup serves all version flows of an edge.
    ++m_trafficSerial;
    EdgeTraffic* traffic = nullptr;
    const v1::TopologyEdge* previous = nullptr;
    for (const v1::TopologyEdge& e : snapshot.edges()) {
        if (!previous || e.source_service() != previous->source_service() ||
            e.destination_service() != previous->destination_service())
            traffic = &trafficFor(e.source_service(), e.destination_service());
        previous = &e;
        if (traffic->serial != m_trafficSerial) {
            traffic->serial = m_trafficSerial;
            traffic->rate = 0;
            traffic->weightedErrors = 0;
            traffic->flowCount = 0;
        }
        const double rate = std::max(0.0, e.request_rate());
        const double errors = std::clamp(e.error_rate(), 0.0, 1.0);
        traffic->rate += rate;
        traffic->weightedErrors += rate * errors;
        if (traffic->flowCount == traffic->flows.size())
            traffic->flows.append(TopologyFlow{});
        TopologyFlow& flow = traffic->flows[traffic->flowCount++];
        assign(flow.sourceVersion, e.source_version());
        assign(flow.destinationVersion, e.destination_version());
        flow.rate = rate;
        flow.errorRatio = errors;
    }
    for (EdgeTraffic& stale : m_traffic) {
        if (stale.serial != m_trafficSerial) {
            stale.rate = 0;
            stale.weightedErrors = 0;
            stale.flowCount = 0;
        }
    }
    refresh();
}

TopologyModel::EdgeTraffic& TopologyModel::trafficFor(const std::string& source,
                                                      const std::string& destination)
{
    const EdgeKey key(qs(source), qs(destination));
    auto it = m_traffic.find(key);
    if (it == m_traffic.end()) {
        it = m_traffic.insert(key, EdgeTraffic{});
        // Edges stay once seen: one that idles for a window shows 0 rps
        // instead of vanishing and forcing a new layout.
        if (!m_observedEdges.contains(key)) {
            m_observedEdges.insert(key);
            m_structureDirty = true;
        }
    }
    return *it;
}

QList<TopologyFlow> TopologyModel::flows(int edgeId) const
{
    const int index = edgeIndex(edgeId);
    if (index < 0)
        return {};
    const auto it = m_traffic.constFind(m_edgeKeys.at(index));
    return it == m_traffic.cend() ? QList<TopologyFlow>() : it->flows.first(it->flowCount);
}

void TopologyModel::clear()
{
    m_structureDirty = true;
    m_services.clear();
    m_pendingSnapshot.clear();
    m_traffic.clear();
    m_observedEdges.clear();
    refresh();
}

void TopologyModel::setStale(bool stale)
{
    if (m_stale == stale)
        return;
    m_stale = stale;
    emit staleChanged(stale);
}

const TopologyNode* TopologyModel::node(int id) const
{
    const int index = nodeIndex(id);
    return index < 0 ? nullptr : &m_nodes.at(index);
}

const TopologyEdge* TopologyModel::edge(int id) const
{
    const int index = edgeIndex(id);
    return index < 0 ? nullptr : &m_edges.at(index);
}

int TopologyModel::nodeIdForService(const QString& service) const
{
    if (service.isEmpty())
        return -1;  // the ingress has no service name
    const int id = m_serviceIds.value(service, -1);
    return m_nodeIndexById.contains(id) ? id : -1;
}

int TopologyModel::ingressNodeId() const
{
    const int id = m_serviceIds.value(QString(), -1);
    return m_nodeIndexById.contains(id) ? id : -1;
}

int TopologyModel::idForService(const QString& service)
{
    auto it = m_serviceIds.find(service);
    if (it == m_serviceIds.end())
        it = m_serviceIds.insert(service, m_nextNodeId++);
    return *it;
}

int TopologyModel::idForEdge(const EdgeKey& key)
{
    auto it = m_edgeIds.find(key);
    if (it == m_edgeIds.end())
        it = m_edgeIds.insert(key, m_nextEdgeId++);
    return *it;
}

void TopologyModel::refresh()
{
    const bool dirty = std::exchange(m_structureDirty, false);
    if (dirty && rebuildStructure()) {
        fillNumbers();
        ++m_structureRevision;
        emit structureChanged();
    } else {
        fillNumbers();
        emit ratesChanged();
    }
}

bool TopologyModel::rebuildStructure()
{
    // Visible edges: static callees and observed traffic between known
    // services (the ingress as a source). Others wait for their services.
    QSet<EdgeKey> keys = m_observedEdges;
    for (auto it = m_services.cbegin(); it != m_services.cend(); ++it)
        for (const QString& callee : it->callees)
            keys.insert(EdgeKey(it.key(), callee));
    QList<EdgeKey> visible;
    visible.reserve(keys.size());
    bool ingress = false;
    for (const EdgeKey& key : keys) {
        if (!m_services.contains(key.second))
            continue;
        if (key.first.isEmpty())
            ingress = true;
        else if (!m_services.contains(key.first))
            continue;
        visible.append(key);
    }
    std::sort(visible.begin(), visible.end());

    QList<TopologyNode> nodes;
    nodes.reserve(m_services.size() + 1);
    if (ingress) {
        TopologyNode node;
        node.id = idForService(QString());
        node.ingress = true;
        nodes.append(node);
    }
    for (auto it = m_services.cbegin(); it != m_services.cend(); ++it) {
        TopologyNode node;
        node.id = idForService(it.key());
        node.service = it.key();
        node.nameSpace = it->nameSpace;
        nodes.append(node);
    }
    const bool sameNodes =
        std::equal(nodes.cbegin(), nodes.cend(), m_nodes.cbegin(), m_nodes.cend(),
                   [](const TopologyNode& a, const TopologyNode& b) {
                       return a.id == b.id && a.nameSpace == b.nameSpace;
                   });
    if (sameNodes && visible == m_edgeKeys)
        return false;

    m_nodes = std::move(nodes);
    m_nodeIndexById.clear();
    m_nodeIndexById.reserve(m_nodes.size());
    for (int i = 0; i < m_nodes.size(); ++i)
        m_nodeIndexById.insert(m_nodes.at(i).id, i);
    m_edgeKeys = std::move(visible);
    m_edges.clear();
    m_edges.reserve(m_edgeKeys.size());
    m_edgeIndexById.clear();
    m_edgeIndexById.reserve(m_edgeKeys.size());
    for (const EdgeKey& key : m_edgeKeys) {
        TopologyEdge edge;
        edge.id = idForEdge(key);
        edge.sourceId = m_serviceIds.value(key.first);
        edge.targetId = m_serviceIds.value(key.second);
        m_edgeIndexById.insert(edge.id, int(m_edges.size()));
        m_edges.append(edge);
    }
    return true;
}

void TopologyModel::fillNumbers()
{
    // Incoming rate per destination version (by node index) gives the live
    // traffic shares; a node has a handful of versions, a list will do.
    std::vector<QList<QPair<QString, double>>> versionRates(size_t(m_nodes.size()));
    for (TopologyNode& node : m_nodes) {
        node.inRate = 0;
        node.inErrorRatio = 0;
    }
    for (int i = 0; i < m_edges.size(); ++i) {
        TopologyEdge& edge = m_edges[i];
        const auto it = m_traffic.constFind(m_edgeKeys.at(i));
        if (it == m_traffic.cend()) {
            edge.rate = 0;
            edge.errorRatio = 0;
            continue;
        }
        edge.rate = it->rate;
        edge.errorRatio = it->rate > 0 ? it->weightedErrors / it->rate : 0;
        const int targetIndex = m_nodeIndexById.value(edge.targetId);
        TopologyNode& target = m_nodes[targetIndex];
        target.inRate += it->rate;
        target.inErrorRatio += it->weightedErrors;  // divided below
        QList<QPair<QString, double>>& rates = versionRates[size_t(targetIndex)];
        for (qsizetype f = 0; f < it->flowCount; ++f) {
            const TopologyFlow& flow = it->flows.at(f);
            auto v = std::find_if(rates.begin(), rates.end(), [&](const auto& r) {
                return r.first == flow.destinationVersion;
            });
            if (v == rates.end())
                rates.append({flow.destinationVersion, flow.rate});
            else
                v->second += flow.rate;
        }
    }
    for (int n = 0; n < m_nodes.size(); ++n) {
        TopologyNode& node = m_nodes[n];
        if (node.inRate > 0)
            node.inErrorRatio /= node.inRate;
        if (node.ingress)
            continue;
        node.versions.clear();
        const auto entry = m_services.constFind(node.service);
        const QList<QPair<QString, double>>& live = versionRates[size_t(n)];
        for (const TopologyVersion& version : entry->versions) {
            if (!takesPartInTraffic(version.state))
                continue;
            TopologyVersion badge = version;
            if (node.inRate > 0) {
                auto v = std::find_if(live.begin(), live.end(),
                                      [&](const auto& r) { return r.first == version.name; });
                badge.trafficShare = v == live.end() ? 0 : v->second / node.inRate;
            }
            node.versions.append(badge);
        }
    }
}

}  // namespace concord::models
