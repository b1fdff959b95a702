// 64 concurrent ext_authz callers over the Unix socket while concordd locks,
// snapshots and blocks (the "Correctness under concurrency"). Each
// request carries a unique trace id, so its fate is known exactly.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "tracemanager/id_codec.h"
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

constexpr int kCallers = 64;

enum Phase : int
{
    Before = 0,  // the control call has not been sent
    During = 1,  // sent, not returned
    After = 2,   // returned
};

struct Sent
{
    TraceId id;
    Phase sentIn;
    Phase answeredIn;
    bool pinned;
    bool allowed;
};

// Runs kCallers threads sending Checks until `stop`; each records what it
// sent and when, relative to `phase`.
class Traffic final
{
public:
    Traffic(RunningTraceManager& tm, std::atomic<int>& phase, bool halfPinned)
    {
        for (int t = 0; t < kCallers; ++t) {
            // A few channels so the calls are spread over several connections.
            m_threads.emplace_back([this, &tm, &phase, halfPinned, t] {
                auto stub = auth::Authorization::NewStub(
                    t % 4 == 0 ? tm.authzChannel()
                               : grpc::CreateChannel("unix:" + tm.server().options().authzSocket,
                                                     grpc::InsecureChannelCredentials()));
                std::vector<Sent> sent;
                for (std::uint64_t n = 1; !m_stop.load(); ++n) {
                    const TraceId id{static_cast<std::uint64_t>(t + 1), n};
                    const bool pinned = halfPinned && t % 2 == 0;
                    auth::CheckRequest request = checkRequest({{"x-b3-traceid", id.toHex()}});
                    if (pinned) {
                        (*request.mutable_attributes()
                              ->mutable_request()
                              ->mutable_http()
                              ->mutable_headers())["x-version"] = "auth-service-v1";
                    }
                    const auto sentIn = static_cast<Phase>(phase.load());
                    grpc::ClientContext context;
                    auth::CheckResponse response;
                    const grpc::Status status = stub->Check(&context, request, &response);
                    ASSERT_TRUE(status.ok()) << status.error_message();
                    sent.push_back({id, sentIn, static_cast<Phase>(phase.load()), pinned,
                                    response.status().code() == grpc::StatusCode::OK});
                }
                const std::lock_guard guard(m_mutex);
                m_sent.insert(m_sent.end(), sent.begin(), sent.end());
            });
        }
    }

    std::vector<Sent> stop()
    {
        m_stop.store(true);
        for (std::thread& thread : m_threads) {
            thread.join();
        }
        return std::move(m_sent);
    }

private:
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::vector<Sent> m_sent;
    std::vector<std::thread> m_threads;
};

std::set<TraceId> snapshotOf(RunningTraceManager& tm)
{
    grpc::ClientContext context;
    v1::SnapshotRequest request;
    request.set_max_ids_per_chunk(1000);  // many chunks: the stream path is exercised
    auto reader = tm.control()->Snapshot(&context, request);
    v1::SnapshotResponse chunk;
    std::vector<TraceId> ids;
    while (reader->Read(&chunk)) {
        EXPECT_TRUE(chunk.locked());
        EXPECT_EQ(unpackIds(chunk.ids(), 1000, ids), UnpackError::None);
    }
    EXPECT_TRUE(reader->Finish().ok());
    return {ids.begin(), ids.end()};
}

void waitForTraffic(RunningTraceManager& tm, std::uint64_t checks)
{
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (tm.server().counters().checksAllowed.load() +
                   tm.server().counters().checksBlocked.load() <
               checks &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
}

TEST(TraceManagerConcurrency, LockMidTrafficKeepsEveryEarlierIdAndNoLaterOne)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    std::atomic<int> phase{Before};
    Traffic traffic(tm, phase, false);
    waitForTraffic(tm, 2000);

    phase.store(During);
    grpc::ClientContext lockContext;
    v1::LockResponse locked;
    ASSERT_TRUE(tm.control()->Lock(&lockContext, v1::LockRequest(), &locked).ok());
    phase.store(After);
    // Snapshot while the callers keep going.
    const std::uint64_t atLock = tm.server().counters().checksAllowed.load();
    waitForTraffic(tm, atLock + 1000);
    const std::set<TraceId> snapshot = snapshotOf(tm);
    waitForTraffic(tm, tm.server().counters().checksAllowed.load() + 500);
    const std::vector<Sent> sent = traffic.stop();

    std::size_t before = 0;
    std::size_t after = 0;
    for (const Sent& s : sent) {
        ASSERT_TRUE(s.allowed);
        if (s.answeredIn == Before) {
            ++before;
            ASSERT_TRUE(snapshot.contains(s.id)) << s.id.toHex() << " answered before the lock";
        }
        if (s.sentIn == After) {
            ++after;
            ASSERT_FALSE(snapshot.contains(s.id)) << s.id.toHex() << " sent after the lock";
        }
    }
    EXPECT_GT(before, 1000U);
    EXPECT_GT(after, 1000U);
    EXPECT_EQ(snapshot.size(), locked.size());
    EXPECT_EQ(snapshot.size(), tm.server().counters().idsRecorded.load());
    EXPECT_EQ(snapshotOf(tm), snapshot) << "a locked set changed";
}

TEST(TraceManagerConcurrency, NoBlockedRequestsIdIsEverRecorded)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    std::atomic<int> phase{Before};
    Traffic traffic(tm, phase, true);
    waitForTraffic(tm, 2000);

    phase.store(During);
    grpc::ClientContext modeContext;
    v1::SetModeRequest mode;
    mode.set_blocking(true);
    mode.add_allowed_pins("auth-service-v1");
    v1::SetModeResponse modeResponse;
    ASSERT_TRUE(tm.control()->SetMode(&modeContext, mode, &modeResponse).ok());
    phase.store(After);
    waitForTraffic(tm, tm.server().counters().checksAllowed.load() +
                           tm.server().counters().checksBlocked.load() + 2000);
    grpc::ClientContext lockContext;
    v1::LockResponse locked;
    ASSERT_TRUE(tm.control()->Lock(&lockContext, v1::LockRequest(), &locked).ok());
    const std::vector<Sent> sent = traffic.stop();
    const std::set<TraceId> snapshot = snapshotOf(tm);

    std::size_t blocked = 0;
    for (const Sent& s : sent) {
        if (!s.allowed) {
            ++blocked;
            ASSERT_FALSE(s.pinned) << "a pinned request was blocked";
            ASSERT_FALSE(snapshot.contains(s.id)) << "a 503'd request's id was recorded";
        }
        if (s.sentIn == After && !s.pinned) {
            ASSERT_FALSE(s.allowed) << "an unpinned request sent in blocking mode was let through";
        }
        if (s.answeredIn == Before) {
            ASSERT_TRUE(s.allowed);
            ASSERT_TRUE(snapshot.contains(s.id));
        }
    }
    EXPECT_GT(blocked, 500U);
    EXPECT_EQ(blocked, tm.server().counters().checksBlocked.load());
}

}  // namespace
}  // namespace concord::tracemanager
