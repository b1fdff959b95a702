// OrchestratorClient against a local cpp-httplib server (plain and TLS): the
// requests it sends, the answers it parses, the errors it reports, where and
// when its callbacks run, and tearing it down with requests in flight; then
// against the orchestrator a real sandbox concordd serves.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QThread>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "backend_clients/controller_client.h"
#include "backend_clients/orchestrator_client.h"
#include "support/concordd_process.h"
#include "support/qt_test_helpers.h"
#include "support/test_certificates.h"

namespace concord::backend_clients {
namespace {

using namespace std::chrono_literals;

// What the server saw of the last request.
struct SeenRequest
{
    std::string method;
    std::string target;  // as sent: still percent-encoded
    std::string body;
    std::map<std::string, std::string> headers;

    std::string header(const std::string& name) const
    {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string("<absent>") : it->second;
    }
};

// A REST peer on 127.0.0.1 (any free port), serving on its own thread.
class LocalServer final
{
public:
    explicit LocalServer(std::unique_ptr<httplib::Server> server) : m_server(std::move(server))
    {
        m_server->set_keep_alive_timeout(1);
        m_server->set_logger([this](const httplib::Request& req, const httplib::Response&) {
            std::lock_guard lock(m_mutex);
            m_seen.method = req.method;
            m_seen.target = req.target;
            m_seen.body = req.body;
            m_seen.headers.clear();
            for (const auto& [name, value] : req.headers)
                m_seen.headers[name] = value;
            ++m_requests;
        });
        m_server->set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
            ++m_arrived;
            return httplib::Server::HandlerResponse::Unhandled;
        });
    }
    ~LocalServer()
    {
        m_server->stop();
        if (m_thread.joinable())
            m_thread.join();
    }
    httplib::Server& http() { return *m_server; }

    bool start()
    {
        m_port = m_server->bind_to_any_port("127.0.0.1");
        if (m_port <= 0)
            return false;
        m_thread = std::thread([this] { m_server->listen_after_bind(); });
        return true;
    }
    QUrl url(const char* scheme = "http") const
    {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2").arg(QLatin1String(scheme)).arg(m_port));
    }
    SeenRequest seen() const
    {
        std::lock_guard lock(m_mutex);
        return m_seen;
    }
    // Requests answered.
    int requests() const
    {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }
    // Requests received (answered or not yet).
    int arrived() const { return m_arrived; }

private:
    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    int m_port = 0;
    mutable std::mutex m_mutex;
    SeenRequest m_seen;
    int m_requests = 0;
    std::atomic<int> m_arrived{0};
};

QJsonObject sampleInstance(int n)
{
    return QJsonObject{
        {"id", QStringLiteral("thing-%1").arg(n)},
        {"used", 2},
        {"count", 101},
        {"resources",
         QJsonArray{QStringLiteral("thing-%1a").arg(n), QStringLiteral("thing-%1b").arg(n)}},
        {"reloadTimes", 1},
        {"heartbeat", "2026-12-02T10:15:31.000Z"},
        {"heartbeatAgeMs", 1200},
        {"podName", QStringLiteral("thing-%1-1").arg(n)},
        {"podPhase", "Running"},
        {"recreations", n},
    };
}

QJsonObject sampleOrchestration()
{
    return QJsonObject{
        {"resource", "thing"},
        {"count", 1000},
        {"state", "Ready"},
        {"progress", QJsonObject{{"ready", 10}, {"total", 10}}},
        {"parameters",
         QJsonObject{{"initInstances", 10}, {"maxInstances", 100}, {"resourcePerInstance", 101}}},
        {"lastOrchestratedAt", "2026-12-02T10:15:30.123Z"},
        {"instances", QJsonArray{sampleInstance(0), sampleInstance(1)}},
    };
}

