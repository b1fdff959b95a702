#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace concord::controller {

// `concordd bench …`: runs an update scenario in the sandbox (virtual time)
// under one or more strategies and prints one row per strategy — or JSON with
// --json. Returns the process exit code (0 ok, 2 usage or input error).
int runBenchCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace concord::controller
