// The body of POST /v1/api/orchestrations/:resource/orchestrate: every field,
// type, range and unknown-field case, with the message the caller reads.

#include <gtest/gtest.h>

#include <string>

#include "core/orchestrate_request.h"

namespace concord::core {
namespace {

// The error message of parsing `body`, or "" (and a failure) when it parsed.
std::string rejection(const std::string& body)
{
    const auto parsed = parseOrchestrateRequest(body);
    EXPECT_FALSE(parsed.ok()) << body;
    if (parsed.ok())
        return {};
    EXPECT_EQ(parsed.error().code, ErrorCode::InvalidArgument) << body;
    return parsed.error().message;
}

TEST(OrchestrateRequest, ParsesAllThreeFields)
{
    const auto parsed = parseOrchestrateRequest(
        R"({"initInstances": 7, "maxInstances": 50, "resourcePerInstance": 250})");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->initInstances, 7);
    EXPECT_EQ(parsed->maxInstances, 50);
    EXPECT_EQ(parsed->resourcePerInstance, 250);
}

TEST(OrchestrateRequest, TheRangesIncludeTheirEnds)
{
    for (const char* body :
         {R"({"initInstances": 1, "maxInstances": 3, "resourcePerInstance": 1})",
          R"({"initInstances": 100, "maxInstances": 100, "resourcePerInstance": 5000})",
          R"({"initInstances": 3, "maxInstances": 3, "resourcePerInstance": 5000})"}) {
        const auto parsed = parseOrchestrateRequest(body);
        EXPECT_TRUE(parsed.ok()) << body << ": " << parsed.error().message;
    }
}

TEST(OrchestrateRequest, WithoutInitInstancesItIsTenOrMaxInstancesWhenSmaller)
{
    auto parsed = parseOrchestrateRequest(R"({"maxInstances": 100, "resourcePerInstance": 9})");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->initInstances, 10);
    parsed = parseOrchestrateRequest(R"({"maxInstances": 4, "resourcePerInstance": 9})");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->initInstances, 4);
}

TEST(OrchestrateRequest, TheRequiredFieldsAreRequired)
{
    EXPECT_EQ(rejection(R"({"resourcePerInstance": 9})"), "maxInstances is required");
    EXPECT_EQ(rejection(R"({"maxInstances": 9})"), "resourcePerInstance is required");
    EXPECT_EQ(rejection("{}"), "maxInstances is required");
}

TEST(OrchestrateRequest, EachOutOfRangeValueHasItsOwnMessage)
{
    EXPECT_EQ(rejection(R"({"maxInstances": 2, "resourcePerInstance": 9})"),
              "maxInstances must be between 3 and 100, got 2");
    EXPECT_EQ(rejection(R"({"maxInstances": 101, "resourcePerInstance": 9})"),
              "maxInstances must be between 3 and 100, got 101");
    EXPECT_EQ(rejection(R"({"maxInstances": 10, "resourcePerInstance": 0})"),
              "resourcePerInstance must be between 1 and 5000, got 0");
    EXPECT_EQ(rejection(R"({"maxInstances": 10, "resourcePerInstance": 5001})"),
              "resourcePerInstance must be between 1 and 5000, got 5001");
    EXPECT_EQ(rejection(R"({"initInstances": 0, "maxInstances": 10, "resourcePerInstance": 9})"),
              "initInstances must be between 1 and maxInstances (10), got 0");
    EXPECT_EQ(rejection(R"({"initInstances": 11, "maxInstances": 10, "resourcePerInstance": 9})"),
              "initInstances must be between 1 and maxInstances (10), got 11");
    EXPECT_EQ(rejection(R"({"initInstances": -5, "maxInstances": 10, "resourcePerInstance": 9})"),
              "initInstances must be between 1 and maxInstances (10), got -5");
}

