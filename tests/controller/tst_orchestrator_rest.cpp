// The orchestrator's REST contract (docs/orchestrator-api.md) against the
// real server on loopback with a real HTTP client (cpp-httplib): every
// endpoint and status code, the JSON shapes field by field, and — after every
// rejected request — a GET byte-identical to the one before. Plus the real
// concordd binary serving it on the URL it prints.

#include <arpa/inet.h>
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "concord/v1/server.grpc.pb.h"
#include "controller/orchestrator_rest_server.h"
#include "controller/orchestrator_sandbox.h"
#include "support/test_certificates.h"

namespace concord::controller {
namespace {

using Json = nlohmann::json;

constexpr const char* kOperator = "operator-token-0123456789";
constexpr const char* kViewer = "viewer-token-0123456789";
constexpr std::int64_t kEpochUnixMs = 1'700'000'000'000;  // 2023-11-14T22:13:20.000Z

TokenStore tokens()
{
    TokenStore store;
    EXPECT_TRUE(store.add({kOperator, "ops", Role::Operator}).ok());
    EXPECT_TRUE(store.add({kViewer, "watcher", Role::Viewer}).ok());
    return store;
}

httplib::Headers auth(const std::string& token)
{
    return token.empty() ? httplib::Headers{}
                         : httplib::Headers{{"Authorization", "Bearer " + token}};
}

class OrchestratorRest : public ::testing::Test
{
protected:
    void SetUp() override { start(sandboxOptions()); }

    OrchestratorSandboxOptions sandboxOptions()
    {
        OrchestratorSandboxOptions o;
        o.clock = [this] { return m_now.load(); };
        o.epochUnixMs = kEpochUnixMs;
        o.things = 1000;
        o.rules = 80;
        return o;
    }
    void start(OrchestratorSandboxOptions o)
    {
        m_client.reset();
        m_server.reset();
        m_sandbox = std::make_unique<OrchestratorSandbox>(std::move(o));
        OrchestratorRestOptions rest;
        rest.tokens = tokens();
        auto server = OrchestratorRestServer::start(std::move(rest), *m_sandbox);
        ASSERT_TRUE(server.ok()) << server.error().message;
        m_server = std::move(*server);
        m_client = std::make_unique<httplib::Client>("127.0.0.1", m_server->port());
    }
    void at(double ms)
    {
        m_now = ms;
        m_sandbox->advance();
    }

    httplib::Result get(const std::string& path, const std::string& token = kOperator)
    {
        return m_client->Get(path, auth(token));
    }
    httplib::Result post(const std::string& path, const std::string& body,
                         const std::string& token = kOperator,
                         const std::string& contentType = "application/json")
    {
        return m_client->Post(path, auth(token), body, contentType);
    }
    httplib::Result del(const std::string& path, const std::string& token = kOperator)
    {
        return m_client->Delete(path, auth(token));
    }
    httplib::Result orchestrate(const std::string& type, const std::string& body,
                                const std::string& token = kOperator)
    {
        return post("/v1/api/orchestrations/" + type + "/orchestrate", body, token);
    }

    static Json body(const httplib::Result& r)
    {
        EXPECT_TRUE(r) << "no answer: " << httplib::to_string(r.error());
        if (!r)
            return Json();
        EXPECT_EQ(r->get_header_value("Content-Type"), "application/json") << r->body;
        const Json parsed = Json::parse(r->body, nullptr, false);
        EXPECT_FALSE(parsed.is_discarded()) << r->body;
        return parsed;
    }
    static void expectError(const httplib::Result& r, int status, const std::string& message)
    {
        ASSERT_TRUE(r) << httplib::to_string(r.error());
        EXPECT_EQ(r->status, status) << r->body;
        const Json json = body(r);
        ASSERT_TRUE(json.is_object()) << r->body;
        EXPECT_EQ(json.size(), 1u) << r->body;
        ASSERT_TRUE(json.contains("error") && json["error"].is_string()) << r->body;
        if (!message.empty())
            EXPECT_EQ(json["error"], message);
    }
    std::string both()
    {
        const auto thing = get("/v1/api/orchestrations/thing");
        const auto rule = get("/v1/api/orchestrations/rule");
        EXPECT_TRUE(thing && rule);
        return thing && rule ? thing->body + "\n" + rule->body : std::string();
    }
    // `request` answers `status` with `message` ("" = any) and changes nothing.
    void expectRejected(const std::function<httplib::Result()>& request, int status,
                        const std::string& message = {})
    {
        const std::string before = both();
        expectError(request(), status, message);
        EXPECT_EQ(both(), before) << "a rejected request changed the orchestration";
    }

