#include "widgets/topology_view.h"

#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QGraphicsScene>
#include <QMenu>
#include <QScrollBar>
#include <QWheelEvent>
#include <QtMath>

#include "models/topology_model.h"

namespace concord::widgets {

namespace {

// Work per event-loop turn while building or freeing a scene: keeps every
// GUI-thread slice far below the 50 ms stall budget.
constexpr qint64 SliceBudgetNs = 8'000'000;
constexpr double MinScale = 0.01;
constexpr double MaxScale = 8.0;

quint64 pairKey(int source, int target)
{
    return (quint64(quint32(source)) << 32) | quint32(target);
}

}  // namespace

struct TopologyView::SceneBuild
{
    DisplayGraph graph;
    GraphLayoutResult result;
    QGraphicsScene* scene = nullptr;
    std::vector<TopologyNodeItem*> nodes;
    std::vector<TopologyEdgeItem*> edges;
    std::vector<QGraphicsItem*> all;  // creation order, for retiring
    QList<QString> clusterNames;
    qsizetype nextCluster = 0;
    size_t nextNode = 0;
    size_t nextEdge = 0;
};

TopologyView::TopologyView(QWidget* parent) : QGraphicsView(parent)
{
    setObjectName(QStringLiteral("topologyView"));
    setDragMode(ScrollHandDrag);
    setTransformationAnchor(AnchorUnderMouse);
    setResizeAnchor(AnchorViewCenter);
    // One repaint per refresh instead of a region per changed edge.
    setViewportUpdateMode(FullViewportUpdate);
    setOptimizationFlags(DontSavePainterState | DontAdjustForAntialiasing);
    followPalette();
    m_scene = new QGraphicsScene(this);
    m_scene->setItemIndexMethod(QGraphicsScene::NoIndex);
    setScene(m_scene);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &TopologyView::onSelectionChanged);

    connect(&m_engine, &GraphLayoutEngine::layoutReady, this, &TopologyView::onLayoutReady);
    m_buildTimer.setInterval(0);
    connect(&m_buildTimer, &QTimer::timeout, this, &TopologyView::continueBuild);
    m_retireTimer.setInterval(0);
    connect(&m_retireTimer, &QTimer::timeout, this, &TopologyView::continueRetire);
}

TopologyView::~TopologyView()
{
    // Deleting a scene deselects its items and emits selectionChanged: take
    // the scenes down while this view is still whole.
    setScene(nullptr);
    disconnect(m_scene, nullptr, this, nullptr);
    delete m_scene;
    if (m_build)
        delete m_build->scene;
    for (const Retired& retired : m_retired)
        delete retired.scene;  // with the items not freed yet
}

void TopologyView::setModel(models::TopologyModel* model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &models::TopologyModel::structureChanged, this,
                &TopologyView::onStructureChanged);
        connect(model, &models::TopologyModel::ratesChanged, this, &TopologyView::onRatesChanged);
        connect(model, &models::TopologyModel::staleChanged, this, &TopologyView::setStale);
        connect(model, &QObject::destroyed, this, &TopologyView::onStructureChanged);
        setStale(model->isStale());
    }
    onStructureChanged();
}

void TopologyView::setCollapseThreshold(int services)
{
    if (m_collapseThreshold == services)
        return;
    m_collapseThreshold = services;
    onStructureChanged();
}

void TopologyView::setNamespaceCollapsed(const QString& nameSpace, bool collapsed)
{
    if (isNamespaceCollapsed(nameSpace) == collapsed && m_collapseOverride.contains(nameSpace))
        return;
    m_collapseOverride.insert(nameSpace, collapsed);
    onStructureChanged();
}

bool TopologyView::isNamespaceCollapsed(const QString& nameSpace) const
{
    if (nameSpace.isEmpty())
        return false;
    qsizetype services = 0;
    if (m_model)
        for (const models::TopologyNode& node : m_model->nodes())
            services += node.ingress ? 0 : 1;
    return m_collapseOverride.value(nameSpace, services > m_collapseThreshold);
}

