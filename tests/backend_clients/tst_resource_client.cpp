// ControllerClient's ResourceService calls against a real concordd: the
// unary calls and their errors, the WatchResources stream (snapshot, SYNCED,
// live changes) on the owner's thread, a 10,000-Resource snapshot, and the
// stream after the connection breaks: resumed from its version when the same
// daemon is still there, RESET and a fresh snapshot when it restarted or the
// snapshot was cut short.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QElapsedTimer>
#include <QSet>
#include <QSignalSpy>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "backend_clients/controller_client.h"
#include "support/concordd_process.h"
#include "support/qt_test_helpers.h"

namespace concord::backend_clients {
namespace {

using concord::testing::ConcorddProcess;
using namespace std::chrono_literals;
using Event = v1::ResourceEvent;

constexpr const char* kToken = "resource-test-operator-token";
// gRPC status codes.
constexpr int kInvalidArgument = 3;
constexpr int kNotFound = 5;
constexpr int kAlreadyExists = 6;
constexpr int kAborted = 10;

constexpr const char* kResources = R"(apiVersion: concord.io/v1alpha1
kind: Resource
metadata:
  name: lamp-a
spec:
  id: lamp-a
  kind: Lamp
  attributes:
    watts: "9"
  space:
    site: campus-north
    room: hall
  probe:
    image: example/probe-lamp:1.0
  probeEnabled: false
---
apiVersion: concord.io/v1alpha1
kind: Resource
metadata:
  name: lamp-b
spec:
  id: lamp-b
  kind: Lamp
  probe:
    image: example/probe-lamp:1.0
  probeEnabled: false
---
apiVersion: concord.io/v1alpha1
kind: Resource
metadata:
  name: person-c
spec:
  id: person-c
  kind: Person
  space:
    room: lab-2
)";

// A TCP forwarder between the client and the daemon that the test can cut:
// the connection breaks while the daemon (and its epoch) lives on. With a
// downstream budget it cuts by itself once that many bytes reached the client.
class TcpProxy final
{
public:
    explicit TcpProxy(int targetPort) : m_target(targetPort)
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address = loopback(0);
        socklen_t length = sizeof address;
        if (::bind(m_listen, asSockaddr(address), sizeof address) == 0 &&
            ::listen(m_listen, 16) == 0 &&
            ::getsockname(m_listen, asSockaddr(address), &length) == 0)
            m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { run(); });
    }
    ~TcpProxy()
    {
        m_stop = true;
        m_thread.join();
        closeAll();
        ::close(m_listen);
    }
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    QString address() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }
    // Breaks every connection and refuses new ones until open().
    void cut() { m_cutRequested = true; }
    void open() { m_refusing = false; }
    bool refusing() const { return m_refusing; }
    // Cuts once this many more bytes went from the daemon to the client.
    void cutAfter(std::int64_t bytes) { m_budget = bytes; }

