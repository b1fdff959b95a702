#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "tracemanager/gateway_state.h"

namespace concord::tracemanager {
namespace {

using namespace std::chrono_literals;
using core::TraceId;

constexpr auto kTtl = std::chrono::seconds(600);

TraceId id(std::uint64_t n)
{
    return TraceId{0, n};
}

std::vector<TraceId> ids(std::initializer_list<std::uint64_t> ns)
{
    std::vector<TraceId> out;
    for (const std::uint64_t n : ns) {
        out.push_back(id(n));
    }
    return out;
}

std::set<TraceId> idsOf(const GatewayState& state, std::string_view name)
{
    const auto held = state.ids(name);
    EXPECT_TRUE(held.has_value()) << name;
    return held ? std::set<TraceId>(held->begin(), held->end()) : std::set<TraceId>{};
}

TEST(GatewayState, PushThenCompleteRemoves)
{
    GatewayState state(kTtl);
    const auto pushed = state.push("auth-v1", "pod-a", ids({1, 2, 3}));
    EXPECT_EQ(pushed.size, 3u);
    EXPECT_EQ(pushed.added, 3u);
    EXPECT_EQ(pushed.alreadyCompleted, 0u);

    // 9 was never pushed: completed, but no DiffSet entry goes.
    EXPECT_EQ(state.complete(ids({2, 9})), 1u);
    EXPECT_EQ(idsOf(state, "auth-v1"), (std::set{id(1), id(3)}));
    EXPECT_TRUE(state.completedContains(id(9)));
    EXPECT_EQ(state.completedSize(), 2u);

    const auto info = state.info("auth-v1");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->name, "auth-v1");
    EXPECT_EQ(info->size, 2u);
    EXPECT_EQ(info->pushedIds, 3u);
    EXPECT_EQ(info->completedIds, 1u);
    EXPECT_LE(info->createdAt, std::chrono::system_clock::now());
    EXPECT_GT(info->createdAt, std::chrono::system_clock::now() - 60s);
}

TEST(GatewayState, CompleteThenPushLeavesOut)
{
    GatewayState state(kTtl);
    EXPECT_EQ(state.complete(ids({1, 2})), 0u);
    const auto pushed = state.push("auth-v1", "pod-a", ids({1, 2, 3}));
    EXPECT_EQ(pushed.size, 1u);
    EXPECT_EQ(pushed.added, 1u);
    EXPECT_EQ(pushed.alreadyCompleted, 2u);
    EXPECT_EQ(idsOf(state, "auth-v1"), (std::set{id(3)}));
}

TEST(GatewayState, DuplicatesAcrossChunksAndSources)
{
    GatewayState state(kTtl);
    EXPECT_EQ(state.push("d", "pod-a", ids({1, 2})).added, 2u);
    EXPECT_EQ(state.push("d", "pod-a", ids({2, 3})).added, 1u);
    const auto fromB = state.push("d", "pod-b", ids({1, 3, 4, 4}));
    EXPECT_EQ(fromB.added, 1u);
    EXPECT_EQ(fromB.size, 4u);
    EXPECT_EQ(idsOf(state, "d"), (std::set{id(1), id(2), id(3), id(4)}));
    // Every id pushed counts, duplicates included: it is the traffic concordd sent.
    EXPECT_EQ(state.info("d")->pushedIds, 8u);
    // One completion removes an id however many sources pushed it.
    EXPECT_EQ(state.complete(ids({1, 1})), 1u);
    EXPECT_EQ(state.info("d")->size, 3u);
}

TEST(GatewayState, DiffSetsAreIndependent)
{
    GatewayState state(kTtl);
    state.push("a", "pod-a", ids({1, 2}));
    state.push("b", "pod-b", ids({2, 3}));
    EXPECT_EQ(state.complete(ids({2})), 2u);
    EXPECT_EQ(idsOf(state, "a"), (std::set{id(1)}));
    EXPECT_EQ(idsOf(state, "b"), (std::set{id(3)}));

    EXPECT_TRUE(state.drop("a"));
    EXPECT_FALSE(state.drop("a"));
    EXPECT_FALSE(state.info("a"));
    EXPECT_FALSE(state.ids("a"));
    EXPECT_EQ(state.complete(ids({1, 3})), 1u);
    const auto all = state.list();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].name, "b");
    EXPECT_EQ(all[0].size, 0u);
    EXPECT_EQ(all[0].completedIds, 2u);
}

TEST(GatewayState, WatchUnknownIsNull)
{
    GatewayState state(kTtl);
    EXPECT_EQ(state.watch("nope"), nullptr);
}

