// TraceManagerServer end to end over its real listeners: ext_authz on the Unix
// socket, the access-log stream, and the control API on loopback TCP.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <thread>

#include "tracemanager/authz_policy.h"
#include "tracemanager/gateway_state.h"
#include "tracemanager/id_codec.h"
#include "tracemanager/trace_recorder.h"
#include "tracemgr_fixture.h"

namespace concord::tracemanager {
namespace {

using namespace std::chrono_literals;
using core::TraceId;
using testing::checkRequest;
using testing::RunningTraceManager;
using testing::TempDir;
using testing::testOptions;
namespace auth = envoy::service::auth::v3;
namespace v1 = concord::v1;

constexpr char kId64[] = "80f198ee56343ba8";
constexpr char kId128[] = "463ac35c9f6413ad48485a3953bb6124";

auth::CheckResponse check(RunningTraceManager& tm, const auth::CheckRequest& request)
{
    grpc::ClientContext context;
    auth::CheckResponse response;
    const grpc::Status status = tm.authz()->Check(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
}

bool allowed(const auth::CheckResponse& response)
{
    return response.status().code() == grpc::StatusCode::OK;
}

std::set<TraceId> snapshotOf(RunningTraceManager& tm, std::uint32_t chunkIds = 0,
                             int* chunks = nullptr)
{
    grpc::ClientContext context;
    v1::SnapshotRequest request;
    request.set_max_ids_per_chunk(chunkIds);
    auto reader = tm.control()->Snapshot(&context, request);
    v1::SnapshotResponse chunk;
    std::vector<TraceId> ids;
    int count = 0;
    bool sawLast = false;
    while (reader->Read(&chunk)) {
        EXPECT_FALSE(sawLast) << "a chunk after the last one";
        EXPECT_EQ(chunk.chunk_index(), static_cast<std::uint32_t>(count));
        EXPECT_EQ(unpackIds(chunk.ids(), 1U << 20, ids), UnpackError::None);
        sawLast = chunk.last();
        ++count;
    }
    EXPECT_TRUE(reader->Finish().ok());
    EXPECT_TRUE(sawLast);
    if (chunks != nullptr) {
        *chunks = count;
    }
    return {ids.begin(), ids.end()};
}

grpc::Status setBlocking(RunningTraceManager& tm, bool blocking, std::vector<std::string> pins)
{
    grpc::ClientContext context;
    v1::SetModeRequest request;
    request.set_blocking(blocking);
    for (const std::string& pin : pins) {
        request.add_allowed_pins(pin);
    }
    v1::SetModeResponse response;
    return tm.control()->SetMode(&context, request, &response);
}

TraceId id(const std::string& hex)
{
    return *core::parseB3TraceId(hex).id;
}

TEST(TraceManagerServer, AllowsEveryRequestAndRecordsItsTraceId)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    EXPECT_TRUE(allowed(check(tm, checkRequest({{"x-b3-traceid", kId64}}))));
    EXPECT_TRUE(allowed(check(tm, checkRequest({{"x-b3-traceid", kId128}}))));
    EXPECT_TRUE(allowed(check(tm, checkRequest({{"x-b3-traceid", kId64}}))));  // again
    EXPECT_EQ(snapshotOf(tm), (std::set<TraceId>{id(kId64), id(kId128)}));
    const TraceCounters& c = tm.server().counters();
    EXPECT_EQ(c.checksAllowed.load(), 3U);
    EXPECT_EQ(c.idsRecorded.load(), 2U);
    EXPECT_EQ(c.idsAlreadyPresent.load(), 1U);
}

TEST(TraceManagerServer, MissingAndMalformedTraceIdsAreCountedNeverRecordedNeverBlocked)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    for (const char* bad : {"", "80f198ee56343ba", "80f198ee56343ba8a", "80f198ee5634zba8",
                            "0000000000000000", "not a trace id at all"}) {
        EXPECT_TRUE(allowed(check(tm, checkRequest({{"x-b3-traceid", bad}})))) << bad;
    }
    EXPECT_TRUE(allowed(check(tm, checkRequest({{"user-agent", "curl"}}))));
    EXPECT_TRUE(snapshotOf(tm).empty());
    const TraceCounters& c = tm.server().counters();
    EXPECT_EQ(c.traceIdsMissing.load(), 1U);
    EXPECT_EQ(c.malformedTotal(), 6U);
    EXPECT_EQ(c.traceIdsMalformed[static_cast<int>(core::TraceIdError::Empty)].load(), 1U);
    EXPECT_EQ(c.traceIdsMalformed[static_cast<int>(core::TraceIdError::WrongLength)].load(), 3U);
    EXPECT_EQ(c.traceIdsMalformed[static_cast<int>(core::TraceIdError::NotHex)].load(), 1U);
    EXPECT_EQ(c.traceIdsMalformed[static_cast<int>(core::TraceIdError::AllZero)].load(), 1U);
    EXPECT_EQ(c.checksAllowed.load(), 7U);
}

TEST(TraceManagerServer, ReadsRawHeadersWhenEnvoyEncodesThem)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    auth::CheckRequest request;
    auto* headerMap =
        request.mutable_attributes()->mutable_request()->mutable_http()->mutable_header_map();
    auto* header = headerMap->add_headers();
    header->set_key("x-b3-traceid");
    header->set_raw_value(kId128);
    EXPECT_TRUE(allowed(check(tm, request)));
    EXPECT_EQ(snapshotOf(tm), (std::set<TraceId>{id(kId128)}));
}

