// TraceRecorder: the instance's concurrent TraceidSet (tracemanager/trace_recorder.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "tracemanager/trace_recorder.h"

namespace concord::tracemanager {
namespace {

using core::TraceId;
using namespace std::chrono_literals;

std::vector<TraceId> randomIds(std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::vector<TraceId> ids(n);
    for (TraceId& id : ids) {
        id = {rng(), rng() | 1};
    }
    return ids;
}

std::set<TraceId> asSet(const std::vector<TraceId>& ids)
{
    return {ids.begin(), ids.end()};
}

TEST(TraceRecorder, RecordsEachIdOnceAndRejectsTheZeroId)
{
    TraceRecorder recorder(600s);
    EXPECT_EQ(recorder.record({0, 42}), TraceRecorder::Outcome::Recorded);
    EXPECT_EQ(recorder.record({0, 42}), TraceRecorder::Outcome::AlreadyPresent);
    EXPECT_EQ(recorder.record({7, 42}), TraceRecorder::Outcome::Recorded);
    EXPECT_EQ(recorder.record({0, 0}), TraceRecorder::Outcome::Invalid);
    EXPECT_EQ(recorder.size(), 2U);
    EXPECT_TRUE(recorder.contains({0, 42}));
    EXPECT_FALSE(recorder.contains({0, 43}));
    EXPECT_EQ(asSet(recorder.snapshot()), (std::set<TraceId>{{0, 42}, {7, 42}}));
}

TEST(TraceRecorder, ALockedSetAcceptsNothingAndUnlockResumes)
{
    TraceRecorder recorder(600s);
    recorder.record({0, 1});
    const TraceRecorder::LockResult first = recorder.lock();
    EXPECT_EQ(first.size, 1U);
    EXPECT_FALSE(first.wasLocked);
    EXPECT_TRUE(recorder.lock().wasLocked);
    EXPECT_EQ(recorder.record({0, 2}), TraceRecorder::Outcome::Locked);
    EXPECT_EQ(recorder.size(), 1U);
    EXPECT_EQ(recorder.unlock(false), 1U);
    EXPECT_EQ(recorder.record({0, 2}), TraceRecorder::Outcome::Recorded);
    EXPECT_EQ(recorder.unlock(true), 0U);
    EXPECT_EQ(recorder.snapshot().size(), 0U);
}

TEST(TraceRecorder, EvictionKeepsAnIdBetweenOneAndTwoTtls)
{
    const auto t0 = TraceRecorder::Clock::time_point{} + 1000s;
    TraceRecorder recorder(10s, 4, t0);
    recorder.record({0, 1});
    EXPECT_EQ(recorder.evictExpired(t0 + 9s), 0U);   // the generation is not due yet
    EXPECT_EQ(recorder.evictExpired(t0 + 10s), 0U);  // rotated: {1} is now the old generation
    EXPECT_TRUE(recorder.contains({0, 1}));
    recorder.record({0, 2});
    // A repeat of an id of the old generation is not a second copy.
    EXPECT_EQ(recorder.record({0, 1}), TraceRecorder::Outcome::AlreadyPresent);
    EXPECT_EQ(recorder.evictExpired(t0 + 19s), 0U);
    EXPECT_EQ(recorder.evictExpired(t0 + 20s), 1U);  // {1} is 20 s old: gone
    EXPECT_FALSE(recorder.contains({0, 1}));
    EXPECT_TRUE(recorder.contains({0, 2}));
    EXPECT_EQ(recorder.evictExpired(t0 + 30s), 1U);
    EXPECT_EQ(recorder.size(), 0U);
}

TEST(TraceRecorder, ALockedSetIsNeverEvicted)
{
    const auto t0 = TraceRecorder::Clock::time_point{} + 1000s;
    TraceRecorder recorder(10s, 4, t0);
    recorder.record({0, 1});
    recorder.lock();
    EXPECT_EQ(recorder.evictExpired(t0 + 100s), 0U);
    EXPECT_EQ(recorder.evictExpired(t0 + 200s), 0U);
    EXPECT_TRUE(recorder.contains({0, 1}));
}

TEST(TraceRecorder, HoldsAMillionIdsInAtMostFortyBytesEach)
{
    TraceRecorder recorder(600s);
    for (const TraceId& id : randomIds(1'000'000, 1)) {
        ASSERT_EQ(recorder.record(id), TraceRecorder::Outcome::Recorded);
    }
    ASSERT_EQ(recorder.size(), 1'000'000U);
    const double bytesPerId = static_cast<double>(recorder.memoryBytes()) / 1e6;
    EXPECT_LE(bytesPerId, 40.0);
    EXPECT_GE(bytesPerId,
              17.0);  // 16-byte slot + control byte: a lower bound that catches a bad count
}

// The guarantee, at the level of the set: an id whose record()
// returned before lock() is in the snapshot; one recorded after lock()
// returned is not (record() says Locked).
TEST(TraceRecorder, LockMidTrafficSplitsIdsExactly)
{
    constexpr int kThreads = 8;
    constexpr std::size_t kPerThread = 40'000;
    TraceRecorder recorder(600s);
    std::atomic<bool> locked{false};
    std::vector<std::vector<TraceId>> before(kThreads);
    std::vector<std::vector<TraceId>> after(kThreads);
    std::vector<std::vector<TraceId>> refused(kThreads);
    std::vector<std::vector<TraceId>> ids;
    for (int t = 0; t < kThreads; ++t) {
        ids.push_back(randomIds(kPerThread, 100 + t));
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (const TraceId& id : ids[t]) {
                const bool lockedBefore = locked.load();
                const TraceRecorder::Outcome outcome = recorder.record(id);
                if (outcome == TraceRecorder::Outcome::Recorded) {
                    (lockedBefore ? after : before)[t].push_back(id);
                } else if (outcome == TraceRecorder::Outcome::Locked) {
                    refused[t].push_back(id);
                }
            }
        });
    }
    // Lock once a tenth of the traffic is in (slow sanitizer builds too).
    while (recorder.size() < kThreads * kPerThread / 10) {
        std::this_thread::yield();
    }
    recorder.lock();
    locked.store(true);
    for (std::thread& thread : threads) {
        thread.join();
    }
    const std::set<TraceId> snapshot = asSet(recorder.snapshot());
    std::size_t recordedBefore = 0;
    std::size_t refusedCount = 0;
    for (int t = 0; t < kThreads; ++t) {
        EXPECT_TRUE(after[t].empty()) << "an id recorded after lock() returned";
        for (const TraceId& id : before[t]) {
            ASSERT_TRUE(snapshot.contains(id));
        }
        for (const TraceId& id : refused[t]) {
            ASSERT_FALSE(snapshot.contains(id));
        }
        recordedBefore += before[t].size();
        refusedCount += refused[t].size();
    }
    EXPECT_EQ(snapshot.size(), recordedBefore);
    EXPECT_GT(recordedBefore, 0U);
    EXPECT_GT(refusedCount, 0U) << "the lock came after all traffic; the test proved nothing";
}

}  // namespace
}  // namespace concord::tracemanager
