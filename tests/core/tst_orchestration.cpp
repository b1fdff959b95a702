#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "core/orchestration.h"

namespace concord::core {
namespace {

using Kind = OrchestratorEvent::Kind;

OrchestrationParameters params(int init, int max, int perInstance)
{
    return OrchestrationParameters{init, max, perInstance};
}

std::vector<std::string> thingIds(int count, int first = 0)
{
    std::vector<std::string> ids;
    for (int i = first; i < first + count; ++i) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "thing-%05d", i);
        ids.emplace_back(buffer);
    }
    return ids;
}

std::string errorOf(const Status& status)
{
    return status.ok() ? std::string("<ok>") : status.error().message;
}

std::vector<std::size_t> usedOf(const Orchestrator& o)
{
    std::vector<std::size_t> used;
    for (const OrchestratorInstance& instance : o.instances()) {
        used.push_back(instance.resources.size());
    }
    return used;
}

std::vector<int> reloadsOf(const Orchestrator& o)
{
    std::vector<int> reloads;
    for (const OrchestratorInstance& instance : o.instances()) {
        reloads.push_back(instance.reloadTimes);
    }
    return reloads;
}

auto fields(const OrchestratorInstance& i)
{
    return std::tie(i.id, i.resources, i.capacity, i.reloadTimes, i.lastHeartbeatMs, i.podPhase,
                    i.podName, i.recreations);
}

void expectSameInstances(const std::vector<OrchestratorInstance>& a,
                         const std::vector<OrchestratorInstance>& b)
{
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t n = 0; n < a.size(); ++n) {
        EXPECT_TRUE(fields(a[n]) == fields(b[n])) << "instance " << n;
    }
}

void heartbeatAll(Orchestrator& o, double nowMs)
{
    for (const OrchestratorInstance& instance : o.instances()) {
        ASSERT_TRUE(o.heartbeat(instance.id, nowMs).ok());
    }
}

// --- validateParameters -------------------------------------------------------