void TopologyView::setStale(bool stale)
{
    if (m_style.stale == stale)
        return;
    m_style.stale = stale;
    viewport()->update();
}

bool TopologyView::isLayoutPending() const
{
    return m_requestedGraph.has_value() || m_build != nullptr;
}

TopologyNodeItem* TopologyView::nodeItemForService(const QString& service) const
{
    const int index = m_nodeIndexByService.value(service, -1);
    return index < 0 ? nullptr : m_nodeItems[size_t(index)];
}

std::optional<QPointF> TopologyView::servicePosition(const QString& service) const
{
    if (const TopologyNodeItem* item = nodeItemForService(service))
        return item->pos();
    return std::nullopt;
}

TopologyEdgeItem* TopologyView::edgeItemBetween(const QString& source, const QString& target) const
{
    auto indexOf = [&](const QString& service) {
        if (!service.isEmpty())
            return m_nodeIndexByService.value(service, -1);
        for (size_t i = 0; i < m_graph.nodes.size(); ++i)
            if (m_graph.nodes[i].ingress)
                return int(i);
        return -1;
    };
    const int s = indexOf(source);
    const int t = indexOf(target);
    for (size_t i = 0; i < m_graph.edges.size(); ++i)
        if (m_graph.edges[i].source == s && m_graph.edges[i].target == t)
            return m_edgeItems[i];
    return nullptr;
}

TopologyView::DisplayGraph TopologyView::buildDisplayGraph() const
{
    DisplayGraph graph;
    if (!m_model)
        return graph;
    const QList<models::TopologyNode>& nodes = m_model->nodes();
    qsizetype services = 0;
    QSet<QString> namespaces;
    for (const models::TopologyNode& node : nodes) {
        if (node.ingress)
            continue;
        ++services;
        namespaces.insert(node.nameSpace);
    }
    const bool collapseByDefault = services > m_collapseThreshold;
    QHash<int, int> displayOf;  // model node id -> display node index
    displayOf.reserve(nodes.size());
    QHash<QString, int> groups;
    for (const models::TopologyNode& node : nodes) {
        const bool collapsed = !node.ingress && !node.nameSpace.isEmpty() &&
                               m_collapseOverride.value(node.nameSpace, collapseByDefault);
        if (collapsed) {
            auto group = groups.find(node.nameSpace);
            if (group == groups.end()) {
                group = groups.insert(node.nameSpace, int(graph.nodes.size()));
                graph.nodes.push_back(DisplayNode{{}, node.nameSpace, false, true, {}});
            }
            graph.nodes[size_t(*group)].modelNodeIds.append(node.id);
            displayOf.insert(node.id, *group);
            continue;
        }
        displayOf.insert(node.id, int(graph.nodes.size()));
        graph.nodes.push_back(
            DisplayNode{node.service, node.nameSpace, node.ingress, false, {node.id}});
        if (!node.ingress && !node.nameSpace.isEmpty() && namespaces.size() > 1)
            graph.clusteredNamespaces.insert(node.nameSpace);
    }
    QHash<quint64, int> edgeOf;
    for (const models::TopologyEdge& edge : m_model->edges()) {
        const int s = displayOf.value(edge.sourceId, -1);
        const int t = displayOf.value(edge.targetId, -1);
        if (s < 0 || t < 0)
            continue;
        if (s == t && graph.nodes[size_t(s)].group)
            continue;  // calls inside a collapsed namespace
        auto it = edgeOf.find(pairKey(s, t));
        if (it == edgeOf.end()) {
            it = edgeOf.insert(pairKey(s, t), int(graph.edges.size()));
            graph.edges.push_back(DisplayEdge{s, t, {}});
        }
        graph.edges[size_t(*it)].modelEdgeIds.append(edge.id);
    }
    return graph;
}

