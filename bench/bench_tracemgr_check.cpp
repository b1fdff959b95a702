// ext_authz Check load benchmark of issue 6: concord-tracemgr's Check over its
// Unix socket from 64 callers, against an empty Check server (the same
// server machinery and threads, same socket kind, same requests; it answers
// OK without reading anything) measured alternately in the same run. Both
// servers run in this process, as do the callers, so all share the machine's
// cores the way Envoy and the sidecar share a pod's.
//
//   bench_tracemgr_check [--seconds S] [--rounds R] [--in-flight N] [--connections C]
//                        [--server-threads T] [--rate R] [--quick]
//
// Defaults: 64 callers over 2 connections (an Istio sidecar's 2 Envoy workers
// each keep one), the sidecar's default --authz-threads, --rate 20000.
//
// Two measurements, each in alternating rounds with the median reported:
// - saturation: every caller sends again as soon as it is answered, so 64
//   calls are always in flight — the most Checks per second each server
//   answers, and their ratio;
// - at --rate: a sender issues calls on a fixed schedule that adds up to the
//   rate, into whichever of the 64 callers is free — the Check latency (send
//   to answer) at the target load. It also counts how often all 64 were busy
//   (the server fell behind) and how often the sender itself ran late (the
//   load generator did not get a core in time). At saturation the latency is
//   only 64 / throughput of queueing.
// Every request carries the ~10 headers an Istio sidecar forwards and a fresh
// trace id, so the tracemgr parses and records one id per call.
//
// Exit status 1 when a target is missed (not judged with --quick): saturation
// ≥ 20,000 checks/s and ≥ 90% of the empty server's; at 20,000/s p99 ≤ 2 ms.

#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "envoy/service/auth/v3/external_auth.grpc.pb.h"
#include "tracemanager/authz_service.h"
#include "tracemanager/trace_recorder.h"
#include "tracemanager/tracemgr_server.h"

namespace auth = envoy::service::auth::v3;
using Clock = std::chrono::steady_clock;
using concord::tracemanager::AuthzService;
using concord::tracemanager::emptyCheckHandler;
using concord::tracemanager::Mode;
using concord::tracemanager::TraceManagerOptions;
using concord::tracemanager::TraceManagerServer;

namespace {

struct Config
{
    double seconds = 5;
    int rounds = 3;
    int inFlight = 64;
    int connections = 2;
    int serverThreads = concord::tracemanager::TraceManagerOptions().authzThreads;
    double rate = 20000;
    bool quick = false;
};

struct RunResult
{
    double checksPerSecond = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    double p999Ms = 0;
    std::uint64_t failures = 0;
    std::uint64_t waitsForSlot = 0;  // paced: a send found all callers busy
    std::uint64_t lateSends = 0;     // paced: the sender ran > 1 ms late
};

auth::CheckRequest istioLikeRequest()
{
    auth::CheckRequest request;
    auto* http = request.mutable_attributes()->mutable_request()->mutable_http();
    http->set_id("6f1c2b9e-2f4c-4a57-9d36-0c7c1c0c6f3e");
    http->set_method("GET");
    http->set_path("/token?user=42");
    http->set_host("auth-service:8080");
    auto& headers = *http->mutable_headers();
    headers[":authority"] = "auth-service:8080";
    headers[":method"] = "GET";
    headers[":path"] = "/token?user=42";
    headers[":scheme"] = "http";
    headers["user-agent"] = "portal/1.4";
    headers["x-request-id"] = "6f1c2b9e-2f4c-4a57-9d36-0c7c1c0c6f3e";
    headers["x-forwarded-proto"] = "http";
    headers["x-envoy-attempt-count"] = "1";
    headers["x-b3-spanid"] = "a2fb4a1d1a96d312";
    headers["x-b3-sampled"] = "1";
    headers["x-version"] = "portal-v1";
    return request;
}

// Calls over one connection, answered on one completion-queue thread. In a
// closed loop each of the N slots sends again as soon as it is answered; in
// a paced run a sender thread issues calls on a fixed schedule into free
// slots (at most N in flight).
// (A CQ client costs less CPU per call than the callback API, so more of the
// two cores go to the server under test.)
class LoadClient final
{
public:
    struct Samples
    {
        std::vector<std::uint32_t> latenciesNs;
        std::uint64_t failures = 0;
        std::uint64_t waitsForSlot = 0;
        std::uint64_t lateSends = 0;
    };

    LoadClient(std::shared_ptr<grpc::Channel> channel, int inFlight)
        : m_stub(auth::Authorization::NewStub(std::move(channel))), m_slots(inFlight)
    {
        const auth::CheckRequest base = istioLikeRequest();
        for (std::size_t i = 0; i < m_slots.size(); ++i) {
            m_slots[i].request = base;
            m_slots[i].index = i;
        }
        m_latenciesNs.reserve(1 << 20);
    }

