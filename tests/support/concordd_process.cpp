#include "concordd_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace concord::testing {

namespace {

constexpr std::string_view kReadyPrefix = "concordd: serving on ";

std::vector<std::string> environment(const std::map<std::string, std::string>& extra)
{
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        if (!extra.count(name))
            env.push_back(entry);
    }
    for (const auto& [name, value] : extra)
        env.push_back(name + "=" + value);
    return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings)
{
    std::vector<char*> result;
    for (auto& s : strings)
        result.push_back(s.data());
    result.push_back(nullptr);
    return result;
}

}  // namespace

std::string readTextFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::unique_ptr<ConcorddProcess> ConcorddProcess::start(const Options& options, std::string& error)
{
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        error = std::string("pipe: ") + std::strerror(errno);
        return nullptr;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    const std::string errPath = options.stderrPath.empty() ? "/dev/null" : options.stderrPath;
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errPath.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    std::vector<std::string> argv{options.binary};
    argv.insert(argv.end(), options.args.begin(), options.args.end());
    auto env = environment(options.extraEnv);
    auto argvPtrs = pointers(argv);
    auto envPtrs = pointers(env);
    std::unique_ptr<ConcorddProcess> process(new ConcorddProcess);
    const int rc = posix_spawn(&process->m_pid, options.binary.c_str(), &actions, nullptr,
                               argvPtrs.data(), envPtrs.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    process->m_stdout = out[0];
    if (rc != 0) {
        error = std::string("posix_spawn: ") + std::strerror(rc);
        process->m_reaped = true;
        return nullptr;
    }
    // Read stdout line by line until the ready line, the child's exit or the timeout.
    const auto deadline = std::chrono::steady_clock::now() + options.readyTimeout;
    std::string buffer;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd fd{process->m_stdout, POLLIN, 0};
        if (poll(&fd, 1, 50) > 0) {
            char chunk[512];
            const ssize_t n = read(process->m_stdout, chunk, sizeof chunk);
            if (n <= 0) {
                error = "concordd exited before it was ready; stderr:\n" + readTextFile(errPath);
                return nullptr;
            }
            buffer.append(chunk, static_cast<std::size_t>(n));
            const auto at = buffer.find(kReadyPrefix);
            const auto end = at == std::string::npos ? at : buffer.find('\n', at);
            if (end != std::string::npos) {
                process->m_address =
                    buffer.substr(at + kReadyPrefix.size(), end - at - kReadyPrefix.size());
                return process;
            }
        }
    }
    error = "concordd was not ready in time; stderr:\n" + readTextFile(errPath);
    return nullptr;
}

ConcorddProcess::~ConcorddProcess()
{
    if (!m_reaped && m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        waitpid(m_pid, nullptr, 0);
    }
    if (m_stdout >= 0)
        close(m_stdout);
}

void ConcorddProcess::kill9()
{
    if (!m_reaped)
        ::kill(m_pid, SIGKILL);
}

void ConcorddProcess::terminate()
{
    if (!m_reaped)
        ::kill(m_pid, SIGTERM);
}

std::optional<int> ConcorddProcess::wait(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!m_reaped) {
        int status = 0;
        const pid_t r = waitpid(m_pid, &status, WNOHANG);
        if (r == m_pid) {
            m_reaped = true;
            return status;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
}

double ConcorddProcess::cpuSeconds() const
{
    const std::string stat = readTextFile("/proc/" + std::to_string(m_pid) + "/stat");
    // Fields after the command name "(…)": state is field 3; utime 14, stime 15.
    const auto close = stat.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14)
            utime = std::stod(field);
        if (i == 15)
            stime = std::stod(field);
    }
    return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace concord::testing