TEST(GatewayState, DropClosesWatchers)
{
    GatewayState state(kTtl);
    state.push("d", "pod-a", ids({1}));
    const auto watch = state.watch("d");
    ASSERT_TRUE(watch);
    const auto first = watch->next(0ms);
    ASSERT_TRUE(first);
    EXPECT_FALSE(first->closed);

    // A reader blocked in next() is woken by the drop, long before its timeout.
    std::optional<DiffSetWatch::Update> woken;
    std::thread reader([&] { woken = watch->next(10s); });
    std::this_thread::sleep_for(20ms);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(state.drop("d"));
    reader.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    ASSERT_TRUE(woken);
    EXPECT_TRUE(woken->closed);
    // And it stays closed.
    const auto again = watch->next(10s);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->closed);
    EXPECT_EQ(state.watch("d"), nullptr);
}

TEST(GatewayState, CloseWatchesClosesEveryWatcherAndLaterOnes)
{
    GatewayState state(kTtl);
    state.push("a", "pod-a", ids({1}));
    state.push("b", "pod-b", ids({2}));
    const auto a = state.watch("a");
    const auto b = state.watch("b");
    state.closeWatches();
    for (const auto& watch : {a, b, state.watch("a")}) {
        ASSERT_TRUE(watch);
        const auto update = watch->next(10s);
        ASSERT_TRUE(update);
        EXPECT_TRUE(update->closed);
    }
}

TEST(GatewayState, WatchOutlivingTheStateIsClosed)
{
    std::shared_ptr<DiffSetWatch> watch;
    {
        GatewayState state(kTtl);
        state.push("d", "pod-a", ids({1}));
        watch = state.watch("d");
        ASSERT_TRUE(watch->next(0ms));
    }
    const auto update = watch->next(10s);
    ASSERT_TRUE(update);
    EXPECT_TRUE(update->closed);
}

TEST(GatewayState, WatchFirstUpdateIsImmediateThenCompletions)
{
    GatewayState state(kTtl);
    state.push("d", "pod-a", ids({1, 2, 3, 4, 5}));
    const auto watch = state.watch("d");
    ASSERT_TRUE(watch);
    const auto first = watch->next(0ms);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->size, 5u);
    EXPECT_EQ(first->pushedIds, 5u);
    EXPECT_TRUE(first->completedIds.empty());
    EXPECT_FALSE(first->closed);

    // A blocked reader gets the completion as soon as it happens.
    std::optional<DiffSetWatch::Update> update;
    std::thread reader([&] { update = watch->next(10s); });
    std::this_thread::sleep_for(20ms);
    const auto start = std::chrono::steady_clock::now();
    state.complete(ids({2, 4, 77}));
    reader.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    ASSERT_TRUE(update);
    EXPECT_EQ(update->size, 3u);
    EXPECT_EQ(update->pushedIds, 5u);
    EXPECT_EQ(std::set(update->completedIds.begin(), update->completedIds.end()),
              (std::set{id(2), id(4)}));
    EXPECT_FALSE(update->completedTruncated);

    // Changes accumulate while nobody reads; a push shows in the next update.
    state.complete(ids({1}));
    state.push("d", "pod-b", ids({6}));
    state.complete(ids({3}));
    const auto merged = watch->next(0ms);
    ASSERT_TRUE(merged);
    EXPECT_EQ(merged->size, 2u);
    EXPECT_EQ(merged->pushedIds, 6u);
    EXPECT_EQ(merged->completedIds, ids({1, 3}));
}

TEST(GatewayState, NextTimesOutWhenNothingChanges)
{
    GatewayState state(kTtl);
    state.push("d", "pod-a", ids({1}));
    const auto watch = state.watch("d");
    ASSERT_TRUE(watch->next(0ms));
    // Neither an id outside the DiffSet nor a push of known ids is a change.
    state.complete(ids({42}));
    state.push("d", "pod-a", ids({1}));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(watch->next(50ms));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 45ms);
}

TEST(GatewayState, CompletedIdsAreTruncatedPast4096)
{
    constexpr std::size_t kMax = DiffSetWatch::kMaxCompletedIdsPerUpdate;
    GatewayState state(kTtl);
    std::vector<TraceId> many;
    for (std::uint64_t n = 1; n <= kMax + 904; ++n) {
        many.push_back(id(n));
    }
    state.push("d", "pod-a", many);
    const auto watch = state.watch("d");
    ASSERT_TRUE(watch->next(0ms));
    // Two batches, so the cap also holds across accumulated notifications.
    const std::size_t half = many.size() / 2;
    state.complete(std::span(many).first(half));
    state.complete(std::span(many).subspan(half));
    const auto update = watch->next(0ms);
    ASSERT_TRUE(update);
    EXPECT_EQ(update->size, 0u);
    EXPECT_EQ(update->completedIds.size(), kMax);
    EXPECT_TRUE(update->completedTruncated);
    EXPECT_EQ(update->completedIds.front(), many.front());

    // The flag is reset once taken.
    state.push("d", "pod-a", ids({100000}));
    state.complete(ids({100000}));
    const auto after = watch->next(0ms);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->completedIds, ids({100000}));
    EXPECT_FALSE(after->completedTruncated);
}

