#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "core/trace_id.h"

namespace concord::tracemanager {

// How an access-log completion ended; each is counted (DESIGN.md §3: any
// outcome completes the transaction, client disconnects and timeouts too).
enum class CompletionOutcome
{
    Response,              // a status < 500 went downstream
    ServerError,           // 5xx
    DownstreamDisconnect,  // DC / DR: the client went away
    Timeout,               // UT, SI, DT, UMSDR
    Reset,                 // LR / UR without a response
    kCount,
};

// Every number the sidecar exports (GetStats and /metrics). Relaxed atomics:
// each counter is monotonic on its own, no ordering between them is implied.
struct TraceCounters
{
    static constexpr std::size_t kTraceIdErrors = 5;  // core::TraceIdError values

    std::atomic<std::uint64_t> checksAllowed{0};
    std::atomic<std::uint64_t> checksBlocked{0};
    std::atomic<std::uint64_t> idsRecorded{0};
    std::atomic<std::uint64_t> idsAlreadyPresent{0};
    std::atomic<std::uint64_t> idsNotRecordedLocked{0};
    std::atomic<std::uint64_t> traceIdsMissing{0};
    // Indexed by core::TraceIdError.
    std::array<std::atomic<std::uint64_t>, kTraceIdErrors> traceIdsMalformed{};
    std::atomic<std::uint64_t> idsEvicted{0};
    // Gateway.
    std::atomic<std::uint64_t> completions{0};
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(CompletionOutcome::kCount)>
        completionsByOutcome{};
    // Non-final access-log entries (DownstreamStart/Periodic, upstream logs).
    std::atomic<std::uint64_t> accessLogEntriesIgnored{0};
    std::atomic<std::uint64_t> diffIdsCompleted{0};
    // Control requests answered INVALID_ARGUMENT.
    std::atomic<std::uint64_t> controlRequestsInvalid{0};

    void countMalformed(core::TraceIdError error)
    {
        traceIdsMalformed[static_cast<std::size_t>(error)].fetch_add(1, std::memory_order_relaxed);
    }
    std::uint64_t malformedTotal() const
    {
        std::uint64_t total = 0;
        for (const auto& c : traceIdsMalformed) {
            total += c.load(std::memory_order_relaxed);
        }
        return total;
    }
};

inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1)
{
    counter.fetch_add(by, std::memory_order_relaxed);
}

}  // namespace concord::tracemanager
