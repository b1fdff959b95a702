// ControllerClient against a real concordd on loopback: connection states,
// unary calls delivered on the owner's thread, the mesh/topology/update
// streams, credentials, and reconnecting after the daemon is killed.
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QThread>
#include <filesystem>
#include <fstream>

#include "backend_clients/controller_client.h"
#include "support/concordd_process.h"
#include "support/qt_test_helpers.h"
#include "support/test_certificates.h"

namespace concord::backend_clients {
namespace {

using concord::testing::ConcorddProcess;
using namespace std::chrono_literals;

constexpr const char* kToken = "client-test-operator-token";

class ControllerClientTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = std::filesystem::temp_directory_path() /
                (std::string("concord-client-") + info->name() + "-" + std::to_string(::getpid()));
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
        std::ofstream(m_dir / "tokens") << kToken << " ci operator\n"
                                        << "viewer-token-for-tests ci-viewer viewer\n";
    }
    void TearDown() override
    {
        m_daemon.reset();
        if (!HasFailure())
            std::filesystem::remove_all(m_dir);
    }

    void startDaemon(const std::string& listen = "127.0.0.1:0",
                     const std::vector<std::string>& extra = {})
    {
        ConcorddProcess::Options options;
        options.binary = CONCORDD_BINARY;
        options.args = {"--sandbox",
                        "--listen",
                        listen,
                        "--journal",
                        (m_dir / "journal.db").string(),
                        "--token-file",
                        (m_dir / "tokens").string(),
                        "--speed",
                        "5",
                        "--rule-propagation",
                        "100",
                        "--deploy-delay",
                        "100"};
        options.args.insert(options.args.end(), extra.begin(), extra.end());
        options.stderrPath = (m_dir / "concordd.log").string();
        std::string error;
        m_daemon = ConcorddProcess::start(options, error);
        ASSERT_TRUE(m_daemon) << error;
    }

    ConnectionSettings settings(const QString& token = QString::fromLatin1(kToken)) const
    {
        ConnectionSettings s;
        s.address = QString::fromStdString(m_daemon->address());
        s.token = token;
        return s;
    }

    std::filesystem::path m_dir;
    std::unique_ptr<ConcorddProcess> m_daemon;
};

TEST_F(ControllerClientTest, ConnectsAndStreamsTheMeshAndTheTopology)
{
    startDaemon();
    ControllerClient client;
    QSignalSpy states(&client, &ControllerClient::stateChanged);
    QList<v1::MeshEvent> meshEvents;
    int snapshots = 0;
    QObject::connect(&client, &ControllerClient::meshEvent,
                     [&](const v1::MeshEvent& e) { meshEvents.append(e); });
    QObject::connect(&client, &ControllerClient::topologySnapshot,
                     [&](const v1::TopologySnapshot& s) { snapshots += s.edges_size() > 0; });
    client.setTopologyPeriod(200ms);
    client.connectTo(settings());
    EXPECT_EQ(client.state(), ConnectionState::Connecting);

    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Connected, 10000);
    EXPECT_EQ(client.serverInfo().driver(), v1::DRIVER_KIND_SANDBOX);
    EXPECT_EQ(client.serverInfo().caller_role(), v1::ROLE_OPERATOR);
    CONCORD_TRY_ASSERT(!meshEvents.isEmpty(), 10000);
    ASSERT_TRUE(meshEvents.first().has_snapshot());
    EXPECT_EQ(meshEvents.first().snapshot().services_size(), 4);
    CONCORD_TRY_EXPECT(snapshots >= 2, 10000);
    ASSERT_GE(states.count(), 2);
    EXPECT_EQ(states.at(0).at(0).value<ConnectionState>(), ConnectionState::Connecting);
    EXPECT_EQ(states.last().at(0).value<ConnectionState>(), ConnectionState::Connected);
}

