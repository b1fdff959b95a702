#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "sandbox/topology.h"

namespace concord::sandbox {
namespace {

using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

const std::string kTopologies = CONCORD_TOPOLOGY_DIR;
const std::string kData = CONCORD_TEST_DATA_DIR;

Topology load(const std::string& file)
{
    auto result = loadTopologyFile(kTopologies + "/" + file);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().toString());
    return result.ok() ? result.value() : Topology{};
}

std::set<std::pair<std::string, std::string>> edgesOf(const core::MeshModel& mesh)
{
    return {mesh.callEdges().begin(), mesh.callEdges().end()};
}

std::vector<std::string> stepSummary(const std::vector<Step>& script)
{
    std::vector<std::string> out;
    for (const Step& step : script) {
        switch (step.kind) {
            case Step::Kind::Compute:
                out.push_back("compute");
                break;
            case Step::Kind::Pause:
                out.push_back("pause");
                break;
            case Step::Kind::Call:
                out.push_back("call " + step.service);
                break;
        }
    }
    return out;
}

TEST(Topology, ExampleHasTheDesignSystem)
{
    const Topology t = load("example.yaml");
    EXPECT_EQ(t.name, "example");
    EXPECT_EQ(t.pinHeader, "x-version");
    EXPECT_EQ(t.traceHeader, "x-b3-traceid");
    EXPECT_DOUBLE_EQ(t.meanArrivalInterval, 25);
    EXPECT_DOUBLE_EQ(t.messageDelay, 5);
    EXPECT_EQ(t.retries, 2);
    ASSERT_EQ(t.entries.size(), 1u);
    EXPECT_EQ(t.entries[0].service, "portal-service");
    EXPECT_EQ(t.update.service, "auth-service");
    EXPECT_EQ(t.update.fromVersion, "v1");
    EXPECT_EQ(t.update.toVersion, "v2");
    EXPECT_DOUBLE_EQ(t.update.at, 5000);

    const core::MeshModel mesh = t.toMeshModel();
    EXPECT_EQ(mesh.services().size(), 4u);
    EXPECT_EQ(edgesOf(mesh),
              (std::set<std::pair<std::string, std::string>>{{"portal-service", "auth-service"},
                                                             {"portal-service", "proc-service"},
                                                             {"proc-service", "auth-service"},
                                                             {"proc-service", "db-service"}}));

    const ServiceSpec* portal = t.findService("portal-service");
    ASSERT_NE(portal, nullptr);
    EXPECT_THAT(
        stepSummary(portal->scriptOf("v1")),
        ElementsAre("compute", "call auth-service", "pause", "call proc-service", "compute"));
    const Step& pause = portal->scriptOf("v1")[2];
    EXPECT_EQ(pause.duration.kind, Distribution::Kind::LogNormal);
    EXPECT_GT(pause.duration.mean, 1000);
    const ServiceSpec* proc = t.findService("proc-service");
    ASSERT_NE(proc, nullptr);
    EXPECT_THAT(
        stepSummary(proc->scriptOf("v1")),
        ElementsAre("compute", "call auth-service", "compute", "call db-service", "compute"));
}

TEST(Topology, ExampleAuthHasTwoIncompatibleVersions)
{
    const Topology t = load("example.yaml");
    const ServiceSpec* auth = t.findService("auth-service");
    ASSERT_NE(auth, nullptr);
    EXPECT_TRUE(auth->failOnMixedVersions);
    EXPECT_EQ(auth->serving, "v1");
    ASSERT_EQ(auth->versions.size(), 2u);
    EXPECT_EQ(auth->versions[1].parent, "v1");
    EXPECT_NE(auth->versions[0].image, auth->versions[1].image);
    EXPECT_TRUE(auth->versions[1].script.empty());
    EXPECT_EQ(&auth->scriptOf("v2"), &auth->scriptOf("v1"));  // inherited
    for (const ServiceSpec& service : t.services) {
        for (const VersionSpec& version : service.versions)
            EXPECT_EQ(version.instances, 2) << service.name << " " << version.name;
    }

    const core::MeshModel mesh = t.toMeshModel();
    const core::Service* model = mesh.findService("auth-service");
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(model->ns, "security");
    ASSERT_EQ(model->versions.preorder().size(), 2u);
    EXPECT_EQ(model->versions.root()->name, "v1");
    EXPECT_EQ(model->versions.find("v1")->state, core::VersionState::Serving);
    EXPECT_EQ(model->versions.find("v1")->instances, 2);
    EXPECT_EQ(model->versions.find("v2")->state, core::VersionState::Registered);
    EXPECT_EQ(model->versions.find("v2")->instances, 0);
    EXPECT_EQ(model->versions.find("v2")->image, "concord/auth:2.0");
}

TEST(Topology, OnlineShopHasTheBoutiqueShape)
{
    const Topology t = load("online-shop.yaml");
    EXPECT_EQ(t.name, "online-shop");
    EXPECT_EQ(t.services.size(), 11u);
    const core::MeshModel mesh = t.toMeshModel();
    EXPECT_THAT(mesh.callees("frontend"),
                UnorderedElementsAre("currencyservice", "productcatalogservice", "cartservice",
                                     "recommendationservice", "adservice", "checkoutservice"));
    EXPECT_THAT(mesh.callees("checkoutservice"),
                UnorderedElementsAre("cartservice", "productcatalogservice", "currencyservice",
                                     "shippingservice", "paymentservice", "emailservice"));
    EXPECT_THAT(mesh.callees("recommendationservice"), ElementsAre("productcatalogservice"));
    EXPECT_THAT(mesh.callees("cartservice"), ElementsAre("redis-cart"));
    EXPECT_THAT(mesh.callers("currencyservice"),
                UnorderedElementsAre("frontend", "checkoutservice"));
    EXPECT_EQ(mesh.reachableFrom("frontend").size(), 10u);

    std::set<std::string> groups;
    for (const ServiceSpec& service : t.services)
        groups.insert(service.group);
    EXPECT_EQ(groups, (std::set<std::string>{"web", "checkout", "cart", "catalog", "platform"}));

    EXPECT_EQ(t.update.service, "currencyservice");
    EXPECT_TRUE(t.findService("currencyservice")->failOnMixedVersions);
    const ServiceSpec* catalog = t.findService("productcatalogservice");
    ASSERT_NE(catalog, nullptr);
    EXPECT_EQ(catalog->findVersion("v2.1")->parent, "v2");
    EXPECT_EQ(catalog->findVersion("v2.1")->instances, 0);
    EXPECT_DOUBLE_EQ(catalog->scriptOf("v2.1").front().duration.mean, 3);  // from v2, not v1
    ASSERT_NE(mesh.findService("productcatalogservice"), nullptr);
    EXPECT_EQ(mesh.findService("productcatalogservice")->versions.children("v2").size(), 1u);
    const Step& checkout = t.findService("frontend")->scriptOf("v1")[6];
    EXPECT_EQ(checkout.service, "checkoutservice");
    EXPECT_DOUBLE_EQ(checkout.probability, 0.1);
}

TEST(Topology, ScriptOfInheritsFromTheNearestAncestorWithAScript)
{
    const auto t = parseTopology(R"(name: inherit
entries: [{service: s}]
services:
  - name: s
    versions:
      - name: v1
        script: [{compute: 1}]
      - {name: v2, parent: v1}
      - {name: v3, parent: v2, script: [{compute: 3}]}
      - {name: v4, parent: v3}
      - {name: v5, parent: v1, script: []}
  - name: leaf
    versions: [{name: v1}]
)");
    ASSERT_TRUE(t.ok()) << t.error().toString();
    const ServiceSpec& s = *t->findService("s");
    auto computeOf = [&](const char* v) { return s.scriptOf(v).at(0).duration.mean; };
    EXPECT_DOUBLE_EQ(computeOf("v1"), 1);
    EXPECT_DOUBLE_EQ(computeOf("v2"), 1);
    EXPECT_DOUBLE_EQ(computeOf("v3"), 3);
    EXPECT_DOUBLE_EQ(computeOf("v4"), 3);
    EXPECT_DOUBLE_EQ(computeOf("v5"), 1);
    EXPECT_TRUE(s.scriptOf("v9").empty());
    // A root without a script is a leaf that computes for 1 unit.
    const std::vector<Step>& leaf = t->findService("leaf")->scriptOf("v1");
    ASSERT_EQ(leaf.size(), 1u);
    EXPECT_EQ(leaf[0].kind, Step::Kind::Compute);
    EXPECT_EQ(leaf[0].duration, Distribution::constant(1));
    EXPECT_EQ(t->findService("leaf")->serving, "v1");
    EXPECT_EQ(t->services[0].versions[0].line, 6);
    EXPECT_EQ(t->services[0].versions[0].script[0].line, 7);
}

TEST(Topology, DefaultsApplyWhenKeysAreLeftOut)
{
    const auto t = parseTopology(
        "name: d\nentries: [{service: a}]\nservices: [{name: a, "
        "versions: [{name: v1}]}]\n");
    ASSERT_TRUE(t.ok()) << t.error().toString();
    EXPECT_EQ(t->pinHeader, "x-version");
    EXPECT_EQ(t->traceHeader, "x-b3-traceid");
    EXPECT_DOUBLE_EQ(t->meanArrivalInterval, 25);
    EXPECT_DOUBLE_EQ(t->messageDelay, 5);
    EXPECT_EQ(t->retries, 2);
    EXPECT_DOUBLE_EQ(t->entries[0].weight, 1);
    EXPECT_TRUE(t->update.service.empty());
    EXPECT_EQ(t->services[0].versions[0].instances, 1);
    EXPECT_FALSE(t->services[0].failOnMixedVersions);
    EXPECT_EQ(t->toMeshModel().findService("a")->ns, "default");
}

TEST(Topology, DistributionFormsAreParsed)
{
    const auto t = parseTopology(R"(name: dists
entries: [{service: a}]
services:
  - name: a
    versions:
      - name: v1
        script:
          - compute: 7
          - compute: {dist: constant, mean: 2}
          - compute: {dist: exponential, mean: 5}
          - pause: {dist: lognormal, mean: 2000, sigma: 1.2}
          - compute: {dist: uniform, min: 1, max: 3}
          - call: {service: a, probability: 0.25, bound: 3}
)");
    ASSERT_TRUE(t.ok()) << t.error().toString();
    const std::vector<Step>& s = t->services[0].versions[0].script;
    ASSERT_EQ(s.size(), 6u);
    EXPECT_EQ(s[0].duration, Distribution::constant(7));
    EXPECT_EQ(s[1].duration, Distribution::constant(2));
    EXPECT_EQ(s[2].duration, Distribution::exponential(5));
    EXPECT_EQ(s[3].kind, Step::Kind::Pause);
    EXPECT_EQ(s[3].duration, Distribution::logNormal(2000, 1.2));
    EXPECT_EQ(s[4].duration, Distribution::uniform(1, 3));
    EXPECT_DOUBLE_EQ(s[4].duration.mean, 2);
    EXPECT_EQ(s[5].service, "a");
    EXPECT_DOUBLE_EQ(s[5].probability, 0.25);
    EXPECT_EQ(s[5].bound, 3);  // a bounded self-call is allowed
}

// ---------------------------------------------------------------------------
// Rejected inputs: each with the line (and where useful the column) and words
// of the reason.

struct BadCase
{
    const char* name;
    std::string yaml;
    int line;
    std::vector<std::string> words;
    int column = 0;  // 0: not checked
};

// A valid two-service topology; cases replace one line of it.
const char* const kBase = R"(name: base
entries: [{service: a}]
update: {service: b, from: v1, to: v2, at: 100}
services:
  - name: a
    versions:
      - name: v1
        script:
          - compute: 1
          - call: b
  - name: b
    versions:
      - name: v1
      - name: v2
        parent: v1
)";

