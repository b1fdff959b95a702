#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/rule_generator.h"
#include "core/rule_yaml.h"

namespace concord::core {
namespace {

using testing::HasSubstr;

std::string readGolden(const std::string& file)
{
    std::ifstream in(std::string(CONCORD_TEST_DATA_DIR "/golden/auth-service/") + file);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to)
{
    for (std::size_t pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    return text;
}

// Expects parseRules to fail at `line` (1-based) with a message containing `text`.
void expectError(const std::string& yaml, int line, const std::string& text)
{
    const auto result = parseRules(yaml, "rules.yaml");
    ASSERT_FALSE(result.ok()) << "accepted:\n" << yaml;
    const Error& error = result.error();
    EXPECT_EQ(error.source, "rules.yaml");
    EXPECT_EQ(error.line, line) << error.toString();
    EXPECT_GT(error.column, 0) << error.toString();
    EXPECT_THAT(error.message, HasSubstr(text)) << error.toString();
}

const std::string kVsHead = R"(apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: svc
spec:
)";

// Everything istio_rules.h can express, in one VirtualService.
VirtualService richVirtualService()
{
    VirtualService vs;
    vs.apiVersion = IstioApiVersion::V1Beta1;
    vs.name = "shop";
    vs.ns = "prod";
    vs.hosts = {"shop", "shop.prod.svc.cluster.local"};
    HttpRoute canary;
    canary.name = "canary";
    canary.match.push_back({"by-user",
                            {{"x-user", {StringMatch::Kind::Prefix, "test-"}},
                             {"x-tier", {StringMatch::Kind::Exact, "gold"}}}});
    canary.match.push_back({"", {{"x-version", {StringMatch::Kind::Regex, "(.*,)?shop-v2"}}}});
    RouteDestination a{"shop", "v1", 8080, 90, {}};
    a.headers.request.set = {{"x-from", "concord"}};
    a.headers.request.remove = {"x-debug", "x-trace"};
    RouteDestination b{"shop", "v2", std::nullopt, 10, {}};
    b.headers.response.add = {{"x-version", "shop-v2"}};
    canary.route = {a, b};
    canary.headers.response.set = {{"cache-control", "no-store"}};
    canary.retries = HttpRetry{3, "2s", "5xx,connect-failure"};
    HttpRoute fallback;
    fallback.route.push_back({"shop", "", std::nullopt, std::nullopt, {}});
    fallback.retries = HttpRetry{};
    vs.http = {canary, fallback};
    return vs;
}

TEST(RuleYaml, EveryPhaseRoundTrips)
{
    for (const IstioApiVersion version :
         {IstioApiVersion::V1, IstioApiVersion::V1Beta1, IstioApiVersion::V1Alpha3}) {
        for (int phase = 1; phase <= 6; ++phase) {
            RuleParams params;
            params.service = "auth-service";
            params.apiVersion = version;
            const RuleSet rules =
                generateRules(params, static_cast<UpdatePhase>(phase), "v1", "v2");
            const auto parsed = parseRuleSets(toYaml(rules));
            ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
            ASSERT_EQ(parsed->size(), 1u);
            EXPECT_EQ(parsed->front(), rules) << "phase " << phase;
        }
    }
}

TEST(RuleYaml, EveryFieldRoundTrips)
{
    const VirtualService vs = richVirtualService();
    const std::string yaml = toYaml(vs);
    const auto parsed = parseRules(yaml);
    ASSERT_TRUE(parsed.ok()) << parsed.error().toString() << "\n" << yaml;
    ASSERT_EQ(parsed->virtualServices.size(), 1u);
    EXPECT_TRUE(parsed->destinationRules.empty());
    EXPECT_EQ(parsed->virtualServices.front(), vs) << yaml;
}

TEST(RuleYaml, EmptyOptionalFieldsAreOmitted)
{
    const YAML::Node doc = YAML::Load(toYaml(richVirtualService()));
    const YAML::Node fallback = doc["spec"]["http"][1];
    EXPECT_FALSE(fallback["match"]);
    EXPECT_FALSE(fallback["name"]);
    EXPECT_FALSE(fallback["headers"]);
    EXPECT_FALSE(fallback["route"][0]["weight"]);
    EXPECT_FALSE(fallback["route"][0]["headers"]);
    EXPECT_FALSE(fallback["route"][0]["destination"]["subset"]);
    EXPECT_FALSE(fallback["route"][0]["destination"]["port"]);
    const YAML::Node canary = doc["spec"]["http"][0];
    EXPECT_EQ(canary["route"][0]["weight"].as<int>(), 90);
    EXPECT_EQ(canary["route"][0]["destination"]["port"]["number"].as<int>(), 8080);
    EXPECT_FALSE(canary["route"][0]["headers"]["response"]);
    EXPECT_FALSE(canary["route"][0]["headers"]["request"]["add"]);
    EXPECT_FALSE(canary["match"][1]["name"]);
}

TEST(RuleYaml, ReadsEveryGoldenFile)
{
    for (const char* file : {"phase-1-initial.yaml", "phase-2-new-version-online.yaml",
                             "phase-3-switch-default.yaml", "phase-6-retired.yaml"}) {
        const auto parsed = parseRules(readGolden(file), file);
        ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
        ASSERT_EQ(parsed->virtualServices.size(), 1u) << file;
        ASSERT_EQ(parsed->destinationRules.size(), 1u) << file;
        const VirtualService& vs = parsed->virtualServices.front();
        EXPECT_EQ(vs.apiVersion, IstioApiVersion::V1Alpha3);
        EXPECT_EQ(vs.name, "auth-service");
        EXPECT_EQ(vs.hosts, std::vector<std::string>{"auth-service"});
        EXPECT_EQ(parsed->destinationRules.front().host, "auth-service");
    }
    const auto two = parseRules(readGolden("phase-2-new-version-online.yaml"));
    ASSERT_TRUE(two.ok());
    const VirtualService& vs = two->virtualServices.front();
    ASSERT_EQ(vs.http.size(), 3u);
    EXPECT_EQ(vs.http[0].match.at(0).headers.at("x-version").value,
              R"((.*,)?\s*auth-service-v1\s*(,.*)?)");
    EXPECT_EQ(vs.http[2].route.at(0).headers.response.add.at("x-version"), "auth-service-v1");
    EXPECT_EQ(two->destinationRules.front().subsets.size(), 2u);
}

TEST(RuleYaml, AcceptsV1AndV1Beta1)
{
    const std::string golden = readGolden("phase-1-initial.yaml");
    for (const auto& [text, version] :
         {std::pair{"networking.istio.io/v1", IstioApiVersion::V1},
          std::pair{"networking.istio.io/v1beta1", IstioApiVersion::V1Beta1}}) {
        const auto parsed = parseRuleSets(replaceAll(golden, "networking.istio.io/v1alpha3", text));
        ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
        EXPECT_EQ(parsed->at(0).virtualService.apiVersion, version);
        EXPECT_EQ(parsed->at(0).destinationRule.apiVersion, version);
    }
    expectError(replaceAll(golden, "networking.istio.io/v1alpha3", "networking.istio.io/v2"), 1,
                "apiVersion: unsupported \"networking.istio.io/v2\"");
}

TEST(RuleYaml, IgnoresClusterMetadataAndStatus)
{
    const std::string yaml = R"(apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: svc
  namespace: prod
  labels: {app: svc}
  annotations: {note: "x"}
  resourceVersion: "12345"
spec:
  host: svc
status:
  observedGeneration: 3
)";
    const auto parsed = parseRules(yaml);
    ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
    const DestinationRule& dr = parsed->destinationRules.at(0);
    EXPECT_EQ(dr.ns, "prod");
    EXPECT_TRUE(dr.subsets.empty());
}

TEST(RuleYaml, MultiDocumentInAnyOrder)
{
    RuleParams a;
    a.service = "a";
    RuleParams b;
    b.service = "b";
    b.ns = "other";
    const RuleSet ra = generateRules(a, UpdatePhase::NewVersionOnline, "v1", "v2");
    const RuleSet rb = generateRules(b, UpdatePhase::Retired, "v1", "v2");
    const std::string yaml = "---\n" + toYaml(rb.destinationRule) + "---\n" +
                             toYaml(ra.destinationRule) + "---\n" + toYaml(ra.virtualService) +
                             "---\n" + toYaml(rb.virtualService) + "---\n";
    const auto sets = parseRuleSets(yaml);
    ASSERT_TRUE(sets.ok()) << sets.error().toString();
    ASSERT_EQ(sets->size(), 2u);
    EXPECT_EQ(sets->at(0), ra);  // in VirtualService order
    EXPECT_EQ(sets->at(1), rb);

    const auto docs = parseRules(yaml);
    ASSERT_TRUE(docs.ok());
    EXPECT_EQ(docs->destinationRules.at(0), rb.destinationRule);
    EXPECT_EQ(docs->destinationRules.at(1), ra.destinationRule);
}

TEST(RuleYaml, PairingFailuresPointAtTheDocument)
{
    RuleParams a;
    a.service = "a";
    const RuleSet rules = generateRules(a, UpdatePhase::Initial, "v1", "v2");
    const std::string vs = toYaml(rules.virtualService);
    const std::string dr = toYaml(rules.destinationRule);
    const int vsLines = static_cast<int>(std::count(vs.begin(), vs.end(), '\n'));

    auto lonely = parseRuleSets(dr + "---\n" + vs + "---\n" + vs);
    ASSERT_FALSE(lonely.ok());
    EXPECT_THAT(lonely.error().message, HasSubstr("VirtualService \"a\" is defined twice"));
    const int drLines = static_cast<int>(std::count(dr.begin(), dr.end(), '\n'));
    EXPECT_EQ(lonely.error().line, drLines + vsLines + 3);

    auto noDr = parseRuleSets(vs);
    ASSERT_FALSE(noDr.ok());
    EXPECT_THAT(noDr.error().message, HasSubstr("has no DestinationRule"));
    EXPECT_EQ(noDr.error().line, 1);

    RuleSet other = rules;
    other.virtualService.ns = "elsewhere";  // same name, other namespace: no pair
    auto noVs = parseRuleSets(toYaml(other));
    ASSERT_FALSE(noVs.ok());
    EXPECT_EQ(parseRuleSets("").value().size(), 0u);
}

TEST(RuleYamlErrors, MalformedYaml)
{
    expectError(kVsHead + "  hosts: [a, b\n  http: []\n", 7, "invalid YAML");
    expectError("a: b\n  c: d\n", 2, "invalid YAML");
    expectError("a: b\n- c\n", 2, "invalid YAML");
    expectError(kVsHead + "  hosts: [svc]\n  http: *undefined\n", 7, "invalid YAML");
}

// Found by fuzz_rule_yaml: yaml-cpp 0.7's LoadAll() looped forever on these.
TEST(RuleYamlErrors, StrayCommaAtBlockLevelDoesNotHang)
{
    expectError("- just\n, a\n- sequence\n---\nscalar\n", 2, "invalid YAML");
    expectError(",\n", 1, "invalid YAML");
    expectError(readGolden("phase-1-initial.yaml") + ",\n", 28, "invalid YAML");
}

TEST(RuleYamlErrors, WrongKind)
{
    expectError("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\n", 2,
                "unsupported kind \"Gateway\"");
    expectError(readGolden("phase-1-initial.yaml") +
                    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n",
                30, "kind: unsupported kind \"Deployment\"");
    expectError("apiVersion: networking.istio.io/v1\nmetadata: {name: g}\n", 1,
                "kind: required field is missing");
}

TEST(RuleYamlErrors, MissingHosts)
{
    expectError(kVsHead + "  http: []\n", 6, "spec.hosts: required field is missing");
    expectError(kVsHead + "  hosts: []\n", 6, "spec.hosts: at least one host is required");
    expectError("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\n",
                1, "spec: required field is missing");
}

TEST(RuleYamlErrors, HeaderMatchWithTwoKinds)
{
    const std::string yaml = kVsHead + R"(  hosts: [svc]
  http:
  - route: [{destination: {host: svc}}]
  - match:
    - headers:
        x-version:
          exact: a
          prefix: b
    route: [{destination: {host: svc}}]
)";
    expectError(yaml, 12,
                "spec.http[1].match[0].headers.x-version: exactly one of exact, prefix, regex is "
                "required");
    expectError(kVsHead + "  hosts: [svc]\n  http:\n  - match: [{headers: {x-a: {}}}]\n" +
                    "    route: [{destination: {host: svc}}]\n",
                8, "exactly one of exact, prefix, regex");
}