std::string json(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

// The outcome of one call, recorded by its callback.
template <class T>
struct Outcome
{
    bool done = false;
    RestStatus status;
    T value{};
    QThread* thread = nullptr;

    OrchestratorClient::Callback<T> callback()
    {
        return [this](const RestStatus& s, const T& v) {
            status = s;
            value = v;
            thread = QThread::currentThread();
            done = true;
        };
    }
};

class OrchestratorClientTest : public ::testing::Test
{
protected:
    void startServer(std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>())
    {
        m_server = std::make_unique<LocalServer>(std::move(server));
        route();
        ASSERT_TRUE(m_server->start());
    }

    // The sample API: GET thing, POST thing/orchestrate, GET thing/:id/instances.
    void route()
    {
        auto& http = m_server->http();
        http.Get("/v1/api/orchestrations/thing",
                 [](const httplib::Request&, httplib::Response& res) {
                     res.set_content(json(sampleOrchestration()), "application/json");
                 });
        http.Post("/v1/api/orchestrations/thing/orchestrate",
                  [](const httplib::Request&, httplib::Response& res) {
                      QJsonObject answer = sampleOrchestration();
                      answer["message"] = "orchestrated 1000 things over 10 instances";
                      res.set_content(json(answer), "application/json");
                  });
        http.Get(R"(/v1/api/orchestrations/thing/(.+)/instances)", [](const httplib::Request& req,
                                                                      httplib::Response& res) {
            res.set_content(json({{"runIn", QString::fromStdString("in-" + req.matches[1].str())}}),
                            "application/json");
        });
    }

    OrchestratorSettings settings(const char* scheme = "http") const
    {
        OrchestratorSettings s;
        s.baseUrl = m_server->url(scheme);
        s.timeout = 5s;
        s.credentialHeader = "Authorization";
        s.credentialValue = "Bearer orchestrator-test-token";
        return s;
    }

    std::unique_ptr<LocalServer> m_server;
};

TEST_F(OrchestratorClientTest, GetParsesTheOrchestration)
{
    startServer();
    OrchestratorClient client;
    client.setSettings(settings());
    Outcome<OrchestrationDto> got;
    client.getOrchestration(QStringLiteral("thing"), got.callback());
    CONCORD_TRY_ASSERT(got.done, 10000);

    ASSERT_TRUE(got.status.ok()) << got.status.toString().toStdString();
    EXPECT_EQ(got.status.httpStatus, 200);
    const OrchestrationDto& o = got.value;
    EXPECT_EQ(o.resource, QStringLiteral("thing"));
    EXPECT_EQ(o.count, 1000);
    EXPECT_EQ(o.state, QStringLiteral("Ready"));
    EXPECT_EQ(o.progressReady, 10);
    EXPECT_EQ(o.progressTotal, 10);
    ASSERT_TRUE(o.parameters);
    EXPECT_EQ(o.parameters->initInstances, 10);
    EXPECT_EQ(o.parameters->maxInstances, 100);
    EXPECT_EQ(o.parameters->resourcePerInstance, 101);
    EXPECT_EQ(o.lastOrchestratedAt, QDateTime(QDate(2026, 12, 2), QTime(10, 15, 30, 123), Qt::UTC));
    ASSERT_EQ(o.instances.size(), 2);
    const OrchestratorInstanceDto& i = o.instances.at(1);
    EXPECT_EQ(i.id, QStringLiteral("thing-1"));
    EXPECT_EQ(i.used, 2);
    EXPECT_EQ(i.count, 101);
    EXPECT_EQ(i.resources, (QStringList{"thing-1a", "thing-1b"}));
    EXPECT_EQ(i.reloadTimes, 1);
    EXPECT_EQ(i.heartbeat, QDateTime(QDate(2026, 12, 2), QTime(10, 15, 31), Qt::UTC));
    EXPECT_EQ(i.heartbeatAgeMs, 1200);
    EXPECT_EQ(i.podName, QStringLiteral("thing-1-1"));
    EXPECT_EQ(i.podPhase, QStringLiteral("Running"));
    EXPECT_EQ(i.recreations, 1);
    EXPECT_TRUE(o.message.isEmpty());

    const SeenRequest seen = m_server->seen();
    EXPECT_EQ(seen.method, "GET");
    EXPECT_EQ(seen.target, "/v1/api/orchestrations/thing");
    EXPECT_EQ(seen.header("Accept"), "application/json");
    EXPECT_EQ(seen.header("Authorization"), "Bearer orchestrator-test-token");
}

TEST_F(OrchestratorClientTest, OrchestratePostsTheThreeParametersAsJson)
{
    startServer();
    OrchestratorClient client;
    client.setSettings(settings());
    Outcome<OrchestrationDto> got;
    client.orchestrate(QStringLiteral("thing"), OrchestrationParametersDto{4, 50, 250},
                       got.callback());
    CONCORD_TRY_ASSERT(got.done, 10000);
    ASSERT_TRUE(got.status.ok()) << got.status.toString().toStdString();
    EXPECT_EQ(got.value.message, QStringLiteral("orchestrated 1000 things over 10 instances"));
    EXPECT_EQ(got.value.instances.size(), 2);

    const SeenRequest seen = m_server->seen();
    EXPECT_EQ(seen.method, "POST");
    EXPECT_EQ(seen.target, "/v1/api/orchestrations/thing/orchestrate");
    EXPECT_EQ(seen.header("Content-Type"), "application/json");
    EXPECT_EQ(seen.header("Authorization"), "Bearer orchestrator-test-token");
    QJsonParseError error;
    const QJsonDocument body =
        QJsonDocument::fromJson(QByteArray::fromStdString(seen.body), &error);
    ASSERT_EQ(error.error, QJsonParseError::NoError) << seen.body;
    EXPECT_EQ(
        body.object(),
        (QJsonObject{{"initInstances", 4}, {"maxInstances", 50}, {"resourcePerInstance", 250}}));
}

TEST_F(OrchestratorClientTest, RunInEncodesTheIdAsOneSegment)
{
    startServer();
    OrchestratorClient client;
    OrchestratorSettings s = settings();
    s.baseUrl.setPath(QStringLiteral("/"));  // a trailing slash on the base adds no empty segment
    client.setSettings(s);
    Outcome<QString> plain;
    Outcome<QString> odd;
    client.runIn(QStringLiteral("thing"), QStringLiteral("thing-00007"), plain.callback());
    CONCORD_TRY_ASSERT(plain.done, 10000);
    EXPECT_TRUE(plain.status.ok()) << plain.status.toString().toStdString();
    EXPECT_EQ(plain.value, QStringLiteral("in-thing-00007"));
    EXPECT_EQ(m_server->seen().target, "/v1/api/orchestrations/thing/thing-00007/instances");

    client.runIn(QStringLiteral("thing"), QStringLiteral("a/b c?"), odd.callback());
    CONCORD_TRY_ASSERT(odd.done, 10000);
    EXPECT_TRUE(odd.status.ok()) << odd.status.toString().toStdString();
    EXPECT_EQ(m_server->seen().target, "/v1/api/orchestrations/thing/a%2Fb%20c%3F/instances");
}

TEST_F(OrchestratorClientTest, TheServersErrorMessagesArePassedThroughAndLogged)
{
    startServer();
    auto& http = m_server->http();
    http.Get("/v1/api/orchestrations/gadget", [](const httplib::Request&, httplib::Response& res) {
        res.status = 404;
        res.set_content(
            R"json({"error": "unknown resource type 'gadget' (known: rule, thing)"})json",
            "application/json");
    });
    http.Post("/v1/api/orchestrations/rule/orchestrate",
              [](const httplib::Request&, httplib::Response& res) {
                  res.status = 409;
                  res.set_content(R"({"error": "an orchestration of rule is already running"})",
                                  "application/json");
              });
    http.Post("/v1/api/orchestrations/gadget/orchestrate",
              [](const httplib::Request&, httplib::Response& res) {
                  res.status = 400;
                  res.set_content(R"({"error": "maxInstances must be between 3 and 100, got 2"})",
                                  "application/json");
              });
    OrchestratorClient client;
    client.setSettings(settings());
    QSignalSpy failed(&client, &OrchestratorClient::requestFailed);
    Outcome<OrchestrationDto> notFound, conflict, invalid;
    client.getOrchestration(QStringLiteral("gadget"), notFound.callback());
    client.orchestrate(QStringLiteral("rule"), {}, conflict.callback());
    client.orchestrate(QStringLiteral("gadget"), {10, 2, 5}, invalid.callback());
    CONCORD_TRY_ASSERT(notFound.done && conflict.done && invalid.done, 10000);

    EXPECT_EQ(notFound.status.httpStatus, 404);
    EXPECT_EQ(notFound.status.message,
              QStringLiteral("unknown resource type 'gadget' (known: rule, thing)"));
    EXPECT_EQ(conflict.status.httpStatus, 409);
    EXPECT_EQ(conflict.status.toString(),
              QStringLiteral("409: an orchestration of rule is already running"));
    EXPECT_EQ(invalid.status.httpStatus, 400);
    EXPECT_EQ(invalid.status.message,
              QStringLiteral("maxInstances must be between 3 and 100, got 2"));
    EXPECT_FALSE(invalid.status.ok());

    ASSERT_EQ(failed.count(), 3);
    QStringList what;
    for (const auto& args : failed)
        what << args.at(0).toString();
    what.sort();
    EXPECT_EQ(what, (QStringList{"GET /v1/api/orchestrations/gadget",
                                 "POST /v1/api/orchestrations/gadget/orchestrate",
                                 "POST /v1/api/orchestrations/rule/orchestrate"}));
    EXPECT_EQ(failed.at(0).at(1).value<RestStatus>().httpStatus >= 400, true);
}

TEST_F(OrchestratorClientTest, UnreadableAnswersAreErrorsThatSayWhy)
{
    startServer();
    auto& http = m_server->http();
    http.Get("/v1/api/orchestrations/broken", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(R"({"resource": "thing", "count": )", "application/json");
    });
    http.Get("/v1/api/orchestrations/typed", [](const httplib::Request&, httplib::Response& res) {
        QJsonObject o = sampleOrchestration();
        o["count"] = "1000";
        res.set_content(json(o), "application/json");
    });
    http.Get("/v1/api/orchestrations/gateway", [](const httplib::Request&, httplib::Response& res) {
        res.status = 502;
        res.set_content("upstream down", "text/plain");
    });
    OrchestratorClient client;
    client.setSettings(settings());
    QSignalSpy failed(&client, &OrchestratorClient::requestFailed);
    Outcome<OrchestrationDto> broken, typed, gateway;
    client.getOrchestration(QStringLiteral("broken"), broken.callback());
    client.getOrchestration(QStringLiteral("typed"), typed.callback());
    client.getOrchestration(QStringLiteral("gateway"), gateway.callback());
    CONCORD_TRY_ASSERT(broken.done && typed.done && gateway.done, 10000);

    EXPECT_FALSE(broken.status.ok());
    EXPECT_EQ(broken.status.httpStatus, 200);
    EXPECT_TRUE(broken.status.unreadableBody);
    EXPECT_TRUE(broken.status.message.contains(QStringLiteral("not valid JSON")))
        << broken.status.message.toStdString();
    EXPECT_FALSE(typed.status.ok());
    EXPECT_TRUE(typed.status.message.contains(QStringLiteral("count: expected an integer")))
        << typed.status.message.toStdString();
    EXPECT_EQ(gateway.status.httpStatus, 502);
    EXPECT_TRUE(gateway.status.message.contains(QStringLiteral("HTTP 502")))
        << gateway.status.message.toStdString();
    EXPECT_TRUE(gateway.status.message.contains(QStringLiteral("without an error message")));
    EXPECT_EQ(failed.count(), 3);
}

