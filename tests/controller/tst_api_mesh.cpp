// MeshService and TopologyService over real gRPC on the example topology.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "tst_api_fixture.h"

namespace concord::controller {
namespace {

using google::protobuf::util::TimeUtil;
using testing::ApiStack;
using testing::kOperatorToken;
using testing::kViewerToken;

std::vector<std::string> names(const google::protobuf::RepeatedPtrField<std::string>& list)
{
    return {list.begin(), list.end()};
}

TEST(ApiMesh, ListServicesAndTheVersionTree)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    v1::ListServicesResponse list;
    ASSERT_TRUE(stack.mesh()->ListServices(ApiStack::context(kViewerToken).get(), {}, &list).ok());
    std::vector<std::string> services;
    for (const v1::Service& s : list.services()) {
        services.push_back(s.name());
    }
    EXPECT_EQ(services, (std::vector<std::string>{"auth-service", "db-service", "portal-service",
                                                  "proc-service"}));
    const v1::Service& auth = list.services(0);
    EXPECT_EQ(auth.version_count(), 2);
    EXPECT_EQ(names(auth.serving_versions()), std::vector<std::string>{"v1"});
    EXPECT_TRUE(auth.active_update_id().empty());
    EXPECT_EQ(names(list.services(3).callees()),
              (std::vector<std::string>{"auth-service", "db-service"}));

    v1::GetVersionTreeRequest request;
    request.set_service("auth-service");
    v1::GetVersionTreeResponse response;
    ASSERT_TRUE(stack.mesh()
                    ->GetVersionTree(ApiStack::context(kViewerToken).get(), request, &response)
                    .ok());
    const v1::VersionTree& tree = response.tree();
    ASSERT_EQ(tree.versions_size(), 2);
    EXPECT_EQ(tree.versions(0).name(), "v1");
    EXPECT_EQ(tree.versions(0).state(), v1::VERSION_STATE_SERVING);
    EXPECT_EQ(tree.versions(0).image(), "concord/auth:1.0");
    ASSERT_EQ(tree.versions(0).instances_size(), 2);
    EXPECT_EQ(tree.versions(0).instances(0).state(), v1::INSTANCE_STATE_UP);
    EXPECT_EQ(tree.versions(0).instances(0).version(), "v1");
    EXPECT_EQ(tree.versions(1).name(), "v2");
    EXPECT_EQ(tree.versions(1).parent(), "v1");
    EXPECT_EQ(tree.versions(1).state(), v1::VERSION_STATE_REGISTERED);
    EXPECT_EQ(tree.versions(1).instances_size(), 0);

    request.set_service("");
    EXPECT_EQ(
        stack.mesh()->GetVersionTree(ApiStack::context().get(), request, &response).error_code(),
        grpc::StatusCode::INVALID_ARGUMENT);
    request.set_service("no-such-service");
    EXPECT_EQ(
        stack.mesh()->GetVersionTree(ApiStack::context().get(), request, &response).error_code(),
        grpc::StatusCode::NOT_FOUND);
}

TEST(ApiMesh, RegisterVersionValidatesAndAddsAChild)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    const auto registerVersion = [&](const std::string& service, const std::string& name,
                                     const std::string& parent, const std::string& image,
                                     v1::RegisterVersionResponse* out = nullptr) {
        v1::RegisterVersionRequest request;
        request.set_service(service);
        request.set_name(name);
        request.set_parent(parent);
        request.set_image(image);
        v1::RegisterVersionResponse response;
        const grpc::Status status = stack.mesh()->RegisterVersion(
            ApiStack::context(kOperatorToken).get(), request, &response);
        if (out != nullptr) {
            *out = response;
        }
        return status;
    };
    v1::RegisterVersionResponse response;
    grpc::Status status =
        registerVersion("auth-service", "v3", "v2", "concord/auth:3.0", &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.version().name(), "v3");
    EXPECT_EQ(response.version().parent(), "v2");
    EXPECT_EQ(response.version().image(), "concord/auth:3.0");
    EXPECT_EQ(response.version().state(), v1::VERSION_STATE_REGISTERED);