void expectInvalid(const OrchestrationParameters& p, const std::string& message)
{
    const Status status = validateParameters(p);
    ASSERT_FALSE(status.ok()) << message;
    EXPECT_EQ(status.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(status.error().message, message);
}

TEST(ValidateParameters, DefaultsAreValid)
{
    EXPECT_TRUE(validateParameters(OrchestrationParameters{}).ok());
}

TEST(ValidateParameters, MaxInstancesBoundaries)
{
    expectInvalid(params(1, 2, 10), "maxInstances must be between 3 and 100, got 2");
    EXPECT_TRUE(validateParameters(params(1, 3, 10)).ok());
    EXPECT_TRUE(validateParameters(params(1, 100, 10)).ok());
    expectInvalid(params(1, 101, 10), "maxInstances must be between 3 and 100, got 101");
}

TEST(ValidateParameters, ResourcePerInstanceBoundaries)
{
    expectInvalid(params(1, 10, 0), "resourcePerInstance must be between 1 and 5000, got 0");
    EXPECT_TRUE(validateParameters(params(1, 10, 1)).ok());
    EXPECT_TRUE(validateParameters(params(1, 10, 5000)).ok());
    expectInvalid(params(1, 10, 5001), "resourcePerInstance must be between 1 and 5000, got 5001");
    expectInvalid(params(1, 10, -3), "resourcePerInstance must be between 1 and 5000, got -3");
}

TEST(ValidateParameters, InitInstancesBoundaries)
{
    expectInvalid(params(0, 20, 10),
                  "initInstances must be between 1 and maxInstances (20), got 0");
    EXPECT_TRUE(validateParameters(params(1, 20, 10)).ok());
    EXPECT_TRUE(validateParameters(params(20, 20, 10)).ok());  // init = max
    expectInvalid(params(21, 20, 10),
                  "initInstances must be between 1 and maxInstances (20), got 21");
    expectInvalid(params(30, 20, 10),
                  "initInstances must be between 1 and maxInstances (20), got 30");
}

TEST(ValidateParameters, NamesTheFirstBadField)
{
    expectInvalid(params(0, 2, 0), "maxInstances must be between 3 and 100, got 2");
    expectInvalid(params(0, 50, 0), "resourcePerInstance must be between 1 and 5000, got 0");
}

// --- planOrchestration --------------------------------------------------------

OrchestrationPlan planOf(std::uint64_t count, const OrchestrationParameters& p)
{
    Result<OrchestrationPlan> plan = planOrchestration(count, p);
    EXPECT_TRUE(plan.ok()) << plan.error().message;
    return plan.ok() ? *plan : OrchestrationPlan{};
}

TEST(PlanOrchestration, CountZeroGetsOneInstanceOrInit)
{
    const OrchestrationPlan one = planOf(0, params(1, 10, 100));
    EXPECT_EQ(one.instances, 1);
    EXPECT_EQ(one.resourcePerInstance, 100);
    const OrchestrationPlan init = planOf(0, params(10, 10, 100));
    EXPECT_EQ(init.instances, 10);
    EXPECT_EQ(init.resourcePerInstance, 1);  // floor(0 / 10) + 1
}

TEST(PlanOrchestration, FormulaBetweenMultiples)
{
    const OrchestrationPlan plan = planOf(1050, params(1, 100, 100));
    EXPECT_EQ(plan.instances, 11);
    EXPECT_EQ(plan.resourcePerInstance, 100);
}

TEST(PlanOrchestration, ExactMultipleKeepsASpareInstance)
{
    const OrchestrationPlan plan = planOf(1000, params(1, 100, 100));
    EXPECT_EQ(plan.instances, 11);  // 10 full + 1 empty, room for new resources
    EXPECT_EQ(plan.resourcePerInstance, 100);
    EXPECT_EQ(planOf(100, params(1, 10, 100)).instances, 2);
    EXPECT_EQ(planOf(99, params(1, 10, 100)).instances, 1);
}

TEST(PlanOrchestration, BelowInitAdjustsResourcePerInstance)
{
    // The API document's example: 1000 things, 10 init, 1000 per instance.
    const OrchestrationPlan plan = planOf(1000, params(10, 100, 1000));
    EXPECT_EQ(plan.instances, 10);
    EXPECT_EQ(plan.resourcePerInstance, 101);
    const OrchestrationPlan exact = planOf(50, params(5, 10, 100));
    EXPECT_EQ(exact.instances, 5);
    EXPECT_EQ(exact.resourcePerInstance, 11);
}

TEST(PlanOrchestration, AtInitIsNotAdjusted)
{
    const OrchestrationPlan plan = planOf(450, params(5, 10, 100));  // 4 + 1 = 5 = init
    EXPECT_EQ(plan.instances, 5);
    EXPECT_EQ(plan.resourcePerInstance, 100);
}

TEST(PlanOrchestration, AboveMaxIsAnErrorWithTheExactText)
{
    EXPECT_EQ(planOf(9999, params(1, 100, 100)).instances, 100);  // = max: fine
    const Result<OrchestrationPlan> plan = planOrchestration(10000, params(1, 100, 100));
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().code, ErrorCode::FailedPrecondition);
    EXPECT_EQ(plan.error().message, "require instances more than the max: 101/100");
    EXPECT_EQ(planOrchestration(50, params(1, 3, 10)).error().message,
              "require instances more than the max: 6/3");
}

TEST(PlanOrchestration, HugeCountDoesNotOverflow)
{
    const Result<OrchestrationPlan> plan =
        planOrchestration(std::numeric_limits<std::uint64_t>::max(), params(1, 100, 1));
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().message,
              "require instances more than the max: 18446744073709551616/100");
}

TEST(PlanOrchestration, ValidatesFirst)
{
    const Result<OrchestrationPlan> plan = planOrchestration(10, params(1, 2, 10));
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(plan.error().message, "maxInstances must be between 3 and 100, got 2");
}

