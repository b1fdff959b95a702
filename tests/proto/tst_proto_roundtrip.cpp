// The generated Concord API over a real gRPC server on loopback: generation,
// linking, metadata, status codes, a unary rpc and a server stream.
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "concord/v1/update.grpc.pb.h"

namespace concord::v1 {
namespace {

using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;

constexpr const char* kToken = "Bearer s3cret";

// What the fake streams for "upd-1": the DiffSet draining to 0, then COMPLETED.
std::vector<UpdateProgress> progressSequence()
{
    std::vector<UpdateProgress> sequence;
    for (std::uint64_t diff : {3U, 1U, 0U}) {
        UpdateProgress p;
        p.set_update_id("upd-1");
        p.set_service("auth-service");
        p.set_from_version("v1");
        p.set_target_version("v2");
        p.set_strategy(UPDATE_STRATEGY_CV);
        p.set_phase(diff == 0 ? UPDATE_PHASE_RETIRE : UPDATE_PHASE_DRAIN);
        p.set_state(diff == 0 ? UPDATE_STATE_COMPLETED : UPDATE_STATE_RUNNING);
        OldInstance* old = p.add_old_instances();
        old->set_name("auth-service-v1-0");
        old->set_traceid_set_size(40 + diff);
        old->set_locked(true);
        p.set_completed_count(100 - diff);
        p.set_diff_set_size(diff);
        if (diff > 0) {
            Straggler* s = p.add_stragglers();
            s->set_trace_id("4bf92f3577b34da6a3ce929d0e0e4736");
            *s->mutable_age() = TimeUtil::MillisecondsToDuration(1500 * diff);
            p.set_straggler_count(diff);
        }
        PhaseTiming* t = p.add_phase_timings();
        t->set_phase(UPDATE_PHASE_DEPLOY);
        *t->mutable_entered_at() = TimeUtil::SecondsToTimestamp(1'700'000'000);
        *t->mutable_left_at() = TimeUtil::SecondsToTimestamp(1'700'000'002);
        p.set_inconsistent_transactions(0);
        p.set_message(diff == 0 ? "retired v1" : "draining");
        *p.mutable_observed_at() = TimeUtil::SecondsToTimestamp(1'700'000'010 + 3 - diff);
        sequence.push_back(std::move(p));
    }
    return sequence;
}

// Fakes two rpcs of UpdateService the way the daemon will answer them.
class FakeUpdateService final : public UpdateService::Service
{
public:
    grpc::Status PlanUpdate(grpc::ServerContext* context, const PlanUpdateRequest* request,
                            PlanUpdateResponse* response) override
    {
        if (!authorized(*context)) {
            return {grpc::StatusCode::UNAUTHENTICATED, "missing or unknown bearer token"};
        }
        if (request->service().empty()) {
            return {grpc::StatusCode::INVALID_ARGUMENT, "service: required"};
        }
        UpdatePlan* plan = response->mutable_plan();
        plan->set_service(request->service());
        plan->set_from_version("v1");
        plan->set_target_version(request->target_version());
        plan->set_strategy(request->strategy());
        for (UpdatePhase phase : {UPDATE_PHASE_INITIAL, UPDATE_PHASE_PIN, UPDATE_PHASE_RETIRE}) {
            PlanPhase* entry = plan->add_phases();
            entry->set_phase(phase);
            entry->set_description(UpdatePhase_Name(phase));
            entry->set_rules_yaml("kind: VirtualService\n---\nkind: DestinationRule\n# " +
                                  request->target_version() + "\n");
            entry->set_rules_changed(true);
        }
        // Echo the options so the client can check they crossed the wire.
        plan->add_warnings(
            "ttl_ms=" +
            std::to_string(TimeUtil::DurationToMilliseconds(request->options().straggler_ttl())) +
            " api=" + IstioApiVersion_Name(request->istio_api_version()));
        return grpc::Status::OK;
    }

    grpc::Status WatchUpdate(grpc::ServerContext* context, const WatchUpdateRequest* request,
                             grpc::ServerWriter<UpdateProgress>* writer) override
    {
        if (!authorized(*context)) {
            return {grpc::StatusCode::UNAUTHENTICATED, "missing or unknown bearer token"};
        }
        if (request->update_id() != "upd-1") {
            return {grpc::StatusCode::NOT_FOUND, "update " + request->update_id()};
        }
        for (const UpdateProgress& progress : progressSequence()) {
            if (!writer->Write(progress)) {
                break;  // the client went away
            }
        }
        return grpc::Status::OK;
    }

private:
    static bool authorized(const grpc::ServerContext& context)
    {
        const auto& metadata = context.client_metadata();
        const auto it = metadata.find("authorization");
        return it != metadata.end() && std::string(it->second.data(), it->second.size()) == kToken;
    }
};

class ProtoRoundTrip : public ::testing::Test
{
protected:
    void SetUp() override
    {
        grpc::ServerBuilder builder;
        builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &m_port);
        builder.RegisterService(&m_service);
        m_server = builder.BuildAndStart();
        ASSERT_NE(m_server, nullptr);
        ASSERT_GT(m_port, 0);
        m_stub = UpdateService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(m_port),
                                                            grpc::InsecureChannelCredentials()));
    }

    void TearDown() override
    {
        if (m_server) {
            m_server->Shutdown();
        }
    }

    static std::unique_ptr<grpc::ClientContext> context(bool withToken = true)
    {
        auto ctx = std::make_unique<grpc::ClientContext>();
        if (withToken) {
            ctx->AddMetadata("authorization", kToken);
        }
        ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        return ctx;
    }

    FakeUpdateService m_service;
    std::unique_ptr<grpc::Server> m_server;
    std::unique_ptr<UpdateService::Stub> m_stub;
    int m_port = 0;
};

TEST_F(ProtoRoundTrip, PlanUpdateRoundTripsRequestAndPlan)
{
    PlanUpdateRequest request;
    request.set_service("auth-service");
    request.set_target_version("v2");
    request.set_strategy(UPDATE_STRATEGY_BF);
    *request.mutable_options()->mutable_straggler_ttl() = TimeUtil::MillisecondsToDuration(2500);
    request.set_istio_api_version(ISTIO_API_VERSION_V1BETA1);

    PlanUpdateResponse response;
    const grpc::Status status = m_stub->PlanUpdate(context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();

    const UpdatePlan& plan = response.plan();
    EXPECT_EQ(plan.service(), "auth-service");
    EXPECT_EQ(plan.from_version(), "v1");
    EXPECT_EQ(plan.target_version(), "v2");
    EXPECT_EQ(plan.strategy(), UPDATE_STRATEGY_BF);
    ASSERT_EQ(plan.phases_size(), 3);
    EXPECT_EQ(plan.phases(0).phase(), UPDATE_PHASE_INITIAL);
    EXPECT_EQ(plan.phases(1).phase(), UPDATE_PHASE_PIN);
    EXPECT_EQ(plan.phases(1).description(), "UPDATE_PHASE_PIN");
    EXPECT_EQ(plan.phases(2).phase(), UPDATE_PHASE_RETIRE);
    EXPECT_EQ(plan.phases(2).rules_yaml(),
              "kind: VirtualService\n---\nkind: DestinationRule\n# v2\n");
    EXPECT_TRUE(plan.phases(2).rules_changed());
    ASSERT_EQ(plan.warnings_size(), 1);
    EXPECT_EQ(plan.warnings(0), "ttl_ms=2500 api=ISTIO_API_VERSION_V1BETA1");
}

TEST_F(ProtoRoundTrip, StatusCodesAndMessagesReachTheClient)
{
    PlanUpdateResponse response;
    grpc::Status status = m_stub->PlanUpdate(context().get(), PlanUpdateRequest{}, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message(), "service: required");

    PlanUpdateRequest request;
    request.set_service("auth-service");
    status = m_stub->PlanUpdate(context(false).get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

    WatchUpdateRequest watch;
    watch.set_update_id("upd-404");
    auto ctx = context();
    auto reader = m_stub->WatchUpdate(ctx.get(), watch);
    UpdateProgress progress;
    EXPECT_FALSE(reader->Read(&progress));
    status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(status.error_message(), "update upd-404");
}

TEST_F(ProtoRoundTrip, WatchUpdateStreamsEveryProgressInOrderThenEnds)
{
    WatchUpdateRequest watch;
    watch.set_update_id("upd-1");
    auto ctx = context();
    auto reader = m_stub->WatchUpdate(ctx.get(), watch);

    std::vector<UpdateProgress> received;
    UpdateProgress progress;
    while (reader->Read(&progress)) {
        received.push_back(progress);
    }
    const grpc::Status status = reader->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();

    const std::vector<UpdateProgress> expected = progressSequence();
    ASSERT_EQ(received.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        std::string diff;
        MessageDifferencer differencer;
        differencer.ReportDifferencesToString(&diff);
        EXPECT_TRUE(differencer.Compare(expected[i], received[i]))
            << "message " << i << ": " << diff;
    }
    EXPECT_EQ(received.back().state(), UPDATE_STATE_COMPLETED);
    EXPECT_EQ(received.back().diff_set_size(), 0U);
    EXPECT_EQ(received.front().stragglers(0).age().seconds(), 4);
    EXPECT_EQ(received.front().stragglers(0).age().nanos(), 500'000'000);
}

TEST_F(ProtoRoundTrip, ClientCancellingMidStreamLeavesTheServerServing)
{
    {
        WatchUpdateRequest watch;
        watch.set_update_id("upd-1");
        auto ctx = context();
        auto reader = m_stub->WatchUpdate(ctx.get(), watch);
        UpdateProgress progress;
        ASSERT_TRUE(reader->Read(&progress));
        ctx->TryCancel();
        while (reader->Read(&progress)) {
        }
        const grpc::Status status = reader->Finish();
        EXPECT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::CANCELLED)
            << status.error_message();
    }
    PlanUpdateRequest request;
    request.set_service("auth-service");
    PlanUpdateResponse response;
    EXPECT_TRUE(m_stub->PlanUpdate(context().get(), request, &response).ok());
}

}  // namespace
}  // namespace concord::v1
