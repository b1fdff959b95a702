#pragma once

#include <iosfwd>
#include <string>

#include "daemon_options.h"

namespace concord::controller {

// `concordd [serve]`: opens the journal, builds the driver (the sandbox),
// seeds the Resource store and reconciles it once, resumes unfinished
// updates, starts traffic, the update runner, the resource reconciler and the
// API server, prints "concordd: serving on HOST:PORT" on `out` and serves until
// SIGINT or SIGTERM, then shuts down in order (API, reconciler, runner,
// driver). Returns the exit code: 0 after a signal, 1 when it cannot start.
//
// The caller must have blocked SIGINT and SIGTERM in every thread (block them
// in main() before any thread exists); this function waits for them.
int runDaemon(const DaemonOptions& options, std::ostream& out);

// The test hook behind CONCORD_TEST_CRASH_AT="<step>:<point>" (the crash
// test): the daemon SIGKILLs itself when an update reaches that runner step
// (a RunPhase name) at that point ("journaled" or "applied").
bool parseCrashPoint(const char* spec, std::string& step, std::string& point);

}  // namespace concord::controller