    std::atomic<double> m_now{0};
    std::unique_ptr<OrchestratorSandbox> m_sandbox;
    std::unique_ptr<OrchestratorRestServer> m_server;
    std::unique_ptr<httplib::Client> m_client;
};

const std::regex kRfc3339Ms(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");

void expectKeys(const Json& object, const std::vector<std::string>& keys)
{
    ASSERT_TRUE(object.is_object()) << object.dump();
    std::vector<std::string> actual;
    for (const auto& [key, value] : object.items())
        actual.push_back(key);
    std::vector<std::string> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(actual, sorted) << object.dump().substr(0, 300);
}

void expectInstanceShape(const Json& i)
{
    expectKeys(i, {"id", "used", "count", "resources", "reloadTimes", "heartbeat", "heartbeatAgeMs",
                   "podName", "podPhase", "recreations"});
    EXPECT_TRUE(i["id"].is_string());
    EXPECT_TRUE(i["used"].is_number_integer());
    EXPECT_TRUE(i["count"].is_number_integer());
    ASSERT_TRUE(i["resources"].is_array());
    for (const auto& id : i["resources"])
        EXPECT_TRUE(id.is_string());
    EXPECT_EQ(i["used"], i["resources"].size());
    EXPECT_TRUE(i["reloadTimes"].is_number_integer());
    ASSERT_TRUE(i["heartbeat"].is_string());
    EXPECT_TRUE(std::regex_match(i["heartbeat"].get<std::string>(), kRfc3339Ms)) << i["heartbeat"];
    EXPECT_TRUE(i["heartbeatAgeMs"].is_number_integer());
    EXPECT_TRUE(i["podName"].is_string());
    EXPECT_TRUE(i["podPhase"].is_string());
    EXPECT_TRUE(i["recreations"].is_number_integer());
}

void expectOrchestrationShape(const Json& o, bool withMessage = false)
{
    std::vector<std::string> keys = {
        "resource", "count", "state", "progress", "parameters", "lastOrchestratedAt", "instances"};
    if (withMessage)
        keys.push_back("message");
    expectKeys(o, keys);
    EXPECT_TRUE(o["resource"].is_string());
    EXPECT_TRUE(o["count"].is_number_integer());
    EXPECT_TRUE(o["state"].is_string());
    expectKeys(o["progress"], {"ready", "total"});
    EXPECT_TRUE(o["progress"]["ready"].is_number_integer());
    EXPECT_TRUE(o["progress"]["total"].is_number_integer());
    ASSERT_TRUE(o["instances"].is_array());
    EXPECT_EQ(o["progress"]["total"], o["instances"].size());
    if (o["state"] == "NotOrchestrated") {
        EXPECT_TRUE(o["parameters"].is_null());
        EXPECT_TRUE(o["lastOrchestratedAt"].is_null());
        EXPECT_TRUE(o["instances"].empty());
        return;
    }
    expectKeys(o["parameters"], {"initInstances", "maxInstances", "resourcePerInstance"});
    for (const auto& [key, value] : o["parameters"].items())
        EXPECT_TRUE(value.is_number_integer()) << key;
    ASSERT_TRUE(o["lastOrchestratedAt"].is_string());
    EXPECT_TRUE(std::regex_match(o["lastOrchestratedAt"].get<std::string>(), kRfc3339Ms));
    for (const auto& i : o["instances"])
        expectInstanceShape(i);
}

TEST_F(OrchestratorRest, GetAnswersTheDocumentedShape)
{
    at(5000);  // pods Running since 2 s (heartbeat age 3 s)
    const auto r = get("/v1/api/orchestrations/thing");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    const Json o = body(r);
    expectOrchestrationShape(o);
    EXPECT_EQ(o["resource"], "thing");
    EXPECT_EQ(o["count"], 1000);
    EXPECT_EQ(o["state"], "Ready");
    EXPECT_EQ(o["progress"], Json({{"ready", 10}, {"total", 10}}));
    EXPECT_EQ(o["parameters"],
              Json({{"initInstances", 10}, {"maxInstances", 100}, {"resourcePerInstance", 1000}}));
    EXPECT_EQ(o["lastOrchestratedAt"], "2023-11-14T22:13:20.000Z");
    const Json& first = o["instances"][0];
    EXPECT_EQ(first["id"], "thing-0");
    EXPECT_EQ(first["used"], 101);
    EXPECT_EQ(first["count"], 101);  // 1000 / 10 + 1
    EXPECT_EQ(first["resources"][0], "thing-00000");
    EXPECT_EQ(first["reloadTimes"], 1);
    EXPECT_EQ(first["heartbeat"], "2023-11-14T22:13:22.000Z");
    EXPECT_EQ(first["heartbeatAgeMs"], 3000);
    EXPECT_EQ(first["podName"], "thing-0-1");
    EXPECT_EQ(first["podPhase"], "Running");
    EXPECT_EQ(first["recreations"], 0);
    // The fields come in the documented order.
    EXPECT_EQ(r->body.rfind(R"({"resource":"thing","count":1000,"state":"Ready","progress":)", 0),
              0u)
        << r->body.substr(0, 120);
}

TEST_F(OrchestratorRest, ANeverOrchestratedTypeHasNullParametersAndNoInstances)
{
    auto o = sandboxOptions();
    o.orchestrateAtStart = false;
    start(o);
    const auto r = get("/v1/api/orchestrations/rule", kViewer);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    const Json json = body(r);
    expectOrchestrationShape(json);
    EXPECT_EQ(json["state"], "NotOrchestrated");
    EXPECT_EQ(json["count"], 80);
    EXPECT_EQ(json["progress"], Json({{"ready", 0}, {"total", 0}}));
}

TEST_F(OrchestratorRest, OrchestrateAnswersTheOrchestrationWithAMessage)
{
    at(2000);
    at(7000);
    const auto r = orchestrate("thing", R"({"initInstances": 3, "maxInstances": 30,
                                           "resourcePerInstance": 40})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    const Json o = body(r);
    expectOrchestrationShape(o, true);
    EXPECT_EQ(o["message"], "orchestrated 1000 things over 26 instances");
    EXPECT_EQ(o["state"], "Orchestrating");
    EXPECT_EQ(o["progress"], Json({{"ready", 10}, {"total", 26}}));
    EXPECT_EQ(o["parameters"],
              Json({{"initInstances", 3}, {"maxInstances", 30}, {"resourcePerInstance", 40}}));
    EXPECT_EQ(o["lastOrchestratedAt"], "2023-11-14T22:13:27.000Z");
    EXPECT_EQ(o["instances"][25]["podPhase"], "Pending");
    EXPECT_EQ(o["instances"][0]["reloadTimes"], 2);
    EXPECT_EQ(o["instances"][0]["count"], 40);
    at(9000);
    EXPECT_EQ(body(get("/v1/api/orchestrations/thing"))["state"], "Ready");
}

TEST_F(OrchestratorRest, WithoutInitInstancesTheDefaultApplies)
{
    at(2000);
    const auto r = orchestrate("rule", R"({"maxInstances": 5, "resourcePerInstance": 100})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(body(r)["parameters"]["initInstances"], 5);
}

TEST_F(OrchestratorRest, ASecondOrchestrationWhileOneRunsIs409AndTheOtherTypeIsFree)
{
    // The start-up orchestration runs until the pods start at 2 s.
    at(1000);
    expectRejected(
        [&] {
            return orchestrate("thing", R"({"maxInstances": 100, "resourcePerInstance": 1000})");
        },
        409, "an orchestration of thing is already running");
    at(2000);
    ASSERT_EQ(orchestrate("thing", R"({"maxInstances": 50, "resourcePerInstance": 50})")->status,
              200);
    const auto rule = orchestrate("rule", R"({"maxInstances": 50, "resourcePerInstance": 10})");
    ASSERT_TRUE(rule);
    EXPECT_EQ(rule->status, 200) << "one type does not block the other: " << rule->body;
    expectRejected(
        [&] { return orchestrate("thing", R"({"maxInstances": 50, "resourcePerInstance": 50})"); },
        409, "an orchestration of thing is already running");
}

TEST_F(OrchestratorRest, EachInvalidParameterIs400WithItsOwnMessage)
{
    at(2000);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"maxInstances": 2, "resourcePerInstance": 10})",
         "maxInstances must be between 3 and 100, got 2"},
        {R"({"maxInstances": 101, "resourcePerInstance": 10})",
         "maxInstances must be between 3 and 100, got 101"},
        {R"({"maxInstances": 10, "resourcePerInstance": 0})",
         "resourcePerInstance must be between 1 and 5000, got 0"},
        {R"({"maxInstances": 10, "resourcePerInstance": 5001})",
         "resourcePerInstance must be between 1 and 5000, got 5001"},
        {R"({"initInstances": 0, "maxInstances": 10, "resourcePerInstance": 10})",
         "initInstances must be between 1 and maxInstances (10), got 0"},
        {R"({"initInstances": 11, "maxInstances": 10, "resourcePerInstance": 10})",
         "initInstances must be between 1 and maxInstances (10), got 11"},
        {R"({"resourcePerInstance": 10})", "maxInstances is required"},
        {R"({"maxInstances": 10})", "resourcePerInstance is required"},
        // 1000 / 1 + 1 = 1001 instances.
        {R"({"maxInstances": 100, "resourcePerInstance": 1})",
         "require instances more than the max: 1001/100"},
    };
    for (const auto& [text, message] : cases) {
        const std::string request = text;
        SCOPED_TRACE(request);
        expectRejected([&] { return orchestrate("thing", request); }, 400, message);
    }
}

