// The concord-tracemgr binary as a process (posix_spawn): --help, bad options,
// configuration by environment, the "serving" line, /metrics, the drain on
// SIGTERM/SIGINT with its JSON log, and a listener that cannot start. Also
// the log's line format, in-process.

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tracemanager/tracemgr_log.h"
#include "tracemanager/tracemgr_options.h"

extern char** environ;

namespace concord::tracemanager {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Env = std::map<std::string, std::string>;

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

// The test's environment without any CONCORD_TRACEMGR_* a developer may have
// set, plus `extra`.
std::vector<std::string> childEnvironment(const Env& extra)
{
    std::vector<std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (std::string_view(*entry).rfind("CONCORD_TRACEMGR_", 0) != 0) {
            env.emplace_back(*entry);
        }
    }
    for (const auto& [name, value] : extra) {
        env.push_back(name + "=" + value);
    }
    return env;
}

// One concord-tracemgr child: stdout on a pipe, stderr to a file. Killed
// (SIGKILL) by the destructor if a test left it running.
class Child
{
public:
    Child(const std::vector<std::string>& args, const Env& env, const std::string& stderrPath)
        : m_stderrPath(stderrPath)
    {
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) {
            ADD_FAILURE() << "pipe2 failed";
            return;
        }
        std::vector<std::string> argv{CONCORD_TRACEMGR_BINARY};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> argp;
        for (auto& a : argv) {
            argp.push_back(a.data());
        }
        argp.push_back(nullptr);
        std::vector<std::string> envStrings = childEnvironment(env);
        std::vector<char*> envp;
        for (auto& e : envStrings) {
            envp.push_back(e.data());
        }
        envp.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderrPath.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int rc = posix_spawn(&m_pid, argp[0], &actions, nullptr, argp.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        m_stdout = out[0];
        if (rc != 0) {
            ADD_FAILURE() << "posix_spawn " << argp[0] << ": " << std::strerror(rc);
            m_pid = -1;
        }
    }

    ~Child()
    {
        if (m_pid > 0 && !m_status) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
        if (m_stdout >= 0) {
            ::close(m_stdout);
        }
    }

    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return m_pid; }
    std::string stderrText() const { return readFile(m_stderrPath); }
    const std::string& stdoutText() const { return m_out; }

    // The next stdout line, or nullopt at EOF or after `timeout`.
    std::optional<std::string> readLine(std::chrono::milliseconds timeout)
    {
        const auto deadline = Clock::now() + timeout;
        while (true) {
            if (const auto newline = m_out.find('\n', m_consumed); newline != std::string::npos) {
                std::string line = m_out.substr(m_consumed, newline - m_consumed);
                m_consumed = newline + 1;
                return line;
            }
            if (!readSome(deadline)) {
                return std::nullopt;
            }
        }
    }

    // Waits for the exit; returns the raw wait status, nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout)
    {
        const auto deadline = Clock::now() + timeout;
        while (!m_status && m_pid > 0) {
            int status = 0;
            if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
                m_status = status;
            } else if (Clock::now() >= deadline) {
                break;
            } else {
                std::this_thread::sleep_for(10ms);
            }
        }
        return m_status;
    }

    // Reads stdout to EOF, then waits for the exit.
    std::optional<int> finish(std::chrono::milliseconds timeout)
    {
        const auto deadline = Clock::now() + timeout;
        while (readSome(deadline)) {
        }
        return wait(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    }

private:
    bool readSome(Clock::time_point deadline)
    {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd fd{m_stdout, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
            return false;
        }
        char buffer[4096];
        const ssize_t n = ::read(m_stdout, buffer, sizeof buffer);
        if (n <= 0) {
            return false;
        }
        m_out.append(buffer, static_cast<std::size_t>(n));
        return true;
    }

    std::string m_stderrPath;
    pid_t m_pid = -1;
    int m_stdout = -1;
    std::string m_out;
    std::size_t m_consumed = 0;
    std::optional<int> m_status;
};

