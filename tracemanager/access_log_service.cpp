#include "access_log_service.h"

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "header_name.h"
#include "tracemgr_log.h"

namespace concord::tracemanager {

namespace als = envoy::service::accesslog::v3;
namespace data = envoy::data::accesslog::v3;

namespace {

// The trace header's value, or nullptr. Envoy logs header names as configured
// in additional_request_headers_to_log, which an operator may have spelled in
// mixed case, hence the fallback scan.
const std::string* findHeader(const google::protobuf::Map<std::string, std::string>& headers,
                              const std::string& name)
{
    if (const auto it = headers.find(name); it != headers.end()) {
        return &it->second;
    }
    for (const auto& [key, value] : headers) {
        if (headerNamesEqual(key, name)) {
            return &value;
        }
    }
    return nullptr;
}

// One Envoy access-log stream: every message read is one batch.
class StreamReactor final : public grpc::ServerReadReactor<als::StreamAccessLogsMessage>
{
public:
    explicit StreamReactor(AccessLogService& service) : m_service(service)
    {
        StartRead(&m_message);
    }

    void OnReadDone(bool ok) override
    {
        if (!ok) {  // the Envoy closed the stream (or it broke): nothing to answer
            Finish(grpc::Status::OK);
            return;
        }
        if (m_message.has_identifier()) {
            logIdentifier(m_message.identifier());
        }
        try {
            m_service.handle(m_message);
        } catch (const std::exception& error) {
            // Out of memory on a batch: end the stream, Envoy reconnects.
            logEvent(LogLevel::Error, "access-log batch failed", {{"error", error.what()}});
            Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "batch failed"));
            return;
        }
        m_message.Clear();
        StartRead(&m_message);
    }

    void OnDone() override { delete this; }

private:
    static void logIdentifier(const als::StreamAccessLogsMessage::Identifier& identifier)
    {
        logEvent(LogLevel::Info, "access-log stream opened",
                 {{"node", identifier.node().id()},
                  {"cluster", identifier.node().cluster()},
                  {"log_name", identifier.log_name()}});
    }

    AccessLogService& m_service;
    als::StreamAccessLogsMessage m_message;
};

}  // namespace

AccessLogService::AccessLogService(core::TraceHeaderFormat traceHeader, GatewayState& gateway,
                                   TraceCounters& counters)
    : m_traceHeader(traceHeader), m_gateway(gateway), m_counters(counters)
{}

grpc::ServerReadReactor<als::StreamAccessLogsMessage>* AccessLogService::StreamAccessLogs(
    grpc::CallbackServerContext*, als::StreamAccessLogsResponse*)
{
    return new StreamReactor(*this);
}

void AccessLogService::handle(const als::StreamAccessLogsMessage& message)
{
    const std::string header(core::headerName(m_traceHeader));
    const auto& entries = message.http_logs().log_entry();
    std::vector<core::TraceId> batch;
    batch.reserve(static_cast<std::size_t>(entries.size()));
    for (const data::HTTPAccessLogEntry& entry : entries) {
        if (!isFinal(entry)) {
            bump(m_counters.accessLogEntriesIgnored);
            continue;
        }
        // Any outcome completes the transaction (DESIGN.md §3): the id goes
        // even when the client went away or the upstream timed out.
        bump(m_counters.completions);
        bump(m_counters.completionsByOutcome[static_cast<std::size_t>(outcomeOf(entry))]);
        const std::string* value = findHeader(entry.request().request_headers(), header);
        if (value == nullptr) {
            bump(m_counters.traceIdsMissing);
            continue;
        }
        const core::TraceIdParse parsed = core::parseTraceId(m_traceHeader, *value);
        if (!parsed.id) {
            m_counters.countMalformed(parsed.error);
            logEvent(LogLevel::Debug, "malformed trace id in access log",
                     {{"request_id", entry.request().request_id()},
                      {"error", core::toString(parsed.error)}});
            continue;
        }
        batch.push_back(*parsed.id);
    }
    // One call per batch: one turn of the gateway's mutex, not one per entry.
    if (!batch.empty()) {
        bump(m_counters.diffIdsCompleted, m_gateway.complete(batch));
    }
}

CompletionOutcome AccessLogService::outcomeOf(const data::HTTPAccessLogEntry& entry)
{
    const data::ResponseFlags& flags = entry.common_properties().response_flags();
    if (flags.downstream_connection_termination() || flags.downstream_remote_reset()) {
        return CompletionOutcome::DownstreamDisconnect;
    }
    if (flags.upstream_request_timeout() || flags.stream_idle_timeout() ||
        flags.duration_timeout() || flags.upstream_max_stream_duration_reached()) {
        return CompletionOutcome::Timeout;
    }
    if (entry.response().has_response_code() && entry.response().response_code().value() > 0) {
        return entry.response().response_code().value() >= 500 ? CompletionOutcome::ServerError
                                                               : CompletionOutcome::Response;
    }
    // No status went downstream: a local or upstream reset, or anything else
    // that ended the stream before a response.
    return CompletionOutcome::Reset;
}

bool AccessLogService::isFinal(const data::HTTPAccessLogEntry& entry)
{
    const data::AccessLogType type = entry.common_properties().access_log_type();
    return type == data::NotSet || type == data::DownstreamEnd;
}

}  // namespace concord::tracemanager