TEST(RuleYamlErrors, BadRegex)
{
    const std::string yaml = kVsHead + R"(  hosts: [svc]
  http:
  - match:
    - headers:
        x-version:
          regex: "(unclosed"
    route: [{destination: {host: svc}}]
)";
    expectError(yaml, 11, "spec.http[0].match[0].headers.x-version.regex: invalid RE2 regex");
    // Perl look-arounds are not RE2.
    expectError(replaceAll(yaml, "(unclosed", "(?=a)b"), 11, "invalid RE2 regex");
}

TEST(RuleYamlErrors, WeightsMustSumTo100)
{
    const std::string yaml = kVsHead + R"(  hosts: [svc]
  http:
  - route:
    - destination: {host: svc, subset: v1}
      weight: 60
    - destination: {host: svc, subset: v2}
      weight: 30
)";
    expectError(yaml, 9, "spec.http[0].route: weights must sum to 100, not 90");
    const auto ok = parseRules(replaceAll(yaml, "30", "40"));
    ASSERT_TRUE(ok.ok()) << ok.error().toString();
    EXPECT_EQ(ok->virtualServices.at(0).http.at(0).route.at(1).weight, 40);

    const std::string missing = kVsHead + R"(  hosts: [svc]
  http:
  - route:
    - destination: {host: svc, subset: v1}
      weight: 100
    - destination: {host: svc, subset: v2}
)";
    expectError(missing, 11, "spec.http[0].route[1].weight: required");
    expectError(replaceAll(yaml, "weight: 60", "weight: 160"), 10,
                "spec.http[0].route[0].weight: must be between 0 and 100");
    expectError(replaceAll(yaml, "weight: 60", "weight: 6O"), 10, "must be an integer");
}

