// Feeds arbitrary bytes to what the sidecar does with Envoy's messages: the
// first byte picks an ext_authz Check (blocking on or off) or an access-log
// batch; the rest is parsed as that message, as gRPC would, and handled.
// Invariants: a blocked Check records nothing and answers 503; an allowed one
// records at most one id; every final access-log entry is one completion
// and every other one is ignored — nothing is lost or double counted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "envoy/service/accesslog/v3/als.pb.h"
#include "envoy/service/auth/v3/external_auth.pb.h"
#include "tracemanager/access_log_service.h"
#include "tracemanager/authz_policy.h"
#include "tracemanager/authz_service.h"
#include "tracemanager/gateway_state.h"
#include "tracemanager/trace_recorder.h"

namespace {

using namespace concord::tracemanager;
using namespace std::chrono_literals;

void fuzzCheck(const std::uint8_t* data, std::size_t size, bool blocking)
{
    envoy::service::auth::v3::CheckRequest request;
    if (!request.ParseFromArray(data, static_cast<int>(size))) {
        return;  // gRPC answers INTERNAL; the handler never sees it
    }
    TraceCounters counters;
    TraceRecorder recorder(600s, 4);
    AuthzPolicy policy({}, &recorder, counters);
    if (blocking) {
        policy.setBlocking(true, {"auth-service-v1"});
    }
    envoy::service::auth::v3::CheckResponse response;
    policyCheckHandler(policy)(request, response);
    const bool allowed = response.status().code() == 0;
    if (allowed == (counters.checksBlocked.load() == 1) || recorder.size() > 1) {
        std::abort();
    }
    if (!allowed && (recorder.size() != 0 || response.denied_response().status().code() != 503)) {
        std::abort();
    }
}

void fuzzAccessLog(const std::uint8_t* data, std::size_t size)
{
    envoy::service::accesslog::v3::StreamAccessLogsMessage message;
    if (!message.ParseFromArray(data, static_cast<int>(size))) {
        return;
    }
    TraceCounters counters;
    GatewayState gateway(600s);
    AccessLogService service(concord::core::TraceHeaderFormat::B3TraceId, gateway, counters);
    service.handle(message);
    const auto entries = static_cast<std::uint64_t>(message.http_logs().log_entry_size());
    if (counters.completions.load() + counters.accessLogEntriesIgnored.load() != entries ||
        gateway.completedSize() > counters.completions.load()) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    switch (data[0] % 3) {
        case 0:
            fuzzCheck(data + 1, size - 1, false);
            break;
        case 1:
            fuzzCheck(data + 1, size - 1, true);
            break;
        default:
            fuzzAccessLog(data + 1, size - 1);
            break;
    }
    return 0;
}