TEST(PlanOrchestration, EveryPlanHoldsItsResourcesWithinTheLimits)
{
    for (std::uint64_t count : {0, 1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 4999, 5000}) {
        for (int init : {1, 3, 10}) {
            for (int perInstance : {1, 7, 100, 5000}) {
                const OrchestrationParameters p = params(init, 10, perInstance);
                const Result<OrchestrationPlan> plan = planOrchestration(count, p);
                if (!plan.ok()) {
                    EXPECT_GT(count / static_cast<std::uint64_t>(perInstance) + 1, 10u);
                    continue;
                }
                EXPECT_GE(plan->instances, init);
                EXPECT_LE(plan->instances, 10);
                EXPECT_LE(plan->resourcePerInstance, perInstance);
                EXPECT_GT(static_cast<std::uint64_t>(plan->instances) *
                              static_cast<std::uint64_t>(plan->resourcePerInstance),
                          count)
                    << count << " " << init << " " << perInstance;
            }
        }
    }
}

TEST(PlanOrchestration, BenchmarkShape)
{
    const OrchestrationPlan plan = planOf(100'000, params(10, 100, 1001));
    EXPECT_EQ(plan.instances, 100);
    EXPECT_EQ(plan.resourcePerInstance, 1001);
}

// --- assignResources ----------------------------------------------------------

std::vector<std::size_t> shape(const std::vector<std::vector<std::string>>& buckets)
{
    std::vector<std::size_t> sizes;
    for (const auto& bucket : buckets) {
        sizes.push_back(bucket.size());
    }
    return sizes;
}

TEST(AssignResources, FillsTheFirstInstancesFirstInOrder)
{
    const std::vector<std::string> ids = thingIds(10);
    const auto buckets = assignResources(ids, OrchestrationPlan{4, 3});
    EXPECT_EQ(shape(buckets), (std::vector<std::size_t>{3, 3, 3, 1}));
    std::vector<std::string> flat;
    for (const auto& bucket : buckets) {
        flat.insert(flat.end(), bucket.begin(), bucket.end());
    }
    EXPECT_EQ(flat, ids);
    EXPECT_EQ(buckets[1].front(), "thing-00003");
}

TEST(AssignResources, TrailingInstancesMayBeEmpty)
{
    EXPECT_EQ(shape(assignResources(thingIds(5), OrchestrationPlan{4, 3})),
              (std::vector<std::size_t>{3, 2, 0, 0}));
    EXPECT_EQ(shape(assignResources(thingIds(6), OrchestrationPlan{3, 3})),
              (std::vector<std::size_t>{3, 3, 0}));
    EXPECT_EQ(shape(assignResources({}, OrchestrationPlan{2, 3})),
              (std::vector<std::size_t>{0, 0}));
}

TEST(AssignResources, AdjustedPlanSpreadsEvenly)
{
    const std::vector<std::string> ids = thingIds(1000);
    const Result<OrchestrationPlan> plan = planOrchestration(ids.size(), params(10, 100, 1000));
    ASSERT_TRUE(plan.ok());
    const auto buckets = assignResources(ids, *plan);
    EXPECT_EQ(shape(buckets),
              (std::vector<std::size_t>{101, 101, 101, 101, 101, 101, 101, 101, 101, 91}));
}

TEST(AssignResources, ATooSmallHandMadePlanLosesNothing)
{
    EXPECT_EQ(shape(assignResources(thingIds(7), OrchestrationPlan{2, 3})),
              (std::vector<std::size_t>{3, 4}));
}

TEST(PodPhase, ToString)
{
    EXPECT_EQ(toString(PodPhase::Pending), "Pending");
    EXPECT_EQ(toString(PodPhase::Running), "Running");
    EXPECT_EQ(toString(PodPhase::Succeeded), "Succeeded");
    EXPECT_EQ(toString(PodPhase::Failed), "Failed");
    EXPECT_EQ(toString(PodPhase::Unknown), "Unknown");
}

// --- Orchestrator: orchestrate ------------------------------------------------

TEST(Orchestrator, StartsNotOrchestrated)
{
    Orchestrator o("Thing");
    EXPECT_EQ(o.resourceType(), "Thing");
    EXPECT_TRUE(o.instances().empty());
    EXPECT_EQ(o.resourceCount(), 0u);
    EXPECT_FALSE(o.runIn("thing-00000").has_value());
    const Result<std::string> added = o.addResource("thing-00000", 0);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().code, ErrorCode::FailedPrecondition);
    EXPECT_TRUE(o.tick(1e9).empty());
    EXPECT_TRUE(o.instances().empty());
}

