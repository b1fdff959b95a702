// Simulated probe Deployments: the lifecycle on a clock the test holds.
#include <gtest/gtest.h>

#include "sandbox/probe_deployments.h"

namespace concord::sandbox {
namespace {

using core::ProbePhase;

ProbeDeploymentRequest request(const std::string& hash, const std::string& image = "ex/probe:1")
{
    return ProbeDeploymentRequest{"lamp-1-probe", "lamp-1", hash, image};
}

TEST(ProbeDeployments, PendingUntilTheStartDelayThenRunning)
{
    ProbeDeployments probes({1500});
    EXPECT_TRUE(probes.apply(request("h1"), 1000));
    const ProbeDeployment* d = probes.get("lamp-1-probe");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->phase, ProbePhase::Pending);
    EXPECT_EQ(d->ownerId, "lamp-1");
    EXPECT_EQ(d->specHash, "h1");
    EXPECT_EQ(d->rollouts, 1u);
    EXPECT_EQ(probes.nextTransitionMs(), 2500);

    EXPECT_TRUE(probes.advance(2499).empty());
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Pending);
    EXPECT_EQ(probes.advance(2500), std::vector<std::string>{"lamp-1-probe"});
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Running);
    EXPECT_EQ(probes.nextTransitionMs(), std::nullopt);
    EXPECT_TRUE(probes.advance(10'000).empty());
}

TEST(ProbeDeployments, TheSameSpecIsANoOpAndANewHashRollsAndRestartsTheDelay)
{
    ProbeDeployments probes({1500});
    probes.apply(request("h1"), 0);
    probes.advance(1500);
    EXPECT_FALSE(probes.apply(request("h1"), 2000));  // idempotent
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Running);
    EXPECT_EQ(probes.get("lamp-1-probe")->rollouts, 1u);

    EXPECT_TRUE(probes.apply(request("h2", "ex/probe:2"), 3000));
    const ProbeDeployment* d = probes.get("lamp-1-probe");
    EXPECT_EQ(d->phase, ProbePhase::Pending);
    EXPECT_EQ(d->specHash, "h2");
    EXPECT_EQ(d->image, "ex/probe:2");
    EXPECT_EQ(d->rollouts, 2u);
    EXPECT_EQ(d->rolledAtMs, 3000);
    probes.advance(4000);
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Pending);

    // A second roll while pending restarts the delay from the new roll.
    probes.apply(request("h3"), 4200);
    probes.advance(4600);
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Pending);
    probes.advance(5700);
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Running);
    EXPECT_EQ(probes.get("lamp-1-probe")->specHash, "h3");
}

TEST(ProbeDeployments, AnInjectedFailureStaysUntilTheSpecChanges)
{
    ProbeDeployments probes({100});
    probes.apply(request("h1"), 0);
    probes.advance(100);
    EXPECT_TRUE(probes.injectFailure("lamp-1-probe", "ImagePullBackOff"));
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Failed);
    EXPECT_EQ(probes.get("lamp-1-probe")->message, "ImagePullBackOff");
    EXPECT_FALSE(probes.apply(request("h1"), 200));
    probes.advance(1000);
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Failed);
    EXPECT_FALSE(probes.injectFailure("nope", "x"));

    probes.apply(request("h2"), 1000);
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Pending);
    EXPECT_TRUE(probes.get("lamp-1-probe")->message.empty());
    probes.advance(1100);
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Running);
}

TEST(ProbeDeployments, ACrashloopImageFailsAfterTheDelay)
{
    ProbeDeployments probes({1500});
    probes.apply(request("h1", "example/probe:crashloop"), 0);
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Pending);
    probes.advance(1500);
    const ProbeDeployment* d = probes.get("lamp-1-probe");
    EXPECT_EQ(d->phase, ProbePhase::Failed);
    EXPECT_NE(d->message.find("CrashLoopBackOff"), std::string::npos) << d->message;
    EXPECT_NE(d->message.find("example/probe:crashloop"), std::string::npos) << d->message;

    EXPECT_TRUE(isCrashLoopImage("crashloop:crashloop"));
    EXPECT_TRUE(isCrashLoopImage("registry.local:5000/team/probe:crashloop"));
    EXPECT_FALSE(isCrashLoopImage("registry.local:5000/crashloop"));  // a port, not a tag
    EXPECT_FALSE(isCrashLoopImage("example/crashloop:1.0"));
    EXPECT_FALSE(isCrashLoopImage("example/probe:crashloop@sha256:0123"));
    EXPECT_FALSE(isCrashLoopImage("example/probe:crashloops"));
    EXPECT_FALSE(isCrashLoopImage(""));
}

TEST(ProbeDeployments, ZeroDelayLeavesPendingAtOnce)
{
    ProbeDeployments probes({1500});
    probes.apply(request("h1"), 50, 0.0);
    EXPECT_EQ(probes.get("lamp-1-probe")->phase, ProbePhase::Running);
    probes.apply({"p2-probe", "p2", "h", "x/y:crashloop"}, 50, 0.0);
    EXPECT_EQ(probes.get("p2-probe")->phase, ProbePhase::Failed);
    EXPECT_EQ(probes.nextTransitionMs(), std::nullopt);
}

TEST(ProbeDeployments, RemoveListAndTheEarliestDueTime)
{
    ProbeDeployments probes({1000});
    probes.apply({"b-probe", "b", "h", "i:1"}, 300);
    probes.apply({"a-probe", "a", "h", "i:1"}, 100);
    probes.apply({"c-probe", "c", "h", "i:1"}, 200);
    EXPECT_EQ(probes.size(), 3u);
    EXPECT_EQ(probes.nextTransitionMs(), 1100);
    const std::vector<ProbeDeployment> all = probes.list();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].name, "a-probe");
    EXPECT_EQ(all[2].name, "c-probe");

    EXPECT_TRUE(probes.remove("a-probe"));
    EXPECT_FALSE(probes.remove("a-probe"));
    EXPECT_EQ(probes.get("a-probe"), nullptr);
    EXPECT_EQ(probes.nextTransitionMs(), 1200);
    EXPECT_EQ(probes.advance(1300), (std::vector<std::string>{"b-probe", "c-probe"}));
}

}  // namespace
}  // namespace concord::sandbox
