// DiffSet / TraceIdSet benchmarks (issue 2): DiffSet of 8 instance sets x 250k
// ids against a 10M-id completed set, against a std::unordered_set<std::string>
// baseline on the same ids in the same run; insert and parse throughput.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/diff_set.h"
#include "core/trace_id.h"
#include "core/trace_id_set.h"

namespace {

using concord::core::DiffSet;
using concord::core::TraceId;
using concord::core::TraceIdSet;

constexpr std::size_t kCompletedIds = 10'000'000;
constexpr std::size_t kInstanceSets = 8;
constexpr std::size_t kIdsPerInstance = 250'000;
constexpr std::size_t kRunningPool = 200'000;  // still-running transactions
constexpr double kCompletedFraction = 0.9;     // instance ids that already completed

TraceId randomId(std::mt19937_64& rng)
{
    TraceId id;
    while (!id.isValid()) {
        id = TraceId{rng(), rng()};
    }
    return id;
}

// Built once: the 10M-id completed set and the 8 locked instance sets. Running
// ids come from a shared pool, so instance sets overlap like a transaction that
// reaches several old instances.
struct Fixture
{
    TraceIdSet completed;
    std::vector<TraceIdSet> instances{kInstanceSets};
    std::vector<const TraceIdSet*> instancePtrs;

