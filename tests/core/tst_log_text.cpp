// The log-line pieces concordd and concord-tracemgr share (core/log_text.h).
#include "core/log_text.h"

#include <gtest/gtest.h>

namespace concord::core {
namespace {

TEST(LogText, TimestampsAreRfc3339UtcWithMilliseconds)
{
    using namespace std::chrono;
    const system_clock::time_point t =
        system_clock::time_point{} + seconds(1764649035) + milliseconds(7);
    EXPECT_EQ(rfc3339UtcMillis(t), "2025-12-02T04:17:15.007Z");
    EXPECT_EQ(rfc3339UtcMillis(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(LogText, LogfmtQuotingEscapesQuotesBackslashesAndControls)
{
    EXPECT_EQ(logfmtQuoted("plain"), "\"plain\"");
    EXPECT_EQ(logfmtQuoted(R"(say "hi" \o/)"), R"("say \"hi\" \\o/")");
    EXPECT_EQ(logfmtQuoted("a\nb\rc\td"), R"("a\nb\rc\td")");
    EXPECT_EQ(logfmtQuoted(std::string("\x01\x7f", 2)), R"("\x01\x7f")");
    EXPECT_EQ(logfmtQuoted(""), "\"\"");
}

}  // namespace
}  // namespace concord::core