    ~LoadClient()
    {
        m_queue.Shutdown();
        void* tag = nullptr;
        bool ok = false;
        while (m_queue.Next(&tag, &ok)) {
        }
    }

    // `rate` 0: closed loop; otherwise calls per second on a fixed schedule.
    Samples run(double seconds, double rate = 0)
    {
        m_latenciesNs.clear();
        m_failures = 0;
        m_waitsForSlot = 0;
        m_lateSends = 0;
        const Clock::time_point deadline = Clock::now() + toDuration(seconds);
        if (rate <= 0) {
            for (Slot& slot : m_slots) {
                slot.scheduledAt = Clock::now();
                issue(slot);
            }
            drain(
                [&](Slot& slot, Clock::time_point now) {
                    if (now >= deadline) {
                        return false;
                    }
                    slot.scheduledAt = now;
                    issue(slot);
                    return true;
                },
                m_slots.size());
        } else {
            runPaced(deadline, rate);
        }
        m_sequenceBase += 1ULL << 32;  // the next run's ids are new ones
        return {std::move(m_latenciesNs), m_failures, m_waitsForSlot, m_lateSends};
    }

private:
    struct Slot
    {
        std::size_t index = 0;
        std::uint64_t sequence = 0;
        auth::CheckRequest request;
        auth::CheckResponse response;
        grpc::Status status;
        std::unique_ptr<grpc::ClientContext> context;
        std::unique_ptr<grpc::ClientAsyncResponseReader<auth::CheckResponse>> call;
        Clock::time_point scheduledAt;
    };

    static Clock::duration toDuration(double seconds)
    {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    }

    // Handles completions until `active` calls are over; `next` decides
    // whether a slot goes on (true) or is done (false).
    template <typename Next>
    void drain(Next&& next, std::size_t active)
    {
        void* tag = nullptr;
        bool ok = false;
        while (active > 0 && m_queue.Next(&tag, &ok)) {
            Slot& slot = *static_cast<Slot*>(tag);
            const Clock::time_point now = Clock::now();
            record(slot, ok, now);
            if (!next(slot, now)) {
                --active;
            }
        }
    }

    void runPaced(Clock::time_point deadline, double rate)
    {
        const Clock::duration interval = toDuration(1.0 / rate);
        std::mutex mutex;
        std::condition_variable freed;
        std::vector<Slot*> free;
        for (Slot& slot : m_slots) {
            free.push_back(&slot);
        }
        std::atomic<std::size_t> issued{0};
        std::atomic<bool> senderDone{false};
        std::thread sender([&] {
            for (Clock::time_point t = Clock::now(); t < deadline; t += interval) {
                std::this_thread::sleep_until(t);
                Slot* slot = nullptr;
                {
                    std::unique_lock guard(mutex);
                    if (free.empty()) {
                        ++m_waitsForSlot;  // 64 in flight: the server is behind
                    }
                    freed.wait(guard, [&] { return !free.empty(); });
                    slot = free.back();
                    free.pop_back();
                }
                const Clock::time_point now = Clock::now();
                if (now - t > std::chrono::milliseconds(1)) {
                    ++m_lateSends;  // this thread was not scheduled in time
                }
                slot->scheduledAt = now;
                issued.fetch_add(1);
                issue(*slot);
            }
            senderDone.store(true);
        });
        std::size_t answered = 0;
        void* tag = nullptr;
        bool ok = false;
        while (!senderDone.load() || answered < issued.load()) {
            const auto wake =
                gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_millis(5, GPR_TIMESPAN));
            if (m_queue.AsyncNext(&tag, &ok, wake) != grpc::CompletionQueue::GOT_EVENT) {
                continue;
            }
            ++answered;
            Slot& slot = *static_cast<Slot*>(tag);
            record(slot, ok, Clock::now());
            const std::lock_guard guard(mutex);
            free.push_back(&slot);
            freed.notify_one();
        }
        sender.join();
    }

    // One answered call: its latency, and whether it failed.
    void record(const Slot& slot, bool ok, Clock::time_point now)
    {
        if (!ok || !slot.status.ok() || slot.response.status().code() != 0) {
            ++m_failures;
        }
        m_latenciesNs.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - slot.scheduledAt).count(),
            UINT32_MAX)));
    }

    void issue(Slot& slot)
    {
        // A fresh 128-bit trace id per call: slot in the high half.
        char hex[33];
        std::snprintf(hex, sizeof hex, "%016zx%016llx", slot.index + 1,
                      static_cast<unsigned long long>(++slot.sequence + m_sequenceBase));
        (*slot.request.mutable_attributes()
              ->mutable_request()
              ->mutable_http()
              ->mutable_headers())["x-b3-traceid"] = hex;
        slot.context = std::make_unique<grpc::ClientContext>();
        slot.response.Clear();
        slot.call = m_stub->AsyncCheck(slot.context.get(), slot.request, &m_queue);
        slot.call->Finish(&slot.response, &slot.status, &slot);
    }

    std::unique_ptr<auth::Authorization::Stub> m_stub;
    grpc::CompletionQueue m_queue;
    std::vector<Slot> m_slots;
    std::vector<std::uint32_t> m_latenciesNs;
    std::uint64_t m_failures = 0;
    std::uint64_t m_waitsForSlot = 0;
    std::uint64_t m_lateSends = 0;
    std::uint64_t m_sequenceBase = 0;
};

