#pragma once

// The body of `POST /v1/api/orchestrations/:resource/orchestrate`
// (docs/orchestrator-api.md): a JSON object with the integer fields
// `initInstances` (optional), `maxInstances` and `resourcePerInstance`.
// Parsing is strict — a value of the wrong type is rejected, never coerced —
// so the REST server and its fuzz target share one parser.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/orchestration.h"
#include "core/result.h"

namespace concord::core {

// Request bodies above this are refused before they are parsed (413).
inline constexpr std::size_t kMaxRequestBodyBytes = 1 << 20;

// Parses and validates the body. Every error is InvalidArgument with a
// message naming the field, e.g. "maxInstances must be an integer, got
// \"10\"", "unknown field 'maxInstance' (known: initInstances, maxInstances,
// resourcePerInstance)", "malformed JSON: … at line 1, column 7: …", or the
// range message of validateParameters(). Without initInstances:
// min(kDefaultInitInstances, maxInstances). Never throws.
Result<OrchestrationParameters> parseOrchestrateRequest(std::string_view body);

// The JSON object of a request body whose keys are all in `fields` (in the
// order the error message lists them): rejects malformed JSON (with the
// parser's position), a non-object, a key given twice and an unknown key.
// Values are left to the caller. Never throws.
Result<nlohmann::json> parseJsonObject(std::string_view body,
                                       const std::vector<std::string_view>& fields);

// `value` as a short text for an error message: JSON, cut to `maxBytes` on a
// UTF-8 boundary with "…" appended; invalid UTF-8 is replaced, never thrown.
std::string describeJsonValue(const nlohmann::json& value, std::size_t maxBytes = 40);

// `text` cut to at most `maxBytes` bytes without splitting a UTF-8 sequence,
// with "…" appended when cut.
std::string truncateUtf8(std::string_view text, std::size_t maxBytes);

}  // namespace concord::core