TEST_F(OrchestratorRest, WrongTypesUnknownFieldsAndMalformedJsonAre400)
{
    at(2000);
    const std::string tail = R"(, "resourcePerInstance": 10})";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"({"maxInstances": "10")" + tail, R"(maxInstances must be an integer, got "10")"},
        {R"({"maxInstances": 10.5)" + tail, "maxInstances must be an integer, got 10.5"},
        {R"({"maxInstances": true)" + tail, "maxInstances must be an integer, got true"},
        {R"({"maxInstances": null)" + tail, "maxInstances must be an integer, got null"},
        {R"({"initInstances": "3", "maxInstances": 10)" + tail,
         R"(initInstances must be an integer, got "3")"},
        {R"({"maxInstances": 10, "resourcePerInstance": 2.5})",
         "resourcePerInstance must be an integer, got 2.5"},
        {R"({"maxInstances": 10, "resourcePerInstance": 10, "maxInstance": 10})",
         "unknown field 'maxInstance' (known: initInstances, maxInstances, resourcePerInstance)"},
        {R"({"maxInstances": 10, "maxInstances": 10)" + tail,
         "field 'maxInstances' is given twice"},
        {"[10, 10]", "the body must be a JSON object, not an array"},
        {"", "the body is empty; expected a JSON object"},
        {R"({"maxInstances": 10,)",
         "malformed JSON at line 1, column 21: syntax error while parsing object key - "
         "unexpected end of input; expected string literal"},
        {"{\"maxInstances\": 10 \"resourcePerInstance\": 10}",
         "malformed JSON at line 1, column 41: syntax error while parsing object - unexpected "
         "string literal; expected '}'"},
    };
    for (const auto& [text, message] : cases) {
        const std::string request = text;
        SCOPED_TRACE(request);
        expectRejected([&] { return orchestrate("rule", request); }, 400, message);
    }
}