TEST_F(OrchestratorClientTest, ASlowServerTimesOutWithoutAnHttpStatus)
{
    startServer();
    m_server->http().Get("/v1/api/orchestrations/slow",
                         [](const httplib::Request&, httplib::Response& res) {
                             std::this_thread::sleep_for(1500ms);
                             res.set_content(json(sampleOrchestration()), "application/json");
                         });
    OrchestratorClient client;
    OrchestratorSettings s = settings();
    s.timeout = 300ms;
    client.setSettings(s);
    Outcome<OrchestrationDto> got;
    QElapsedTimer clock;
    clock.start();
    client.getOrchestration(QStringLiteral("slow"), got.callback());
    CONCORD_TRY_ASSERT(got.done, 10000);
    EXPECT_LT(clock.elapsed(), 1300);
    EXPECT_EQ(got.status.httpStatus, 0);
    EXPECT_TRUE(got.status.message.contains(QStringLiteral("timed out")))
        << got.status.message.toStdString();
    EXPECT_TRUE(got.status.message.contains(QStringLiteral("300 ms")));
}

// A loopback port nothing listens on: bound, noted and closed again.
int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

TEST_F(OrchestratorClientTest, ARefusedConnectionReportsTheNetworkError)
{
    const int port = freePort();
    ASSERT_GT(port, 0);
    OrchestratorClient client;
    OrchestratorSettings s;
    s.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
    client.setSettings(s);
    QSignalSpy failed(&client, &OrchestratorClient::requestFailed);
    Outcome<OrchestrationDto> got;
    client.getOrchestration(QStringLiteral("thing"), got.callback());
    CONCORD_TRY_ASSERT(got.done, 10000);
    EXPECT_EQ(got.status.httpStatus, 0);
    EXPECT_TRUE(got.status.message.contains(QStringLiteral("refused"), Qt::CaseInsensitive))
        << got.status.message.toStdString();
    EXPECT_EQ(failed.count(), 1);
}

