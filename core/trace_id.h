#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace concord::core {

// A distributed-transaction id. 64-bit B3 ids are stored with hi == 0, so a
// 64-bit id and the same id zero-padded to 128 bits are one transaction.
struct TraceId
{
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;

    friend bool operator==(const TraceId&, const TraceId&) = default;
    friend auto operator<=>(const TraceId&, const TraceId&) = default;

    template <typename H>
    friend H AbslHashValue(H h, const TraceId& id)
    {
        return H::combine(std::move(h), id.hi, id.lo);
    }

    bool isValid() const { return hi != 0 || lo != 0; }
    // Lower-case hex: 16 digits when hi == 0, else 32.
    std::string toHex() const;
};

// Which request header carries the trace id.
enum class TraceHeaderFormat
{
    B3TraceId,    // x-b3-traceid: 16 or 32 hex digits
    TraceParent,  // traceparent: 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>
    B3Single,     // b3: <16|32 hex trace id>-<16 hex span id>[-<sampling>[-<parent span id>]]
};

// Why a header value was not accepted; the tracemgr counts each reason.
enum class TraceIdError
{
    Empty,
    WrongLength,
    NotHex,
    AllZero,
    BadFormat,  // structure of traceparent / b3 is wrong (dashes, version, span id)
};

struct TraceIdParse
{
    std::optional<TraceId> id;
    TraceIdError error = TraceIdError::Empty;  // meaningful only when !id
};

TraceIdParse parseB3TraceId(std::string_view value);
TraceIdParse parseTraceParent(std::string_view value);
TraceIdParse parseB3Single(std::string_view value);
TraceIdParse parseTraceId(TraceHeaderFormat format, std::string_view value);

std::string_view toString(TraceIdError error);
// The request header name for a format: "x-b3-traceid", "traceparent", "b3".
std::string_view headerName(TraceHeaderFormat format);

}  // namespace concord::core
