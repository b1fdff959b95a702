// concord-tracemgr's flags and environment variables: every option, both
// spellings, flag over variable, and the message of every rejection.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tracemanager/tracemgr_options.h"

namespace concord::tracemanager {
namespace {

using Args = std::vector<std::string>;

TraceManagerOptions parseOk(const Args& args, const Args& env = {})
{
    const auto parsed = parseTraceManagerOptions(args, env);
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
    return parsed.ok() ? parsed.value() : TraceManagerOptions{};
}

std::string parseError(const Args& args, const Args& env = {})
{
    const auto parsed = parseTraceManagerOptions(args, env);
    EXPECT_FALSE(parsed.ok());
    if (parsed.ok()) {
        return "";
    }
    EXPECT_EQ(parsed.error().code, core::ErrorCode::InvalidArgument);
    return parsed.error().message;
}

TEST(TraceManagerOptions, DefaultsWithoutArgumentsOrEnvironment)
{
    const TraceManagerOptions o = parseOk({});
    EXPECT_EQ(o.mode, Mode::Instance);
    EXPECT_EQ(o.authzSocket, "/var/run/concord/tracemgr.sock");
    EXPECT_EQ(o.authzListen, "");
    EXPECT_EQ(o.controlListen, "0.0.0.0:9411");
    EXPECT_EQ(o.metricsListen, "0.0.0.0:9412");
    EXPECT_EQ(o.traceHeader, core::TraceHeaderFormat::B3TraceId);
    EXPECT_EQ(o.pinHeader, "x-version");
    EXPECT_EQ(o.ttl, std::chrono::seconds(600));
    EXPECT_EQ(o.drainTimeout, std::chrono::seconds(5));
    EXPECT_EQ(o.logFormat, LogFormat::Json);
    EXPECT_FALSE(o.verbose);
    EXPECT_FALSE(o.help);
}

TEST(TraceManagerOptions, EveryFlagWithSeparateValue)
{
    const TraceManagerOptions o = parseOk({"--mode",
                                           "gateway",
                                           "--authz-socket",
                                           "/tmp/a.sock",
                                           "--authz-listen",
                                           "127.0.0.1:9000",
                                           "--control-listen",
                                           "[::1]:0",
                                           "--metrics-listen",
                                           "localhost:9100",
                                           "--trace-header",
                                           "traceparent",
                                           "--pin-header",
                                           "X-Concord-Pin",
                                           "--ttl",
                                           "86400",
                                           "--drain-timeout",
                                           "0",
                                           "--log-format",
                                           "text",
                                           "--verbose"});
    EXPECT_EQ(o.mode, Mode::Gateway);
    EXPECT_EQ(o.authzSocket, "/tmp/a.sock");
    EXPECT_EQ(o.authzListen, "127.0.0.1:9000");
    EXPECT_EQ(o.controlListen, "[::1]:0");
    EXPECT_EQ(o.metricsListen, "localhost:9100");
    EXPECT_EQ(o.traceHeader, core::TraceHeaderFormat::TraceParent);
    EXPECT_EQ(o.pinHeader, "x-concord-pin");
    EXPECT_EQ(o.ttl, std::chrono::seconds(86400));
    EXPECT_EQ(o.drainTimeout, std::chrono::seconds(0));
    EXPECT_EQ(o.logFormat, LogFormat::Text);
    EXPECT_TRUE(o.verbose);
}

TEST(TraceManagerOptions, EveryFlagWithEqualsValue)
{
    const TraceManagerOptions o =
        parseOk({"--mode=gateway", "--authz-socket=/tmp/b.sock", "--authz-listen=0.0.0.0:0",
                 "--control-listen=127.0.0.1:1", "--metrics-listen=", "--trace-header=b3",
                 "--pin-header=x-pin", "--ttl=1", "--drain-timeout=300", "--log-format=json",
                 "--verbose=false"});
    EXPECT_EQ(o.mode, Mode::Gateway);
    EXPECT_EQ(o.authzSocket, "/tmp/b.sock");
    EXPECT_EQ(o.authzListen, "0.0.0.0:0");
    EXPECT_EQ(o.controlListen, "127.0.0.1:1");
    EXPECT_EQ(o.metricsListen, "");
    EXPECT_EQ(o.traceHeader, core::TraceHeaderFormat::B3Single);
    EXPECT_EQ(o.pinHeader, "x-pin");
    EXPECT_EQ(o.ttl, std::chrono::seconds(1));
    EXPECT_EQ(o.drainTimeout, std::chrono::seconds(300));
    EXPECT_EQ(o.logFormat, LogFormat::Json);
    EXPECT_FALSE(o.verbose);
}

TEST(TraceManagerOptions, TraceHeaderNamesAreCaseInsensitive)
{
    EXPECT_EQ(parseOk({"--trace-header", "X-B3-TraceId"}).traceHeader,
              core::TraceHeaderFormat::B3TraceId);
    EXPECT_EQ(parseOk({"--trace-header", "TraceParent"}).traceHeader,
              core::TraceHeaderFormat::TraceParent);
}

TEST(TraceManagerOptions, OffDisablesOptionalListeners)
{
    const TraceManagerOptions o =
        parseOk({"--metrics-listen", "off", "--authz-listen", "1.2.3.4:5", "--authz-listen=off"});
    EXPECT_EQ(o.metricsListen, "");
    EXPECT_EQ(o.authzListen, "");
    EXPECT_EQ(parseOk({"--metrics-listen", ""}).metricsListen, "");
}

TEST(TraceManagerOptions, TheLastOfARepeatedFlagWins)
{
    EXPECT_EQ(parseOk({"--ttl", "5", "--ttl=7"}).ttl, std::chrono::seconds(7));
}

TEST(TraceManagerOptions, EveryEnvironmentVariable)
{
    const TraceManagerOptions o =
        parseOk({}, {"CONCORD_TRACEMGR_MODE=gateway", "CONCORD_TRACEMGR_AUTHZ_SOCKET=/run/x.sock",
                     "CONCORD_TRACEMGR_AUTHZ_LISTEN=127.0.0.1:7000",
                     "CONCORD_TRACEMGR_CONTROL_LISTEN=10.0.0.1:7001",
                     "CONCORD_TRACEMGR_METRICS_LISTEN=", "CONCORD_TRACEMGR_TRACE_HEADER=b3",
                     "CONCORD_TRACEMGR_PIN_HEADER=X-Version-Pin", "CONCORD_TRACEMGR_TTL=30",
                     "CONCORD_TRACEMGR_DRAIN_TIMEOUT=2", "CONCORD_TRACEMGR_LOG_FORMAT=text",
                     "CONCORD_TRACEMGR_VERBOSE=1"});
    EXPECT_EQ(o.mode, Mode::Gateway);
    EXPECT_EQ(o.authzSocket, "/run/x.sock");
    EXPECT_EQ(o.authzListen, "127.0.0.1:7000");
    EXPECT_EQ(o.controlListen, "10.0.0.1:7001");
    EXPECT_EQ(o.metricsListen, "");
    EXPECT_EQ(o.traceHeader, core::TraceHeaderFormat::B3Single);
    EXPECT_EQ(o.pinHeader, "x-version-pin");
    EXPECT_EQ(o.ttl, std::chrono::seconds(30));
    EXPECT_EQ(o.drainTimeout, std::chrono::seconds(2));
    EXPECT_EQ(o.logFormat, LogFormat::Text);
    EXPECT_TRUE(o.verbose);
}

TEST(TraceManagerOptions, VerboseVariableTakesBooleans)
{
    EXPECT_TRUE(parseOk({}, {"CONCORD_TRACEMGR_VERBOSE=true"}).verbose);
    EXPECT_TRUE(parseOk({}, {"CONCORD_TRACEMGR_VERBOSE=TRUE"}).verbose);
    EXPECT_FALSE(parseOk({}, {"CONCORD_TRACEMGR_VERBOSE=0"}).verbose);
    EXPECT_FALSE(parseOk({}, {"CONCORD_TRACEMGR_VERBOSE=false"}).verbose);
    EXPECT_EQ(parseError({}, {"CONCORD_TRACEMGR_VERBOSE=yes"}),
              "CONCORD_TRACEMGR_VERBOSE: \"yes\" is not a boolean (1, true, 0 or false)");
}

TEST(TraceManagerOptions, FlagsWinOverEnvironment)
{
    const Args env{"CONCORD_TRACEMGR_MODE=gateway", "CONCORD_TRACEMGR_TTL=30",
                   "CONCORD_TRACEMGR_VERBOSE=1", "CONCORD_TRACEMGR_CONTROL_LISTEN=1.1.1.1:1"};
    const TraceManagerOptions o = parseOk({"--mode", "instance", "--ttl=40", "--verbose=0"}, env);
    EXPECT_EQ(o.mode, Mode::Instance);
    EXPECT_EQ(o.ttl, std::chrono::seconds(40));
    EXPECT_FALSE(o.verbose);
    EXPECT_EQ(o.controlListen, "1.1.1.1:1");  // not overridden: the variable stays
}

TEST(TraceManagerOptions, BadVariableOverriddenByAFlagIsNoError)
{
    EXPECT_EQ(parseOk({"--ttl", "9"}, {"CONCORD_TRACEMGR_TTL=abc"}).ttl, std::chrono::seconds(9));
}

TEST(TraceManagerOptions, UnrelatedAndMalformedEnvironmentIsIgnored)
{
    // Kubernetes injects <SERVICE>_SERVICE_HOST / _PORT for a Service of this name.
    const TraceManagerOptions o =
        parseOk({}, {"PATH=/usr/bin", "CONCORD_TRACEMGR_SERVICE_HOST=10.0.0.3",
                     "CONCORD_TRACEMGR_PORT=tcp://10.0.0.3:9411", "NOEQUALS", "=x",
                     "concord_tracemgr_ttl=5"});
    EXPECT_EQ(o.ttl, std::chrono::seconds(600));
}

TEST(TraceManagerOptions, HelpInEitherSpellingWins)
{
    EXPECT_TRUE(parseOk({"--help"}).help);
    EXPECT_TRUE(parseOk({"-h"}).help);
    EXPECT_TRUE(parseOk({"--ttl", "5", "--help", "--bogus"}).help);
    EXPECT_TRUE(parseOk({"--help"}, {"CONCORD_TRACEMGR_TTL=abc"}).help);
}

TEST(TraceManagerOptions, UnknownAndPositionalArgumentsAreErrors)
{
    EXPECT_EQ(parseError({"--bogus"}), "unknown option --bogus");
    EXPECT_EQ(parseError({"--bogus=1"}), "unknown option --bogus");
    EXPECT_EQ(parseError({"--help=1"}), "unknown option --help");
    EXPECT_EQ(parseError({"serve"}), "unexpected argument \"serve\"");
    EXPECT_EQ(parseError({"-v"}), "unexpected argument \"-v\"");
    EXPECT_EQ(parseError({"--"}), "unexpected argument \"--\"");
}

TEST(TraceManagerOptions, MissingValuesAreErrors)
{
    EXPECT_EQ(parseError({"--ttl"}), "--ttl needs a value (SECONDS)");
    EXPECT_EQ(parseError({"--mode"}), "--mode needs a value (instance|gateway)");
    EXPECT_EQ(parseError({"--authz-socket", "--verbose"}), "--authz-socket needs a value (PATH)");
    EXPECT_EQ(parseError({"--control-listen", "--ttl", "5"}),
              "--control-listen needs a value (HOST:PORT)");
}

TEST(TraceManagerOptions, BadMode)
{
    EXPECT_EQ(parseError({"--mode", "sidecar"}),
              "--mode: \"sidecar\" is not a mode (instance or gateway)");
    EXPECT_EQ(parseError({}, {"CONCORD_TRACEMGR_MODE=Gateway"}),
              "CONCORD_TRACEMGR_MODE: \"Gateway\" is not a mode (instance or gateway)");
}

TEST(TraceManagerOptions, BadAuthzSocket)
{
    EXPECT_EQ(parseError({"--authz-socket="}),
              "--authz-socket: \"\" is not a Unix socket path (it is empty)");
    const std::string longPath = "/tmp/" + std::string(103, 'x');  // 108 bytes
    EXPECT_EQ(parseError({"--authz-socket", longPath}),
              "--authz-socket: \"" + longPath +
                  "\" is longer than 107 bytes, the limit of a Unix socket path");
    EXPECT_EQ(parseOk({"--authz-socket", longPath.substr(1)}).authzSocket, longPath.substr(1));
}

TEST(TraceManagerOptions, BadHostPort)
{
    EXPECT_EQ(parseError({"--control-listen", "9411"}),
              "--control-listen: \"9411\" is not HOST:PORT (e.g. 127.0.0.1:9411 or [::1]:9411)");
    EXPECT_EQ(parseError({"--control-listen", ":9411"}),
              "--control-listen: \":9411\" is not HOST:PORT (e.g. 127.0.0.1:9411 or [::1]:9411)");
    EXPECT_EQ(parseError({"--control-listen="}),
              "--control-listen: \"\" is not HOST:PORT (e.g. 127.0.0.1:9411 or [::1]:9411)");
    EXPECT_EQ(parseError({"--metrics-listen", "host:65536"}),
              "--metrics-listen: \"host:65536\" has no port in 0–65535 after the last ':'");
    EXPECT_EQ(parseError({"--metrics-listen", "host:"}),
              "--metrics-listen: \"host:\" has no port in 0–65535 after the last ':'");
    EXPECT_EQ(parseError({"--authz-listen", "host:-1"}),
              "--authz-listen: \"host:-1\" has no port in 0–65535 after the last ':'");
    EXPECT_EQ(parseError({"--authz-listen", "host:http"}),
              "--authz-listen: \"host:http\" has no port in 0–65535 after the last ':'");
    EXPECT_EQ(parseError({"--control-listen", "::1:9411"}),
              "--control-listen: \"::1:9411\" has an IPv6 host without brackets (write "
              "[::1]:9411)");
    EXPECT_EQ(parseError({"--control-listen", "[::1:9411"}),
              "--control-listen: \"[::1:9411\" has an unclosed or empty [IPv6] host");
    EXPECT_EQ(parseError({"--control-listen", "[]:9411"}),
              "--control-listen: \"[]:9411\" has an unclosed or empty [IPv6] host");
    EXPECT_EQ(parseError({"--control-listen", "my host:1"}),
              "--control-listen: \"my host:1\" is not HOST:PORT (the host has a space or a slash)");
    EXPECT_EQ(parseError({}, {"CONCORD_TRACEMGR_METRICS_LISTEN=nope"}),
              "CONCORD_TRACEMGR_METRICS_LISTEN: \"nope\" is not HOST:PORT (e.g. 127.0.0.1:9411 or "
              "[::1]:9411)");
    EXPECT_EQ(parseOk({"--control-listen", "host:65535"}).controlListen, "host:65535");
    EXPECT_EQ(parseOk({"--control-listen", "[::]:00080"}).controlListen, "[::]:00080");
}

TEST(TraceManagerOptions, BadTraceHeader)
{
    EXPECT_EQ(parseError({"--trace-header", "x-request-id"}),
              "--trace-header: \"x-request-id\" is not a trace header (x-b3-traceid, traceparent "
              "or b3)");
    EXPECT_EQ(parseError({}, {"CONCORD_TRACEMGR_TRACE_HEADER=uber-trace-id"}),
              "CONCORD_TRACEMGR_TRACE_HEADER: \"uber-trace-id\" is not a trace header "
              "(x-b3-traceid, traceparent or b3)");
}

TEST(TraceManagerOptions, BadPinHeader)
{
    const std::string why = " is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)";
    EXPECT_EQ(parseError({"--pin-header", "x version"}), "--pin-header: \"x version\"" + why);
    EXPECT_EQ(parseError({"--pin-header="}), "--pin-header: \"\"" + why);
    EXPECT_EQ(parseError({"--pin-header", ":authority"}), "--pin-header: \":authority\"" + why);
    EXPECT_EQ(parseError({"--pin-header", "x\n"}), "--pin-header: \"x\\x0a\"" + why);
    EXPECT_EQ(parseError({}, {"CONCORD_TRACEMGR_PIN_HEADER=a\"b"}),
              "CONCORD_TRACEMGR_PIN_HEADER: \"a\\\"b\"" + why);
    EXPECT_EQ(parseOk({"--pin-header", "X-Odd_Name.v2~!"}).pinHeader, "x-odd_name.v2~!");
}

TEST(TraceManagerOptions, BadTtl)
{
    const std::string why = " is not a number of seconds (1–86400)";
    EXPECT_EQ(parseError({"--ttl", "abc"}), "--ttl: \"abc\"" + why);
    EXPECT_EQ(parseError({"--ttl", "0"}), "--ttl: \"0\"" + why);
    EXPECT_EQ(parseError({"--ttl", "86401"}), "--ttl: \"86401\"" + why);
    EXPECT_EQ(parseError({"--ttl", "-5"}), "--ttl: \"-5\"" + why);
    EXPECT_EQ(parseError({"--ttl", "1.5"}), "--ttl: \"1.5\"" + why);
    EXPECT_EQ(parseError({"--ttl", "10s"}), "--ttl: \"10s\"" + why);
    EXPECT_EQ(parseError({"--ttl="}), "--ttl: \"\"" + why);
    EXPECT_EQ(parseError({"--ttl", "99999999999999999999999"}),
              "--ttl: \"99999999999999999999999\"" + why);
    EXPECT_EQ(parseError({}, {"CONCORD_TRACEMGR_TTL=abc"}), "CONCORD_TRACEMGR_TTL: \"abc\"" + why);
}

TEST(TraceManagerOptions, BadDrainTimeout)
{
    const std::string why = " is not a number of seconds (0–300)";
    EXPECT_EQ(parseError({"--drain-timeout", "301"}), "--drain-timeout: \"301\"" + why);
    EXPECT_EQ(parseError({"--drain-timeout", "-1"}), "--drain-timeout: \"-1\"" + why);
    EXPECT_EQ(parseError({"--drain-timeout", "x"}), "--drain-timeout: \"x\"" + why);
    EXPECT_EQ(parseError({}, {"CONCORD_TRACEMGR_DRAIN_TIMEOUT=1m"}),
              "CONCORD_TRACEMGR_DRAIN_TIMEOUT: \"1m\"" + why);
}

TEST(TraceManagerOptions, BadLogFormat)
{
    EXPECT_EQ(parseError({"--log-format", "logfmt"}),
              "--log-format: \"logfmt\" is not a log format (json or text)");
    EXPECT_EQ(parseError({}, {"CONCORD_TRACEMGR_LOG_FORMAT=xml"}),
              "CONCORD_TRACEMGR_LOG_FORMAT: \"xml\" is not a log format (json or text)");
}

TEST(TraceManagerOptions, BadVerboseFlagValue)
{
    EXPECT_EQ(parseError({"--verbose=2"}),
              "--verbose: \"2\" is not a boolean (1, true, 0 or false)");
}

TEST(TraceManagerOptions, UsageListsEveryFlagVariableAndDefault)
{
    const std::string usage = traceManagerUsage();
    EXPECT_EQ(usage.rfind("Usage: concord-tracemgr [options]", 0), 0u);
    const std::vector<std::pair<std::string, std::string>> flags{
        {"--mode", "CONCORD_TRACEMGR_MODE"},
        {"--authz-socket", "CONCORD_TRACEMGR_AUTHZ_SOCKET"},
        {"--authz-listen", "CONCORD_TRACEMGR_AUTHZ_LISTEN"},
        {"--control-listen", "CONCORD_TRACEMGR_CONTROL_LISTEN"},
        {"--metrics-listen", "CONCORD_TRACEMGR_METRICS_LISTEN"},
        {"--trace-header", "CONCORD_TRACEMGR_TRACE_HEADER"},
        {"--pin-header", "CONCORD_TRACEMGR_PIN_HEADER"},
        {"--ttl", "CONCORD_TRACEMGR_TTL"},
        {"--drain-timeout", "CONCORD_TRACEMGR_DRAIN_TIMEOUT"},
        {"--log-format", "CONCORD_TRACEMGR_LOG_FORMAT"},
        {"--verbose", "CONCORD_TRACEMGR_VERBOSE"},
    };
    for (const auto& [flag, env] : flags) {
        EXPECT_NE(usage.find("  " + flag), std::string::npos) << flag;
        EXPECT_NE(usage.find("$" + env + ","), std::string::npos) << env;
    }
    EXPECT_NE(usage.find("--help"), std::string::npos);
    // The defaults shown are the real ones.
    const TraceManagerOptions defaults;
    for (const std::string& shown :
         {defaults.authzSocket, defaults.controlListen, defaults.metricsListen, defaults.pinHeader,
          std::to_string(defaults.ttl.count()), std::to_string(defaults.drainTimeout.count())}) {
        EXPECT_NE(usage.find("default " + shown + "\n"), std::string::npos) << shown;
    }
    EXPECT_NE(usage.find("default instance\n"), std::string::npos);
    EXPECT_NE(usage.find("default x-b3-traceid\n"), std::string::npos);
    EXPECT_NE(usage.find("default json\n"), std::string::npos);
    EXPECT_NE(usage.find("concord-tracemgr: serving mode="), std::string::npos);
    for (std::size_t start = 0, end; start < usage.size(); start = end + 1) {
        end = usage.find('\n', start);
        ASSERT_NE(end, std::string::npos) << "the usage ends with a newline";
        // Counted in characters: the en dashes are three bytes each.
        std::size_t columns = 0;
        for (std::size_t i = start; i < end; ++i) {
            columns += (static_cast<unsigned char>(usage[i]) & 0xC0) != 0x80;
        }
        EXPECT_LE(columns, 80u) << usage.substr(start, end - start);
    }
}

}  // namespace
}  // namespace concord::tracemanager
