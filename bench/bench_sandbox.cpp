// Sandbox throughput: sub-transactions simulated per CPU-second on the example
// system in virtual time, beside the bare event queue as the in-run baseline.

#include <benchmark/benchmark.h>

#include "sandbox/event_engine.h"
#include "sandbox/simulation.h"
#include "sandbox/topology.h"

using namespace concord::sandbox;

namespace {

const Topology& example()
{
    static const Topology topology = [] {
        auto loaded = loadTopologyFile(CONCORD_TOPOLOGY_DIR "/example.yaml");
        if (!loaded)
            std::abort();
        return loaded.value();
    }();
    return topology;
}

// Steady traffic, then a CV update of auth-service in the middle of it.
void BM_ExampleSystemVirtualTime(benchmark::State& state)
{
    std::uint64_t subTransactions = 0;
    std::uint64_t events = 0;
    std::uint64_t seed = 1;
    for (auto _ : state) {
        SimConfig config;
        config.seed = seed++;
        Simulation simulation(example(), config);
        UpdateRequest request;
        request.service = "auth-service";
        request.fromVersion = "v1";
        request.toVersion = "v2";
        request.at = 100000;
        if (!simulation.scheduleUpdate(request))
            std::abort();
        simulation.runUntil(300000);
        subTransactions += simulation.metrics().subTransactions;
        events += simulation.metrics().transactionsStarted;
        if (simulation.metrics().inconsistentTransactions != 0)
            state.SkipWithError("inconsistent transaction under CV");
    }
    state.counters["sub_tx_per_cpu_s"] =
        benchmark::Counter(static_cast<double>(subTransactions), benchmark::Counter::kIsRate);
    state.counters["transactions"] =
        benchmark::Counter(static_cast<double>(events), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_ExampleSystemVirtualTime)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Baseline: the event queue alone, with the same kind of schedule/pop churn
// (about four events per sub-transaction).
void BM_EventQueueOnly(benchmark::State& state)
{
    std::uint64_t popped = 0;
    for (auto _ : state) {
        EventEngine engine;
        std::uint64_t x = 88172645463325252ull;
        std::uint64_t scheduled = 0;
        for (int i = 0; i < 64; ++i)
            engine.schedule(static_cast<double>(i), 0);
        popped += engine.runUntil(1e12, [&](const Event&) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if (++scheduled < 400000)
                engine.scheduleIn(static_cast<double>(x % 1000) / 10.0, 0);
        });
    }
    state.counters["events_per_cpu_s"] =
        benchmark::Counter(static_cast<double>(popped), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EventQueueOnly)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