int exitCode(std::optional<int> status)
{
    if (!status) {
        return -1000;  // still running
    }
    return WIFEXITED(*status) ? WEXITSTATUS(*status) : -WTERMSIG(*status);
}

// What the "serving" line says.
struct Serving
{
    std::string mode;
    std::string authz;
    std::string control;
    std::string metrics;
    int metricsPort = 0;
};

std::optional<Serving> parseServing(const std::string& line)
{
    static const std::regex kLine(
        R"(^concord-tracemgr: serving mode=(\S+) authz=(\S+) control=(\S+) metrics=(\S+)$)");
    std::smatch m;
    if (!std::regex_match(line, m, kLine)) {
        return std::nullopt;
    }
    Serving s{m[1], m[2], m[3], m[4]};
    if (s.metrics != "off") {
        s.metricsPort = std::stoi(s.metrics.substr(s.metrics.rfind(':') + 1));
    }
    return s;
}

// The stderr log as JSON objects; every line must be one.
std::vector<nlohmann::json> jsonLog(const std::string& text)
{
    std::vector<nlohmann::json> events;
    for (const std::string& line : lines(text)) {
        const auto event = nlohmann::json::parse(line, nullptr, false);
        EXPECT_FALSE(event.is_discarded()) << "not JSON: " << line;
        if (!event.is_discarded()) {
            events.push_back(event);
        }
    }
    return events;
}

const nlohmann::json* findEvent(const std::vector<nlohmann::json>& events, const std::string& msg)
{
    for (const auto& event : events) {
        if (event.value("msg", "") == msg) {
            return &event;
        }
    }
    return nullptr;
}

class ProcessTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        char dir[] = "/tmp/tracemgr-process-XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        m_dir = dir;
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }

    std::unique_ptr<Child> spawn(const std::vector<std::string>& args, const Env& env = {})
    {
        return std::make_unique<Child>(args, env, m_dir + "/stderr." + std::to_string(++m_runs));
    }

    // Options that serve on loopback with any free ports.
    std::vector<std::string> serveArgs() const
    {
        return {"--authz-socket",   socketPath(),  "--control-listen", "127.0.0.1:0",
                "--metrics-listen", "127.0.0.1:0", "--drain-timeout",  "2"};
    }
    std::string socketPath() const { return m_dir + "/authz.sock"; }

    std::string m_dir;
    int m_runs = 0;
};

TEST_F(ProcessTest, HelpPrintsUsageAndExitsZero)
{
    for (const char* flag : {"--help", "-h"}) {
        auto child = spawn({flag});
        EXPECT_EQ(exitCode(child->finish(10s)), 0) << flag;
        EXPECT_EQ(child->stdoutText(), traceManagerUsage()) << flag;
        EXPECT_EQ(child->stderrText(), "") << flag;
    }
}

TEST_F(ProcessTest, BadFlagExitsTwoWithTheErrorAndAHint)
{
    auto child = spawn({"--ttl", "abc"});
    EXPECT_EQ(exitCode(child->finish(10s)), 2);
    EXPECT_EQ(child->stdoutText(), "");
    const std::string err = child->stderrText();
    EXPECT_NE(err.find("concord-tracemgr: --ttl: \"abc\" is not a number of seconds (1–86400)\n"),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("--help"), std::string::npos) << err;

    auto unknown = spawn({"--no-such-flag"});
    EXPECT_EQ(exitCode(unknown->finish(10s)), 2);
    EXPECT_NE(unknown->stderrText().find("concord-tracemgr: unknown option --no-such-flag"),
              std::string::npos);
}

TEST_F(ProcessTest, BadVariableExitsTwoNamingIt)
{
    auto child = spawn({}, {{"CONCORD_TRACEMGR_TRACE_HEADER", "uber-trace-id"}});
    EXPECT_EQ(exitCode(child->finish(10s)), 2);
    EXPECT_NE(child->stderrText().find("concord-tracemgr: CONCORD_TRACEMGR_TRACE_HEADER: "
                                       "\"uber-trace-id\" is not a trace header"),
              std::string::npos)
        << child->stderrText();
}