    struct Bad
    {
        std::vector<std::string> fields;
        grpc::StatusCode code;
        std::string prefix;
    };
    const std::vector<Bad> bad = {
        {{"", "v4", "v1", "img"}, grpc::StatusCode::INVALID_ARGUMENT, "service:"},
        {{"auth-service", "", "v1", "img"}, grpc::StatusCode::INVALID_ARGUMENT, "name:"},
        {{"auth-service", "V4", "v1", "img"}, grpc::StatusCode::INVALID_ARGUMENT, "name:"},
        {{"auth-service", "-v4", "v1", "img"}, grpc::StatusCode::INVALID_ARGUMENT, "name:"},
        {{"auth-service", std::string(64, 'a'), "v1", "img"},
         grpc::StatusCode::INVALID_ARGUMENT,
         "name:"},
        {{"auth-service", "v4", "", "img"}, grpc::StatusCode::INVALID_ARGUMENT, "parent:"},
        {{"auth-service", "v4", "v1", ""}, grpc::StatusCode::INVALID_ARGUMENT, "image:"},
        {{"nope-service", "v4", "v1", "img"}, grpc::StatusCode::NOT_FOUND, ""},
        {{"auth-service", "v4", "v9", "img"}, grpc::StatusCode::NOT_FOUND, ""},
        {{"auth-service", "v3", "v1", "img"}, grpc::StatusCode::ALREADY_EXISTS, ""},
    };
    for (const Bad& b : bad) {
        status = registerVersion(b.fields[0], b.fields[1], b.fields[2], b.fields[3]);
        EXPECT_EQ(status.error_code(), b.code) << b.fields[1] << ": " << status.error_message();
        EXPECT_EQ(status.error_message().rfind(b.prefix, 0), 0U) << status.error_message();
    }
    v1::GetVersionTreeRequest request;
    request.set_service("auth-service");
    v1::GetVersionTreeResponse tree;
    ASSERT_TRUE(stack.mesh()->GetVersionTree(ApiStack::context().get(), request, &tree).ok());
    std::vector<std::string> order;
    for (const v1::Version& v : tree.tree().versions()) {
        order.push_back(v.name());
    }
    EXPECT_EQ(order, (std::vector<std::string>{"v1", "v2", "v3"}));
}

TEST(ApiMesh, GetRulesForOneServiceAndForAll)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    v1::GetRulesRequest request;
    request.set_service("auth-service");
    v1::GetRulesResponse one;
    ASSERT_TRUE(stack.mesh()->GetRules(ApiStack::context(kViewerToken).get(), request, &one).ok());
    EXPECT_NE(one.rules_yaml().find("kind: VirtualService"), std::string::npos);
    EXPECT_NE(one.rules_yaml().find("kind: DestinationRule"), std::string::npos);
    EXPECT_NE(one.rules_yaml().find("auth-service"), std::string::npos);

    v1::GetRulesResponse all;
    ASSERT_TRUE(stack.mesh()->GetRules(ApiStack::context(kViewerToken).get(), {}, &all).ok());
    std::size_t virtualServices = 0;
    for (std::size_t at = 0;
         (at = all.rules_yaml().find("kind: VirtualService", at)) != std::string::npos; ++at) {
        ++virtualServices;
    }
    EXPECT_EQ(virtualServices, 4U);
    EXPECT_LT(all.rules_yaml().find("name: auth-service"),
              all.rules_yaml().find("name: portal-service"));

    request.set_service("nope");
    EXPECT_EQ(stack.mesh()->GetRules(ApiStack::context().get(), request, &one).error_code(),
              grpc::StatusCode::NOT_FOUND);
}

