// The live topology at scale (issue 4): a generated scale-free mesh of 2,000
// services and 6,000 call edges through TopologyModel and TopologyView.
//
//   bench_console_topology [--quick] [--runs N] [--refreshes N]
//
// Measures (1) wall time from a structure change to the new layout shown in
// the scene, median of the runs, against Graphviz alone on the same graph;
// (2) the longest GUI-thread stall meanwhile (a 5 ms timer's largest gap);
// (3) a live rate refresh of every edge on the GUI thread (model + items),
// against the model alone, and the repaint of the fitted view. Exits 1 when a
// target is missed: layout <= 3 s, stall <= 50 ms, refresh <= 16 ms.

#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "models/topology_model.h"
#include "widgets/graph_layout.h"
#include "widgets/topology_view.h"

namespace v1 = concord::v1;
using concord::models::TopologyModel;
using concord::widgets::GraphLayoutEngine;
using concord::widgets::GraphLayoutInput;
using concord::widgets::TopologyView;

#include "console_bench.h"

namespace {

template <class Predicate>
bool waitFor(Predicate&& done, std::chrono::milliseconds timeout = std::chrono::seconds(60))
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeout.count())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

struct Mesh
{
    int services = 0;
    std::vector<std::pair<int, int>> edges;  // caller -> callee
    std::vector<bool> updating;              // v1 draining, v2 serving
};

std::string serviceName(int i)
{
    return "svc-" + std::to_string(i);
}

std::string namespaceOf(int i)
{
    return "ns-" + std::to_string(i % 20);
}

// Preferential attachment: each new service calls ~3 older ones, picked in
// proportion to how often they are called already (plus one), so a few hubs
// are called by hundreds — the shape of real meshes (auth, config, db).
Mesh generateMesh(int services, int edges, unsigned seed)
{
    Mesh mesh;
    mesh.services = services;
    std::mt19937 rng(seed);
    std::vector<int> weighted = {0};
    std::set<std::pair<int, int>> seen;
    const int perNode = std::max(1, edges / std::max(1, services - 1));
    int extra = edges - perNode * (services - 1);
    for (int i = 1; i < services; ++i) {
        int want = std::min(i, perNode + (extra > 0 ? 1 : 0));
        if (extra > 0 && want > perNode)
            --extra;
        for (int tries = 0; want > 0 && tries < 50; ++tries) {
            const int callee =
                (rng() % 3 == 0) ? int(rng() % unsigned(i)) : weighted[rng() % weighted.size()];
            if (callee >= i || !seen.insert({i, callee}).second)
                continue;
            mesh.edges.emplace_back(i, callee);
            weighted.push_back(callee);
            --want;
        }
        weighted.push_back(i);
    }
    mesh.updating.resize(size_t(services));
    for (int i = 0; i < services; ++i)
        mesh.updating[size_t(i)] = rng() % 20 == 0;
    return mesh;
}

v1::MeshEvent meshSnapshot(const Mesh& mesh, int extraServices = 0)
{
    v1::MeshEvent event;
    v1::MeshSnapshot* snapshot = event.mutable_snapshot();
    for (int i = 0; i < mesh.services + extraServices; ++i) {
        v1::Service* service = snapshot->add_services();
        service->set_name(serviceName(i));
        service->set_namespace_(namespaceOf(i));
        v1::VersionTree* tree = snapshot->add_trees();
        tree->set_service(serviceName(i));
        const bool updating = i < mesh.services && mesh.updating[size_t(i)];
        for (int v = 0; v < (updating ? 2 : 1); ++v) {
            v1::Version* version = tree->add_versions();
            version->set_service(serviceName(i));
            version->set_name(v == 0 ? "v1" : "v2");
            version->set_state(updating && v == 0 ? v1::VERSION_STATE_DRAINING
                                                  : v1::VERSION_STATE_SERVING);
        }
    }
    for (const auto& [from, to] : mesh.edges)
        snapshot->mutable_services(from)->add_callees(serviceName(to));
    // Extra services call service 0: a structure change for a re-layout.
    for (int i = mesh.services; i < mesh.services + extraServices; ++i)
        snapshot->mutable_services(i)->add_callees(serviceName(0));
    snapshot->set_complete(true);
    return event;
}

