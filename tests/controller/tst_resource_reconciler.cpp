// The Resource reconciler against the real SandboxDriver: with time standing
// still (passes driven by the test) and with the simulation running (its own
// thread, probes leaving Pending on the virtual clock).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "controller/resource_reconciler.h"
#include "controller/sandbox_driver.h"
#include "sandbox/topology.h"

namespace concord::controller {
namespace {

using core::ConditionStatus;
using core::ConditionType;
using core::ProbePhase;

std::unique_ptr<SandboxDriver> makeDriver(double probeStartDelayMs = 1500, double speed = 20)
{
    auto topology = sandbox::loadTopologyFile(CONCORD_TOPOLOGY_DIR "/example.yaml");
    EXPECT_TRUE(topology.ok());
    SandboxDriverOptions options;
    options.topology = std::move(*topology);
    options.speed = speed;
    options.probeStartDelayMs = probeStartDelayMs;
    return std::make_unique<SandboxDriver>(std::move(options));
}

core::ResourceSpec purifier(const std::string& id, bool enabled = true)
{
    core::ResourceSpec spec;
    spec.id = id;
    spec.kind = "AirPurifier";
    spec.space.room = "lobby";
    spec.probe.image = "example/probe:1.0";
    spec.probe.args = {"--interval", "10s"};
    spec.probeEnabled = enabled;
    return spec;
}

ConditionStatus statusOf(const core::Resource& r, ConditionType type)
{
    const core::Condition* c = core::findCondition(r.status, type);
    return c == nullptr ? ConditionStatus::Unknown : c->status;
}

std::string reasonOf(const core::Resource& r, ConditionType type)
{
    const core::Condition* c = core::findCondition(r.status, type);
    return c == nullptr ? "" : c->reason;
}

bool waitFor(const std::function<bool()>& done, int wallMs = 3000)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wallMs);
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

// The states one Resource went through, from the store's history.
std::vector<core::Resource> historyOf(const ResourceStore& store, const std::string& id)
{
    std::vector<ResourceChange> changes;
    std::uint64_t after = 0;
    while (store.changesAfter(after, 1000, changes) == ResourceStore::Read::Changes) {
        after = changes.back().version;
    }
    std::vector<core::Resource> out;
    for (const ResourceChange& change : changes) {
        if (change.resource->spec.id == id) {
            out.push_back(*change.resource);
        }
    }
    return out;
}

// Available after Progressing in `states` (each as True), in that order.
bool progressingThenAvailable(const std::vector<core::Resource>& states, std::size_t from = 0)
{
    bool progressing = false;
    for (std::size_t i = from; i < states.size(); ++i) {
        if (statusOf(states[i], ConditionType::Progressing) == ConditionStatus::True) {
            progressing = true;
        } else if (progressing &&
                   statusOf(states[i], ConditionType::Available) == ConditionStatus::True) {
            return true;
        }
    }
    return false;
}

TEST(ResourceReconciler, WithTimeStandingStillAnEnabledProbeIsAvailableAtOnce)
{
    auto driver = makeDriver();
    ResourceStore store;
    ResourceReconciler reconciler(store, *driver);
    ASSERT_TRUE(store.create(purifier("purifier-1")).ok());
    reconciler.reconcilePending();

    const auto probe = driver->probe("purifier-1-probe");
    ASSERT_TRUE(probe.has_value());
    EXPECT_EQ(probe->phase, ProbePhase::Running);
    EXPECT_EQ(probe->ownerId, "purifier-1");
    const std::string hash = core::probeSpecHash(purifier("purifier-1").probe);
    EXPECT_EQ(probe->specHash, hash);

    const ResourcePtr r = store.get("purifier-1");
    ASSERT_EQ(r->status.conditions.size(), 3u);
    EXPECT_EQ(r->status.conditions[0].type, ConditionType::Available);
    EXPECT_EQ(r->status.conditions[1].type, ConditionType::Progressing);
    EXPECT_EQ(r->status.conditions[2].type, ConditionType::Degraded);
    EXPECT_EQ(statusOf(*r, ConditionType::Available), ConditionStatus::True);
    EXPECT_EQ(reasonOf(*r, ConditionType::Available), "ProbeRunning");
    EXPECT_EQ(statusOf(*r, ConditionType::Progressing), ConditionStatus::False);
    EXPECT_EQ(statusOf(*r, ConditionType::Degraded), ConditionStatus::False);
    EXPECT_EQ(r->status.observedGeneration, 1);
    EXPECT_EQ(r->status.probe.name, "purifier-1-probe");
    EXPECT_EQ(r->status.probe.phase, ProbePhase::Running);
    EXPECT_EQ(r->status.probe.specHash, hash);
    EXPECT_EQ(r->generation, 1);
}

TEST(ResourceReconciler, DisablingRemovesTheProbeAndSaysProbeDisabled)
{
    auto driver = makeDriver();
    ResourceStore store;
    ResourceReconciler reconciler(store, *driver);
    ASSERT_TRUE(store.create(purifier("purifier-1")).ok());
    reconciler.reconcilePending();
    ASSERT_TRUE(driver->probe("purifier-1-probe").has_value());

    ASSERT_TRUE(store.setProbeEnabled("purifier-1", false).ok());
    reconciler.reconcilePending();
    EXPECT_FALSE(driver->probe("purifier-1-probe").has_value());
    const ResourcePtr r = store.get("purifier-1");
    EXPECT_EQ(r->status.observedGeneration, 2);
    for (const core::Condition& c : r->status.conditions) {
        EXPECT_EQ(c.status, ConditionStatus::False) << core::toString(c.type);
        EXPECT_EQ(c.reason, "ProbeDisabled");
    }
    EXPECT_EQ(r->status.probe, core::ProbeDeploymentStatus{});
}

TEST(ResourceReconciler, AnUnchangedStatusIsNotRewritten)
{
    auto driver = makeDriver();
    ResourceStore store;
    ResourceReconciler reconciler(store, *driver);
    ASSERT_TRUE(store.create(purifier("purifier-1")).ok());
    ASSERT_TRUE(store.create(purifier("purifier-2", false)).ok());
    reconciler.reconcilePending();
    const std::uint64_t version = store.version();
    const std::uint64_t writes = reconciler.statusWrites();
    EXPECT_EQ(writes, 2u);
    reconciler.reconcileAll();
    reconciler.reconcilePending();
    reconciler.reconcileAll();
    EXPECT_EQ(store.version(), version);
    EXPECT_EQ(reconciler.statusWrites(), writes);
    EXPECT_EQ(store.get("purifier-1")->resourceVersion, 3u);
}

TEST(ResourceReconciler, ADeletedResourceLosesItsProbeAndOrphansAreRemoved)
{
    auto driver = makeDriver();
    ResourceStore store;
    ResourceReconciler reconciler(store, *driver);
    ASSERT_TRUE(store.create(purifier("purifier-1")).ok());
    reconciler.reconcilePending();
    ASSERT_TRUE(store.remove("purifier-1").ok());
    reconciler.reconcilePending();
    EXPECT_FALSE(driver->probe("purifier-1-probe").has_value());

    // A probe whose owner is gone (e.g. deleted while the daemon was down).
    ASSERT_TRUE(
        driver->ensureProbe({"ghost-probe", "ghost", "h", "example/probe:1.0", {}, {}}).ok());
    reconciler.reconcileAll();
    EXPECT_TRUE(driver->listProbes().empty());
}

TEST(ResourceReconciler, ACrashloopImageIsDegradedWithItsMessage)
{
    auto driver = makeDriver();
    ResourceStore store;
    ResourceReconciler reconciler(store, *driver);
    core::ResourceSpec spec = purifier("purifier-1");
    spec.probe.image = "example/probe:crashloop";
    ASSERT_TRUE(store.create(spec).ok());
    reconciler.reconcilePending();
    const ResourcePtr r = store.get("purifier-1");
    EXPECT_EQ(statusOf(*r, ConditionType::Available), ConditionStatus::False);
    EXPECT_EQ(statusOf(*r, ConditionType::Progressing), ConditionStatus::False);
    EXPECT_EQ(statusOf(*r, ConditionType::Degraded), ConditionStatus::True);
    EXPECT_EQ(reasonOf(*r, ConditionType::Degraded), "ProbeFailed");
    const core::Condition* degraded = core::findCondition(r->status, ConditionType::Degraded);
    EXPECT_NE(degraded->message.find("CrashLoopBackOff"), std::string::npos);
    EXPECT_EQ(r->status.probe.phase, ProbePhase::Failed);
    EXPECT_EQ(r->status.probe.message, degraded->message);
}

TEST(ResourceReconciler, ATransitionTimeMovesOnlyWithItsConditionsStatus)
{
    auto driver = makeDriver();
    ResourceStore store;
    std::atomic<std::int64_t> now{1000};
    ResourceReconcilerOptions options;
    options.clock = [&now] { return now.load(); };
    ResourceReconciler reconciler(store, *driver, options);
    ASSERT_TRUE(store.create(purifier("purifier-1")).ok());
    reconciler.reconcilePending();
    now = 2000;
    ASSERT_TRUE(store.setProbeEnabled("purifier-1", false).ok());
    reconciler.reconcilePending();
    const ResourcePtr r = store.get("purifier-1");
    const auto at = [&](ConditionType type) {
        return core::findCondition(r->status, type)->lastTransitionUnixMs;
    };
    EXPECT_EQ(at(ConditionType::Available), 2000) << "True → False";
    EXPECT_EQ(at(ConditionType::Progressing), 1000) << "False → False, new reason";
    EXPECT_EQ(at(ConditionType::Degraded), 1000);
    EXPECT_EQ(reasonOf(*r, ConditionType::Progressing), "ProbeDisabled");
}

// --- with the simulation running: 1500 virtual ms at speed 20 = 75 wall ms

class LiveReconciler : public ::testing::Test
{
protected:
    void SetUp() override
    {
        driver = makeDriver(1500, 20);
        driver->startTraffic();
        ResourceReconcilerOptions options;
        options.resyncInterval = std::chrono::milliseconds(60'000);  // changes only
        reconciler = std::make_unique<ResourceReconciler>(store, *driver, options);
        reconciler->start();
    }
    void TearDown() override
    {
        reconciler.reset();
        driver->stop();
    }

    bool waitForCondition(const std::string& id, ConditionType type, ConditionStatus status,
                          const std::string& hash = {})
    {
        return waitFor([&] {
            const ResourcePtr r = store.get(id);
            return r && statusOf(*r, type) == status &&
                   (hash.empty() || r->status.probe.specHash == hash);
        });
    }

    ResourceStore store;
    std::unique_ptr<SandboxDriver> driver;
    std::unique_ptr<ResourceReconciler> reconciler;
};

TEST_F(LiveReconciler, EnablingIsProgressingThenAvailable)
{
    ASSERT_TRUE(store.create(purifier("purifier-1", false)).ok());
    ASSERT_TRUE(waitForCondition("purifier-1", ConditionType::Available, ConditionStatus::False));
    ASSERT_TRUE(store.setProbeEnabled("purifier-1", true).ok());
    ASSERT_TRUE(waitForCondition("purifier-1", ConditionType::Available, ConditionStatus::True));
    const std::vector<core::Resource> states = historyOf(store, "purifier-1");
    EXPECT_TRUE(progressingThenAvailable(states));
    const ResourcePtr r = store.get("purifier-1");
    EXPECT_EQ(r->status.observedGeneration, 2);
    EXPECT_EQ(r->status.probe.phase, ProbePhase::Running);
    // Pending was reported on its way: a Progressing state names the probe Pending.
    const bool sawPending = std::any_of(states.begin(), states.end(), [](const auto& s) {
        return s.status.probe.phase == ProbePhase::Pending &&
               reasonOf(s, ConditionType::Progressing) == "ProbeDeploying";
    });
    EXPECT_TRUE(sawPending);
}

TEST_F(LiveReconciler, AChangedImageRollsTheProbeToTheNewHash)
{
    ASSERT_TRUE(store.create(purifier("purifier-1")).ok());
    const std::string oldHash = core::probeSpecHash(purifier("purifier-1").probe);
    ASSERT_TRUE(
        waitForCondition("purifier-1", ConditionType::Available, ConditionStatus::True, oldHash));
    const std::size_t before = historyOf(store, "purifier-1").size();

    core::ResourceSpec next = purifier("purifier-1");
    next.probe.image = "example/probe:2.0";
    const std::string newHash = core::probeSpecHash(next.probe);
    ASSERT_NE(newHash, oldHash);
    ASSERT_TRUE(store.updateSpec(next).ok());
    ASSERT_TRUE(
        waitForCondition("purifier-1", ConditionType::Available, ConditionStatus::True, newHash));
    EXPECT_TRUE(progressingThenAvailable(historyOf(store, "purifier-1"), before));
    EXPECT_EQ(driver->probe("purifier-1-probe")->specHash, newHash);
    EXPECT_EQ(store.get("purifier-1")->status.observedGeneration, 2);
}

TEST_F(LiveReconciler, AnInjectedFailureShowsAsDegradedPromptly)
{
    ASSERT_TRUE(store.create(purifier("purifier-1")).ok());
    ASSERT_TRUE(waitForCondition("purifier-1", ConditionType::Available, ConditionStatus::True));
    const auto injected = std::chrono::steady_clock::now();
    ASSERT_TRUE(driver->injectProbeFailure("purifier-1-probe", "OOMKilled").ok());
    ASSERT_TRUE(waitForCondition("purifier-1", ConditionType::Degraded, ConditionStatus::True));
    const auto latency = std::chrono::steady_clock::now() - injected;
    EXPECT_LT(latency, std::chrono::milliseconds(500));  // ~ms; generous for sanitizers
    const ResourcePtr r = store.get("purifier-1");
    EXPECT_EQ(statusOf(*r, ConditionType::Available), ConditionStatus::False);
    EXPECT_EQ(core::findCondition(r->status, ConditionType::Degraded)->message, "OOMKilled");
    EXPECT_EQ(driver->injectProbeFailure("nope", "x").error().code, core::ErrorCode::NotFound);
}

TEST_F(LiveReconciler, ACrashloopProbeProgressesThenDegrades)
{
    core::ResourceSpec spec = purifier("purifier-1");
    spec.probe.image = "example/probe:crashloop";
    ASSERT_TRUE(store.create(spec).ok());
    ASSERT_TRUE(waitForCondition("purifier-1", ConditionType::Degraded, ConditionStatus::True));
    const std::vector<core::Resource> states = historyOf(store, "purifier-1");
    ASSERT_GE(states.size(), 3u);  // added, Progressing, Degraded
    EXPECT_EQ(statusOf(states[1], ConditionType::Progressing), ConditionStatus::True);
    EXPECT_EQ(statusOf(states.back(), ConditionType::Progressing), ConditionStatus::False);
}

TEST_F(LiveReconciler, DeletingRemovesTheProbe)
{
    ASSERT_TRUE(store.create(purifier("purifier-1")).ok());
    ASSERT_TRUE(waitFor([&] { return driver->probe("purifier-1-probe").has_value(); }));
    ASSERT_TRUE(store.remove("purifier-1").ok());
    EXPECT_TRUE(waitFor([&] { return !driver->probe("purifier-1-probe").has_value(); }));
}

}  // namespace
}  // namespace concord::controller