TEST_F(ProcessTest, ServesMetricsThenDrainsOnSigterm)
{
    auto child = spawn(serveArgs());
    const auto line = child->readLine(20s);
    ASSERT_TRUE(line) << child->stderrText();
    const auto serving = parseServing(*line);
    ASSERT_TRUE(serving) << *line;
    EXPECT_EQ(serving->mode, "instance");
    EXPECT_EQ(serving->authz, "unix:" + socketPath());
    EXPECT_TRUE(std::regex_match(serving->control, std::regex(R"(127\.0\.0\.1:[1-9][0-9]*)")))
        << serving->control;
    ASSERT_GT(serving->metricsPort, 0) << serving->metrics;
    struct stat info
    {
    };
    ASSERT_EQ(::stat(socketPath().c_str(), &info), 0);
    EXPECT_TRUE(S_ISSOCK(info.st_mode));

    httplib::Client client("127.0.0.1", serving->metricsPort);
    const auto metrics = client.Get("/metrics");
    ASSERT_TRUE(metrics);
    EXPECT_EQ(metrics->status, 200);
    EXPECT_NE(metrics->body.find(
                  "concord_tracemgr_info{mode=\"instance\",trace_header=\"x-b3-traceid\"} 1\n"),
              std::string::npos);
    EXPECT_NE(metrics->body.find("concord_tracemgr_checks_total{result=\"allowed\"} 0\n"),
              std::string::npos);

    const auto signalled = Clock::now();
    ASSERT_EQ(::kill(child->pid(), SIGTERM), 0);
    EXPECT_EQ(exitCode(child->wait(10s)), 0) << child->stderrText();
    EXPECT_LT(Clock::now() - signalled, 2s + 1500ms) << "within the drain timeout";
    EXPECT_FALSE(std::filesystem::exists(socketPath())) << "the socket is removed";

    const auto events = jsonLog(child->stderrText());
    const auto* started = findEvent(events, "started");
    ASSERT_NE(started, nullptr) << child->stderrText();
    EXPECT_EQ(started->value("control", ""), serving->control);
    EXPECT_EQ(started->value("metrics", ""), serving->metrics);
    EXPECT_EQ(started->value("authz", ""), serving->authz);
    const auto* draining = findEvent(events, "draining");
    ASSERT_NE(draining, nullptr) << child->stderrText();
    EXPECT_EQ(draining->value("signal", ""), "SIGTERM");
    EXPECT_EQ(draining->value("timeout_seconds", ""), "2");
    const auto* stopped = findEvent(events, "stopped");
    ASSERT_NE(stopped, nullptr) << child->stderrText();
    EXPECT_EQ(stopped->value("level", ""), "info");
    EXPECT_EQ(stopped->value("checks_allowed", ""), "0");
    EXPECT_EQ(stopped->value("checks_blocked", ""), "0");
    EXPECT_EQ(stopped->value("ids_recorded", ""), "0");
    EXPECT_LT(draining - &events[0], stopped - &events[0]) << "draining, then stopped";
    // The fixed keys come first, in this order.
    EXPECT_EQ(child->stderrText().find("{\"ts\":\"20"), 0u);
    EXPECT_NE(child->stderrText().find("\"level\":\"info\",\"msg\":\"stopped\""),
              std::string::npos);
}

TEST_F(ProcessTest, SigintDrainsToo)
{
    auto child = spawn(serveArgs());
    ASSERT_TRUE(child->readLine(20s)) << child->stderrText();
    ASSERT_EQ(::kill(child->pid(), SIGINT), 0);
    EXPECT_EQ(exitCode(child->wait(10s)), 0);
    const auto events = jsonLog(child->stderrText());
    const auto* draining = findEvent(events, "draining");
    ASSERT_NE(draining, nullptr);
    EXPECT_EQ(draining->value("signal", ""), "SIGINT");
    EXPECT_NE(findEvent(events, "stopped"), nullptr);
}