private:
    struct Pair
    {
        int client;
        int server;
    };

    static sockaddr_in loopback(int port)
    {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(std::uint16_t(port));
        return address;
    }
    static sockaddr* asSockaddr(sockaddr_in& address)
    {
        return reinterpret_cast<sockaddr*>(&address);
    }
    static bool writeAll(int fd, const char* data, std::size_t size)
    {
        while (size > 0) {
            const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            data += n;
            size -= std::size_t(n);
        }
        return true;
    }

    void closeAll()
    {
        for (const Pair& p : m_pairs) {
            ::close(p.client);
            ::close(p.server);
        }
        m_pairs.clear();
    }

    void accept()
    {
        const int client = ::accept(m_listen, nullptr, nullptr);
        if (client < 0)
            return;
        if (m_refusing) {
            ::close(client);
            return;
        }
        const int server = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in target = loopback(m_target);
        if (::connect(server, asSockaddr(target), sizeof target) != 0) {
            ::close(client);
            ::close(server);
            return;
        }
        m_pairs.push_back({client, server});
    }

    // Forwards what `from` has; false when the pair is done.
    bool forward(int from, int to, bool downstream)
    {
        char buffer[64 * 1024];
        ssize_t n = ::recv(from, buffer, sizeof buffer, 0);
        if (n <= 0)
            return false;
        if (downstream && m_budget >= 0) {
            n = std::min<ssize_t>(n, m_budget);
            m_budget -= n;
            if (m_budget == 0) {
                m_budget = -1;
                m_cutRequested = true;
            }
        }
        return writeAll(to, buffer, std::size_t(n));
    }

    void run()
    {
        while (!m_stop) {
            if (m_cutRequested.exchange(false)) {
                m_refusing = true;
                closeAll();
            }
            std::vector<pollfd> fds{{m_listen, POLLIN, 0}};
            for (const Pair& p : m_pairs) {
                fds.push_back({p.client, POLLIN, 0});
                fds.push_back({p.server, POLLIN, 0});
            }
            if (::poll(fds.data(), fds.size(), 10) <= 0)
                continue;
            // accept() appends a pair that was not polled: it has no fds entry yet.
            const std::size_t polled = m_pairs.size();
            if (fds[0].revents & POLLIN)
                accept();
            std::vector<Pair> alive;
            for (std::size_t i = 0; i < polled; ++i) {
                const Pair p = m_pairs[i];
                const short up = fds[1 + 2 * i].revents;
                const short down = fds[2 + 2 * i].revents;
                bool ok = true;
                if (up & (POLLIN | POLLHUP | POLLERR))
                    ok = forward(p.client, p.server, false);
                if (ok && (down & (POLLIN | POLLHUP | POLLERR)))
                    ok = forward(p.server, p.client, true);
                if (ok) {
                    alive.push_back(p);
                } else {
                    ::close(p.client);
                    ::close(p.server);
                }
            }
            alive.insert(alive.end(), m_pairs.begin() + std::ptrdiff_t(polled), m_pairs.end());
            m_pairs = std::move(alive);
        }
    }

    int m_target;
    int m_listen = -1;
    int m_port = 0;
    std::vector<Pair> m_pairs;  // the proxy thread's
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_cutRequested{false};
    std::atomic<bool> m_refusing{false};
    std::atomic<std::int64_t> m_budget{-1};
    std::thread m_thread;
};

// Every resourceEvent, with the thread it arrived on.
class EventLog final
{
public:
    explicit EventLog(ControllerClient& client)
    {
        QObject::connect(&client, &ControllerClient::resourceEvent, [this](const Event& e) {
            if (QThread::currentThread() != qApp->thread())
                ++offThread;
            events.append(e);
        });
    }
    int count(Event::Type type, qsizetype from = 0) const
    {
        int n = 0;
        for (qsizetype i = from; i < events.size(); ++i)
            n += events.at(i).type() == type;
        return n;
    }
    qsizetype indexOf(Event::Type type, qsizetype from = 0) const
    {
        for (qsizetype i = from; i < events.size(); ++i) {
            if (events.at(i).type() == type)
                return i;
        }
        return -1;
    }
    // The ids the events [from, to) carry, in order.
    QStringList ids(qsizetype from, qsizetype to) const
    {
        QStringList out;
        for (qsizetype i = from; i < to; ++i)
            out << QString::fromStdString(events.at(i).resource().spec().id());
        return out;
    }
    const Event* lastFor(const std::string& id, Event::Type type) const
    {
        for (qsizetype i = events.size() - 1; i >= 0; --i) {
            if (events.at(i).type() == type && events.at(i).resource().spec().id() == id)
                return &events.at(i);
        }
        return nullptr;
    }

    QList<Event> events;
    int offThread = 0;
};

// A unary call's outcome.
template <class Response>
struct Outcome
{
    bool done = false;
    CallStatus status;
    Response response;

    ControllerClient::Callback<Response> callback()
    {
        return [this](const CallStatus& s, const Response& r) {
            status = s;
            response = r;
            done = true;
        };
    }
};

class ResourceClientTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir =
            std::filesystem::temp_directory_path() /
            (std::string("concord-resource-") + info->name() + "-" + std::to_string(::getpid()));
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
        std::ofstream(m_dir / "tokens") << kToken << " ci operator\n";
        std::ofstream(m_dir / "resources.yaml") << kResources;
    }
    void TearDown() override
    {
        m_daemon.reset();
        if (!HasFailure())
            std::filesystem::remove_all(m_dir);
    }

    void startDaemon(const std::string& listen = "127.0.0.1:0",
                     std::vector<std::string> resources = {})
    {
        if (resources.empty())
            resources = {"--resources", (m_dir / "resources.yaml").string()};
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
                        "5"};
        options.args.insert(options.args.end(), resources.begin(), resources.end());
        options.stderrPath = (m_dir / "concordd.log").string();
        std::string error;
        m_daemon = ConcorddProcess::start(options, error);
        ASSERT_TRUE(m_daemon) << error;
    }

    int daemonPort() const
    {
        const std::string& a = m_daemon->address();
        return std::stoi(a.substr(a.rfind(':') + 1));
    }

    ConnectionSettings settings(const QString& address = {}) const
    {
        ConnectionSettings s;
        s.address = address.isEmpty() ? QString::fromStdString(m_daemon->address()) : address;
        s.token = QString::fromLatin1(kToken);
        return s;
    }

    void connect(ControllerClient& client, const QString& address = {})
    {
        client.setReconnectBackoff(200ms, 500ms);
        client.connectTo(settings(address));
        CONCORD_TRY_ASSERT(client.state() == ConnectionState::Connected, 15000);
    }

    std::filesystem::path m_dir;
    std::unique_ptr<ConcorddProcess> m_daemon;
};

TEST_F(ResourceClientTest, ListsAndGetsResources)
{
    startDaemon();
    ControllerClient client;
    connect(client);
    Outcome<v1::ListResourcesResponse> all, lamps;
    client.listResources({}, all.callback());
    client.listResources(QStringLiteral("Lamp"), lamps.callback());
    CONCORD_TRY_ASSERT(all.done && lamps.done, 10000);
    ASSERT_TRUE(all.status.ok()) << all.status.toString().toStdString();
    ASSERT_EQ(all.response.resources_size(), 3);
    EXPECT_EQ(all.response.resources(0).spec().id(), "lamp-a");
    EXPECT_EQ(all.response.resources(2).spec().id(), "person-c");
    EXPECT_EQ(all.response.resources(0).spec().attributes().at("watts"), "9");
    EXPECT_GT(all.response.version(), 0u);
    EXPECT_EQ(lamps.response.resources_size(), 2);

    Outcome<v1::GetResourceResponse> got, missing;
    QSignalSpy failed(&client, &ControllerClient::callFailed);
    client.getResource(QStringLiteral("person-c"), got.callback());
    client.getResource(QStringLiteral("nobody"), missing.callback());
    CONCORD_TRY_ASSERT(got.done && missing.done, 10000);
    ASSERT_TRUE(got.status.ok()) << got.status.toString().toStdString();
    EXPECT_EQ(got.response.resource().spec().kind(), "Person");
    EXPECT_EQ(got.response.resource().spec().space().room(), "lab-2");
    const QString yaml = QString::fromStdString(got.response.yaml());
    EXPECT_TRUE(yaml.contains(QStringLiteral("kind: Resource"))) << yaml.toStdString();
    EXPECT_TRUE(yaml.contains(QStringLiteral("id: person-c"))) << yaml.toStdString();
    EXPECT_EQ(missing.status.code, kNotFound);
    ASSERT_EQ(failed.count(), 1);
    EXPECT_EQ(failed.at(0).at(0).toString(), QStringLiteral("GetResource"));
}