void TopologyView::onStructureChanged()
{
    DisplayGraph graph = buildDisplayGraph();
    GraphLayoutInput input;
    input.nodes.reserve(qsizetype(graph.nodes.size()));
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
        const DisplayNode& node = graph.nodes[i];
        const QString cluster = !node.group && graph.clusteredNamespaces.contains(node.nameSpace)
                                    ? node.nameSpace
                                    : QString();
        input.nodes.append(
            GraphLayoutNode{int(i), TopologyNodeItem::Width, TopologyNodeItem::Height, cluster});
    }
    input.edges.reserve(qsizetype(graph.edges.size()));
    for (size_t i = 0; i < graph.edges.size(); ++i)
        input.edges.append(GraphLayoutEdge{int(i), graph.edges[i].source, graph.edges[i].target});
    if (m_build) {
        // Superseded: its layout is already out of date.
        m_buildTimer.stop();
        retireScene(m_build->scene, std::move(m_build->all));
        m_build.reset();
    }
    m_requestedGraph = std::move(graph);
    m_requestedGeneration = m_engine.requestLayout(std::move(input));
}

void TopologyView::onLayoutReady(const GraphLayoutResult& result)
{
    if (result.generation != m_requestedGeneration || !m_requestedGraph)
        return;  // a newer request is on its way
    if (!result.ok) {
        qWarning("topology layout failed: %s", qPrintable(result.error));
        m_requestedGraph.reset();
        return;
    }
    m_build = std::make_unique<SceneBuild>();
    m_build->graph = std::move(*m_requestedGraph);
    m_requestedGraph.reset();
    m_build->result = result;
    m_build->scene = new QGraphicsScene(this);
    m_build->scene->setItemIndexMethod(QGraphicsScene::NoIndex);
    m_build->clusterNames = result.clusterRects.keys();
    m_build->nodes.reserve(m_build->graph.nodes.size());
    m_build->edges.reserve(m_build->graph.edges.size());
    continueBuild();
}

void TopologyView::continueBuild()
{
    if (!m_build)
        return;
    if (buildSomeItems(*m_build)) {
        m_buildTimer.stop();
        finishBuild();
    } else if (!m_buildTimer.isActive()) {
        m_buildTimer.start();
    }
}

bool TopologyView::buildSomeItems(SceneBuild& build)
{
    QElapsedTimer slice;
    slice.start();
    auto timeLeft = [&] { return slice.nsecsElapsed() < SliceBudgetNs; };
    while (build.nextCluster < build.clusterNames.size() && timeLeft()) {
        const QString& name = build.clusterNames.at(build.nextCluster++);
        auto* item = new TopologyClusterItem(&m_style, build.result.clusterRects.value(name), name);
        build.scene->addItem(item);
        build.all.push_back(item);
    }
    while (build.nextNode < build.graph.nodes.size() && timeLeft()) {
        const DisplayNode& node = build.graph.nodes[build.nextNode];
        auto* item = new TopologyNodeItem(&m_style, node.service, node.nameSpace, node.ingress,
                                          node.group, int(node.modelNodeIds.size()));
        item->setPos(build.result.nodePositions.value(int(build.nextNode)));
        build.scene->addItem(item);
        build.nodes.push_back(item);
        build.all.push_back(item);
        ++build.nextNode;
    }
    while (build.nextEdge < build.graph.edges.size() && timeLeft()) {
        auto* item =
            new TopologyEdgeItem(&m_style, build.result.edgePaths.value(int(build.nextEdge)));
        item->setVisible(m_detailShown);
        build.scene->addItem(item);
        build.edges.push_back(item);
        build.all.push_back(item);
        ++build.nextEdge;
    }
    return build.nextCluster == build.clusterNames.size() &&
           build.nextNode == build.graph.nodes.size() && build.nextEdge == build.graph.edges.size();
}

