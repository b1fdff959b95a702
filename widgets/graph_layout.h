#pragma once

// Layered (left-to-right) graph layout by Graphviz `dot`, run on one dedicated
// worker thread: libgvc keeps global state, so layouts never run concurrently,
// and a 2,000-node layout must not stall the GUI thread.

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointF>
#include <QPolygonF>
#include <QRectF>
#include <QString>
#include <mutex>
#include <optional>

class QThread;

namespace concord::widgets {

struct GraphLayoutNode
{
    int id = 0;
    double width = 0;   // points
    double height = 0;  // points
    QString cluster;    // nodes with the same non-empty cluster are boxed together
};

struct GraphLayoutEdge
{
    int id = 0;
    int source = 0;
    int target = 0;
};

struct GraphLayoutInput
{
    quint64 generation = 0;  // set by GraphLayoutEngine::requestLayout
    QList<GraphLayoutNode> nodes;
    QList<GraphLayoutEdge> edges;
    // Above this many nodes + edges the expensive dot phases are cut short
    // (few network-simplex and mincross iterations, straight edges).
    int fastThreshold = 1500;
};

// Coordinates are in points with y growing downwards (Qt's convention); node
// positions are centres.
struct GraphLayoutResult
{
    quint64 generation = 0;
    bool ok = false;
    QString error;
    QHash<int, QPointF> nodePositions;  // by GraphLayoutNode::id
    // By GraphLayoutEdge::id, from source to target: cubic Bézier control
    // points (3n + 1, then possibly the arrow tip) when dot routed the edge,
    // else a polyline of 2 or 3 points.
    QHash<int, QPolygonF> edgePaths;
    QHash<QString, QRectF> clusterRects;
    QRectF boundingRect;
    bool fastMode = false;
    double elapsedMs = 0;  // time spent in Graphviz
};

class GraphLayoutEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GraphLayoutEngine)

public:
    explicit GraphLayoutEngine(QObject* parent = nullptr);
    ~GraphLayoutEngine() override;

    // Queues `input` for layout and returns its generation. A request that is
    // still waiting when a newer one arrives is dropped: only the newest one is
    // laid out after the layout in progress.
    quint64 requestLayout(GraphLayoutInput input);

    quint64 lastRequestedGeneration() const { return m_generation; }
    // Layouts actually computed (coalesced requests do not count).
    int completedLayouts() const { return m_completed; }

    // Lays `input` out synchronously on the calling thread (serialised with the
    // worker). For benchmarks and tools; the console uses requestLayout.
    static GraphLayoutResult layoutNow(const GraphLayoutInput& input);

signals:
    // Emitted on the engine's thread (queued from the worker).
    void layoutReady(const concord::widgets::GraphLayoutResult& result);

private:
    void drainOnWorker();  // runs on the worker thread
    void deliver(const GraphLayoutResult& result);

    QThread* m_thread = nullptr;
    QObject* m_worker = nullptr;  // lives in m_thread; the context of the layout calls
    std::mutex m_mutex;
    std::optional<GraphLayoutInput> m_pending;  // guarded by m_mutex
    bool m_scheduled = false;                   // guarded by m_mutex: worker will look again
    quint64 m_generation = 0;
    int m_completed = 0;
};

}  // namespace concord::widgets

Q_DECLARE_METATYPE(concord::widgets::GraphLayoutResult)