// Raw header names match case-insensitively, but only letters fold: with a
// bitwise `| 0x20` fold "x\rb3-traceid" would have passed for x-b3-traceid.
TEST(TraceManagerServer, RawHeaderNamesFoldOnlyLetters)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    auth::CheckRequest request;
    auto* headerMap =
        request.mutable_attributes()->mutable_request()->mutable_http()->mutable_header_map();
    auto* lookalike = headerMap->add_headers();
    lookalike->set_key("x\rb3-traceid");
    lookalike->set_raw_value(kId64);
    auto* upper = headerMap->add_headers();
    upper->set_key("X-B3-TraceId");
    upper->set_raw_value(kId128);
    EXPECT_TRUE(allowed(check(tm, request)));
    EXPECT_EQ(snapshotOf(tm), (std::set<TraceId>{id(kId128)}));
}

TEST(TraceManagerServer, TheConfiguredHeaderIsTheOneRead)
{
    TempDir dir;
    TraceManagerOptions options = testOptions(dir);
    options.traceHeader = core::TraceHeaderFormat::TraceParent;
    RunningTraceManager tm(options);
    check(tm, checkRequest({{"x-b3-traceid", kId64}}));  // not the configured header
    check(tm,
          checkRequest({{"traceparent", std::string("00-") + kId128 + "-00f067aa0ba902b7-01"}}));
    EXPECT_EQ(snapshotOf(tm), (std::set<TraceId>{id(kId128)}));
    EXPECT_EQ(tm.server().counters().traceIdsMissing.load(), 1U);
}

TEST(TraceManagerServer, BlockingAnswers503WithoutThePinAndRecordsNothingForIt)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    ASSERT_TRUE(setBlocking(tm, true, {"auth-service-v1"}).ok());
    const auth::CheckResponse blocked = check(tm, checkRequest({{"x-b3-traceid", kId64}}));
    EXPECT_FALSE(allowed(blocked));
    EXPECT_EQ(blocked.denied_response().status().code(), envoy::type::v3::ServiceUnavailable);
    // A different service's pin is no pin for this one.
    EXPECT_FALSE(allowed(
        check(tm, checkRequest({{"x-b3-traceid", kId64}, {"x-version", "proc-service-v1"}}))));
    // Istio's `add` appends: the pin may be one of several.
    EXPECT_TRUE(
        allowed(check(tm, checkRequest({{"x-b3-traceid", kId128},
                                        {"x-version", "proc-service-v2, auth-service-v1"}}))));
    EXPECT_EQ(snapshotOf(tm), (std::set<TraceId>{id(kId128)}));
    EXPECT_EQ(tm.server().counters().checksBlocked.load(), 2U);

    ASSERT_TRUE(setBlocking(tm, false, {}).ok());
    EXPECT_TRUE(allowed(check(tm, checkRequest({{"x-b3-traceid", kId64}}))));
    EXPECT_EQ(snapshotOf(tm).size(), 2U);
}