// Envoy opens one HTTP/2 connection to the ext_authz cluster per worker
// thread (an Istio sidecar has 2 by default): `connections` clients, each on
// its own connection and thread, share the calls in flight.
class LoadGroup final
{
public:
    LoadGroup(const std::string& socket, int connections, int inFlight)
    {
        for (int c = 0; c < connections; ++c) {
            grpc::ChannelArguments args;
            args.SetInt("concord.bench.connection", c);  // distinct args: no shared subchannel
            m_clients.push_back(std::make_unique<LoadClient>(
                grpc::CreateCustomChannel("unix:" + socket, grpc::InsecureChannelCredentials(),
                                          args),
                inFlight / connections + (c < inFlight % connections ? 1 : 0)));
        }
    }

    RunResult run(double seconds, double rate = 0)
    {
        std::vector<LoadClient::Samples> samples(m_clients.size());
        const Clock::time_point start = Clock::now();
        std::vector<std::thread> threads;
        for (std::size_t c = 0; c < m_clients.size(); ++c) {
            threads.emplace_back([&, c] {
                samples[c] =
                    m_clients[c]->run(seconds, rate / static_cast<double>(m_clients.size()));
            });
        }
        for (std::thread& thread : threads) {
            thread.join();
        }
        const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        std::vector<std::uint32_t> all;
        RunResult result;
        for (const LoadClient::Samples& s : samples) {
            all.insert(all.end(), s.latenciesNs.begin(), s.latenciesNs.end());
            result.failures += s.failures;
            result.waitsForSlot += s.waitsForSlot;
            result.lateSends += s.lateSends;
        }
        std::sort(all.begin(), all.end());
        const auto pct = [&](double p) {
            if (all.empty()) {
                return 0.0;
            }
            const auto i = static_cast<std::size_t>(p * static_cast<double>(all.size()));
            return all[std::min(all.size() - 1, i)] / 1e6;
        };
        result.checksPerSecond = static_cast<double>(all.size()) / elapsed;
        result.p50Ms = pct(0.50);
        result.p99Ms = pct(0.99);
        result.p999Ms = pct(0.999);
        return result;
    }

private:
    std::vector<std::unique_ptr<LoadClient>> m_clients;
};

bool parseArgs(int argc, char** argv, Config& config)
{
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto number = [&](auto& out) {
            if (i + 1 >= argc) {
                return false;
            }
            const std::string_view v = argv[++i];
            return std::from_chars(v.data(), v.data() + v.size(), out).ec == std::errc();
        };
        if (arg == "--quick") {
            config.quick = true;
            config.seconds = 0.5;
            config.rounds = 1;
        } else if (arg == "--seconds"          ? !number(config.seconds)
                   : arg == "--rounds"         ? !number(config.rounds)
                   : arg == "--in-flight"      ? !number(config.inFlight)
                   : arg == "--connections"    ? !number(config.connections)
                   : arg == "--server-threads" ? !number(config.serverThreads)
                   : arg == "--rate"           ? !number(config.rate)
                                               : true) {
            std::fprintf(stderr,
                         "usage: bench_tracemgr_check [--seconds S] [--rounds R] [--in-flight N] "
                         "[--connections C] [--server-threads T] [--rate R] [--quick]\n");
            return false;
        }
    }
    return config.rounds > 0 && config.inFlight > 0 && config.seconds > 0 && config.rate > 0 &&
           config.connections > 0 && config.connections <= config.inFlight;
}

// The median round: by throughput at saturation, by p99 in a paced run
// (where every round carries the same rate).
RunResult median(std::vector<RunResult> runs, bool byP99)
{
    std::sort(runs.begin(), runs.end(), [byP99](const RunResult& a, const RunResult& b) {
        return byP99 ? a.p99Ms < b.p99Ms : a.checksPerSecond < b.checksPerSecond;
    });
    return runs[runs.size() / 2];
}

void print(const char* name, const RunResult& r)
{
    std::printf("%-10s %10.0f checks/s  p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  failures %llu",
                name, r.checksPerSecond, r.p50Ms, r.p99Ms, r.p999Ms,
                static_cast<unsigned long long>(r.failures));
    if (r.waitsForSlot + r.lateSends > 0) {
        std::printf("  (all 64 busy %llu times, sender late %llu times)",
                    static_cast<unsigned long long>(r.waitsForSlot),
                    static_cast<unsigned long long>(r.lateSends));
    }
    std::printf("\n");
}

}  // namespace

