#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "core/rule_generator.h"
#include "core/rule_yaml.h"
#include "sandbox/scenario_runner.h"
#include "sandbox/simulation.h"
#include "sandbox/topology.h"

using namespace concord::sandbox;
using concord::core::UpdatePhase;

namespace {

Topology example()
{
    auto topology = loadTopologyFile(CONCORD_TOPOLOGY_DIR "/example.yaml");
    EXPECT_TRUE(topology.ok()) << (topology ? "" : topology.error().toString());
    return topology.value();
}

UpdateRequest authUpdate(Strategy strategy, const Topology& topology)
{
    UpdateRequest request;
    request.service = "auth-service";
    request.fromVersion = "v1";
    request.toVersion = "v2";
    request.strategy = strategy;
    request.at = topology.update.at;
    request.timeout = 120000;
    return request;
}

struct Outcome
{
    RunMetrics metrics;
    UpdateMetrics update;
};

Outcome run(const Topology& topology, UpdateRequest request, std::uint64_t seed,
            SimConfig config = {})
{
    config.seed = seed;
    Simulation simulation(topology, config);
    EXPECT_TRUE(simulation.scheduleUpdate(request).ok());
    simulation.runUntil(request.at + 30000);  // the same traffic for every strategy
    simulation.runUpdates(request.at + 3 * request.timeout, request.timeout);
    Outcome result{simulation.metrics(), {}};
    result.update = result.metrics.updates.front();
    return result;
}

}  // namespace

// The claim Concord exists for: a plain swap breaks transactions that already
// used Auth v1 (their token is rejected by v2); WF, BF and CV never do.
TEST(Simulation, NaiveProducesInconsistentTransactionsAndAuthFailures)
{
    const Topology topology = example();
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const Outcome r = run(topology, authUpdate(Strategy::Naive, topology), seed);
        EXPECT_EQ(r.update.state, UpdateState::Completed) << "seed " << seed;
        EXPECT_GT(r.metrics.inconsistentTransactions, 0u) << "seed " << seed;
        EXPECT_GT(r.metrics.mixedVersionFailures, 0u) << "seed " << seed;
        EXPECT_GE(r.metrics.failedTransactions, r.metrics.mixedVersionFailures) << "seed " << seed;
    }
}

TEST(Simulation, ConsistentStrategiesNeverMixVersions)
{
    const Topology topology = example();
    for (Strategy strategy : {Strategy::WaitForFree, Strategy::BlockForFree,
                              Strategy::ConcurrentVersions, Strategy::Quiescence}) {
        for (std::uint64_t seed = 1; seed <= 10; ++seed) {
            const Outcome r = run(topology, authUpdate(strategy, topology), seed);
            SCOPED_TRACE(std::string(toString(strategy)) + " seed " + std::to_string(seed));
            EXPECT_GT(r.metrics.transactionsCompleted, 1000u);
            EXPECT_EQ(r.metrics.inconsistentTransactions, 0u);
            EXPECT_EQ(r.metrics.mixedVersionFailures, 0u);
            EXPECT_EQ(r.metrics.failedTransactions, 0u);
            if (strategy != Strategy::WaitForFree) {
                EXPECT_EQ(r.update.state, UpdateState::Completed);
                EXPECT_GT(r.update.timeliness, 0);
            }
        }
    }
}