TEST_F(OrchestratorClientTest, TlsWorksWithTheTestCaAndFailsClearlyWithoutIt)
{
    concord::testing::Certificates certs;
    ASSERT_TRUE(certs.ok()) << "openssl failed (scripts/bootstrap installs it)";
    startServer(std::make_unique<httplib::SSLServer>(certs.path("server.pem").c_str(),
                                                     certs.path("server.key").c_str()));
    {
        OrchestratorClient client;
        OrchestratorSettings s = settings("https");
        s.caCertificateFile = QString::fromStdString(certs.path("ca.pem"));
        client.setSettings(s);
        Outcome<OrchestrationDto> got;
        client.getOrchestration(QStringLiteral("thing"), got.callback());
        CONCORD_TRY_ASSERT(got.done, 10000);
        EXPECT_TRUE(got.status.ok()) << got.status.toString().toStdString();
        EXPECT_EQ(got.value.instances.size(), 2);
    }
    {
        OrchestratorClient client;
        client.setSettings(settings("https"));  // system CAs only
        Outcome<OrchestrationDto> got;
        client.getOrchestration(QStringLiteral("thing"), got.callback());
        CONCORD_TRY_ASSERT(got.done, 10000);
        EXPECT_EQ(got.status.httpStatus, 0);
        EXPECT_TRUE(got.status.message.contains(QStringLiteral("SSL handshake failed")) &&
                    got.status.message.contains(QStringLiteral("CA certificate file")))
            << got.status.message.toStdString();
    }
    {
        OrchestratorClient client;
        OrchestratorSettings s = settings("https");
        s.caCertificateFile = QStringLiteral("/nonexistent/ca.pem");
        client.setSettings(s);
        Outcome<OrchestrationDto> got;
        client.getOrchestration(QStringLiteral("thing"), got.callback());
        CONCORD_TRY_ASSERT(got.done, 10000);
        EXPECT_EQ(got.status.httpStatus, 0);
        EXPECT_TRUE(got.status.message.contains(QStringLiteral("/nonexistent/ca.pem")))
            << got.status.message.toStdString();
    }
}

