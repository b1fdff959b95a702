#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace concord::core {

// Pieces of the log lines concordd and concord-tracemgr write (each has its
// own logger and level type; the text conventions are shared).

// Severity of a log line, lowest first.
enum class LogLevel
{
    Debug,
    Info,
    Warning,
    Error,
};

// "debug", "info", "warning", "error".
std::string_view levelName(LogLevel level);

// RFC 3339 UTC with milliseconds: "2026-12-02T04:17:15.123Z".
std::string rfc3339UtcMillis(std::chrono::system_clock::time_point time);

// A logfmt value in double quotes: \ and " escaped, \n \r \t as such, other
// control characters as \xNN.
std::string logfmtQuoted(std::string_view text);

}  // namespace concord::core
