#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace concord::controller {

// `concordd ctl …`: a small client of a running concordd for scripts and CI
// smoke tests — server info, services, plan, start, watch, list, abort,
// force-retire, history, register. Returns the process exit code: 0 ok, 1 the
// call failed (or a watched update did not complete), 2 usage error.
int runCtlCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace concord::controller
