// Load benchmark of issue 3: concordd (a child process, so its CPU is measured
// apart from the clients') on a generated 20-service sandbox mesh, serving 50
// concurrent WatchTopology streams while 5 services are updated in parallel
// with CV, over and over (each round registers the next version and updates
// to it). Reports the streams' lateness against their period, the freshness
// of the update streams and the daemon's CPU, against a baseline run of the
// same daemon with no clients measured first in the same run.
//
//   bench_concordd_load --concordd PATH [--seconds S] [--streams N] [--updates U]
//                       [--period-ms P] [--quick]
//
// --quick: a 4 s smoke run for ctest that judges correctness only.
//
// Exit status 1 when a target is missed: p99 lag behind the streams' schedule
// > 2 periods, more than 1 core on average, a failed update or an
// inconsistent transaction.

#include <grpcpp/grpcpp.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "concord/v1/mesh.grpc.pb.h"
#include "concord/v1/topology.grpc.pb.h"
#include "concord/v1/update.grpc.pb.h"
#include "support/concordd_process.h"

namespace v1 = concord::v1;
using Clock = std::chrono::steady_clock;
using concord::testing::ConcorddProcess;

namespace {

struct Config
{
    std::string concordd;
    double seconds = 30;
    int streams = 50;
    int updates = 5;
    int periodMs = 250;
    int services = 20;
    bool quick = false;  // a smoke run: short, and the timing targets are not judged
};

struct Daemon
{
    std::unique_ptr<ConcorddProcess> process;
    std::string token;
    std::shared_ptr<grpc::Channel> channel;
};

std::string randomToken()
{
    std::random_device device;
    std::string token;
    for (int i = 0; i < 48; ++i)
        token += "0123456789abcdef"[device() % 16];
    return token;
}

Daemon startDaemon(const Config& config, const std::filesystem::path& dir)
{
    Daemon daemon;
    daemon.token = randomToken();
    std::ofstream(dir / "tokens") << daemon.token << " bench operator\n";
    std::filesystem::remove(dir / "journal.db");
    ConcorddProcess::Options options;
    options.binary = config.concordd;
    options.args = {"--sandbox",
                    "--generate",
                    std::to_string(config.services),
                    "--seed",
                    "1",
                    "--listen",
                    "127.0.0.1:0",
                    "--journal",
                    (dir / "journal.db").string(),
                    "--token-file",
                    (dir / "tokens").string()};
    options.stderrPath = (dir / "concordd.log").string();
    std::string error;
    daemon.process = ConcorddProcess::start(options, error);
    if (!daemon.process) {
        std::cerr << "bench_concordd_load: " << error << "\n";
        std::exit(2);
    }
    daemon.channel =
        grpc::CreateChannel(daemon.process->address(), grpc::InsecureChannelCredentials());
    return daemon;
}

void authorize(grpc::ClientContext& context, const std::string& token)
{
    context.AddMetadata("authorization", "Bearer " + token);
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

struct StreamLag
{
    std::vector<double> gapLateness;  // per message: arrival gap minus the period, ms
    std::vector<double> scheduleLag;  // per message k: arrival − (first arrival + k periods), ms
};

// One WatchTopology stream. The schedule lag is what "keeps its period" means:
// lateness that adds up from message to message shows there, not in the gaps.
void watchTopology(const Daemon& daemon, int periodMs, Clock::time_point until, StreamLag& lag,
                   std::mutex& mutex, std::atomic<int>& failures, grpc::ClientContext& context)
{
    auto stub = v1::TopologyService::NewStub(daemon.channel);
    authorize(context, daemon.token);
    v1::WatchTopologyRequest request;
    request.mutable_period()->set_nanos(periodMs * 1000000 % 1000000000);
    request.mutable_period()->set_seconds(periodMs / 1000);
    auto reader = stub->WatchTopology(&context, request);
    v1::TopologySnapshot snapshot;
    StreamLag mine;
    Clock::time_point first{}, last{};
    for (int k = 0; Clock::now() < until && reader->Read(&snapshot); ++k) {
        const auto now = Clock::now();
        const auto ms = [](Clock::duration d) {
            return std::chrono::duration<double, std::milli>(d).count();
        };
        if (k == 0) {
            first = now;
        } else {
            mine.gapLateness.push_back(ms(now - last) - periodMs);
            mine.scheduleLag.push_back(ms(now - first) - static_cast<double>(k) * periodMs);
            if (snapshot.edges_size() == 0)
                ++failures;  // a live mesh always has traffic on some edge
        }
        last = now;
    }
    context.TryCancel();
    reader->Finish();
    const std::lock_guard lock(mutex);
    lag.gapLateness.insert(lag.gapLateness.end(), mine.gapLateness.begin(), mine.gapLateness.end());
    lag.scheduleLag.insert(lag.scheduleLag.end(), mine.scheduleLag.begin(), mine.scheduleLag.end());
}

struct UpdateLoopResult
{
    int completed = 0;
    int failed = 0;
    std::uint64_t inconsistent = 0;
    std::vector<double> freshnessMs;  // server observed_at → client receipt
};

// Registers v3, v4, … of one service and updates to each with CV until `until`.
void updateLoop(const Daemon& daemon, const std::string& service, Clock::time_point until,
                UpdateLoopResult& result)
{
    auto mesh = v1::MeshService::NewStub(daemon.channel);
    auto updates = v1::UpdateService::NewStub(daemon.channel);
    std::string current = "v1";
    std::string target = "v2";  // the generated mesh registers v2 under v1
    for (int round = 3; Clock::now() < until; ++round) {
        grpc::ClientContext startContext;
        authorize(startContext, daemon.token);
        v1::StartUpdateRequest start;
        start.set_service(service);
        start.set_target_version(target);
        start.set_strategy(v1::UPDATE_STRATEGY_CV);
        v1::StartUpdateResponse started;
        if (!updates->StartUpdate(&startContext, start, &started).ok()) {
            ++result.failed;
            return;
        }
        grpc::ClientContext watchContext;
        authorize(watchContext, daemon.token);
        v1::WatchUpdateRequest watch;
        watch.set_update_id(started.update_id());
        auto reader = updates->WatchUpdate(&watchContext, watch);
        v1::UpdateProgress progress;
        while (reader->Read(&progress)) {
            const auto nowMs = std::chrono::duration<double, std::milli>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
            const double observedMs = static_cast<double>(progress.observed_at().seconds()) * 1e3 +
                                      progress.observed_at().nanos() / 1e6;
            result.freshnessMs.push_back(nowMs - observedMs);
        }
        reader->Finish();
        result.inconsistent =
            std::max<std::uint64_t>(result.inconsistent, progress.inconsistent_transactions());
        if (progress.state() != v1::UPDATE_STATE_COMPLETED) {
            ++result.failed;
            return;
        }
        ++result.completed;
        current = target;
        target = "v" + std::to_string(round);
        grpc::ClientContext registerContext;
        authorize(registerContext, daemon.token);
        v1::RegisterVersionRequest add;
        add.set_service(service);
        add.set_name(target);
        add.set_parent(current);
        add.set_image("concord/" + service + ":" + std::to_string(round));
        v1::RegisterVersionResponse added;
        if (!mesh->RegisterVersion(&registerContext, add, &added).ok()) {
            ++result.failed;
            return;
        }
    }
}

// The services to update: the first `count` non-entry services by name.
std::vector<std::string> pickServices(const Daemon& daemon, int count)
{
    auto mesh = v1::MeshService::NewStub(daemon.channel);
    grpc::ClientContext context;
    authorize(context, daemon.token);
    v1::ListServicesResponse response;
    if (!mesh->ListServices(&context, {}, &response).ok()) {
        std::cerr << "bench_concordd_load: ListServices failed\n";
        std::exit(2);
    }
    std::vector<std::string> names;
    for (const auto& service : response.services())
        names.push_back(service.name());
    std::sort(names.begin(), names.end());
    if (names.size() > 1)
        names.erase(names.begin());  // leave one service alone, so the sets differ in work
    names.resize(std::min<std::size_t>(names.size(), static_cast<std::size_t>(count)));
    return names;
}

double measureIdle(const Config& config, const std::filesystem::path& dir)
{
    Daemon daemon = startDaemon(config, dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // past start-up
    const double cpu0 = daemon.process->cpuSeconds();
    const auto t0 = Clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(config.seconds / 2));
    const double cores = (daemon.process->cpuSeconds() - cpu0) /
                         std::chrono::duration<double>(Clock::now() - t0).count();
    daemon.process->terminate();
    daemon.process->wait(std::chrono::seconds(10));
    return cores;
}

bool parseArgs(int argc, char** argv, Config& config)
{
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--quick") {
            config.seconds = 4;
            config.quick = true;
            continue;
        }
        if (i + 1 >= argc)
            return false;
        const std::string value = argv[++i];
        double number = 0;
        const bool numeric =
            std::from_chars(value.data(), value.data() + value.size(), number).ec == std::errc();
        if (flag == "--concordd")
            config.concordd = value;
        else if (flag == "--seconds" && numeric && number > 0)
            config.seconds = number;
        else if (flag == "--streams" && numeric && number >= 1)
            config.streams = static_cast<int>(number);
        else if (flag == "--updates" && numeric && number >= 0)
            config.updates = static_cast<int>(number);
        else if (flag == "--period-ms" && numeric && number >= 100)
            config.periodMs = static_cast<int>(number);
        else
            return false;
    }
    return !config.concordd.empty();
}

}  // namespace