TEST_F(ProcessTest, ConfiguredByEnvironmentVariables)
{
    auto child = spawn({}, {{"CONCORD_TRACEMGR_MODE", "gateway"},
                            {"CONCORD_TRACEMGR_AUTHZ_SOCKET", socketPath()},
                            {"CONCORD_TRACEMGR_AUTHZ_LISTEN", "127.0.0.1:0"},
                            {"CONCORD_TRACEMGR_CONTROL_LISTEN", "127.0.0.1:0"},
                            {"CONCORD_TRACEMGR_METRICS_LISTEN", ""},
                            {"CONCORD_TRACEMGR_LOG_FORMAT", "text"},
                            {"CONCORD_TRACEMGR_DRAIN_TIMEOUT", "1"}});
    const auto line = child->readLine(20s);
    ASSERT_TRUE(line) << child->stderrText();
    const auto serving = parseServing(*line);
    ASSERT_TRUE(serving) << *line;
    EXPECT_EQ(serving->mode, "gateway");
    EXPECT_TRUE(std::regex_match(serving->authz,
                                 std::regex("unix:" + socketPath() + R"(,127\.0\.0\.1:[1-9]\d*)")))
        << serving->authz;
    EXPECT_EQ(serving->metrics, "off");
    ASSERT_EQ(::kill(child->pid(), SIGTERM), 0);
    EXPECT_EQ(exitCode(child->wait(10s)), 0);
    const std::string err = child->stderrText();
    EXPECT_TRUE(
        std::regex_search(err, std::regex(R"(ts=\S+ level=info msg="started" mode=gateway)")))
        << err;
    EXPECT_NE(err.find("level=info msg=\"draining\" signal=SIGTERM timeout_seconds=1\n"),
              std::string::npos)
        << err;
}

TEST_F(ProcessTest, FlagsWinOverVariables)
{
    std::vector<std::string> args = serveArgs();
    args.insert(args.end(), {"--mode", "instance", "--metrics-listen=off"});
    auto child = spawn(args, {{"CONCORD_TRACEMGR_MODE", "gateway"},
                              {"CONCORD_TRACEMGR_METRICS_LISTEN", "127.0.0.1:0"}});
    const auto line = child->readLine(20s);
    ASSERT_TRUE(line) << child->stderrText();
    const auto serving = parseServing(*line);
    ASSERT_TRUE(serving) << *line;
    EXPECT_EQ(serving->mode, "instance");
    EXPECT_EQ(serving->metrics, "off");
}

TEST_F(ProcessTest, SocketInAMissingDirectoryExitsOne)
{
    const std::string path = m_dir + "/no/such/dir/authz.sock";
    auto child = spawn({"--authz-socket", path, "--control-listen", "127.0.0.1:0"});
    EXPECT_EQ(exitCode(child->finish(20s)), 1);
    EXPECT_EQ(child->stdoutText(), "") << "no serving line";
    const auto events = jsonLog(child->stderrText());
    const auto* failed = findEvent(events, "cannot start");
    ASSERT_NE(failed, nullptr) << child->stderrText();
    EXPECT_EQ(failed->value("level", ""), "error");
    EXPECT_NE(failed->value("error", "").find(path), std::string::npos) << *failed;
}

TEST_F(ProcessTest, SocketInAnUnwritableDirectoryExitsOne)
{
    // /proc refuses new files even to root, whom a chmod would not stop.
    const std::string path = "/proc/concord-tracemgr-test.sock";
    auto child = spawn({"--authz-socket", path, "--control-listen", "127.0.0.1:0"});
    EXPECT_EQ(exitCode(child->finish(20s)), 1);
    EXPECT_EQ(child->stdoutText(), "");
    const auto events = jsonLog(child->stderrText());
    const auto* failed = findEvent(events, "cannot start");
    ASSERT_NE(failed, nullptr) << child->stderrText();
    EXPECT_NE(failed->value("error", "").find(path), std::string::npos) << *failed;
}

