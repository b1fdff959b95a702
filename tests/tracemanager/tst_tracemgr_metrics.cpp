// /metrics of an in-process TraceManagerServer, fetched over loopback HTTP:
// the exposition's structure (one HELP and TYPE per family, every sample line
// well formed), exact values after driving the counters, /healthz and 404s.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "envoy/service/accesslog/v3/als.grpc.pb.h"
#include "tracemanager/authz_policy.h"
#include "tracemanager/gateway_state.h"
#include "tracemanager/metrics.h"
#include "tracemanager/trace_recorder.h"
#include "tracemanager/tracemgr_server.h"

namespace concord::tracemanager {
namespace {

using Headers = std::map<std::string, std::string>;

HeaderLookup lookup(const Headers& headers)
{
    return [headers](std::string_view name, const std::function<void(std::string_view)>& onValue) {
        if (const auto it = headers.find(std::string(name)); it != headers.end()) {
            onValue(it->second);
        }
    };
}

struct Family
{
    int helps = 0;
    int types = 0;
    std::string type;
};

// The exposition checked line by line; the samples keyed "name{labels}".
struct Exposition
{
    std::map<std::string, Family> families;
    std::vector<std::string> familyOrder;
    std::map<std::string, std::string> samples;
    std::vector<std::string> problems;

    bool has(const std::string& series) const { return samples.count(series) > 0; }
    std::string operator[](const std::string& series) const
    {
        const auto it = samples.find(series);
        return it == samples.end() ? "<missing " + series + ">" : it->second;
    }
};

const std::regex kSampleLine(
    R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")"
    R"((?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? ([^ ]+)$)");
const std::regex kCommentLine(R"(^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$)");

bool isNumber(const std::string& text)
{
    char* end = nullptr;
    std::strtod(text.c_str(), &end);
    return !text.empty() && end == text.c_str() + text.size();
}

void addComment(Exposition& e, const std::smatch& m, const std::string& line)
{
    const std::string name = m[2];
    Family& family = e.families[name];
    if (family.helps == 0 && family.types == 0) {
        e.familyOrder.push_back(name);
    } else if (e.familyOrder.back() != name) {
        e.problems.push_back("family split up: " + line);
    }
    if (m[1] == "HELP") {
        ++family.helps;
        if (m[3].length() == 0) {
            e.problems.push_back("empty HELP: " + line);
        }
    } else {
        ++family.types;
        family.type = m[3];
        if (family.type != "counter" && family.type != "gauge") {
            e.problems.push_back("unexpected TYPE: " + line);
        }
    }
}

void addSample(Exposition& e, const std::smatch& m, const std::string& line)
{
    const std::string name = m[1];
    if (e.familyOrder.empty() || e.familyOrder.back() != name) {
        e.problems.push_back("sample outside its family (HELP/TYPE first): " + line);
    }
    if (!isNumber(m[3])) {
        e.problems.push_back("value is not a number: " + line);
    }
    const std::string series = name + std::string(m[2]);
    if (!e.samples.emplace(series, m[3]).second) {
        e.problems.push_back("duplicate series: " + line);
    }
}

Exposition parseExposition(const std::string& text)
{
    Exposition e;
    if (text.empty() || text.back() != '\n') {
        e.problems.push_back("the exposition does not end with a newline");
    }
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::smatch m;
        if (std::regex_match(line, m, kCommentLine)) {
            addComment(e, m, line);
        } else if (std::regex_match(line, m, kSampleLine)) {
            addSample(e, m, line);
        } else {
            e.problems.push_back("malformed line: " + line);
        }
    }
    for (const auto& [name, family] : e.families) {
        if (family.helps != 1 || family.types != 1) {
            e.problems.push_back(name + ": " + std::to_string(family.helps) + " HELP and " +
                                 std::to_string(family.types) + " TYPE lines");
        }
    }
    return e;
}

const std::vector<std::string> kCounterFamilies{
    "concord_tracemgr_checks_total",
    "concord_tracemgr_ids_recorded_total",
    "concord_tracemgr_ids_already_present_total",
    "concord_tracemgr_ids_not_recorded_locked_total",
    "concord_tracemgr_trace_ids_missing_total",
    "concord_tracemgr_trace_ids_malformed_total",
    "concord_tracemgr_ids_evicted_total",
    "concord_tracemgr_completions_total",
    "concord_tracemgr_access_log_entries_ignored_total",
    "concord_tracemgr_diff_ids_completed_total",
    "concord_tracemgr_control_requests_invalid_total",
};

class MetricsTest : public ::testing::Test
{
protected:
    void TearDown() override
    {
        if (m_server) {
            m_server->shutdown(std::chrono::milliseconds(500));
            m_server.reset();
        }
        if (!m_dir.empty()) {
            std::filesystem::remove_all(m_dir);
        }
    }

