// Feeds arbitrary header values to every trace id parser. A parsed id must be
// valid and survive toHex() -> parseB3TraceId() unchanged; a rejection must
// carry one of the declared reasons.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/trace_id.h"

namespace {

using concord::core::TraceHeaderFormat;
using concord::core::TraceIdError;
using concord::core::TraceIdParse;

void check(const TraceIdParse& parsed)
{
    if (!parsed.id) {
        switch (parsed.error) {
            case TraceIdError::Empty:
            case TraceIdError::WrongLength:
            case TraceIdError::NotHex:
            case TraceIdError::AllZero:
            case TraceIdError::BadFormat:
                return;
        }
        std::abort();
    }
    if (!parsed.id->isValid()) {
        std::abort();
    }
    const TraceIdParse again = concord::core::parseB3TraceId(parsed.id->toHex());
    if (!again.id || *again.id != *parsed.id) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view value(reinterpret_cast<const char*>(data), size);
    for (const TraceHeaderFormat format :
         {TraceHeaderFormat::B3TraceId, TraceHeaderFormat::TraceParent,
          TraceHeaderFormat::B3Single}) {
        check(concord::core::parseTraceId(format, value));
    }
    return 0;
}
