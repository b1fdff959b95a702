#pragma once

#include <string_view>

namespace concord::controller {

// resources/topologies/example.yaml (Portal → Auth; Portal → Proc → Auth;
// Proc → DB), compiled in so concordd --sandbox runs without its source tree.
std::string_view builtinExampleTopology();

}  // namespace concord::controller
