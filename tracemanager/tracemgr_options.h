#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/trace_id.h"

namespace concord::tracemanager {

enum class Mode
{
    Instance,
    Gateway,
};

enum class LogFormat
{
    Json,
    Text,
};

// concord-tracemgr's configuration. Every flag has an environment variable
// (CONCORD_TRACEMGR_<FLAG>, dashes as underscores); a flag wins over the
// environment. docs/tracemgr.md lists them.
struct TraceManagerOptions
{
    Mode mode = Mode::Instance;
    // ext_authz (and, at a gateway, the access-log service) on a Unix socket.
    std::string authzSocket = "/var/run/concord/tracemgr.sock";
    // Optional extra TCP listener for the same services ("" = none).
    std::string authzListen;
    // Threads answering Checks (one completion queue each).
    int authzThreads = 2;
    // The control API (concord.v1.TraceManagerService).
    std::string controlListen = "0.0.0.0:9411";
    // Prometheus /metrics over HTTP ("" = none).
    std::string metricsListen = "0.0.0.0:9412";
    core::TraceHeaderFormat traceHeader = core::TraceHeaderFormat::B3TraceId;
    std::string pinHeader = "x-version";
    std::chrono::seconds ttl{600};
    // How long SIGTERM waits for in-flight calls before cancelling them.
    std::chrono::seconds drainTimeout{5};
    LogFormat logFormat = LogFormat::Json;
    bool verbose = false;
    bool help = false;
};

// Parses argv (without argv[0]) over the environment `env` (NAME=VALUE
// strings, as in environ). Errors name the flag or variable and the value.
core::Result<TraceManagerOptions> parseTraceManagerOptions(const std::vector<std::string>& args,
                                                           const std::vector<std::string>& env);
std::string traceManagerUsage();

}  // namespace concord::tracemanager
