#include <gtest/gtest.h>

#include <random>
#include <set>

#include "core/trace_id_set.h"

namespace concord::core {
namespace {

TEST(TraceIdSet, InsertsNewIdsOnce)
{
    TraceIdSet set;
    EXPECT_TRUE(set.empty());
    EXPECT_TRUE(set.insert({0, 1}));
    EXPECT_TRUE(set.insert({1, 1}));
    EXPECT_FALSE(set.insert({0, 1}));
    EXPECT_EQ(set.size(), 2u);
    EXPECT_TRUE(set.contains({1, 1}));
    EXPECT_FALSE(set.contains({1, 0}));
}

TEST(TraceIdSet, RejectsInvalidId)
{
    TraceIdSet set;
    EXPECT_FALSE(set.insert(TraceId{}));
    EXPECT_TRUE(set.empty());
}

TEST(TraceIdSet, SixtyFourBitIdEqualsItsZeroPaddedForm)
{
    TraceIdSet set;
    const auto short64 = parseB3TraceId("463ac35c9f6413ad").id;
    const auto padded = parseB3TraceId("0000000000000000463ac35c9f6413ad").id;
    ASSERT_TRUE(short64 && padded);
    EXPECT_TRUE(set.insert(*short64));
    EXPECT_FALSE(set.insert(*padded));
    EXPECT_TRUE(set.contains(*padded));
}

TEST(TraceIdSet, LockedSetRejectsNewIdsButStillAnswersAndErases)
{
    TraceIdSet set;
    ASSERT_TRUE(set.insert({0, 1}));
    ASSERT_TRUE(set.insert({0, 2}));
    set.lock();
    EXPECT_TRUE(set.isLocked());
    EXPECT_FALSE(set.insert({0, 3}));
    EXPECT_FALSE(set.contains({0, 3}));
    EXPECT_FALSE(set.insert({0, 1}));
    EXPECT_TRUE(set.contains({0, 1}));
    EXPECT_TRUE(set.erase({0, 1}));
    EXPECT_FALSE(set.erase({0, 1}));
    EXPECT_FALSE(set.contains({0, 1}));
    EXPECT_EQ(set.size(), 1u);
    // An erased id may not come back while locked either.
    EXPECT_FALSE(set.insert({0, 1}));

    set.unlock();
    EXPECT_FALSE(set.isLocked());
    EXPECT_TRUE(set.insert({0, 3}));
    EXPECT_EQ(set.size(), 2u);
}

TEST(TraceIdSet, ClearKeepsTheLock)
{
    TraceIdSet set;
    ASSERT_TRUE(set.insert({0, 1}));
    set.lock();
    set.clear();
    EXPECT_TRUE(set.empty());
    EXPECT_TRUE(set.isLocked());
    EXPECT_FALSE(set.insert({0, 1}));
}

TEST(TraceIdSet, IteratesEveryId)
{
    TraceIdSet set;
    std::set<TraceId> expected;
    std::mt19937_64 rng(3);
    for (int i = 0; i < 1000; ++i) {
        const TraceId id{rng() % 4, rng() % 500 + 1};
        EXPECT_EQ(set.insert(id), expected.insert(id).second);
    }
    const std::set<TraceId> seen(set.begin(), set.end());
    EXPECT_EQ(seen, expected);
}

TEST(TraceIdSet, MemoryOfEmptySetIsZero)
{
    EXPECT_EQ(TraceIdSet{}.memoryBytes(), 0u);
}

TEST(TraceIdSet, MemoryCoversSlotsAndControlBytes)
{
    TraceIdSet set;
    set.insert({0, 1});
    // Smallest table: 1 slot, 1 + 1 + 15 control bytes padded to 8, 16-byte slot.
    EXPECT_EQ(set.memoryBytes(), 24u + 16u);
    set.reserve(1000);
    // reserve(1000) gives capacity 2047 (load factor 7/8, power of two minus one).
    EXPECT_EQ(set.memoryBytes(), 2064u + 2047u * 16u);
}

TEST(TraceIdSet, MillionIdsFitIn40BytesEach)
{
    TraceIdSet set;
    std::mt19937_64 rng(11);
    while (set.size() < 1'000'000) {
        set.insert({rng(), rng()});
    }
    const double bytesPerId =
        static_cast<double>(set.memoryBytes()) / static_cast<double>(set.size());
    EXPECT_LE(bytesPerId, 40.0);
    EXPECT_GE(bytesPerId, 17.0);  // 16-byte id + 1 control byte is the floor
}

}  // namespace
}  // namespace concord::core