TEST(ApiMesh, WatchMeshSnapshotThenDeltasAndResume)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    std::string epoch;
    std::uint64_t revision = 0;
    {
        auto ctx = ApiStack::context(kViewerToken);
        auto reader = stack.mesh()->WatchMesh(ctx.get(), {});
        v1::MeshEvent event;
        ASSERT_TRUE(reader->Read(&event));
        ASSERT_TRUE(event.has_snapshot());
        EXPECT_TRUE(event.snapshot().complete());
        EXPECT_EQ(event.snapshot().services_size(), 4);
        EXPECT_EQ(event.snapshot().trees_size(), 4);
        EXPECT_EQ(event.epoch(), stack.server().epoch());
        epoch = event.epoch();
        revision = event.revision();

        v1::RegisterVersionRequest request;
        request.set_service("db-service");
        request.set_name("v2");
        request.set_parent("v1");
        request.set_image("concord/db:2.0");
        v1::RegisterVersionResponse registered;
        ASSERT_TRUE(
            stack.mesh()->RegisterVersion(ApiStack::context().get(), request, &registered).ok());
        bool added = false;
        while (!added && reader->Read(&event)) {
            EXPECT_EQ(event.epoch(), epoch);
            EXPECT_EQ(event.revision(), revision + 1) << "revisions step by one";
            revision = event.revision();
            added = event.has_version_added() && event.version_added().version().name() == "v2" &&
                    event.version_added().version().service() == "db-service";
        }
        ASSERT_TRUE(added);
        EXPECT_EQ(event.version_added().previous_state(), v1::VERSION_STATE_UNSPECIFIED);
        EXPECT_EQ(event.version_added().version().state(), v1::VERSION_STATE_REGISTERED);
        ctx->TryCancel();
    }
    // Something happens while the client is away; it resumes without a snapshot.
    v1::RegisterVersionRequest request;
    request.set_service("db-service");
    request.set_name("v3");
    request.set_parent("v1");
    request.set_image("concord/db:3.0");
    v1::RegisterVersionResponse registered;
    ASSERT_TRUE(
        stack.mesh()->RegisterVersion(ApiStack::context().get(), request, &registered).ok());
    {
        v1::WatchMeshRequest resume;
        resume.set_epoch(epoch);
        resume.set_resume_after_revision(revision);
        auto ctx = ApiStack::context(kViewerToken);
        auto reader = stack.mesh()->WatchMesh(ctx.get(), resume);
        v1::MeshEvent event;
        ASSERT_TRUE(reader->Read(&event));
        EXPECT_FALSE(event.has_snapshot());
        EXPECT_EQ(event.revision(), revision + 1);
        ctx->TryCancel();
    }
    {
        v1::WatchMeshRequest stale;  // another daemon's epoch: a fresh snapshot
        stale.set_epoch("00000000-0000-4000-8000-000000000000");
        stale.set_resume_after_revision(1);
        auto ctx = ApiStack::context(kViewerToken);
        auto reader = stack.mesh()->WatchMesh(ctx.get(), stale);
        v1::MeshEvent event;
        ASSERT_TRUE(reader->Read(&event));
        EXPECT_TRUE(event.has_snapshot());
        EXPECT_GE(event.revision(), revision + 1);
        ctx->TryCancel();
    }
    v1::WatchMeshRequest bad;
    bad.set_resume_after_revision(3);
    auto ctx = ApiStack::context(kViewerToken);
    auto reader = stack.mesh()->WatchMesh(ctx.get(), bad);
    v1::MeshEvent event;
    EXPECT_FALSE(reader->Read(&event));
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("resume_after_revision:", 0), 0U);
}

// A watcher that connected before traffic flowed (every share 0) learns the
// shares once requests arrive, without any version changing state.
TEST(ApiMesh, TrafficSharesAreStreamedWhenTheyMove)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    auto ctx = ApiStack::context(kViewerToken);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    auto reader = stack.mesh()->WatchMesh(ctx.get(), {});
    v1::MeshEvent event;
    ASSERT_TRUE(reader->Read(&event));
    ASSERT_TRUE(event.has_snapshot());
    std::map<std::string, double> share;  // service -> share of its v1 (the serving one)
    for (const v1::VersionTree& tree : event.snapshot().trees())
        for (const v1::Version& v : tree.versions())
            if (v.name() == "v1")
                share[v.service()] = v.traffic_share();
    ASSERT_EQ(share.size(), 4u);
    const auto allServing = [&] {
        return std::all_of(share.begin(), share.end(),
                           [](const auto& entry) { return entry.second > 0.95; });
    };
    int stateChanges = 0;
    while (!allServing() && reader->Read(&event)) {
        if (!event.has_version_changed())
            continue;
        const v1::VersionChange& change = event.version_changed();
        stateChanges += change.previous_state() != change.version().state();
        if (change.version().name() == "v1")
            share[change.version().service()] = change.version().traffic_share();
    }
    EXPECT_TRUE(allServing()) << "a v1 share never reached the stream";
    EXPECT_EQ(stateChanges, 0);
    ctx->TryCancel();
}

