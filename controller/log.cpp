#include "log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

#include "core/log_text.h"

namespace concord::controller {

namespace {

std::atomic<LogLevel> g_minimum{LogLevel::Info};
std::mutex g_mutex;

}  // namespace

void setMinimumLogLevel(LogLevel level)
{
    g_minimum = level;
}

void logMessage(LogLevel level, std::string_view component, std::string_view message)
{
    if (level < g_minimum.load())
        return;
    const std::string line = "ts=" + core::rfc3339UtcMillis(std::chrono::system_clock::now()) +
                             " level=" + std::string(core::levelName(level)) +
                             " component=" + std::string(component) +
                             " msg=" + core::logfmtQuoted(message) + "\n";
    const std::lock_guard lock(g_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace concord::controller