TEST_F(ResourceClientTest, CreatesFromASpecAndFromYamlAndPassesTheYamlErrorsThrough)
{
    startDaemon();
    ControllerClient client;
    connect(client);
    v1::CreateResourceRequest fromSpec;
    fromSpec.mutable_spec()->set_id("sensor-d");
    fromSpec.mutable_spec()->set_kind("Sensor");
    (*fromSpec.mutable_spec()->mutable_attributes())["unit"] = "ppm";
    v1::CreateResourceRequest fromYaml;
    fromYaml.set_yaml(
        "apiVersion: concord.io/v1alpha1\nkind: Resource\nmetadata:\n  name: sensor-e\n"
        "spec:\n  id: sensor-e\n  kind: Sensor\n");
    v1::CreateResourceRequest badYaml;
    badYaml.set_yaml(
        "apiVersion: concord.io/v1alpha1\nkind: Resource\nmetadata:\n  name: sensor-f\n"
        "spec:\n  id: sensor-f\n  kind: Sensor\n  probeEnabled: perhaps\n");
    Outcome<v1::CreateResourceResponse> spec, yaml, bad, duplicate;
    client.createResource(fromSpec, spec.callback());
    client.createResource(fromYaml, yaml.callback());
    client.createResource(badYaml, bad.callback());
    CONCORD_TRY_ASSERT(spec.done && yaml.done && bad.done, 10000);
    client.createResource(fromSpec, duplicate.callback());
    CONCORD_TRY_ASSERT(duplicate.done, 10000);

    ASSERT_TRUE(spec.status.ok()) << spec.status.toString().toStdString();
    EXPECT_EQ(spec.response.resource().spec().attributes().at("unit"), "ppm");
    EXPECT_EQ(spec.response.resource().generation(), 1);
    EXPECT_GT(spec.response.resource().resource_version(), 0u);
    ASSERT_TRUE(yaml.status.ok()) << yaml.status.toString().toStdString();
    EXPECT_EQ(yaml.response.resource().spec().id(), "sensor-e");
    EXPECT_EQ(bad.status.code, kInvalidArgument);
    // The daemon's "yaml:LINE:COLUMN: field: problem" reaches the caller as is.
    EXPECT_TRUE(bad.status.message.contains(QStringLiteral("yaml:8:")))
        << bad.status.message.toStdString();
    EXPECT_TRUE(bad.status.message.contains(QStringLiteral("spec.probeEnabled")))
        << bad.status.message.toStdString();
    EXPECT_EQ(duplicate.status.code, kAlreadyExists);

    Outcome<v1::ListResourcesResponse> list;
    client.listResources({}, list.callback());
    CONCORD_TRY_ASSERT(list.done, 10000);
    EXPECT_EQ(list.response.resources_size(), 5);  // the three, d and e; not f
}

TEST_F(ResourceClientTest, UpdatesCheckTheVersionAndDeletesAndProbeTogglesApply)
{
    startDaemon();
    ControllerClient client;
    connect(client);
    Outcome<v1::GetResourceResponse> before;
    client.getResource(QStringLiteral("lamp-a"), before.callback());
    CONCORD_TRY_ASSERT(before.done, 10000);
    ASSERT_TRUE(before.status.ok());
    const v1::Resource original = before.response.resource();

    v1::UpdateResourceRequest update;
    update.set_id("lamp-a");
    *update.mutable_spec() = original.spec();
    (*update.mutable_spec()->mutable_attributes())["watts"] = "12";
    update.set_expected_version(original.resource_version());
    Outcome<v1::UpdateResourceResponse> first, stale;
    client.updateResource(update, first.callback());
    CONCORD_TRY_ASSERT(first.done, 10000);
    ASSERT_TRUE(first.status.ok()) << first.status.toString().toStdString();
    EXPECT_EQ(first.response.resource().spec().attributes().at("watts"), "12");
    EXPECT_GT(first.response.resource().resource_version(), original.resource_version());
    EXPECT_EQ(first.response.resource().generation(), original.generation() + 1);
    client.updateResource(update, stale.callback());  // the same expected_version again
    CONCORD_TRY_ASSERT(stale.done, 10000);
    EXPECT_EQ(stale.status.code, kAborted) << stale.status.toString().toStdString();

    Outcome<v1::SetProbeEnabledResponse> toggled;
    client.setProbeEnabled(QStringLiteral("lamp-a"), true, toggled.callback());
    CONCORD_TRY_ASSERT(toggled.done, 10000);
    ASSERT_TRUE(toggled.status.ok()) << toggled.status.toString().toStdString();
    EXPECT_TRUE(toggled.response.resource().spec().probe_enabled());
    EXPECT_EQ(toggled.response.resource().generation(), original.generation() + 2);

    Outcome<v1::DeleteResourceResponse> deleted, again;
    client.deleteResource(QStringLiteral("lamp-b"), deleted.callback());
    CONCORD_TRY_ASSERT(deleted.done, 10000);
    EXPECT_TRUE(deleted.status.ok()) << deleted.status.toString().toStdString();
    client.deleteResource(QStringLiteral("lamp-b"), again.callback());
    CONCORD_TRY_ASSERT(again.done, 10000);
    EXPECT_EQ(again.status.code, kNotFound);
}