TEST(TraceManagerServer, ALockedSetRecordsNothingNewButTrafficStillFlows)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    check(tm, checkRequest({{"x-b3-traceid", kId64}}));
    grpc::ClientContext lockContext;
    v1::LockResponse locked;
    ASSERT_TRUE(tm.control()->Lock(&lockContext, v1::LockRequest(), &locked).ok());
    EXPECT_EQ(locked.size(), 1U);
    EXPECT_FALSE(locked.was_locked());
    EXPECT_GT(locked.locked_at().seconds(), 0);
    EXPECT_TRUE(allowed(check(tm, checkRequest({{"x-b3-traceid", kId128}}))));
    EXPECT_EQ(snapshotOf(tm), (std::set<TraceId>{id(kId64)}));
    EXPECT_EQ(tm.server().counters().idsNotRecordedLocked.load(), 1U);

    grpc::ClientContext statsContext;
    v1::GetStatsResponse stats;
    ASSERT_TRUE(tm.control()->GetStats(&statsContext, v1::GetStatsRequest(), &stats).ok());
    EXPECT_TRUE(stats.locked());
    EXPECT_EQ(stats.set_size(), 1U);
    EXPECT_EQ(stats.ids_not_recorded_locked(), 1U);
    EXPECT_EQ(stats.role(), v1::TRACE_MANAGER_ROLE_INSTANCE);
    EXPECT_EQ(stats.trace_header(), "x-b3-traceid");

    grpc::ClientContext unlockContext;
    v1::UnlockRequest unlock;
    unlock.set_clear(true);
    v1::UnlockResponse unlocked;
    ASSERT_TRUE(tm.control()->Unlock(&unlockContext, unlock, &unlocked).ok());
    EXPECT_EQ(unlocked.size(), 0U);
    check(tm, checkRequest({{"x-b3-traceid", kId128}}));
    EXPECT_EQ(snapshotOf(tm), (std::set<TraceId>{id(kId128)}));
}

TEST(TraceManagerServer, SnapshotStreamsChunksOfTheRequestedSize)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    std::set<TraceId> expected;
    for (std::uint64_t i = 1; i <= 10; ++i) {
        tm.server().recorder()->record({i, i});
        expected.insert({i, i});
    }
    int chunks = 0;
    EXPECT_EQ(snapshotOf(tm, 3, &chunks), expected);
    EXPECT_EQ(chunks, 4);
    EXPECT_EQ(snapshotOf(tm, 10, &chunks), expected);
    EXPECT_EQ(chunks, 1);
    tm.server().recorder()->unlock(true);
    EXPECT_TRUE(snapshotOf(tm, 0, &chunks).empty());
    EXPECT_EQ(chunks, 1);  // an empty set is one empty, last chunk
}

void expectInvalid(const grpc::Status& status, const std::string& mentions)
{
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find(mentions), std::string::npos) << status.error_message();
}

TEST(TraceManagerServer, MalformedInstanceControlRequestsAreInvalidArgument)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    expectInvalid(setBlocking(tm, true, {}), "at least one allowed pin");
    expectInvalid(setBlocking(tm, true, {"a,b"}), "without commas");
    expectInvalid(setBlocking(tm, true, {std::string(254, 'p')}), "1–253 bytes");
    expectInvalid(setBlocking(tm, true, std::vector<std::string>(65, "auth-service-v1")),
                  "at most 64");
    {
        grpc::ClientContext context;
        v1::SnapshotRequest request;
        request.set_max_ids_per_chunk(262145);
        v1::SnapshotResponse chunk;
        auto reader = tm.control()->Snapshot(&context, request);
        EXPECT_FALSE(reader->Read(&chunk));
        expectInvalid(reader->Finish(), "262144");
    }
    EXPECT_FALSE(tm.server().policy()->isBlocking()) << "a rejected request changed the mode";
    EXPECT_EQ(tm.server().counters().controlRequestsInvalid.load(), 5U);
    // Traffic is untouched by all that.
    EXPECT_TRUE(allowed(check(tm, checkRequest({{"x-b3-traceid", kId64}}))));
}