TEST(Orchestrator, OrchestrateBuildsTheInstances)
{
    Orchestrator o("Thing");
    const std::vector<std::string> ids = thingIds(10);
    ASSERT_TRUE(o.orchestrate(ids, params(1, 10, 4), 5000).ok());
    EXPECT_EQ(o.resourceCount(), 10u);
    EXPECT_EQ(o.lastOrchestratedMs(), 5000);
    EXPECT_EQ(o.parameters().resourcePerInstance, 4);
    ASSERT_EQ(o.instances().size(), 3u);
    EXPECT_EQ(usedOf(o), (std::vector<std::size_t>{4, 4, 2}));
    for (std::size_t n = 0; n < 3; ++n) {
        const OrchestratorInstance& instance = o.instances()[n];
        EXPECT_EQ(instance.id, "thing-" + std::to_string(n));
        EXPECT_EQ(instance.podName, instance.id + "-1");
        EXPECT_EQ(instance.podPhase, PodPhase::Pending);
        EXPECT_EQ(instance.lastHeartbeatMs, 5000);
        EXPECT_EQ(instance.capacity, 4);
        EXPECT_EQ(instance.reloadTimes, 1);
        EXPECT_EQ(instance.recreations, 0);
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
        EXPECT_EQ(o.runIn(ids[i]), "thing-" + std::to_string(i / 4));
    }
    EXPECT_FALSE(o.runIn("thing-99999").has_value());
}

TEST(Orchestrator, InstanceIdsUseTheLowerCaseType)
{
    Orchestrator o("Rule");
    ASSERT_TRUE(o.orchestrate({"r1"}, params(3, 3, 10), 0).ok());
    EXPECT_EQ(o.instances()[2].id, "rule-2");
    EXPECT_EQ(o.instances()[2].podName, "rule-2-1");
    EXPECT_EQ(o.runIn("r1"), "rule-0");
}

TEST(Orchestrator, CapacityIsTheAdjustedResourcePerInstance)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(50), params(5, 10, 100), 0).ok());
    ASSERT_EQ(o.instances().size(), 5u);
    EXPECT_EQ(o.instances()[0].capacity, 11);
    EXPECT_EQ(usedOf(o), (std::vector<std::size_t>{11, 11, 11, 11, 6}));
}

TEST(Orchestrator, ReorchestrationKeepsInstanceIdsAndPods)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(5), params(3, 10, 10), 0).ok());
    heartbeatAll(o, 1000);
    ASSERT_TRUE(o.orchestrate(thingIds(45), params(1, 10, 10), 2000).ok());
    ASSERT_EQ(o.instances().size(), 5u);
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{2, 2, 2, 1, 1}));
    EXPECT_EQ(o.instances()[0].podName, "thing-0-1");
    EXPECT_EQ(o.instances()[0].podPhase, PodPhase::Running);
    EXPECT_EQ(o.instances()[0].lastHeartbeatMs, 1000);
    EXPECT_EQ(o.instances()[4].podPhase, PodPhase::Pending);
    EXPECT_EQ(o.instances()[4].lastHeartbeatMs, 2000);
    EXPECT_EQ(o.runIn("thing-00044"), "thing-4");

    // Shrinking removes the surplus; growing again starts a new pod generation.
    ASSERT_TRUE(o.orchestrate(thingIds(5), params(1, 10, 10), 3000).ok());
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{3}));
    EXPECT_FALSE(o.runIn("thing-00044").has_value());
    EXPECT_EQ(o.resourceCount(), 5u);
    ASSERT_TRUE(o.orchestrate(thingIds(5), params(3, 10, 10), 4000).ok());
    EXPECT_EQ(o.instances()[1].podName, "thing-1-2");
    EXPECT_EQ(o.instances()[1].reloadTimes, 1);
}

