// The sandbox's orchestrator in virtual time (a manual clock): seeding, the
// Orchestrating → Ready transition, one orchestration at a time per type,
// heartbeats and the 90 s window, the 60 s pod monitor, reload counters and
// the store's adds and removes.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "controller/orchestrator_sandbox.h"

namespace concord::controller {
namespace {

using core::PodPhase;

class OrchestratorSandboxTest : public ::testing::Test
{
protected:
    OrchestratorSandboxOptions options(int things = 5000, int rules = 800, bool atStart = true)
    {
        OrchestratorSandboxOptions o;
        o.clock = [this] { return m_now.load(); };
        o.epochUnixMs = 1'700'000'000'000;
        o.things = things;
        o.rules = rules;
        o.orchestrateAtStart = atStart;
        return o;
    }
    // Moves the manual clock and lets the sandbox catch up.
    std::vector<core::OrchestratorEvent> at(OrchestratorSandbox& sandbox, double ms)
    {
        m_now = ms;
        return sandbox.advance();
    }
    static OrchestrationSnapshot snap(OrchestratorSandbox& sandbox, const std::string& type)
    {
        auto s = sandbox.snapshot(type);
        EXPECT_TRUE(s.ok()) << s.error().message;
        return s.ok() ? *s : OrchestrationSnapshot{};
    }
    static const core::OrchestratorInstance& instance(const OrchestrationSnapshot& s,
                                                      const std::string& id)
    {
        const auto it = std::find_if(s.instances.begin(), s.instances.end(),
                                     [&](const auto& i) { return i.id == id; });
        EXPECT_NE(it, s.instances.end()) << id;
        return *it;
    }