TEST_F(ResourceClientTest, TheWatchSendsTheSnapshotThenLiveChangesOnTheOwnersThread)
{
    startDaemon();
    ControllerClient client;
    EventLog log(client);
    connect(client);
    CONCORD_TRY_ASSERT(log.count(Event::TYPE_SYNCED) == 1, 10000);
    const qsizetype synced = log.indexOf(Event::TYPE_SYNCED);
    ASSERT_EQ(synced, 3);
    EXPECT_EQ(log.count(Event::TYPE_ADDED), 3);
    EXPECT_EQ(log.ids(0, 3), (QStringList{"lamp-a", "lamp-b", "person-c"}));
    EXPECT_EQ(log.count(Event::TYPE_RESET), 0);

    Outcome<v1::SetProbeEnabledResponse> toggled;
    client.setProbeEnabled(QStringLiteral("lamp-b"), true, toggled.callback());
    CONCORD_TRY_ASSERT(toggled.done, 10000);
    ASSERT_TRUE(toggled.status.ok()) << toggled.status.toString().toStdString();
    CONCORD_TRY_ASSERT(log.lastFor("lamp-b", Event::TYPE_MODIFIED), 10000);
    const Event* modified = log.lastFor("lamp-b", Event::TYPE_MODIFIED);
    EXPECT_GE(modified->version(), toggled.response.resource().resource_version());
    EXPECT_TRUE(modified->resource().spec().probe_enabled());

    Outcome<v1::DeleteResourceResponse> deleted;
    client.deleteResource(QStringLiteral("person-c"), deleted.callback());
    CONCORD_TRY_ASSERT(log.lastFor("person-c", Event::TYPE_DELETED), 10000);
    // Versions never go back, and all of it came on this thread.
    for (qsizetype i = synced + 1; i < log.events.size(); ++i)
        EXPECT_GE(log.events.at(i).version(), log.events.at(i - 1).version());
    EXPECT_EQ(log.offThread, 0);
}

TEST_F(ResourceClientTest, ABrokenConnectionResumesTheWatchWithoutAFreshSnapshot)
{
    startDaemon();
    TcpProxy proxy(daemonPort());
    ControllerClient viaProxy;
    EventLog log(viaProxy);
    connect(viaProxy, proxy.address());
    CONCORD_TRY_ASSERT(log.count(Event::TYPE_SYNCED) == 1, 10000);
    const qsizetype before = log.events.size();

    proxy.cut();
    CONCORD_TRY_ASSERT(viaProxy.state() == ConnectionState::Reconnecting, 10000);
    // A change while the watcher is away, through a client of its own.
    ControllerClient direct;
    connect(direct);
    Outcome<v1::SetProbeEnabledResponse> toggled;
    direct.setProbeEnabled(QStringLiteral("lamp-a"), true, toggled.callback());
    CONCORD_TRY_ASSERT(toggled.done, 10000);
    ASSERT_TRUE(toggled.status.ok()) << toggled.status.toString().toStdString();
    proxy.open();

    CONCORD_TRY_ASSERT(viaProxy.state() == ConnectionState::Connected, 15000);
    CONCORD_TRY_ASSERT(log.lastFor("lamp-a", Event::TYPE_MODIFIED), 10000);
    EXPECT_TRUE(log.lastFor("lamp-a", Event::TYPE_MODIFIED)->resource().spec().probe_enabled());
    // Only what was missed: no RESET, no snapshot again.
    EXPECT_EQ(log.count(Event::TYPE_RESET, before), 0);
    EXPECT_EQ(log.count(Event::TYPE_ADDED, before), 0);
}

