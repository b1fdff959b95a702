#include "widgets/graph_layout.h"

#include <graphviz/gvc.h>

#include <QByteArray>
#include <QElapsedTimer>
#include <QSet>
#include <QSizeF>
#include <QThread>
#include <algorithm>
#include <cmath>
#include <vector>

namespace concord::widgets {

namespace {

// libgvc's state is global: every call into it, from the worker or from
// layoutNow, holds this mutex.
std::mutex& graphvizMutex()
{
    static std::mutex mutex;
    return mutex;
}

GVC_t* graphvizContext()
{
    // Created once and kept: loading the plugins costs more than a small layout.
    static GVC_t* context = gvContext();
    return context;
}

// cgraph takes `char*` for strings it only reads.
char* cstr(const char* text)
{
    return const_cast<char*>(text);
}

void setAttr(void* object, const char* name, const char* value)
{
    agsafeset(object, cstr(name), cstr(value), cstr(""));
}

void declareGraphAttributes(Agraph_t* graph, bool fast)
{
    agattr(graph, AGRAPH, cstr("rankdir"), cstr("LR"));
    agattr(graph, AGRAPH, cstr("nodesep"), cstr("0.3"));
    // Room between ranks for an edge label ("123.4 rps · 0.0%") clear of the
    // nodes and the cluster margins.
    agattr(graph, AGRAPH, cstr("ranksep"), cstr("1.5"));
    agattr(graph, AGRAPH, cstr("remincross"), cstr("false"));
    // Ranks the whole graph at once: the default ranks each cluster on its
    // own, and edges between clusters may then point right to left.
    agattr(graph, AGRAPH, cstr("newrank"), cstr("true"));
    agattr(graph, AGRAPH, cstr("label"), cstr(""));
    if (fast) {
        // Measured on 2,000 nodes / 6,000 edges (docs/benchmarks.md): fewer
        // network-simplex and mincross iterations and straight edges; the
        // big saving is adjacentLayerEdges.
        agattr(graph, AGRAPH, cstr("splines"), cstr("line"));
        agattr(graph, AGRAPH, cstr("nslimit"), cstr("1"));
        agattr(graph, AGRAPH, cstr("nslimit1"), cstr("1"));
        agattr(graph, AGRAPH, cstr("mclimit"), cstr("0.05"));
        agattr(graph, AGRAPH, cstr("searchsize"), cstr("10"));
    } else {
        agattr(graph, AGRAPH, cstr("splines"), cstr("spline"));
        agattr(graph, AGRAPH, cstr("mclimit"), cstr("0.5"));
    }
    // Labels are drawn by the view: no text layout inside Graphviz.
    agattr(graph, AGNODE, cstr("label"), cstr(""));
    agattr(graph, AGNODE, cstr("shape"), cstr("box"));
    agattr(graph, AGNODE, cstr("fixedsize"), cstr("true"));
    agattr(graph, AGNODE, cstr("width"), cstr("1"));
    agattr(graph, AGNODE, cstr("height"), cstr("0.5"));
}

struct BuiltGraph
{
    Agraph_t* graph = nullptr;
    std::vector<std::pair<Agnode_t*, int>> nodes;
    std::vector<std::pair<Agedge_t*, int>> edges;
    std::vector<const GraphLayoutEdge*> straightEdges;  // not given to dot
    std::vector<std::pair<Agraph_t*, QString>> clusters;
};

// Post-order of a depth-first search over `out`, and the ids of the edges
// that close a cycle (to a node still on the search path).
std::vector<int> depthFirstOrder(const std::vector<std::vector<std::pair<int, int>>>& out,
                                 QSet<int>& backEdges)
{
    const size_t n = out.size();
    std::vector<char> colour(n, 0);  // 0 unseen, 1 on the path, 2 done
    std::vector<int> order;
    order.reserve(n);
    std::vector<std::pair<int, size_t>> stack;
    for (size_t root = 0; root < n; ++root) {
        if (colour[root])
            continue;
        stack.emplace_back(int(root), 0);
        colour[root] = 1;
        while (!stack.empty()) {
            auto& [v, next] = stack.back();
            if (next == out[size_t(v)].size()) {
                colour[size_t(v)] = 2;
                order.push_back(v);
                stack.pop_back();
                continue;
            }
            const auto [t, id] = out[size_t(v)][next++];
            if (colour[size_t(t)] == 1)
                backEdges.insert(id);
            else if (colour[size_t(t)] == 0) {
                colour[size_t(t)] = 1;
                stack.emplace_back(t, 0);
            }
        }
    }
    return order;
}

// The edges dot sees in fast mode: those between adjacent layers of a
// longest-path layering. Every other edge would become a chain of virtual
// nodes (40,000 of them on the benchmark mesh), and those chains are what
// makes mincross and network simplex slow; the view draws them straight.
// Each node keeps an edge from the layer before it, so the layers survive.
QSet<int> adjacentLayerEdges(const GraphLayoutInput& input)
{
    QHash<int, int> index;
    for (const GraphLayoutNode& node : input.nodes)
        index.insert(node.id, int(index.size()));
    std::vector<std::vector<std::pair<int, int>>> out(size_t(index.size()));
    for (const GraphLayoutEdge& edge : input.edges) {
        const int s = index.value(edge.source, -1);
        const int t = index.value(edge.target, -1);
        if (s >= 0 && t >= 0 && s != t)
            out[size_t(s)].emplace_back(t, edge.id);
    }
    QSet<int> backEdges;
    const std::vector<int> order = depthFirstOrder(out, backEdges);
    std::vector<int> layer(out.size(), 0);
    for (auto v = order.rbegin(); v != order.rend(); ++v)
        for (const auto& [t, id] : out[size_t(*v)])
            if (!backEdges.contains(id))
                layer[size_t(t)] = std::max(layer[size_t(t)], layer[size_t(*v)] + 1);
    QSet<int> kept;
    for (size_t v = 0; v < out.size(); ++v)
        for (const auto& [t, id] : out[v])
            if (!backEdges.contains(id) && layer[size_t(t)] == layer[v] + 1)
                kept.insert(id);
    return kept;
}

BuiltGraph buildGraph(const GraphLayoutInput& input, bool fast)
{
    BuiltGraph built;
    built.graph = agopen(cstr("topology"), Agdirected, nullptr);
    declareGraphAttributes(built.graph, fast);

    QHash<QString, Agraph_t*> clusterGraphs;
    QHash<int, Agnode_t*> byId;
    byId.reserve(input.nodes.size());
    built.nodes.reserve(size_t(input.nodes.size()));
    for (const GraphLayoutNode& node : input.nodes) {
        if (byId.contains(node.id))
            continue;
        Agraph_t* parent = built.graph;
        if (!node.cluster.isEmpty()) {
            Agraph_t*& cluster = clusterGraphs[node.cluster];
            if (!cluster) {
                const QByteArray name = "cluster_" + QByteArray::number(clusterGraphs.size());
                cluster = agsubg(built.graph, cstr(name.constData()), 1);
                built.clusters.emplace_back(cluster, node.cluster);
                // A label makes dot keep a strip free above the nodes, where
                // the cluster item draws "namespace <name>".
                const QByteArray label = "namespace " + node.cluster.toUtf8();
                agsafeset(cluster, cstr("label"), cstr(label.constData()), cstr(""));
                agsafeset(cluster, cstr("labeljust"), cstr("l"), cstr(""));
                agsafeset(cluster, cstr("fontsize"), cstr("12"), cstr(""));
            }
            parent = cluster;
        }
        const QByteArray name = "n" + QByteArray::number(node.id);
        Agnode_t* n = agnode(parent, cstr(name.constData()), 1);
        // Graphviz sizes nodes in inches.
        setAttr(n, "width", QByteArray::number(node.width / 72.0, 'f', 3).constData());
        setAttr(n, "height", QByteArray::number(node.height / 72.0, 'f', 3).constData());
        byId.insert(node.id, n);
        built.nodes.emplace_back(n, node.id);
    }
    const QSet<int> kept = fast ? adjacentLayerEdges(input) : QSet<int>();
    built.edges.reserve(size_t(input.edges.size()));
    for (const GraphLayoutEdge& edge : input.edges) {
        Agnode_t* tail = byId.value(edge.source);
        Agnode_t* head = byId.value(edge.target);
        if (!tail || !head)
            continue;  // an edge to a node the input does not have: skip, don't crash
        if (fast && !kept.contains(edge.id)) {
            built.straightEdges.push_back(&edge);
            continue;
        }
        Agedge_t* e = agedge(built.graph, tail, head, nullptr, 1);
        built.edges.emplace_back(e, edge.id);
    }
    return built;
}

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wold-style-cast"  // Graphviz's accessor macros

// Graphviz's y grows upwards; Qt's downwards.
QPointF toQt(pointf p, double top)
{
    return QPointF(p.x, top - p.y);
}

QPolygonF edgePath(Agedge_t* edge, double top)
{
    QPolygonF path;
    const splines* spl = ED_spl(edge);
    if (!spl || spl->size < 1)
        return path;
    // dot splits an edge into several beziers only for compound edges, which
    // the topology does not use: the first one is the edge.
    const bezier& bz = spl->list[0];
    for (int i = 0; i < bz.size; ++i)
        path << toQt(bz.list[i], top);
    if (bz.eflag)
        path << toQt(bz.ep, top);
    return path;
}

// Where the segment from `centre` towards `towards` leaves a box of `size`.
QPointF boxExit(QPointF centre, QSizeF size, QPointF towards)
{
    const QPointF d = towards - centre;
    double scale = 1.0;
    if (d.x() != 0)
        scale = std::min(scale, size.width() / 2 / std::abs(d.x()));
    if (d.y() != 0)
        scale = std::min(scale, size.height() / 2 / std::abs(d.y()));
    return centre + d * scale;
}

void addStraightEdges(const GraphLayoutInput& input, const BuiltGraph& built,
                      GraphLayoutResult& result)
{
    QHash<int, QSizeF> sizes;
    sizes.reserve(input.nodes.size());
    for (const GraphLayoutNode& node : input.nodes)
        sizes.insert(node.id, QSizeF(node.width, node.height));
    for (const GraphLayoutEdge* edge : built.straightEdges) {
        const QPointF from = result.nodePositions.value(edge->source);
        const QPointF to = result.nodePositions.value(edge->target);
        QPolygonF path;
        if (edge->source == edge->target) {
            // A self loop: out of the top, back in on the right.
            const QSizeF size = sizes.value(edge->source);
            const QPointF top = from - QPointF(0, size.height() / 2);
            const QPointF right = from + QPointF(size.width() / 2, 0);
            path << top << top + QPointF(size.width() / 2 + 12, -12) << right;
        } else {
            path << boxExit(from, sizes.value(edge->source), to)
                 << boxExit(to, sizes.value(edge->target), from);
        }
        result.edgePaths.insert(edge->id, path);
    }
}

void readResult(const BuiltGraph& built, GraphLayoutResult& result)
{
    const boxf bb = GD_bb(built.graph);
    const double top = bb.UR.y;
    result.boundingRect = QRectF(QPointF(bb.LL.x, top - bb.UR.y), QPointF(bb.UR.x, top - bb.LL.y));
    result.nodePositions.reserve(qsizetype(built.nodes.size()));
    for (const auto& [node, id] : built.nodes)
        result.nodePositions.insert(id, toQt(ND_coord(node), top));
    result.edgePaths.reserve(qsizetype(built.edges.size()));
    for (const auto& [edge, id] : built.edges)
        result.edgePaths.insert(id, edgePath(edge, top));
    for (const auto& [graph, name] : built.clusters) {
        const boxf cb = GD_bb(graph);
        result.clusterRects.insert(
            name, QRectF(toQt(pointf{cb.LL.x, cb.UR.y}, top), toQt(pointf{cb.UR.x, cb.LL.y}, top)));
    }
}

#pragma clang diagnostic pop

}  // namespace

GraphLayoutResult GraphLayoutEngine::layoutNow(const GraphLayoutInput& input)
{
    GraphLayoutResult result;
    result.generation = input.generation;
    result.fastMode = input.nodes.size() + input.edges.size() > input.fastThreshold;
    if (input.nodes.isEmpty()) {
        result.ok = true;
        return result;
    }
    const std::lock_guard lock(graphvizMutex());
    QElapsedTimer timer;
    timer.start();
    GVC_t* gvc = graphvizContext();
    BuiltGraph built = buildGraph(input, result.fastMode);
    if (gvLayout(gvc, built.graph, "dot") == 0) {
        readResult(built, result);
        addStraightEdges(input, built, result);
        result.ok = true;
        gvFreeLayout(gvc, built.graph);
    } else {
        result.error = tr("Graphviz could not lay out the graph.");
    }
    agclose(built.graph);
    result.elapsedMs = double(timer.nsecsElapsed()) / 1e6;
    return result;
}

GraphLayoutEngine::GraphLayoutEngine(QObject* parent)
    : QObject(parent), m_thread(new QThread), m_worker(new QObject)
{
    qRegisterMetaType<GraphLayoutResult>();
    m_thread->setObjectName(QStringLiteral("concord-graph-layout"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start(QThread::LowPriority);
}

GraphLayoutEngine::~GraphLayoutEngine()
{
    {
        const std::lock_guard lock(m_mutex);
        m_pending.reset();
    }
    m_thread->quit();
    m_thread->wait();  // a layout in progress finishes first
    delete m_thread;
}

quint64 GraphLayoutEngine::requestLayout(GraphLayoutInput input)
{
    input.generation = ++m_generation;
    bool schedule = false;
    {
        const std::lock_guard lock(m_mutex);
        m_pending = std::move(input);
        schedule = !m_scheduled;
        m_scheduled = true;
    }
    if (schedule)
        QMetaObject::invokeMethod(
            m_worker, [this] { drainOnWorker(); }, Qt::QueuedConnection);
    return m_generation;
}

void GraphLayoutEngine::drainOnWorker()
{
    for (;;) {
        std::optional<GraphLayoutInput> input;
        {
            const std::lock_guard lock(m_mutex);
            if (!m_pending) {
                m_scheduled = false;
                return;
            }
            input.swap(m_pending);
        }
        GraphLayoutResult result = layoutNow(*input);
        QMetaObject::invokeMethod(
            this, [this, result = std::move(result)] { deliver(result); }, Qt::QueuedConnection);
    }
}

void GraphLayoutEngine::deliver(const GraphLayoutResult& result)
{
    ++m_completed;
    emit layoutReady(result);
}

}  // namespace concord::widgets
