// UpdateService end to end over real gRPC: plan, start and watch CV, BF and
// WF updates of auth-service to retirement on the live sandbox; bad requests;
// abort; history with pages.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "tst_api_fixture.h"

namespace concord::controller {
namespace {

using google::protobuf::util::TimeUtil;
using testing::ApiStack;
using testing::kOperatorToken;
using testing::kViewerToken;

std::vector<v1::UpdatePhase> expectedPhases(v1::UpdateStrategy strategy)
{
    using namespace v1;
    switch (strategy) {
        case UPDATE_STRATEGY_CV:
            return {UPDATE_PHASE_INITIAL,
                    UPDATE_PHASE_DEPLOY,
                    UPDATE_PHASE_PIN,
                    UPDATE_PHASE_SWITCH_DEFAULT,
                    UPDATE_PHASE_BLOCK_AND_LOCK,
                    UPDATE_PHASE_SYNC_AND_DIFF,
                    UPDATE_PHASE_DRAIN,
                    UPDATE_PHASE_RETIRE};
        case UPDATE_STRATEGY_BF:
            return {UPDATE_PHASE_INITIAL,        UPDATE_PHASE_DEPLOY,        UPDATE_PHASE_PIN,
                    UPDATE_PHASE_BLOCK_AND_LOCK, UPDATE_PHASE_SYNC_AND_DIFF, UPDATE_PHASE_DRAIN,
                    UPDATE_PHASE_SWITCH_DEFAULT, UPDATE_PHASE_RETIRE};
        case UPDATE_STRATEGY_WF:
            return {UPDATE_PHASE_INITIAL,       UPDATE_PHASE_DEPLOY, UPDATE_PHASE_PIN,
                    UPDATE_PHASE_SYNC_AND_DIFF, UPDATE_PHASE_DRAIN,  UPDATE_PHASE_RETIRE};
        default:
            return {};
    }
}

v1::PlanUpdateRequest planRequest(v1::UpdateStrategy strategy, const std::string& target = "v2")
{
    v1::PlanUpdateRequest request;
    request.set_service("auth-service");
    request.set_target_version(target);
    request.set_strategy(strategy);
    return request;
}

v1::StartUpdateRequest startRequest(v1::UpdateStrategy strategy, const std::string& target = "v2")
{
    v1::StartUpdateRequest request;
    request.set_service("auth-service");
    request.set_target_version(target);
    request.set_strategy(strategy);
    return request;
}

// Every message of a WatchUpdate stream until it ends, and its status.
std::vector<v1::UpdateProgress> watchToEnd(const ApiStack& stack, const std::string& id,
                                           grpc::Status* status)
{
    v1::WatchUpdateRequest request;
    request.set_update_id(id);
    auto ctx = ApiStack::context(kViewerToken, 30000);
    auto reader = stack.updates()->WatchUpdate(ctx.get(), request);
    std::vector<v1::UpdateProgress> messages;
    v1::UpdateProgress progress;
    while (reader->Read(&progress)) {
        messages.push_back(progress);
    }
    *status = reader->Finish();
    return messages;
}

class ApiUpdateStrategy : public ::testing::TestWithParam<v1::UpdateStrategy>
{
};

TEST_P(ApiUpdateStrategy, PlanStartWatchToRetirement)
{
    const v1::UpdateStrategy strategy = GetParam();
    // WF waits for a moment when no transaction holds v1; at the example's 40
    // transactions per second (about 80 in flight) that moment hardly comes.
    ApiStack stack(testing::fastOptions(), 20, strategy == v1::UPDATE_STRATEGY_WF ? 2000 : 0);
    ASSERT_TRUE(stack.ok());
    const auto updates = stack.updates();

    v1::PlanUpdateResponse plan;
    grpc::Status status =
        updates->PlanUpdate(ApiStack::context(kViewerToken).get(), planRequest(strategy), &plan);
    ASSERT_TRUE(status.ok()) << status.error_message();
    std::vector<v1::UpdatePhase> planned;
    for (const v1::PlanPhase& phase : plan.plan().phases()) {
        planned.push_back(phase.phase());
        EXPECT_FALSE(phase.description().empty());
        EXPECT_NE(phase.rules_yaml().find("kind: VirtualService"), std::string::npos);
    }
    EXPECT_EQ(planned, expectedPhases(strategy));
    EXPECT_EQ(plan.plan().from_version(), "v1");
    EXPECT_EQ(plan.plan().target_version(), "v2");
    EXPECT_FALSE(plan.plan().phases(0).rules_changed());

    v1::StartUpdateResponse started;
    status = updates->StartUpdate(ApiStack::context().get(), startRequest(strategy), &started);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const std::string id = started.update_id();
    ASSERT_FALSE(id.empty());

    // One update per service.
    v1::StartUpdateResponse second;
    status = updates->StartUpdate(ApiStack::context().get(), startRequest(strategy), &second);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
    v1::ListUpdatesResponse listed;
    ASSERT_TRUE(updates->ListUpdates(ApiStack::context(kViewerToken).get(), {}, &listed).ok());
    ASSERT_EQ(listed.updates_size(), 1);
    EXPECT_EQ(listed.updates(0).update_id(), id);
    EXPECT_EQ(listed.updates(0).requested_by(), "alice");

    const std::vector<v1::UpdateProgress> messages = watchToEnd(stack, id, &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_GE(messages.size(), 2U);  // the first at once, the last terminal
    const v1::UpdateProgress& last = messages.back();
    EXPECT_EQ(last.state(), v1::UPDATE_STATE_COMPLETED) << last.message();
    EXPECT_EQ(last.inconsistent_transactions(), 0U);
    EXPECT_EQ(last.diff_set_size(), 0U);
    EXPECT_EQ(last.update_id(), id);
    EXPECT_EQ(last.strategy(), strategy);

    // Every phase the plan lists, entered in that order.
    std::vector<v1::UpdatePhase> entered;
    for (const v1::PhaseTiming& timing : last.phase_timings()) {
        entered.push_back(timing.phase());
        EXPECT_TRUE(timing.has_left_at() || timing.phase() == v1::UPDATE_PHASE_RETIRE);
    }
    EXPECT_EQ(entered, planned);
    // The messages move forward through the plan, never back.
    std::size_t at = 0;
    std::uint64_t maxDiff = 0;
    std::uint64_t previousDiff = UINT64_MAX;
    for (const v1::UpdateProgress& p : messages) {
        const auto it = std::find(planned.begin(), planned.end(), p.phase());
        ASSERT_NE(it, planned.end()) << v1::UpdatePhase_Name(p.phase());
        const auto index = static_cast<std::size_t>(it - planned.begin());
        EXPECT_GE(index, at) << v1::UpdatePhase_Name(p.phase());
        at = index;
        EXPECT_EQ(p.inconsistent_transactions(), 0U);
        if (p.phase() == v1::UPDATE_PHASE_DRAIN) {
            maxDiff = std::max(maxDiff, p.diff_set_size());
            if (strategy != v1::UPDATE_STRATEGY_WF) {  // WF's sets stay open: ids may join
                EXPECT_LE(p.diff_set_size(), previousDiff) << "the DiffSet only shrinks";
            }
            previousDiff = p.diff_set_size();
        }
    }
    if (strategy != v1::UPDATE_STRATEGY_WF) {
        EXPECT_GT(maxDiff, 0U) << "the old version had transactions in flight to drain";
    }
    const auto span =
        TimeUtil::DurationToMilliseconds(last.observed_at() - messages.front().observed_at());
    EXPECT_LE(messages.size(), static_cast<std::size_t>(span / 100 + 3))
        << "at most one message per ~100 ms over " << span << " ms";

    // Afterwards: history, the tree, and a watch of the finished update.
    v1::GetHistoryResponse history;
    ASSERT_TRUE(updates->GetHistory(ApiStack::context(kViewerToken).get(), {}, &history).ok());
    ASSERT_EQ(history.updates_size(), 1);
    EXPECT_EQ(history.updates(0).update_id(), id);
    EXPECT_EQ(history.updates(0).state(), v1::UPDATE_STATE_COMPLETED);
    EXPECT_EQ(history.updates(0).requested_by(), "alice");
    EXPECT_TRUE(history.updates(0).has_finished_at());
    EXPECT_EQ(history.updates(0).metrics().inconsistent_transactions(), 0U);
    EXPECT_TRUE(history.next_page_token().empty());
    ASSERT_TRUE(updates->ListUpdates(ApiStack::context(kViewerToken).get(), {}, &listed).ok());
    EXPECT_EQ(listed.updates_size(), 0);

    v1::GetVersionTreeRequest treeRequest;
    treeRequest.set_service("auth-service");
    v1::GetVersionTreeResponse tree;
    ASSERT_TRUE(stack.mesh()->GetVersionTree(ApiStack::context().get(), treeRequest, &tree).ok());
    ASSERT_EQ(tree.tree().versions_size(), 2);
    EXPECT_EQ(tree.tree().versions(0).state(), v1::VERSION_STATE_RETIRED);
    EXPECT_EQ(tree.tree().versions(1).state(), v1::VERSION_STATE_SERVING);

    const auto again = watchToEnd(stack, id, &status);
    ASSERT_TRUE(status.ok());
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again[0].state(), v1::UPDATE_STATE_COMPLETED);
    EXPECT_TRUE(testing::waitUntil([&] { return stack.server().openStreams() == 0; }, 2000));
}

INSTANTIATE_TEST_SUITE_P(Strategies, ApiUpdateStrategy,
                         ::testing::Values(v1::UPDATE_STRATEGY_CV, v1::UPDATE_STRATEGY_BF,
                                           v1::UPDATE_STRATEGY_WF),
                         [](const auto& info) {
                             return v1::UpdateStrategy_Name(info.param).substr(16);
                         });

// The status of one unary call, for the table below.
struct Outcome
{
    grpc::StatusCode code;
    std::string message;
};

template <typename Call>
Outcome outcome(Call&& call)
{
    const grpc::Status status = call();
    return {status.error_code(), status.error_message()};
}

void expectInvalid(const Outcome& o, const std::string& field)
{
    EXPECT_EQ(o.code, grpc::StatusCode::INVALID_ARGUMENT) << field << ": " << o.message;
    EXPECT_EQ(o.message.rfind(field + ":", 0), 0U) << "'" << o.message << "' names " << field;
}

TEST(ApiUpdate, BadRequestsNameTheFieldOrTheMissingThing)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    const auto updates = stack.updates();
    const auto plan = [&](const v1::PlanUpdateRequest& request) {
        v1::PlanUpdateResponse response;
        return outcome(
            [&] { return updates->PlanUpdate(ApiStack::context().get(), request, &response); });
    };
    v1::PlanUpdateRequest r;
    expectInvalid(plan(r), "service");
    r.set_service("auth-service");
    expectInvalid(plan(r), "target_version");
    r.set_target_version("v2");
    expectInvalid(plan(r), "strategy");
    r.set_strategy(v1::UPDATE_STRATEGY_QUIESCENCE);
    expectInvalid(plan(r), "strategy");
    r.set_strategy(static_cast<v1::UpdateStrategy>(99));
    expectInvalid(plan(r), "strategy");
    r.set_strategy(v1::UPDATE_STRATEGY_CV);
    *r.mutable_options()->mutable_straggler_ttl() = TimeUtil::MillisecondsToDuration(0);
    expectInvalid(plan(r), "options.straggler_ttl");
    r.mutable_options()->clear_straggler_ttl();
    *r.mutable_options()->mutable_timeout() = TimeUtil::MillisecondsToDuration(-1000);
    expectInvalid(plan(r), "options.timeout");
    r.mutable_options()->mutable_timeout()->set_seconds(1);
    r.mutable_options()->mutable_timeout()->set_nanos(-1);  // not a valid Duration
    expectInvalid(plan(r), "options.timeout");
    r.clear_options();
    r.set_istio_api_version(static_cast<v1::IstioApiVersion>(42));
    expectInvalid(plan(r), "istio_api_version");
    r.set_istio_api_version(v1::ISTIO_API_VERSION_V1BETA1);
    EXPECT_EQ(plan(r).code, grpc::StatusCode::OK) << plan(r).message;
    r.set_target_version("v1");
    expectInvalid(plan(r), "target_version");  // already serving
    r.set_target_version("v9");
    EXPECT_EQ(plan(r).code, grpc::StatusCode::NOT_FOUND);
    r.set_service("no-such-service");
    EXPECT_EQ(plan(r).code, grpc::StatusCode::NOT_FOUND);

