// Orchestrator benchmarks (issue 5, DESIGN.md §8): re-orchestrating 100,000
// Things over 100 instances against the unavoidable work measured in the same
// run — copying the 100k id strings into 100 vectors — plus runIn over all of
// them and add/remove churn. main() prints the ratio and checks the ≤ 1 s bar.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/orchestration.h"

namespace {

using concord::core::OrchestrationParameters;
using concord::core::Orchestrator;

constexpr std::size_t kThings = 100'000;
constexpr int kInstances = 100;
// floor(100000 / 1001) + 1 = 100 instances: the first 99 full, the last 901.
const OrchestrationParameters kParameters{10, 100, 1001};

const std::vector<std::string>& thingIds()
{
    static const std::vector<std::string> ids = [] {
        std::vector<std::string> result;
        result.reserve(kThings);
        for (std::size_t i = 0; i < kThings; ++i) {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "thing-%06zu", i);
            result.emplace_back(buffer);
        }
        return result;
    }();
    return ids;
}

void setItemRate(benchmark::State& state, std::size_t items)
{
    state.counters["items/s"] = benchmark::Counter(static_cast<double>(items),
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

// What any re-orchestration must do at least: a fresh copy of every id in its bucket.
void BM_BaselineCopyIds(benchmark::State& state)
{
    const std::vector<std::string>& ids = thingIds();
    const std::size_t perInstance = static_cast<std::size_t>(kParameters.resourcePerInstance);
    for (auto _ : state) {
        std::vector<std::vector<std::string>> buckets(kInstances);
        for (std::size_t n = 0; n < buckets.size(); ++n) {
            const std::size_t begin = std::min(n * perInstance, ids.size());
            const std::size_t end = std::min(begin + perInstance, ids.size());
            buckets[n].assign(ids.begin() + static_cast<std::ptrdiff_t>(begin),
                              ids.begin() + static_cast<std::ptrdiff_t>(end));
        }
        benchmark::DoNotOptimize(buckets.data());
    }
    setItemRate(state, ids.size());
}
BENCHMARK(BM_BaselineCopyIds)->Unit(benchmark::kMillisecond);

// planOrchestration + assignResources alone: the copy plus the plan.
void BM_PlanAndAssign(benchmark::State& state)
{
    const std::vector<std::string>& ids = thingIds();
    for (auto _ : state) {
        const auto plan = concord::core::planOrchestration(ids.size(), kParameters);
        auto buckets = concord::core::assignResources(ids, *plan);
        benchmark::DoNotOptimize(buckets.data());
    }
    setItemRate(state, ids.size());
}
BENCHMARK(BM_PlanAndAssign)->Unit(benchmark::kMillisecond);

// The whole orchestrate() on an orchestrator that already holds the 100k, so
// each iteration also tears the previous assignment and index down.
void BM_Reorchestrate100k(benchmark::State& state)
{
    const std::vector<std::string>& ids = thingIds();
    Orchestrator orchestrator("Thing");
    double now = 0;
    if (!orchestrator.orchestrate(ids, kParameters, now).ok()) {
        state.SkipWithError("the first orchestration failed");
        return;
    }
    for (auto _ : state) {
        now += 1000;
        const auto status = orchestrator.orchestrate(ids, kParameters, now);
        benchmark::DoNotOptimize(status.ok());
    }
    if (orchestrator.instances().size() != kInstances || orchestrator.resourceCount() != kThings) {
        state.SkipWithError("expected 100,000 things over exactly 100 instances");
    }
    state.counters["instances"] = static_cast<double>(orchestrator.instances().size());
    setItemRate(state, ids.size());
}
BENCHMARK(BM_Reorchestrate100k)->Unit(benchmark::kMillisecond);

Orchestrator& orchestrated100k()
{
    static Orchestrator orchestrator = [] {
        Orchestrator o("Thing");
        const auto status = o.orchestrate(thingIds(), kParameters, 0);
        benchmark::DoNotOptimize(status.ok());
        return o;
    }();
    return orchestrator;
}

// Every one of the 100k ids, in a shuffled order (no help from the cache).
void BM_RunIn100k(benchmark::State& state)
{
    const Orchestrator& orchestrator = orchestrated100k();
    std::vector<std::string> ids = thingIds();
    std::shuffle(ids.begin(), ids.end(), std::mt19937_64(5));
    std::size_t found = 0;
    for (auto _ : state) {
        for (const std::string& id : ids) {
            found += orchestrator.runIn(id).has_value() ? 1 : 0;
        }
    }
    if (found != ids.size() * static_cast<std::size_t>(state.iterations())) {
        state.SkipWithError("a placed id was not found");
    }
    setItemRate(state, ids.size());
}
BENCHMARK(BM_RunIn100k)->Unit(benchmark::kMillisecond);

// Churn at 100k: remove a random placed thing and add it back (each reloads
// one instance); the add scans for the last instance with room.
void BM_RemoveAndAdd(benchmark::State& state)
{
    Orchestrator& orchestrator = orchestrated100k();
    std::vector<std::string> ids = thingIds();
    std::shuffle(ids.begin(), ids.end(), std::mt19937_64(7));
    std::size_t next = 0;
    for (auto _ : state) {
        const std::string& id = ids[next++ % ids.size()];
        const bool removed = orchestrator.removeResource(id).ok();
        const bool added = orchestrator.addResource(id, 0).ok();
        if (!removed || !added) {
            state.SkipWithError("remove or add failed");
            break;
        }
    }
    state.counters["pairs/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RemoveAndAdd);

struct Times
{
    double real = -1;  // seconds per iteration; negative: did not run
    double cpu = -1;
};

// Collects each benchmark's time per iteration for the ratio printed after the
// console output: the "median" aggregate when run with repetitions, else the
// median of its runs.
class RatioReporter final : public benchmark::ConsoleReporter
{
public:
    RatioReporter() : ConsoleReporter(OO_Tabular) {}  // no colour codes in logs

    void ReportRuns(const std::vector<Run>& runs) override
    {
        for (const Run& run : runs) {
            if (run.error_occurred) {
                continue;
            }
            const double unit = benchmark::GetTimeUnitMultiplier(run.time_unit);
            const Times times{run.GetAdjustedRealTime() / unit, run.GetAdjustedCPUTime() / unit};
            const std::string& name = run.run_name.function_name;
            if (run.run_type == Run::RT_Iteration) {
                m_runs[name].push_back(times);
            } else if (run.aggregate_name == "median") {
                m_medians[name] = times;
            }
        }
        ConsoleReporter::ReportRuns(runs);
    }

    Times times(const std::string& name) const
    {
        if (const auto it = m_medians.find(name); it != m_medians.end()) {
            return it->second;
        }
        const auto it = m_runs.find(name);
        if (it == m_runs.end()) {
            return {};
        }
        return {median(it->second, &Times::real), median(it->second, &Times::cpu)};
    }

private:
    static double median(const std::vector<Times>& runs, double Times::*field)
    {
        std::vector<double> values;
        for (const Times& t : runs) {
            values.push_back(t.*field);
        }
        std::sort(values.begin(), values.end());
        const std::size_t mid = values.size() / 2;
        return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    std::map<std::string, std::vector<Times>> m_runs;
    std::map<std::string, Times> m_medians;
};

}  // namespace

int main(int argc, char** argv)
{
    const auto plan = concord::core::planOrchestration(kThings, kParameters);
    if (!plan.ok() || plan->instances != kInstances) {
        std::fprintf(stderr, "resourcePerInstance %d does not give %d instances for %zu things\n",
                     kParameters.resourcePerInstance, kInstances, kThings);
        return 2;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();

    const Times ours = reporter.times("BM_Reorchestrate100k");
    const Times baseline = reporter.times("BM_BaselineCopyIds");
    if (ours.real < 0 || baseline.real <= 0) {
        return 0;  // filtered out: nothing to compare
    }
    const bool withinTarget = ours.real <= 1.0;
    std::printf(
        "\nre-orchestrate 100k things over %d instances: %.2f ms (CPU %.2f ms)\n"
        "baseline, copy the 100k ids into %d vectors: %.2f ms (CPU %.2f ms)\n"
        "ratio ours / baseline: %.2fx (CPU %.2fx); target <= 1 s: %s\n",
        kInstances, ours.real * 1e3, ours.cpu * 1e3, kInstances, baseline.real * 1e3,
        baseline.cpu * 1e3, ours.real / baseline.real, ours.cpu / baseline.cpu,
        withinTarget ? "met" : "MISSED");
    return withinTarget ? 0 : 1;
}