TEST_F(OrchestratorRest, AnotherContentTypeIs415)
{
    at(2000);
    expectRejected(
        [&] {
            return post("/v1/api/orchestrations/thing/orchestrate",
                        R"({"maxInstances": 10, "resourcePerInstance": 1000})", kOperator,
                        "text/plain");
        },
        415, "Content-Type must be application/json, got 'text/plain'");
    const auto charset = post("/v1/api/orchestrations/thing/orchestrate",
                              R"({"maxInstances": 10, "resourcePerInstance": 1000})", kOperator,
                              "Application/JSON; charset=utf-8");
    ASSERT_TRUE(charset);
    EXPECT_EQ(charset->status, 200) << charset->body;
}

TEST_F(OrchestratorRest, AMissingOrUnknownTokenIs401AndAViewerWriteIs403)
{
    at(2000);
    const std::string path = "/v1/api/orchestrations/thing";
    const std::string valid = R"({"maxInstances": 10, "resourcePerInstance": 1000})";
    expectRejected([&] { return get(path, ""); }, 401,
                   "missing bearer token (Authorization: Bearer <token>)");
    expectRejected([&] { return get(path, "not-a-token-at-all-0000"); }, 401, "unknown token");
    expectRejected(
        [&] {
            return m_client->Get(path, {{"Authorization", "Basic dXNlcjpwYXNz"}});
        },
        401, "the Authorization header must be 'Bearer <token>'");
    const auto unauthenticated = get(path, "");
    ASSERT_TRUE(unauthenticated);
    EXPECT_EQ(unauthenticated->get_header_value("WWW-Authenticate"), "Bearer");
    expectRejected([&] { return orchestrate("thing", valid, ""); }, 401);
    expectRejected([&] { return orchestrate("thing", valid, kViewer); }, 403,
                   "token 'watcher' has the viewer role; POST needs operator");
    expectRejected([&] { return del("/v1/sandbox/thing/thing-00001", kViewer); }, 403);
    expectRejected([&] { return post("/v1/sandbox/thing", R"({"id": "x"})", kViewer); }, 403);
    // The viewer reads.
    EXPECT_EQ(get(path, kViewer)->status, 200);
    EXPECT_EQ(get(path + "/thing-00001/instances", kViewer)->status, 200);
}