TEST_F(OrchestratorClientTest, CallbacksRunOnTheOwnersThreadNeverInline)
{
    startServer();
    OrchestratorClient client;
    client.setSettings(settings());
    Outcome<OrchestrationDto> answered;
    client.getOrchestration(QStringLiteral("thing"), answered.callback());
    // Even a request that fails before it is sent answers later, not inline.
    OrchestratorClient unconfigured;
    Outcome<OrchestrationDto> refused;
    unconfigured.getOrchestration(QStringLiteral("thing"), refused.callback());
    // Give the network thread time to finish both without returning to the
    // event loop: nothing may run until this thread processes events.
    QThread::msleep(300);
    EXPECT_FALSE(answered.done);
    EXPECT_FALSE(refused.done);
    CONCORD_TRY_ASSERT(answered.done && refused.done, 10000);
    EXPECT_EQ(answered.thread, QThread::currentThread());
    EXPECT_EQ(refused.thread, QThread::currentThread());
    EXPECT_TRUE(answered.status.ok());
    EXPECT_EQ(refused.status.httpStatus, 0);
    EXPECT_TRUE(refused.status.message.contains(QStringLiteral("orchestrator URL")))
        << refused.status.message.toStdString();
}

TEST_F(OrchestratorClientTest, DestroyingTheClientWithRequestsInFlightIsSafe)
{
    // The server holds every request until the last client is gone (a timed
    // hold let a loaded machine answer a client that was still alive), with
    // threads enough to hold all 15 at once.
    auto server = std::make_unique<httplib::Server>();
    server->new_task_queue = [] { return new httplib::ThreadPool(32); };
    startServer(std::move(server));
    auto release = std::make_shared<std::atomic<bool>>(false);
    m_server->http().Get("/v1/api/orchestrations/slow",
                         [release](const httplib::Request&, httplib::Response& res) {
                             for (int i = 0; i < 1000 && !release->load(); ++i)
                                 std::this_thread::sleep_for(10ms);
                             res.set_content(json(sampleOrchestration()), "application/json");
                         });
    auto calls = std::make_shared<int>(0);
    for (int round = 0; round < 3; ++round) {
        auto client = std::make_unique<OrchestratorClient>();
        client->setSettings(settings());
        const int arrivedBefore = m_server->arrived();
        for (int i = 0; i < 5; ++i)
            client->getOrchestration(
                QStringLiteral("slow"),
                [calls](const RestStatus&, const OrchestrationDto&) { ++*calls; });
        // Round 0 dies before anything was answered; the others while the
        // server holds every request.
        if (round > 0) {
            CONCORD_TRY_ASSERT(m_server->arrived() >= arrivedBefore + 5, 5000);
            EXPECT_LT(m_server->requests(), m_server->arrived());  // held by the server
        }
        client.reset();
    }
    release->store(true);
    concord::testing::waitFor([] { return false; }, 300ms);  // past every answer
    EXPECT_EQ(*calls, 0);
}

