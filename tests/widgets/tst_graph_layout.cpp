#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>
#include <random>

#include "tests/support/qt_test_helpers.h"
#include "widgets/graph_layout.h"

using concord::widgets::GraphLayoutEdge;
using concord::widgets::GraphLayoutEngine;
using concord::widgets::GraphLayoutInput;
using concord::widgets::GraphLayoutNode;
using concord::widgets::GraphLayoutResult;

namespace {

GraphLayoutInput chain(int n, const QString& cluster = {})
{
    GraphLayoutInput input;
    for (int i = 0; i < n; ++i)
        input.nodes.append(GraphLayoutNode{i, 100, 40, cluster});
    for (int i = 0; i + 1 < n; ++i)
        input.edges.append(GraphLayoutEdge{100 + i, i, i + 1});
    return input;
}

// A random DAG (edges from lower to higher ids), seeded.
GraphLayoutInput randomDag(int nodes, int edges, unsigned seed)
{
    GraphLayoutInput input;
    std::mt19937 rng(seed);
    for (int i = 0; i < nodes; ++i)
        input.nodes.append(GraphLayoutNode{i, 140, 50, QStringLiteral("ns%1").arg(i % 5)});
    for (int e = 0; e < edges; ++e) {
        int a = int(rng() % unsigned(nodes));
        int b = int(rng() % unsigned(nodes));
        if (a == b)
            b = (a + 1) % nodes;
        input.edges.append(GraphLayoutEdge{e, std::min(a, b), std::max(a, b)});
    }
    return input;
}

GraphLayoutResult layOut(GraphLayoutEngine& engine, GraphLayoutInput input)
{
    QSignalSpy spy(&engine, &GraphLayoutEngine::layoutReady);
    const quint64 generation = engine.requestLayout(std::move(input));
    GraphLayoutResult last;
    EXPECT_TRUE(concord::testing::waitFor(
        [&] {
            for (const QList<QVariant>& args : spy) {
                last = args.at(0).value<GraphLayoutResult>();
                if (last.generation == generation)
                    return true;
            }
            return false;
        },
        std::chrono::seconds(20)));
    return last;
}

}  // namespace

TEST(GraphLayout, ChainIsLaidOutLeftToRight)
{
    GraphLayoutEngine engine;
    const GraphLayoutResult result = layOut(engine, chain(5));
    ASSERT_TRUE(result.ok) << result.error.toStdString();
    ASSERT_EQ(result.nodePositions.size(), 5);
    for (int i = 0; i + 1 < 5; ++i)
        EXPECT_LT(result.nodePositions.value(i).x(), result.nodePositions.value(i + 1).x());
    // Same rank direction means same y for a chain.
    EXPECT_NEAR(result.nodePositions.value(0).y(), result.nodePositions.value(4).y(), 1.0);
    ASSERT_EQ(result.edgePaths.size(), 4);
    for (int i = 0; i + 1 < 5; ++i) {
        const QPolygonF path = result.edgePaths.value(100 + i);
        ASSERT_GE(path.size(), 2);
        // The path runs from the caller's side to the callee's side.
        EXPECT_LT(path.first().x(), path.last().x());
    }
    for (const QPointF& p : result.nodePositions)
        EXPECT_TRUE(result.boundingRect.adjusted(-1, -1, 1, 1).contains(p));
}

TEST(GraphLayout, EveryCallerLeftOfItsCalleeInADag)
{
    for (bool fast : {false, true}) {
        GraphLayoutInput input = randomDag(60, 120, 7);
        input.fastThreshold = fast ? 0 : 100000;
        const GraphLayoutResult result = GraphLayoutEngine::layoutNow(input);
        ASSERT_TRUE(result.ok);
        EXPECT_EQ(result.fastMode, fast);
        for (const GraphLayoutEdge& e : input.edges)
            EXPECT_LT(result.nodePositions.value(e.source).x(),
                      result.nodePositions.value(e.target).x())
                << e.source << " -> " << e.target << (fast ? " fast" : " full");
        EXPECT_EQ(result.clusterRects.size(), 5);
        // Fast mode routes only some edges through dot; every edge has a path.
        EXPECT_EQ(result.edgePaths.size(), input.edges.size());
        for (const GraphLayoutEdge& e : input.edges) {
            const QPolygonF path = result.edgePaths.value(e.id);
            ASSERT_GE(path.size(), 2);
            EXPECT_LT(path.first().x(), path.last().x());
        }
    }
}

