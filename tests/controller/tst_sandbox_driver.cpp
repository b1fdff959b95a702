#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "controller/sandbox_driver.h"
#include "core/rule_generator.h"
#include "core/rule_yaml.h"
#include "sandbox/topology.h"

using namespace concord::controller;
using concord::core::ErrorCode;
using concord::core::UpdatePhase;
using Clock = std::chrono::steady_clock;

namespace {

concord::sandbox::Topology example()
{
    auto topology = concord::sandbox::loadTopologyFile(CONCORD_TOPOLOGY_DIR "/example.yaml");
    EXPECT_TRUE(topology.ok()) << (topology ? "" : topology.error().toString());
    return topology.value();
}

SandboxDriverOptions options(double speed = 20)
{
    SandboxDriverOptions o;
    o.topology = example();
    o.seed = 42;
    o.speed = speed;
    return o;
}

std::string authRules(UpdatePhase phase, const std::string& from = "v1",
                      const std::string& to = "v2")
{
    concord::core::RuleParams params;
    params.service = "auth-service";
    return concord::core::toYaml(concord::core::generateRules(params, phase, from, to));
}

// Polls `done` until it holds or `wallMs` passed.
bool waitFor(const std::function<bool()>& done, double wallMs)
{
    const auto deadline = Clock::now() + std::chrono::duration<double, std::milli>(wallMs);
    while (Clock::now() < deadline) {
        if (done())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done();
}

// Waits until the driver's clock advanced by `virtualMs`.
void waitVirtual(const SandboxDriver& driver, double virtualMs)
{
    const double until = driver.nowMs() + virtualMs;
    ASSERT_TRUE(waitFor([&] { return driver.nowMs() >= until; }, 5000));
}

const EdgeStats* findEdge(const std::vector<EdgeStats>& stats, const std::string& from,
                          const std::string& to)
{
    const auto it = std::find_if(stats.begin(), stats.end(), [&](const EdgeStats& e) {
        return e.sourceService == from && e.destinationService == to;
    });
    return it == stats.end() ? nullptr : &*it;
}

const VersionInfo* findVersion(const MeshState& mesh, const std::string& service,
                               const std::string& version)
{
    for (const ServiceInfo& s : mesh.services) {
        for (const VersionInfo& v : s.versions) {
            if (s.name == service && v.name == version)
                return &v;
        }
    }
    return nullptr;
}

}  // namespace

TEST(SandboxDriver, NoTrafficAndAStillClockBeforeStartTraffic)
{
    SandboxDriver driver(options());
    EXPECT_EQ(driver.kind(), "sandbox");
    EXPECT_FALSE(driver.trafficRunning());
    EXPECT_DOUBLE_EQ(driver.rulePropagationMs(), 5);
    SandboxDriverOptions slow = options();
    slow.rulePropagationMs = 250;
    EXPECT_DOUBLE_EQ(SandboxDriver(std::move(slow)).rulePropagationMs(), 250);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_DOUBLE_EQ(driver.nowMs(), 0);
    EXPECT_EQ(driver.totals().transactionsStarted, 0u);
    // Direct actions work, and a deploy before traffic is ready at once.
    ASSERT_TRUE(driver.deploy("auth-service", "v2").ok());
    EXPECT_TRUE(driver.ready("auth-service", "v2"));
}

TEST(SandboxDriver, TrafficFlowsOnTheExamplesEdges)
{
    SandboxDriver driver(options());
    driver.startTraffic();
    EXPECT_TRUE(driver.trafficRunning());
    std::uint64_t cursor = 0;
    (void)driver.edgeStats(cursor);
    EXPECT_NE(cursor, 0u);
    waitVirtual(driver, 6000);
    const std::vector<EdgeStats> stats = driver.edgeStats(cursor);
    const EdgeStats* ingress = findEdge(stats, "ingress", "portal-service");
    ASSERT_NE(ingress, nullptr);
    EXPECT_EQ(ingress->sourceVersion, "");
    EXPECT_EQ(ingress->destinationVersion, "v1");
    // 40 root requests per virtual second.
    EXPECT_GT(ingress->requestRate, 20);
    EXPECT_LT(ingress->requestRate, 60);
    EXPECT_GT(ingress->latencyP50Ms, 100);  // the lognormal pause dominates
    EXPECT_GE(ingress->latencyP99Ms, ingress->latencyP50Ms);
    for (const auto& [from, to] : {std::pair{"portal-service", "auth-service"},
                                   {"portal-service", "proc-service"},
                                   {"proc-service", "auth-service"},
                                   {"proc-service", "db-service"}}) {
        const EdgeStats* edge = findEdge(stats, from, to);
        ASSERT_NE(edge, nullptr) << from << " -> " << to;
        EXPECT_GT(edge->requestRate, 0);
        EXPECT_DOUBLE_EQ(edge->errorRate, 0);
        EXPECT_EQ(edge->sourceVersion, "v1");
    }
    const MeshState mesh = driver.mesh();
    EXPECT_EQ(mesh.name, "example");
    ASSERT_EQ(mesh.services.size(), 4u);
    const VersionInfo* v1 = findVersion(mesh, "auth-service", "v1");
    ASSERT_NE(v1, nullptr);
    EXPECT_TRUE(v1->deployed);
    EXPECT_EQ(v1->instances.size(), 2u);
    EXPECT_DOUBLE_EQ(v1->trafficShare, 1.0);
    EXPECT_FALSE(findVersion(mesh, "auth-service", "v2")->deployed);
    EXPECT_EQ(mesh.services[0].callees, (std::vector<std::string>{"auth-service", "proc-service"}));
    EXPECT_EQ(mesh.services[2].defaultVersion, "v1");
    const auto nowUnix = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    EXPECT_NEAR(static_cast<double>(v1->instances[0].startedAtUnixMs), static_cast<double>(nowUnix),
                10000);
}

TEST(SandboxDriver, HandDrivenCvUpdateDrainsWithoutInconsistency)
{
    SandboxDriver driver(options(25));
    std::atomic<int> changes{0};
    driver.setChangeListener([&] { ++changes; });
    driver.startTraffic();
    waitVirtual(driver, 5000);

    ASSERT_TRUE(driver.deploy("auth-service", "v2").ok());
    ASSERT_TRUE(driver.deploy("auth-service", "v2").ok());  // idempotent
    EXPECT_FALSE(driver.ready("auth-service", "v2"));
    ASSERT_TRUE(waitFor([&] { return driver.ready("auth-service", "v2"); }, 3000));
    EXPECT_GE(changes.load(), 1);
    ASSERT_TRUE(driver.applyRules("auth-service", authRules(UpdatePhase::NewVersionOnline)).ok());
    waitVirtual(driver, driver.rulePropagationMs());
    ASSERT_TRUE(driver.applyRules("auth-service", authRules(UpdatePhase::SwitchDefault)).ok());
    waitVirtual(driver, driver.rulePropagationMs());
    ASSERT_TRUE(driver.setBlockMode("auth-service", "v1", BlockMode::RejectUnpinned).ok());
    ASSERT_TRUE(driver.setLocked("auth-service", "v1", true).ok());
    waitVirtual(driver, driver.rulePropagationMs());
    const auto sets = driver.instanceSets("auth-service", "v1");
    ASSERT_TRUE(sets.ok());
    ASSERT_EQ(sets->size(), 2u);
    EXPECT_TRUE(sets->front().locked);
    EXPECT_EQ(sets->front().instance, "auth-service-v1-0");

    DrainSpec spec;
    spec.service = "auth-service";
    spec.oldVersion = "v1";
    spec.stragglerTtlMs = 1e9;
    ASSERT_TRUE(driver.startDrain(spec).ok());
    ASSERT_TRUE(driver.startDrain(spec).ok());  // same spec: no-op
    const DrainStatus first = driver.drainStatus("auth-service");
    EXPECT_TRUE(first.active);
    EXPECT_GT(first.diffSetSize, 0u);  // transactions that used v1 are still running
    ASSERT_TRUE(waitFor([&] { return driver.drainStatus("auth-service").emptied; }, 8000));
    const DrainStatus drained = driver.drainStatus("auth-service");
    EXPECT_EQ(drained.diffSetSize, 0u);
    EXPECT_GT(drained.completedSinceStart, 0u);

    ASSERT_TRUE(driver.applyRules("auth-service", authRules(UpdatePhase::Retired)).ok());
    ASSERT_TRUE(driver.retire("auth-service", "v1").ok());
    const auto stopped = driver.stopDrain("auth-service");
    ASSERT_TRUE(stopped.ok());
    EXPECT_TRUE(*stopped);
    EXPECT_FALSE(driver.drainStatus("auth-service").active);
    // Traffic shares are over a window of 2-4 virtual seconds however often mesh() is called.
    for (int i = 0; i < 10; ++i) {
        (void)driver.mesh();
        waitVirtual(driver, 600);
    }

    const TrafficTotals totals = driver.totals();
    EXPECT_GT(totals.transactionsCompleted, 200u);
    EXPECT_EQ(totals.inconsistentTransactions, 0u);
    EXPECT_EQ(totals.failedTransactions, 0u);
    const MeshState mesh = driver.mesh();
    EXPECT_FALSE(findVersion(mesh, "auth-service", "v1")->deployed);
    EXPECT_EQ(mesh.services[2].defaultVersion, "v2");
    EXPECT_DOUBLE_EQ(findVersion(mesh, "auth-service", "v2")->trafficShare, 1.0);
}

TEST(SandboxDriver, ActionsReportErrorCodes)
{
    SandboxDriver driver(options());
    driver.startTraffic();
    EXPECT_EQ(driver.deploy("nope", "v1").error().code, ErrorCode::NotFound);
    EXPECT_EQ(driver.deploy("auth-service", "v9").error().code, ErrorCode::NotFound);
    EXPECT_EQ(driver.registerVersion("auth-service", "v3", "v9", "img").error().code,
              ErrorCode::NotFound);
    EXPECT_EQ(driver.registerVersion("auth-service", "v2", "v1", "img").error().code,
              ErrorCode::AlreadyExists);
    EXPECT_EQ(driver.applyRules("auth-service", "kind: [").error().code,
              ErrorCode::InvalidArgument);
    EXPECT_EQ(driver.rulesYaml("nope").error().code, ErrorCode::NotFound);
    EXPECT_EQ(driver.setLocked("auth-service", "v9", true).error().code, ErrorCode::NotFound);
    EXPECT_EQ(driver.instanceSets("nope", "v1").error().code, ErrorCode::NotFound);
    DrainSpec bad;
    bad.service = "auth-service";
    bad.oldVersion = "v1";
    bad.rulesYamlWhenEmpty = "not: rules";
    EXPECT_EQ(driver.startDrain(bad).error().code, ErrorCode::InvalidArgument);
    EXPECT_FALSE(driver.drainStatus("auth-service").active);
    EXPECT_EQ(driver.stopDrain("nope").error().code, ErrorCode::NotFound);
    const auto none = driver.stopDrain("auth-service");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(*none);
    // Rules of another service are refused; the old rules stay.
    const auto before = driver.rulesYaml("auth-service");
    ASSERT_TRUE(before.ok());
    concord::core::RuleParams params;
    params.service = "db-service";
    const std::string dbRules = concord::core::toYaml(
        concord::core::generateRules(params, UpdatePhase::Initial, "v1", "v1"));
    EXPECT_EQ(driver.applyRules("auth-service", dbRules).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(*driver.rulesYaml("auth-service"), *before);
}

TEST(SandboxDriver, RegisteredVersionInheritsAndServes)
{
    SandboxDriver driver(options());
    driver.startTraffic();
    ASSERT_TRUE(driver.registerVersion("db-service", "v2", "v1", "concord/db:2.0").ok());
    ASSERT_TRUE(driver.deploy("db-service", "v2").ok());
    ASSERT_TRUE(waitFor([&] { return driver.ready("db-service", "v2"); }, 3000));
    concord::core::RuleParams params;
    params.service = "db-service";
    const std::string retired = concord::core::toYaml(
        concord::core::generateRules(params, UpdatePhase::Retired, "v1", "v2"));
    ASSERT_TRUE(driver.applyRules("db-service", retired).ok());
    std::uint64_t cursor = 0;
    (void)driver.edgeStats(cursor);
    waitVirtual(driver, 2000);
    const auto stats = driver.edgeStats(cursor);
    const EdgeStats* edge = findEdge(stats, "proc-service", "db-service");
    ASSERT_NE(edge, nullptr);
    EXPECT_EQ(edge->destinationVersion, "v2");
    const MeshState mesh = driver.mesh();
    const VersionInfo* v2 = findVersion(mesh, "db-service", "v2");
    ASSERT_NE(v2, nullptr);
    EXPECT_EQ(v2->parent, "v1");
    EXPECT_EQ(v2->image, "concord/db:2.0");
    EXPECT_EQ(v2->replicas, 2);
    EXPECT_EQ(v2->instances.size(), 2u);
    EXPECT_TRUE(v2->instances[0].up);
    EXPECT_EQ(driver.totals().failedTransactions, 0u);
}

TEST(SandboxDriver, ConcurrentCallsFromFourThreads)
{
    SandboxDriver driver(options());
    driver.startTraffic();
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::uint64_t cursor = 0;
            for (int i = 0; i < 50; ++i) {
                bool ok = driver.deploy("auth-service", "v2").ok();
                ok = ok && driver.setLocked("auth-service", "v1", (i + t) % 2 == 0).ok();
                ok = ok && driver.rulesYaml("auth-service").ok();
                ok = ok && driver.instanceSets("auth-service", "v1").ok();
                (void)driver.edgeStats(cursor);
                (void)driver.mesh();
                (void)driver.totals();
                (void)driver.nowMs();
                failures += ok ? 0 : 1;
            }
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_GT(driver.totals().transactionsStarted, 0u);
}

TEST(SandboxDriver, StopIsPromptAndTheDriverStillAnswers)
{
    SandboxDriver driver(options(1));  // slow: the loop mostly sleeps
    driver.startTraffic();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto start = Clock::now();
    driver.stop();
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    EXPECT_LT(ms, 200);
    EXPECT_FALSE(driver.trafficRunning());
    const double frozen = driver.nowMs();
    EXPECT_GT(frozen, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_DOUBLE_EQ(driver.nowMs(), frozen);
    EXPECT_TRUE(driver.deploy("auth-service", "v2").ok());
    driver.stop();          // idempotent
    driver.startTraffic();  // no effect after stop
    EXPECT_FALSE(driver.trafficRunning());
}

TEST(SandboxDriver, ActionsFromInsideTheListenerDoNotDeadlock)
{
    SandboxDriver driver(options());
    std::atomic<int> seen{0};
    std::atomic<bool> readyInside{false};
    driver.setChangeListener([&] {
        if (seen++ == 0)
            readyInside = driver.ready("auth-service", "v2");
    });
    driver.startTraffic();
    ASSERT_TRUE(driver.deploy("auth-service", "v2").ok());
    ASSERT_TRUE(waitFor([&] { return seen.load() > 0; }, 3000));
    EXPECT_TRUE(readyInside.load());
}

TEST(SandboxDriver, StateReestablishedBeforeTrafficHolds)
{
    // What a runner resuming in the Drain phase of a CV update does before concordd
    // starts traffic: the fresh mesh has no old transactions, so the drain is empty at once.
    SandboxDriver driver(options());
    std::atomic<int> changes{0};
    driver.setChangeListener([&] { ++changes; });
    ASSERT_TRUE(driver.deploy("auth-service", "v2").ok());
    ASSERT_TRUE(driver.applyRules("auth-service", authRules(UpdatePhase::SwitchDefault)).ok());
    ASSERT_TRUE(driver.setBlockMode("auth-service", "v1", BlockMode::RejectUnpinned).ok());
    ASSERT_TRUE(driver.setLocked("auth-service", "v1", true).ok());
    DrainSpec spec;
    spec.service = "auth-service";
    spec.oldVersion = "v1";
    ASSERT_TRUE(driver.startDrain(spec).ok());
    EXPECT_TRUE(driver.drainStatus("auth-service").emptied);
    EXPECT_GE(changes.load(), 2);  // ready, rules, drain emptied — told on the caller's thread
    driver.startTraffic();
    std::uint64_t cursor = 0;
    (void)driver.edgeStats(cursor);
    waitVirtual(driver, 3000);
    const auto stats = driver.edgeStats(cursor);
    for (const EdgeStats& edge : stats) {
        if (edge.destinationService == "auth-service")
            EXPECT_EQ(edge.destinationVersion, "v2") << edge.sourceService;
    }
    ASSERT_NE(findEdge(stats, "portal-service", "auth-service"), nullptr);
    const TrafficTotals totals = driver.totals();
    EXPECT_GT(totals.transactionsCompleted, 0u);
    EXPECT_EQ(totals.failedTransactions, 0u);
    EXPECT_EQ(totals.rejectedRequests, 0u);
}

TEST(SandboxDriver, WaitForFreeSwapsWhenTheOldVersionIsFree)
{
    SandboxDriverOptions o = options(50);
    o.meanArrivalIntervalMs = 1000;  // light load, so the old version is free now and then
    SandboxDriver driver(std::move(o));
    driver.startTraffic();
    waitVirtual(driver, 3000);
    ASSERT_TRUE(driver.deploy("auth-service", "v2").ok());
    ASSERT_TRUE(waitFor([&] { return driver.ready("auth-service", "v2"); }, 3000));
    ASSERT_TRUE(driver.applyRules("auth-service", authRules(UpdatePhase::NewVersionOnline)).ok());
    DrainSpec spec;
    spec.service = "auth-service";
    spec.oldVersion = "v1";
    spec.liveAdds = true;
    spec.rulesYamlWhenEmpty = authRules(UpdatePhase::Retired);
    ASSERT_TRUE(driver.startDrain(spec).ok());
    ASSERT_TRUE(waitFor([&] { return driver.drainStatus("auth-service").emptied; }, 8000));
    EXPECT_EQ(*driver.rulesYaml("auth-service"), spec.rulesYamlWhenEmpty);
    const auto stopped = driver.stopDrain("auth-service");
    ASSERT_TRUE(stopped.ok());
    EXPECT_TRUE(*stopped);  // the swap won
    ASSERT_TRUE(driver.retire("auth-service", "v1").ok());
    waitVirtual(driver, 3000);
    EXPECT_EQ(driver.totals().inconsistentTransactions, 0u);
    EXPECT_EQ(driver.totals().failedTransactions, 0u);
}

TEST(SandboxDriver, BlockForFreeHoldsAndReleases)
{
    SandboxDriver driver(options(50));
    driver.startTraffic();
    waitVirtual(driver, 3000);
    ASSERT_TRUE(driver.deploy("auth-service", "v2").ok());
    ASSERT_TRUE(waitFor([&] { return driver.ready("auth-service", "v2"); }, 3000));
    ASSERT_TRUE(driver.applyRules("auth-service", authRules(UpdatePhase::NewVersionOnline)).ok());
    waitVirtual(driver, driver.rulePropagationMs());
    ASSERT_TRUE(driver.setBlockMode("auth-service", "v1", BlockMode::HoldUnpinned).ok());
    ASSERT_TRUE(driver.setLocked("auth-service", "v1", true).ok());
    DrainSpec spec;
    spec.service = "auth-service";
    spec.oldVersion = "v1";
    ASSERT_TRUE(driver.startDrain(spec).ok());
    ASSERT_TRUE(waitFor([&] { return driver.drainStatus("auth-service").emptied; }, 8000));
    EXPECT_GT(driver.totals().heldRequests, 0u);
    ASSERT_TRUE(driver.applyRules("auth-service", authRules(UpdatePhase::SwitchDefault)).ok());
    ASSERT_TRUE(driver.setBlockMode("auth-service", "v1", BlockMode::None).ok());
    ASSERT_TRUE(driver.applyRules("auth-service", authRules(UpdatePhase::Retired)).ok());
    ASSERT_TRUE(driver.retire("auth-service", "v1").ok());
    ASSERT_TRUE(driver.stopDrain("auth-service").ok());
    const std::uint64_t started = driver.totals().transactionsStarted;
    // The released transactions finish: completions overtake the starts of the hold.
    ASSERT_TRUE(
        waitFor([&] { return driver.totals().transactionsCompleted > started + 100; }, 5000));
    EXPECT_EQ(driver.totals().inconsistentTransactions, 0u);
    EXPECT_EQ(driver.totals().failedTransactions, 0u);
}