std::string withLine(int line, const std::string& replacement)
{
    std::string text = kBase;
    std::size_t start = 0;
    for (int i = 1; i < line; ++i)
        start = text.find('\n', start) + 1;
    const std::size_t end = text.find('\n', start);
    return text.replace(start, end - start, replacement);
}

// Replaces lines [first, last] with `replacement`.
std::string withLines(int first, int last, const std::string& replacement)
{
    std::string text = kBase;
    std::size_t start = 0;
    for (int i = 1; i < first; ++i)
        start = text.find('\n', start) + 1;
    std::size_t end = start;
    for (int i = first; i <= last; ++i)
        end = text.find('\n', end) + 1;
    return text.replace(start, end - start, replacement + "\n");
}

std::string appended(const std::string& lines)
{
    return std::string(kBase) + lines;
}

std::vector<BadCase> badCases()
{
    return {
        {"syntax", withLine(2, "entries: [{service: a}"), 0, {"YAML syntax error"}},
        {"unknownTopKey",
         withLine(1, "naem: base"),
         1,
         {"unknown key 'naem'", "did you mean 'name'"},
         1},
        {"unknownVersionKey",
         withLine(14, "      - name: v2\n        imgae: x"),
         15,
         {"unknown key 'imgae'", "'image'"},
         9},
        {"unknownStepKey",
         withLine(9, "          - compute: 1\n            sleep: 2"),
         10,
         {"unknown key 'sleep'"}},
        {"missingName", withLine(1, "description: no name"), 1, {"missing required key 'name'"}},
        {"missingVersions",
         withLines(12, 15, "    group: g"),
         11,
         {"missing required key 'versions'"}},
        {"unknownCallee",
         withLine(10, "          - call: c"),
         10,
         {"call to unknown service 'c'"},
         19},
        {"unknownCalleeInMap",
         withLine(10, "          - call: {service: zz, probability: 1}"),
         10,
         {"unknown service 'zz'"}},
        {"unknownEntry",
         withLine(2, "entries: [{service: nope}]"),
         2,
         {"entry", "unknown service 'nope'"}},
        {"unknownUpdateService",
         withLine(3, "update: {service: x, from: v1, to: v2}"),
         3,
         {"update", "unknown service 'x'"}},
        {"unknownUpdateVersion",
         withLine(3, "update: {service: b, from: v1, to: v7}"),
         3,
         {"to version 'v7'", "does not exist"}},
        {"updateFromNotServing",
         withLine(3, "update: {service: b, from: v2, to: v1}"),
         3,
         {"not the serving version"}},
        {"selfCycle", withLine(10, "          - call: a"), 10, {"cycle a → a", "bound"}},
        {"negativeInterval",
         withLine(1, "name: base\narrival: {meanInterval: -5}"),
         2,
         {"meanInterval", ">"}},
        {"zeroInterval",
         withLine(1, "name: base\narrival: {meanInterval: 0}"),
         2,
         {"meanInterval"}},
        {"nanInterval",
         withLine(1, "name: base\narrival: {meanInterval: .nan}"),
         2,
         {"meanInterval", "finite"}},
        {"infDelay", withLine(1, "name: base\nmessageDelay: .inf"), 2, {"messageDelay", "finite"}},
        {"negativeDelay", withLine(1, "name: base\nmessageDelay: -1"), 2, {"messageDelay"}},
        {"negativeCompute", withLine(9, "          - compute: -3"), 9, {"compute", ">= 0"}},
        {"negativeMean",
         withLine(9, "          - pause: {dist: exponential, mean: -1}"),
         9,
         {"mean"}},
        {"negativeSigma",
         withLine(9, "          - pause: {dist: lognormal, mean: 5, sigma: -1}"),
         9,
         {"sigma"}},
        {"nanSigma",
         withLine(9, "          - pause: {dist: lognormal, mean: 5, sigma: nan}"),
         9,
         {"sigma", "finite"}},
        {"negativeAt", withLine(3, "update: {service: b, from: v1, to: v2, at: -1}"), 3, {"at"}},
        {"probabilityHigh",
         withLine(10, "          - call: {service: b, probability: 1.5}"),
         10,
         {"probability"}},
        {"probabilityLow",
         withLine(10, "          - call: {service: b, probability: -0.1}"),
         10,
         {"probability"}},
        {"negativeInstances",
         withLine(13, "      - name: v1\n        instances: -1"),
         14,
         {"instances", "-1"}},
        {"fractionalInstances",
         withLine(13, "      - name: v1\n        instances: 1.5"),
         14,
         {"instances", "integer"}},
        {"duplicateService",
         appended("  - name: a\n    versions: [{name: v1}]\n"),
         16,
         {"duplicate service 'a'", "line 5"}},
        {"duplicateVersion",
         appended("      - name: v1\n"),
         16,
         {"duplicate version 'v1'", "line 13"}},
        {"unknownParent", withLine(15, "        parent: v0"), 15, {"unknown parent 'v0'"}},
        {"parentAfterChild",
         withLine(13,
                  "      - name: v1\n      - name: v3\n        parent: v4\n      - name: v4\n"
                  "        parent: v1"),
         15,
         {"parent 'v4'", "after"}},
        {"twoRoots", withLine(15, "        image: x"), 14, {"no parent", "root"}},
        {"servingMissing",
         withLine(12, "    serving: v9\n    versions:"),
         12,
         {"serving version 'v9'", "does not exist"}},
        {"servingWithoutInstances",
         withLine(13, "      - name: v1\n        instances: 0"),
         13,
         {"no instances"}},
        {"duplicateKey", withLine(1, "name: base\nname: again"), 2, {"duplicate key 'name'"}},
        {"versionsNotAList", withLines(12, 15, "    versions: 5"), 12, {"versions", "list"}},
        {"stepTwoKeys", withLine(9, "          - {compute: 1, pause: 2}"), 9, {"exactly one"}},
        {"unknownDist",
         withLine(9, "          - compute: {dist: gamma, mean: 1}"),
         9,
         {"unknown dist 'gamma'"}},
        {"sigmaOnExponential",
         withLine(9,
                  "          - compute: {dist: exponential, mean: 1, "
                  "sigma: 2}"),
         9,
         {"exponential", "'sigma'"}},
        {"uniformReversed",
         withLine(9, "          - compute: {dist: uniform, min: 3, max: 1}"),
         9,
         {"max", "min"}},
        {"badServiceName", withLine(11, "  - name: B_Service"), 11, {"service name"}},
        {"badPinHeader", withLine(1, "name: base\npinHeader: \"X Version\""), 2, {"pinHeader"}},
        {"retriesTooMany", withLine(1, "name: base\nretries: 1000"), 2, {"retries"}},
        {"emptyServices",
         "name: x\nentries: [{service: a}]\nservices: []\n",
         3,
         {"services", "non-empty"}},
        {"topLevelList", "- a\n- b\n", 1, {"mapping"}},
        {"twoDocuments", std::string(kBase) + "---\nname: other\n", 16, {"one YAML document"}},
        // yaml-cpp 0.7's LoadAll() never returns on these (found by fuzz_topology).
        {"strayComma", ",", 1, {"one YAML document"}},
        {"trailingComma",
         "{name: x, entries: [{service: a}], services: [{name: a, versions: "
         "[{name: v1}]}]},",
         1,
         {"one YAML document"}},
    };
}