v1::TopologySnapshot trafficSnapshot(const Mesh& mesh, std::mt19937& rng)
{
    v1::TopologySnapshot snapshot;
    std::uniform_real_distribution<double> rate(0.1, 200);
    std::uniform_real_distribution<double> errors(0, 0.08);
    for (const auto& [from, to] : mesh.edges) {
        const bool updating = mesh.updating[size_t(to)];
        for (int v = 0; v < (updating ? 2 : 1); ++v) {
            v1::TopologyEdge* edge = snapshot.add_edges();
            edge->set_source_service(serviceName(from));
            edge->set_source_version("v1");
            edge->set_destination_service(serviceName(to));
            edge->set_destination_version(v == 0 ? "v1" : "v2");
            edge->set_request_rate(rate(rng));
            edge->set_error_rate(errors(rng));
        }
    }
    return snapshot;
}

// Records the largest gap between ticks of a 5 ms timer on the GUI thread.
class StallMeter
{
public:
    StallMeter()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            m_max = std::max(m_max, m_clock.nsecsElapsed());
            m_clock.restart();
        });
    }
    void start()
    {
        m_max = 0;
        m_clock.start();
        m_timer.start();
    }
    double stopMs()
    {
        m_timer.stop();
        m_max = std::max(m_max, m_clock.nsecsElapsed());
        return double(m_max) / 1e6;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_max = 0;
};

using concord::bench::median;

void spin(int ms)
{
    waitFor([] { return false; }, std::chrono::milliseconds(ms));
}

GraphLayoutInput layoutInput(const Mesh& mesh)
{
    GraphLayoutInput input;
    for (int i = 0; i < mesh.services; ++i)
        input.nodes.append({i, concord::widgets::TopologyNodeItem::Width,
                            concord::widgets::TopologyNodeItem::Height,
                            QString::fromStdString(namespaceOf(i))});
    int id = 0;
    for (const auto& [from, to] : mesh.edges)
        input.edges.append({id++, from, to});
    return input;
}

struct LayoutRun
{
    double wallMs = 0;
    double stallMs = 0;
    double syncMs = 0;  // the model and the view's part on the GUI thread, at once
};

// One structure change to the layout shown, measured on a shown view.
LayoutRun measureLayout(TopologyModel& model, TopologyView& view, const v1::MeshEvent& mesh)
{
    StallMeter stall;
    const quint64 before = view.layoutGeneration();
    stall.start();
    QElapsedTimer wall;
    wall.start();
    model.applyMeshEvent(mesh);
    const double syncMs = double(wall.nsecsElapsed()) / 1e6;
    const bool done =
        waitFor([&] { return view.layoutGeneration() != before && !view.isLayoutPending(); },
                std::chrono::seconds(60));
    LayoutRun run;
    run.wallMs = double(wall.nsecsElapsed()) / 1e6;
    spin(300);  // the first paint of the new scene and freeing the old one
    run.stallMs = stall.stopMs();
    run.syncMs = syncMs;
    if (!done)
        run.wallMs = 1e9;
    return run;
}

