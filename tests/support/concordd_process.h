#pragma once

// A concordd child process for tests and benchmarks that must kill the daemon
// (kill -9) or measure its CPU apart from their own. Started with posix_spawn
// (never fork() of a process that initialised gRPC); its stdout is read
// until "concordd: serving on HOST:PORT", its stderr goes to a file.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace concord::testing {

class ConcorddProcess final
{
public:
    struct Options
    {
        std::string binary;  // path to concordd
        std::vector<std::string> args;
        std::map<std::string, std::string> extraEnv;
        std::string stderrPath;  // where the daemon's logs go
        std::chrono::milliseconds readyTimeout{20000};
    };

    // Starts the daemon and waits for its "serving on" line. On failure
    // (exit, timeout) returns nullptr and describes why in `error`.
    static std::unique_ptr<ConcorddProcess> start(const Options& options, std::string& error);
    ~ConcorddProcess();  // SIGKILLs the daemon if it still runs
    ConcorddProcess(const ConcorddProcess&) = delete;
    ConcorddProcess& operator=(const ConcorddProcess&) = delete;

    pid_t pid() const { return m_pid; }
    const std::string& address() const { return m_address; }  // "127.0.0.1:PORT"

    void kill9();
    void terminate();  // SIGTERM
    // Waits for the exit; returns the raw wait status, nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    // The daemon's user + system CPU time so far, in seconds (/proc/PID/stat).
    double cpuSeconds() const;

private:
    ConcorddProcess() = default;
    pid_t m_pid = -1;
    int m_stdout = -1;
    bool m_reaped = false;
    std::string m_address;
};

// Reads a whole file ("" when it cannot be read).
std::string readTextFile(const std::string& path);

}  // namespace concord::testing