    void startServer(Mode mode, core::TraceHeaderFormat header = core::TraceHeaderFormat::B3TraceId)
    {
        char dir[] = "/tmp/tracemgr-metrics-XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        m_dir = dir;
        TraceManagerOptions options;
        options.mode = mode;
        options.authzSocket = m_dir + "/authz.sock";
        options.controlListen = "127.0.0.1:0";
        options.metricsListen = "127.0.0.1:0";
        options.traceHeader = header;
        m_server = std::make_unique<TraceManagerServer>(options);
        const auto started = m_server->start();
        ASSERT_TRUE(started.ok()) << started.error().message;
        ASSERT_GT(m_server->metricsPort(), 0);
    }

    httplib::Result get(const std::string& path)
    {
        httplib::Client client("127.0.0.1", m_server->metricsPort());
        client.set_connection_timeout(std::chrono::seconds(5));
        client.set_read_timeout(std::chrono::seconds(5));
        return client.Get(path.c_str());
    }

    Exposition scrape()
    {
        const auto response = get("/metrics");
        EXPECT_TRUE(response) << "GET /metrics failed";
        if (!response) {
            return {};
        }
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->get_header_value("Content-Type"),
                  "text/plain; version=0.0.4; charset=utf-8");
        Exposition e = parseExposition(response->body);
        EXPECT_TRUE(e.problems.empty()) << ::testing::PrintToString(e.problems) << "\n"
                                        << response->body;
        EXPECT_EQ(response->body, renderMetrics(*m_server)) << "HTTP serves renderMetrics()";
        return e;
    }

    std::string m_dir;
    std::unique_ptr<TraceManagerServer> m_server;
};

TEST_F(MetricsTest, InstanceExpositionHasEveryFamilyOnceWithZeros)
{
    startServer(Mode::Instance);
    const Exposition e = scrape();
    for (const std::string& name : kCounterFamilies) {
        ASSERT_TRUE(e.families.count(name)) << name;
        EXPECT_EQ(e.families.at(name).type, "counter") << name;
    }
    for (const std::string name :
         {"concord_tracemgr_set_ids", "concord_tracemgr_set_memory_bytes",
          "concord_tracemgr_locked", "concord_tracemgr_blocking",
          "concord_tracemgr_start_time_seconds", "concord_tracemgr_info"}) {
        ASSERT_TRUE(e.families.count(name)) << name;
        EXPECT_EQ(e.families.at(name).type, "gauge") << name;
    }
    EXPECT_FALSE(e.families.count("concord_tracemgr_diff_set_ids")) << "a gateway's only";
    EXPECT_EQ(e["concord_tracemgr_info{mode=\"instance\",trace_header=\"x-b3-traceid\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_checks_total{result=\"allowed\"}"], "0");
    EXPECT_EQ(e["concord_tracemgr_checks_total{result=\"blocked\"}"], "0");
    for (const char* reason : {"empty", "wrong_length", "not_hex", "all_zero", "bad_format"}) {
        EXPECT_EQ(
            e["concord_tracemgr_trace_ids_malformed_total{reason=\"" + std::string(reason) + "\"}"],
            "0");
    }
    for (const char* outcome :
         {"response", "server_error", "downstream_disconnect", "timeout", "reset"}) {
        EXPECT_EQ(e["concord_tracemgr_completions_total{outcome=\"" + std::string(outcome) + "\"}"],
                  "0");
    }
    EXPECT_EQ(e["concord_tracemgr_set_ids"], "0");
    EXPECT_EQ(e["concord_tracemgr_locked"], "0");
    EXPECT_EQ(e["concord_tracemgr_blocking"], "0");
    EXPECT_EQ(e.samples.size(), 26u);
}