TEST_F(ResourceClientTest, ARestartedDaemonResetsTheWatchAndSendsAFreshSnapshot)
{
    startDaemon();
    const std::string address = m_daemon->address();
    ControllerClient client;
    EventLog log(client);
    connect(client);
    CONCORD_TRY_ASSERT(log.count(Event::TYPE_SYNCED) == 1, 10000);
    const std::string epoch = log.events.last().epoch();
    Outcome<v1::DeleteResourceResponse> deleted;  // gone until the restart brings it back
    client.deleteResource(QStringLiteral("lamp-b"), deleted.callback());
    CONCORD_TRY_ASSERT(log.lastFor("lamp-b", Event::TYPE_DELETED), 10000);
    const qsizetype before = log.events.size();

    m_daemon->kill9();
    m_daemon.reset();
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Reconnecting, 10000);
    startDaemon(address);
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Connected, 15000);
    CONCORD_TRY_ASSERT(log.count(Event::TYPE_SYNCED, before) == 1, 10000);

    const qsizetype reset = log.indexOf(Event::TYPE_RESET, before);
    ASSERT_EQ(reset, before) << "the first event after the restart must be RESET";
    const qsizetype synced = log.indexOf(Event::TYPE_SYNCED, before);
    EXPECT_EQ(log.ids(reset + 1, synced), (QStringList{"lamp-a", "lamp-b", "person-c"}));
    EXPECT_EQ(log.count(Event::TYPE_ADDED, before), 3);
    EXPECT_NE(log.events.last().epoch(), epoch);
}

TEST_F(ResourceClientTest, TenThousandResourcesArriveInOrderAndQuickly)
{
    startDaemon("127.0.0.1:0", {"--generate-resources", "10000"});
    ControllerClient client;
    EventLog log(client);
    QElapsedTimer clock;
    clock.start();
    connect(client);
    CONCORD_TRY_ASSERT(log.count(Event::TYPE_SYNCED) == 1, 20000);
    const qint64 elapsed = clock.elapsed();
    std::cout << "10,000-Resource snapshot: connect to SYNCED in " << elapsed << " ms\n";
    ASSERT_EQ(log.indexOf(Event::TYPE_SYNCED), 10000);
    EXPECT_EQ(log.count(Event::TYPE_ADDED), 10000);
    const QStringList ids = log.ids(0, 10000);
    EXPECT_EQ(ids.first(), QStringLiteral("res-00001"));
    EXPECT_EQ(ids.last(), QStringLiteral("res-10000"));
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    EXPECT_EQ(QSet<QString>(ids.begin(), ids.end()).size(), 10000);
    EXPECT_EQ(log.offThread, 0);
    // The console's bar is 2 s to show them; the client's part must be well inside
    // it even on a loaded CI machine.
    EXPECT_LT(elapsed, 5000);
}

TEST_F(ResourceClientTest, ASnapshotCutShortStartsOverWithAReset)
{
    startDaemon("127.0.0.1:0", {"--generate-resources", "10000"});
    TcpProxy proxy(daemonPort());
    ControllerClient client;
    EventLog log(client);
    // Far less than 10,000 Resources take on the wire: the cut falls mid-snapshot.
    proxy.cutAfter(300 * 1024);
    client.setReconnectBackoff(200ms, 500ms);
    client.connectTo(settings(proxy.address()));
    CONCORD_TRY_ASSERT(proxy.refusing() && client.state() != ConnectionState::Connected, 15000);
    concord::testing::waitFor([] { return false; }, 200ms);  // the cut's events drain
    const int firstAdded = log.count(Event::TYPE_ADDED);
    ASSERT_EQ(log.count(Event::TYPE_SYNCED), 0) << "the budget let the whole snapshot through";
    ASSERT_GT(firstAdded, 0);
    const qsizetype before = log.events.size();

    proxy.open();
    CONCORD_TRY_ASSERT(log.count(Event::TYPE_SYNCED) == 1, 20000);
    // The client cannot resume a snapshot it never finished: it tells the
    // owner to forget the partial one, then the fresh snapshot follows.
    EXPECT_EQ(log.indexOf(Event::TYPE_RESET, before), before);
    EXPECT_EQ(log.count(Event::TYPE_ADDED, before), 10000);
    EXPECT_EQ(log.indexOf(Event::TYPE_SYNCED, before), before + 10001);
}

}  // namespace
}  // namespace concord::backend_clients