    v1::StartUpdateResponse started;
    auto naive = startRequest(v1::UPDATE_STRATEGY_NAIVE);
    expectInvalid(
        outcome([&] { return updates->StartUpdate(ApiStack::context().get(), naive, &started); }),
        "naive_acknowledged");
    auto noService = startRequest(v1::UPDATE_STRATEGY_CV);
    noService.set_service("");
    expectInvalid(outcome([&] {
                      return updates->StartUpdate(ApiStack::context().get(), noService, &started);
                  }),
                  "service");

    v1::WatchUpdateRequest watch;
    for (const std::string id : {"", "no-such-update"}) {
        watch.set_update_id(id);
        auto ctx = ApiStack::context(kViewerToken);
        auto reader = updates->WatchUpdate(ctx.get(), watch);
        v1::UpdateProgress progress;
        EXPECT_FALSE(reader->Read(&progress));
        const grpc::Status status = reader->Finish();
        if (id.empty()) {
            expectInvalid({status.error_code(), status.error_message()}, "update_id");
        } else {
            EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
        }
    }

    v1::AbortUpdateRequest abort;
    v1::AbortUpdateResponse aborted;
    const auto abortCall = [&] {
        return outcome(
            [&] { return updates->AbortUpdate(ApiStack::context().get(), abort, &aborted); });
    };
    expectInvalid(abortCall(), "update_id");
    abort.set_update_id("no-such-update");
    expectInvalid(abortCall(), "reason");
    abort.set_reason("test");
    EXPECT_EQ(abortCall().code, grpc::StatusCode::NOT_FOUND);

