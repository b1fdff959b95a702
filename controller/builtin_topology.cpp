#include "builtin_topology.h"

namespace concord::controller {

namespace {
// Generated at configure time from resources/topologies/example.yaml.
#include "builtin_example_topology.inc"
}  // namespace

std::string_view builtinExampleTopology()
{
    return kBuiltinExampleTopology;
}

}  // namespace concord::controller