TEST(Orchestrator, OrchestrateErrorsLeaveTheStateUnchanged)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(20), params(2, 10, 10), 100).ok());
    heartbeatAll(o, 200);
    const std::vector<OrchestratorInstance> before = o.instances();

    const Status invalid = o.orchestrate(thingIds(20), params(1, 2, 10), 300);
    EXPECT_EQ(errorOf(invalid), "maxInstances must be between 3 and 100, got 2");
    const Status tooMany = o.orchestrate(thingIds(100), params(1, 10, 10), 300);
    EXPECT_EQ(errorOf(tooMany), "require instances more than the max: 11/10");
    std::vector<std::string> duplicated = thingIds(5);
    duplicated.push_back("thing-00002");
    EXPECT_EQ(errorOf(o.orchestrate(duplicated, params(1, 10, 10), 300)),
              "duplicate thing id 'thing-00002'");
    EXPECT_EQ(errorOf(o.orchestrate({"a", ""}, params(1, 10, 10), 300)),
              "thing ids must not be empty");

    expectSameInstances(o.instances(), before);
    EXPECT_EQ(o.resourceCount(), 20u);
    EXPECT_EQ(o.lastOrchestratedMs(), 100);
    EXPECT_EQ(o.parameters().initInstances, 2);
    EXPECT_EQ(o.runIn("thing-00019"), "thing-1");
    EXPECT_FALSE(o.runIn("thing-00100").has_value());
}

TEST(Orchestrator, AFailedFirstOrchestrationLeavesItNotOrchestrated)
{
    Orchestrator o("Thing");
    EXPECT_FALSE(o.orchestrate(thingIds(5), params(1, 200, 10), 0).ok());
    EXPECT_TRUE(o.instances().empty());
    EXPECT_FALSE(o.addResource("x", 0).ok());
}

// --- Orchestrator: add and remove ---------------------------------------------

TEST(Orchestrator, NewResourceGoesToTheLastInstanceWithRoom)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(5), params(1, 10, 3), 0).ok());
    ASSERT_EQ(usedOf(o), (std::vector<std::size_t>{3, 2}));
    const Result<std::string> added = o.addResource("new-1", 10);
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(*added, "thing-1");
    EXPECT_EQ(o.runIn("new-1"), "thing-1");
    EXPECT_EQ(o.instances()[1].resources.back(), "new-1");
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{1, 2}));
    EXPECT_EQ(o.resourceCount(), 6u);
}

TEST(Orchestrator, NewResourceStartsANewInstanceWhenAllAreFull)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(6), params(1, 10, 3), 0).ok());
    ASSERT_TRUE(o.addResource("new-1", 10).ok());  // into the spare thing-2
    ASSERT_TRUE(o.addResource("new-2", 20).ok());
    ASSERT_TRUE(o.addResource("new-3", 30).ok());
    ASSERT_EQ(usedOf(o), (std::vector<std::size_t>{3, 3, 3}));
    const Result<std::string> added = o.addResource("new-4", 40);
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(*added, "thing-3");
    ASSERT_EQ(o.instances().size(), 4u);
    const OrchestratorInstance& fresh = o.instances()[3];
    EXPECT_EQ(fresh.resources, (std::vector<std::string>{"new-4"}));
    EXPECT_EQ(fresh.capacity, 3);
    EXPECT_EQ(fresh.podName, "thing-3-1");
    EXPECT_EQ(fresh.podPhase, PodPhase::Pending);
    EXPECT_EQ(fresh.lastHeartbeatMs, 40);
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{1, 1, 4, 1}));
}