    v1::ForceRetireRequest force;
    v1::ForceRetireResponse forced;
    const auto forceCall = [&] {
        return outcome(
            [&] { return updates->ForceRetire(ApiStack::context().get(), force, &forced); });
    };
    expectInvalid(forceCall(), "update_id");
    force.set_update_id("no-such-update");
    expectInvalid(forceCall(), "reason");
    force.set_reason("stuck");
    expectInvalid(forceCall(), "acknowledge_possible_violations");
    force.set_acknowledge_possible_violations(true);
    EXPECT_EQ(forceCall().code, grpc::StatusCode::NOT_FOUND);

    v1::GetHistoryRequest history;
    v1::GetHistoryResponse page;
    const auto historyCall = [&] {
        return outcome(
            [&] { return updates->GetHistory(ApiStack::context().get(), history, &page); });
    };
    history.set_page_size(-1);
    expectInvalid(historyCall(), "page_size");
    history.set_page_size(0);
    history.set_page_token("garbage");
    expectInvalid(historyCall(), "page_token");
    history.clear_page_token();
    *history.mutable_finished_after() = TimeUtil::SecondsToTimestamp(2'000'000'000);
    *history.mutable_finished_before() = TimeUtil::SecondsToTimestamp(1'000'000'000);
    expectInvalid(historyCall(), "finished_after");
    history.clear_finished_before();
    history.add_states(v1::UPDATE_STATE_RUNNING);
    expectInvalid(historyCall(), "states");
    EXPECT_TRUE(stack.runner().list("").empty()) << "no bad request started anything";
}

TEST(ApiUpdate, AbortRollsBackAndHistoryPages)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    const auto updates = stack.updates();
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        v1::StartUpdateResponse started;
        auto request = startRequest(v1::UPDATE_STRATEGY_CV);
        ASSERT_TRUE(updates->StartUpdate(ApiStack::context().get(), request, &started).ok());
        v1::AbortUpdateRequest abort;
        abort.set_update_id(started.update_id());
        abort.set_reason("test abort " + std::to_string(i));
        v1::AbortUpdateResponse aborted;
        const grpc::Status status =
            updates->AbortUpdate(ApiStack::context().get(), abort, &aborted);
        ASSERT_TRUE(status.ok()) << status.error_message();
        EXPECT_EQ(aborted.update().update_id(), started.update_id());
        grpc::Status watched;
        const auto messages = watchToEnd(stack, started.update_id(), &watched);
        ASSERT_TRUE(watched.ok());
        ASSERT_FALSE(messages.empty());
        EXPECT_EQ(messages.back().state(), v1::UPDATE_STATE_ABORTED) << messages.back().message();
        ids.push_back(started.update_id());
        // A finished update can be neither aborted nor force-retired.
        EXPECT_EQ(updates->AbortUpdate(ApiStack::context().get(), abort, &aborted).error_code(),
                  grpc::StatusCode::FAILED_PRECONDITION);
        v1::ForceRetireRequest force;
        force.set_update_id(started.update_id());
        force.set_reason("late");
        force.set_acknowledge_possible_violations(true);
        v1::ForceRetireResponse forced;
        EXPECT_EQ(updates->ForceRetire(ApiStack::context().get(), force, &forced).error_code(),
                  grpc::StatusCode::FAILED_PRECONDITION);
    }