void TopologyView::finishBuild()
{
    std::unique_ptr<SceneBuild> build = std::move(m_build);
    refreshItems(build->graph, build->nodes, build->edges);
    build->scene->setSceneRect(build->result.boundingRect.adjusted(-40, -40, 40, 40));

    QGraphicsScene* old = m_scene;
    std::vector<QGraphicsItem*> oldItems = std::move(m_allItems);
    disconnect(old, nullptr, this, nullptr);
    m_overview = new TopologyOverviewItem(&m_edgeItems, build->scene->sceneRect());
    build->scene->addItem(m_overview);
    build->all.push_back(m_overview);
    const bool wasEmpty = m_nodeItems.empty();

    m_scene = build->scene;
    setScene(m_scene);
    connect(m_scene, &QGraphicsScene::selectionChanged, this, &TopologyView::onSelectionChanged);
    m_graph = std::move(build->graph);
    m_nodeItems = std::move(build->nodes);
    m_edgeItems = std::move(build->edges);
    m_allItems = std::move(build->all);
    m_nodeIndexByService.clear();
    m_groupIndexByNamespace.clear();
    for (size_t i = 0; i < m_graph.nodes.size(); ++i) {
        const DisplayNode& node = m_graph.nodes[i];
        if (node.group) {
            m_groupIndexByNamespace.insert(node.nameSpace, int(i));
            for (int id : node.modelNodeIds)
                if (const models::TopologyNode* member = m_model ? m_model->node(id) : nullptr)
                    m_nodeIndexByService.insert(member->service, int(i));
        } else if (!node.ingress) {
            m_nodeIndexByService.insert(node.service, int(i));
        }
    }
    m_appliedGeneration = build->result.generation;
    retireScene(old, std::move(oldItems));
    applySelection();
    if (wasEmpty || m_autoFit)
        fitView();
    updateDetailMode(true);
    emit layoutApplied(m_appliedGeneration);
}

void TopologyView::onRatesChanged()
{
    refreshItems(m_graph, m_nodeItems, m_edgeItems);
    if (!m_detailShown && m_overview)
        m_overview->update();
}

void TopologyView::updateDetailMode(bool force)
{
    const bool detail = transform().m11() >= TopologyDetailScale;
    if (!force && detail == m_detailShown)
        return;
    m_detailShown = detail;
    for (TopologyEdgeItem* edge : m_edgeItems)
        edge->setVisible(detail);
    if (m_overview)
        m_overview->setVisible(!detail);
}

void TopologyView::refreshItems(const DisplayGraph& graph,
                                const std::vector<TopologyNodeItem*>& nodes,
                                const std::vector<TopologyEdgeItem*>& edges) const
{
    if (!m_model)
        return;
    // Ids, not positions: the shown scene may predate the model's structure
    // while a new layout is on its way.
    for (size_t i = 0; i < edges.size(); ++i) {
        double rate = 0;
        double errors = 0;
        for (int id : graph.edges[i].modelEdgeIds) {
            if (const models::TopologyEdge* edge = m_model->edge(id)) {
                rate += edge->rate;
                errors += edge->rate * edge->errorRatio;
            }
        }
        edges[i]->setTraffic(rate, rate > 0 ? errors / rate : 0);
    }
    static const QList<models::TopologyVersion> noVersions;
    for (size_t i = 0; i < nodes.size(); ++i) {
        const DisplayNode& display = graph.nodes[i];
        if (!display.group) {
            if (const models::TopologyNode* node = m_model->node(display.modelNodeIds.value(0)))
                nodes[i]->setTraffic(node->versions, node->inRate, node->inErrorRatio);
            continue;
        }
        double rate = 0;
        double errors = 0;
        for (int id : display.modelNodeIds) {
            if (const models::TopologyNode* node = m_model->node(id)) {
                rate += node->inRate;
                errors += node->inRate * node->inErrorRatio;
            }
        }
        nodes[i]->setTraffic(noVersions, rate, rate > 0 ? errors / rate : 0);
    }
}

void TopologyView::retireScene(QGraphicsScene* scene, std::vector<QGraphicsItem*> items)
{
    if (!scene)
        return;
    m_retired.push_back(Retired{scene, std::move(items), 0});
    if (!m_retireTimer.isActive())
        m_retireTimer.start();
}

