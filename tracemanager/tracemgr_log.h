#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>

#include "core/log_text.h"
#include "tracemgr_options.h"

namespace concord::tracemanager {

using LogLevel = core::LogLevel;

using LogField = std::pair<std::string_view, std::string_view>;

// One structured line on stderr: JSON ({"ts":…,"level":…,"msg":…, fields})
// or logfmt text, per --log-format. Thread-safe; lines never interleave.
void logEvent(LogLevel level, std::string_view message,
              std::initializer_list<LogField> fields = {});
void configureLog(LogFormat format, bool verbose);

}  // namespace concord::tracemanager
