#include "trace_id.h"

#include <array>
#include <cstddef>

namespace concord::core {

namespace {

constexpr std::uint8_t kNotHex = 0xff;

// Hand-rolled lookup table: the tracemgr parses one id per inbound request, so
// this is on the hot path, and the grammar is too small to need a library.
constexpr std::array<std::uint8_t, 256> makeHexTable()
{
    std::array<std::uint8_t, 256> table{};
    table.fill(kNotHex);
    for (int i = 0; i < 10; ++i) {
        table[static_cast<std::size_t>('0' + i)] = static_cast<std::uint8_t>(i);
    }
    for (int i = 0; i < 6; ++i) {
        table[static_cast<std::size_t>('a' + i)] = static_cast<std::uint8_t>(10 + i);
        table[static_cast<std::size_t>('A' + i)] = static_cast<std::uint8_t>(10 + i);
    }
    return table;
}

constexpr std::array<std::uint8_t, 256> kHexTable = makeHexTable();

// Decodes up to 16 hex digits into `out`; false when any of them is not hex.
bool decodeHex(std::string_view digits, std::uint64_t& out)
{
    std::uint64_t value = 0;
    std::uint8_t bad = 0;
    for (const char c : digits) {
        const std::uint8_t nibble = kHexTable[static_cast<unsigned char>(c)];
        // Accumulate the failure instead of branching per digit.
        bad |= nibble & 0x80;
        value = (value << 4) | (nibble & 0x0f);
    }
    out = value;
    return bad == 0;
}

bool isHex(std::string_view digits)
{
    std::uint64_t ignored = 0;
    return decodeHex(digits, ignored);
}

TraceIdParse failure(TraceIdError error)
{
    return TraceIdParse{std::nullopt, error};
}

// The trace-id field shared by all three formats: 16 or 32 hex digits, not all zero.
TraceIdParse parseTraceIdField(std::string_view digits)
{
    TraceId id;
    bool hex = false;
    if (digits.size() == 16) {
        hex = decodeHex(digits, id.lo);
    } else if (digits.size() == 32) {
        hex = decodeHex(digits.substr(0, 16), id.hi) && decodeHex(digits.substr(16), id.lo);
    } else {
        return failure(TraceIdError::WrongLength);
    }
    if (!hex) {
        return failure(TraceIdError::NotHex);
    }
    if (!id.isValid()) {
        return failure(TraceIdError::AllZero);
    }
    return TraceIdParse{id, TraceIdError::Empty};
}

// A 16-hex-digit span id that is not all zero (W3C parent-id, B3 span id).
bool isSpanId(std::string_view digits)
{
    std::uint64_t value = 0;
    return digits.size() == 16 && decodeHex(digits, value) && value != 0;
}

// Splits off the text before the next '-'; `rest` keeps what follows the dash.
// `hadDash` tells whether a dash was found at all.
std::string_view nextField(std::string_view& rest, bool& hadDash)
{
    const std::size_t dash = rest.find('-');
    hadDash = dash != std::string_view::npos;
    const std::string_view field = rest.substr(0, dash);
    rest = hadDash ? rest.substr(dash + 1) : std::string_view{};
    return field;
}

// Writes `value` as exactly 16 lower-case hex digits starting at `out`.
void writeHex16(std::uint64_t value, char* out)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
        out[i] = kDigits[value & 0x0f];
        value >>= 4;
    }
}

}  // namespace

std::string TraceId::toHex() const
{
    std::string out(hi == 0 ? 16 : 32, '0');
    char* end = out.data() + out.size();
    writeHex16(lo, end - 16);
    if (hi != 0) {
        writeHex16(hi, end - 32);
    }
    return out;
}

TraceIdParse parseB3TraceId(std::string_view value)
{
    if (value.empty()) {
        return failure(TraceIdError::Empty);
    }
    return parseTraceIdField(value);
}