    std::atomic<double> m_now{0};
};

core::OrchestrationParameters params(int init, int max, int perInstance)
{
    return core::OrchestrationParameters{init, max, perInstance};
}

TEST_F(OrchestratorSandboxTest, SeedsBothStoresAndOrchestratesThemWithTheDefaults)
{
    OrchestratorSandbox sandbox(options());
    const auto things = snap(sandbox, "thing");
    EXPECT_EQ(things.resource, "thing");
    EXPECT_EQ(things.count, 5000u);
    EXPECT_EQ(things.state, OrchestrationState::Orchestrating);
    ASSERT_TRUE(things.parameters);
    EXPECT_EQ(things.parameters->initInstances, 10);
    EXPECT_EQ(things.parameters->maxInstances, 100);
    EXPECT_EQ(things.parameters->resourcePerInstance, 1000);
    // 5000 / 1000 + 1 = 6 < 10 instances: 10 of 5000 / 10 + 1 = 501.
    ASSERT_EQ(things.instances.size(), 10u);
    EXPECT_EQ(things.instances[0].capacity, 501);
    EXPECT_EQ(things.instances[0].resources.front(), "thing-00000");
    EXPECT_EQ(things.instances[9].resources.back(), "thing-04999");
    EXPECT_EQ(things.total, 10);
    EXPECT_EQ(things.ready, 0);
    const auto rules = snap(sandbox, "rule");
    EXPECT_EQ(rules.count, 800u);
    EXPECT_EQ(rules.instances.front().resources.front(), "rule-000");
    EXPECT_EQ(rules.instances.back().resources.back(), "rule-799");
}

TEST_F(OrchestratorSandboxTest, TheIdsWidenWhenTheCountNeedsIt)
{
    OrchestratorSandbox sandbox(options(3, 1500));
    EXPECT_EQ(*sandbox.runIn("thing", "thing-00002"), "thing-2");  // 10 instances of 1
    EXPECT_TRUE(sandbox.runIn("rule", "rule-1499").ok());
    EXPECT_FALSE(sandbox.runIn("rule", "rule-999").ok());
    EXPECT_TRUE(sandbox.runIn("rule", "rule-0999").ok());
}

TEST_F(OrchestratorSandboxTest, WithoutAnOrchestrationNothingIsPlaced)
{
    OrchestratorSandbox sandbox(options(5, 5, false));
    const auto s = snap(sandbox, "thing");
    EXPECT_EQ(s.state, OrchestrationState::NotOrchestrated);
    EXPECT_FALSE(s.parameters);
    EXPECT_FALSE(s.lastOrchestratedMs);
    EXPECT_TRUE(s.instances.empty());
    const auto where = sandbox.runIn("thing", "thing-00001");
    ASSERT_FALSE(where.ok());
    EXPECT_EQ(where.error().code, core::ErrorCode::NotFound);
    EXPECT_EQ(where.error().message, "thing 'thing-00001' is not placed on any instance");
}

TEST_F(OrchestratorSandboxTest, OrchestratingBecomesReadyWhenEveryPodRuns)
{
    OrchestratorSandbox sandbox(options());
    at(sandbox, 1999);
    auto s = snap(sandbox, "thing");
    EXPECT_EQ(s.state, OrchestrationState::Orchestrating);
    EXPECT_EQ(s.ready, 0);
    EXPECT_EQ(s.instances[0].podPhase, PodPhase::Pending);
    at(sandbox, 2000);  // podStartDelayMs: the first heartbeat
    s = snap(sandbox, "thing");
    EXPECT_EQ(s.state, OrchestrationState::Ready);
    EXPECT_EQ(s.ready, 10);
    for (const auto& i : s.instances) {
        EXPECT_EQ(i.podPhase, PodPhase::Running) << i.id;
        EXPECT_EQ(i.lastHeartbeatMs, 2000) << i.id;
    }
    EXPECT_EQ(snap(sandbox, "rule").state, OrchestrationState::Ready);
}

TEST_F(OrchestratorSandboxTest, ASecondOrchestrationOfATypeWaitsButTheOtherTypeDoesNot)
{
    OrchestratorSandbox sandbox(options(100, 100, false));
    ASSERT_TRUE(sandbox.orchestrate("thing", params(4, 10, 50)).ok());
    at(sandbox, 1000);
    const auto again = sandbox.orchestrate("thing", params(5, 10, 50));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, core::ErrorCode::FailedPrecondition);
    EXPECT_EQ(again.error().message, "an orchestration of thing is already running");
    EXPECT_EQ(snap(sandbox, "thing").instances.size(), 4u) << "the refused one changed nothing";
    const auto rules = sandbox.orchestrate("rule", params(3, 10, 50));
    ASSERT_TRUE(rules.ok()) << rules.error().message;
    EXPECT_EQ(rules->state, OrchestrationState::Orchestrating);
    at(sandbox, 2000);
    EXPECT_EQ(snap(sandbox, "thing").state, OrchestrationState::Ready);
    EXPECT_EQ(snap(sandbox, "rule").state, OrchestrationState::Orchestrating);
    const auto more = sandbox.orchestrate("thing", params(6, 10, 50));
    ASSERT_TRUE(more.ok()) << more.error().message;
    EXPECT_EQ(more->state, OrchestrationState::Orchestrating);  // thing-4, thing-5 start
    EXPECT_EQ(more->ready, 4);
    EXPECT_EQ(more->total, 6);
}

TEST_F(OrchestratorSandboxTest, AReOrchestrationWithoutNewInstancesIsReadyAtOnce)
{
    OrchestratorSandbox sandbox(options(100, 100, false));
    ASSERT_TRUE(sandbox.orchestrate("thing", params(4, 10, 50)).ok());
    at(sandbox, 2000);
    const auto same = sandbox.orchestrate("thing", params(3, 10, 50));
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->state, OrchestrationState::Ready);
    EXPECT_EQ(same->total, 3);
}