TEST(TopologyRejects, EachBadCaseWithLineAndReason)
{
    ASSERT_TRUE(parseTopology(kBase).ok()) << parseTopology(kBase).error().toString();
    for (const BadCase& bad : badCases()) {
        SCOPED_TRACE(bad.name);
        const auto result = parseTopology(bad.yaml, "case.yaml");
        ASSERT_FALSE(result.ok()) << bad.yaml;
        const core::Error& error = result.error();
        EXPECT_EQ(error.source, "case.yaml");
        if (bad.line > 0)
            EXPECT_EQ(error.line, bad.line) << error.toString();
        else
            EXPECT_GT(error.line, 0) << error.toString();
        if (bad.column > 0)
            EXPECT_EQ(error.column, bad.column) << error.toString();
        for (const std::string& word : bad.words)
            EXPECT_THAT(error.message, HasSubstr(word)) << error.toString();
    }
}

TEST(TopologyRejects, CycleWithoutABoundButAcceptsABoundedOne)
{
    const std::string cyclic = R"(name: cyclic
entries: [{service: a}]
services:
  - name: a
    versions:
      - name: v1
        script: [{call: b}]
  - name: b
    versions:
      - name: v1
        script: [{compute: 1}]
      - name: v2
        parent: v1
        script: [{call: a}]
)";
    const auto result = parseTopology(cyclic);
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().message, HasSubstr("cycle a → b → a without a bound"));
    EXPECT_EQ(result.error().line, 7);

    std::string bounded = cyclic;
    bounded.replace(bounded.find("{call: a}"), 9, "{call: {service: a, bound: 2}}");
    const auto ok = parseTopology(bounded);
    ASSERT_TRUE(ok.ok()) << ok.error().toString();
    EXPECT_THAT(ok->toMeshModel().reachableFrom("a"), UnorderedElementsAre("a", "b"));
}

