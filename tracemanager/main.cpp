// concord-tracemgr — the per-pod sidecar of DESIGN.md §3: ext_authz (and, at
// the gateway, the access-log service) on a Unix socket, the control API and
// /metrics on TCP. Runs until SIGTERM or SIGINT, then drains.

#include <grpc/support/log.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "tracemgr_log.h"
#include "tracemgr_options.h"
#include "tracemgr_server.h"

extern char** environ;

namespace {

using namespace concord::tracemanager;

std::vector<std::string> environment()
{
    std::vector<std::string> env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        env.emplace_back(*entry);
    }
    return env;
}

// Blocked before any thread exists, so every thread (gRPC's, httplib's)
// inherits the mask and the signals arrive only through sigwait().
sigset_t blockStopSignals()
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    return signals;
}

int waitForSignal(const sigset_t& signals)
{
    int received = 0;
    while (sigwait(&signals, &received) != 0) {
    }
    return received;
}

// gRPC's own messages (a failed bind, say) join the structured log, so that
// stderr stays one event a line for log shippers.
void logGrpcMessage(gpr_log_func_args* args)
{
    const LogLevel level = args->severity == GPR_LOG_SEVERITY_ERROR  ? LogLevel::Error
                           : args->severity == GPR_LOG_SEVERITY_INFO ? LogLevel::Info
                                                                     : LogLevel::Debug;
    const std::string where = std::string(args->file) + ":" + std::to_string(args->line);
    logEvent(level, args->message, {{"component", "grpc"}, {"source", where}});
}

// A listen address with the port the server actually bound (":0" picks one).
std::string boundAddress(const std::string& listen, int port)
{
    return listen.substr(0, listen.rfind(':') + 1) + std::to_string(port);
}

struct Endpoints
{
    std::string mode;
    std::string authz;
    std::string control;
    std::string metrics;
};

Endpoints endpointsOf(const TraceManagerServer& server)
{
    const TraceManagerOptions& o = server.options();
    Endpoints e;
    e.mode = o.mode == Mode::Gateway ? "gateway" : "instance";
    e.authz = "unix:" + o.authzSocket;
    if (!o.authzListen.empty()) {
        e.authz += "," + boundAddress(o.authzListen, server.authzTcpPort());
    }
    e.control = boundAddress(o.controlListen, server.controlPort());
    e.metrics =
        o.metricsListen.empty() ? "off" : boundAddress(o.metricsListen, server.metricsPort());
    return e;
}

void announce(const TraceManagerServer& server)
{
    const Endpoints e = endpointsOf(server);
    // Tests and scripts wait for this line; flushed, since stdout is a pipe there.
    std::cout << "concord-tracemgr: serving mode=" << e.mode << " authz=" << e.authz
              << " control=" << e.control << " metrics=" << e.metrics << std::endl;
    logEvent(
        LogLevel::Info, "started",
        {{"mode", e.mode}, {"authz", e.authz}, {"control", e.control}, {"metrics", e.metrics}});
}

void logStopped(const TraceCounters& counters)
{
    const auto text = [](const std::atomic<std::uint64_t>& counter) {
        return std::to_string(counter.load(std::memory_order_relaxed));
    };
    const std::string allowed = text(counters.checksAllowed);
    const std::string blocked = text(counters.checksBlocked);
    const std::string recorded = text(counters.idsRecorded);
    const std::string completions = text(counters.completions);
    logEvent(LogLevel::Info, "stopped",
             {{"checks_allowed", allowed},
              {"checks_blocked", blocked},
              {"ids_recorded", recorded},
              {"completions", completions}});
}

}  // namespace

int main(int argc, char** argv)
{
    const sigset_t signals = blockStopSignals();
    signal(SIGPIPE, SIG_IGN);

    const auto options = parseTraceManagerOptions({argv + 1, argv + argc}, environment());
    if (!options) {
        std::cerr << "concord-tracemgr: " << options.error().message
                  << "\nconcord-tracemgr: see 'concord-tracemgr --help' for the options\n";
        return 2;
    }
    if (options->help) {
        std::cout << traceManagerUsage();
        return 0;
    }
    configureLog(options->logFormat, options->verbose);
    selectGrpcPollStrategy();  // before the first gRPC call
    gpr_set_log_function(logGrpcMessage);

    TraceManagerServer server(*options);
    if (const auto started = server.start(); !started) {
        logEvent(LogLevel::Error, "cannot start", {{"error", started.error().message}});
        return 1;
    }
    announce(server);

    // A second signal while draining changes nothing: the drain is bounded
    // by --drain-timeout anyway.
    const int received = waitForSignal(signals);
    const std::string timeout = std::to_string(options->drainTimeout.count());
    logEvent(LogLevel::Info, "draining",
             {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}, {"timeout_seconds", timeout}});
    server.shutdown(options->drainTimeout);
    logStopped(server.counters());
    return 0;
}
