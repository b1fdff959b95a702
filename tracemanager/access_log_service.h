#pragma once

#include "core/trace_id.h"
#include "counters.h"
#include "envoy/service/accesslog/v3/als.grpc.pb.h"
#include "gateway_state.h"

namespace concord::tracemanager {

// envoy.service.accesslog.v3.AccessLogService at the gateway: every final
// HTTP entry (access_log_type NotSet or DownstreamEnd) is a completion,
// whatever its outcome; its trace id, read from request.request_headers,
// goes to GatewayState::complete. Entries without a valid trace id are
// counted, never fatal to the stream.
class AccessLogService final
    : public envoy::service::accesslog::v3::AccessLogService::CallbackService
{
public:
    AccessLogService(core::TraceHeaderFormat traceHeader, GatewayState& gateway,
                     TraceCounters& counters);

    grpc::ServerReadReactor<envoy::service::accesslog::v3::StreamAccessLogsMessage>*
    StreamAccessLogs(grpc::CallbackServerContext* context,
                     envoy::service::accesslog::v3::StreamAccessLogsResponse* response) override;

    // One batch, as the stream reactor handles it (exposed for tests and the
    // fuzzer).
    void handle(const envoy::service::accesslog::v3::StreamAccessLogsMessage& message);

    // How a final entry ended.
    static CompletionOutcome outcomeOf(const envoy::data::accesslog::v3::HTTPAccessLogEntry& entry);
    static bool isFinal(const envoy::data::accesslog::v3::HTTPAccessLogEntry& entry);

private:
    core::TraceHeaderFormat m_traceHeader;
    GatewayState& m_gateway;
    TraceCounters& m_counters;
};

}  // namespace concord::tracemanager