TEST_F(OrchestratorRest, RunInNamesTheInstance)
{
    const auto r = get("/v1/api/orchestrations/thing/thing-00202/instances");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(body(r), Json({{"runIn", "thing-2"}}));  // 101 per instance
    EXPECT_EQ(body(get("/v1/api/orchestrations/rule/rule-079/instances")),
              Json({{"runIn", "rule-8"}}));  // 80 / 10 + 1 = 9 per instance
}

TEST_F(OrchestratorRest, UnknownTypesIdsAndUnplacedResourcesAre404)
{
    expectRejected([&] { return get("/v1/api/orchestrations/device"); }, 404,
                   "unknown resource type 'device' (known: rule, thing)");
    expectRejected([&] { return orchestrate("device", "not even json"); }, 404,
                   "unknown resource type 'device' (known: rule, thing)");
    expectRejected([&] { return get("/v1/api/orchestrations/device/x/instances"); }, 404,
                   "unknown resource type 'device' (known: rule, thing)");
    expectRejected([&] { return get("/v1/api/orchestrations/thing/lamp-7/instances"); }, 404,
                   "unknown thing 'lamp-7'");
    expectRejected([&] { return get("/v1/api/nothing-here"); }, 404,
                   "no such endpoint: GET /v1/api/nothing-here");

    auto o = sandboxOptions();
    o.orchestrateAtStart = false;
    start(o);
    expectRejected([&] { return get("/v1/api/orchestrations/thing/thing-00001/instances"); }, 404,
                   "thing 'thing-00001' is not placed on any instance");
}

TEST_F(OrchestratorRest, AWrongMethodOnAKnownPathIs405)
{
    const auto r =
        m_client->Put("/v1/api/orchestrations/thing", auth(kOperator), "{}", "application/json");
    expectError(r, 405, "method PUT is not allowed here (allowed: GET)");
    EXPECT_EQ(r->get_header_value("Allow"), "GET");
    expectRejected([&] { return get("/v1/api/orchestrations/thing/orchestrate/x"); }, 404);
    expectRejected([&] { return get("/v1/api/orchestrations/thing/orchestrate"); }, 405,
                   "method GET is not allowed here (allowed: POST)");
    expectRejected([&] { return del("/v1/api/orchestrations/thing"); }, 405);
    const auto head = m_client->Head("/v1/api/orchestrations/thing", auth(kViewer));
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200) << "HEAD is GET without the body";
}

TEST_F(OrchestratorRest, ABodyOverOneMebibyteIs413WithAJsonError)
{
    at(2000);
    std::string big = R"({"maxInstances": 10, "resourcePerInstance": 1000})";
    big.resize((1 << 20) + 1, ' ');
    expectRejected([&] { return orchestrate("thing", big); }, 413,
                   "the request body is larger than 1048576 bytes (1 MiB)");
    expectRejected([&] { return orchestrate("thing", big, ""); }, 413);
    // Exactly 1 MiB is read and parsed.
    big.resize(1 << 20);
    const auto r = orchestrate("thing", big);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body.substr(0, 200);
}

