#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "core/diff_set.h"

namespace concord::core {
namespace {

TraceId id(std::uint64_t n)
{
    return TraceId{n % 3, n};  // a mix of 64-bit (hi == 0) and 128-bit ids
}

std::set<TraceId> contents(const DiffSet& diff)
{
    return {diff.begin(), diff.end()};
}

TEST(DiffSet, IsUnionOfOverlappingSetsMinusCompleted)
{
    TraceIdSet a;
    TraceIdSet b;
    TraceIdSet completed;
    for (std::uint64_t n : {1, 2, 3, 4}) {
        a.insert(id(n));
    }
    for (std::uint64_t n : {3, 4, 5, 6}) {
        b.insert(id(n));
    }
    for (std::uint64_t n : {2, 4, 6, 100}) {
        completed.insert(id(n));
    }
    a.lock();
    b.lock();
    const TraceIdSet* sets[] = {&a, &b};
    const DiffSet diff = DiffSet::compute(sets, completed);
    EXPECT_EQ(contents(diff), (std::set<TraceId>{id(1), id(3), id(5)}));
    EXPECT_EQ(diff.size(), 3u);
    EXPECT_FALSE(diff.contains(id(100)));
}

TEST(DiffSet, MatchesReferenceOnRandomOverlappingSets)
{
    std::mt19937_64 rng(5);
    std::vector<TraceIdSet> instances(8);
    TraceIdSet completed;
    std::set<TraceId> expectedUnion;
    for (TraceIdSet& set : instances) {
        for (int i = 0; i < 2000; ++i) {
            const TraceId t = id(rng() % 5000 + 1);
            set.insert(t);
            expectedUnion.insert(t);
        }
        set.lock();
    }
    for (int i = 0; i < 6000; ++i) {
        completed.insert(id(rng() % 7000 + 1));
    }
    std::set<TraceId> expected;
    for (const TraceId& t : expectedUnion) {
        if (!completed.contains(t)) {
            expected.insert(t);
        }
    }
    std::vector<const TraceIdSet*> pointers;
    for (const TraceIdSet& set : instances) {
        pointers.push_back(&set);
    }
    const DiffSet diff = DiffSet::compute(pointers, completed);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(contents(diff), expected);
}

TEST(DiffSet, EmptyInputsGiveEmptyDiff)
{
    TraceIdSet completed;
    completed.insert(id(1));
    EXPECT_TRUE(DiffSet::compute({}, completed).empty());
    TraceIdSet empty;
    const TraceIdSet* sets[] = {&empty, nullptr};
    EXPECT_TRUE(DiffSet::compute(sets, completed).empty());
    EXPECT_EQ(DiffSet{}.memoryBytes(), 0u);
}

TEST(DiffSet, CompleteDrainsAndAddExtends)
{
    TraceIdSet old;
    old.insert(id(1));
    old.insert(id(2));
    const TraceIdSet* sets[] = {&old};
    DiffSet diff = DiffSet::compute(sets, TraceIdSet{});
    ASSERT_EQ(diff.size(), 2u);
    EXPECT_FALSE(diff.complete(id(99)));  // a new-version transaction
    EXPECT_TRUE(diff.complete(id(1)));
    EXPECT_FALSE(diff.complete(id(1)));
    EXPECT_FALSE(diff.empty());
    diff.add(id(3));  // late snapshot chunk
    EXPECT_TRUE(diff.contains(id(3)));
    EXPECT_TRUE(diff.complete(id(2)));
    EXPECT_FALSE(diff.empty());
    EXPECT_TRUE(diff.complete(id(3)));
    EXPECT_TRUE(diff.empty());
}

// Protocol steps 4-6 at the data-structure level: old instances record, get
// locked, the gateway diffs against its completed set, then every completion
// drains the DiffSet. It must be empty exactly after the last completion of a
// transaction that touched the old version, never before.
TEST(DiffSet, DrainsToEmptyExactlyWhenLastOldVersionTransactionCompletes)
{
    std::mt19937_64 rng(17);
    std::vector<TraceIdSet> oldInstances(3);
    TraceIdSet completed;
    std::set<TraceId> running;  // old-version transactions not yet completed
    for (std::uint64_t n = 1; n <= 3000; ++n) {
        // Some transactions reach two old instances (e.g. two calls to the service).
        oldInstances[n % 3].insert(id(n));
        if (n % 5 == 0) {
            oldInstances[(n + 1) % 3].insert(id(n));
        }
        if (rng() % 3 == 0) {
            completed.insert(id(n));
        } else {
            running.insert(id(n));
        }
    }
    std::vector<const TraceIdSet*> pointers;
    for (TraceIdSet& set : oldInstances) {
        set.lock();
        EXPECT_FALSE(set.insert(id(10'000)));  // arrives after the lock: routed to v2
        pointers.push_back(&set);
    }
    DiffSet diff = DiffSet::compute(pointers, completed);
    ASSERT_EQ(contents(diff), running);

    // Completions in random order, interleaved with new-version transactions.
    std::vector<TraceId> completions(running.begin(), running.end());
    for (std::uint64_t n = 10'000; n < 11'000; ++n) {
        completions.push_back(id(n));
    }
    std::shuffle(completions.begin(), completions.end(), rng);
    for (const TraceId& t : completions) {
        const bool wasRunning = running.erase(t) > 0;
        EXPECT_EQ(diff.complete(t), wasRunning);
        ASSERT_EQ(diff.empty(), running.empty()) << "after completing " << t.toHex();
    }
    EXPECT_TRUE(diff.empty());
}

TEST(DiffSet, MillionIdsFitIn40BytesEach)
{
    TraceIdSet old;
    std::mt19937_64 rng(23);
    while (old.size() < 1'000'000) {
        old.insert({rng(), rng()});
    }
    const TraceIdSet* sets[] = {&old};
    const DiffSet diff = DiffSet::compute(sets, TraceIdSet{});
    ASSERT_EQ(diff.size(), 1'000'000u);
    EXPECT_LE(static_cast<double>(diff.memoryBytes()) / static_cast<double>(diff.size()), 40.0);
}

}  // namespace
}  // namespace concord::core
