#include "scenario_runner.h"

#include <algorithm>
#include <ctime>

namespace concord::sandbox {

namespace {

double cpuSecondsNow()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

double defaultTimeout(const Topology& topology, const ScenarioOptions& options)
{
    const double interval = options.meanArrivalInterval > 0 ? options.meanArrivalInterval
                                                            : topology.meanArrivalInterval;
    return std::max(60000.0, 2000 * interval);
}

core::Result<ScenarioResult> runScenario(const Topology& topology, Strategy strategy,
                                         const ScenarioOptions& options)
{
    UpdateScenario scenario = options.update.service.empty() ? topology.update : options.update;
    if (scenario.service.empty())
        return core::Error{topology.name, 0, 0,
                           "the topology names no update scenario; give service, from and to"};

    SimConfig config;
    config.seed = options.seed;
    config.meanArrivalInterval = options.meanArrivalInterval;
    config.onDemandTracking = options.onDemandTracking;
    config.apiVersion = options.apiVersion;
    const double cpuStart = cpuSecondsNow();
    Simulation simulation(topology, config);

    UpdateRequest request;
    request.service = scenario.service;
    request.fromVersion = scenario.fromVersion;
    request.toVersion = scenario.toVersion;
    request.strategy = strategy;
    request.at = scenario.at;
    request.deployDelay = options.deployDelay;
    request.stragglerTtl = options.stragglerTtl;
    request.forceRetireStragglers = options.forceRetireStragglers;
    request.timeout = options.timeout > 0 ? options.timeout : defaultTimeout(topology, options);
    auto scheduled = simulation.scheduleUpdate(request);
    if (!scheduled)
        return scheduled.error();

    // Give a CV drain (bounded by the longest transaction) the same room as a timeout.
    const double horizon = scenario.at + options.deployDelay + 2 * request.timeout;
    simulation.runUntil(scenario.at + options.observeFor);
    simulation.runUpdates(std::max(horizon, simulation.now()), request.timeout);

    ScenarioResult result;
    result.strategy = strategy;
    result.seed = options.seed;
    result.run = simulation.metrics();
    result.update = result.run.updates.front();
    result.run.updates.clear();
    result.cpuSeconds = cpuSecondsNow() - cpuStart;
    return result;
}

}  // namespace concord::sandbox
