#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace concord::tracemanager {

class TraceManagerServer;

// The Prometheus text exposition (format 0.0.4) of every counter and gauge of
// a running server: concord_tracemgr_* names, one HELP and TYPE per family.
std::string renderMetrics(const TraceManagerServer& server);

// GET /metrics (and /healthz) over HTTP with cpp-httplib, on its own thread.
class MetricsHttpServer final
{
public:
    explicit MetricsHttpServer(const TraceManagerServer& server);
    ~MetricsHttpServer();
    MetricsHttpServer(const MetricsHttpServer&) = delete;
    MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

    // "host:port" (port 0 picks one). Returns the bound port.
    core::Result<int> start(const std::string& listen);
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace concord::tracemanager