TEST(GraphLayout, ClusterRectContainsItsNodes)
{
    GraphLayoutInput input = chain(3, QStringLiteral("shop"));
    input.nodes.append(GraphLayoutNode{50, 100, 40, QStringLiteral("billing")});
    input.edges.append(GraphLayoutEdge{1, 2, 50});
    const GraphLayoutResult result = GraphLayoutEngine::layoutNow(input);
    ASSERT_TRUE(result.ok);
    const QRectF shop = result.clusterRects.value(QStringLiteral("shop"));
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(shop.contains(result.nodePositions.value(i)));
    EXPECT_FALSE(shop.contains(result.nodePositions.value(50)));
}

TEST(GraphLayout, EmptySelfLoopAndDanglingEdgesDoNotCrash)
{
    GraphLayoutEngine engine;
    const GraphLayoutResult empty = layOut(engine, GraphLayoutInput{});
    EXPECT_TRUE(empty.ok);
    EXPECT_TRUE(empty.nodePositions.isEmpty());

    GraphLayoutInput input = chain(2);
    input.edges.append(GraphLayoutEdge{7, 1, 1});         // self loop
    input.edges.append(GraphLayoutEdge{8, 0, 999});       // unknown target
    input.nodes.append(GraphLayoutNode{1, 100, 40, {}});  // duplicate id
    const GraphLayoutResult result = layOut(engine, input);
    ASSERT_TRUE(result.ok);
    EXPECT_EQ(result.nodePositions.size(), 2);
    EXPECT_TRUE(result.edgePaths.contains(7));
    EXPECT_FALSE(result.edgePaths.contains(8));
}

TEST(GraphLayout, PendingRequestsCoalesceToTheNewest)
{
    GraphLayoutEngine engine;
    QSignalSpy spy(&engine, &GraphLayoutEngine::layoutReady);
    // The first one keeps the worker busy while the others queue up.
    engine.requestLayout(randomDag(400, 1200, 1));
    quint64 last = 0;
    for (int i = 2; i <= 20; ++i)
        last = engine.requestLayout(chain(i));
    EXPECT_EQ(last, engine.lastRequestedGeneration());
    CONCORD_TRY_ASSERT(
        !spy.isEmpty() && spy.last().at(0).value<GraphLayoutResult>().generation == last, 20000);
    // The busy layout, then only the newest of the 19 waiting ones.
    EXPECT_LE(spy.size(), 3);
    EXPECT_LE(engine.completedLayouts(), 3);
    const GraphLayoutResult newest = spy.last().at(0).value<GraphLayoutResult>();
    EXPECT_EQ(newest.nodePositions.size(), 20);
    // Nothing else arrives later.
    QTest::qWait(200);
    EXPECT_EQ(spy.last().at(0).value<GraphLayoutResult>().generation, last);
}

TEST(GraphLayout, ResultArrivesOnTheEngineThreadWhileItKeepsRunning)
{
    GraphLayoutEngine engine;
    Qt::HANDLE deliveredOn = nullptr;
    QObject::connect(&engine, &GraphLayoutEngine::layoutReady, &engine,
                     [&](const GraphLayoutResult&) { deliveredOn = QThread::currentThreadId(); });
    engine.requestLayout(randomDag(200, 500, 3));
    CONCORD_TRY_ASSERT(deliveredOn != nullptr, 20000);
    EXPECT_EQ(deliveredOn, QThread::currentThreadId());
}