TEST(Orchestrator, LastWithRoomMeansTheHighestIndexNotTheFirst)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(7), params(1, 10, 3), 0).ok());
    ASSERT_EQ(usedOf(o), (std::vector<std::size_t>{3, 3, 1}));
    ASSERT_TRUE(o.removeResource("thing-00000").ok());
    EXPECT_EQ(*o.addResource("a", 0), "thing-2");  // not thing-0, which has room too
    EXPECT_EQ(*o.addResource("b", 0), "thing-2");
    EXPECT_EQ(*o.addResource("c", 0), "thing-0");  // thing-2 and thing-1 are full
    EXPECT_EQ(usedOf(o), (std::vector<std::size_t>{3, 3, 3}));
    EXPECT_EQ(o.instances()[0].resources,
              (std::vector<std::string>{"thing-00001", "thing-00002", "c"}));
}

TEST(Orchestrator, NewResourceAtMaxInstancesIsAnError)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(2), params(1, 3, 1), 0).ok());
    ASSERT_EQ(usedOf(o), (std::vector<std::size_t>{1, 1, 0}));
    ASSERT_TRUE(o.addResource("a", 0).ok());
    const std::vector<OrchestratorInstance> before = o.instances();
    const Result<std::string> added = o.addResource("b", 0);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().code, ErrorCode::FailedPrecondition);
    EXPECT_EQ(added.error().message,
              "no room for thing 'b': all 3 instances are full and maxInstances is 3");
    expectSameInstances(o.instances(), before);
    EXPECT_FALSE(o.runIn("b").has_value());
    EXPECT_EQ(o.resourceCount(), 3u);
}

TEST(Orchestrator, AddingAPlacedResourceIsAlreadyExists)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(5), params(1, 10, 3), 0).ok());
    const Result<std::string> added = o.addResource("thing-00004", 0);
    ASSERT_FALSE(added.ok());
    EXPECT_EQ(added.error().code, ErrorCode::AlreadyExists);
    EXPECT_EQ(added.error().message, "thing 'thing-00004' is already placed on thing-1");
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{1, 1}));
    EXPECT_EQ(o.addResource("", 0).error().code, ErrorCode::InvalidArgument);
}

TEST(Orchestrator, RemoveTakesItOffItsInstance)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(5), params(1, 10, 3), 0).ok());
    ASSERT_TRUE(o.removeResource("thing-00001").ok());
    EXPECT_FALSE(o.runIn("thing-00001").has_value());
    EXPECT_EQ(o.instances()[0].resources, (std::vector<std::string>{"thing-00000", "thing-00002"}));
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{2, 1}));
    EXPECT_EQ(o.resourceCount(), 4u);

    const Status again = o.removeResource("thing-00001");
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::NotFound);
    EXPECT_EQ(again.error().message, "thing 'thing-00001' is not placed on any instance");
    EXPECT_EQ(o.removeResource("nope").error().code, ErrorCode::NotFound);
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{2, 1}));

    EXPECT_EQ(*o.addResource("thing-00001", 0), "thing-1");  // re-added, at the end
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{2, 2}));
}

// --- Orchestrator: heartbeats, pod phases, tick -------------------------------

TEST(Orchestrator, HeartbeatMakesAPendingPodRunning)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(1), params(3, 10, 10), 0).ok());
    ASSERT_TRUE(o.heartbeat("thing-1", 500).ok());
    EXPECT_EQ(o.instances()[1].podPhase, PodPhase::Running);
    EXPECT_EQ(o.instances()[1].lastHeartbeatMs, 500);
    EXPECT_EQ(o.instances()[0].podPhase, PodPhase::Pending);
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{1, 1, 1}));  // a heartbeat is not a reload

    ASSERT_TRUE(o.setPodPhase("thing-2", PodPhase::Failed).ok());
    ASSERT_TRUE(o.heartbeat("thing-2", 600).ok());
    EXPECT_EQ(o.instances()[2].podPhase, PodPhase::Failed);  // only Pending becomes Running
}