TEST(TopologyRejects, FilesNameTheFileAndLine)
{
    struct FileCase
    {
        const char* file;
        int line;
        const char* words;
    };
    for (const FileCase& c : {FileCase{"unknown-service.yaml", 11, "unknown service 'billing'"},
                              FileCase{"cycle.yaml", 9, "cycle a → b → c → a"},
                              FileCase{"negative-rate.yaml", 4, "meanInterval"},
                              FileCase{"duplicate-version.yaml", 12, "duplicate version 'v2'"}}) {
        SCOPED_TRACE(c.file);
        const auto result = loadTopologyFile(kData + "/topologies/" + c.file);
        ASSERT_FALSE(result.ok());
        EXPECT_THAT(result.error().source, EndsWith(c.file));
        EXPECT_EQ(result.error().line, c.line) << result.error().toString();
        EXPECT_THAT(result.error().message, HasSubstr(c.words));
        EXPECT_THAT(result.error().toString(),
                    HasSubstr(std::string(c.file) + ":" + std::to_string(c.line) + ":"));
    }
    const auto missing = loadTopologyFile(kData + "/topologies/no-such-file.yaml");
    ASSERT_FALSE(missing.ok());
    EXPECT_THAT(missing.error().message, HasSubstr("cannot open"));
}

TEST(TopologyRejects, HugeAndDeepInputsBeforeParsing)
{
    const std::string huge = std::string(kBase) + "# " + std::string(4 * 1024 * 1024, 'x') + "\n";
    const auto tooBig = parseTopology(huge);
    ASSERT_FALSE(tooBig.ok());
    EXPECT_THAT(tooBig.error().message, HasSubstr("4 MiB"));

    const std::vector<std::string> deep = {
        std::string(100, '[') + std::string(100, ']'),
        "name: x\ndescription: " + std::string(65, '{') + "\n",
        [] {
            std::string s;
            for (int i = 0; i < 70; ++i)
                s += "- ";
            return s + "x\n";
        }(),
        [] {
            std::string s;
            for (int i = 0; i < 70; ++i)
                s += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
            return s;
        }(),
        // Million-deep: must neither crash nor take long.
        std::string(1'000'000, '['),
    };
    for (const std::string& text : deep) {
        const auto result = parseTopology(text);
        ASSERT_FALSE(result.ok());
        EXPECT_THAT(result.error().message, HasSubstr("nested deeper than 64"))
            << result.error().toString();
    }
    // 64 levels are fine as far as nesting goes (the schema then rejects them).
    const auto shallow = parseTopology("name: x\ndescription: " + std::string(60, '[') +
                                       std::string(60, ']') + "\n");
    ASSERT_FALSE(shallow.ok());
    EXPECT_THAT(shallow.error().message, HasSubstr("description must be a string"));
}