TEST(GatewayState, ExactlyTheCapIsNotTruncated)
{
    constexpr std::size_t kMax = DiffSetWatch::kMaxCompletedIdsPerUpdate;
    GatewayState state(kTtl);
    std::vector<TraceId> exact;
    for (std::uint64_t n = 1; n <= kMax; ++n) {
        exact.push_back(id(n));
    }
    state.push("d", "pod-a", exact);
    const auto watch = state.watch("d");
    ASSERT_TRUE(watch->next(0ms));
    state.complete(exact);
    const auto update = watch->next(0ms);
    ASSERT_TRUE(update);
    EXPECT_EQ(update->completedIds.size(), kMax);
    EXPECT_FALSE(update->completedTruncated);
}

TEST(GatewayState, EvictionForgetsCompletedIds)
{
    const auto t0 = GatewayState::Clock::time_point{} + 1000s;
    GatewayState state(10s, t0);
    state.complete(ids({7}));
    // Kept at least the TTL...
    EXPECT_EQ(state.evictExpired(t0 + 5s), 0u);
    EXPECT_TRUE(state.completedContains(id(7)));
    // ...and gone after twice the TTL, the eviction running periodically.
    std::uint64_t evicted = state.evictExpired(t0 + 12s);
    evicted += state.evictExpired(t0 + 25s);
    EXPECT_EQ(evicted, 1u);
    EXPECT_EQ(state.completedSize(), 0u);
    EXPECT_FALSE(state.completedContains(id(7)));
    // The documented limit of a bounded completed set: a late push re-adds it.
    const auto pushed = state.push("d", "pod-a", ids({7}));
    EXPECT_EQ(pushed.added, 1u);
    EXPECT_EQ(pushed.alreadyCompleted, 0u);
}

TEST(GatewayState, InvalidIdsAreNeverPushed)
{
    GatewayState state(kTtl);
    const auto pushed = state.push("d", "pod-a", std::vector{TraceId{}, id(1)});
    EXPECT_EQ(pushed.added, 1u);
    EXPECT_EQ(idsOf(state, "d"), (std::set{id(1)}));
}

// The property of the single mutex: an id is either completed before its
// chunk is pushed (left out) or after (removed), never lost between the two.
TEST(GatewayState, ConcurrentCompletionsAndPushesLoseNothing)
{
    constexpr std::uint64_t kPool = 20000;
    constexpr int kCompleters = 3;
    GatewayState state(kTtl);
    state.push("d", "pod-a", {});
    const auto watch = state.watch("d");

    std::vector<TraceId> pool;
    for (std::uint64_t n = 1; n <= kPool; ++n) {
        pool.push_back(TraceId{n * 0x9e3779b97f4a7c15ULL, n});
    }
    std::latch start(kCompleters + 1);
    std::vector<std::vector<TraceId>> completed(kCompleters);
    std::atomic<std::uint64_t> removed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kCompleters; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937_64 random(static_cast<std::uint64_t>(t) + 1);
            std::vector<TraceId> batch;
            start.arrive_and_wait();
            for (int round = 0; round < 60; ++round) {
                batch.clear();
                for (int i = 0; i < 64; ++i) {
                    batch.push_back(pool[random() % kPool]);
                }
                removed += state.complete(batch);
                completed[t].insert(completed[t].end(), batch.begin(), batch.end());
            }
        });
    }
    std::uint64_t alreadyCompleted = 0;
    threads.emplace_back([&] {
        std::vector<TraceId> shuffled = pool;
        std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(99));
        start.arrive_and_wait();
        for (std::size_t at = 0; at < shuffled.size(); at += 500) {
            const auto chunk = std::span(shuffled).subspan(at, 500);
            alreadyCompleted +=
                state.push("d", at % 1000 == 0 ? "pod-a" : "pod-b", chunk).alreadyCompleted;
        }
    });
    std::atomic<bool> done{false};
    std::size_t watchedSize = 0;
    std::thread watcher([&] {
        while (!done) {
            if (const auto update = watch->next(5ms)) {
                watchedSize = update->size;
            }
        }
    });
    for (auto& thread : threads) {
        thread.join();
    }
    done = true;
    watcher.join();

    std::set<TraceId> gone;
    for (const auto& list : completed) {
        gone.insert(list.begin(), list.end());
    }
    std::set<TraceId> expected;
    for (const TraceId& each : pool) {
        if (!gone.contains(each)) {
            expected.insert(each);
        }
    }
    ASSERT_GT(gone.size(), 1000u);
    ASSERT_GT(expected.size(), 1000u);
    EXPECT_EQ(idsOf(state, "d"), expected);
    // Each completed id was either left out at its push or removed once after.
    EXPECT_EQ(removed + alreadyCompleted, gone.size());
    EXPECT_EQ(state.info("d")->completedIds, removed.load());
    EXPECT_EQ(state.info("d")->pushedIds, kPool);
    EXPECT_EQ(state.completedSize(), gone.size());
    if (const auto last = watch->next(0ms)) {
        watchedSize = last->size;
    }
    EXPECT_EQ(watchedSize, expected.size());
}

}  // namespace
}  // namespace concord::tracemanager