// W3C Trace Context: version-traceid-parentid-flags. Upper-case hex is accepted
// like everywhere else: dropping an id would let a DiffSet drain too early.
TraceIdParse parseTraceParent(std::string_view value)
{
    if (value.empty()) {
        return failure(TraceIdError::Empty);
    }
    std::string_view rest = value;
    bool dash = false;
    const std::string_view version = nextField(rest, dash);
    if (!dash || version.size() != 2 || !isHex(version) || version == "ff" || version == "FF") {
        return failure(TraceIdError::BadFormat);
    }
    const std::string_view traceId = nextField(rest, dash);
    if (!dash) {
        return failure(TraceIdError::BadFormat);
    }
    if (traceId.size() != 32) {  // traceparent carries 128-bit ids only
        return failure(TraceIdError::WrongLength);
    }
    TraceIdParse parsed = parseTraceIdField(traceId);
    if (!parsed.id) {
        return parsed;
    }
    const std::string_view spanId = nextField(rest, dash);
    if (!dash || !isSpanId(spanId)) {
        return failure(TraceIdError::BadFormat);
    }
    const std::string_view flags = nextField(rest, dash);
    if (flags.size() != 2 || !isHex(flags)) {
        return failure(TraceIdError::BadFormat);
    }
    // Version 00 is exactly 55 characters; later versions may append "-...".
    if (dash && version == "00") {
        return failure(TraceIdError::BadFormat);
    }
    return parsed;
}

// b3: {traceid}-{spanid}[-{sampling}[-{parentspanid}]]. A lone sampling state
// ("0", "1", "d") is valid b3 but carries no trace id, so it is not recorded.
TraceIdParse parseB3Single(std::string_view value)
{
    if (value.empty()) {
        return failure(TraceIdError::Empty);
    }
    std::string_view rest = value;
    bool dash = false;
    const std::string_view traceId = nextField(rest, dash);
    if (!dash) {
        return failure(TraceIdError::BadFormat);
    }
    TraceIdParse parsed = parseTraceIdField(traceId);
    if (!parsed.id) {
        return parsed;
    }
    const std::string_view spanId = nextField(rest, dash);
    if (!isSpanId(spanId)) {
        return failure(TraceIdError::BadFormat);
    }
    if (!dash) {
        return parsed;
    }
    const std::string_view sampling = nextField(rest, dash);
    if (sampling != "0" && sampling != "1" && sampling != "d") {
        return failure(TraceIdError::BadFormat);
    }
    if (!dash) {
        return parsed;
    }
    std::uint64_t parentSpanId = 0;
    if (rest.size() != 16 || !decodeHex(rest, parentSpanId)) {
        return failure(TraceIdError::BadFormat);
    }
    return parsed;
}

TraceIdParse parseTraceId(TraceHeaderFormat format, std::string_view value)
{
    switch (format) {
        case TraceHeaderFormat::B3TraceId:
            return parseB3TraceId(value);
        case TraceHeaderFormat::TraceParent:
            return parseTraceParent(value);
        case TraceHeaderFormat::B3Single:
            return parseB3Single(value);
    }
    return failure(TraceIdError::BadFormat);
}

std::string_view toString(TraceIdError error)
{
    switch (error) {
        case TraceIdError::Empty:
            return "empty";
        case TraceIdError::WrongLength:
            return "wrong length";
        case TraceIdError::NotHex:
            return "not hex";
        case TraceIdError::AllZero:
            return "all zero";
        case TraceIdError::BadFormat:
            return "bad format";
    }
    return "unknown";
}

std::string_view headerName(TraceHeaderFormat format)
{
    switch (format) {
        case TraceHeaderFormat::B3TraceId:
            return "x-b3-traceid";
        case TraceHeaderFormat::TraceParent:
            return "traceparent";
        case TraceHeaderFormat::B3Single:
            return "b3";
    }
    return "";
}

}  // namespace concord::core