    v1::GetHistoryRequest request;
    request.set_page_size(2);
    v1::GetHistoryResponse first;
    ASSERT_TRUE(updates->GetHistory(ApiStack::context(kViewerToken).get(), request, &first).ok());
    ASSERT_EQ(first.updates_size(), 2);
    EXPECT_EQ(first.updates(0).update_id(), ids[2]);  // newest first
    EXPECT_EQ(first.updates(1).update_id(), ids[1]);
    EXPECT_EQ(first.updates(0).state(), v1::UPDATE_STATE_ABORTED);
    ASSERT_FALSE(first.next_page_token().empty());
    request.set_page_token(first.next_page_token());
    v1::GetHistoryResponse second;
    ASSERT_TRUE(updates->GetHistory(ApiStack::context(kViewerToken).get(), request, &second).ok());
    ASSERT_EQ(second.updates_size(), 1);
    EXPECT_EQ(second.updates(0).update_id(), ids[0]);
    EXPECT_TRUE(second.next_page_token().empty());

    request.set_service("auth-service");  // filters changed under the token
    const grpc::Status changed =
        updates->GetHistory(ApiStack::context(kViewerToken).get(), request, &second);
    EXPECT_EQ(changed.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(changed.error_message().rfind("page_token:", 0), 0U);

    v1::GetHistoryRequest filtered;
    filtered.add_states(v1::UPDATE_STATE_COMPLETED);
    v1::GetHistoryResponse none;
    ASSERT_TRUE(updates->GetHistory(ApiStack::context(kViewerToken).get(), filtered, &none).ok());
    EXPECT_EQ(none.updates_size(), 0);
    filtered.clear_states();
    filtered.set_strategy(v1::UPDATE_STRATEGY_CV);
    filtered.set_service("auth-service");
    *filtered.mutable_finished_after() = TimeUtil::SecondsToTimestamp(1'000'000'000);
    v1::GetHistoryResponse all;
    ASSERT_TRUE(updates->GetHistory(ApiStack::context(kViewerToken).get(), filtered, &all).ok());
    EXPECT_EQ(all.updates_size(), 3);
}

TEST(ApiUpdate, AWatcherThatCancelsCostsNothing)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    const auto updates = stack.updates();
    v1::StartUpdateResponse started;
    auto request = startRequest(v1::UPDATE_STRATEGY_CV);
    ASSERT_TRUE(updates->StartUpdate(ApiStack::context().get(), request, &started).ok());
    for (int i = 0; i < 10; ++i) {
        v1::WatchUpdateRequest watch;
        watch.set_update_id(started.update_id());
        auto ctx = ApiStack::context(kViewerToken);
        auto reader = updates->WatchUpdate(ctx.get(), watch);
        v1::UpdateProgress progress;
        ASSERT_TRUE(reader->Read(&progress));
        EXPECT_EQ(progress.update_id(), started.update_id());
        ctx->TryCancel();
        while (reader->Read(&progress)) {
        }
        EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
    }
    EXPECT_TRUE(testing::waitUntil([&] { return stack.server().openStreams() == 0; }, 2000));
    // The update goes on regardless.
    grpc::Status status;
    const auto messages = watchToEnd(stack, started.update_id(), &status);
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(messages.back().state(), v1::UPDATE_STATE_COMPLETED);
}

TEST(ApiUpdate, ForceRetireInDrainRecordsPossibleViolations)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    const auto updates = stack.updates();
    auto request = startRequest(v1::UPDATE_STRATEGY_CV);
    *request.mutable_options()->mutable_straggler_ttl() = TimeUtil::MillisecondsToDuration(1);
    v1::StartUpdateResponse started;
    ASSERT_TRUE(updates->StartUpdate(ApiStack::context().get(), request, &started).ok());
    const std::string id = started.update_id();
    // Catch the update while its DiffSet still holds transactions.
    ASSERT_TRUE(testing::waitUntil(
        [&] {
            auto snapshot = stack.runner().snapshot(id);
            return snapshot && snapshot->phase == RunPhase::Drain && snapshot->diffSetSize > 0;
        },
        10000));
    v1::ForceRetireRequest force;
    force.set_update_id(id);
    force.set_reason("stragglers will not finish");
    force.set_acknowledge_possible_violations(true);
    v1::ForceRetireResponse forced;
    const grpc::Status status = updates->ForceRetire(ApiStack::context().get(), force, &forced);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_GT(forced.possible_violations(), 0U);

    grpc::Status watched;
    const auto messages = watchToEnd(stack, id, &watched);
    ASSERT_TRUE(watched.ok());
    ASSERT_FALSE(messages.empty());
    EXPECT_EQ(messages.back().state(), v1::UPDATE_STATE_FORCE_RETIRED) << messages.back().message();
    v1::GetHistoryRequest history;
    history.add_states(v1::UPDATE_STATE_FORCE_RETIRED);
    v1::GetHistoryResponse page;
    ASSERT_TRUE(updates->GetHistory(ApiStack::context(kViewerToken).get(), history, &page).ok());
    ASSERT_EQ(page.updates_size(), 1);
    EXPECT_EQ(page.updates(0).metrics().possible_violations(), forced.possible_violations());
}

}  // namespace
}  // namespace concord::controller