TEST(RuleYamlErrors, UnknownField)
{
    expectError(kVsHead + "  hosts: [svc]\n  gateways: [mesh]\n", 7,
                "spec.gateways: unknown or unsupported field (expected one of: hosts, http)");
    expectError(kVsHead + "  hosts: [svc]\n  http:\n  - route: [{destination: {host: svc}}]\n" +
                    "    timeout: 5s\n",
                9, "spec.http[0].timeout: unknown or unsupported field");
    expectError(kVsHead + "  hosts: [svc]\n  http:\n  - route: [{destination: {host: svc}}]\n" +
                    "    match: [{uri: {prefix: /}}]\n",
                9, "spec.http[0].match[0].uri: unknown or unsupported field");
    expectError(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\n"
        "spec:\n  host: x\n  trafficPolicy: {}\n",
        6, "spec.trafficPolicy: unknown or unsupported field");
    expectError(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\n"
        "spec: {host: x}\nextra: 1\n",
        5, "extra: unknown or unsupported field");
}

TEST(RuleYamlErrors, DocumentThatIsNotAMapping)
{
    expectError("just a scalar\n", 1, "a document must be a mapping");
    expectError(readGolden("phase-1-initial.yaml") + "---\n- a\n- b\n", 29,
                "a document must be a mapping");
}

