#include <gtest/gtest.h>

#include "models/orchestration_parameters.h"

namespace concord::models {
namespace {

using P = OrchestrationParameters;
using Dto = backend_clients::OrchestrationParametersDto;

Dto params(int init, int max, int rpi)
{
    return {init, max, rpi};
}

TEST(OrchestrationParameters, RangesAreThoseOfDesignSection8)
{
    EXPECT_EQ(P::minimum(P::MaxInstances), 3);
    EXPECT_EQ(P::maximum(P::MaxInstances, 50), 100);
    EXPECT_EQ(P::minimum(P::ResourcePerInstance), 1);
    EXPECT_EQ(P::maximum(P::ResourcePerInstance, 50), 5000);
    EXPECT_EQ(P::minimum(P::InitInstances), 1);
    EXPECT_EQ(P::maximum(P::InitInstances, 50), 50);  // bounded by maxInstances
    EXPECT_EQ(P::maximum(P::InitInstances, 2), 100);  // an invalid maxInstances bounds nothing
    EXPECT_EQ(P::rangeText(P::MaxInstances, 50), "3–100");
    EXPECT_EQ(P::rangeText(P::ResourcePerInstance, std::nullopt), "1–5000");
    EXPECT_EQ(P::rangeText(P::InitInstances, 50), "1–50");
    EXPECT_EQ(P::rangeText(P::InitInstances, 200), "1–maxInstances");
    EXPECT_EQ(P::rangeText(P::InitInstances, std::nullopt), "1–maxInstances");
}

TEST(OrchestrationParameters, EachFieldIsRejectedJustOutsideItsRange)
{
    EXPECT_EQ(P::check(P::MaxInstances, 2, {}), "maxInstances must be between 3 and 100, got 2");
    EXPECT_EQ(P::check(P::MaxInstances, 101, {}),
              "maxInstances must be between 3 and 100, got 101");
    EXPECT_TRUE(P::check(P::MaxInstances, 3, {}).isEmpty());
    EXPECT_TRUE(P::check(P::MaxInstances, 100, {}).isEmpty());
    EXPECT_EQ(P::check(P::ResourcePerInstance, 0, {}),
              "resourcePerInstance must be between 1 and 5000, got 0");
    EXPECT_EQ(P::check(P::ResourcePerInstance, 5001, {}),
              "resourcePerInstance must be between 1 and 5000, got 5001");
    EXPECT_TRUE(P::check(P::ResourcePerInstance, 1, {}).isEmpty());
    EXPECT_TRUE(P::check(P::ResourcePerInstance, 5000, {}).isEmpty());
    EXPECT_EQ(P::check(P::InitInstances, 0, 50),
              "initInstances must be between 1 and maxInstances (50), got 0");
    EXPECT_EQ(P::check(P::InitInstances, 51, 50),
              "initInstances must be between 1 and maxInstances (50), got 51");
    EXPECT_TRUE(P::check(P::InitInstances, 50, 50).isEmpty());
    EXPECT_TRUE(P::check(P::InitInstances, 1, 50).isEmpty());
}

TEST(OrchestrationParameters, TypedTextMustBeAWholeNumberInRange)
{
    int value = -7;
    EXPECT_TRUE(P::checkText(P::MaxInstances, QStringLiteral(" 50 "), {}, &value).isEmpty());
    EXPECT_EQ(value, 50);
    value = -7;
    EXPECT_EQ(P::checkText(P::MaxInstances, QStringLiteral("5.5"), {}, &value),
              "maxInstances must be a whole number (3–100), got \"5.5\"");
    EXPECT_EQ(P::checkText(P::ResourcePerInstance, QStringLiteral("many"), {}, &value),
              "resourcePerInstance must be a whole number (1–5000), got \"many\"");
    EXPECT_EQ(P::checkText(P::ResourcePerInstance, QString(), {}, &value),
              "resourcePerInstance is required (1–5000)");
    // Far beyond int: reported with what was typed, not a wrapped number.
    EXPECT_EQ(P::checkText(P::ResourcePerInstance, QStringLiteral("99999999999"), {}, &value),
              "resourcePerInstance must be between 1 and 5000, got 99999999999");
    EXPECT_EQ(value, -7);  // never set by a rejected text
}

TEST(OrchestrationParameters, EmptyInitInstancesIsTheServersDefault)
{
    int value = 0;
    EXPECT_TRUE(P::checkText(P::InitInstances, QString(), 50, &value).isEmpty());
    EXPECT_EQ(value, 10);
    EXPECT_TRUE(P::checkText(P::InitInstances, QString(), 4, &value).isEmpty());
    EXPECT_EQ(value, 4);  // maxInstances when that is smaller
}

TEST(OrchestrationParameters, ValidateNamesTheFirstInvalidFieldInTheServersOrder)
{
    EXPECT_TRUE(P::validate(params(10, 100, 1000)).isEmpty());
    EXPECT_EQ(P::validate(params(0, 2, 0)), "maxInstances must be between 3 and 100, got 2");
    EXPECT_EQ(P::validate(params(0, 5, 0)),
              "resourcePerInstance must be between 1 and 5000, got 0");
    EXPECT_EQ(P::validate(params(60, 50, 200)),
              "initInstances must be between 1 and maxInstances (50), got 60");
}

TEST(OrchestrationParameters, PlanFollowsTheOrchestratorsArithmetic)
{
    QString error;
    auto plan = P::plan(5000, params(5, 50, 200), &error);
    ASSERT_TRUE(plan) << error.toStdString();
    EXPECT_EQ(plan->instances, 26);  // 5000 / 200 + 1
    EXPECT_EQ(plan->resourcePerInstance, 200);

    // Fewer than initInstances: initInstances, and an equal share each.
    plan = P::plan(5000, params(10, 100, 1000), &error);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->instances, 10);
    EXPECT_EQ(plan->resourcePerInstance, 501);

    EXPECT_FALSE(P::plan(5000, params(10, 100, 1), &error));
    EXPECT_EQ(error, "require instances more than the max: 5001/100");
    EXPECT_FALSE(P::plan(5000, params(10, 2, 1000), &error));
    EXPECT_EQ(error, "maxInstances must be between 3 and 100, got 2");
}

}  // namespace
}  // namespace concord::models
