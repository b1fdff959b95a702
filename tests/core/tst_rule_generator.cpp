#include <gtest/gtest.h>
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "core/rule_generator.h"
#include "core/rule_yaml.h"

namespace concord::core {
namespace {

std::string readGolden(const std::string& file)
{
    std::ifstream in(std::string(CONCORD_TEST_DATA_DIR "/golden/auth-service/") + file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Structural YAML equality: mapping key order is irrelevant, sequence order is
// not, scalars compare as text. Reports the first difference by path.
testing::AssertionResult sameYaml(const YAML::Node& a, const YAML::Node& b,
                                  const std::string& path = "")
{
    if (a.Type() != b.Type())
        return testing::AssertionFailure() << path << ": node types differ";
    switch (a.Type()) {
        case YAML::NodeType::Scalar:
            if (a.Scalar() != b.Scalar())
                return testing::AssertionFailure()
                       << path << ": \"" << a.Scalar() << "\" != \"" << b.Scalar() << "\"";
            return testing::AssertionSuccess();
        case YAML::NodeType::Sequence:
            if (a.size() != b.size())
                return testing::AssertionFailure()
                       << path << ": " << a.size() << " items != " << b.size() << " items";
            for (std::size_t i = 0; i < a.size(); ++i) {
                auto result = sameYaml(a[i], b[i], path + "[" + std::to_string(i) + "]");
                if (!result)
                    return result;
            }
            return testing::AssertionSuccess();
        case YAML::NodeType::Map: {
            std::set<std::string> keysA;
            std::set<std::string> keysB;
            for (const auto& kv : a)
                keysA.insert(kv.first.Scalar());
            for (const auto& kv : b)
                keysB.insert(kv.first.Scalar());
            if (keysA != keysB)
                return testing::AssertionFailure() << path << ": mapping keys differ";
            for (const std::string& key : keysA) {
                auto result = sameYaml(a[key], b[key], path + "." + key);
                if (!result)
                    return result;
            }
            return testing::AssertionSuccess();
        }
        default:
            return testing::AssertionSuccess();
    }
}

testing::AssertionResult sameYamlStream(const std::string& actual, const std::string& expected)
{
    const std::vector<YAML::Node> a = YAML::LoadAll(actual);
    const std::vector<YAML::Node> b = YAML::LoadAll(expected);
    if (a.size() != b.size())
        return testing::AssertionFailure() << a.size() << " documents != " << b.size();
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto result = sameYaml(a[i], b[i], "doc" + std::to_string(i));
        if (!result)
            return result << "\n--- actual:\n" << actual << "\n--- expected:\n" << expected;
    }
    return testing::AssertionSuccess();
}

RuleParams authParams()
{
    RuleParams params;
    params.service = "auth-service";
    params.apiVersion = IstioApiVersion::V1Alpha3;
    return params;
}

// The comparison helper must be able to fail, or the golden tests prove nothing.
TEST(YamlComparison, DetectsDifferences)
{
    EXPECT_TRUE(sameYaml(YAML::Load("{a: 1, b: [x, y]}"), YAML::Load("{b: [x, y], a: 1}")));
    EXPECT_FALSE(sameYaml(YAML::Load("{a: 1, b: [x, y]}"), YAML::Load("{a: 1, b: [y, x]}")));
    EXPECT_FALSE(sameYaml(YAML::Load("{a: 1}"), YAML::Load("{a: 1, c: 2}")));
    EXPECT_FALSE(sameYaml(YAML::Load("{a: 1}"), YAML::Load("{a: 2}")));
    EXPECT_FALSE(sameYaml(YAML::Load("{a: [1]}"), YAML::Load("{a: {b: 1}}")));
    EXPECT_FALSE(sameYamlStream("a: 1\n---\nb: 2\n", "a: 1\n"));
}

struct GoldenCase
{
    UpdatePhase phase;
    const char* file;
};

class GoldenTest : public testing::TestWithParam<GoldenCase>
{
};

TEST_P(GoldenTest, GeneratedYamlEqualsGoldenAsParsedYaml)
{
    const RuleSet rules = generateRules(authParams(), GetParam().phase, "v1", "v2");
    EXPECT_TRUE(sameYamlStream(toYaml(rules), readGolden(GetParam().file)));
}

TEST_P(GoldenTest, GoldenReadsBackToTheGeneratedRuleSet)
{
    const RuleSet rules = generateRules(authParams(), GetParam().phase, "v1", "v2");
    const auto parsed = parseRuleSets(readGolden(GetParam().file), GetParam().file);
    ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
    ASSERT_EQ(parsed->size(), 1u);
    EXPECT_EQ(parsed->front(), rules);
}

INSTANTIATE_TEST_SUITE_P(
    AuthService, GoldenTest,
    testing::Values(GoldenCase{UpdatePhase::Initial, "phase-1-initial.yaml"},
                    GoldenCase{UpdatePhase::NewVersionOnline, "phase-2-new-version-online.yaml"},
                    GoldenCase{UpdatePhase::SwitchDefault, "phase-3-switch-default.yaml"},
                    GoldenCase{UpdatePhase::BlockAndLock, "phase-3-switch-default.yaml"},
                    GoldenCase{UpdatePhase::SyncAndDiff, "phase-3-switch-default.yaml"},
                    GoldenCase{UpdatePhase::Retired, "phase-6-retired.yaml"}),
    [](const testing::TestParamInfo<GoldenCase>& info) {
        return std::string(toString(info.param.phase));
    });

TEST(RuleGenerator, GoldenPinRegexIsExact)
{
    EXPECT_EQ(pinRegex("auth-service", "v1"), R"((.*,)?\s*auth-service-v1\s*(,.*)?)");
    EXPECT_EQ(pinValue("auth-service", "v2"), "auth-service-v2");
}

TEST(RuleGenerator, PhasesFourAndFiveKeepThePhaseThreeRules)
{
    const RuleSet three = generateRules(authParams(), UpdatePhase::SwitchDefault, "v1", "v2");
    EXPECT_EQ(generateRules(authParams(), UpdatePhase::BlockAndLock, "v1", "v2"), three);
    EXPECT_EQ(generateRules(authParams(), UpdatePhase::SyncAndDiff, "v1", "v2"), three);
    EXPECT_NE(generateRules(authParams(), UpdatePhase::NewVersionOnline, "v1", "v2"), three);
}

TEST(RuleGenerator, PhaseNamesAreDistinct)
{
    std::set<std::string> names;
    for (int phase = 1; phase <= 6; ++phase)
        names.emplace(toString(static_cast<UpdatePhase>(phase)));
    EXPECT_EQ(names.size(), 6u);
    EXPECT_EQ(toString(UpdatePhase::Retired), "Retired");
}

RuleParams customParams()
{
    RuleParams params;
    params.service = "payments";
    params.host = "payments.shop.svc.cluster.local";
    params.ns = "shop";
    params.pinHeader = "x-pin";
    params.versionLabel = "track";
    params.apiVersion = IstioApiVersion::V1;
    return params;
}

TEST(RuleGenerator, HonoursServiceHostNamespacePinHeaderAndLabel)
{
    const RuleSet rules =
        generateRules(customParams(), UpdatePhase::NewVersionOnline, "1.0", "2.0");
    const VirtualService& vs = rules.virtualService;
    EXPECT_EQ(vs.name, "payments");
    EXPECT_EQ(vs.ns, "shop");
    EXPECT_EQ(vs.hosts, std::vector<std::string>{"payments.shop.svc.cluster.local"});
    ASSERT_EQ(vs.http.size(), 3u);
    const StringMatch& pin = vs.http[0].match.at(0).headers.at("x-pin");
    EXPECT_EQ(pin.kind, StringMatch::Kind::Regex);
    EXPECT_EQ(pin.value, R"((.*,)?\s*payments-1\.0\s*(,.*)?)");
    EXPECT_EQ(vs.http[1].route.at(0).subset, "2.0");
    const RouteDestination& fallback = vs.http[2].route.at(0);
    EXPECT_TRUE(vs.http[2].match.empty());
    EXPECT_EQ(fallback.host, "payments.shop.svc.cluster.local");
    EXPECT_EQ(fallback.subset, "1.0");
    EXPECT_EQ(fallback.headers.response.add.at("x-pin"), "payments-1.0");

    const DestinationRule& dr = rules.destinationRule;
    EXPECT_EQ(dr.name, "payments");
    EXPECT_EQ(dr.ns, "shop");
    EXPECT_EQ(dr.host, "payments.shop.svc.cluster.local");
    ASSERT_EQ(dr.subsets.size(), 2u);
    EXPECT_EQ(dr.findSubset("2.0")->labels, (std::map<std::string, std::string>{{"track", "2.0"}}));
    EXPECT_EQ(dr.findSubset("3.0"), nullptr);
}

TEST(RuleGenerator, CustomRulesMatchHandWrittenYaml)
{
    const std::string expected = R"(apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: payments, namespace: shop}
spec:
  hosts: [payments.shop.svc.cluster.local]
  http:
  - route:
    - destination: {host: payments.shop.svc.cluster.local, subset: b}
      headers: {response: {add: {x-pin: payments-b}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: payments, namespace: shop}
spec:
  host: payments.shop.svc.cluster.local
  subsets:
  - {name: b, labels: {track: b}}
)";
    const RuleSet rules = generateRules(customParams(), UpdatePhase::Retired, "a", "b");
    EXPECT_TRUE(sameYamlStream(toYaml(rules), expected));
}

TEST(RuleGenerator, NamespaceIsOmittedWhenEmpty)
{
    const RuleSet rules = generateRules(authParams(), UpdatePhase::Initial, "v1", "v2");
    const std::vector<YAML::Node> docs = YAML::LoadAll(toYaml(rules));
    ASSERT_EQ(docs.size(), 2u);
    EXPECT_FALSE(docs[0]["metadata"]["namespace"]);
    EXPECT_FALSE(docs[1]["metadata"]["namespace"]);

    RuleParams params = authParams();
    params.ns = "prod";
    const std::vector<YAML::Node> withNs =
        YAML::LoadAll(toYaml(generateRules(params, UpdatePhase::Initial, "v1", "v2")));
    EXPECT_EQ(withNs.at(0)["metadata"]["namespace"].as<std::string>(), "prod");
    EXPECT_EQ(withNs.at(1)["metadata"]["namespace"].as<std::string>(), "prod");
}

TEST(RuleGenerator, EveryApiVersionIsWrittenAndReadBack)
{
    const std::pair<IstioApiVersion, std::string> versions[] = {
        {IstioApiVersion::V1, "networking.istio.io/v1"},
        {IstioApiVersion::V1Beta1, "networking.istio.io/v1beta1"},
        {IstioApiVersion::V1Alpha3, "networking.istio.io/v1alpha3"},
    };
    for (const auto& [version, text] : versions) {
        RuleParams params = authParams();
        params.apiVersion = version;
        const RuleSet rules = generateRules(params, UpdatePhase::SwitchDefault, "v1", "v2");
        EXPECT_EQ(rules.virtualService.apiVersion, version);
        EXPECT_EQ(rules.destinationRule.apiVersion, version);
        const std::string yaml = toYaml(rules);
        const std::vector<YAML::Node> docs = YAML::LoadAll(yaml);
        ASSERT_EQ(docs.size(), 2u);
        EXPECT_EQ(docs[0]["apiVersion"].as<std::string>(), text);
        EXPECT_EQ(docs[1]["apiVersion"].as<std::string>(), text);
        EXPECT_EQ(toApiVersionString(version), text);
        EXPECT_EQ(parseApiVersion(text), version);
        const auto parsed = parseRuleSets(yaml);
        ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
        EXPECT_EQ(parsed->at(0), rules);
    }
    EXPECT_EQ(parseApiVersion("networking.istio.io/v2"), std::nullopt);
    EXPECT_EQ(parseApiVersion("v1"), std::nullopt);
}

TEST(RuleGenerator, DefaultApiVersionIsV1)
{
    RuleParams params;
    params.service = "a";
    const RuleSet rules = generateRules(params, UpdatePhase::Initial, "v1", "v2");
    EXPECT_EQ(rules.virtualService.apiVersion, IstioApiVersion::V1);
    EXPECT_EQ(rules.virtualService.hosts, std::vector<std::string>{"a"});
    EXPECT_EQ(rules.virtualService.http.at(0).route.at(0).headers.response.add.at("x-version"),
              "a-v1");
    EXPECT_EQ(rules.destinationRule.subsets.at(0).labels.at("version"), "v1");
}

TEST(PinRegex, EscapesRe2MetacharactersOnly)
{
    EXPECT_EQ(pinRegex("a", "1.2.0"), R"((.*,)?\s*a-1\.2\.0\s*(,.*)?)");
    EXPECT_EQ(pinRegex("my_svc-x", "v1-rc"), R"((.*,)?\s*my_svc-x-v1-rc\s*(,.*)?)");
    const std::string nasty = R"(v+*?()[]{}|^$\.)";
    const std::string regex = pinRegex("s", nasty);
    const RE2 re(regex);
    ASSERT_TRUE(re.ok()) << re.error();
    EXPECT_TRUE(RE2::FullMatch("s-" + nasty, re));
    EXPECT_FALSE(RE2::FullMatch("s-vvv", re));
}

TEST(PinRegex, MatchesExactlyThePinInAList)
{
    const RE2 re(pinRegex("a", "v1"));
    ASSERT_TRUE(re.ok()) << re.error();
    for (const char* yes : {"a-v1", "x-v9, a-v1", "a-v1,b-v2", "x-v9,a-v1,b-v2", " a-v1 "})
        EXPECT_TRUE(RE2::FullMatch(yes, re)) << yes;
    for (const char* no : {"a-v10", "xa-v1", "a-v2", "", "a-v1x", "b-a-v1", "a-v1b-v2"})
        EXPECT_FALSE(RE2::FullMatch(no, re)) << no;

    const RE2 dotted(pinRegex("a", "1.2.0"));
    EXPECT_TRUE(RE2::FullMatch("a-1.2.0", dotted));
    EXPECT_FALSE(RE2::FullMatch("a-1x2y0", dotted));
}

}  // namespace
}  // namespace concord::core