TEST(TopologyRejects, GarbageWithoutThrowing)
{
    const std::vector<std::string> inputs = {
        "",
        "\n\n",
        "~",
        "42",
        "name: x",
        "{",
        "]]]]",
        "\"unterminated",
        "name: [a, b]\nservices: x\nentries: y\n",
        "name: x\nentries: [{service: a}]\nservices: [{name: a, versions: [{name: v1, script: "
        "[{call: {}}]}]}]\n",
        "name: x\nentries: [{service: a}]\nservices: [{name: a, versions: [{name: v1, script: "
        "[{compute: }]}]}]\n",
        "name: x\nentries: [{service: a}]\nservices: [{name: a, versions: [{name: v1, script: "
        "[{compute: {}}]}]}]\n",
        "name: x\nentries: [{service: a}]\nservices: [{name: a, versions: [{name: v1, script: "
        "[[]]}]}]\n",
        "name: x\nentries: [{service: a}]\nservices: [{name: a, versions: [{name: v1, instances: "
        "99999999999999999999}]}]\n",
        "? [a]\n: b\n",
        "&a [*a]",
        std::string("name: \0x\n", 10),
        "name: x\n\tservices: []\n",
    };
    for (const std::string& text : inputs) {
        const auto result = parseTopology(text, "junk");
        EXPECT_FALSE(result.ok()) << text;
        if (!result.ok())
            EXPECT_FALSE(result.error().message.empty());
    }
}