TEST_F(OrchestratorRest, AChunkedBodyOverOneMebibyteIsRefusedToo)
{
    at(2000);
    const std::string before = both();
    const std::string chunk(64 * 1024, ' ');
    const auto r = m_client->Post(
        "/v1/api/orchestrations/thing/orchestrate", auth(kOperator),
        [&](std::size_t offset, httplib::DataSink& sink) {
            const std::string head = R"({"maxInstances": 10, "resourcePerInstance": 1000})";
            if (offset == 0)
                sink.write(head.data(), head.size());
            if (offset < (3u << 20))
                sink.write(chunk.data(), chunk.size());
            else
                sink.done();
            return true;
        },
        "application/json");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 413) << r->body.substr(0, 200);
    EXPECT_EQ(both(), before);
}

TEST_F(OrchestratorRest, AChunkedBodyToNoEndpointIsDrainedAnd404)
{
    const std::string chunk(64 * 1024, 'x');
    const auto r = m_client->Post(
        "/v1/api/elsewhere", auth(kOperator),
        [&](std::size_t offset, httplib::DataSink& sink) {
            if (offset < (2u << 20))
                sink.write(chunk.data(), chunk.size());
            else
                sink.done();
            return true;
        },
        "application/json");
    expectError(r, 413, "the request body is larger than 1048576 bytes (1 MiB)");
    expectError(post("/v1/api/elsewhere", "{}"), 404, "no such endpoint: POST /v1/api/elsewhere");
}

// What curl -X POST sends: no Content-Length, no body. httplib's client always
// sends a length, so this one is written by hand; only the status line is read.
TEST_F(OrchestratorRest, APostWithoutALengthHasAnEmptyBody)
{
    at(2000);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(m_server->port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const std::string request = std::string(
                                    "POST /v1/sandbox/thing/instances/thing-1/silence "
                                    "HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ") +
                                kOperator + "\r\nConnection: close\r\n\r\n";
    ASSERT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
    std::string answer;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;)
        answer.append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 ", 0), 0u) << answer.substr(0, 300);
}

