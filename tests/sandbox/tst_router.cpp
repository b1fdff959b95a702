#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/rule_generator.h"
#include "sandbox/router.h"

namespace concord::sandbox {
namespace {

using core::StringMatch;
using Kind = StringMatch::Kind;
using Outcome = Router::Outcome;

const char* const kPinRegexV1 = R"((.*,)?\s*auth-service-v1\s*(,.*)?)";
const char* const kPinRegexV2 = R"((.*,)?\s*auth-service-v2\s*(,.*)?)";

core::HttpMatchRequest headerMatch(std::map<std::string, StringMatch> headers)
{
    core::HttpMatchRequest m;
    m.headers = std::move(headers);
    return m;
}

core::RouteDestination dest(std::string subset, std::optional<int> weight = std::nullopt)
{
    core::RouteDestination d;
    d.host = "auth-service";
    d.subset = std::move(subset);
    d.weight = weight;
    return d;
}

core::HttpRoute httpRoute(std::vector<core::HttpMatchRequest> match,
                          std::vector<core::RouteDestination> destinations)
{
    core::HttpRoute r;
    r.match = std::move(match);
    r.route = std::move(destinations);
    return r;
}

core::RuleSet ruleSet(std::vector<core::HttpRoute> http,
                      std::vector<std::string> subsets = {"v1", "v2"})
{
    core::RuleSet rules;
    rules.virtualService.name = "auth-service";
    rules.virtualService.hosts = {"auth-service"};
    rules.virtualService.http = std::move(http);
    rules.destinationRule.name = "auth-service";
    rules.destinationRule.host = "auth-service";
    for (auto& s : subsets) {
        rules.destinationRule.subsets.push_back({s, {{"version", s}}});
    }
    return rules;
}

// Phase 3 of DESIGN.md §3 built by hand: v1 pin → v1, v2 pin → v2, default → v2.
core::RuleSet phase3Rules()
{
    auto fallback = httpRoute({}, {dest("v2")});
    fallback.route[0].headers.response.add["x-version"] = "auth-service-v2";
    return ruleSet(
        {httpRoute({headerMatch({{"x-version", {Kind::Regex, kPinRegexV1}}})}, {dest("v1")}),
         httpRoute({headerMatch({{"x-version", {Kind::Regex, kPinRegexV2}}})}, {dest("v2")}),
         fallback});
}

class RouterTest : public ::testing::Test
{
protected:
    Router::Decision routeTo(const HeaderList& headers, std::string_view host = "auth-service")
    {
        return m_router.route(host, headers, m_rng);
    }
    std::string subsetFor(const HeaderList& headers)
    {
        auto d = routeTo(headers);
        EXPECT_EQ(d.outcome, Outcome::Routed);
        return d.subset;
    }
    void applyOk(const core::RuleSet& rules)
    {
        auto r = m_router.apply(rules);
        ASSERT_TRUE(r.ok()) << r.error().toString();
    }