TEST_F(MetricsTest, StartTimeIsTheServersInSecondsWithMilliseconds)
{
    startServer(Mode::Instance);
    const Exposition e = scrape();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        m_server->startedAt().time_since_epoch())
                        .count();
    char expected[32];
    std::snprintf(expected, sizeof expected, "%lld.%03lld", static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    EXPECT_EQ(e["concord_tracemgr_start_time_seconds"], expected);
}

TEST_F(MetricsTest, InstanceCountersAndGaugesAfterChecks)
{
    startServer(Mode::Instance);
    AuthzPolicy& policy = *m_server->policy();
    const auto check = [&](const Headers& headers) { return policy.decide(lookup(headers)); };
    EXPECT_EQ(check({{"x-b3-traceid", "00000000000000a1"}}), AuthzPolicy::Verdict::Allow);
    EXPECT_EQ(check({{"x-b3-traceid", "00000000000000a2"}}), AuthzPolicy::Verdict::Allow);
    EXPECT_EQ(check({{"x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124"}}),
              AuthzPolicy::Verdict::Allow);
    EXPECT_EQ(check({{"x-b3-traceid", "00000000000000a1"}}), AuthzPolicy::Verdict::Allow);
    check({});                                      // missing
    check({{"x-b3-traceid", ""}});                  // empty
    check({{"x-b3-traceid", "abc"}});               // wrong length
    check({{"x-b3-traceid", "zzzzzzzzzzzzzzzz"}});  // not hex
    check({{"x-b3-traceid", "0000000000000000"}});  // all zero
    m_server->recorder()->lock();
    check({{"x-b3-traceid", "00000000000000a3"}});  // locked: allowed, not recorded
    policy.setBlocking(true, {"auth-service-v1"});
    EXPECT_EQ(check({{"x-b3-traceid", "00000000000000a4"}}), AuthzPolicy::Verdict::Block);
    EXPECT_EQ(check({{"x-b3-traceid", "00000000000000a5"}, {"x-version", "auth-service-v1"}}),
              AuthzPolicy::Verdict::Allow);

    const Exposition e = scrape();
    EXPECT_EQ(e["concord_tracemgr_checks_total{result=\"allowed\"}"], "11");
    EXPECT_EQ(e["concord_tracemgr_checks_total{result=\"blocked\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_ids_recorded_total"], "3");
    EXPECT_EQ(e["concord_tracemgr_ids_already_present_total"], "1");
    EXPECT_EQ(e["concord_tracemgr_ids_not_recorded_locked_total"], "2");
    EXPECT_EQ(e["concord_tracemgr_trace_ids_missing_total"], "1");
    EXPECT_EQ(e["concord_tracemgr_trace_ids_malformed_total{reason=\"empty\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_trace_ids_malformed_total{reason=\"wrong_length\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_trace_ids_malformed_total{reason=\"not_hex\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_trace_ids_malformed_total{reason=\"all_zero\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_trace_ids_malformed_total{reason=\"bad_format\"}"], "0");
    EXPECT_EQ(e["concord_tracemgr_set_ids"], "3");
    EXPECT_EQ(e["concord_tracemgr_set_memory_bytes"],
              std::to_string(m_server->recorder()->memoryBytes()));
    EXPECT_NE(e["concord_tracemgr_set_memory_bytes"], "0");
    EXPECT_EQ(e["concord_tracemgr_locked"], "1");
    EXPECT_EQ(e["concord_tracemgr_blocking"], "1");
}

