#include "tracemgr_server.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "access_log_service.h"
#include "authz_policy.h"
#include "authz_service.h"
#include "control_service.h"
#include "gateway_state.h"
#include "metrics.h"
#include "trace_recorder.h"
#include "tracemgr_log.h"

namespace concord::tracemanager {

namespace {

// Above ControlService's own limits (1 MiB pushes), so an oversized request
// up to this size is answered INVALID_ARGUMENT by the service rather than
// RESOURCE_EXHAUSTED by gRPC.
constexpr int kControlMaxMessageBytes = 16 * 1024 * 1024;
// Envoy's Check requests carry headers and, optionally, a body prefix.
constexpr int kAuthzMaxMessageBytes = 4 * 1024 * 1024;

core::Error listenError(const std::string& what, const std::string& address)
{
    core::Error error;
    error.message = "cannot listen on " + what + " " + address;
    return error;
}

// A stale socket file from a previous run would make the bind fail; anything
// else at that path is not ours to delete.
core::Result<bool> prepareUnixSocketPath(const std::string& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
        core::Error error;
        error.message =
            "cannot listen on unix:" + path + ": directory " + parent.string() + " does not exist";
        return error;
    }
    struct stat info
    {
    };
    if (::lstat(path.c_str(), &info) == 0) {
        if (!S_ISSOCK(info.st_mode)) {
            core::Error error;
            error.message =
                "cannot listen on unix:" + path + ": the path exists and is not a socket";
            return error;
        }
        ::unlink(path.c_str());
    }
    return true;
}

}  // namespace

void selectGrpcPollStrategy()
{
    ::setenv("GRPC_POLL_STRATEGY", "poll", /*overwrite=*/0);
}

TraceManagerServer::TraceManagerServer(TraceManagerOptions options)
    : m_options(std::move(options)), m_startedAt(std::chrono::system_clock::now())
{
    if (m_options.mode == Mode::Instance) {
        m_recorder = std::make_unique<TraceRecorder>(m_options.ttl);
    } else {
        m_gateway = std::make_unique<GatewayState>(m_options.ttl);
    }
}

TraceManagerServer::~TraceManagerServer()
{
    shutdown(std::chrono::milliseconds(0));
}

core::Result<bool> TraceManagerServer::start()
{
    const bool instance = m_options.mode == Mode::Instance;
    m_policy = std::make_unique<AuthzPolicy>(
        AuthzPolicy::Config{m_options.traceHeader, m_options.pinHeader}, m_recorder.get(),
        m_counters);
    m_authzService = std::make_unique<AuthzService>(policyCheckHandler(*m_policy));
    if (!instance) {
        m_accessLogService =
            std::make_unique<AccessLogService>(m_options.traceHeader, *m_gateway, m_counters);
    }
    ControlService::Parts parts;
    parts.role = instance ? concord::v1::TRACE_MANAGER_ROLE_INSTANCE
                          : concord::v1::TRACE_MANAGER_ROLE_GATEWAY;
    parts.recorder = m_recorder.get();
    parts.policy = instance ? m_policy.get() : nullptr;
    parts.gateway = m_gateway.get();
    parts.counters = &m_counters;
    parts.traceHeader = m_options.traceHeader;
    parts.startedAt = m_startedAt;
    m_controlService = std::make_unique<ControlService>(parts);

    if (auto ok = startAuthzServer(); !ok) {
        return ok;
    }
    if (auto ok = startControlServer(); !ok) {
        shutdown(std::chrono::milliseconds(0));
        return ok;
    }
    if (!m_options.metricsListen.empty()) {
        m_metrics = std::make_unique<MetricsHttpServer>(*this);
        auto port = m_metrics->start(m_options.metricsListen);
        if (!port) {
            shutdown(std::chrono::milliseconds(0));
            return port.error();
        }
        m_metricsPort = *port;
    }
    m_evictionThread = std::thread([this] { runEviction(); });
    return true;
}

core::Result<bool> TraceManagerServer::startAuthzServer()
{
    if (auto ok = prepareUnixSocketPath(m_options.authzSocket); !ok) {
        return ok;
    }
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + m_options.authzSocket, grpc::InsecureServerCredentials());
    if (!m_options.authzListen.empty()) {
        builder.AddListeningPort(m_options.authzListen, grpc::InsecureServerCredentials(),
                                 &m_authzTcpPort);
    }
    // gRPC binds with SO_REUSEPORT by default: a second sidecar on the same
    // port would then start and take half the calls.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.SetMaxReceiveMessageSize(kAuthzMaxMessageBytes);
    m_authzService->registerWith(builder, m_options.authzThreads);
    if (m_accessLogService) {
        builder.RegisterService(m_accessLogService.get());
    }
    m_authzServer = builder.BuildAndStart();
    if (!m_authzServer) {
        return listenError(
            "the ext_authz address",
            "unix:" + m_options.authzSocket +
                (m_options.authzListen.empty() ? "" : " / " + m_options.authzListen));
    }
    m_authzService->start();
    return true;
}

core::Result<bool> TraceManagerServer::startControlServer()
{
    grpc::ServerBuilder builder;
    builder.AddListeningPort(m_options.controlListen, grpc::InsecureServerCredentials(),
                             &m_controlPort);
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.SetMaxReceiveMessageSize(kControlMaxMessageBytes);
    builder.RegisterService(m_controlService.get());
    m_controlServer = builder.BuildAndStart();
    if (!m_controlServer || m_controlPort == 0) {
        m_controlServer.reset();
        return listenError("the control address", m_options.controlListen);
    }
    return true;
}

void TraceManagerServer::runEviction()
{
    // Often enough that an id outlives the TTL by little; generations make
    // each pass cheap when nothing is due.
    const auto period = std::max<std::chrono::milliseconds>(
        std::chrono::milliseconds(100),
        std::chrono::duration_cast<std::chrono::milliseconds>(m_options.ttl) / 10);
    std::unique_lock guard(m_stopMutex);
    while (!m_stopCondition.wait_for(guard, period, [this] { return m_stopping; })) {
        guard.unlock();
        const std::uint64_t evicted =
            m_recorder ? m_recorder->evictExpired() : m_gateway->evictExpired();
        bump(m_counters.idsEvicted, evicted);
        if (evicted > 0) {
            logEvent(LogLevel::Debug, "evicted expired ids", {{"ids", std::to_string(evicted)}});
        }
        guard.lock();
    }
}

void TraceManagerServer::shutdown(std::chrono::milliseconds deadline)
{
    {
        const std::lock_guard guard(m_stopMutex);
        m_stopping = true;  // every step below is a no-op the second time
    }
    m_stopCondition.notify_all();
    if (m_controlService) {
        m_controlService->stopWatches();  // WatchDiffSet streams never end on their own
    }
    const auto until = std::chrono::system_clock::now() + deadline;
    // ext_authz first: Envoy fails open or closed per its config, either way
    // it stops waiting on us; then the control API.
    if (m_authzServer) {
        m_authzServer->Shutdown(until);
        m_authzService->stop();  // after Shutdown: the queues drain
        m_authzServer->Wait();
        m_authzServer.reset();
        std::error_code ec;
        std::filesystem::remove(m_options.authzSocket, ec);
    }
    if (m_controlServer) {
        m_controlServer->Shutdown(until);
        m_controlServer->Wait();
        m_controlServer.reset();
    }
    if (m_metrics) {
        m_metrics->stop();
    }
    if (m_evictionThread.joinable()) {
        m_evictionThread.join();
    }
}

}  // namespace concord::tracemanager