int main(int argc, char** argv)
{
    Config config;
    if (!parseArgs(argc, argv, config)) {
        std::cerr << "usage: bench_concordd_load --concordd PATH [--seconds S] [--streams N] "
                     "[--updates U] [--period-ms P] [--quick]\n";
        return 2;
    }
    const auto dir =
        std::filesystem::temp_directory_path() / ("concordd-load-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);

    const double idleCores = measureIdle(config, dir);

    Daemon daemon = startDaemon(config, dir);
    const auto services = pickServices(daemon, config.updates);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const double cpu0 = daemon.process->cpuSeconds();
    const auto t0 = Clock::now();
    const auto until = t0 + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(config.seconds));

    StreamLag lag;
    std::mutex mutex;
    std::atomic<int> emptySnapshots{0};
    std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
    std::vector<std::thread> threads;
    for (int i = 0; i < config.streams; ++i) {
        contexts.push_back(std::make_unique<grpc::ClientContext>());
        threads.emplace_back([&, i] {
            watchTopology(daemon, config.periodMs, until, lag, mutex, emptySnapshots,
                          *contexts[static_cast<std::size_t>(i)]);
        });
    }
    std::vector<UpdateLoopResult> results(services.size());
    for (std::size_t i = 0; i < services.size(); ++i)
        threads.emplace_back([&, i] { updateLoop(daemon, services[i], until, results[i]); });
    for (auto& thread : threads)
        thread.join();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cores = (daemon.process->cpuSeconds() - cpu0) / wall;
    daemon.process->terminate();
    const auto exit = daemon.process->wait(std::chrono::seconds(10));

    int completed = 0, failed = 0;
    std::uint64_t inconsistent = 0;
    std::vector<double> freshness;
    for (const auto& r : results) {
        completed += r.completed;
        failed += r.failed;
        inconsistent = std::max(inconsistent, r.inconsistent);
        freshness.insert(freshness.end(), r.freshnessMs.begin(), r.freshnessMs.end());
    }
    const auto maxOf = [](const std::vector<double>& v) {
        return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
    };
    const double p99 = percentile(lag.scheduleLag, 0.99);
    std::printf("| metric | value |\n|---|---|\n");
    std::printf("| services / watch streams / parallel updates | %d / %d / %zu |\n",
                config.services, config.streams, services.size());
    std::printf("| measured | %.1f s |\n", wall);
    // Streams end at `until`; the update loops may run on to finish their last update.
    std::printf("| topology messages received | %zu (expected ~%.0f) |\n", lag.scheduleLag.size(),
                config.streams * config.seconds * 1000 / config.periodMs);
    std::printf(
        "| stream lag behind schedule p50 / p99 / max | %.1f / %.1f / %.1f ms (period %d ms; "
        "p99 = %.2f periods) |\n",
        percentile(lag.scheduleLag, 0.5), p99, maxOf(lag.scheduleLag), config.periodMs,
        p99 / config.periodMs);
    std::printf("| gap minus period p50 / p99 / max | %.1f / %.1f / %.1f ms |\n",
                percentile(lag.gapLateness, 0.5), percentile(lag.gapLateness, 0.99),
                maxOf(lag.gapLateness));
    std::printf("| update stream freshness p50 / p99 | %.1f / %.1f ms |\n",
                percentile(freshness, 0.5), percentile(freshness, 0.99));
    std::printf("| updates completed / failed | %d / %d |\n", completed, failed);
    std::printf("| inconsistent transactions | %llu |\n",
                static_cast<unsigned long long>(inconsistent));
    std::printf("| daemon CPU, loaded | %.3f cores |\n", cores);
    std::printf("| daemon CPU, idle baseline (same mesh, no clients) | %.3f cores |\n", idleCores);
    std::printf("| loaded / idle | %.2fx |\n", idleCores > 0 ? cores / idleCores : 0.0);
    std::printf("| empty topology snapshots | %d |\n", emptySnapshots.load());
    std::printf("| daemon exit on SIGTERM | %s |\n",
                exit && WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0 ? "clean" : "NOT CLEAN");
    std::filesystem::remove_all(dir);

    // A smoke run (ctest, beside other tests on a shared machine) judges only
    // correctness; the timing targets are judged by full runs.
    const bool correct = failed == 0 && inconsistent == 0 && emptySnapshots == 0 && completed > 0 &&
                         exit && WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0;
    const bool timely = p99 <= 2.0 * config.periodMs && cores <= 1.0;
    if (config.quick) {
        std::printf("\n%s (timing not judged in a --quick run)\n",
                    correct ? "CORRECT" : "INCORRECT");
        return correct ? 0 : 1;
    }
    const bool ok = correct && timely;
    std::printf("\n%s\n", ok ? "TARGETS MET" : "TARGETS MISSED");
    return ok ? 0 : 1;
}