TEST(TopologyRejects, AliasesCannotMultiplyScriptsWithoutBound)
{
    // 250 versions all aliasing one 1000-step script would be 250k steps.
    std::string text =
        "name: x\nentries: [{service: a}]\nservices:\n  - name: a\n    versions:\n"
        "      - name: v0\n        script: &s\n";
    for (int i = 0; i < 1000; ++i)
        text += "          - compute: 1\n";
    for (int i = 1; i < 250; ++i)
        text += "      - {name: v" + std::to_string(i) + ", parent: v0, script: *s}\n";
    const auto result = parseTopology(text);
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().message, HasSubstr("too many versions and script steps"));

    // The same for version lists shared by many services.
    std::string versions =
        "name: x\nentries: [{service: s0}]\nservices:\n  - name: s0\n"
        "    versions: &v\n      - name: v0\n";
    for (int i = 1; i < 250; ++i)
        versions += "      - {name: v" + std::to_string(i) + ", parent: v0}\n";
    for (int i = 1; i < 1000; ++i)
        versions += "  - {name: s" + std::to_string(i) + ", versions: *v}\n";
    const auto shared = parseTopology(versions);
    ASSERT_FALSE(shared.ok());
    EXPECT_THAT(shared.error().message, HasSubstr("too many versions"));
}