    Fixture()
    {
        std::mt19937_64 rng(20240601);
        std::vector<TraceId> completedIds;
        completedIds.reserve(kCompletedIds);
        completed.reserve(kCompletedIds);
        while (completed.size() < kCompletedIds) {
            const TraceId id = randomId(rng);
            if (completed.insert(id)) {
                completedIds.push_back(id);
            }
        }
        std::vector<TraceId> running(kRunningPool);
        for (TraceId& id : running) {
            id = randomId(rng);
        }
        std::bernoulli_distribution isCompleted(kCompletedFraction);
        for (TraceIdSet& set : instances) {
            while (set.size() < kIdsPerInstance) {
                set.insert(isCompleted(rng) ? completedIds[rng() % completedIds.size()]
                                            : running[rng() % running.size()]);
            }
            set.lock();
            instancePtrs.push_back(&set);
        }
    }
};

const Fixture& fixture()
{
    static const Fixture instance;
    return instance;
}

// Heap bytes in use, including large blocks glibc serves with mmap.
std::size_t heapInUse()
{
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

// The same ids as hex strings in node-based std containers.
struct StringFixture
{
    std::unordered_set<std::string> completed;
    std::vector<std::unordered_set<std::string>> instances{kInstanceSets};
    std::size_t completedHeapBytes = 0;

    explicit StringFixture(const Fixture& ids)
    {
        const std::size_t before = heapInUse();
        completed.reserve(ids.completed.size());
        for (const TraceId& id : ids.completed) {
            completed.insert(id.toHex());
        }
        completedHeapBytes = heapInUse() - before;
        for (std::size_t i = 0; i < kInstanceSets; ++i) {
            for (const TraceId& id : ids.instances[i]) {
                instances[i].insert(id.toHex());
            }
        }
    }
};

const StringFixture& stringFixture()
{
    static const StringFixture instance(fixture());
    return instance;
}

double instanceIdCount(const Fixture& data)
{
    double total = 0;
    for (const TraceIdSet& set : data.instances) {
        total += static_cast<double>(set.size());
    }
    return total;
}

void BM_DiffSetCompute(benchmark::State& state)
{
    const Fixture& data = fixture();
    std::size_t diffSize = 0;
    std::size_t diffBytes = 0;
    for (auto _ : state) {
        const DiffSet diff = DiffSet::compute(data.instancePtrs, data.completed);
        diffSize = diff.size();
        diffBytes = diff.memoryBytes();
        benchmark::DoNotOptimize(diffSize);
    }
    state.counters["ids/s"] =
        benchmark::Counter(instanceIdCount(data), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["bytes_per_id"] = static_cast<double>(data.completed.memoryBytes()) /
                                     static_cast<double>(data.completed.size());
    state.counters["diff_size"] = static_cast<double>(diffSize);
    state.counters["diff_bytes_per_id"] =
        static_cast<double>(diffBytes) / static_cast<double>(diffSize);
}
BENCHMARK(BM_DiffSetCompute)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_DiffSetBaselineStringSet(benchmark::State& state)
{
    const Fixture& data = fixture();
    const StringFixture& strings = stringFixture();
    std::size_t diffSize = 0;
    for (auto _ : state) {
        std::unordered_set<std::string> diff;
        for (const auto& set : strings.instances) {
            for (const std::string& id : set) {
                if (strings.completed.count(id) == 0) {
                    diff.insert(id);
                }
            }
        }
        diffSize = diff.size();
        benchmark::DoNotOptimize(diffSize);
    }
    state.counters["ids/s"] =
        benchmark::Counter(instanceIdCount(data), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["bytes_per_id"] = static_cast<double>(strings.completedHeapBytes) /
                                     static_cast<double>(strings.completed.size());
    state.counters["diff_size"] = static_cast<double>(diffSize);
}
BENCHMARK(BM_DiffSetBaselineStringSet)->Unit(benchmark::kMillisecond)->Iterations(5);

std::vector<TraceId> randomIds(std::size_t count)
{
    std::mt19937_64 rng(7);
    std::vector<TraceId> ids(count);
    for (TraceId& id : ids) {
        id = randomId(rng);
    }
    return ids;
}

// A tracemgr's set growing from empty, as it does between two updates.
void BM_TraceIdSetInsert(benchmark::State& state)
{
    const std::vector<TraceId> ids = randomIds(static_cast<std::size_t>(state.range(0)));
    double bytesPerId = 0;
    for (auto _ : state) {
        TraceIdSet set;
        for (const TraceId& id : ids) {
            set.insert(id);
        }
        bytesPerId = static_cast<double>(set.memoryBytes()) / static_cast<double>(set.size());
        benchmark::DoNotOptimize(set.size());
    }
    state.counters["ids/s"] = benchmark::Counter(static_cast<double>(ids.size()),
                                                 benchmark::Counter::kIsIterationInvariantRate);
    state.counters["bytes_per_id"] = bytesPerId;
}
BENCHMARK(BM_TraceIdSetInsert)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

// Header values as they arrive: half 64-bit, half 128-bit, some upper case.
std::vector<std::string> headerValues(bool traceParent)
{
    std::vector<std::string> values;
    std::size_t n = 0;
    for (const TraceId& id : randomIds(4096)) {
        TraceId value = id;
        if (!traceParent && n % 2 == 0) {
            value.hi = 0;
        }
        std::string hex = value.toHex();
        if (traceParent) {
            hex = "00-" + std::string(32 - hex.size(), '0') + hex + "-00f067aa0ba902b7-01";
        } else if (n % 8 == 0) {
            for (char& c : hex) {
                c = static_cast<char>(c >= 'a' ? c - 'a' + 'A' : c);
            }
        }
        values.push_back(std::move(hex));
        ++n;
    }
    return values;
}

void parseLoop(benchmark::State& state, concord::core::TraceHeaderFormat format)
{
    const std::vector<std::string> values =
        headerValues(format == concord::core::TraceHeaderFormat::TraceParent);
    for (auto _ : state) {
        for (const std::string& value : values) {
            auto parsed = concord::core::parseTraceId(format, value);
            benchmark::DoNotOptimize(parsed);
        }
    }
    state.counters["ids/s"] = benchmark::Counter(static_cast<double>(values.size()),
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

void BM_ParseB3TraceId(benchmark::State& state)
{
    parseLoop(state, concord::core::TraceHeaderFormat::B3TraceId);
}
BENCHMARK(BM_ParseB3TraceId);

void BM_ParseTraceParent(benchmark::State& state)
{
    parseLoop(state, concord::core::TraceHeaderFormat::TraceParent);
}
BENCHMARK(BM_ParseTraceParent);

}  // namespace

BENCHMARK_MAIN();
