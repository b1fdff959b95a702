#include "tracemgr_log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "core/log_text.h"

namespace concord::tracemanager {

namespace {

std::atomic<LogFormat> g_format{LogFormat::Json};
std::atomic<bool> g_verbose{false};
std::mutex g_writeMutex;

// A field may not overwrite ts, level or msg: it is kept beside them.
std::string fieldKey(std::string_view key)
{
    if (key == "ts" || key == "level" || key == "msg") {
        return "field_" + std::string(key);
    }
    return std::string(key);
}

std::string jsonLine(std::string_view level, std::string_view message,
                     std::initializer_list<LogField> fields)
{
    nlohmann::ordered_json line;
    line["ts"] = core::rfc3339UtcMillis(std::chrono::system_clock::now());
    line["level"] = level;
    line["msg"] = message;
    for (const auto& [key, value] : fields) {
        line[fieldKey(key)] = value;
    }
    // Values can come from requests (a malformed header): invalid UTF-8 must
    // not throw, so it is replaced.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool needsQuotes(std::string_view value)
{
    if (value.empty()) {
        return true;
    }
    for (const char c : value) {
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
            c == 0x7f) {
            return true;
        }
    }
    return false;
}

std::string logfmtValue(std::string_view value)
{
    return needsQuotes(value) ? core::logfmtQuoted(value) : std::string(value);
}

std::string textLine(std::string_view level, std::string_view message,
                     std::initializer_list<LogField> fields)
{
    // The message is always quoted, as logfmt readers expect of msg.
    std::string line = "ts=" + core::rfc3339UtcMillis(std::chrono::system_clock::now()) +
                       " level=" + std::string(level) + " msg=" + core::logfmtQuoted(message);
    for (const auto& [key, value] : fields) {
        line += ' ' + fieldKey(key) + '=' + logfmtValue(value);
    }
    return line;
}

// One write(2) per line, so lines of concurrent writers (gRPC's own logging
// included) never interleave within a line.
void writeLine(const std::string& line)
{
    const std::lock_guard lock(g_writeMutex);
    std::size_t written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(STDERR_FILENO, line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;  // stderr is gone; nowhere left to say so
        }
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace

void configureLog(LogFormat format, bool verbose)
{
    g_format.store(format, std::memory_order_relaxed);
    g_verbose.store(verbose, std::memory_order_relaxed);
}

void logEvent(LogLevel level, std::string_view message, std::initializer_list<LogField> fields)
{
    if (level == LogLevel::Debug && !g_verbose.load(std::memory_order_relaxed)) {
        return;
    }
    const std::string_view name = core::levelName(level);
    std::string line = g_format.load(std::memory_order_relaxed) == LogFormat::Json
                           ? jsonLine(name, message, fields)
                           : textLine(name, message, fields);
    line += '\n';
    writeLine(line);
}

}  // namespace concord::tracemanager