int main(int argc, char** argv)
{
    Config config;
    if (!parseArgs(argc, argv, config)) {
        return 2;
    }
    // As concord-tracemgr's main() does; GRPC_POLL_STRATEGY=epoll1 in the
    // environment measures gRPC's default instead.
    concord::tracemanager::selectGrpcPollStrategy();
    char dirTemplate[] = "/tmp/bench-tracemgr-XXXXXX";
    const std::string dir = ::mkdtemp(dirTemplate);

    TraceManagerOptions options;
    options.mode = Mode::Instance;
    options.authzThreads = config.serverThreads;
    options.authzSocket = dir + "/tracemgr.sock";
    options.controlListen = "127.0.0.1:0";
    options.metricsListen = "";
    TraceManagerServer tracemgr(options);
    if (const auto started = tracemgr.start(); !started) {
        std::fprintf(stderr, "%s\n", started.error().toString().c_str());
        return 1;
    }
    // The baseline: the same server machinery and thread count, a Check that
    // reads nothing and allows.
    AuthzService emptyService(emptyCheckHandler());
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + dir + "/empty.sock", grpc::InsecureServerCredentials());
    emptyService.registerWith(builder, options.authzThreads);
    const std::unique_ptr<grpc::Server> empty = builder.BuildAndStart();
    emptyService.start();

    LoadGroup emptyClient(dir + "/empty.sock", config.connections, config.inFlight);
    LoadGroup tracemgrClient(options.authzSocket, config.connections, config.inFlight);
    emptyClient.run(0.3);  // warm both connections and gRPC's thread pools
    tracemgrClient.run(0.3);

    // Alternating rounds of both servers; the median round of each.
    const auto measure = [&](double rate, const char* title) {
        std::vector<RunResult> emptyRuns, tracemgrRuns;
        for (int round = 0; round < config.rounds; ++round) {
            if (round % 2 == 0) {
                emptyRuns.push_back(emptyClient.run(config.seconds, rate));
                tracemgrRuns.push_back(tracemgrClient.run(config.seconds, rate));
            } else {
                tracemgrRuns.push_back(tracemgrClient.run(config.seconds, rate));
                emptyRuns.push_back(emptyClient.run(config.seconds, rate));
            }
        }
        std::printf("%s — median of %d rounds of %.1f s\n", title, config.rounds, config.seconds);
        const std::pair<RunResult, RunResult> medians{median(emptyRuns, rate > 0),
                                                      median(tracemgrRuns, rate > 0)};
        print("  empty", medians.first);
        print("  tracemgr", medians.second);
        return medians;
    };
    std::printf(
        "%d callers over %d connections, %d server threads, %u cores, "
        "GRPC_POLL_STRATEGY=%s\n",
        config.inFlight, config.connections, options.authzThreads,
        std::thread::hardware_concurrency(), std::getenv("GRPC_POLL_STRATEGY"));
    const auto [e, t] =
        measure(0, "saturation (each caller sends again at once: 64 always in flight)");
    const double ratio = t.checksPerSecond / e.checksPerSecond;
    std::printf("  tracemgr / empty throughput: %.3f\n", ratio);
    char title[96];
    std::snprintf(title, sizeof title, "at %.0f checks/s offered (latency from send to answer)",
                  config.rate);
    const auto [pe, pt] = measure(config.rate, title);
    std::printf("ids recorded: %llu, set size %zu, %.1f bytes/id\n",
                static_cast<unsigned long long>(tracemgr.counters().idsRecorded.load()),
                tracemgr.recorder()->size(),
                static_cast<double>(tracemgr.recorder()->memoryBytes()) /
                    static_cast<double>(std::max<std::size_t>(1, tracemgr.recorder()->size())));

    empty->Shutdown();
    emptyService.stop();
    tracemgr.shutdown(std::chrono::milliseconds(100));
    std::filesystem::remove_all(dir);
    const bool failures = t.failures + e.failures + pt.failures + pe.failures > 0;
    if (config.quick) {
        return failures ? 1 : 0;
    }
    // The paced run must really have carried the offered load.
    const bool carried = pt.checksPerSecond >= 0.98 * config.rate;
    const bool met =
        t.checksPerSecond >= 20000 && ratio >= 0.9 && carried && pt.p99Ms <= 2.0 && !failures;
    std::printf("targets (saturation ≥ 20000/s and ≥ 0.90 of empty; p99 ≤ 2 ms at %.0f/s): %s\n",
                config.rate, met ? "met" : "MISSED");
    return met ? 0 : 1;
}