TEST(TopologyRejects, LargeListsWithoutQuadraticTime)
{
    // 4 MiB of entries or versions must be answered quickly, not in minutes.
    std::string entries = "name: x\nservices: [{name: a, versions: [{name: v1}]}]\nentries:\n";
    for (int i = 0; i < 50000; ++i)
        entries += "  - {service: e" + std::to_string(i) + "}\n";
    const auto manyEntries = parseTopology(entries);
    ASSERT_FALSE(manyEntries.ok());
    EXPECT_THAT(manyEntries.error().message, HasSubstr("unknown service 'e0'"));

    std::string versions =
        "name: x\nentries: [{service: a}]\nservices:\n  - name: a\n"
        "    versions:\n      - name: v0\n";
    for (int i = 1; i < 300; ++i)
        versions += "      - {name: v" + std::to_string(i) + ", parent: v0}\n";
    const auto manyVersions = parseTopology(versions);
    ASSERT_FALSE(manyVersions.ok());
    EXPECT_THAT(manyVersions.error().message, HasSubstr("more than 256 versions"));
}

// ---------------------------------------------------------------------------

void expectSameTopology(const Topology& a, const Topology& b)
{
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.pinHeader, b.pinHeader);
    EXPECT_EQ(a.traceHeader, b.traceHeader);
    EXPECT_EQ(a.meanArrivalInterval, b.meanArrivalInterval);
    EXPECT_EQ(a.messageDelay, b.messageDelay);
    EXPECT_EQ(a.retries, b.retries);
    ASSERT_EQ(a.entries.size(), b.entries.size());
    for (std::size_t i = 0; i < a.entries.size(); ++i) {
        EXPECT_EQ(a.entries[i].service, b.entries[i].service);
        EXPECT_EQ(a.entries[i].weight, b.entries[i].weight);
    }
    EXPECT_EQ(a.update.service, b.update.service);
    EXPECT_EQ(a.update.fromVersion, b.update.fromVersion);
    EXPECT_EQ(a.update.toVersion, b.update.toVersion);
    EXPECT_EQ(a.update.at, b.update.at);
    ASSERT_EQ(a.services.size(), b.services.size());
    for (std::size_t s = 0; s < a.services.size(); ++s) {
        const ServiceSpec& x = a.services[s];
        const ServiceSpec& y = b.services[s];
        EXPECT_EQ(x.name, y.name);
        EXPECT_EQ(x.group, y.group);
        EXPECT_EQ(x.serving, y.serving);
        EXPECT_EQ(x.failOnMixedVersions, y.failOnMixedVersions);
        ASSERT_EQ(x.versions.size(), y.versions.size());
        for (std::size_t v = 0; v < x.versions.size(); ++v) {
            EXPECT_EQ(x.versions[v].name, y.versions[v].name);
            EXPECT_EQ(x.versions[v].parent, y.versions[v].parent);
            EXPECT_EQ(x.versions[v].image, y.versions[v].image);
            EXPECT_EQ(x.versions[v].instances, y.versions[v].instances);
            const std::vector<Step>& p = x.versions[v].script;
            const std::vector<Step>& q = y.versions[v].script;
            ASSERT_EQ(p.size(), q.size());
            for (std::size_t i = 0; i < p.size(); ++i) {
                EXPECT_EQ(p[i].kind, q[i].kind);
                EXPECT_EQ(p[i].duration, q[i].duration);
                EXPECT_EQ(p[i].service, q[i].service);
                EXPECT_EQ(p[i].bound, q[i].bound);
                EXPECT_EQ(p[i].probability, q[i].probability);
            }
        }
    }
    EXPECT_EQ(a.toMeshModel().callEdges(), b.toMeshModel().callEdges());
}