TEST(OrchestrateRequest, AnInvalidMaxInstancesIsNotReportedAsTheDefaultInitInstances)
{
    EXPECT_EQ(rejection(R"({"maxInstances": 0, "resourcePerInstance": 9})"),
              "maxInstances must be between 3 and 100, got 0");
    EXPECT_EQ(rejection(R"({"maxInstances": -7, "resourcePerInstance": 9})"),
              "maxInstances must be between 3 and 100, got -7");
}

TEST(OrchestrateRequest, IntegersBeyondIntAreOutOfRangeWithTheValueAsSent)
{
    EXPECT_EQ(rejection(R"({"maxInstances": 99999999999, "resourcePerInstance": 9})"),
              "maxInstances must be between 3 and 100, got 99999999999");
    EXPECT_EQ(rejection(R"({"maxInstances": 10, "resourcePerInstance": -99999999999})"),
              "resourcePerInstance must be between 1 and 5000, got -99999999999");
    EXPECT_EQ(rejection(R"({"maxInstances": 18446744073709551615, "resourcePerInstance": 9})"),
              "maxInstances must be between 3 and 100, got 18446744073709551615");
    // Too long even for 64 bits: nlohmann reads it as a float.
    EXPECT_EQ(rejection(R"({"maxInstances": 1)" + std::string(30, '0') +
                        R"(, "resourcePerInstance": 9})"),
              "maxInstances must be between 3 and 100, got 1e+30");
    EXPECT_EQ(rejection(R"({"initInstances": 4294967296, "maxInstances": 10,
                            "resourcePerInstance": 9})"),
              "initInstances must be between 1 and maxInstances (10), got 4294967296");
}

TEST(OrchestrateRequest, ValuesOfTheWrongTypeAreRejectedNotCoerced)
{
    const std::string tail = R"(, "resourcePerInstance": 9})";
    EXPECT_EQ(rejection(R"({"maxInstances": "10")" + tail),
              R"(maxInstances must be an integer, got "10")");
    EXPECT_EQ(rejection(R"({"maxInstances": 10.5)" + tail),
              "maxInstances must be an integer, got 10.5");
    EXPECT_EQ(rejection(R"({"maxInstances": 10.0)" + tail),
              "maxInstances must be an integer, got 10.0");
    EXPECT_EQ(rejection(R"({"maxInstances": 1e1)" + tail),
              "maxInstances must be an integer, got 10.0");
    EXPECT_EQ(rejection(R"({"maxInstances": true)" + tail),
              "maxInstances must be an integer, got true");
    EXPECT_EQ(rejection(R"({"maxInstances": null)" + tail),
              "maxInstances must be an integer, got null");
    EXPECT_EQ(rejection(R"({"maxInstances": [10])" + tail),
              "maxInstances must be an integer, got [10]");
    EXPECT_EQ(rejection(R"({"maxInstances": {"value": 10})" + tail),
              R"(maxInstances must be an integer, got {"value":10})");
    EXPECT_EQ(rejection(R"({"maxInstances": 10, "resourcePerInstance": "9"})"),
              R"(resourcePerInstance must be an integer, got "9")");
    EXPECT_EQ(
        rejection(R"({"initInstances": false, "maxInstances": 10, "resourcePerInstance": 9})"),
        "initInstances must be an integer, got false");
    EXPECT_EQ(rejection(R"({"initInstances": 2.5, "maxInstances": 10, "resourcePerInstance": 9})"),
              "initInstances must be an integer, got 2.5");
}

TEST(OrchestrateRequest, ALongValueIsCutInTheMessage)
{
    const std::string message = rejection(R"({"maxInstances": ")" + std::string(5000, 'x') +
                                          R"(", "resourcePerInstance": 9})");
    EXPECT_LT(message.size(), 120u);
    EXPECT_EQ(message.rfind("maxInstances must be an integer, got \"xxx", 0), 0u) << message;
    EXPECT_NE(message.find("…"), std::string::npos);
}