TEST(RuleYamlErrors, MistypedFields)
{
    expectError(kVsHead + "  hosts: svc\n", 6, "spec.hosts: must be a list");
    expectError(kVsHead + "  hosts: [[svc]]\n", 6, "spec.hosts[0]: must be a string");
    expectError(kVsHead + "  hosts: [svc]\n  http: {route: []}\n", 7, "spec.http: must be a list");
    expectError(kVsHead + "  hosts: [svc]\n  http:\n  - route: []\n", 8,
                "spec.http[0].route: at least one destination is required");
    expectError(kVsHead + "  hosts: [svc]\n  http:\n  - route: [{destination: {subset: a}}]\n", 8,
                "spec.http[0].route[0].destination.host: required field is missing");
    expectError(kVsHead + "  hosts: [svc]\n  http:\n" +
                    "  - route: [{destination: {host: svc, port: {number: 70000}}}]\n",
                8, "destination.port.number: must be between 1 and 65535");
    expectError(kVsHead + "  hosts: [svc]\n  hosts: [other]\n", 7, "spec.hosts: duplicate key");
    expectError(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {}\n"
        "spec: {host: x}\n",
        3, "metadata.name: required field is missing");
    expectError(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\n"
        "spec:\n  host: x\n  subsets:\n  - name: v1\n  - name: v1\n",
        8, "spec.subsets[1].name: duplicate subset \"v1\"");
}

