#pragma once

// The live topology: services as nodes (version badges), calls as edges
// (rate, error %, health colour), laid out left to right by Graphviz on a
// worker thread. A structure change lays the graph out again while the old
// picture stays; a rate change repaints in place. Big meshes start with each
// namespace collapsed into one group node.

#include <QGraphicsView>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTimer>
#include <memory>
#include <optional>
#include <vector>

#include "widgets/graph_layout.h"
#include "widgets/topology_items.h"

namespace concord::models {
class TopologyModel;
}

namespace concord::widgets {

class TopologyView final : public QGraphicsView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TopologyView)

public:
    explicit TopologyView(QWidget* parent = nullptr);
    ~TopologyView() override;

    void setModel(models::TopologyModel* model);
    models::TopologyModel* model() const { return m_model; }

    // Meshes with more services than this start with every namespace
    // collapsed (default 300).
    void setCollapseThreshold(int services);
    int collapseThreshold() const { return m_collapseThreshold; }
    void setNamespaceCollapsed(const QString& nameSpace, bool collapsed);
    bool isNamespaceCollapsed(const QString& nameSpace) const;

    void setStale(bool stale);
    bool isStale() const { return m_style.stale; }

    // For tests, benchmarks and the main window.
    quint64 layoutGeneration() const { return m_appliedGeneration; }  // of the shown scene
    bool isLayoutPending() const;
    int nodeCount() const { return int(m_nodeItems.size()); }  // shown nodes (groups count one)
    int edgeCount() const { return int(m_edgeItems.size()); }
    // The topology is the main view: it asks for room beside the docks.
    QSize sizeHint() const override { return {900, 520}; }
    QString selectedService() const { return m_selectedService; }
    // Scene centre of the node showing `service` (its group when collapsed).
    std::optional<QPointF> servicePosition(const QString& service) const;
    TopologyNodeItem* nodeItemForService(const QString& service) const;
    // The edge item between two shown nodes (by service; empty = ingress).
    TopologyEdgeItem* edgeItemBetween(const QString& source, const QString& target) const;

public slots:
    void zoomIn();
    void zoomOut();
    void fitToView();  // and keep fitting on resizes and new layouts until the next zoom
    // Selects and centres `service` without emitting serviceSelected (the
    // version tree calls this); empty clears the selection.
    void selectService(const QString& service);

signals:
    // The operator clicked a service node.
    void serviceSelected(const QString& service);
    // A new layout is shown.
    void layoutApplied(quint64 generation);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;  // a new palette (light / dark) recolours the items
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    // The graph as shown: services, or namespace groups standing for them.
    struct DisplayNode
    {
        QString service;    // empty for groups and the ingress
        QString nameSpace;  // of the service, or the group's
        bool ingress = false;
        bool group = false;
        QList<int> modelNodeIds;  // one for a service, every member for a group
    };
    struct DisplayEdge
    {
        int source = 0;  // DisplayNode index
        int target = 0;
        QList<int> modelEdgeIds;  // aggregated into this edge
    };
    struct DisplayGraph
    {
        std::vector<DisplayNode> nodes;
        std::vector<DisplayEdge> edges;
        QSet<QString> clusteredNamespaces;  // expanded namespaces boxed together
    };
    struct SceneBuild;

    void onStructureChanged();
    void onRatesChanged();
    void onLayoutReady(const GraphLayoutResult& result);
    void onSelectionChanged();
    DisplayGraph buildDisplayGraph() const;
    void continueBuild();
    bool buildSomeItems(SceneBuild& build);
    void finishBuild();
    void refreshItems(const DisplayGraph& graph, const std::vector<TopologyNodeItem*>& nodes,
                      const std::vector<TopologyEdgeItem*>& edges) const;
    void retireScene(QGraphicsScene* scene, std::vector<QGraphicsItem*> items);
    void continueRetire();
    void applySelection();
    void scaleBy(double factor);
    void fitView();
    void followPalette();
    void updateDetailMode(bool force);

    QPointer<models::TopologyModel> m_model;
    GraphLayoutEngine m_engine;
    TopologyStyle m_style;
    int m_collapseThreshold = 300;
    QHash<QString, bool> m_collapseOverride;  // by namespace: the operator's choice

    quint64 m_requestedGeneration = 0;
    std::optional<DisplayGraph> m_requestedGraph;  // what the pending layout is for
    std::unique_ptr<SceneBuild> m_build;           // items being made for the next scene
    QTimer m_buildTimer;

    QGraphicsScene* m_scene = nullptr;  // shown
    DisplayGraph m_graph;               // of the shown scene
    std::vector<TopologyNodeItem*> m_nodeItems;
    std::vector<TopologyEdgeItem*> m_edgeItems;
    std::vector<QGraphicsItem*> m_allItems;      // of m_scene, creation order
    TopologyOverviewItem* m_overview = nullptr;  // in m_scene
    bool m_detailShown = true;                   // edge items shown (else the overview)
    QHash<QString, int> m_nodeIndexByService;    // service -> m_nodeItems index (group for members)
    QHash<QString, int> m_groupIndexByNamespace;
    quint64 m_appliedGeneration = 0;

    // Old scenes are deleted a slice at a time: freeing 8,000 items at once
    // would stall the GUI thread.
    struct Retired
    {
        QGraphicsScene* scene;
        std::vector<QGraphicsItem*> items;
        size_t next = 0;
    };
    std::vector<Retired> m_retired;
    QTimer m_retireTimer;

    QString m_selectedService;
    bool m_autoFit = true;  // fitted until the operator zooms
    bool m_applyingSelection = false;
};

}  // namespace concord::widgets