// --- parseOrchestration ---------------------------------------------------------

QString parseError(const QJsonObject& document)
{
    QString error;
    const auto parsed = parseOrchestration(QJsonDocument(document).toJson(), &error);
    EXPECT_FALSE(parsed) << "parsed although invalid";
    return error;
}

TEST(ParseOrchestration, ANotOrchestratedTypeHasNoParametersOrTime)
{
    QJsonObject o = sampleOrchestration();
    o["state"] = "NotOrchestrated";
    o["parameters"] = QJsonValue::Null;
    o["lastOrchestratedAt"] = QJsonValue::Null;
    o["instances"] = QJsonArray();
    QString error;
    const auto parsed = parseOrchestration(QJsonDocument(o).toJson(), &error);
    ASSERT_TRUE(parsed) << error.toStdString();
    EXPECT_FALSE(parsed->parameters);
    EXPECT_FALSE(parsed->lastOrchestratedAt.isValid());
    EXPECT_TRUE(parsed->instances.isEmpty());
}

TEST(ParseOrchestration, EveryMissingOrMistypedFieldIsNamed)
{
    QJsonObject o = sampleOrchestration();
    o.remove("state");
    EXPECT_EQ(parseError(o), QStringLiteral("state: missing"));

    o = sampleOrchestration();
    o["count"] = 12.5;
    EXPECT_EQ(parseError(o), QStringLiteral("count: expected an integer"));

    o = sampleOrchestration();
    o["progress"] = QJsonObject{{"ready", 1}};
    EXPECT_EQ(parseError(o), QStringLiteral("progress.total: missing"));

    o = sampleOrchestration();
    o["parameters"] =
        QJsonObject{{"initInstances", 1}, {"maxInstances", true}, {"resourcePerInstance", 1}};
    EXPECT_EQ(parseError(o), QStringLiteral("parameters.maxInstances: expected an integer"));

    o = sampleOrchestration();
    o["parameters"] = "none";
    EXPECT_EQ(parseError(o), QStringLiteral("parameters: expected an object or null"));

    o = sampleOrchestration();
    o["lastOrchestratedAt"] = "yesterday";
    EXPECT_EQ(parseError(o),
              QStringLiteral("lastOrchestratedAt: expected an RFC 3339 time string"));

    o = sampleOrchestration();
    QJsonArray instances = o["instances"].toArray();
    QJsonObject second = instances.at(1).toObject();
    second.remove("podPhase");
    instances[1] = second;
    o["instances"] = instances;
    EXPECT_EQ(parseError(o), QStringLiteral("instances[1].podPhase: missing"));

    second = sampleInstance(1);
    second["resources"] = QJsonArray{"a", 7};
    instances[1] = second;
    o["instances"] = instances;
    EXPECT_EQ(parseError(o), QStringLiteral("instances[1].resources[1]: expected a string"));

    second = sampleInstance(1);
    second["used"] = 1e12;  // integral but no int
    instances[1] = second;
    o["instances"] = instances;
    EXPECT_EQ(parseError(o), QStringLiteral("instances[1].used: expected an integer"));

    o["instances"] = QJsonArray{3};
    EXPECT_EQ(parseError(o), QStringLiteral("instances[0]: expected an object"));

    o = sampleOrchestration();
    o["message"] = 5;
    EXPECT_EQ(parseError(o), QStringLiteral("message: expected a string"));
}