TEST_F(ProcessTest, MetricsPortInUseExitsOne)
{
    // Taken by a plain listener of the test.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), length), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
    const std::string taken = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));

    auto child = spawn({"--authz-socket", socketPath(), "--control-listen", "127.0.0.1:0",
                        "--metrics-listen", taken});
    EXPECT_EQ(exitCode(child->finish(20s)), 1);
    ::close(fd);
    const auto events = jsonLog(child->stderrText());
    const auto* failed = findEvent(events, "cannot start");
    ASSERT_NE(failed, nullptr) << child->stderrText();
    EXPECT_NE(failed->value("error", "").find(taken), std::string::npos) << *failed;
}

// The log's own line format, in this process (gtest captures fd 2).
class LogTest : public ::testing::Test
{
protected:
    void TearDown() override { configureLog(LogFormat::Json, false); }

    template <typename F>
    static std::string captured(F&& write)
    {
        ::testing::internal::CaptureStderr();
        write();
        return ::testing::internal::GetCapturedStderr();
    }
};

TEST_F(LogTest, JsonLineHasTsLevelMsgThenFieldsInOrder)
{
    configureLog(LogFormat::Json, false);
    const std::string out = captured([] {
        logEvent(LogLevel::Warning, "set \"locked\"", {{"zeta", "1"}, {"alpha", "a b"}});
    });
    ASSERT_EQ(lines(out).size(), 1u) << out;
    EXPECT_TRUE(std::regex_match(
        out, std::regex(R"(\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"warning",)"
                        R"("msg":"set \\"locked\\"","zeta":"1","alpha":"a b"\}\n)")))
        << out;
}

TEST_F(LogTest, JsonSurvivesInvalidUtf8AndReservedFieldNames)
{
    const std::string out = captured([] {
        logEvent(LogLevel::Error, "bad\xff", {{"msg", "shadow"}, {"value", "\xc3"}});
    });
    const auto event = nlohmann::json::parse(out, nullptr, false);
    ASSERT_FALSE(event.is_discarded()) << out;
    EXPECT_EQ(event["level"], "error");
    EXPECT_EQ(event["msg"], "bad\xEF\xBF\xBD");  // U+FFFD
    EXPECT_EQ(event["field_msg"], "shadow");
}

TEST_F(LogTest, DebugOnlyWhenVerbose)
{
    EXPECT_EQ(captured([] { logEvent(LogLevel::Debug, "hidden"); }), "");
    configureLog(LogFormat::Json, true);
    EXPECT_NE(captured([] { logEvent(LogLevel::Debug, "shown"); }).find("\"level\":\"debug\""),
              std::string::npos);
}

TEST_F(LogTest, TextIsLogfmtWithQuotingAndEscapes)
{
    configureLog(LogFormat::Text, false);
    const std::string out = captured([] {
        logEvent(LogLevel::Info, "started",
                 {{"mode", "instance"},
                  {"path", "/a b"},
                  {"quote", "say \"hi\"\\"},
                  {"lines", "a\nb\tc"},
                  {"empty", ""},
                  {"eq", "a=b"}});
    });
    EXPECT_TRUE(std::regex_match(
        out, std::regex(R"(ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=info msg="started" )"
                        R"(mode=instance path="/a b" quote="say \\"hi\\"\\\\" lines="a\\nb\\tc" )"
                        R"(empty="" eq="a=b"\n)")))
        << out;
}

TEST_F(LogTest, ConcurrentLinesNeverInterleave)
{
    const std::string out = captured([] {
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([t] {
                const std::string payload(200 + t * 50, static_cast<char>('a' + t));
                for (int i = 0; i < 200; ++i) {
                    logEvent(LogLevel::Info, "burst", {{"payload", payload}});
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
    });
    const auto all = lines(out);
    ASSERT_EQ(all.size(), 1600u);
    for (const std::string& line : all) {
        const auto event = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(event.is_discarded()) << line;
        const std::string payload = event["payload"];
        ASSERT_EQ(payload.find_first_not_of(payload[0]), std::string::npos) << line;
    }
}

}  // namespace
}  // namespace concord::tracemanager