TEST(OrchestrateRequest, UnknownAndDuplicateFieldsAreRejected)
{
    EXPECT_EQ(rejection(R"({"maxInstance": 10, "resourcePerInstance": 9})"),
              "unknown field 'maxInstance' (known: initInstances, maxInstances, "
              "resourcePerInstance)");
    EXPECT_EQ(rejection(R"({"maxInstances": 10, "resourcePerInstance": 9, "extra": null})"),
              "unknown field 'extra' (known: initInstances, maxInstances, resourcePerInstance)");
    EXPECT_EQ(rejection(R"({"maxInstances": 10, "resourcePerInstance": 9, "maxInstances": 3})"),
              "field 'maxInstances' is given twice");
}

TEST(OrchestrateRequest, ABodyThatIsNotAnObjectIsRejected)
{
    EXPECT_EQ(rejection(""), "the body is empty; expected a JSON object");
    EXPECT_EQ(rejection(" \n"), "the body is empty; expected a JSON object");
    EXPECT_EQ(rejection("[]"), "the body must be a JSON object, not an array");
    EXPECT_EQ(rejection(R"("maxInstances")"), "the body must be a JSON object, not a string");
    EXPECT_EQ(rejection("42"), "the body must be a JSON object, not a number");
    EXPECT_EQ(rejection("true"), "the body must be a JSON object, not a boolean");
    EXPECT_EQ(rejection("null"), "the body must be a JSON object, not null");
}

TEST(OrchestrateRequest, MalformedJsonNamesTheParsersPosition)
{
    EXPECT_EQ(rejection(R"({"maxInstances": 10,})"),
              "malformed JSON at line 1, column 21: syntax error while parsing object key - "
              "unexpected '}'; expected string literal");
    const std::string unterminated = rejection("{\n  \"maxInstances\": 10");
    EXPECT_EQ(unterminated.rfind("malformed JSON at line 2, column 21: ", 0), 0u) << unterminated;
    const std::string trailing = rejection(R"({"maxInstances": 10} x)");
    EXPECT_EQ(trailing.rfind("malformed JSON at line 1, column 22: ", 0), 0u) << trailing;
}

TEST(OrchestrateRequest, InvalidUtf8IsMalformedJson)
{
    const std::string message = rejection("{\"max\xff\": 10}");
    EXPECT_EQ(message.rfind("malformed JSON at line 1, column ", 0), 0u) << message;
}

TEST(OrchestrateRequest, AParserErrorEchoingALongTokenIsCut)
{
    // An unterminated 100 kB string: nlohmann's message quotes the token.
    const std::string message = rejection(R"({"maxInstances": ")" + std::string(100'000, 'a'));
    EXPECT_LE(message.size(), 310u);
    EXPECT_EQ(message.rfind("malformed JSON at line 1", 0), 0u) << message.substr(0, 80);
}

TEST(TruncateUtf8, NeverSplitsASequence)
{
    EXPECT_EQ(truncateUtf8("abc", 3), "abc");
    EXPECT_EQ(truncateUtf8("abcd", 3), "abc…");
    EXPECT_EQ(truncateUtf8("a€b", 2), "a…");  // € is 3 bytes: not cut in its middle
    EXPECT_EQ(truncateUtf8("a€b", 4), "a€…");
}

TEST(ParseJsonObject, AcceptsOnlyTheGivenKeys)
{
    auto parsed = parseJsonObject(R"({"id": "x"})", {"id"});
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ((*parsed)["id"], "x");
    parsed = parseJsonObject(R"({"id": "x", "name": "y"})", {"id"});
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message, "unknown field 'name' (known: id)");
    // A duplicate key inside a nested value is the value's business.
    parsed = parseJsonObject(R"({"id": {"a": 1, "a": 2}})", {"id"});
    EXPECT_TRUE(parsed.ok());
}

}  // namespace
}  // namespace concord::core