TEST_F(OrchestratorSandboxTest, InvalidParametersAndTooManyInstancesChangeNothing)
{
    OrchestratorSandbox sandbox(options(5000, 10, false));
    auto refused = sandbox.orchestrate("thing", params(1, 2, 10));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, core::ErrorCode::InvalidArgument);
    EXPECT_EQ(refused.error().message, "maxInstances must be between 3 and 100, got 2");
    refused = sandbox.orchestrate("thing", params(1, 100, 10));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, core::ErrorCode::InvalidArgument);
    EXPECT_EQ(refused.error().message, "require instances more than the max: 501/100");
    EXPECT_EQ(snap(sandbox, "thing").state, OrchestrationState::NotOrchestrated);
}

TEST_F(OrchestratorSandboxTest, ASilentInstanceIsRecreatedAfterItsWindowAndNotBefore)
{
    OrchestratorSandbox sandbox(options());
    at(sandbox, 2000);  // every pod Running, heartbeats at 2 s, 32 s, 62 s, …
    at(sandbox, 10'000);
    const std::string before = instance(snap(sandbox, "thing"), "thing-3").podName;
    ASSERT_TRUE(sandbox.silenceInstance("thing", "thing-3").ok());
    // Its last heartbeat was at 2 s: the window closes at 92 s.
    for (double t = 11'000; t <= 92'000; t += 1000)
        EXPECT_TRUE(at(sandbox, t).empty()) << "at " << t;
    auto silent = instance(snap(sandbox, "thing"), "thing-3");
    EXPECT_EQ(silent.podName, before);
    EXPECT_EQ(silent.podPhase, PodPhase::Running);
    EXPECT_EQ(silent.recreations, 0);
    const int reloads = silent.reloadTimes;

    const auto events = at(sandbox, 92'001);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, core::OrchestratorEvent::Kind::RecreatedSilent);
    EXPECT_EQ(events[0].instanceId, "thing-3");
    const auto recreated = instance(snap(sandbox, "thing"), "thing-3");
    EXPECT_NE(recreated.podName, before);
    EXPECT_EQ(recreated.podPhase, PodPhase::Pending);
    EXPECT_EQ(recreated.recreations, 1);
    EXPECT_EQ(recreated.reloadTimes, reloads + 1);
    EXPECT_EQ(instance(snap(sandbox, "thing"), "thing-2").recreations, 0);

    // The new pod is not silenced: it starts and keeps its window.
    at(sandbox, 94'001);
    EXPECT_EQ(instance(snap(sandbox, "thing"), "thing-3").podPhase, PodPhase::Running);
    EXPECT_TRUE(at(sandbox, 600'000).empty());
    EXPECT_EQ(instance(snap(sandbox, "thing"), "thing-3").recreations, 1);
}

TEST_F(OrchestratorSandboxTest, ALongJumpRecreatesNoInstanceThatHeartbeats)
{
    OrchestratorSandbox sandbox(options());
    EXPECT_TRUE(at(sandbox, 3'600'000).empty());
    for (const auto& i : snap(sandbox, "thing").instances) {
        EXPECT_EQ(i.recreations, 0) << i.id;
        EXPECT_LT(3'600'000 - i.lastHeartbeatMs, 30'001) << i.id;
    }
}

TEST_F(OrchestratorSandboxTest, AnEndedPodIsRecreatedByTheMonitorWithinAMinute)
{
    for (const PodPhase phase : {PodPhase::Failed, PodPhase::Succeeded, PodPhase::Unknown}) {
        m_now = 0;
        OrchestratorSandbox sandbox(options());
        at(sandbox, 61'000);
        const std::string before = instance(snap(sandbox, "rule"), "rule-2").podName;
        ASSERT_TRUE(sandbox.setPodPhase("rule", "rule-2", phase).ok());
        EXPECT_EQ(instance(snap(sandbox, "rule"), "rule-2").podPhase, phase);
        double recreatedAt = 0;
        for (double t = 61'500; t <= 200'000 && recreatedAt == 0; t += 500) {
            for (const auto& event : at(sandbox, t)) {
                EXPECT_EQ(event.kind, core::OrchestratorEvent::Kind::RecreatedPodFailed);
                EXPECT_EQ(event.instanceId, "rule-2");
                recreatedAt = t;
            }
        }
        ASSERT_GT(recreatedAt, 0) << core::toString(phase);
        EXPECT_LE(recreatedAt - 61'000, 60'000) << core::toString(phase);
        const auto recreated = instance(snap(sandbox, "rule"), "rule-2");
        EXPECT_NE(recreated.podName, before);
        EXPECT_EQ(recreated.recreations, 1);
        EXPECT_EQ(recreated.podPhase, PodPhase::Pending);
        at(sandbox, recreatedAt + 2000);
        EXPECT_EQ(instance(snap(sandbox, "rule"), "rule-2").podPhase, PodPhase::Running);
    }
}

TEST_F(OrchestratorSandboxTest, OnlyEndedPhasesCanBeInjected)
{
    OrchestratorSandbox sandbox(options(10, 10));
    for (const PodPhase phase : {PodPhase::Running, PodPhase::Pending}) {
        const auto set = sandbox.setPodPhase("thing", "thing-0", phase);
        ASSERT_FALSE(set.ok());
        EXPECT_EQ(set.error().code, core::ErrorCode::InvalidArgument);
    }
    const auto unknown = sandbox.setPodPhase("thing", "thing-77", PodPhase::Failed);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, core::ErrorCode::NotFound);
    EXPECT_EQ(unknown.error().message, "unknown instance 'thing-77' of thing");
    EXPECT_EQ(sandbox.silenceInstance("thing", "rule-0").error().code, core::ErrorCode::NotFound);
}

TEST_F(OrchestratorSandboxTest, EveryReloadIncrementsTheInstancesCounter)
{
    OrchestratorSandbox sandbox(options(10, 10, false));
    // 10 / 5 + 1 = 3 instances of 5: [5, 5, 0].
    ASSERT_TRUE(sandbox.orchestrate("thing", params(1, 3, 5)).ok());
    auto s = snap(sandbox, "thing");
    for (const auto& i : s.instances)
        EXPECT_EQ(i.reloadTimes, 1) << i.id;
    at(sandbox, 2000);

    ASSERT_EQ(*sandbox.addResource("thing", "lamp-1"), "thing-2");  // the last with room
    s = snap(sandbox, "thing");
    EXPECT_EQ(instance(s, "thing-2").reloadTimes, 2);
    EXPECT_EQ(instance(s, "thing-1").reloadTimes, 1);
    EXPECT_EQ(s.count, 11u);

    ASSERT_EQ(*sandbox.removeResource("thing", "thing-00001"), "thing-0");
    s = snap(sandbox, "thing");
    EXPECT_EQ(instance(s, "thing-0").reloadTimes, 2);
    EXPECT_EQ(instance(s, "thing-0").resources.size(), 4u);
    EXPECT_EQ(s.count, 10u);
    EXPECT_FALSE(sandbox.runIn("thing", "thing-00001").ok());

    ASSERT_TRUE(sandbox.orchestrate("thing", params(1, 3, 5)).ok());
    s = snap(sandbox, "thing");
    EXPECT_EQ(instance(s, "thing-0").reloadTimes, 3);
    EXPECT_EQ(instance(s, "thing-2").reloadTimes, 3);

    ASSERT_TRUE(sandbox.setPodPhase("thing", "thing-1", PodPhase::Failed).ok());
    at(sandbox, 61'000);
    EXPECT_EQ(instance(snap(sandbox, "thing"), "thing-1").reloadTimes, 3);
    EXPECT_EQ(instance(snap(sandbox, "thing"), "thing-1").recreations, 1);
}

TEST_F(OrchestratorSandboxTest, ARefusedAddLeavesTheStoreAsItWas)
{
    OrchestratorSandbox sandbox(options(10, 10, false));
    ASSERT_TRUE(sandbox.orchestrate("thing", params(1, 3, 5)).ok());
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(sandbox.addResource("thing", "lamp-" + std::to_string(i)).ok());
    const auto full = sandbox.addResource("thing", "lamp-5");
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().code, core::ErrorCode::FailedPrecondition);
    EXPECT_EQ(snap(sandbox, "thing").count, 15u);
    EXPECT_EQ(sandbox.runIn("thing", "lamp-5").error().message, "unknown thing 'lamp-5'");

    const auto twice = sandbox.addResource("thing", "lamp-0");
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().code, core::ErrorCode::AlreadyExists);
    EXPECT_EQ(twice.error().message, "thing 'lamp-0' already exists");
    for (const char* bad : {"", "a b", "x/y", "ü"}) {
        const auto added = sandbox.addResource("thing", bad);
        ASSERT_FALSE(added.ok()) << bad;
        EXPECT_EQ(added.error().code, core::ErrorCode::InvalidArgument) << bad;
    }
    EXPECT_FALSE(sandbox.addResource("thing", std::string(254, 'a')).ok());
    EXPECT_TRUE(sandbox.removeResource("thing", "lamp-4").ok());
    EXPECT_TRUE(sandbox.addResource("thing", std::string(253, 'a')).ok());
    EXPECT_EQ(snap(sandbox, "thing").count, 15u);
    EXPECT_EQ(sandbox.removeResource("thing", "nope").error().code, core::ErrorCode::NotFound);
}

TEST_F(OrchestratorSandboxTest, AnAddBeforeAnyOrchestrationIsStoredUnplaced)
{
    OrchestratorSandbox sandbox(options(1, 1, false));
    const auto added = sandbox.addResource("rule", "rule-x");
    ASSERT_TRUE(added.ok());
    EXPECT_TRUE(added->empty());
    EXPECT_EQ(sandbox.runIn("rule", "rule-x").error().message,
              "rule 'rule-x' is not placed on any instance");
    EXPECT_EQ(*sandbox.removeResource("rule", "rule-x"), "");
}

TEST_F(OrchestratorSandboxTest, AnUnknownTypeIsNotFound)
{
    OrchestratorSandbox sandbox(options(1, 1));
    const auto s = sandbox.snapshot("device");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, core::ErrorCode::NotFound);
    EXPECT_EQ(s.error().message, "unknown resource type 'device' (known: rule, thing)");
    EXPECT_FALSE(sandbox.snapshot("Thing").ok()) << "types are lower case";
    EXPECT_FALSE(sandbox.orchestrate("x", {}).ok());
    EXPECT_FALSE(sandbox.addResource("x", "a").ok());
}

TEST_F(OrchestratorSandboxTest, VirtualTimesMapOntoTheWallClockFromTheEpoch)
{
    OrchestratorSandbox sandbox(options(1, 1));
    EXPECT_EQ(sandbox.toUnixMs(0), 1'700'000'000'000);
    EXPECT_EQ(sandbox.toUnixMs(1234.4), 1'700'000'001'234);
}

TEST_F(OrchestratorSandboxTest, TheTickerAdvancesOnItsOwnAndStopsPromptly)
{
    std::atomic<int> reads{0};
    auto o = options(10, 10);
    o.clock = [&] {
        ++reads;
        return m_now.load();
    };
    o.tickPeriod = std::chrono::milliseconds(5);
    OrchestratorSandbox sandbox(o);
    sandbox.start();
    m_now = 2000;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (reads < 20 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_GE(reads.load(), 20) << "the ticker reads the clock on every tick";
    sandbox.stop();
    EXPECT_EQ(snap(sandbox, "thing").state, OrchestrationState::Ready);

    auto slow = options(1, 1);
    slow.tickPeriod = std::chrono::hours(1);
    OrchestratorSandbox idle(slow);
    idle.start();
    const auto before = std::chrono::steady_clock::now();
    idle.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(1));
}

}  // namespace
}  // namespace concord::controller
