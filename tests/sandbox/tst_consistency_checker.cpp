#include <gtest/gtest.h>

#include "sandbox/consistency_checker.h"

using concord::sandbox::ConsistencyChecker;
using concord::sandbox::TransactionRecord;
using concord::sandbox::Visit;

namespace {

// services: 0 portal (v1), 1 auth (v1, v2), 2 proc (v1)
ConsistencyChecker makeChecker()
{
    return ConsistencyChecker({{"portal", "v1"}, {"auth", "v1", "v2"}, {"proc", "v1"}});
}

TransactionRecord trace(std::uint64_t id, std::vector<Visit> visits)
{
    return TransactionRecord{{0, id}, std::move(visits), false};
}

}  // namespace

TEST(ConsistencyChecker, AcceptsTransactionsThatStayOnOneVersionPerService)
{
    auto checker = makeChecker();
    // Portal -> Auth v1; Portal -> Proc -> Auth v1: the same service twice, one version.
    EXPECT_TRUE(checker.check(trace(1, {{0, 0}, {1, 0}, {2, 0}, {1, 0}})));
    EXPECT_TRUE(checker.check(trace(2, {{0, 0}, {1, 1}, {2, 0}, {1, 1}})));
    EXPECT_TRUE(checker.check(trace(3, {})));
    EXPECT_EQ(checker.checked(), 3u);
    EXPECT_EQ(checker.inconsistent(), 0u);
    EXPECT_TRUE(checker.violations().empty());
}

TEST(ConsistencyChecker, FlagsATransactionThatSawTwoVersionsOfAService)
{
    auto checker = makeChecker();
    // The naive-update failure: token from Auth v1, verified by Auth v2.
    EXPECT_FALSE(checker.check(trace(7, {{0, 0}, {1, 0}, {2, 0}, {1, 1}})));
    ASSERT_EQ(checker.inconsistent(), 1u);
    ASSERT_EQ(checker.violations().size(), 1u);
    const auto& violation = checker.violations().front();
    EXPECT_EQ(violation.id.lo, 7u);
    EXPECT_EQ(violation.service, "auth");
    EXPECT_EQ(violation.versions, (std::vector<std::string>{"v1", "v2"}));
}

TEST(ConsistencyChecker, CountsEachInconsistentTransactionOnce)
{
    auto checker = makeChecker();
    EXPECT_FALSE(checker.check(trace(1, {{1, 0}, {1, 1}, {1, 0}, {1, 1}})));
    EXPECT_TRUE(checker.check(trace(2, {{1, 1}})));
    EXPECT_FALSE(checker.check(trace(3, {{1, 1}, {0, 0}, {1, 0}})));
    EXPECT_EQ(checker.checked(), 3u);
    EXPECT_EQ(checker.inconsistent(), 2u);
    EXPECT_EQ(checker.violations()[1].versions, (std::vector<std::string>{"v2", "v1"}));
}

TEST(ConsistencyChecker, DifferentServicesOnDifferentVersionsAreFine)
{
    auto checker = makeChecker();
    EXPECT_TRUE(checker.check(trace(1, {{1, 1}, {0, 0}, {2, 0}})));
    EXPECT_EQ(checker.inconsistent(), 0u);
}

TEST(ConsistencyChecker, KeepsABoundedNumberOfViolationsAndNamesUnknownIndices)
{
    ConsistencyChecker checker;  // no names
    for (std::uint64_t i = 0; i < ConsistencyChecker::kMaxKeptViolations + 50; ++i)
        EXPECT_FALSE(checker.check(trace(i + 1, {{4, 0}, {4, 2}})));
    EXPECT_EQ(checker.inconsistent(), ConsistencyChecker::kMaxKeptViolations + 50);
    EXPECT_EQ(checker.violations().size(), ConsistencyChecker::kMaxKeptViolations);
    EXPECT_EQ(checker.violations().front().service, "#4");
}

TEST(ConsistencyChecker, CountsPerServiceOncePerTransaction)
{
    auto checker = makeChecker();
    // Auth mixed twice in one transaction: once for auth.
    EXPECT_FALSE(checker.check(trace(1, {{1, 0}, {1, 1}, {1, 0}, {1, 1}})));
    // Auth and proc both mixed: once for each, once in the total.
    EXPECT_FALSE(checker.check(trace(2, {{2, 0}, {1, 0}, {2, 1}, {1, 1}})));
    EXPECT_TRUE(checker.check(trace(3, {{0, 0}, {1, 1}})));
    EXPECT_EQ(checker.inconsistent(), 2u);
    const auto& byService = checker.inconsistentByService();
    ASSERT_EQ(byService.size(), 3u);
    EXPECT_EQ(byService[0], 0u);
    EXPECT_EQ(byService[1], 2u);
    EXPECT_EQ(byService[2], 1u);
}
