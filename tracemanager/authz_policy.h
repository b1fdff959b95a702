#pragma once

#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace_id.h"
#include "counters.h"
#include "trace_recorder.h"

namespace concord::tracemanager {

// Calls `onValue` for each value of the request header `name` (lower case);
// not at all when the request has none.
using HeaderLookup = std::function<void(
    std::string_view name, const std::function<void(std::string_view value)>& onValue)>;

// The instance-mode decision for one ext_authz Check (DESIGN.md §3 steps 0
// and 4), independent of the wire format:
// - blocking off: allow; record the trace id (unless the set is locked);
// - blocking on: a request carrying one of the allowed pins is allowed and
//   recorded as above; any other gets 503 and nothing is recorded.
// A missing or malformed trace id is counted and never blocks the request.
class AuthzPolicy final
{
public:
    struct Config
    {
        core::TraceHeaderFormat traceHeader = core::TraceHeaderFormat::B3TraceId;
        std::string pinHeader = "x-version";
    };

    enum class Verdict
    {
        Allow,
        Block,
    };

    // `recorder` is null at a gateway: Check there allows and records nothing.
    AuthzPolicy(Config config, TraceRecorder* recorder, TraceCounters& counters);

    Verdict decide(const HeaderLookup& headers);

    // Blocking mode; `allowedPins` must not be empty when blocking.
    void setBlocking(bool blocking, std::vector<std::string> allowedPins);
    bool isBlocking() const;
    std::vector<std::string> allowedPins() const;
    const Config& config() const { return m_config; }

    // True when a pin header value (comma-separated pins, Istio's `add`
    // appends) holds one of `allowed` exactly, ignoring spaces around commas.
    static bool pinMatches(std::string_view headerValue, const std::vector<std::string>& allowed);

private:
    void recordTraceId(const HeaderLookup& headers);

    Config m_config;
    TraceRecorder* m_recorder;
    TraceCounters& m_counters;
    mutable std::shared_mutex m_modeMutex;
    bool m_blocking = false;
    std::vector<std::string> m_allowedPins;
};

}  // namespace concord::tracemanager
