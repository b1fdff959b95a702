#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "counters.h"
#include "tracemgr_options.h"

namespace concord::tracemanager {

class AccessLogService;
class AuthzPolicy;
class AuthzService;
class ControlService;
class GatewayState;
class MetricsHttpServer;
class TraceRecorder;

// Selects gRPC's `poll` polling engine unless GRPC_POLL_STRATEGY is set; call
// before gRPC starts. With the default epoll1 engine every thread waiting on
// any completion queue takes turns polling every connection, so the control
// server's idle threads cost the ext_authz thread a quarter of its Checks
// per second on 2 cores; with `poll` each queue polls its own connections
// (docs/benchmarks.md has both).
void selectGrpcPollStrategy();

// Everything one concord-tracemgr process runs, usable in-process by tests
// and benchmarks: the ext_authz (+ access-log) server on the Unix socket and
// optional TCP port, the control server, the metrics endpoint and the TTL
// eviction thread.
class TraceManagerServer final
{
public:
    explicit TraceManagerServer(TraceManagerOptions options);
    ~TraceManagerServer();
    TraceManagerServer(const TraceManagerServer&) = delete;
    TraceManagerServer& operator=(const TraceManagerServer&) = delete;

    // Binds every listener; an error names the one that failed.
    core::Result<bool> start();
    // Graceful drain: stops accepting, lets in-flight calls finish for up to
    // `deadline`, then cancels the rest. Idempotent.
    void shutdown(std::chrono::milliseconds deadline);

    // Bound ports (after start; a ":0" listen picks one), 0 when not serving.
    int authzTcpPort() const { return m_authzTcpPort; }
    int controlPort() const { return m_controlPort; }
    int metricsPort() const { return m_metricsPort; }

    const TraceManagerOptions& options() const { return m_options; }
    const TraceCounters& counters() const { return m_counters; }
    // Instance mode only (nullptr at a gateway), and the reverse.
    TraceRecorder* recorder() const { return m_recorder.get(); }
    AuthzPolicy* policy() const { return m_policy.get(); }
    GatewayState* gateway() const { return m_gateway.get(); }
    std::chrono::system_clock::time_point startedAt() const { return m_startedAt; }

private:
    core::Result<bool> startAuthzServer();
    core::Result<bool> startControlServer();
    void runEviction();

    TraceManagerOptions m_options;
    TraceCounters m_counters;
    std::chrono::system_clock::time_point m_startedAt;
    std::unique_ptr<TraceRecorder> m_recorder;
    std::unique_ptr<AuthzPolicy> m_policy;
    std::unique_ptr<GatewayState> m_gateway;
    std::unique_ptr<AuthzService> m_authzService;
    std::unique_ptr<AccessLogService> m_accessLogService;
    std::unique_ptr<ControlService> m_controlService;
    std::unique_ptr<grpc::Server> m_authzServer;
    std::unique_ptr<grpc::Server> m_controlServer;
    std::unique_ptr<MetricsHttpServer> m_metrics;
    int m_authzTcpPort = 0;
    int m_controlPort = 0;
    int m_metricsPort = 0;
    std::thread m_evictionThread;
    std::mutex m_stopMutex;
    std::condition_variable m_stopCondition;
    bool m_stopping = false;
};

}  // namespace concord::tracemanager