TEST(Simulation, ConcurrentVersionsWalksEveryPhaseAndEndsOnTheFinalRules)
{
    const Topology topology = example();
    SimConfig config;
    config.seed = 3;
    Simulation simulation(topology, config);
    std::vector<UpdatePhase> phases;
    simulation.setObserver([&](const SimEvent& event) {
        if (phases.empty() || phases.back() != event.phase)
            phases.push_back(event.phase);
    });
    const UpdateRequest request = authUpdate(Strategy::ConcurrentVersions, topology);
    ASSERT_TRUE(simulation.scheduleUpdate(request).ok());
    simulation.runUpdates(request.at + 200000, 100000);

    EXPECT_EQ(phases,
              (std::vector<UpdatePhase>{UpdatePhase::Initial, UpdatePhase::NewVersionOnline,
                                        UpdatePhase::SwitchDefault, UpdatePhase::BlockAndLock,
                                        UpdatePhase::SyncAndDiff, UpdatePhase::Retired}));
    const auto& update = simulation.metrics().updates.front();
    EXPECT_EQ(update.state, UpdateState::Completed);
    EXPECT_EQ(simulation.liveInstances("auth-service", "v1"), 0u);
    EXPECT_EQ(simulation.liveInstances("auth-service", "v2"), 2u);
    // The router ends on exactly the phase-6 rules (compared as parsed YAML).
    concord::core::RuleParams params;
    params.service = "auth-service";
    const auto expected = concord::core::generateRules(params, UpdatePhase::Retired, "v1", "v2");
    const auto applied = concord::core::parseRuleSets(simulation.rulesYaml("auth-service"));
    ASSERT_TRUE(applied.ok());
    ASSERT_EQ(applied->size(), 1u);
    EXPECT_EQ(applied->front(), expected);
    // Old and new instances overlapped: 4 per service at rest + 2 new ones.
    EXPECT_EQ(simulation.metrics().peakInstances, 10);
    // The DiffSet was non-trivial and drained to 0.
    ASSERT_FALSE(update.diffSet.empty());
    EXPECT_GT(std::max_element(update.diffSet.begin(), update.diffSet.end(),
                               [](auto& a, auto& b) { return a.size < b.size; })
                  ->size,
              10u);
    EXPECT_EQ(update.diffSet.back().size, 0u);
}

TEST(Simulation, DiffSetDrainsExactlyWhenTheLastOldVersionTransactionCompletes)
{
    const Topology topology = example();
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        for (Strategy strategy : {Strategy::ConcurrentVersions, Strategy::BlockForFree}) {
            const Outcome r = run(topology, authUpdate(strategy, topology), seed);
            SCOPED_TRACE(std::string(toString(strategy)) + " seed " + std::to_string(seed));
            ASSERT_EQ(r.update.state, UpdateState::Completed);
            ASSERT_GT(r.update.diffSet.front().size, 0u);
            EXPECT_DOUBLE_EQ(r.update.diffSetEmptyAt, r.update.lastOldTransactionCompletedAt);
            EXPECT_DOUBLE_EQ(r.update.removableAt, r.update.diffSetEmptyAt);
        }
    }
}

TEST(Simulation, RejectedRequestsAreNeverRecorded)
{
    const Topology topology = example();
    std::size_t rejectedTotal = 0;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        SimConfig config;
        config.seed = seed;
        config.meanArrivalInterval = 1;  // busy: requests are in flight at every phase change
        Simulation simulation(topology, config);
        UpdateRequest request = authUpdate(Strategy::ConcurrentVersions, topology);
        request.phaseGap = 0;  // block while unpinned requests are still on their way to v1
        ASSERT_TRUE(simulation.scheduleUpdate(request).ok());
        std::vector<concord::core::TraceId> recorded;
        simulation.setObserver([&](const SimEvent& event) {
            if (event.phase == UpdatePhase::SyncAndDiff && recorded.empty())
                recorded = simulation.recordedIds("auth-service", "v1");  // locked by now
        });
        simulation.runUpdates(request.at + 300000, 100000);
        const auto& metrics = simulation.metrics();
        ASSERT_FALSE(recorded.empty());
        std::sort(recorded.begin(), recorded.end());
        for (const auto& id : simulation.rejectedIds())
            EXPECT_FALSE(std::binary_search(recorded.begin(), recorded.end(), id)) << id.toHex();
        EXPECT_EQ(metrics.updates.front().rejected503, simulation.rejectedIds().size());
        EXPECT_GE(metrics.retriedRequests, simulation.rejectedIds().size());
        EXPECT_EQ(metrics.inconsistentTransactions, 0u);
        EXPECT_EQ(metrics.failedTransactions, 0u);  // the retry found the new default route
        rejectedTotal += simulation.rejectedIds().size();
    }
    EXPECT_GT(rejectedTotal, 0u);  // the situation under test did arise
}