grpc::Status push(RunningTraceManager& tm, const std::string& diffSet, const std::string& ids,
                  v1::PushSnapshotResponse* response = nullptr)
{
    grpc::ClientContext context;
    v1::PushSnapshotRequest request;
    request.set_diff_set(diffSet);
    request.set_source("auth-service-v1-7d9f-abcde");
    request.set_ids(ids);
    v1::PushSnapshotResponse ignored;
    return tm.control()->PushSnapshot(&context, request, response ? response : &ignored);
}

TEST(TraceManagerServer, MalformedOrOversizedPushesAreInvalidArgument)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir, Mode::Gateway));
    const std::vector<TraceId> one{{0, 1}};
    expectInvalid(push(tm, "", packIds(one)), "diff_set");
    expectInvalid(push(tm, "auth service", packIds(one)), "diff_set");
    expectInvalid(push(tm, std::string(254, 'a'), packIds(one)), "diff_set");
    expectInvalid(push(tm, "auth-service/v1", packIds(one) + "x"), "16-byte");
    expectInvalid(push(tm, "auth-service/v1", std::string(16, '\0')), "all-zero");
    std::vector<TraceId> tooMany(65537);
    for (std::size_t i = 0; i < tooMany.size(); ++i) {
        tooMany[i] = {0, i + 1};
    }
    expectInvalid(push(tm, "auth-service/v1", packIds(tooMany)), "65536");
    // 8 MiB: far above the 1 MiB limit, still answered by the service.
    expectInvalid(push(tm, "auth-service/v1", std::string(8 << 20, '\x01')), "65536");
    EXPECT_TRUE(tm.server().gateway()->list().empty()) << "a rejected push created a DiffSet";
    tooMany.pop_back();
    v1::PushSnapshotResponse response;
    ASSERT_TRUE(push(tm, "auth-service/v1", packIds(tooMany), &response).ok());
    EXPECT_EQ(response.size(), 65536U);
}