TEST(ApiTopology, SnapshotsAtThePeriodWithTheLiveEdges)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    v1::WatchTopologyRequest request;
    *request.mutable_period() = TimeUtil::MillisecondsToDuration(150);
    auto ctx = ApiStack::context(kViewerToken);
    auto reader = stack.topology()->WatchTopology(ctx.get(), request);
    std::vector<v1::TopologySnapshot> snapshots;
    std::vector<std::chrono::steady_clock::time_point> times;
    v1::TopologySnapshot snapshot;
    while (snapshots.size() < 4 && reader->Read(&snapshot)) {
        snapshots.push_back(snapshot);
        times.push_back(std::chrono::steady_clock::now());
    }
    ctx->TryCancel();
    ASSERT_EQ(snapshots.size(), 4U);
    for (std::size_t i = 2; i < times.size(); ++i) {  // the first comes at once
        const auto gap = times[i] - times[i - 1];
        EXPECT_GT(gap, std::chrono::milliseconds(100));
        EXPECT_LT(gap, std::chrono::milliseconds(400));
    }
    const v1::TopologySnapshot& last = snapshots.back();
    EXPECT_NEAR(TimeUtil::DurationToMilliseconds(last.window()), 150, 60);
    bool ingressToPortal = false;
    bool portalToAuth = false;
    for (const v1::TopologyEdge& edge : last.edges()) {
        EXPECT_GT(edge.request_rate(), 0);
        ingressToPortal |= edge.source_service().empty() && edge.source_version().empty() &&
                           edge.destination_service() == "portal-service";
        portalToAuth |= edge.source_service() == "portal-service" &&
                        edge.destination_service() == "auth-service" &&
                        edge.destination_version() == "v1";
    }
    EXPECT_TRUE(ingressToPortal);
    EXPECT_TRUE(portalToAuth);

    request.add_services("db-service");
    auto ctx2 = ApiStack::context(kViewerToken);
    reader = stack.topology()->WatchTopology(ctx2.get(), request);
    for (int i = 0; i < 2 && reader->Read(&snapshot); ++i) {
    }
    for (const v1::TopologyEdge& edge : snapshot.edges()) {
        EXPECT_TRUE(edge.source_service() == "db-service" ||
                    edge.destination_service() == "db-service");
    }
    EXPECT_GT(snapshot.edges_size(), 0);
    ctx2->TryCancel();
}

// The pump visits streams up to a tick late; that lateness must not add up
// over the stream's life. With a 30 ms tick and a 100 ms period every send is
// up to 20 ms late, which a schedule that restarts at each send would add up
// to ~400 ms over 20 periods.
TEST(ApiTopology, TheCadenceDoesNotDrift)
{
    ApiServerOptions options = testing::fastOptions();
    options.pumpTick = std::chrono::milliseconds(30);
    ApiStack stack(options);
    ASSERT_TRUE(stack.ok());
    constexpr int kPeriodMs = 100;
    constexpr int kPeriods = 20;
    v1::WatchTopologyRequest request;
    *request.mutable_period() = TimeUtil::MillisecondsToDuration(kPeriodMs);
    auto ctx = ApiStack::context(kViewerToken);
    auto reader = stack.topology()->WatchTopology(ctx.get(), request);
    v1::TopologySnapshot snapshot;
    ASSERT_TRUE(reader->Read(&snapshot));  // the first, at once; the schedule starts here
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kPeriods; ++i)
        ASSERT_TRUE(reader->Read(&snapshot));
    const double elapsedMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ctx->TryCancel();
    EXPECT_NEAR(elapsedMs, kPeriods * kPeriodMs, 60);
}

TEST(ApiTopology, BadPeriodOrUnknownService)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    const auto code = [&](const v1::WatchTopologyRequest& request, std::string* message) {
        auto ctx = ApiStack::context(kViewerToken);
        auto reader = stack.topology()->WatchTopology(ctx.get(), request);
        v1::TopologySnapshot snapshot;
        EXPECT_FALSE(reader->Read(&snapshot));
        const grpc::Status status = reader->Finish();
        *message = status.error_message();
        return status.error_code();
    };
    std::string message;
    for (const std::int64_t ms : {0, 99, 60'001, -5}) {
        v1::WatchTopologyRequest request;
        *request.mutable_period() = TimeUtil::MillisecondsToDuration(ms);
        EXPECT_EQ(code(request, &message), grpc::StatusCode::INVALID_ARGUMENT) << ms;
        EXPECT_EQ(message.rfind("period:", 0), 0U) << message;
    }
    v1::WatchTopologyRequest invalid;
    invalid.mutable_period()->set_seconds(1);
    invalid.mutable_period()->set_nanos(-5);  // not a valid Duration
    EXPECT_EQ(code(invalid, &message), grpc::StatusCode::INVALID_ARGUMENT);
    v1::WatchTopologyRequest unknown;
    unknown.add_services("nope");
    EXPECT_EQ(code(unknown, &message), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace concord::controller