void TopologyView::continueRetire()
{
    QElapsedTimer slice;
    slice.start();
    while (!m_retired.empty() && slice.nsecsElapsed() < SliceBudgetNs) {
        Retired& retired = m_retired.front();
        while (retired.next < retired.items.size() && slice.nsecsElapsed() < SliceBudgetNs)
            delete retired.items[retired.next++];
        if (retired.next == retired.items.size()) {
            delete retired.scene;
            m_retired.erase(m_retired.begin());
        }
    }
    if (m_retired.empty())
        m_retireTimer.stop();
}

void TopologyView::onSelectionChanged()
{
    if (m_applyingSelection)
        return;
    const QList<QGraphicsItem*> selected = m_scene->selectedItems();
    if (selected.isEmpty())
        m_selectedService.clear();  // a click on the background; the tree keeps its own
    if (selected.size() != 1)
        return;
    const auto* node = dynamic_cast<const TopologyNodeItem*>(selected.first());
    if (!node || node->isGroup() || node->isIngress())
        return;
    if (node->service() == m_selectedService)
        return;
    m_selectedService = node->service();
    emit serviceSelected(m_selectedService);
}

void TopologyView::selectService(const QString& service)
{
    m_selectedService = service;
    applySelection();
    if (TopologyNodeItem* item = nodeItemForService(service))
        centerOn(item);
}

void TopologyView::applySelection()
{
    m_applyingSelection = true;
    m_scene->clearSelection();
    if (TopologyNodeItem* item = nodeItemForService(m_selectedService))
        item->setSelected(true);
    m_applyingSelection = false;
}

void TopologyView::zoomIn()
{
    m_autoFit = false;
    scaleBy(1.25);
}

void TopologyView::zoomOut()
{
    m_autoFit = false;
    scaleBy(1 / 1.25);
}

// The operator asked to see everything: keep it fitted through resizes and
// new layouts until they zoom again.
void TopologyView::fitToView()
{
    m_autoFit = true;
    fitView();
}

void TopologyView::followPalette()
{
    m_style.followPalette(palette());
    setBackgroundBrush(palette().base());
}

void TopologyView::changeEvent(QEvent* event)
{
    QGraphicsView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        followPalette();
        viewport()->update();
    }
}

void TopologyView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (m_autoFit)
        fitView();
}

void TopologyView::fitView()
{
    if (m_scene->sceneRect().isEmpty())
        return;
    fitInView(m_scene->sceneRect(), Qt::KeepAspectRatio);
    const double scale = transform().m11();
    if (scale > 1.5)
        scaleBy(1.5 / scale);  // a two-node mesh need not fill the screen
    updateDetailMode(false);
}

void TopologyView::scaleBy(double factor)
{
    const double current = transform().m11();
    const double target = std::clamp(current * factor, MinScale, MaxScale);
    if (current > 0)
        scale(target / current, target / current);
    updateDetailMode(false);
}

void TopologyView::wheelEvent(QWheelEvent* event)
{
    const int delta = event->angleDelta().y();
    if (delta == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    m_autoFit = false;
    scaleBy(std::pow(1.0015, delta));
    event->accept();
}

void TopologyView::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    auto* node = dynamic_cast<TopologyNodeItem*>(itemAt(event->pos()));
    if (node && !node->nameSpace().isEmpty()) {
        const QString ns = node->nameSpace();
        if (node->isGroup()) {
            menu.addAction(tr("Expand namespace %1").arg(ns), this,
                           [this, ns] { setNamespaceCollapsed(ns, false); });
        } else {
            menu.addAction(tr("Collapse namespace %1").arg(ns), this,
                           [this, ns] { setNamespaceCollapsed(ns, true); });
        }
        menu.addSeparator();
    }
    menu.addAction(tr("Fit to view"), this, &TopologyView::fitToView);
    menu.addAction(tr("Zoom in"), this, &TopologyView::zoomIn);
    menu.addAction(tr("Zoom out"), this, &TopologyView::zoomOut);
    menu.exec(event->globalPos());
}

}  // namespace concord::widgets