TEST(TraceManagerServer, EachSideRefusesTheOthersRpcs)
{
    TempDir instanceDir;
    RunningTraceManager instance(testOptions(instanceDir));
    EXPECT_EQ(push(instance, "auth-service/v1", "").error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
    TempDir gatewayDir;
    RunningTraceManager gateway(testOptions(gatewayDir, Mode::Gateway));
    grpc::ClientContext context;
    v1::LockResponse response;
    EXPECT_EQ(gateway.control()->Lock(&context, v1::LockRequest(), &response).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(setBlocking(gateway, true, {"x"}).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
    // A gateway's ext_authz (configured there by mistake) allows and records nothing.
    EXPECT_TRUE(allowed(check(gateway, checkRequest({{"x-b3-traceid", kId64}}))));
    EXPECT_EQ(gateway.server().gateway()->completedSize(), 0U);
}

void sendCompletions(RunningTraceManager& tm, const std::vector<std::string>& traceIds)
{
    grpc::ClientContext context;
    envoy::service::accesslog::v3::StreamAccessLogsResponse response;
    auto writer = tm.accessLog()->StreamAccessLogs(&context, &response);
    envoy::service::accesslog::v3::StreamAccessLogsMessage message;
    message.mutable_identifier()->mutable_node()->set_id("router~10.0.0.1~gateway.istio-system");
    message.mutable_identifier()->set_log_name("concord");
    for (const std::string& traceId : traceIds) {
        auto* entry = message.mutable_http_logs()->add_log_entry();
        (*entry->mutable_request()->mutable_request_headers())["x-b3-traceid"] = traceId;
        entry->mutable_response()->mutable_response_code()->set_value(200);
    }
    ASSERT_TRUE(writer->Write(message));
    ASSERT_TRUE(writer->WritesDone());
    ASSERT_TRUE(writer->Finish().ok());
}

TEST(TraceManagerServer, GatewayDiffSetDrainsAsCompletionsArrive)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir, Mode::Gateway));
    const TraceId a{0, 0xa}, b{0, 0xb}, c{0, 0xc};
    sendCompletions(tm, {"000000000000000a"});  // a completed before the push
    v1::PushSnapshotResponse pushed;
    ASSERT_TRUE(push(tm, "auth-service/v1", packIds(std::vector{a, b, c}), &pushed).ok());
    EXPECT_EQ(pushed.size(), 2U);
    EXPECT_EQ(pushed.added(), 2U);
    EXPECT_EQ(pushed.already_completed(), 1U);

    grpc::ClientContext watchContext;
    v1::WatchDiffSetRequest watchRequest;
    watchRequest.set_diff_set("auth-service/v1");
    auto watch = tm.control()->WatchDiffSet(&watchContext, watchRequest);
    v1::WatchDiffSetResponse update;
    ASSERT_TRUE(watch->Read(&update));
    EXPECT_EQ(update.size(), 2U);
    EXPECT_EQ(update.pushed_ids(), 3U);

    sendCompletions(tm, {"000000000000000b"});
    ASSERT_TRUE(watch->Read(&update));
    EXPECT_EQ(update.size(), 1U);
    std::vector<TraceId> completed;
    ASSERT_EQ(unpackIds(update.completed_ids(), 16, completed), UnpackError::None);
    EXPECT_EQ(completed, std::vector<TraceId>{b});

    grpc::ClientContext dropContext;
    v1::DropDiffSetRequest drop;
    drop.set_diff_set("auth-service/v1");
    v1::DropDiffSetResponse dropped;
    ASSERT_TRUE(tm.control()->DropDiffSet(&dropContext, drop, &dropped).ok());
    EXPECT_TRUE(dropped.dropped());
    while (watch->Read(&update)) {
    }
    EXPECT_TRUE(watch->Finish().ok()) << "dropping a DiffSet ends its watch cleanly";

    grpc::ClientContext unknownContext;
    auto unknown = tm.control()->WatchDiffSet(&unknownContext, watchRequest);
    EXPECT_FALSE(unknown->Read(&update));
    EXPECT_EQ(unknown->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(TraceManagerServer, ShutdownEndsOpenWatchesAndRemovesTheSocket)
{
    TempDir dir;
    auto tm = std::make_unique<RunningTraceManager>(testOptions(dir, Mode::Gateway));
    ASSERT_TRUE(push(*tm, "auth-service/v1", packIds(std::vector<TraceId>{{0, 1}})).ok());
    grpc::ClientContext context;
    v1::WatchDiffSetRequest request;
    request.set_diff_set("auth-service/v1");
    auto watch = tm->control()->WatchDiffSet(&context, request);
    v1::WatchDiffSetResponse update;
    ASSERT_TRUE(watch->Read(&update));
    const auto start = std::chrono::steady_clock::now();
    tm->server().shutdown(2s);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "an open watch held up the drain";
    EXPECT_FALSE(std::filesystem::exists(tm->server().options().authzSocket));
    while (watch->Read(&update)) {
    }
    watch->Finish();
}

TEST(TraceManagerServer, AStaleSocketFileIsReplacedAnythingElseIsAnError)
{
    TempDir dir;
    TraceManagerOptions options = testOptions(dir);
    {
        RunningTraceManager first(options);
        first.server().shutdown(0ms);
    }
    {
        std::ofstream file(options.authzSocket);
        file << "not a socket";
    }
    TraceManagerServer server(options);
    const auto started = server.start();
    ASSERT_FALSE(started.ok());
    EXPECT_NE(started.error().message.find("not a socket"), std::string::npos)
        << started.error().message;
    options.authzSocket = dir.path() + "/missing/dir/tracemgr.sock";
    TraceManagerServer elsewhere(options);
    const auto failed = elsewhere.start();
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find("does not exist"), std::string::npos);
}

}  // namespace
}  // namespace concord::tracemanager