// Found by fuzz_rule_yaml: invalid UTF-8 was accepted, then written back as U+FFFD.
TEST(RuleYamlErrors, InvalidUtf8IsRejected)
{
    expectError(kVsHead + "  hosts: ['svc\xab']\n", 6, "spec.hosts[0]: must be valid UTF-8");
    expectError(kVsHead + "  hosts: [\"\xed\xa0\x80\"]\n", 6, "must be valid UTF-8");  // surrogate
    expectError(kVsHead + "  hosts: [\"\xc0\xaf\"]\n", 6, "must be valid UTF-8");      // overlong
    expectError(kVsHead + "  hosts: [svc]\n  \xff: 1\n", 7, "mapping keys must be valid UTF-8");
}

TEST(RuleYaml, NonAsciiAndControlCharactersRoundTrip)
{
    VirtualService vs = richVirtualService();
    vs.hosts = {"caf\xc3\xa9", "\xf0\x9f\x9a\x80", "tab\tquote\"back\\slash", "\x01",   " lead",
                "nel\xc2\x85", "ls\xe2\x80\xa8",   "bom\xef\xbb\xbf",         "del\x7f"};
    // Found by fuzz_rule_yaml: a trailing '\r' was written unquoted and lost.
    vs.name = "sho\r";
    vs.ns = "a\rb\n";
    vs.http[0].route[0].headers.request.set = {{"x-null", "null"}, {"x-tilde", "~"}, {"x-e", ""}};
    const std::string yaml = toYaml(vs);
    const auto parsed = parseRules(yaml);
    ASSERT_TRUE(parsed.ok()) << parsed.error().toString() << "\n" << yaml;
    EXPECT_EQ(parsed->virtualServices.at(0), vs) << yaml;
}

TEST(RuleYaml, NullFieldsCountAsAbsent)
{
    const auto parsed = parseRules(kVsHead + "  hosts: [svc]\n  http:\n");
    ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
    EXPECT_TRUE(parsed->virtualServices.at(0).http.empty());
    expectError(kVsHead + "  hosts:\n", 6, "spec.hosts: required field is missing");
}

TEST(RuleYaml, EmptyStreamsHaveNoDocuments)
{
    for (const char* yaml : {"", "---\n", "# only a comment\n", "---\n---\n"}) {
        const auto parsed = parseRules(yaml);
        ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
        EXPECT_TRUE(parsed->virtualServices.empty());
        EXPECT_TRUE(parsed->destinationRules.empty());
    }
}

TEST(RuleYamlLimits, OversizedInputIsRejected)
{
    std::string huge = kVsHead + "  hosts: [svc]\n# ";
    huge.append(std::size_t{5} << 20, 'x');
    const auto result = parseRules(huge);
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().message, HasSubstr("too large"));
}

// A VirtualService whose http list is `routes` aliases of one route of
// `destinations` aliases of one destination with a host of `hostBytes` bytes;
// the anchors hide in metadata, which is not read.
std::string aliasBomb(int routes, int destinations, std::size_t hostBytes)
{
    std::string yaml =
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n"
        "  name: svc\n  annotations:\n    h: &h " +
        std::string(hostBytes, 'h') +
        "\n    d: &d {destination: {host: *h}}\n    r: &r {route: [*d";
    for (int i = 1; i < destinations; ++i)
        yaml += ", *d";
    yaml += "]}\nspec:\n  hosts: [svc]\n  http: [*r";
    for (int i = 1; i < routes; ++i)
        yaml += ", *r";
    return yaml + "]\n";
}

