#include "core/orchestrate_request.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>

namespace concord::core {

namespace {

using nlohmann::json;

// Messages echo parts of the input (a key, the parser's last token); this
// keeps one error short however long the input.
constexpr std::size_t kMaxMessageBytes = 300;
constexpr std::size_t kMaxKeyBytes = 60;

Error invalid(std::string message)
{
    return makeError(ErrorCode::InvalidArgument, truncateUtf8(message, kMaxMessageBytes));
}

std::string article(json::value_t type)
{
    switch (type) {
        case json::value_t::array:
            return "an array";
        case json::value_t::string:
            return "a string";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::null:
            return "null";
        case json::value_t::object:
            return "an object";
        default:
            return "a number";
    }
}

// nlohmann's "[json.exception.parse_error.101] parse error at line 1, column
// 7: …" as "malformed JSON at line 1, column 7: …".
std::string parseErrorMessage(const json::parse_error& e)
{
    std::string text = e.what();
    if (const auto bracket = text.find("] ");
        text.rfind("[json.exception.", 0) == 0 && bracket != std::string::npos)
        text.erase(0, bracket + 2);
    constexpr std::string_view kPrefix = "parse error";
    if (text.rfind(kPrefix, 0) == 0)
        return "malformed JSON" + text.substr(kPrefix.size());
    return "malformed JSON: " + text;
}

std::string joined(const std::vector<std::string_view>& fields)
{
    std::string out;
    for (const auto field : fields)
        out += (out.empty() ? "" : ", ") + std::string(field);
    return out;
}

// An integer field's value: the int, or a value outside int (as a sentinel
// that fails the same range check, and the text to report), or a type error.
struct IntegerField
{
    std::optional<int> value;
    std::string outOfRangeText;  // set when value holds a sentinel
};

Result<IntegerField> integerField(const json& value, std::string_view name)
{
    const auto outOfRange = [&](bool negative) {
        return IntegerField{negative ? INT_MIN : INT_MAX, describeJsonValue(value)};
    };
    if (value.is_number_unsigned()) {
        const auto v = value.get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(INT_MAX))
            return outOfRange(false);
        return IntegerField{static_cast<int>(v), {}};
    }
    if (value.is_number_integer()) {
        const auto v = value.get<std::int64_t>();
        if (v > INT_MAX || v < INT_MIN)
            return outOfRange(v < 0);
        return IntegerField{static_cast<int>(v), {}};
    }
    // An integer literal too long for 64 bits arrives as a float: out of
    // range rather than "not an integer".
    if (value.is_number_float()) {
        const double v = value.get<double>();
        if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) >= 9.2e18)
            return outOfRange(v < 0);
    }
    return invalid(std::string(name) + " must be an integer, got " + describeJsonValue(value));
}

// validateParameters() with a sentinel in place of an out-of-int value
// reports the sentinel; report what the request said instead.
Status validated(const OrchestrationParameters& parameters,
                 const std::vector<std::string_view>& names, const IntegerField (&fields)[3])
{
    auto status = validateParameters(parameters);
    if (status.ok())
        return status;
    std::string message = status.error().message;
    for (int i = 0; i < 3; ++i) {
        const std::string_view name = names[static_cast<std::size_t>(i)];
        if (fields[i].outOfRangeText.empty() || message.rfind(name, 0) != 0 ||
            message.compare(name.size(), 1, " ") != 0)
            continue;
        const std::string sentinel = std::to_string(*fields[i].value);
        if (message.size() >= sentinel.size() &&
            message.compare(message.size() - sentinel.size(), sentinel.size(), sentinel) == 0)
            message.replace(message.size() - sentinel.size(), sentinel.size(),
                            fields[i].outOfRangeText);
    }
    return invalid(message);
}

}  // namespace

std::string truncateUtf8(std::string_view text, std::size_t maxBytes)
{
    if (text.size() <= maxBytes)
        return std::string(text);
    std::size_t cut = maxBytes;
    // Back off continuation bytes (10xxxxxx) so no sequence is split.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(text.substr(0, cut)) + "…";
}

std::string describeJsonValue(const json& value, std::size_t maxBytes)
{
    return truncateUtf8(value.dump(-1, ' ', false, json::error_handler_t::replace), maxBytes);
}

Result<json> parseJsonObject(std::string_view body, const std::vector<std::string_view>& fields)
{
    if (std::all_of(body.begin(), body.end(),
                    [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }))
        return invalid("the body is empty; expected a JSON object");
    std::set<std::string> seen;
    std::optional<std::string> duplicate;
    const json::parser_callback_t onEvent = [&](int depth, json::parse_event_t event,
                                                json& parsed) {
        if (event == json::parse_event_t::key && depth == 1 && !duplicate &&
            !seen.insert(parsed.get<std::string>()).second)
            duplicate = parsed.get<std::string>();
        return true;
    };
    json document;
    try {
        document = json::parse(body.begin(), body.end(), onEvent);
    } catch (const json::parse_error& e) {
        return invalid(parseErrorMessage(e));
    } catch (const json::exception& e) {
        return invalid(std::string("malformed JSON: ") + e.what());
    }
    if (!document.is_object())
        return invalid("the body must be a JSON object, not " + article(document.type()));
    if (duplicate)
        return invalid("field '" + truncateUtf8(*duplicate, kMaxKeyBytes) + "' is given twice");
    for (const auto& [key, value] : document.items()) {
        if (std::find(fields.begin(), fields.end(), key) == fields.end())
            return invalid("unknown field '" + truncateUtf8(key, kMaxKeyBytes) +
                           "' (known: " + joined(fields) + ")");
    }
    return document;
}

Result<OrchestrationParameters> parseOrchestrateRequest(std::string_view body)
{
    static const std::vector<std::string_view> kFields = {"initInstances", "maxInstances",
                                                          "resourcePerInstance"};
    auto document = parseJsonObject(body, kFields);
    if (!document.ok())
        return document.error();
    IntegerField values[3];
    for (int i = 0; i < 3; ++i) {
        const auto it = document->find(kFields[i]);
        if (it == document->end()) {
            if (i > 0)
                return invalid(std::string(kFields[i]) + " is required");
            continue;
        }
        auto field = integerField(*it, kFields[i]);
        if (!field.ok())
            return field.error();
        values[i] = std::move(*field);
    }
    OrchestrationParameters parameters;
    parameters.maxInstances = *values[1].value;
    parameters.resourcePerInstance = *values[2].value;
    // The default stays within 1…kDefaultInitInstances, so an invalid
    // maxInstances is reported as such, not as an initInstances the caller
    // never sent.
    parameters.initInstances = values[0].value.value_or(
        std::clamp(std::min(kDefaultInitInstances, parameters.maxInstances), kMinInitInstances,
                   kDefaultInitInstances));
    if (auto status = validated(parameters, kFields, values); !status.ok())
        return status.error();
    return parameters;
}

}  // namespace concord::core