TEST_F(MetricsTest, TraceparentBadFormatIsCountedUnderItsReason)
{
    startServer(Mode::Instance, core::TraceHeaderFormat::TraceParent);
    m_server->policy()->decide(lookup({{"traceparent", "00_4bf92f3577b34da6a3ce929d0e0e4736"}}));
    const Exposition e = scrape();
    EXPECT_EQ(e["concord_tracemgr_info{mode=\"instance\",trace_header=\"traceparent\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_trace_ids_malformed_total{reason=\"bad_format\"}"], "1");
}

envoy::data::accesslog::v3::HTTPAccessLogEntry* addEntry(
    envoy::service::accesslog::v3::StreamAccessLogsMessage& message, const std::string& traceId)
{
    auto* entry = message.mutable_http_logs()->add_log_entry();
    if (!traceId.empty()) {
        (*entry->mutable_request()->mutable_request_headers())["x-b3-traceid"] = traceId;
    }
    return entry;
}

// One batch over the gateway's Unix socket, as Envoy's access-log stream sends it.
void streamAccessLogs(const std::string& socket,
                      const envoy::service::accesslog::v3::StreamAccessLogsMessage& message)
{
    auto channel = grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials());
    auto stub = envoy::service::accesslog::v3::AccessLogService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    envoy::service::accesslog::v3::StreamAccessLogsResponse response;
    auto writer = stub->StreamAccessLogs(&context, &response);
    ASSERT_TRUE(writer->Write(message));
    ASSERT_TRUE(writer->WritesDone());
    const grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
}

TEST_F(MetricsTest, GatewayCompletionsAndDiffSets)
{
    startServer(Mode::Gateway);
    GatewayState& gateway = *m_server->gateway();
    const std::vector<core::TraceId> old{{0, 0xb1}, {0, 0xb2}, {0, 0xb3}};
    gateway.push("auth-service-v1", "auth-v1-0", old);
    // A name that needs every escape of the format: backslash, quote, newline.
    gateway.push("odd\\name \"x\"\nnext", "src", std::vector<core::TraceId>{{0, 0xc1}});

    envoy::service::accesslog::v3::StreamAccessLogsMessage message;
    addEntry(message, "00000000000000b1")
        ->mutable_response()
        ->mutable_response_code()
        ->set_value(200);
    addEntry(message, "00000000000000b2")
        ->mutable_response()
        ->mutable_response_code()
        ->set_value(503);
    addEntry(message, "00000000000000d1")
        ->mutable_common_properties()
        ->mutable_response_flags()
        ->set_downstream_connection_termination(true);
    addEntry(message, "00000000000000d2")
        ->mutable_common_properties()
        ->mutable_response_flags()
        ->set_upstream_request_timeout(true);
    addEntry(message, "00000000000000d3");  // no response code: a reset
    addEntry(message, "")->mutable_response()->mutable_response_code()->set_value(200);
    addEntry(message, "00000000000000d4")
        ->mutable_common_properties()
        ->set_access_log_type(envoy::data::accesslog::v3::DownstreamStart);
    streamAccessLogs(m_dir + "/authz.sock", message);

    const Exposition e = scrape();
    EXPECT_EQ(e["concord_tracemgr_info{mode=\"gateway\",trace_header=\"x-b3-traceid\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_completions_total{outcome=\"response\"}"], "2");
    EXPECT_EQ(e["concord_tracemgr_completions_total{outcome=\"server_error\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_completions_total{outcome=\"downstream_disconnect\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_completions_total{outcome=\"timeout\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_completions_total{outcome=\"reset\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_access_log_entries_ignored_total"], "1");
    EXPECT_EQ(e["concord_tracemgr_trace_ids_missing_total"], "1");
    EXPECT_EQ(e["concord_tracemgr_diff_ids_completed_total"], "2");
    EXPECT_EQ(e["concord_tracemgr_set_ids"], "5");
    EXPECT_EQ(e["concord_tracemgr_set_memory_bytes"],
              std::to_string(gateway.completedMemoryBytes()));
    EXPECT_EQ(e.families.at("concord_tracemgr_diff_set_ids").type, "gauge");
    EXPECT_EQ(e["concord_tracemgr_diff_set_ids{diff_set=\"auth-service-v1\"}"], "1");
    EXPECT_EQ(e["concord_tracemgr_diff_set_ids{diff_set=\"odd\\\\name \\\"x\\\"\\nnext\"}"], "1");
    EXPECT_FALSE(e.families.count("concord_tracemgr_locked")) << "an instance's only";
    EXPECT_FALSE(e.families.count("concord_tracemgr_blocking")) << "an instance's only";
}