TEST(RuleYamlLimits, AliasBombIsStoppedWhileReading)
{
    const std::string yaml = aliasBomb(128, 128, 8192);  // 128 MiB once expanded
    ASSERT_LT(yaml.size(), 16000u);
    const auto result = parseRules(yaml);
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().message, HasSubstr("expand to more than 64 MiB"));
}

TEST(RuleYamlLimits, RulesThatWouldWriteMoreThanTheInputLimitAreRejected)
{
    const auto result = parseRules(aliasBomb(64, 64, 1024));  // 4 MiB of hosts
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().message, HasSubstr("written out they would exceed 4 MiB"));

    // A modest use of aliases is fine.
    const auto ok = parseRules(aliasBomb(2, 64, 1024));
    ASSERT_TRUE(ok.ok()) << ok.error().toString();
    EXPECT_EQ(ok->virtualServices.at(0).http.at(1).route.size(), 64u);
}

TEST(RuleYamlLimits, LargePlainStreamIsAccepted)
{
    std::string yaml;
    int services = 0;
    while (yaml.size() < (std::size_t{256} << 10)) {
        RuleParams params;
        params.service = "svc-" + std::to_string(services++);
        yaml += toYaml(generateRules(params, UpdatePhase::NewVersionOnline, "v1", "v2")) + "---\n";
    }
    const auto sets = parseRuleSets(yaml);
    ASSERT_TRUE(sets.ok()) << sets.error().toString();
    EXPECT_EQ(sets->size(), static_cast<std::size_t>(services));
}

TEST(RuleYamlLimits, PessimisticSizeEstimateIsCheckedByWriting)
{
    // Non-ASCII text is estimated at 10 bytes a byte (the worst escape), so
    // this 440 KB value is estimated past 4 MiB; written out it is not.
    std::string value;
    for (int i = 0; i < 220000; ++i)
        value += "\xc3\xa9";
    const std::string yaml =
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\n"
        "metadata: {name: x}\nspec:\n  host: x\n  subsets:\n"
        "  - name: v1\n    labels: {note: " +
        value + "}\n";
    const auto result = parseRules(yaml);
    ASSERT_TRUE(result.ok()) << result.error().toString();
    EXPECT_EQ(result->destinationRules.at(0).subsets.at(0).labels.at("note"), value);
}

// The reader's size bound assumes toYaml() indents no deeper than 16 columns.
TEST(RuleYamlLimits, WrittenIndentationStaysWithinTheSizeBound)
{
    const std::string yaml = toYaml(richVirtualService());
    std::size_t deepest = 0;
    for (std::size_t start = 0; start < yaml.size();) {
        const std::size_t end = yaml.find('\n', start);
        const std::size_t indent = yaml.find_first_not_of(' ', start) - start;
        deepest = std::max(deepest, indent);
        start = end == std::string::npos ? yaml.size() : end + 1;
    }
    EXPECT_GE(deepest, 12u);  // the rich rules do reach deep
    EXPECT_LE(deepest, 16u) << yaml;
}

TEST(RuleYamlLimits, IgnoredMetadataIsNotExpanded)
{
    std::string yaml =
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\n"
        "metadata:\n  name: x\n  labels:\n    l0: &l0 [lol, lol, lol, lol]\n";
    for (int level = 1; level <= 30; ++level) {
        const std::string prev = "*l" + std::to_string(level - 1);
        yaml += "    l" + std::to_string(level) + ": &l" + std::to_string(level) + " [" + prev +
                ", " + prev + ", " + prev + ", " + prev + "]\n";
    }
    yaml += "spec: {host: x}\n";
    const auto result = parseRules(yaml);
    ASSERT_TRUE(result.ok()) << result.error().toString();
}

TEST(RuleYamlLimits, DeepNestingDoesNotCrash)
{
    for (const std::size_t depth : {100u, 5000u, 100000u}) {
        const std::string flow =
            kVsHead + "  hosts: " + std::string(depth, '[') + std::string(depth, ']') + "\n";
        EXPECT_FALSE(parseRules(flow).ok()) << depth;
        std::string block;
        for (std::size_t i = 0; i < std::min<std::size_t>(depth, 3000); ++i)
            block += std::string(i, ' ') + "k:\n";
        EXPECT_FALSE(parseRules(block).ok()) << depth;
    }
}

}  // namespace
}  // namespace concord::core
