#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/trace_id.h"

namespace concord::core {
namespace {

constexpr const char* kId128 = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kSpan = "00f067aa0ba902b7";

void expectError(const TraceIdParse& parsed, TraceIdError error)
{
    EXPECT_FALSE(parsed.id.has_value());
    EXPECT_EQ(parsed.error, error) << toString(parsed.error);
}

TEST(TraceIdB3, Parses64BitIdWithZeroHighWord)
{
    const TraceIdParse parsed = parseB3TraceId("463ac35c9f6413ad");
    ASSERT_TRUE(parsed.id);
    EXPECT_EQ(parsed.id->hi, 0u);
    EXPECT_EQ(parsed.id->lo, 0x463ac35c9f6413adULL);
}

TEST(TraceIdB3, Parses128BitId)
{
    const TraceIdParse parsed = parseB3TraceId(kId128);
    ASSERT_TRUE(parsed.id);
    EXPECT_EQ(parsed.id->hi, 0x4bf92f3577b34da6ULL);
    EXPECT_EQ(parsed.id->lo, 0xa3ce929d0e0e4736ULL);
}

TEST(TraceIdB3, AcceptsUpperAndMixedCase)
{
    const TraceIdParse upper = parseB3TraceId("4BF92F3577B34DA6A3CE929D0E0E4736");
    const TraceIdParse mixed = parseB3TraceId("4Bf92f3577b34dA6a3cE929d0e0e4736");
    ASSERT_TRUE(upper.id);
    ASSERT_TRUE(mixed.id);
    EXPECT_EQ(*upper.id, *parseB3TraceId(kId128).id);
    EXPECT_EQ(*mixed.id, *upper.id);
}

TEST(TraceIdB3, ZeroPadded128BitIdIsThe64BitId)
{
    const TraceIdParse padded = parseB3TraceId("0000000000000000463ac35c9f6413ad");
    ASSERT_TRUE(padded.id);
    EXPECT_EQ(*padded.id, *parseB3TraceId("463ac35c9f6413ad").id);
}

TEST(TraceIdB3, RejectsEmpty)
{
    expectError(parseB3TraceId(""), TraceIdError::Empty);
}

TEST(TraceIdB3, RejectsWrongLength)
{
    expectError(parseB3TraceId("463ac35c9f6413a"), TraceIdError::WrongLength);
    expectError(parseB3TraceId("463ac35c9f6413ad0"), TraceIdError::WrongLength);
    expectError(parseB3TraceId("4bf92f3577b34da6a3ce929d0e0e47360"), TraceIdError::WrongLength);
    expectError(parseB3TraceId("a"), TraceIdError::WrongLength);
    expectError(parseB3TraceId(" 463ac35c9f6413ad"), TraceIdError::WrongLength);
}

TEST(TraceIdB3, RejectsNonHex)
{
    expectError(parseB3TraceId("463ac35c9f6413ag"), TraceIdError::NotHex);
    expectError(parseB3TraceId("g63ac35c9f6413ad"), TraceIdError::NotHex);
    expectError(parseB3TraceId("4bf92f3577b34da6-3ce929d0e0e4736"), TraceIdError::NotHex);
    expectError(parseB3TraceId("463ac35c 9f6413a"), TraceIdError::NotHex);
    expectError(parseB3TraceId(std::string("463ac35c\0f6413ad", 16)), TraceIdError::NotHex);
    expectError(parseB3TraceId("463ac35c\xc3\xa9"
                               "f6413a"),
                TraceIdError::NotHex);
}

TEST(TraceIdB3, RejectsAllZero)
{
    expectError(parseB3TraceId("0000000000000000"), TraceIdError::AllZero);
    expectError(parseB3TraceId(std::string(32, '0')), TraceIdError::AllZero);
}

TEST(TraceIdHex, FormatsLowerCaseWithMinimalWidth)
{
    EXPECT_EQ((TraceId{0, 0x463ac35c9f6413adULL}).toHex(), "463ac35c9f6413ad");
    EXPECT_EQ((TraceId{0, 1}).toHex(), "0000000000000001");
    EXPECT_EQ((TraceId{1, 0}).toHex(), "00000000000000010000000000000000");
    EXPECT_EQ(parseB3TraceId("4BF92F3577B34DA6A3CE929D0E0E4736").id->toHex(), kId128);
}

TEST(TraceIdHex, RandomIdsRoundTrip)
{
    std::mt19937_64 rng(42);
    for (int i = 0; i < 10'000; ++i) {
        const TraceId id{i % 2 == 0 ? 0 : rng(), rng() | 1};
        const TraceIdParse parsed = parseB3TraceId(id.toHex());
        ASSERT_TRUE(parsed.id) << id.toHex();
        EXPECT_EQ(*parsed.id, id);
    }
}

TEST(TraceParent, ParsesVersion00)
{
    const std::string value = std::string("00-") + kId128 + "-" + kSpan + "-01";
    ASSERT_EQ(value.size(), 55u);
    const TraceIdParse parsed = parseTraceParent(value);
    ASSERT_TRUE(parsed.id);
    EXPECT_EQ(*parsed.id, *parseB3TraceId(kId128).id);
    EXPECT_TRUE(parseTraceParent(std::string("00-") + kId128 + "-" + kSpan + "-00").id);
}

TEST(TraceParent, Version00MustBeExactly55Characters)
{
    const std::string valid = std::string("00-") + kId128 + "-" + kSpan + "-01";
    expectError(parseTraceParent(valid + "-"), TraceIdError::BadFormat);
    expectError(parseTraceParent(valid + "-what"), TraceIdError::BadFormat);
    expectError(parseTraceParent(valid + "0"), TraceIdError::BadFormat);
    expectError(parseTraceParent(valid.substr(0, 54)), TraceIdError::BadFormat);
}

TEST(TraceParent, FutureVersionMayCarryExtraFields)
{
    const std::string base = std::string("cc-") + kId128 + "-" + kSpan + "-01";
    EXPECT_TRUE(parseTraceParent(base).id);
    EXPECT_TRUE(parseTraceParent(base + "-what-the-future-will-be-like").id);
    // The 56th character must be a dash.
    expectError(parseTraceParent(base + "x-future"), TraceIdError::BadFormat);
}

TEST(TraceParent, RejectsVersionFf)
{
    expectError(parseTraceParent(std::string("ff-") + kId128 + "-" + kSpan + "-01"),
                TraceIdError::BadFormat);
}

TEST(TraceParent, RejectsMalformedVersionAndDashes)
{
    expectError(parseTraceParent(std::string("0-") + kId128 + "-" + kSpan + "-01"),
                TraceIdError::BadFormat);
    expectError(parseTraceParent(std::string("zz-") + kId128 + "-" + kSpan + "-01"),
                TraceIdError::BadFormat);
    expectError(parseTraceParent(std::string("00_") + kId128 + "_" + kSpan + "_01"),
                TraceIdError::BadFormat);
    expectError(parseTraceParent(std::string("00-") + kId128 + kSpan + "-01"),
                TraceIdError::WrongLength);
    expectError(parseTraceParent(std::string("00-") + kId128 + "-" + kSpan + "01"),
                TraceIdError::BadFormat);
}

TEST(TraceParent, RejectsBadTraceId)
{
    const std::string tail = std::string("-") + kSpan + "-01";
    expectError(parseTraceParent("00-" + std::string(32, '0') + tail), TraceIdError::AllZero);
    expectError(parseTraceParent("00-463ac35c9f6413ad" + tail), TraceIdError::WrongLength);
    expectError(parseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e473x" + tail),
                TraceIdError::NotHex);
}

TEST(TraceParent, RejectsBadSpanIdAndFlags)
{
    const std::string head = std::string("00-") + kId128 + "-";
    expectError(parseTraceParent(head + std::string(16, '0') + "-01"), TraceIdError::BadFormat);
    expectError(parseTraceParent(head + "00f067aa0ba902bz-01"), TraceIdError::BadFormat);
    expectError(parseTraceParent(head + "00f067aa0ba902b-001"), TraceIdError::BadFormat);
    expectError(parseTraceParent(head + kSpan + "-0g"), TraceIdError::BadFormat);
}

TEST(TraceParent, RejectsEmpty)
{
    expectError(parseTraceParent(""), TraceIdError::Empty);
}

TEST(B3Single, ParsesTraceAndSpanOnly)
{
    const TraceIdParse parsed = parseB3Single(std::string(kId128) + "-" + kSpan);
    ASSERT_TRUE(parsed.id);
    EXPECT_EQ(*parsed.id, *parseB3TraceId(kId128).id);
}

TEST(B3Single, ParsesSamplingAndParentVariants)
{
    const std::string base = std::string("463ac35c9f6413ad-") + kSpan;
    for (const char* sampling : {"0", "1", "d"}) {
        EXPECT_TRUE(parseB3Single(base + "-" + sampling).id) << sampling;
        EXPECT_TRUE(parseB3Single(base + "-" + sampling + "-05e3ac9a4f6e3b90").id) << sampling;
    }
    EXPECT_EQ(parseB3Single(base + "-1").id->lo, 0x463ac35c9f6413adULL);
}

TEST(B3Single, LoneSamplingStateCarriesNoTraceId)
{
    for (const char* sampling : {"0", "1", "d"}) {
        expectError(parseB3Single(sampling), TraceIdError::BadFormat);
    }
}

TEST(B3Single, RejectsMalformedValues)
{
    const std::string base = std::string("463ac35c9f6413ad-") + kSpan;
    expectError(parseB3Single(""), TraceIdError::Empty);
    expectError(parseB3Single(kId128), TraceIdError::BadFormat);  // no span id
    expectError(parseB3Single(base + "-"), TraceIdError::BadFormat);
    expectError(parseB3Single(base + "-2"), TraceIdError::BadFormat);
    expectError(parseB3Single(base + "-true"), TraceIdError::BadFormat);
    expectError(parseB3Single(base + "-1-05e3ac9a4f6e3b9"), TraceIdError::BadFormat);
    expectError(parseB3Single(base + "-1-05e3ac9a4f6e3b9z"), TraceIdError::BadFormat);
    expectError(parseB3Single(base + "-1-05e3ac9a4f6e3b90-x"), TraceIdError::BadFormat);
    expectError(parseB3Single("463ac35c9f6413ad-" + std::string(16, '0')), TraceIdError::BadFormat);
    expectError(parseB3Single("463ac35c9f6413ad-00f067aa0ba902b"), TraceIdError::BadFormat);
}

TEST(B3Single, RejectsBadTraceId)
{
    const std::string tail = std::string("-") + kSpan;
    expectError(parseB3Single("463ac35c9f6413a" + tail), TraceIdError::WrongLength);
    expectError(parseB3Single("463ac35c9f6413ax" + tail), TraceIdError::NotHex);
    expectError(parseB3Single(std::string(16, '0') + tail), TraceIdError::AllZero);
    expectError(parseB3Single(tail), TraceIdError::WrongLength);
}

TEST(TraceIdDispatch, UsesTheParserOfTheFormat)
{
    const std::string b3 = std::string(kId128) + "-" + kSpan;
    EXPECT_TRUE(parseTraceId(TraceHeaderFormat::B3TraceId, kId128).id);
    EXPECT_FALSE(parseTraceId(TraceHeaderFormat::B3TraceId, b3).id);
    EXPECT_TRUE(parseTraceId(TraceHeaderFormat::B3Single, b3).id);
    EXPECT_FALSE(parseTraceId(TraceHeaderFormat::TraceParent, b3).id);
    EXPECT_TRUE(parseTraceId(TraceHeaderFormat::TraceParent, "00-" + b3 + "-01").id);
}

TEST(TraceIdNames, HeaderNamesAndErrorStrings)
{
    EXPECT_EQ(headerName(TraceHeaderFormat::B3TraceId), "x-b3-traceid");
    EXPECT_EQ(headerName(TraceHeaderFormat::TraceParent), "traceparent");
    EXPECT_EQ(headerName(TraceHeaderFormat::B3Single), "b3");
    EXPECT_EQ(toString(TraceIdError::Empty), "empty");
    EXPECT_EQ(toString(TraceIdError::WrongLength), "wrong length");
    EXPECT_EQ(toString(TraceIdError::NotHex), "not hex");
    EXPECT_EQ(toString(TraceIdError::AllZero), "all zero");
    EXPECT_EQ(toString(TraceIdError::BadFormat), "bad format");
}

}  // namespace
}  // namespace concord::core