TEST_F(MetricsTest, GatewayWithoutDiffSetsStillDeclaresTheFamily)
{
    startServer(Mode::Gateway);
    const Exposition e = scrape();
    ASSERT_TRUE(e.families.count("concord_tracemgr_diff_set_ids"));
    for (const auto& [series, value] : e.samples) {
        EXPECT_NE(series.rfind("concord_tracemgr_diff_set_ids", 0), 0u) << series;
    }
}

TEST_F(MetricsTest, HealthzAndNotFound)
{
    startServer(Mode::Instance);
    const auto health = get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(health->body, "ok");
    for (const char* path : {"/", "/metrics/", "/metricsx", "/healthz/x", "/favicon.ico"}) {
        const auto response = get(path);
        ASSERT_TRUE(response) << path;
        EXPECT_EQ(response->status, 404) << path;
    }
    httplib::Client client("127.0.0.1", m_server->metricsPort());
    const auto post = client.Post("/metrics", "x", "text/plain");
    ASSERT_TRUE(post);
    EXPECT_EQ(post->status, 404);
}

TEST_F(MetricsTest, StartReportsAnAddressInUseOrMalformed)
{
    startServer(Mode::Instance);
    MetricsHttpServer second(*m_server);
    const std::string taken = "127.0.0.1:" + std::to_string(m_server->metricsPort());
    const auto inUse = second.start(taken);
    ASSERT_FALSE(inUse.ok());
    EXPECT_NE(inUse.error().message.find(taken), std::string::npos) << inUse.error().message;
    MetricsHttpServer third(*m_server);
    const auto malformed = third.start("no-port");
    ASSERT_FALSE(malformed.ok());
    EXPECT_NE(malformed.error().message.find("no-port"), std::string::npos);
}

TEST_F(MetricsTest, StopRightAfterStartAndTwiceReturns)
{
    startServer(Mode::Instance);
    for (int i = 0; i < 20; ++i) {
        MetricsHttpServer metrics(*m_server);
        const auto port = metrics.start("127.0.0.1:0");
        ASSERT_TRUE(port.ok()) << port.error().message;
        EXPECT_GT(*port, 0);
        metrics.stop();
        metrics.stop();
    }
    MetricsHttpServer onlyDestroyed(*m_server);
    ASSERT_TRUE(onlyDestroyed.start("127.0.0.1:0").ok());  // the destructor stops it
}

TEST_F(MetricsTest, ServesAGivenPortOnIpv6Loopback)
{
    startServer(Mode::Instance);
    MetricsHttpServer metrics(*m_server);
    const auto port = metrics.start("[::1]:0");
    if (!port.ok()) {
        GTEST_SKIP() << "no IPv6 loopback here: " << port.error().message;
    }
    httplib::Client client("::1", *port);
    const auto response = client.Get("/healthz");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "ok");
}

}  // namespace
}  // namespace concord::tracemanager