TEST(ParseOrchestration, ADocumentThatIsNoObjectIsRejected)
{
    QString error;
    EXPECT_FALSE(parseOrchestration("[1, 2]", &error));
    EXPECT_EQ(error, QStringLiteral("expected a JSON object"));
    EXPECT_FALSE(parseOrchestration("", &error));
    EXPECT_TRUE(error.startsWith(QStringLiteral("not valid JSON"))) << error.toStdString();
    EXPECT_FALSE(parseOrchestration("{\"resource\": \"thing\"}", nullptr));  // no error wanted
}

// --- against concordd's sandbox orchestrator ---------------------------------------

class OrchestratorOfConcorddTest : public ::testing::Test
{
protected:
    static constexpr const char* kToken = "orchestrator-client-operator-token";

    void SetUp() override
    {
        m_dir = std::filesystem::temp_directory_path() /
                ("concord-orchestrator-client-" + std::to_string(::getpid()));
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
        std::ofstream(m_dir / "tokens") << kToken << " ci operator\n";
        concord::testing::ConcorddProcess::Options options;
        options.binary = CONCORDD_BINARY;
        options.args = {"--sandbox",
                        "--listen",
                        "127.0.0.1:0",
                        "--journal",
                        (m_dir / "journal.db").string(),
                        "--token-file",
                        (m_dir / "tokens").string(),
                        "--speed",
                        "5"};
        options.stderrPath = (m_dir / "concordd.log").string();
        std::string error;
        m_daemon = concord::testing::ConcorddProcess::start(options, error);
        ASSERT_TRUE(m_daemon) << error;
        // The orchestrator's URL, as the console finds it: GetServerInfo.
        ControllerClient controller;
        ConnectionSettings s;
        s.address = QString::fromStdString(m_daemon->address());
        s.token = QString::fromLatin1(kToken);
        controller.connectTo(s);
        CONCORD_TRY_ASSERT(controller.state() == ConnectionState::Connected, 15000);
        m_url = QUrl(QString::fromStdString(controller.serverInfo().orchestrator_url()));
        ASSERT_TRUE(m_url.isValid() && !m_url.isEmpty()) << "no orchestrator_url";
        m_client.setSettings(settings(QByteArray("Bearer ") + kToken));
    }
    void TearDown() override
    {
        m_daemon.reset();
        if (!HasFailure())
            std::filesystem::remove_all(m_dir);
    }

    OrchestratorSettings settings(const QByteArray& authorization) const
    {
        OrchestratorSettings s;
        s.baseUrl = m_url;
        s.timeout = 10s;
        if (!authorization.isEmpty()) {
            s.credentialHeader = "Authorization";
            s.credentialValue = authorization;
        }
        return s;
    }

