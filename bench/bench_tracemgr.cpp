// concord-tracemgr in-process benchmarks (issue 6): recording ids into the
// sharded TraceidSet (1 and 2 threads) against a plain single-threaded
// core::TraceIdSet insert measured in the same run; the snapshot of 1M ids,
// in-process (copy + pack) and over the control API on loopback; bytes per id
// held. Ratios are in docs/benchmarks.md.
#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "concord/v1/tracemgr.grpc.pb.h"
#include "core/trace_id_set.h"
#include "tracemanager/id_codec.h"
#include "tracemanager/trace_recorder.h"
#include "tracemanager/tracemgr_server.h"

namespace {

using concord::core::TraceId;
using concord::core::TraceIdSet;
using concord::tracemanager::TraceRecorder;
using namespace std::chrono_literals;

constexpr std::size_t kBatch = 2'000'000;  // ids per thread per iteration
constexpr std::size_t kMaxThreads = 2;

// Random 128-bit ids, built once; each recording thread takes its own slice.
const std::vector<TraceId>& idPool()
{
    static const std::vector<TraceId> pool = [] {
        std::mt19937_64 rng(6);
        std::vector<TraceId> v(kMaxThreads * kBatch);
        for (TraceId& id : v) {
            id = {rng(), rng() | 1};
        }
        return v;
    }();
    return pool;
}

// Baseline: one thread, no locking, into a fresh absl table per batch.
void BM_TraceIdSetInsert(benchmark::State& state)
{
    const std::vector<TraceId>& pool = idPool();
    for (auto _ : state) {
        TraceIdSet set;
        for (std::size_t i = 0; i < kBatch; ++i) {
            benchmark::DoNotOptimize(set.insert(pool[i]));
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_TraceIdSetInsert)->Unit(benchmark::kMillisecond)->UseRealTime();

// The sidecar's path — shard choice, shard mutex, lock flag, two generations —
// from range(0) threads into one fresh recorder, as the ext_authz threads do.
void BM_TraceRecorderRecord(benchmark::State& state)
{
    const std::vector<TraceId>& pool = idPool();
    const auto threads = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        auto recorder = std::make_unique<TraceRecorder>(600s);
        std::vector<std::thread> workers;
        for (std::size_t t = 0; t < threads; ++t) {
            workers.emplace_back([r = recorder.get(), &pool, t] {
                for (std::size_t i = t * kBatch; i < (t + 1) * kBatch; ++i) {
                    benchmark::DoNotOptimize(r->record(pool[i]));
                }
            });
        }
        for (std::thread& worker : workers) {
            worker.join();
        }
        state.PauseTiming();  // freeing the tables is not recording
        recorder.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch * threads));
}
BENCHMARK(BM_TraceRecorderRecord)->Unit(benchmark::kMillisecond)->UseRealTime()->Arg(1)->Arg(2);

std::unique_ptr<TraceRecorder> filledRecorder(std::size_t n)
{
    auto recorder = std::make_unique<TraceRecorder>(600s);
    const std::vector<TraceId>& pool = idPool();
    for (std::size_t i = 0; i < n; ++i) {
        recorder->record(pool[i]);
    }
    return recorder;
}

// Copy out of the locked shards and pack into 64k-id chunks, as Snapshot does.
void BM_SnapshotInProcess1M(benchmark::State& state)
{
    const auto recorder = filledRecorder(1'000'000);
    recorder->lock();
    for (auto _ : state) {
        const std::vector<TraceId> snapshot = recorder->snapshot();
        std::string chunk;
        for (std::size_t offset = 0; offset < snapshot.size(); offset += 65536) {
            chunk.clear();
            concord::tracemanager::appendPackedIds(
                std::span(snapshot).subspan(offset,
                                            std::min<std::size_t>(65536, snapshot.size() - offset)),
                chunk);
            benchmark::DoNotOptimize(chunk.data());
        }
    }
    state.counters["bytes_per_id"] = static_cast<double>(recorder->memoryBytes()) / 1e6;
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 1'000'000));
}
BENCHMARK(BM_SnapshotInProcess1M)->Unit(benchmark::kMillisecond)->UseRealTime();

// The whole Snapshot RPC on loopback TCP: server copy, pack, gRPC framing,
// the client reading and unpacking every chunk.
void BM_SnapshotOverGrpc1M(benchmark::State& state)
{
    char dirTemplate[] = "/tmp/bench-tracemgr-XXXXXX";
    const std::string dir = ::mkdtemp(dirTemplate);
    concord::tracemanager::TraceManagerOptions options;
    options.authzSocket = dir + "/tm.sock";
    options.controlListen = "127.0.0.1:0";
    options.metricsListen = "";
    concord::tracemanager::TraceManagerServer server(options);
    if (!server.start()) {
        state.SkipWithError("server did not start");
        return;
    }
    const std::vector<TraceId>& pool = idPool();
    for (std::size_t i = 0; i < 1'000'000; ++i) {
        server.recorder()->record(pool[i]);
    }
    server.recorder()->lock();
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    const auto stub = concord::v1::TraceManagerService::NewStub(
        grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(server.controlPort()),
                                  grpc::InsecureChannelCredentials(), args));
    std::size_t received = 0;
    for (auto _ : state) {
        grpc::ClientContext context;
        auto reader = stub->Snapshot(&context, concord::v1::SnapshotRequest());
        concord::v1::SnapshotResponse chunk;
        std::vector<TraceId> out;
        out.reserve(1'000'000);
        while (reader->Read(&chunk)) {
            concord::tracemanager::unpackIds(chunk.ids(), 1U << 20, out);
        }
        if (!reader->Finish().ok()) {
            state.SkipWithError("Snapshot failed");
            break;
        }
        received = out.size();
    }
    state.counters["ids"] = static_cast<double>(received);
    server.shutdown(100ms);
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SnapshotOverGrpc1M)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