int backwardEdges(const Mesh& mesh, const TopologyView& view)
{
    int backward = 0;
    for (const auto& [from, to] : mesh.edges) {
        const auto a = view.servicePosition(QString::fromStdString(serviceName(from)));
        const auto b = view.servicePosition(QString::fromStdString(serviceName(to)));
        if (!a || !b || a->x() >= b->x())
            ++backward;
    }
    return backward;
}

}  // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    bool quick = false;
    int runs = 3;
    int refreshes = 50;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--quick"))
            quick = true;
        else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--refreshes") && i + 1 < argc)
            refreshes = std::max(1, std::atoi(argv[++i]));
    }
    const int services = quick ? 200 : 2000;
    const int edgeCount = quick ? 600 : 6000;
    if (quick)
        refreshes = std::min(refreshes, 10);
    const Mesh mesh = generateMesh(services, edgeCount, 20240401);
    std::mt19937 rng(7);

    // Baseline: Graphviz alone (same wrapper, same settings), no Qt scene.
    std::vector<double> graphviz;
    const GraphLayoutInput input = layoutInput(mesh);
    for (int i = 0; i < runs; ++i)
        graphviz.push_back(GraphLayoutEngine::layoutNow(input).elapsedMs);

    TopologyModel model;
    TopologyView view;
    view.setCollapseThreshold(INT_MAX);  // the whole mesh, not 20 groups
    view.resize(1280, 800);
    view.show();
    view.setModel(&model);
    waitFor([&] { return !view.isLayoutPending(); });
    model.applySnapshot(trafficSnapshot(mesh, rng));

    std::vector<double> wall;
    double worstStall = 0;
    double worstSync = 0;
    for (int i = 0; i < runs; ++i) {
        // Run 0 lays out from an empty view; later runs add a service each.
        const LayoutRun run = measureLayout(model, view, meshSnapshot(mesh, i));
        wall.push_back(run.wallMs);
        worstStall = std::max(worstStall, run.stallMs);
        worstSync = std::max(worstSync, run.syncMs);
    }
    const int backward = backwardEdges(mesh, view);
    view.fitToView();

    // Rate refresh: the model and the items on the GUI thread, against the
    // model alone (a model without a view).
    TopologyModel bare;
    bare.applyMeshEvent(meshSnapshot(mesh, runs - 1));
    std::vector<double> full;
    std::vector<double> modelOnly;
    std::vector<double> paint;
    const quint64 generation = view.layoutGeneration();
    for (int i = 0; i < refreshes; ++i) {
        const v1::TopologySnapshot snapshot = trafficSnapshot(mesh, rng);
        // Alternate who goes first: the first one pays for cold caches.
        QElapsedTimer t;
        for (int pass = 0; pass < 2; ++pass) {
            const bool bareNow = (pass == 0) == (i % 2 == 0);
            t.start();
            (bareNow ? bare : model).applySnapshot(snapshot);
            (bareNow ? modelOnly : full).push_back(double(t.nsecsElapsed()) / 1e6);
        }
        t.restart();
        view.viewport()->repaint();
        paint.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    const bool relaidOut = view.layoutGeneration() != generation;

    // The default view of such a mesh: namespaces collapsed into groups.
    const int collapseThreshold = quick ? 100 : 300;
    view.setCollapseThreshold(collapseThreshold);
    QElapsedTimer collapsedTimer;
    collapsedTimer.start();
    waitFor([&] { return !view.isLayoutPending(); });
    const double collapsedMs = double(collapsedTimer.nsecsElapsed()) / 1e6;
    const int collapsedNodes = view.nodeCount();

    const double layoutMs = median(wall);
    const double graphvizMs = median(graphviz);
    const double refreshMs = median(full);
    const double modelMs = median(modelOnly);
    std::printf("bench_console_topology%s: %d services, %zu edges, %d runs, %d refreshes\n\n",
                quick ? " --quick" : "", services, mesh.edges.size(), runs, refreshes);
    std::printf("| measure | value | baseline | ratio | target |\n|---|---|---|---|---|\n");
    std::printf(
        "| structure change -> layout shown (median) | %.0f ms | Graphviz alone %.0f ms | "
        "%.2fx | <= 3000 ms |\n",
        layoutMs, graphvizMs, layoutMs / std::max(graphvizMs, 1e-3));
    std::printf(
        "| longest GUI-thread stall meanwhile | %.1f ms | timer period 5 ms | %.1fx | "
        "<= 50 ms |\n",
        worstStall, worstStall / 5);
    std::printf(
        "| rate refresh of every edge, model + view (median) | %.2f ms | model alone "
        "%.2f ms | %.2fx | <= 16 ms |\n",
        refreshMs, modelMs, refreshMs / std::max(modelMs, 1e-3));
    std::printf("| of which at once on the GUI thread (model + view, worst) | %.1f ms | | | |\n",
                worstSync);
    std::printf("| repaint of the fitted view after a refresh (median) | %.2f ms | | | |\n",
                median(paint));
    std::printf(
        "| collapsed by namespace (threshold %d): layout shown | %.0f ms, %d nodes | | | "
        "|\n",
        collapseThreshold, collapsedMs, collapsedNodes);
    std::printf("\nedges drawn right to left: %d of %zu; re-layouts during the refreshes: %s\n",
                backward, mesh.edges.size(), relaidOut ? "yes" : "none");

    const bool ok =
        layoutMs <= 3000 && worstStall <= 50 && refreshMs <= 16 && !relaidOut && backward == 0;
    std::printf("%s\n", ok ? "all targets met" : "TARGET MISSED");
    return ok ? 0 : 1;
}