TEST(Simulation, IsDeterministicUnderASeed)
{
    const Topology topology = example();
    const Outcome a = run(topology, authUpdate(Strategy::ConcurrentVersions, topology), 42);
    const Outcome b = run(topology, authUpdate(Strategy::ConcurrentVersions, topology), 42);
    const Outcome c = run(topology, authUpdate(Strategy::ConcurrentVersions, topology), 43);
    EXPECT_EQ(a.metrics.subTransactions, b.metrics.subTransactions);
    EXPECT_DOUBLE_EQ(a.update.timeliness, b.update.timeliness);
    EXPECT_EQ(a.update.diffSet.size(), b.update.diffSet.size());
    EXPECT_NE(a.metrics.subTransactions, c.metrics.subTransactions);
}

TEST(Simulation, WaitForFreeTimesOutUnderHeavyLoadAndRollsBack)
{
    const Topology topology = example();
    UpdateRequest request = authUpdate(Strategy::WaitForFree, topology);
    request.timeout = 20000;
    SimConfig config;
    config.meanArrivalInterval = 5;
    const Outcome r = run(topology, request, 5, config);
    EXPECT_EQ(r.update.state, UpdateState::TimedOut);
    EXPECT_LT(r.update.timeliness, 0);
    EXPECT_EQ(r.metrics.inconsistentTransactions, 0u);
}

TEST(Simulation, WaitForFreeFiresWhenTrafficIsLight)
{
    const Topology topology = example();
    SimConfig config;
    config.meanArrivalInterval = 20000;  // mostly idle: the old version is soon unused
    UpdateRequest request = authUpdate(Strategy::WaitForFree, topology);
    request.timeout = 10'000'000;
    const Outcome r = run(topology, request, 2, config);
    EXPECT_EQ(r.update.state, UpdateState::Completed);
    EXPECT_DOUBLE_EQ(r.update.disruption, 0);
    EXPECT_EQ(r.metrics.inconsistentTransactions, 0u);
}

TEST(Simulation, BlockingStrategiesCostDisruptionAndConcurrentVersionsDoesNot)
{
    const Topology topology = example();
    const Outcome bf = run(topology, authUpdate(Strategy::BlockForFree, topology), 4);
    const Outcome qu = run(topology, authUpdate(Strategy::Quiescence, topology), 4);
    const Outcome cv = run(topology, authUpdate(Strategy::ConcurrentVersions, topology), 4);
    EXPECT_GT(bf.update.heldRequests, 0u);
    EXPECT_GT(bf.update.disruption, 0);
    EXPECT_GT(qu.update.heldRequests, 0u);
    EXPECT_GT(qu.update.disruption, bf.update.disruption);  // it holds whole transactions
    EXPECT_EQ(cv.update.heldRequests, 0u);
    EXPECT_DOUBLE_EQ(cv.update.disruption, 0);
}

TEST(Simulation, StragglersCanBeForceRetiredAndAreReportedAsPossibleViolations)
{
    const Topology topology = example();
    UpdateRequest request = authUpdate(Strategy::ConcurrentVersions, topology);
    request.stragglerTtl = 500;
    request.forceRetireStragglers = true;
    const Outcome r = run(topology, request, 6);
    EXPECT_EQ(r.update.state, UpdateState::ForceRetired);
    EXPECT_GT(r.update.possibleViolations, 0u);
    EXPECT_GT(r.update.stragglers, 0u);
    // Whatever went wrong stayed within what was reported.
    EXPECT_LE(r.metrics.inconsistentTransactions, r.update.possibleViolations);
}

TEST(Simulation, RejectsInvalidUpdateRequests)
{
    const Topology topology = example();
    Simulation simulation(topology, SimConfig{});
    UpdateRequest request = authUpdate(Strategy::ConcurrentVersions, topology);
    request.service = "nope";
    EXPECT_FALSE(simulation.scheduleUpdate(request).ok());
    request = authUpdate(Strategy::ConcurrentVersions, topology);
    request.toVersion = "v9";
    EXPECT_FALSE(simulation.scheduleUpdate(request).ok());
    request.toVersion = "v1";
    const auto self = simulation.scheduleUpdate(request);
    ASSERT_FALSE(self.ok());
    EXPECT_NE(self.error().message.find("itself"), std::string::npos);
    ASSERT_TRUE(simulation.scheduleUpdate(authUpdate(Strategy::ConcurrentVersions, topology)).ok());
    const auto second = simulation.scheduleUpdate(authUpdate(Strategy::BlockForFree, topology));
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().message.find("already"), std::string::npos);
}