    OrchestrationDto get()
    {
        Outcome<OrchestrationDto> got;
        m_client.getOrchestration(QStringLiteral("thing"), got.callback());
        EXPECT_TRUE(concord::testing::waitFor([&] { return got.done; }, 10s));
        EXPECT_TRUE(got.status.ok()) << got.status.toString().toStdString();
        return got.value;
    }

    std::filesystem::path m_dir;
    std::unique_ptr<concord::testing::ConcorddProcess> m_daemon;
    QUrl m_url;
    OrchestratorClient m_client;
};

TEST_F(OrchestratorOfConcorddTest, GetsOrchestratesAndFindsWhereAThingRuns)
{
    OrchestrationDto current = get();
    EXPECT_EQ(current.resource, QStringLiteral("thing"));
    EXPECT_GT(current.count, 0);
    ASSERT_FALSE(current.instances.isEmpty());
    qint64 placed = 0;
    for (const OrchestratorInstanceDto& instance : current.instances)
        placed += instance.used;
    EXPECT_EQ(placed, current.count);
    // The start's orchestration must be Ready before another may begin.
    CONCORD_TRY_ASSERT((current = get()).state == QStringLiteral("Ready"), 20000);

    Outcome<OrchestrationDto> orchestrated;
    m_client.orchestrate(QStringLiteral("thing"), {10, 100, 1000}, orchestrated.callback());
    CONCORD_TRY_ASSERT(orchestrated.done, 10000);
    ASSERT_TRUE(orchestrated.status.ok()) << orchestrated.status.toString().toStdString();
    const OrchestrationDto& o = orchestrated.value;
    EXPECT_FALSE(o.message.isEmpty());
    // count / 1000 + 1 instances are fewer than initInstances: 10 of them.
    ASSERT_EQ(o.instances.size(), 10);
    ASSERT_TRUE(o.parameters);
    EXPECT_EQ(o.parameters->maxInstances, 100);
    EXPECT_EQ(o.instances.first().count, int(o.count / 10 + 1));
    EXPECT_TRUE(o.lastOrchestratedAt.isValid());

    const QString firstThing = o.instances.first().resources.value(0);
    ASSERT_FALSE(firstThing.isEmpty());
    Outcome<QString> runIn;
    m_client.runIn(QStringLiteral("thing"), firstThing, runIn.callback());
    CONCORD_TRY_ASSERT(runIn.done, 10000);
    ASSERT_TRUE(runIn.status.ok()) << runIn.status.toString().toStdString();
    EXPECT_EQ(runIn.value, o.instances.first().id);
}

TEST_F(OrchestratorOfConcorddTest, TheDaemonsRefusalsArrivePassedThrough)
{
    Outcome<OrchestrationDto> invalid;
    m_client.orchestrate(QStringLiteral("thing"), {10, 2, 1000}, invalid.callback());
    Outcome<QString> unknown;
    m_client.runIn(QStringLiteral("thing"), QStringLiteral("no-such-thing"), unknown.callback());
    Outcome<OrchestrationDto> type;
    m_client.getOrchestration(QStringLiteral("gadget"), type.callback());
    OrchestratorClient anonymous;
    anonymous.setSettings(settings({}));
    Outcome<OrchestrationDto> unauthenticated;
    anonymous.getOrchestration(QStringLiteral("thing"), unauthenticated.callback());
    CONCORD_TRY_ASSERT(invalid.done && unknown.done && type.done && unauthenticated.done, 10000);

    EXPECT_EQ(invalid.status.httpStatus, 400);
    EXPECT_TRUE(invalid.status.message.contains(QStringLiteral("maxInstances")))
        << invalid.status.message.toStdString();
    EXPECT_EQ(unknown.status.httpStatus, 404);
    EXPECT_TRUE(unknown.status.message.contains(QStringLiteral("no-such-thing")))
        << unknown.status.message.toStdString();
    EXPECT_EQ(type.status.httpStatus, 404);
    EXPECT_EQ(type.status.message,
              QStringLiteral("unknown resource type 'gadget' (known: rule, thing)"));
    EXPECT_EQ(unauthenticated.status.httpStatus, 401);
    EXPECT_FALSE(unauthenticated.status.message.isEmpty());
}

}  // namespace
}  // namespace concord::backend_clients
