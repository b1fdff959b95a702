// Feeds arbitrary bytes to the orchestrator's POST body parser
// (core/orchestrate_request.h). It may not crash or throw; an error is
// InvalidArgument with a short message that is valid UTF-8 once the REST
// server's JSON writer replaces bad bytes; an accepted body is a JSON object
// whose fields nlohmann reads back as the same valid parameters.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/orchestrate_request.h"

namespace {

using nlohmann::json;
using namespace concord::core;

void checkAccepted(std::string_view text, const OrchestrationParameters& p)
{
    if (!validateParameters(p).ok())
        std::abort();  // accepted out-of-range values
    const json document = json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_object())
        std::abort();  // accepted what is not a JSON object
    for (const auto& [key, value] : document.items()) {
        const int expected = key == "initInstances"         ? p.initInstances
                             : key == "maxInstances"        ? p.maxInstances
                             : key == "resourcePerInstance" ? p.resourcePerInstance
                                                            : (std::abort(), 0);
        if (!value.is_number_integer() || value.get<std::int64_t>() != expected)
            std::abort();  // a value coerced or mixed up
    }
    if (!document.contains("maxInstances") || !document.contains("resourcePerInstance"))
        std::abort();  // a required field defaulted
}

void checkRejected(const Error& error)
{
    if (error.code != ErrorCode::InvalidArgument || error.message.empty() ||
        error.message.size() > 400)
        std::abort();
    // What the server sends: must not throw.
    (void)json{{"error", error.message}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto parsed = parseOrchestrateRequest(text);
        if (parsed.ok())
            checkAccepted(text, *parsed);
        else
            checkRejected(parsed.error());
    } catch (...) {
        std::abort();  // the parser promises never to throw
    }
    return 0;
}