    Router m_router;
    Rng m_rng{42};
};

TEST_F(RouterTest, UnmanagedHostRoutesAnywhere)
{
    auto d = routeTo({}, "db-service");
    EXPECT_EQ(d.outcome, Outcome::Unmanaged);
    EXPECT_TRUE(d.labels.empty());
    EXPECT_FALSE(m_router.hasRules("db-service"));
    EXPECT_EQ(m_router.rules("db-service"), nullptr);
}

TEST_F(RouterTest, ApplyIndexesEveryHostAndRemoveDropsThemAll)
{
    auto rules = phase3Rules();
    rules.virtualService.hosts = {"auth-service", "auth-service.default.svc.cluster.local"};
    applyOk(rules);
    EXPECT_TRUE(m_router.hasRules("auth-service"));
    EXPECT_TRUE(m_router.hasRules("auth-service.default.svc.cluster.local"));
    ASSERT_NE(m_router.rules("auth-service"), nullptr);
    EXPECT_EQ(*m_router.rules("auth-service"), rules);
    EXPECT_EQ(routeTo({}, "auth-service.default.svc.cluster.local").subset, "v2");

    m_router.remove("auth-service.default.svc.cluster.local");
    EXPECT_FALSE(m_router.hasRules("auth-service"));
    EXPECT_FALSE(m_router.hasRules("auth-service.default.svc.cluster.local"));
    EXPECT_EQ(routeTo({}).outcome, Outcome::Unmanaged);
}

TEST_F(RouterTest, ApplyReportsWhetherRulesChanged)
{
    auto first = m_router.apply(phase3Rules());
    ASSERT_TRUE(first.ok());
    EXPECT_TRUE(first.value());
    auto again = m_router.apply(phase3Rules());
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again.value());
}

TEST_F(RouterTest, RulesWithoutHostAreRejected)
{
    auto rules = phase3Rules();
    rules.virtualService.hosts.clear();
    rules.destinationRule.host.clear();
    EXPECT_FALSE(m_router.apply(rules).ok());
}

TEST_F(RouterTest, FirstMatchingRouteWins)
{
    // Both routes match "auth-service-v1"; the first one listed must win.
    applyOk(
        ruleSet({httpRoute({headerMatch({{"x-version", {Kind::Prefix, "auth"}}})}, {dest("v2")}),
                 httpRoute({headerMatch({{"x-version", {Kind::Exact, "auth-service-v1"}}})},
                           {dest("v1")})}));
    auto d = routeTo({{"x-version", "auth-service-v1"}});
    EXPECT_EQ(d.outcome, Outcome::Routed);
    EXPECT_EQ(d.routeIndex, 0);
    EXPECT_EQ(d.subset, "v2");
}

TEST_F(RouterTest, MatchRequestsAreOrAndTheirHeadersAreAnd)
{
    auto both = headerMatch({{"x-a", {Kind::Exact, "1"}}, {"x-b", {Kind::Exact, "2"}}});
    auto onlyC = headerMatch({{"x-c", {Kind::Exact, "3"}}});
    applyOk(ruleSet({httpRoute({both, onlyC}, {dest("v1")}), httpRoute({}, {dest("v2")})}));

    EXPECT_EQ(subsetFor({{"x-a", "1"}, {"x-b", "2"}}), "v1");  // first request, all headers
    EXPECT_EQ(subsetFor({{"x-c", "3"}}), "v1");                // second request
    EXPECT_EQ(subsetFor({{"x-a", "1"}}), "v2");                // AND not satisfied
    EXPECT_EQ(subsetFor({{"x-a", "1"}, {"x-b", "9"}}), "v2");  // wrong value
    EXPECT_EQ(subsetFor({{"x-b", "2"}, {"x-c", "4"}}), "v2");
}

TEST_F(RouterTest, ExactPrefixAndMissingHeader)
{
    applyOk(
        ruleSet({httpRoute({headerMatch({{"x-exact", {Kind::Exact, "abc"}}})}, {dest("v1")}),
                 httpRoute({headerMatch({{"x-prefix", {Kind::Prefix, "ab"}}})}, {dest("v2")})}));
    EXPECT_EQ(routeTo({{"x-exact", "abc"}}).subset, "v1");
    EXPECT_EQ(routeTo({{"x-exact", "abcd"}}).outcome, Outcome::NoRoute);
    EXPECT_EQ(routeTo({{"x-exact", "ab"}}).outcome, Outcome::NoRoute);
    EXPECT_EQ(routeTo({{"x-prefix", "abzz"}}).subset, "v2");
    EXPECT_EQ(routeTo({{"x-prefix", "ab"}}).subset, "v2");
    EXPECT_EQ(routeTo({{"x-prefix", "a"}}).outcome, Outcome::NoRoute);
    // An absent header never matches, not even an empty prefix.
    applyOk(ruleSet({httpRoute({headerMatch({{"x-prefix", {Kind::Prefix, ""}}})}, {dest("v1")})}));
    EXPECT_EQ(routeTo({}).outcome, Outcome::NoRoute);
    EXPECT_EQ(routeTo({{"x-prefix", ""}}).subset, "v1");
}

TEST_F(RouterTest, GoldenPinRegexIsAFullMatch)
{
    applyOk(phase3Rules());
    EXPECT_EQ(subsetFor({{"x-version", "auth-service-v1"}}), "v1");
    EXPECT_EQ(subsetFor({{"x-version", "x-v1,auth-service-v1"}}), "v1");
    EXPECT_EQ(subsetFor({{"x-version", "auth-service-v1 , y"}}), "v1");
    EXPECT_EQ(subsetFor({{"x-version", "portal-service-v1, auth-service-v1"}}), "v1");
    EXPECT_EQ(subsetFor({{"x-version", "auth-service-v10"}}), "v2");
    EXPECT_EQ(subsetFor({{"x-version", "xauth-service-v1"}}), "v2");
    EXPECT_EQ(subsetFor({{"x-version", "auth-service-v2"}}), "v2");
    EXPECT_EQ(routeTo({{"x-version", "auth-service-v10"}}).routeIndex, 2);
    EXPECT_EQ(routeTo({{"x-version", "auth-service-v2"}}).routeIndex, 1);
}

TEST_F(RouterTest, HeaderNamesAreCaseInsensitive)
{
    applyOk(ruleSet(
        {httpRoute({headerMatch({{"X-Version", {Kind::Exact, "auth-service-v1"}}})}, {dest("v1")}),
         httpRoute({}, {dest("v2")})}));
    EXPECT_EQ(subsetFor({{"x-version", "auth-service-v1"}}), "v1");
    EXPECT_EQ(subsetFor({{"X-VERSION", "auth-service-v1"}}), "v1");
    EXPECT_EQ(subsetFor({{"x-version", "AUTH-SERVICE-V1"}}), "v2");  // values are not
}

TEST_F(RouterTest, RepeatedHeaderValuesAreJoinedWithComma)
{
    applyOk(ruleSet({httpRoute({headerMatch({{"x-version", {Kind::Exact, "a,b"}}})}, {dest("v1")}),
                     httpRoute({}, {dest("v2")})}));
    EXPECT_EQ(subsetFor({{"x-version", "a"}, {"X-Version", "b"}}), "v1");
    EXPECT_EQ(subsetFor({{"x-version", "a"}}), "v2");
    EXPECT_EQ(subsetFor({{"x-version", "b"}, {"x-version", "a"}}), "v2");

    applyOk(phase3Rules());
    EXPECT_EQ(subsetFor({{"x-version", "portal-service-v1"}, {"x-version", "auth-service-v1"}}),
              "v1");
}

TEST_F(RouterTest, SingleDestinationDrawsNothing)
{
    applyOk(phase3Rules());
    Rng untouched{42};
    routeTo({{"x-version", "auth-service-v1"}});
    EXPECT_EQ(m_rng(), untouched());
}

TEST_F(RouterTest, WeightsSplitTrafficDeterministically)
{
    applyOk(ruleSet({httpRoute({}, {dest("v1", 80), dest("v2", 20)})}));
    constexpr int kDraws = 100'000;
    auto countV1 = [&](Rng& rng) {
        int v1 = 0;
        for (int i = 0; i < kDraws; ++i) {
            v1 += m_router.route("auth-service", {}, rng).subset == "v1" ? 1 : 0;
        }
        return v1;
    };
    Rng a{7};
    Rng b{7};
    const int first = countV1(a);
    EXPECT_NEAR(first / double(kDraws), 0.8, 0.01);
    EXPECT_EQ(countV1(b), first);  // same seed, same choices
    // mt19937_64 is fully specified and the draw is (rng() >> 11) * 2^-53, so
    // this count is the same with every standard library.
    EXPECT_EQ(first, 80033);
}

TEST_F(RouterTest, UnsetWeightsAreZeroUnlessAllUnset)
{
    applyOk(ruleSet({httpRoute({}, {dest("v1"), dest("v2", 100)})}));
    for (int i = 0; i < 1000; ++i) {
        ASSERT_EQ(subsetFor({}), "v2");
    }
    applyOk(ruleSet({httpRoute({}, {dest("v1"), dest("v2")})}));
    int v1 = 0;
    for (int i = 0; i < 10'000; ++i) {
        v1 += subsetFor({}) == "v1" ? 1 : 0;
    }
    EXPECT_NEAR(v1 / 10'000.0, 0.5, 0.03);
}

TEST_F(RouterTest, SubsetsResolveToLabels)
{
    applyOk(phase3Rules());
    auto d = routeTo({{"x-version", "auth-service-v1"}});
    EXPECT_EQ(d.labels, (std::map<std::string, std::string>{{"version", "v1"}}));

    applyOk(ruleSet({httpRoute({}, {dest("")})}, {}));
    d = routeTo({});
    EXPECT_EQ(d.outcome, Outcome::Routed);
    EXPECT_TRUE(d.labels.empty());
    EXPECT_EQ(d.routeIndex, 0);
}

TEST_F(RouterTest, MissingSubsetIsNoSubset)
{
    applyOk(ruleSet({httpRoute({}, {dest("v3")})}));
    auto d = routeTo({});
    EXPECT_EQ(d.outcome, Outcome::NoSubset);
    EXPECT_EQ(d.subset, "v3");
    EXPECT_TRUE(d.labels.empty());

    auto noDr = ruleSet({httpRoute({}, {dest("v1")})}, {});
    noDr.destinationRule = {};
    applyOk(noDr);
    EXPECT_EQ(routeTo({}).outcome, Outcome::NoSubset);
}

TEST_F(RouterTest, NoMatchingRouteIsNoRoute)
{
    applyOk(ruleSet(
        {httpRoute({headerMatch({{"x-version", {Kind::Regex, kPinRegexV1}}})}, {dest("v1")})}));
    auto d = routeTo({{"x-version", "auth-service-v2"}});
    EXPECT_EQ(d.outcome, Outcome::NoRoute);
    EXPECT_EQ(d.routeIndex, -1);
    EXPECT_EQ(routeTo({}).outcome, Outcome::NoRoute);
    applyOk(ruleSet({}));
    EXPECT_EQ(routeTo({}).outcome, Outcome::NoRoute);
}

TEST_F(RouterTest, ResponseHeadersRouteLevelThenDestinationLevel)
{
    auto r = httpRoute({}, {dest("v1")});
    r.headers.response.add["x-route"] = "r";
    r.headers.response.set["x-set-route"] = "sr";
    r.route[0].headers.response.add["x-version"] = "auth-service-v1";
    r.route[0].headers.response.set["x-set-dest"] = "sd";
    applyOk(ruleSet({r}));
    auto d = routeTo({});
    using Pairs = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(d.responseAdd, (Pairs{{"x-route", "r"}, {"x-version", "auth-service-v1"}}));
    EXPECT_EQ(d.responseSet, (Pairs{{"x-set-route", "sr"}, {"x-set-dest", "sd"}}));
}

TEST_F(RouterTest, RouteRefAgreesWithRoute)
{
    applyOk(phase3Rules());
    for (const HeaderList& h : {HeaderList{}, HeaderList{{"x-version", "auth-service-v1"}},
                                HeaderList{{"x-version", "auth-service-v3"}}}) {
        const auto& ref = m_router.routeRef("auth-service", h, m_rng);
        auto copy = m_router.route("auth-service", h, m_rng);
        EXPECT_EQ(ref.outcome, copy.outcome);
        EXPECT_EQ(ref.routeIndex, copy.routeIndex);
        EXPECT_EQ(ref.labels, copy.labels);
        EXPECT_EQ(ref.responseAdd, copy.responseAdd);
    }
    EXPECT_EQ(m_router.routeRef("db-service", {}, m_rng).outcome, Outcome::Unmanaged);
}

TEST_F(RouterTest, InvalidRegexIsRejectedAndPreviousRulesKept)
{
    applyOk(phase3Rules());
    auto bad = ruleSet(
        {httpRoute({headerMatch({{"x-version", {Kind::Regex, "(unclosed"}}})}, {dest("v1")}),
         httpRoute({}, {dest("v1")})});
    auto r = m_router.apply(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("regex"), std::string::npos) << r.error().message;
    ASSERT_NE(m_router.rules("auth-service"), nullptr);
    EXPECT_EQ(*m_router.rules("auth-service"), phase3Rules());
    EXPECT_EQ(subsetFor({}), "v2");
    EXPECT_EQ(subsetFor({{"x-version", "auth-service-v1"}}), "v1");
}

TEST_F(RouterTest, ReplacingRulesInvalidatesTheRouteCache)
{
    applyOk(phase3Rules());
    const HeaderList pinned{{"x-version", "auth-service-v1"}};
    EXPECT_EQ(subsetFor(pinned), "v1");  // warms the cache for this key
    EXPECT_EQ(subsetFor({}), "v2");

    // Same header, same values, different routing: a stale cache would keep v1.
    applyOk(ruleSet(
        {httpRoute({headerMatch({{"x-version", {Kind::Regex, kPinRegexV1}}})}, {dest("v2")}),
         httpRoute({}, {dest("v1")})}));
    EXPECT_EQ(subsetFor(pinned), "v2");
    EXPECT_EQ(subsetFor({}), "v1");
}

TEST_F(RouterTest, CacheDistinguishesAbsentEmptyAndOtherHeaders)
{
    applyOk(ruleSet({httpRoute({headerMatch({{"x-a", {Kind::Prefix, ""}}})}, {dest("v1")}),
                     httpRoute({}, {dest("v2")})}));
    EXPECT_EQ(subsetFor({}), "v2");
    EXPECT_EQ(subsetFor({{"x-a", ""}}), "v1");
    EXPECT_EQ(subsetFor({}), "v2");
    EXPECT_EQ(subsetFor({{"x-b", ""}}), "v2");  // a header no rule reads
}

TEST_F(RouterTest, CacheStaysCorrectBeyondItsBound)
{
    applyOk(phase3Rules());
    for (int i = 0; i < 10'000; ++i) {
        const std::string other = "svc-" + std::to_string(i);
        ASSERT_EQ(subsetFor({{"x-version", other + ",auth-service-v1"}}), "v1");
        ASSERT_EQ(subsetFor({{"x-version", other}}), "v2");
    }
}

// The rules Concord really generates, applied phase after phase to one router
// as the update runner does (so a stale cache across phases would show).
class GeneratedRulesTest : public RouterTest
{
protected:
    void applyPhase(core::UpdatePhase phase)
    {
        core::RuleParams params;
        params.service = "auth-service";
        applyOk(core::generateRules(params, phase, "v1", "v2"));
    }
    // Subset and the response pin the caller gets back.
    std::pair<std::string, std::string> routeWithPin(const std::string& pin)
    {
        HeaderList headers{{"x-b3-traceid", "463ac35c9f6413ad"}};
        if (!pin.empty()) {
            headers.emplace_back("x-version", pin);
        }
        auto d = routeTo(headers);
        EXPECT_EQ(d.outcome, Outcome::Routed) << pin;
        EXPECT_EQ(d.labels, (std::map<std::string, std::string>{{"version", d.subset}})) << pin;
        EXPECT_TRUE(d.responseSet.empty());
        std::string added;
        for (const auto& [name, value] : d.responseAdd) {
            EXPECT_EQ(name, "x-version");
            added = value;
        }
        return {d.subset, added};
    }
};

using SubsetAndPin = std::pair<std::string, std::string>;
const std::string kV1Pin = "auth-service-v1";
const std::string kV2Pin = "auth-service-v2";
const std::string kPortalAndV1 = "portal-service-v1, auth-service-v1";

TEST_F(GeneratedRulesTest, EveryPhaseOfTheAuthServiceUpdate)
{
    applyPhase(core::UpdatePhase::Initial);
    EXPECT_EQ(routeWithPin(""), (SubsetAndPin{"v1", kV1Pin}));
    EXPECT_EQ(routeWithPin(kV1Pin), (SubsetAndPin{"v1", kV1Pin}));
    EXPECT_EQ(routeWithPin(kV2Pin), (SubsetAndPin{"v1", kV1Pin}));

    applyPhase(core::UpdatePhase::NewVersionOnline);
    EXPECT_EQ(routeWithPin(kV1Pin), (SubsetAndPin{"v1", ""}));
    EXPECT_EQ(routeWithPin(kV2Pin), (SubsetAndPin{"v2", ""}));
    EXPECT_EQ(routeWithPin(""), (SubsetAndPin{"v1", kV1Pin}));
    EXPECT_EQ(routeWithPin("portal-service-v1"), (SubsetAndPin{"v1", kV1Pin}));

    for (auto phase : {core::UpdatePhase::SwitchDefault, core::UpdatePhase::BlockAndLock,
                       core::UpdatePhase::SyncAndDiff}) {
        applyPhase(phase);
        EXPECT_EQ(routeWithPin(""), (SubsetAndPin{"v2", kV2Pin}));
        EXPECT_EQ(routeWithPin("portal-service-v1"), (SubsetAndPin{"v2", kV2Pin}));
        EXPECT_EQ(routeWithPin(kPortalAndV1), (SubsetAndPin{"v1", ""}));
        EXPECT_EQ(routeWithPin("auth-service-v10"), (SubsetAndPin{"v2", kV2Pin}));
        EXPECT_EQ(routeWithPin(kV2Pin), (SubsetAndPin{"v2", ""}));
    }

    applyPhase(core::UpdatePhase::Retired);
    EXPECT_EQ(routeWithPin(""), (SubsetAndPin{"v2", kV2Pin}));
    EXPECT_EQ(routeWithPin(kPortalAndV1), (SubsetAndPin{"v2", kV2Pin}));
    EXPECT_EQ(routeWithPin(kV2Pin), (SubsetAndPin{"v2", kV2Pin}));
}

}  // namespace
}  // namespace concord::sandbox
