#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "simulation.h"
#include "topology.h"

namespace concord::sandbox {

// One update scenario in virtual time: warm up, request the update, run until
// it finishes (or times out), then let running transactions drain.
struct ScenarioOptions
{
    std::uint64_t seed = 1;
    double meanArrivalInterval = 0;  // > 0 overrides the topology's
    UpdateScenario update;           // service empty: the topology's own scenario
    double deployDelay = 0;
    double timeout = 0;  // WF/BF/quiescence give-up time; 0: defaultTimeout()
    double stragglerTtl = 0;
    bool forceRetireStragglers = false;
    // Traffic keeps arriving at least until `at + observeFor`, so strategies
    // that finish at once are measured over the same traffic as slow ones.
    double observeFor = 30000;
    bool onDemandTracking = false;
    core::IstioApiVersion apiVersion = core::IstioApiVersion::V1;
};

struct ScenarioResult
{
    Strategy strategy = Strategy::ConcurrentVersions;
    std::uint64_t seed = 0;
    UpdateMetrics update;
    RunMetrics run;  // `updates` left empty; see `update`
    double cpuSeconds = 0;
};

core::Result<ScenarioResult> runScenario(const Topology& topology, Strategy strategy,
                                         const ScenarioOptions& options);

// The timeout used when ScenarioOptions::timeout is 0: long enough for a
// drain under normal load, short enough that a WF that never frees ends.
double defaultTimeout(const Topology& topology, const ScenarioOptions& options);

}  // namespace concord::sandbox
