// Barabási–Albert scale-free call graphs for the evaluation sweep.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "topology.h"

namespace concord::sandbox {

namespace {

constexpr int kMaxServices = 10000;
constexpr double kMaxTime = 1e9;  // the parser's limit for every duration

double clampTime(double value, double fallback, bool positive)
{
    if (!std::isfinite(value) || value < 0 || (positive && value == 0))
        return fallback;
    return std::min(value, kMaxTime);
}

// Uniform index below `n`; rng() % n is portable (mt19937_64 is fully
// specified) and its bias is negligible for n far below 2^64.
std::size_t pick(Rng& rng, std::size_t n)
{
    return static_cast<std::size_t>(rng() % n);
}

struct Graph
{
    std::vector<std::vector<int>> callees;  // old -> new, in creation order of the callee
    std::vector<int> inDegree;
};

// Preferential attachment: node i attaches to min(m, i) distinct older nodes,
// each chosen with probability proportional to its current degree.
Graph attach(int n, int m, Rng& rng)
{
    Graph graph{std::vector<std::vector<int>>(static_cast<std::size_t>(n)),
                std::vector<int>(static_cast<std::size_t>(n), 0)};
    std::vector<int> endpoints;  // every node once per incident edge
    std::vector<int> chosen;
    for (int node = 1; node < n; ++node) {
        const int k = std::min(m, node);
        chosen.clear();
        if (k == node) {
            for (int old = 0; old < node; ++old)
                chosen.push_back(old);
        }
        while (static_cast<int>(chosen.size()) < k) {
            const int candidate = endpoints[pick(rng, endpoints.size())];
            if (std::find(chosen.begin(), chosen.end(), candidate) == chosen.end())
                chosen.push_back(candidate);
        }
        for (int old : chosen) {
            graph.callees[static_cast<std::size_t>(old)].push_back(node);
            endpoints.push_back(old);
            endpoints.push_back(node);
        }
        graph.inDegree[static_cast<std::size_t>(node)] = k;
    }
    return graph;
}

// Expected visits per root request: E[v] = sum over callers c of E[c] * p(c -> v).
// Node order is a topological order because edges run from old to new.
std::vector<double> expectedVisits(const Graph& graph)
{
    std::vector<double> visits(graph.callees.size(), 0.0);
    if (visits.empty())
        return visits;
    visits[0] = 1;
    for (std::size_t node = 0; node < visits.size(); ++node) {
        for (int callee : graph.callees[node]) {
            const auto c = static_cast<std::size_t>(callee);
            visits[c] += visits[node] / graph.inDegree[c];
        }
    }
    return visits;
}

std::string serviceName(int index, int count)
{
    int width = 2;
    for (int rest = (count - 1) / 100; rest > 0; rest /= 10)
        ++width;
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "svc-%0*d", width, index);
    return buffer;
}

ServiceSpec makeService(const Graph& graph, int index, int count, const ScaleFreeParams& params)
{
    ServiceSpec service;
    service.name = serviceName(index, count);
    VersionSpec v1{"v1", "", "concord/" + service.name + ":1", params.instancesPerVersion, {}, 0};
    Step compute;
    compute.duration = Distribution::exponential(params.meanProcessing);
    v1.script.push_back(compute);
    // p = 1 / in-degree makes every service's expected visits exactly 1 per root.
    for (int callee : graph.callees[static_cast<std::size_t>(index)]) {
        Step call;
        call.kind = Step::Kind::Call;
        call.service = serviceName(callee, count);
        call.probability = 1.0 / graph.inDegree[static_cast<std::size_t>(callee)];
        v1.script.push_back(std::move(call));
    }
    VersionSpec v2{"v2", "v1", "concord/" + service.name + ":2", params.instancesPerVersion, {}, 0};
    service.versions = {std::move(v1), std::move(v2)};
    service.serving = "v1";
    return service;
}

ScaleFreeParams sanitize(ScaleFreeParams params)
{
    params.services = std::clamp(params.services, 1, kMaxServices);
    params.edgesPerNewNode = std::clamp(params.edgesPerNewNode, 1, 64);
    params.meanProcessing = clampTime(params.meanProcessing, 50, false);
    params.meanArrivalInterval = clampTime(params.meanArrivalInterval, 25, true);
    params.messageDelay = clampTime(params.messageDelay, 5, false);
    params.instancesPerVersion = std::clamp(params.instancesPerVersion, 1, 1000);
    return params;
}

}  // namespace

Topology generateScaleFree(const ScaleFreeParams& requested, std::uint64_t seed)
{
    const ScaleFreeParams params = sanitize(requested);
    const int n = params.services;
    Rng rng(seed);
    const Graph graph = attach(n, params.edgesPerNewNode, rng);

    Topology topology;
    topology.name = "scale-free-" + std::to_string(n) + "-seed-" + std::to_string(seed);
    topology.meanArrivalInterval = params.meanArrivalInterval;
    topology.messageDelay = params.messageDelay;
    for (int i = 0; i < n; ++i)
        topology.services.push_back(makeService(graph, i, n, params));
    topology.entries.push_back(EntryPoint{topology.services.front().name, 1});

    const std::vector<double> visits = expectedVisits(graph);
    double total = 0;
    for (double v : visits)
        total += v;
    char description[160];
    std::snprintf(description, sizeof description,
                  "Barabasi-Albert call graph, %d services, m=%d, seed %llu; %.1f expected "
                  "sub-transactions per root request",
                  n, params.edgesPerNewNode, static_cast<unsigned long long>(seed), total);
    topology.description = description;

    if (n > 1) {
        // Update once the system is warm: well past the first transactions' length.
        const double meanTransaction =
            total * params.meanProcessing + (total - 1) * 2 * params.messageDelay;
        const int target = 1 + static_cast<int>(pick(rng, static_cast<std::size_t>(n - 1)));
        topology.update = UpdateScenario{
            serviceName(target, n), "v1", "v2",
            std::min(kMaxTime, std::max(50 * params.meanProcessing, 2 * meanTransaction))};
    }
    return topology;
}

}  // namespace concord::sandbox
