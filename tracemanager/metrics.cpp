#include "metrics.h"

#include <httplib.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

#include "authz_policy.h"
#include "gateway_state.h"
#include "trace_recorder.h"
#include "tracemgr_server.h"

namespace concord::tracemanager {

namespace {

constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Label values per core::TraceIdError and CompletionOutcome, in enum order.
constexpr std::array<std::string_view, TraceCounters::kTraceIdErrors> kMalformedReasons{
    "empty", "wrong_length", "not_hex", "all_zero", "bad_format"};
constexpr std::array<std::string_view, static_cast<std::size_t>(CompletionOutcome::kCount)>
    kOutcomes{"response", "server_error", "downstream_disconnect", "timeout", "reset"};

using Label = std::pair<std::string_view, std::string_view>;

// Text format 0.0.4: label values escape backslash, quote and newline; HELP
// text escapes backslash and newline.
std::string escape(std::string_view text, bool quotes)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quotes) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out;
}

class Exposition
{
public:
    void family(std::string_view name, std::string_view type, std::string_view help)
    {
        m_name = name;
        m_text += "# HELP " + m_name + " " + escape(help, false) + "\n";
        m_text += "# TYPE " + m_name + " " + std::string(type) + "\n";
    }

    void sample(std::initializer_list<Label> labels, const std::string& value)
    {
        m_text += m_name;
        if (labels.size() > 0) {
            char separator = '{';
            for (const auto& [key, labelValue] : labels) {
                m_text += separator;
                m_text += std::string(key) + "=\"" + escape(labelValue, true) + "\"";
                separator = ',';
            }
            m_text += '}';
        }
        m_text += " " + value + "\n";
    }
    void sample(std::initializer_list<Label> labels, std::uint64_t value)
    {
        sample(labels, std::to_string(value));
    }
    void sample(std::uint64_t value) { sample({}, value); }

    // A family of one unlabelled counter.
    void counter(std::string_view name, std::string_view help,
                 const std::atomic<std::uint64_t>& value)
    {
        family(name, "counter", help);
        sample(value.load(std::memory_order_relaxed));
    }

    std::string take() { return std::move(m_text); }

private:
    std::string m_name;
    std::string m_text;
};

std::string_view modeName(Mode mode)
{
    return mode == Mode::Gateway ? "gateway" : "instance";
}

std::string unixSeconds(std::chrono::system_clock::time_point at)
{
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    char text[32];
    std::snprintf(text, sizeof text, "%lld.%03lld", static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    return text;
}

void renderProcess(const TraceManagerServer& server, Exposition& out)
{
    const auto& options = server.options();
    out.family("concord_tracemgr_info", "gauge", "The sidecar's mode and trace header; always 1.");
    out.sample(
        {{"mode", modeName(options.mode)}, {"trace_header", core::headerName(options.traceHeader)}},
        1);
    out.family("concord_tracemgr_start_time_seconds", "gauge",
               "When the sidecar started, in seconds since the Unix epoch.");
    out.sample({}, unixSeconds(server.startedAt()));
}

void renderChecks(const TraceCounters& c, Exposition& out)
{
    out.family("concord_tracemgr_checks_total", "counter",
               "ext_authz checks answered, by result (blocked = 503 while blocking).");
    out.sample({{"result", "allowed"}}, c.checksAllowed.load(std::memory_order_relaxed));
    out.sample({{"result", "blocked"}}, c.checksBlocked.load(std::memory_order_relaxed));
    out.counter("concord_tracemgr_ids_recorded_total", "Trace ids added to the TraceidSet.",
                c.idsRecorded);
    out.counter("concord_tracemgr_ids_already_present_total",
                "Checks whose trace id was already in the TraceidSet.", c.idsAlreadyPresent);
    out.counter("concord_tracemgr_ids_not_recorded_locked_total",
                "Allowed checks whose trace id was not recorded because the set is locked.",
                c.idsNotRecordedLocked);
    out.counter("concord_tracemgr_trace_ids_missing_total",
                "Requests or access-log entries without a trace id header.", c.traceIdsMissing);
    out.family("concord_tracemgr_trace_ids_malformed_total", "counter",
               "Trace id header values that did not parse, by reason.");
    for (std::size_t i = 0; i < kMalformedReasons.size(); ++i) {
        out.sample({{"reason", kMalformedReasons[i]}},
                   c.traceIdsMalformed[i].load(std::memory_order_relaxed));
    }
    out.counter("concord_tracemgr_ids_evicted_total",
                "Trace ids dropped after the TTL (never from a locked set).", c.idsEvicted);
}

void renderGatewayCounters(const TraceCounters& c, Exposition& out)
{
    out.family("concord_tracemgr_completions_total", "counter",
               "Completed transactions from the access-log stream, by how they ended.");
    for (std::size_t i = 0; i < kOutcomes.size(); ++i) {
        out.sample({{"outcome", kOutcomes[i]}},
                   c.completionsByOutcome[i].load(std::memory_order_relaxed));
    }
    out.counter("concord_tracemgr_access_log_entries_ignored_total",
                "Access-log entries that are not a completion (start, periodic, upstream).",
                c.accessLogEntriesIgnored);
    out.counter("concord_tracemgr_diff_ids_completed_total",
                "DiffSet entries removed by a completion.", c.diffIdsCompleted);
    out.counter("concord_tracemgr_control_requests_invalid_total",
                "Control API requests answered INVALID_ARGUMENT.", c.controlRequestsInvalid);
}

void renderSet(std::size_t ids, std::size_t bytes, Exposition& out)
{
    out.family("concord_tracemgr_set_ids", "gauge",
               "Trace ids held: the TraceidSet of an instance, the completed set of a gateway.");
    out.sample(ids);
    out.family("concord_tracemgr_set_memory_bytes", "gauge",
               "Heap bytes of the tables of that set.");
    out.sample(bytes);
}

void renderInstanceGauges(const TraceManagerServer& server, Exposition& out)
{
    const TraceRecorder* recorder = server.recorder();
    const AuthzPolicy* policy = server.policy();
    renderSet(recorder ? recorder->size() : 0, recorder ? recorder->memoryBytes() : 0, out);
    out.family("concord_tracemgr_locked", "gauge",
               "1 when the TraceidSet is locked (nothing more is recorded).");
    out.sample(recorder && recorder->isLocked() ? 1 : 0);
    out.family("concord_tracemgr_blocking", "gauge",
               "1 when requests without an allowed version pin get 503.");
    out.sample(policy && policy->isBlocking() ? 1 : 0);
}

void renderGatewayGauges(const GatewayState* gateway, Exposition& out)
{
    renderSet(gateway ? gateway->completedSize() : 0, gateway ? gateway->completedMemoryBytes() : 0,
              out);
    out.family("concord_tracemgr_diff_set_ids", "gauge",
               "Trace ids still in each DiffSet (old transactions not yet completed).");
    if (gateway) {
        for (const auto& diff : gateway->list()) {
            out.sample({{"diff_set", diff.name}}, diff.size);
        }
    }
}

// "host:port" → host (brackets of an IPv6 host removed) and port.
std::optional<std::pair<std::string, int>> splitListen(const std::string& listen)
{
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
        return std::nullopt;
    }
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    int port = 0;
    for (std::size_t i = colon + 1; i < listen.size(); ++i) {
        if (listen[i] < '0' || listen[i] > '9' || port > 65535) {
            return std::nullopt;
        }
        port = port * 10 + (listen[i] - '0');
    }
    if (port > 65535) {
        return std::nullopt;
    }
    return std::make_pair(std::move(host), port);
}

}  // namespace