TEST_F(ControllerClientTest, UnaryResultsArriveLaterOnTheOwnersThread)
{
    startDaemon();
    ControllerClient client;
    client.connectTo(settings());
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Connected, 10000);

    bool done = false;
    bool inline_ = true;
    QThread* thread = nullptr;
    v1::ListServicesResponse services;
    client.listServices([&](const CallStatus& status, const v1::ListServicesResponse& r) {
        EXPECT_TRUE(status.ok()) << status.toString().toStdString();
        services = r;
        thread = QThread::currentThread();
        done = true;
    });
    inline_ = done;
    EXPECT_FALSE(inline_);
    CONCORD_TRY_ASSERT(done, 10000);
    EXPECT_EQ(thread, QThread::currentThread());
    EXPECT_EQ(services.services_size(), 4);

    v1::PlanUpdateRequest plan;
    plan.set_service("auth-service");
    plan.set_target_version("v2");
    plan.set_strategy(v1::UPDATE_STRATEGY_CV);
    bool planned = false;
    client.planUpdate(plan, [&](const CallStatus& status, const v1::PlanUpdateResponse& r) {
        EXPECT_TRUE(status.ok()) << status.toString().toStdString();
        EXPECT_GE(r.plan().phases_size(), 5);
        planned = true;
    });
    CONCORD_TRY_EXPECT(planned, 10000);
}

TEST_F(ControllerClientTest, AFailedCallReportsItsStatusAndIsLogged)
{
    startDaemon();
    ControllerClient client;
    client.connectTo(settings());
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Connected, 10000);
    QSignalSpy failed(&client, &ControllerClient::callFailed);
    CallStatus got;
    bool done = false;
    client.getVersionTree(QStringLiteral("no-such-service"),
                          [&](const CallStatus& status, const v1::GetVersionTreeResponse&) {
                              got = status;
                              done = true;
                          });
    CONCORD_TRY_ASSERT(done, 10000);
    EXPECT_EQ(got.code, 5) << got.toString().toStdString();  // NOT_FOUND
    EXPECT_TRUE(got.toString().startsWith(QStringLiteral("NOT_FOUND")));
    ASSERT_EQ(failed.count(), 1);
    EXPECT_EQ(failed.at(0).at(0).toString(), QStringLiteral("GetVersionTree"));
}

TEST_F(ControllerClientTest, CallsWithoutAConnectionFailUnavailableAsynchronously)
{
    ControllerClient client;
    bool done = false;
    CallStatus got;
    client.listServices([&](const CallStatus& status, const v1::ListServicesResponse&) {
        got = status;
        done = true;
    });
    EXPECT_FALSE(done);
    CONCORD_TRY_ASSERT(done, 2000);
    EXPECT_EQ(got.code, 14);  // UNAVAILABLE
}

TEST_F(ControllerClientTest, ABadTokenFailsWithTheReasonAndDoesNotRetry)
{
    startDaemon();
    ControllerClient client;
    client.setReconnectBackoff(50ms, 100ms);
    client.connectTo(settings(QStringLiteral("wrong-token")));
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Failed, 10000);
    EXPECT_TRUE(client.stateReason().contains(QStringLiteral("UNAUTHENTICATED")))
        << client.stateReason().toStdString();
    concord::testing::waitFor([] { return false; }, 400ms);
    EXPECT_EQ(client.state(), ConnectionState::Failed);
}

TEST_F(ControllerClientTest, AMissingCaFileFailsAtOnce)
{
    ControllerClient client;
    ConnectionSettings s;
    s.address = QStringLiteral("127.0.0.1:1");
    s.tls = true;
    s.caFile = QStringLiteral("/nonexistent/ca.pem");
    client.connectTo(s);
    EXPECT_EQ(client.state(), ConnectionState::Failed);
    EXPECT_TRUE(client.stateReason().contains(QStringLiteral("/nonexistent/ca.pem")));
}

TEST_F(ControllerClientTest, ConnectsOverTlsTrustingTheGivenCa)
{
    concord::testing::Certificates certs;
    ASSERT_TRUE(certs.ok()) << "openssl failed (scripts/bootstrap installs it)";
    startDaemon("127.0.0.1:0",
                {"--tls-cert", certs.path("server.pem"), "--tls-key", certs.path("server.key")});
    ControllerClient client;
    ConnectionSettings s = settings();
    s.tls = true;
    s.caFile = QString::fromStdString(certs.path("ca.pem"));
    client.connectTo(s);
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Connected, 10000);
    bool done = false;
    client.listServices([&](const CallStatus& status, const v1::ListServicesResponse& r) {
        EXPECT_TRUE(status.ok()) << status.toString().toStdString();
        EXPECT_EQ(r.services_size(), 4);
        done = true;
    });
    CONCORD_TRY_EXPECT(done, 10000);
}