TEST(TopologyYaml, RoundTripsTheShippedTopologies)
{
    for (const char* file : {"example.yaml", "online-shop.yaml"}) {
        SCOPED_TRACE(file);
        const Topology original = load(file);
        const std::string yaml = toYaml(original);
        const auto again = parseTopology(yaml, "round-trip");
        ASSERT_TRUE(again.ok()) << again.error().toString() << "\n" << yaml;
        expectSameTopology(original, *again);
        EXPECT_EQ(toYaml(*again), yaml);
    }
}

TEST(TopologyYaml, RoundTripsAwkwardStringsAndNumbers)
{
    Topology t = load("example.yaml");
    t.description = "quotes \" and ' and: colons # hash\nnew line, unicode ✓, tab\t";
    t.name = "null";
    t.services[0].versions[0].image = "- [weird]: {image} &anchor *alias !tag %";
    t.meanArrivalInterval = 0.1;
    t.messageDelay = 1e-7;
    t.update.at = 123456.789;
    t.services[0].versions[0].script[0].duration = Distribution::uniform(0.3, 1.0 / 3);
    const auto again = parseTopology(toYaml(t));
    ASSERT_TRUE(again.ok()) << again.error().toString() << "\n" << toYaml(t);
    expectSameTopology(t, *again);
}

// ---------------------------------------------------------------------------

struct Moments
{
    double mean = 0;
    double variance = 0;
    double min = 0;
    double max = 0;
    double median = 0;
};

Moments momentsOf(const Distribution& d, std::uint64_t seed, int n = 100000)
{
    Rng rng(seed);
    std::vector<double> xs(static_cast<std::size_t>(n));
    for (double& x : xs)
        x = d.sample(rng);
    Moments m;
    for (double x : xs)
        m.mean += x / n;
    for (double x : xs)
        m.variance += (x - m.mean) * (x - m.mean) / (n - 1);
    std::sort(xs.begin(), xs.end());
    m.min = xs.front();
    m.max = xs.back();
    m.median = xs[xs.size() / 2];
    return m;
}

TEST(Distribution, SampleMeansMatchOver100kSamples)
{
    const Moments constant = momentsOf(Distribution::constant(4), 1);
    EXPECT_EQ(constant.min, 4);
    EXPECT_EQ(constant.max, 4);

    const Moments exponential = momentsOf(Distribution::exponential(10), 2);
    EXPECT_NEAR(exponential.mean, 10, 0.15);
    EXPECT_NEAR(std::sqrt(exponential.variance), 10, 0.3);
    EXPECT_GT(exponential.min, 0);
    EXPECT_NEAR(exponential.median, 10 * std::log(2.0), 0.2);

    // Lognormal with the mean given: mu = ln(mean) - sigma^2/2, so the median
    // sits at mean * exp(-sigma^2/2), well below the mean.
    const Moments logNormal = momentsOf(Distribution::logNormal(2000, 1.0), 3);
    EXPECT_NEAR(logNormal.mean, 2000, 60);
    EXPECT_NEAR(logNormal.median, 2000 * std::exp(-0.5), 25);
    EXPECT_NEAR(std::sqrt(logNormal.variance) / 2000, std::sqrt(std::exp(1.0) - 1), 0.15);

    const Moments narrow = momentsOf(Distribution::logNormal(8, 0.6), 4);
    EXPECT_NEAR(narrow.mean, 8, 0.08);

    const Moments uniform = momentsOf(Distribution::uniform(2, 6), 5);
    EXPECT_NEAR(uniform.mean, 4, 0.03);
    EXPECT_NEAR(uniform.variance, 16.0 / 12, 0.03);
    EXPECT_GE(uniform.min, 2);
    EXPECT_LE(uniform.max, 6);
}

TEST(Distribution, SamplingIsDeterministicUnderASeed)
{
    const Distribution d = Distribution::logNormal(2000, 1.2);
    Rng a(42);
    Rng b(42);
    for (int i = 0; i < 1000; ++i)
        ASSERT_EQ(d.sample(a), d.sample(b));
    // Pinned values: a change here changes every simulation result.
    Rng rng(7);
    const double first = Distribution::exponential(1).sample(rng);
    Rng again(7);
    EXPECT_DOUBLE_EQ(first, -std::log(static_cast<double>((again() >> 11) + 1) * 0x1p-53));
    EXPECT_EQ(Distribution::logNormal(0, 1).sample(rng), 0);
}

}  // namespace
}  // namespace concord::sandbox