std::string renderMetrics(const TraceManagerServer& server)
{
    Exposition out;
    renderProcess(server, out);
    renderChecks(server.counters(), out);
    renderGatewayCounters(server.counters(), out);
    if (server.options().mode == Mode::Gateway) {
        renderGatewayGauges(server.gateway(), out);
    } else {
        renderInstanceGauges(server, out);
    }
    return out.take();
}

struct MetricsHttpServer::Impl
{
    explicit Impl(const TraceManagerServer& s) : server(s) {}

    const TraceManagerServer& server;
    httplib::Server http;
    std::thread thread;
    std::atomic<bool> loopEnded{false};
};

MetricsHttpServer::MetricsHttpServer(const TraceManagerServer& server)
    : m_impl(std::make_unique<Impl>(server))
{}

MetricsHttpServer::~MetricsHttpServer()
{
    stop();
}

core::Result<int> MetricsHttpServer::start(const std::string& listen)
{
    const auto address = splitListen(listen);
    if (!address) {
        return core::makeError(
            core::ErrorCode::InvalidArgument,
            "cannot listen on the metrics address " + listen + ": not HOST:PORT");
    }
    if (m_impl->thread.joinable()) {
        return core::makeError(core::ErrorCode::FailedPrecondition,
                               "the metrics server is already started");
    }
    auto& http = m_impl->http;
    // A scrape now and then: two threads, not httplib's one per core.
    http.new_task_queue = [] { return new httplib::ThreadPool(2); };
    http.set_payload_max_length(64 * 1024);
    // httplib's default is SO_REUSEPORT, with which a second process binds the
    // same port and takes half the scrapes; SO_REUSEADDR only allows a restart
    // while old connections linger in TIME_WAIT.
    http.set_socket_options([](socket_t sock) {
        const int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
        response.set_content(renderMetrics(m_impl->server), kContentType);
    });
    http.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
        response.set_content("ok", "text/plain; charset=utf-8");
    });
    errno = 0;
    const int port =
        address->second == 0
            ? http.bind_to_any_port(address->first)
            : (http.bind_to_port(address->first, address->second) ? address->second : -1);
    if (port < 0) {
        const std::string reason = errno != 0 ? std::string(": ") + std::strerror(errno) : "";
        return core::makeError(core::ErrorCode::Unavailable,
                               "cannot listen on the metrics address " + listen + reason);
    }
    m_impl->thread = std::thread([impl = m_impl.get()] {
        impl->http.listen_after_bind();
        impl->loopEnded = true;
    });
    // httplib's stop() does nothing until the loop runs: wait for it, so a
    // stop() right after start() cannot leave the thread unjoinable.
    while (!http.is_running() && !m_impl->loopEnded) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return port;
}

void MetricsHttpServer::stop()
{
    if (m_impl->thread.joinable()) {
        m_impl->http.stop();
        m_impl->thread.join();
    }
}

}  // namespace concord::tracemanager