TEST(ScenarioRunner, RunsTheTopologysOwnScenario)
{
    const Topology topology = example();
    const auto result = runScenario(topology, Strategy::ConcurrentVersions, ScenarioOptions{});
    ASSERT_TRUE(result.ok()) << result.error().toString();
    EXPECT_EQ(result->update.state, UpdateState::Completed);
    EXPECT_EQ(result->run.inconsistentTransactions, 0u);
    EXPECT_GT(result->cpuSeconds, 0);
}

TEST(Simulation, RealTimeModePacesVirtualTimeToTheWallClock)
{
    const Topology topology = example();
    for (const double speed : {1.0, 4.0}) {
        Simulation simulation(topology, SimConfig{});
        const RealTimePacer pacer(0, speed);
        const std::atomic<bool> stop{false};
        const auto start = std::chrono::steady_clock::now();
        simulation.runRealTime(400, pacer, stop);  // 400 units = 400 ms / speed
        const double wallMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        EXPECT_DOUBLE_EQ(simulation.now(), 400);
        EXPECT_GE(wallMs, 400 / speed - 5) << "speed " << speed;
        EXPECT_LT(wallMs, 400 / speed + 400) << "speed " << speed;  // loaded CI machines
        EXPECT_GT(simulation.metrics().transactionsStarted, 0u);
    }
}

TEST(Simulation, RealTimeModeStopsWhenAsked)
{
    const Topology topology = example();
    Simulation simulation(topology, SimConfig{});
    const RealTimePacer pacer(0, 1.0);
    std::atomic<bool> stop{false};
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        stop = true;
    });
    const auto start = std::chrono::steady_clock::now();
    simulation.runRealTime(1e9, pacer, stop);
    stopper.join();
    const double wallMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(wallMs, 2000);
    EXPECT_GT(simulation.now(), 50);
    EXPECT_LT(simulation.now(), 2000);
}

TEST(Simulation, TrackingMemoryStaysBoundedOverALongRun)
{
    const Topology topology = example();
    SimConfig config;
    config.meanArrivalInterval = 5;  // 200 transactions per 1000 units
    Simulation simulation(topology, config);
    std::size_t peak = 0;
    for (double t = 100000; t <= 1'000'000; t += 100000) {
        simulation.runUntil(t);
        peak = std::max(peak, simulation.heldTraceIds());
    }
    // ~200k transactions went through, each recorded by about five instances
    // (1.2M ids unpruned); pruning every 20k completions bounds it near
    // 20k x (1 + 5).
    EXPECT_GT(simulation.metrics().transactionsCompleted, 150000u);
    EXPECT_LT(peak, 150000u);
}

TEST(Simulation, PruningDoesNotChangeWhatAnUpdateSees)
{
    // A long warm-up (many prunes) before the update: CV still drains exactly
    // when the last old-version transaction completes, with no violation.
    const Topology topology = example();
    SimConfig config;
    config.meanArrivalInterval = 5;
    Simulation simulation(topology, config);
    UpdateRequest request = authUpdate(Strategy::ConcurrentVersions, topology);
    request.at = 300000;
    ASSERT_TRUE(simulation.scheduleUpdate(request).ok());
    simulation.runUpdates(request.at + 300000, 100000);
    const auto& update = simulation.metrics().updates.front();
    ASSERT_EQ(update.state, UpdateState::Completed);
    ASSERT_GT(update.diffSet.front().size, 0u);
    EXPECT_DOUBLE_EQ(update.diffSetEmptyAt, update.lastOldTransactionCompletedAt);
    EXPECT_EQ(simulation.metrics().inconsistentTransactions, 0u);
}