TEST(Orchestrator, UnknownInstanceIdsAreNotFound)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(1), params(3, 10, 10), 0).ok());
    for (const char* id : {"thing-3", "thing-03", "thing-", "thing", "rule-0", "", "thing-x",
                           "thing-1-1", "thing--1", "thing-18446744073709551616"}) {
        const Status status = o.heartbeat(id, 1);
        ASSERT_FALSE(status.ok()) << id;
        EXPECT_EQ(status.error().code, ErrorCode::NotFound) << id;
        EXPECT_EQ(o.setPodPhase(id, PodPhase::Failed).error().code, ErrorCode::NotFound) << id;
    }
    EXPECT_EQ(errorOf(o.heartbeat("thing-3", 1)), "no instance 'thing-3' of thing");
    for (const OrchestratorInstance& instance : o.instances()) {
        EXPECT_EQ(instance.podPhase, PodPhase::Pending);
    }
}

TEST(Orchestrator, SilentInstanceIsRecreatedJustAfterTheWindow)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(4), params(2, 10, 10), 0).ok());
    heartbeatAll(o, 0);
    EXPECT_TRUE(o.tick(90'000).empty());  // exactly 90 s: still within the window
    EXPECT_EQ(o.instances()[0].podName, "thing-0-1");

    const std::vector<OrchestratorEvent> events = o.tick(90'000.5);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, Kind::RecreatedSilent);
    EXPECT_EQ(events[0].instanceId, "thing-0");
    EXPECT_EQ(events[1].instanceId, "thing-1");
    EXPECT_EQ(events[0].message,
              "no heartbeat for 90001 ms (window 90000 ms): recreated pod thing-0-1 as thing-0-2");
    for (const OrchestratorInstance& instance : o.instances()) {
        EXPECT_EQ(instance.podName, instance.id + "-2");
        EXPECT_EQ(instance.podPhase, PodPhase::Pending);
        EXPECT_EQ(instance.lastHeartbeatMs, 90'000.5);
        EXPECT_EQ(instance.recreations, 1);
        EXPECT_EQ(instance.reloadTimes, 2);
    }
    EXPECT_EQ(o.instances()[0].resources, thingIds(3));  // keeps its resources
    EXPECT_EQ(o.runIn("thing-00003"), "thing-1");
    EXPECT_TRUE(o.tick(90'001).empty());  // the fresh heartbeat holds
}

TEST(Orchestrator, HeartbeatingInstanceIsNeverRecreated)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(1), params(2, 10, 10), 0).ok());
    std::vector<double> silentRecreations;
    for (double t = 30'000; t <= 600'000; t += 30'000) {
        ASSERT_TRUE(o.heartbeat("thing-0", t).ok());
        for (const OrchestratorEvent& event : o.tick(t)) {
            EXPECT_EQ(event.instanceId, "thing-1");
            EXPECT_EQ(event.kind, Kind::RecreatedSilent);
            silentRecreations.push_back(t);
        }
    }
    EXPECT_EQ(o.instances()[0].recreations, 0);
    EXPECT_EQ(o.instances()[0].reloadTimes, 1);
    EXPECT_EQ(o.instances()[0].podPhase, PodPhase::Running);
    // thing-1 never reports: more than 90 s silent at 120 s, then every 120 s.
    EXPECT_EQ(silentRecreations,
              (std::vector<double>{120'000, 240'000, 360'000, 480'000, 600'000}));
    EXPECT_EQ(o.instances()[1].recreations, 5);
    EXPECT_EQ(o.instances()[1].reloadTimes, 6);
    EXPECT_EQ(o.instances()[1].podName, "thing-1-6");
}

// Five instances, heartbeating at `t`, in each phase.
void setUpPhases(Orchestrator& o, double t)
{
    heartbeatAll(o, t);
    ASSERT_TRUE(o.setPodPhase("thing-1", PodPhase::Pending).ok());
    ASSERT_TRUE(o.setPodPhase("thing-2", PodPhase::Succeeded).ok());
    ASSERT_TRUE(o.setPodPhase("thing-3", PodPhase::Failed).ok());
    ASSERT_TRUE(o.setPodPhase("thing-4", PodPhase::Unknown).ok());
}

TEST(Orchestrator, MonitorRecreatesFinishedPodsEveryPeriod)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(5), params(5, 10, 10), 1000).ok());
    setUpPhases(o, 1000);
    EXPECT_TRUE(o.tick(60'999).empty());  // the first period ends at 61 s
    EXPECT_EQ(o.instances()[3].podPhase, PodPhase::Failed);

    const std::vector<OrchestratorEvent> events = o.tick(61'000);
    ASSERT_EQ(events.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(events[i].kind, Kind::RecreatedPodFailed);
        EXPECT_EQ(events[i].instanceId, "thing-" + std::to_string(i + 2));
    }
    EXPECT_EQ(events[1].message, "pod thing-3-1 is Failed: recreated as thing-3-2");
    EXPECT_EQ(o.instances()[0].podPhase, PodPhase::Running);
    EXPECT_EQ(o.instances()[1].podPhase, PodPhase::Pending);
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{1, 1, 2, 2, 2}));
    for (std::size_t n = 2; n < 5; ++n) {
        EXPECT_EQ(o.instances()[n].podPhase, PodPhase::Pending);
        EXPECT_EQ(o.instances()[n].recreations, 1);
        EXPECT_EQ(o.instances()[n].lastHeartbeatMs, 61'000);
    }

    // The next run is a full period later, not on every tick in between.
    heartbeatAll(o, 61'000);
    ASSERT_TRUE(o.setPodPhase("thing-0", PodPhase::Failed).ok());
    EXPECT_TRUE(o.tick(61'001).empty());
    EXPECT_TRUE(o.tick(120'999).empty());
    const std::vector<OrchestratorEvent> next = o.tick(121'000);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].instanceId, "thing-0");
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{2, 1, 2, 2, 2}));
}

TEST(Orchestrator, MonitorEpochsCountFromTheFirstOrchestration)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(5), params(5, 10, 10), 0).ok());
    ASSERT_TRUE(o.orchestrate(thingIds(5), params(5, 10, 10), 50'000).ok());
    setUpPhases(o, 50'000);
    EXPECT_TRUE(o.tick(59'999).empty());
    EXPECT_EQ(o.tick(60'000).size(), 3u);  // not 110 s: re-orchestrating keeps the epochs
}

TEST(Orchestrator, ABigJumpRecreatesEachInstanceOnceAndKeepsTheEpochs)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(5), params(5, 10, 10), 0).ok());
    setUpPhases(o, 0);
    // 630 s in one tick: every instance is silent, and the failed ones are
    // recreated once (as silent), not again by the monitor.
    const std::vector<OrchestratorEvent> events = o.tick(630'000);
    ASSERT_EQ(events.size(), 5u);
    for (const OrchestratorEvent& event : events) {
        EXPECT_EQ(event.kind, Kind::RecreatedSilent);
    }
    EXPECT_EQ(reloadsOf(o), (std::vector<int>{2, 2, 2, 2, 2}));

    // The monitor ran once at the 600 s epoch; its next run is at 660 s.
    heartbeatAll(o, 630'000);
    ASSERT_TRUE(o.setPodPhase("thing-4", PodPhase::Unknown).ok());
    EXPECT_TRUE(o.tick(659'999).empty());
    const std::vector<OrchestratorEvent> next = o.tick(660'000);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].kind, Kind::RecreatedPodFailed);
    EXPECT_EQ(next[0].instanceId, "thing-4");
}

TEST(Orchestrator, RecreatedPodNamesAreNeverReused)
{
    Orchestrator o("Thing");
    ASSERT_TRUE(o.orchestrate(thingIds(1), params(3, 10, 10), 0).ok());
    ASSERT_EQ(o.tick(100'000).size(), 3u);
    EXPECT_EQ(o.instances()[2].podName, "thing-2-2");
    ASSERT_TRUE(o.orchestrate(thingIds(1), params(1, 10, 10), 100'000).ok());
    ASSERT_TRUE(o.orchestrate(thingIds(1), params(3, 10, 10), 100'000).ok());
    EXPECT_EQ(o.instances()[2].podName, "thing-2-3");
    EXPECT_EQ(o.instances()[2].recreations, 0);  // a new instance, not a recreation
}

}  // namespace
}  // namespace concord::core