TEST_F(OrchestratorRest, TheSandboxAddsAndRemovesResources)
{
    at(2000);
    auto r = post("/v1/sandbox/thing", R"({"id": "lamp-1"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 201) << r->body;
    EXPECT_EQ(body(r), Json({{"id", "lamp-1"}, {"runIn", "thing-9"}}));  // 10 × 101 > 1000
    EXPECT_EQ(body(get("/v1/api/orchestrations/thing/lamp-1/instances")),
              Json({{"runIn", "thing-9"}}));
    const Json after = body(get("/v1/api/orchestrations/thing"));
    EXPECT_EQ(after["count"], 1001);
    EXPECT_EQ(after["instances"][9]["reloadTimes"], 2);
    EXPECT_EQ(after["instances"][9]["used"], 92);

    expectRejected([&] { return post("/v1/sandbox/thing", R"({"id": "lamp-1"})"); }, 409,
                   "thing 'lamp-1' already exists");
    expectRejected([&] { return post("/v1/sandbox/thing", R"({"id": 7})"); }, 400,
                   "id must be a string, got 7");
    expectRejected([&] { return post("/v1/sandbox/thing", R"({"id": "a b"})"); }, 400,
                   "id must be 1 to 253 characters of A-Z, a-z, 0-9, '.', '_' and '-'");
    expectRejected([&] { return post("/v1/sandbox/thing", R"({})"); }, 400, "id is required");
    expectRejected([&] { return post("/v1/sandbox/thing", R"({"id": "x", "kind": "lamp"})"); }, 400,
                   "unknown field 'kind' (known: id)");
    expectRejected([&] { return post("/v1/sandbox/gadget", R"({"id": "x"})"); }, 404);

    r = del("/v1/sandbox/thing/lamp-1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(body(r), Json({{"id", "lamp-1"}, {"removedFrom", "thing-9"}}));
    expectRejected([&] { return del("/v1/sandbox/thing/lamp-1"); }, 404, "unknown thing 'lamp-1'");
    EXPECT_EQ(body(get("/v1/api/orchestrations/thing"))["instances"][9]["reloadTimes"], 3);
}

TEST_F(OrchestratorRest, AFailedPodIsRecreatedByTheMonitor)
{
    at(2000);
    const auto r = post("/v1/sandbox/rule/instances/rule-4/fail", R"({"phase": "Failed"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    const Json failed = body(r);
    expectInstanceShape(failed);
    EXPECT_EQ(failed["id"], "rule-4");
    EXPECT_EQ(failed["podPhase"], "Failed");
    at(60'000);  // the monitor's first round
    const Json recreated = body(get("/v1/api/orchestrations/rule"))["instances"][4];
    EXPECT_EQ(recreated["podName"], "rule-4-2");
    EXPECT_EQ(recreated["recreations"], 1);
    EXPECT_EQ(recreated["reloadTimes"], 2);
    EXPECT_EQ(recreated["podPhase"], "Pending");

    for (const char* bad :
         {R"({"phase": "Running"})", R"({"phase": "failed"})", R"({"phase": 1})", R"({})"}) {
        SCOPED_TRACE(bad);
        expectRejected([&] { return post("/v1/sandbox/rule/instances/rule-4/fail", bad); }, 400);
    }
    expectRejected(
        [&] { return post("/v1/sandbox/rule/instances/rule-4/fail", R"({"phase": "Running"})"); },
        400, R"(phase must be one of Failed, Succeeded, Unknown, got "Running")");
    expectRejected(
        [&] { return post("/v1/sandbox/rule/instances/rule-99/fail", R"({"phase": "Failed"})"); },
        404, "unknown instance 'rule-99' of rule");
}

TEST_F(OrchestratorRest, ASilencedInstanceIsRecreatedAfterItsWindow)
{
    at(2000);
    const auto r = post("/v1/sandbox/thing/instances/thing-7/silence", "");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(body(r)["podName"], "thing-7-1");
    at(92'000);
    EXPECT_EQ(body(get("/v1/api/orchestrations/thing"))["instances"][7]["podName"], "thing-7-1");
    at(92'001);
    const Json recreated = body(get("/v1/api/orchestrations/thing"))["instances"][7];
    EXPECT_EQ(recreated["podName"], "thing-7-2");
    EXPECT_EQ(recreated["recreations"], 1);
    expectRejected([&] { return post("/v1/sandbox/thing/instances/thing-70/silence", ""); }, 404,
                   "unknown instance 'thing-70' of thing");
    expectRejected(
        [&] { return post("/v1/sandbox/thing/instances/thing-7/silence", R"({"for": 1})"); }, 400,
        "unknown field 'for' (known: )");
}

TEST_F(OrchestratorRest, OddPathsAreAnsweredAsData)
{
    // Odd paths and bytes reach the handlers as data, never as a crash.
    for (const char* path :
         {"/v1/api/orchestrations/%00", "/v1/api/orchestrations/%ff%fe", "/v1/sandbox/thing/%2e%2e",
          "/v1/api/orchestrations/thing/%20/instances"}) {
        SCOPED_TRACE(path);
        const auto r = get(path);
        ASSERT_TRUE(r) << httplib::to_string(r.error());
        EXPECT_GE(r->status, 400);
        EXPECT_TRUE(body(r).contains("error"));
    }
    EXPECT_EQ(get("/v1/api/orchestrations/thing")->status, 200);
}

TEST(OrchestratorRestServer, RefusesANonLoopbackAddressWithoutTls)
{
    OrchestratorSandbox sandbox({});
    for (const char* address : {"0.0.0.0:0", "192.168.1.1:8080", "nonsense", "127.0.0.1:99999"}) {
        OrchestratorRestOptions options;
        options.tokens = tokens();
        options.listenAddress = address;
        const auto server = OrchestratorRestServer::start(std::move(options), sandbox);
        ASSERT_FALSE(server.ok()) << address;
        EXPECT_EQ(server.error().code, core::ErrorCode::InvalidArgument) << address;
    }
    OrchestratorRestOptions none;
    EXPECT_FALSE(OrchestratorRestServer::start(std::move(none), sandbox).ok()) << "no tokens";
}

TEST(OrchestratorRestServer, ServesHttpsWithTheDaemonsCertificate)
{
    testing::Certificates certificates;
    ASSERT_TRUE(certificates.ok());
    OrchestratorSandbox sandbox({});
    OrchestratorRestOptions options;
    options.tokens = tokens();
    options.tls.certFile = certificates.path("server.pem");
    options.tls.keyFile = certificates.path("server.key");
    auto server = OrchestratorRestServer::start(std::move(options), sandbox);
    ASSERT_TRUE(server.ok()) << server.error().message;
    EXPECT_EQ((*server)->url().rfind("https://127.0.0.1:", 0), 0u);
    httplib::SSLClient tls("127.0.0.1", (*server)->port());
    tls.set_ca_cert_path(certificates.path("ca.pem"));
    tls.enable_server_certificate_verification(true);
    const auto r = tls.Get("/v1/api/orchestrations/rule", auth(kViewer));
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200);
    httplib::Client plain("127.0.0.1", (*server)->port());
    const auto refused = plain.Get("/v1/api/orchestrations/rule", auth(kViewer));
    EXPECT_FALSE(refused && refused->status == 200);
}

// ---- the real daemon ----

// Reads stdout of a child line by line, with a deadline.
class LineReader final
{
public:
    explicit LineReader(int fd) : m_fd(fd) {}
    std::optional<std::string> next(std::chrono::milliseconds timeout)
    {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (m_buffer.find('\n') == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd fd{m_fd, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0)
                return std::nullopt;
            char chunk[512];
            const ssize_t n = ::read(m_fd, chunk, sizeof chunk);
            if (n <= 0)
                return std::nullopt;
            m_buffer.append(chunk, static_cast<std::size_t>(n));
        }
        const auto end = m_buffer.find('\n');
        std::string line = m_buffer.substr(0, end);
        m_buffer.erase(0, end + 1);
        return line;
    }

private:
    int m_fd;
    std::string m_buffer;
};

TEST(OrchestratorDaemon, ServesOnThePrintedUrlWithTheDaemonsTokens)
{
    const auto dir = std::filesystem::temp_directory_path() /
                     ("tst_orchestrator_rest-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "tokens") << kViewer << " watcher viewer\n";
    // "echo $$; exec": the first line is the pid the daemon then has.
    const std::string command = "echo $$; exec '" CONCORDD_BINARY
                                "' --listen 127.0.0.1:0 "
                                "--journal '" +
                                (dir / "journal.db").string() + "' --token-file '" +
                                (dir / "tokens").string() + "' --speed 10 2>'" +
                                (dir / "concordd.log").string() + "'";
    FILE* child = ::popen(command.c_str(), "r");
    ASSERT_NE(child, nullptr);
    LineReader lines(::fileno(child));
    const auto pid = lines.next(std::chrono::seconds(5));
    ASSERT_TRUE(pid);
    // A failed assertion returns early: the daemon must not outlive the test.
    struct Reaper
    {
        pid_t pid;
        FILE* child;
        ~Reaper()
        {
            if (child) {
                ::kill(pid, SIGKILL);
                ::pclose(child);
            }
        }
    } reaper{static_cast<pid_t>(std::stoi(*pid)), child};
    const auto serving = lines.next(std::chrono::seconds(30));
    const auto orchestrator = lines.next(std::chrono::seconds(5));
    ASSERT_TRUE(serving && orchestrator) << std::ifstream(dir / "concordd.log").rdbuf();
    ASSERT_EQ(serving->rfind("concordd: serving on 127.0.0.1:", 0), 0u) << *serving;
    const std::string prefix = "concordd: orchestrator on ";
    ASSERT_EQ(orchestrator->rfind(prefix + "http://127.0.0.1:", 0), 0u) << *orchestrator;
    const std::string url = orchestrator->substr(prefix.size());

    httplib::Client client(url);
    EXPECT_EQ(client.Get("/v1/api/orchestrations/thing")->status, 401);
    // --speed 10: the start-up orchestration's pods run after 200 wall ms.
    Json thing = Json::object();
    for (int i = 0; i < 100 && thing.value("state", "") != "Ready"; ++i) {
        const auto r = client.Get("/v1/api/orchestrations/thing", auth(kViewer));
        ASSERT_TRUE(r) << httplib::to_string(r.error());
        ASSERT_EQ(r->status, 200) << r->body;
        thing = Json::parse(r->body);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(thing["count"], 5000);
    EXPECT_EQ(thing["state"], "Ready");
    EXPECT_EQ(thing["instances"].size(), 10u);

    auto stub = v1::ServerService::NewStub(
        grpc::CreateChannel(serving->substr(std::string("concordd: serving on ").size()),
                            grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kViewer);
    v1::GetServerInfoResponse info;
    ASSERT_TRUE(stub->GetServerInfo(&context, {}, &info).ok());
    EXPECT_EQ(info.orchestrator_url(), url);

    ::kill(reaper.pid, SIGTERM);
    const int status = ::pclose(child);
    reaper.child = nullptr;
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace concord::controller