TEST_F(ControllerClientTest, ATlsServerIsNotReachedInPlaintext)
{
    concord::testing::Certificates certs;
    ASSERT_TRUE(certs.ok());
    startDaemon("127.0.0.1:0",
                {"--tls-cert", certs.path("server.pem"), "--tls-key", certs.path("server.key")});
    ControllerClient client;
    client.setReconnectBackoff(100ms, 200ms);
    client.connectTo(settings());  // no TLS
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Reconnecting, 10000);
    EXPECT_FALSE(client.stateReason().isEmpty());
    concord::testing::waitFor([] { return false; }, 500ms);
    EXPECT_NE(client.state(), ConnectionState::Connected);
}

TEST_F(ControllerClientTest, AnUpdateIsWatchedToTheEnd)
{
    startDaemon();
    ControllerClient client;
    client.connectTo(settings());
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Connected, 10000);
    QString id;
    v1::StartUpdateRequest start;
    start.set_service("auth-service");
    start.set_target_version("v2");
    start.set_strategy(v1::UPDATE_STRATEGY_CV);
    client.startUpdate(start, [&](const CallStatus& status, const v1::StartUpdateResponse& r) {
        ASSERT_TRUE(status.ok()) << status.toString().toStdString();
        id = QString::fromStdString(r.update_id());
    });
    CONCORD_TRY_ASSERT(!id.isEmpty(), 10000);
    QList<v1::UpdateProgress> progress;
    QObject::connect(&client, &ControllerClient::updateProgress,
                     [&](const v1::UpdateProgress& p) { progress.append(p); });
    QSignalSpy ended(&client, &ControllerClient::updateWatchEnded);
    client.watchUpdate(id);
    CONCORD_TRY_ASSERT(ended.count() == 1, 60000);
    EXPECT_TRUE(client.watchedUpdates().isEmpty());
    ASSERT_FALSE(progress.isEmpty());
    EXPECT_EQ(progress.last().state(), v1::UPDATE_STATE_COMPLETED);
    EXPECT_EQ(progress.last().inconsistent_transactions(), 0u);
}

TEST_F(ControllerClientTest, KillingTheControllerReconnectsAndResumesEveryStream)
{
    startDaemon();
    const std::string address = m_daemon->address();
    ControllerClient client;
    client.setReconnectBackoff(300ms, 1000ms);
    client.setTopologyPeriod(200ms);
    int meshEvents = 0;
    int snapshots = 0;
    QObject::connect(&client, &ControllerClient::meshEvent, [&] { ++meshEvents; });
    QObject::connect(&client, &ControllerClient::topologySnapshot, [&] { ++snapshots; });
    QSignalSpy countdown(&client, &ControllerClient::reconnectCountdown);
    client.connectTo(settings());
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Connected && meshEvents > 0, 10000);

    m_daemon->kill9();
    m_daemon.reset();
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Reconnecting, 10000);
    EXPECT_FALSE(client.stateReason().isEmpty());
    EXPECT_GE(countdown.count(), 1);
    // Still down: attempts keep failing and the client keeps counting down.
    concord::testing::waitFor([] { return false; }, 1500ms);
    EXPECT_EQ(client.state(), ConnectionState::Reconnecting);

    const int meshBefore = meshEvents;
    const int snapshotsBefore = snapshots;
    startDaemon(address);
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Connected, 15000);
    CONCORD_TRY_EXPECT(meshEvents > meshBefore && snapshots > snapshotsBefore, 10000);
}

TEST_F(ControllerClientTest, DestroyingTheClientMidCallIsSafe)
{
    startDaemon();
    for (int i = 0; i < 5; ++i) {
        auto client = std::make_unique<ControllerClient>();
        client->connectTo(settings());
        CONCORD_TRY_ASSERT(client->state() == ConnectionState::Connected, 10000);
        for (int j = 0; j < 20; ++j)
            client->listServices([](const CallStatus&, const v1::ListServicesResponse&) {});
        client.reset();  // must cancel and wait, then drop the queued results
    }
    concord::testing::waitFor([] { return false; }, 200ms);
}

}  // namespace
}  // namespace concord::backend_clients
