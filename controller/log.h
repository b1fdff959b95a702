#pragma once

#include <string_view>

#include "core/log_text.h"

namespace concord::controller {

using LogLevel = core::LogLevel;

// One logfmt line on stderr: ts=<RFC 3339 UTC, ms> level=<level> component=<c> msg="<m>".
// Thread-safe; lines never interleave. Callers never pass secrets (tokens).
void logMessage(LogLevel level, std::string_view component, std::string_view message);
void setMinimumLogLevel(LogLevel level);

inline void logInfo(std::string_view component, std::string_view message)
{
    logMessage(LogLevel::Info, component, message);
}
inline void logWarning(std::string_view component, std::string_view message)
{
    logMessage(LogLevel::Warning, component, message);
}
inline void logError(std::string_view component, std::string_view message)
{
    logMessage(LogLevel::Error, component, message);
}

}  // namespace concord::controller
