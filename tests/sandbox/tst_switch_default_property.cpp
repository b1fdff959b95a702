// Property (DESIGN.md §3, phase 3 lemma): flipping the default route never
// creates an inconsistent transaction — an unpinned transaction has not used
// the service yet, a pinned one keeps its version. Checked over random
// scale-free topologies, random targets and random update times.

#include <gtest/gtest.h>

#include <random>

#include "sandbox/simulation.h"
#include "sandbox/topology.h"

using namespace concord::sandbox;
using concord::core::UpdatePhase;

namespace {

struct Case
{
    Topology topology;
    UpdateRequest request;
    std::uint64_t seed = 0;
};

Case randomCase(std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    ScaleFreeParams params;
    params.services = 4 + static_cast<int>(rng() % 29);  // 4..32
    params.meanArrivalInterval = 5 + static_cast<double>(rng() % 40);
    Case c{generateScaleFree(params, seed), {}, seed};
    c.request.service = c.topology.update.service;
    c.request.fromVersion = c.topology.update.fromVersion;
    c.request.toVersion = c.topology.update.toVersion;
    c.request.at = 500 + static_cast<double>(rng() % 5000);
    c.request.phaseGap = static_cast<double>(rng() % 3) * 5;  // 0, 5 or 10
    c.request.strategy = Strategy::ConcurrentVersions;
    return c;
}

RunMetrics runCase(const Case& c, UpdateRequest request)
{
    SimConfig config;
    config.seed = c.seed;
    Simulation simulation(c.topology, config);
    EXPECT_TRUE(simulation.scheduleUpdate(request).ok());
    // Run well past the flip so that transactions spanning it complete.
    simulation.runUntil(request.at + 20000);
    simulation.runUpdates(request.at + 100000, 100000);
    return simulation.metrics();
}

}  // namespace

TEST(SwitchDefaultProperty, FlippingTheDefaultRouteNeverCreatesAnInconsistentTransaction)
{
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        const Case c = randomCase(seed);
        UpdateRequest request = c.request;
        request.stopAfter = UpdatePhase::SwitchDefault;  // both versions keep serving
        const RunMetrics metrics = runCase(c, request);
        SCOPED_TRACE("seed " + std::to_string(seed) + " services " +
                     std::to_string(c.topology.services.size()) + " target " + request.service);
        ASSERT_EQ(metrics.updates.front().state, UpdateState::Held);
        EXPECT_GT(metrics.transactionsCompleted, 100u);
        EXPECT_EQ(metrics.inconsistentTransactions, 0u);
    }
}

TEST(SwitchDefaultProperty, TheWholeConcurrentVersionsUpdateStaysConsistent)
{
    for (std::uint64_t seed = 100; seed < 130; ++seed) {
        const Case c = randomCase(seed);
        const RunMetrics metrics = runCase(c, c.request);
        SCOPED_TRACE("seed " + std::to_string(seed));
        EXPECT_EQ(metrics.updates.front().state, UpdateState::Completed);
        EXPECT_EQ(metrics.inconsistentTransactions, 0u);
        EXPECT_EQ(metrics.failedTransactions, 0u);
    }
}

// The same harness does see inconsistency when there is some: a naive swap on
// the same random topologies mixes versions in some of them.
TEST(SwitchDefaultProperty, TheHarnessDetectsInconsistencyUnderNaive)
{
    std::uint64_t inconsistent = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        const Case c = randomCase(seed);
        UpdateRequest request = c.request;
        request.strategy = Strategy::Naive;
        inconsistent += runCase(c, request).inconsistentTransactions;
    }
    EXPECT_GT(inconsistent, 0u);
}
