// The API server over real gRPC on loopback: tokens and roles, the loopback
// rule, TLS and mTLS, many streams without a thread each, clients that
// cancel, shutdown, and input that is not even a message.
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/test_certificates.h"
#include "tst_api_fixture.h"

namespace concord::controller {
namespace {

using testing::ApiStack;
using testing::kOperatorToken;
using testing::kViewerToken;
using testing::waitUntil;

grpc::StatusCode infoCode(const ApiStack& stack, const char* token,
                          v1::GetServerInfoResponse* out = nullptr)
{
    v1::GetServerInfoResponse response;
    const grpc::Status status =
        stack.info()->GetServerInfo(ApiStack::context(token).get(), {}, &response);
    if (out != nullptr) {
        *out = response;
    }
    return status.error_code();
}

TEST(ApiServer, ServerInfoTellsTheCallerItsRoleAndName)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    v1::GetServerInfoResponse info;
    ASSERT_EQ(infoCode(stack, kOperatorToken, &info), grpc::StatusCode::OK);
    EXPECT_EQ(info.caller_role(), v1::ROLE_OPERATOR);
    EXPECT_EQ(info.caller_name(), "alice");
    EXPECT_EQ(info.api_version(), "concord.v1");
    EXPECT_EQ(info.server_version(), "0.1.0");
    EXPECT_EQ(info.driver(), v1::DRIVER_KIND_SANDBOX);
    EXPECT_EQ(info.mesh_name(), "example");
    EXPECT_EQ(info.epoch(), stack.server().epoch());
    EXPECT_GT(info.started_at().seconds(), 1'600'000'000);

    ASSERT_EQ(infoCode(stack, kViewerToken, &info), grpc::StatusCode::OK);
    EXPECT_EQ(info.caller_role(), v1::ROLE_VIEWER);
    EXPECT_EQ(info.caller_name(), "bob");
}

TEST(ApiServer, MissingMalformedOrUnknownTokensAreUnauthenticated)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    EXPECT_EQ(infoCode(stack, nullptr), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(infoCode(stack, "not-a-token-of-this-daemon"), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(infoCode(stack, ""), grpc::StatusCode::UNAUTHENTICATED);
    {
        auto ctx = ApiStack::context(nullptr);
        ctx->AddMetadata("authorization", kOperatorToken);  // no "Bearer "
        v1::GetServerInfoResponse response;
        EXPECT_EQ(stack.info()->GetServerInfo(ctx.get(), {}, &response).error_code(),
                  grpc::StatusCode::UNAUTHENTICATED);
    }
    // Before argument validation, and on streams too.
    v1::GetVersionTreeResponse tree;
    EXPECT_EQ(
        stack.mesh()->GetVersionTree(ApiStack::context(nullptr).get(), {}, &tree).error_code(),
        grpc::StatusCode::UNAUTHENTICATED);
    auto ctx = ApiStack::context("wrong-wrong-wrong-wrong");
    auto reader = stack.mesh()->WatchMesh(ctx.get(), {});
    v1::MeshEvent event;
    EXPECT_FALSE(reader->Read(&event));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST(ApiServer, AViewerCannotActEvenWithAnInvalidRequest)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    const auto updates = stack.updates();
    const auto viewer = [] { return ApiStack::context(kViewerToken); };
    v1::StartUpdateRequest start;
    start.set_service("auth-service");
    start.set_target_version("v2");
    start.set_strategy(v1::UPDATE_STRATEGY_CV);
    v1::StartUpdateResponse started;
    EXPECT_EQ(updates->StartUpdate(viewer().get(), start, &started).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(updates->StartUpdate(viewer().get(), {}, &started).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    v1::AbortUpdateResponse aborted;
    EXPECT_EQ(updates->AbortUpdate(viewer().get(), {}, &aborted).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    v1::ForceRetireResponse forced;
    EXPECT_EQ(updates->ForceRetire(viewer().get(), {}, &forced).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    v1::RegisterVersionResponse registered;
    const grpc::Status denied = stack.mesh()->RegisterVersion(viewer().get(), {}, &registered);
    EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_NE(denied.error_message().find("operator"), std::string::npos);
    EXPECT_EQ(denied.error_message().find(kViewerToken), std::string::npos);
    EXPECT_TRUE(stack.runner().list("").empty());  // nothing started

    // Planning changes nothing: a viewer may.
    v1::PlanUpdateRequest plan;
    plan.set_service("auth-service");
    plan.set_target_version("v2");
    plan.set_strategy(v1::UPDATE_STRATEGY_CV);
    v1::PlanUpdateResponse planned;
    const grpc::Status status = updates->PlanUpdate(viewer().get(), plan, &planned);
    EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST(ApiServer, RefusesANonLoopbackAddressWithoutTlsAndAnEmptyTokenSet)
{
    ApiStack stack;  // just for a runner, driver and journal
    ASSERT_TRUE(stack.ok());
    ApiServerOptions options = testing::fastOptions();
    options.listenAddress = "0.0.0.0:0";
    auto server = ApiServer::start(options, stack.runner(), stack.driver(), stack.journal());
    ASSERT_FALSE(server.ok());
    EXPECT_EQ(server.error().code, core::ErrorCode::InvalidArgument);
    EXPECT_NE(server.error().message.find("without TLS"), std::string::npos);

    options = testing::fastOptions();
    options.tokens = TokenStore();
    server = ApiServer::start(options, stack.runner(), stack.driver(), stack.journal());
    ASSERT_FALSE(server.ok());
    EXPECT_NE(server.error().message.find("no API tokens"), std::string::npos);

    options = testing::fastOptions();
    options.tls.certFile = "/nonexistent/cert.pem";
    options.tls.keyFile = "/nonexistent/key.pem";
    server = ApiServer::start(options, stack.runner(), stack.driver(), stack.journal());
    ASSERT_FALSE(server.ok());
    EXPECT_EQ(server.error().code, core::ErrorCode::NotFound);

    options = testing::fastOptions();
    options.listenAddress = stack.server().address();  // taken
    server = ApiServer::start(options, stack.runner(), stack.driver(), stack.journal());
    ASSERT_FALSE(server.ok());
    EXPECT_EQ(server.error().code, core::ErrorCode::Unavailable);
}

grpc::StatusCode infoOver(const std::shared_ptr<grpc::Channel>& channel)
{
    v1::GetServerInfoResponse response;
    auto ctx = ApiStack::context(kViewerToken, 3000);
    return v1::ServerService::NewStub(channel)
        ->GetServerInfo(ctx.get(), {}, &response)
        .error_code();
}

std::shared_ptr<grpc::Channel> tlsChannel(const std::string& address,
                                          const grpc::SslCredentialsOptions& ssl)
{
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), args);
}

TEST(ApiServer, TlsAndMutualTls)
{
    // scripts/bootstrap installs the openssl CLI; without it this must fail, not skip.
    ASSERT_EQ(std::system("openssl version >/dev/null 2>&1"), 0)
        << "no openssl CLI to make test certificates";
    concord::testing::Certificates certs;
    ASSERT_TRUE(certs.ok());
    ApiServerOptions options = testing::fastOptions();
    options.listenAddress = "127.0.0.1:0";
    options.tls.certFile = certs.path("server.pem");
    options.tls.keyFile = certs.path("server.key");
    {
        ApiStack stack(options);
        ASSERT_TRUE(stack.ok());
        const std::string address = stack.server().address();
        grpc::SslCredentialsOptions ssl;
        ssl.pem_root_certs = certs.read("ca.pem");
        EXPECT_EQ(infoOver(tlsChannel(address, ssl)), grpc::StatusCode::OK);
        // Plaintext to a TLS port fails; so does TLS that does not trust the CA.
        EXPECT_EQ(infoOver(grpc::CreateChannel(address, grpc::InsecureChannelCredentials())),
                  grpc::StatusCode::UNAVAILABLE);
        grpc::SslCredentialsOptions untrusted;
        untrusted.pem_root_certs = certs.read("client.pem");
        EXPECT_EQ(infoOver(tlsChannel(address, untrusted)), grpc::StatusCode::UNAVAILABLE);
    }
    options.tls.clientCaFile = certs.path("ca.pem");
    ApiStack stack(options);
    ASSERT_TRUE(stack.ok());
    const std::string address = stack.server().address();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = certs.read("ca.pem");
    EXPECT_EQ(infoOver(tlsChannel(address, ssl)), grpc::StatusCode::UNAVAILABLE);  // no cert
    ssl.pem_private_key = certs.read("client.key");
    ssl.pem_cert_chain = certs.read("client.pem");
    EXPECT_EQ(infoOver(tlsChannel(address, ssl)), grpc::StatusCode::OK);
    // A client certificate does not replace the token.
    v1::GetServerInfoResponse response;
    auto ctx = ApiStack::context(nullptr);
    EXPECT_EQ(v1::ServerService::NewStub(tlsChannel(address, ssl))
                  ->GetServerInfo(ctx.get(), {}, &response)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
}

// Opens 60 streams (mesh and topology, alternately), reads the first message
// of each, checks the server holds them without a thread each, cancels them
// all and waits until the server has freed every one.
void openAndCancelSixty(ApiStack& stack, std::size_t baseThreads)
{
    struct Open
    {
        std::unique_ptr<grpc::ClientContext> context;
        std::unique_ptr<grpc::ClientReaderInterface<v1::MeshEvent>> mesh;
        std::unique_ptr<grpc::ClientReaderInterface<v1::TopologySnapshot>> topology;
    };
    std::vector<Open> streams;
    const auto mesh = stack.mesh();
    const auto topology = stack.topology();
    for (int i = 0; i < 60; ++i) {
        Open open;
        open.context = ApiStack::context(kViewerToken, 60000);
        if (i % 2 == 0) {
            open.mesh = mesh->WatchMesh(open.context.get(), {});
            v1::MeshEvent event;
            ASSERT_TRUE(open.mesh->Read(&event)) << i;
            EXPECT_TRUE(event.snapshot().complete());
        } else {
            open.topology = topology->WatchTopology(open.context.get(), {});
            v1::TopologySnapshot snapshot;
            ASSERT_TRUE(open.topology->Read(&snapshot)) << i;
        }
        streams.push_back(std::move(open));
    }
    EXPECT_EQ(stack.server().openStreams(), 60U);
    EXPECT_LT(testing::threadCount(), baseThreads + 10) << "threads grow with streams";

    for (Open& open : streams) {
        open.context->TryCancel();
    }
    for (Open& open : streams) {
        const grpc::Status status = open.mesh ? open.mesh->Finish() : open.topology->Finish();
        EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
    }
    streams.clear();
    EXPECT_TRUE(waitUntil([&] { return stack.server().openStreams() == 0; }, 3000))
        << stack.server().openStreams() << " streams still open";
}

TEST(ApiServer, SixtyStreamsNeedNoThreadEachAndCancelledOnesAreFreed)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    // Warm up the channel and gRPC's own threads before taking the baseline.
    ASSERT_EQ(infoCode(stack, kViewerToken), grpc::StatusCode::OK);
    const std::size_t baseThreads = testing::threadCount();
    ASSERT_EQ(stack.server().openStreams(), 0U);

    openAndCancelSixty(stack, baseThreads);
    // gRPC's executor may keep a few threads it started for the cancellations;
    // a second round must not add more: nothing is left per stream.
    const std::size_t afterFirst = testing::threadCount();
    EXPECT_LT(afterFirst, baseThreads + 10);
    openAndCancelSixty(stack, baseThreads);
    EXPECT_TRUE(waitUntil([&] { return testing::threadCount() <= afterFirst + 1; }, 3000))
        << "threads: " << baseThreads << " at first, " << afterFirst << " after one round, "
        << testing::threadCount() << " after two";
    EXPECT_EQ(infoCode(stack, kViewerToken), grpc::StatusCode::OK);  // still serving
}

TEST(ApiServer, ShutdownEndsOpenStreamsWithUnavailablePromptly)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    auto ctx = ApiStack::context(kViewerToken, 60000);
    auto reader = stack.mesh()->WatchMesh(ctx.get(), {});
    v1::MeshEvent event;
    ASSERT_TRUE(reader->Read(&event));
    auto ctx2 = ApiStack::context(kViewerToken, 60000);
    auto topology = stack.topology()->WatchTopology(ctx2.get(), {});
    v1::TopologySnapshot snapshot;
    ASSERT_TRUE(topology->Read(&snapshot));

    const auto start = std::chrono::steady_clock::now();
    stack.server().shutdown();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
    while (reader->Read(&event)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
    while (topology->Read(&snapshot)) {
    }
    EXPECT_EQ(topology->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_EQ(stack.server().openStreams(), 0U);
    stack.server().shutdown();  // idempotent
}

TEST(ApiServer, BytesThatAreNoMessageAreRefusedAndTheServerLives)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    grpc::GenericStub generic(stack.channel());
    for (const char* method :
         {"/concord.v1.UpdateService/StartUpdate", "/concord.v1.MeshService/GetVersionTree",
          "/concord.v1.UpdateService/GetHistory", "/concord.v1.NoSuch/Method"}) {
        const std::string garbage = "\xff\xff\xff\xff\x0f\x12\x80garbage";
        grpc::Slice slice(garbage);
        grpc::ByteBuffer request(&slice, 1);
        grpc::ByteBuffer response;
        auto ctx = ApiStack::context(kOperatorToken);
        std::mutex mutex;
        std::condition_variable done;
        bool finished = false;
        grpc::Status status;
        generic.UnaryCall(ctx.get(), method, grpc::StubOptions(), &request, &response,
                          [&](grpc::Status s) {
                              const std::lock_guard lock(mutex);
                              status = std::move(s);
                              finished = true;
                              done.notify_one();
                          });
        std::unique_lock lock(mutex);
        ASSERT_TRUE(done.wait_for(lock, std::chrono::seconds(5), [&] { return finished; }));
        EXPECT_FALSE(status.ok()) << method;
    }
    EXPECT_EQ(infoCode(stack, kViewerToken), grpc::StatusCode::OK);
}

}  // namespace
}  // namespace concord::controller
