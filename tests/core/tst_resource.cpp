#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/resource.h"

namespace concord::core {
namespace {

using testing::HasSubstr;
using testing::Not;

// Everything a ResourceSpec can hold, with strings that are not plain YAML.
ResourceSpec fullSpec()
{
    ResourceSpec spec;
    spec.id = "purifier-301.lab";
    spec.kind = "AirPurifier";
    spec.attributes = {{"model", "AP-300"},
                       {"maxPower.watts", "45"},
                       {"on", "true"},
                       {"y", "08:30"},
                       {"note", "line one\nline two\n"},
                       {"label", "会议室 \"A\" # 1: x"},
                       {"empty", ""},
                       {"null", "~"}};
    spec.space = {"Campus North", "Room 301", 31.2304, -121.4737};
    spec.time = {"Asia/Shanghai", "08:30", "18:00"};
    spec.probe = {"registry.example.com/probes/air:1.4",
                  {"/bin/probe", "--serve"},
                  {"--interval=10s", "", " leading space", "trailing ", "null", "-1.5e3"}};
    spec.probeEnabled = true;
    return spec;
}

ResourceSpec minimalSpec()
{
    ResourceSpec spec;
    spec.id = "lamp";
    spec.kind = "Lamp";
    return spec;
}

Resource fullResource()
{
    Resource resource;
    resource.spec = fullSpec();
    resource.generation = 3;
    resource.resourceVersion = 17;
    resource.createdAtUnixMs = 1714550400123;  // 2024-05-01T08:00:00.123Z
    resource.status.conditions = {
        {ConditionType::Available, ConditionStatus::True, "ProbeRunning", "probe is running",
         1714550460000},
        {ConditionType::Progressing, ConditionStatus::False, "ProbeRunning", "", 1714550460000},
        {ConditionType::Degraded, ConditionStatus::False, "", "", 0}};
    resource.status.observedGeneration = 3;
    resource.status.probe = {"purifier-301.lab-probe", ProbePhase::Running,
                             probeSpecHash(resource.spec.probe), ""};
    return resource;
}

std::string problemsOf(const ResourceSpec& spec)
{
    const Status status = validateResourceSpec(spec);
    if (status.ok())
        return {};
    EXPECT_EQ(status.error().code, ErrorCode::InvalidArgument);
    return status.error().message;
}

// ------------------------------------------------------------- validation --

TEST(ResourceValidation, AcceptsFullAndMinimalSpecs)
{
    EXPECT_EQ(problemsOf(fullSpec()), "");
    EXPECT_EQ(problemsOf(minimalSpec()), "");
}

struct RuleCase
{
    const char* name;
    std::function<void(ResourceSpec&)> change;
    std::string expected;  // the whole message; empty = valid
};

void PrintTo(const RuleCase& c, std::ostream* out)
{
    *out << c.name;
}

class ResourceRule : public testing::TestWithParam<RuleCase>
{
};

TEST_P(ResourceRule, ReportsExactlyThisProblem)
{
    ResourceSpec spec = minimalSpec();
    GetParam().change(spec);
    EXPECT_EQ(problemsOf(spec), GetParam().expected);
}

const std::string kBadId =
    "spec.id: must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each "
    "dot-separated part starting and ending with a letter or digit";
const std::string kBadKind =
    "spec.kind: must start with a letter and contain only letters and digits";
const std::string kBadKey =
    "key must contain only letters, digits, '-', '_' and '.', and start and end with a letter or "
    "digit";
const std::string kBadClock = "must be \"HH:MM\" (24 h) between 00:00 and 23:59";

std::vector<RuleCase> idAndKindCases()
{
    return {
        {"IdMissing", [](ResourceSpec& s) { s.id.clear(); }, "spec.id: required"},
        {"IdUppercase", [](ResourceSpec& s) { s.id = "Lamp"; }, kBadId},
        {"IdUnderscore", [](ResourceSpec& s) { s.id = "lamp_1"; }, kBadId},
        {"IdLeadingDash", [](ResourceSpec& s) { s.id = "-lamp"; }, kBadId},
        {"IdTrailingDot", [](ResourceSpec& s) { s.id = "lamp."; }, kBadId},
        {"IdEmptyLabel", [](ResourceSpec& s) { s.id = "lamp..1"; }, kBadId},
        {"IdLabelEndsWithDash", [](ResourceSpec& s) { s.id = "lamp-.1"; }, kBadId},
        {"IdDottedDigits", [](ResourceSpec& s) { s.id = "1.2-3.lamp"; }, ""},
        {"Id253", [](ResourceSpec& s) { s.id = std::string(253, 'a'); }, ""},
        {"Id254", [](ResourceSpec& s) { s.id = std::string(254, 'a'); },
         "spec.id: must be at most 253 characters (it has 254)"},
        {"KindMissing", [](ResourceSpec& s) { s.kind.clear(); }, "spec.kind: required"},
        {"KindLeadingDigit", [](ResourceSpec& s) { s.kind = "1Lamp"; }, kBadKind},
        {"KindDash", [](ResourceSpec& s) { s.kind = "Air-Purifier"; }, kBadKind},
        {"KindLowercaseDigits", [](ResourceSpec& s) { s.kind = "lamp2"; }, ""},
        {"Kind63", [](ResourceSpec& s) { s.kind = std::string(63, 'K'); }, ""},
        {"Kind64", [](ResourceSpec& s) { s.kind = std::string(64, 'K'); },
         "spec.kind: must be at most 63 characters (it has 64)"},
    };
}

std::vector<RuleCase> attributeCases()
{
    const auto set = [](std::string key, std::string value) {
        return [key, value](ResourceSpec& s) { s.attributes[key] = value; };
    };
    return {
        {"KeyEmpty", set("", "x"), "spec.attributes[]: key must not be empty"},
        {"KeyLeadingDash", set("-x", "x"), "spec.attributes[-x]: " + kBadKey},
        {"KeyTrailingDot", set("x.", "x"), "spec.attributes[x.]: " + kBadKey},
        {"KeySpace", set("a b", "x"), "spec.attributes[a b]: " + kBadKey},
        {"KeySingleChar", set("a", "x"), ""},
        {"KeyMixed", set("Max_power.W-1", "x"), ""},
        {"Key63", set(std::string(63, 'k'), "x"), ""},
        {"Key64", set(std::string(64, 'k'), "x"),
         "spec.attributes[" + std::string(64, 'k') +
             "]: key must be at most 63 characters (it has 64)"},
        {"Value1024", set("k", std::string(1024, 'v')), ""},
        {"Value1024Characters",
         set("k",
             [] {
                 std::string text;
                 for (int i = 0; i < 1024; ++i)
                     text += "é";  // two bytes each: the limit counts characters
                 return text;
             }()),
         ""},
        {"Value1025", set("k", std::string(1025, 'v')),
         "spec.attributes[k]: value must be at most 1024 characters (it has 1025)"},
        {"ValueNotUtf8", set("k", "\xff"), "spec.attributes[k]: value must be valid UTF-8"},
    };
}

std::vector<RuleCase> spaceAndTimeCases()
{
    const auto lat = [](double v) { return [v](ResourceSpec& s) { s.space.latitude = v; }; };
    const auto lon = [](double v) { return [v](ResourceSpec& s) { s.space.longitude = v; }; };
    const auto from = [](std::string v) {
        return [v](ResourceSpec& s) { s.time.availableFrom = v, s.time.availableUntil = "18:00"; };
    };
    const std::string badLat = "spec.space.latitude: must be a finite number between -90 and 90";
    const std::string badLon = "spec.space.longitude: must be a finite number between -180 and 180";
    return {
        {"Lat90", lat(90), ""},
        {"LatMinus90", lat(-90), ""},
        {"LatOver", lat(90.0001), badLat},
        {"LatUnder", lat(-91), badLat},
        {"LatNan", lat(std::nan("")), badLat},
        {"LatInf", lat(std::numeric_limits<double>::infinity()), badLat},
        {"Lon180", lon(-180), ""},
        {"LonOver", lon(180.5), badLon},
        {"RoomNotUtf8", [](ResourceSpec& s) { s.space.room = "\xc3"; },
         "spec.space.room: must be valid UTF-8"},
        {"FromMidnight", from("00:00"), ""},
        {"FromLast", from("23:59"), ""},
        {"From24", from("24:00"), "spec.time.availableFrom: " + kBadClock},
        {"FromOneDigitHour", from("7:30"), "spec.time.availableFrom: " + kBadClock},
        {"FromMinute60", from("07:60"), "spec.time.availableFrom: " + kBadClock},
        {"FromNoColon", from("0730"), "spec.time.availableFrom: " + kBadClock},
        {"FromOnly", [](ResourceSpec& s) { s.time.availableFrom = "08:00"; },
         "spec.time.availableUntil: required when availableFrom is set"},
        {"UntilOnly", [](ResourceSpec& s) { s.time.availableUntil = "08:00"; },
         "spec.time.availableFrom: required when availableUntil is set"},
        {"OvernightWindow",
         [](ResourceSpec& s) { s.time.availableFrom = "22:00", s.time.availableUntil = "06:00"; },
         ""},
    };
}

std::vector<RuleCase> probeCases()
{
    const auto image = [](std::string v) { return [v](ResourceSpec& s) { s.probe.image = v; }; };
    const auto args = [](std::size_t n, std::size_t length) {
        return [n, length](ResourceSpec& s) { s.probe.args.assign(n, std::string(length, 'a')); };
    };
    return {
        {"EnabledWithoutImage", [](ResourceSpec& s) { s.probeEnabled = true; },
         "spec.probe.image: required when probeEnabled is true"},
        {"DisabledWithoutImage", [](ResourceSpec& s) { s.probe.command = {"run"}; }, ""},
        {"ImageSpace", image("probe :1"), "spec.probe.image: must not contain whitespace"},
        {"ImageTab", image("probe\t1"), "spec.probe.image: must not contain whitespace"},
        {"ImageNewline", image("probe\n"), "spec.probe.image: must not contain whitespace"},
        {"Image512", image(std::string(512, 'i')), ""},
        {"Image513", image(std::string(513, 'i')),
         "spec.probe.image: must be at most 512 characters (it has 513)"},
        {"Args64", args(64, 1), ""},
        {"Args65", args(65, 1), "spec.probe.args: must have at most 64 entries (it has 65)"},
        {"Command65", [](ResourceSpec& s) { s.probe.command.assign(65, "x"); },
         "spec.probe.command: must have at most 64 entries (it has 65)"},
        {"Arg4096", args(2, 4096), ""},
        {"Arg4097",
         [](ResourceSpec& s) {
             s.probe.args = {"ok", std::string(4097, 'a')};
         },
         "spec.probe.args[1]: must be at most 4096 characters (it has 4097)"},
        {"CommandNotUtf8", [](ResourceSpec& s) { s.probe.command = {"\xe2\x82"}; },
         "spec.probe.command[0]: must be valid UTF-8"},
    };
}

INSTANTIATE_TEST_SUITE_P(IdAndKind, ResourceRule, testing::ValuesIn(idAndKindCases()),
                         [](const auto& info) { return std::string(info.param.name); });
INSTANTIATE_TEST_SUITE_P(Attributes, ResourceRule, testing::ValuesIn(attributeCases()),
                         [](const auto& info) { return std::string(info.param.name); });
INSTANTIATE_TEST_SUITE_P(SpaceAndTime, ResourceRule, testing::ValuesIn(spaceAndTimeCases()),
                         [](const auto& info) { return std::string(info.param.name); });
INSTANTIATE_TEST_SUITE_P(Probe, ResourceRule, testing::ValuesIn(probeCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ResourceValidation, ReportsEveryProblemAtOnce)
{
    ResourceSpec spec;
    spec.kind = "9";
    spec.attributes = {{"ok", "x"}, {"bad key", "x"}};
    spec.space.longitude = 200;
    spec.time.availableUntil = "25:00";
    spec.probeEnabled = true;
    spec.probe.args.assign(65, "x");
    EXPECT_EQ(problemsOf(spec),
              "spec.id: required; " + kBadKind + "; spec.attributes[bad key]: " + kBadKey +
                  "; spec.space.longitude: must be a finite number between -180 and 180; "
                  "spec.time.availableFrom: required when availableUntil is set; "
                  "spec.time.availableUntil: " +
                  kBadClock +
                  "; spec.probe.image: required when probeEnabled is true; spec.probe.args: "
                  "must have at most 64 entries (it has 65)");
}

TEST(ResourceValidation, Dns1123Subdomain)
{
    EXPECT_TRUE(isDns1123Subdomain("a"));
    EXPECT_TRUE(isDns1123Subdomain("0"));
    EXPECT_TRUE(isDns1123Subdomain("air-purifier.floor-3"));
    EXPECT_FALSE(isDns1123Subdomain(""));
    EXPECT_FALSE(isDns1123Subdomain("a.-b"));
    EXPECT_FALSE(isDns1123Subdomain(".a"));
    EXPECT_FALSE(isDns1123Subdomain("a b"));
    EXPECT_FALSE(isDns1123Subdomain("ä"));
    EXPECT_TRUE(isDns1123Subdomain(std::string(253, 'z')));
    EXPECT_FALSE(isDns1123Subdomain(std::string(254, 'z')));
}

// ---------------------------------------------------------------- hashing --

TEST(ProbeSpecHash, IsFixedAcrossRunsAndPlatforms)
{
    // FNV-1a 64 of the length-prefixed fields; computed independently.
    EXPECT_EQ(probeSpecHash(
                  {"registry.example.com/probes/air:1.4", {"/bin/probe"}, {"--interval", "10s"}}),
              "19f1a9a7b6aa43a6");
    EXPECT_EQ(probeSpecHash({}), "81d23fd7003c2305");
}

TEST(ProbeSpecHash, ChangesWithEveryField)
{
    const ProbeSpec base{"probe:1", {"run"}, {"-v"}};
    const std::string hash = probeSpecHash(base);
    EXPECT_EQ(hash, probeSpecHash(ProbeSpec{base}));
    EXPECT_EQ(hash.size(), 16u);
    EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
    const std::vector<ProbeSpec> others = {
        {"probe:2", {"run"}, {"-v"}},   {"probe:1", {"run"}, {"-v", ""}},
        {"probe:1", {"run", "-v"}, {}}, {"probe:1", {}, {"run", "-v"}},
        {"probe:1", {"run-v"}, {}},     {"probe:1run", {}, {"-v"}},
        {"probe:1", {"run"}, {"-V"}},
    };
    for (const ProbeSpec& other : others)
        EXPECT_NE(probeSpecHash(other), hash) << other.image;
    EXPECT_NE(probeSpecHash({"p", {"a", "b"}, {}}), probeSpecHash({"p", {"ab"}, {}}));
    EXPECT_NE(probeSpecHash({"p", {"a"}, {"b"}}), probeSpecHash({"p", {"a", "b"}, {}}));
}

// ------------------------------------------------------- names, conditions --

TEST(ResourceStatus, NamesAndFindCondition)
{
    EXPECT_EQ(toString(ConditionType::Available), "Available");
    EXPECT_EQ(toString(ConditionType::Progressing), "Progressing");
    EXPECT_EQ(toString(ConditionType::Degraded), "Degraded");
    EXPECT_EQ(toString(ConditionStatus::True), "True");
    EXPECT_EQ(toString(ConditionStatus::False), "False");
    EXPECT_EQ(toString(ConditionStatus::Unknown), "Unknown");
    EXPECT_EQ(toString(ProbePhase::None), "None");
    EXPECT_EQ(toString(ProbePhase::Pending), "Pending");
    EXPECT_EQ(toString(ProbePhase::Running), "Running");
    EXPECT_EQ(toString(ProbePhase::Failed), "Failed");

    const ResourceStatus status = fullResource().status;
    const Condition* progressing = findCondition(status, ConditionType::Progressing);
    ASSERT_NE(progressing, nullptr);
    EXPECT_EQ(progressing, &status.conditions[1]);
    EXPECT_EQ(findCondition(ResourceStatus{}, ConditionType::Available), nullptr);
}

// ---------------------------------------------------------------- writing --

TEST(ResourceYaml, WritesAKubernetesManifest)
{
    const YAML::Node doc = YAML::Load(toYaml(fullResource()));
    EXPECT_EQ(doc["apiVersion"].as<std::string>(), "concord.io/v1alpha1");
    EXPECT_EQ(doc["kind"].as<std::string>(), "Resource");
    EXPECT_EQ(doc["metadata"]["name"].as<std::string>(), "purifier-301.lab");
    EXPECT_EQ(doc["metadata"]["generation"].as<int>(), 3);
    EXPECT_EQ(doc["metadata"]["resourceVersion"].Tag(), "!") << "must be a quoted string";
    EXPECT_EQ(doc["metadata"]["resourceVersion"].as<std::string>(), "17");
    EXPECT_EQ(doc["metadata"]["creationTimestamp"].as<std::string>(), "2024-05-01T08:00:00Z");
    const YAML::Node spec = doc["spec"];
    EXPECT_EQ(spec["kind"].as<std::string>(), "AirPurifier");
    EXPECT_EQ(spec["space"]["latitude"].as<std::string>(), "31.2304") << "shortest form";
    EXPECT_EQ(spec["time"]["availableFrom"].Tag(), "!") << "08:30 is a number in YAML 1.1";
    EXPECT_EQ(spec["attributes"]["on"].Tag(), "!");
    EXPECT_TRUE(spec["probeEnabled"].as<bool>());
    const YAML::Node status = doc["status"];
    ASSERT_EQ(status["conditions"].size(), 3u);
    EXPECT_EQ(status["conditions"][0]["type"].as<std::string>(), "Available");
    EXPECT_EQ(status["conditions"][0]["status"].Tag(), "!") << "True would be a boolean";
    EXPECT_EQ(status["conditions"][0]["status"].as<std::string>(), "True");
    EXPECT_EQ(status["conditions"][0]["reason"].as<std::string>(), "ProbeRunning");
    EXPECT_EQ(status["conditions"][0]["lastTransitionTime"].as<std::string>(),
              "2024-05-01T08:01:00Z");
    EXPECT_FALSE(status["conditions"][2]["lastTransitionTime"]) << "unknown time is omitted";
    EXPECT_EQ(status["observedGeneration"].as<int>(), 3);
    EXPECT_EQ(status["probe"]["phase"].as<std::string>(), "Running");
    EXPECT_EQ(status["probe"]["specHash"].as<std::string>(), probeSpecHash(fullSpec().probe));
    EXPECT_FALSE(status["probe"]["message"]);
}

TEST(ResourceYaml, OmitsWhatIsEmpty)
{
    Resource resource;
    resource.spec = minimalSpec();
    const std::string yaml = toYaml(resource);
    EXPECT_EQ(yaml,
              "apiVersion: concord.io/v1alpha1\n"
              "kind: Resource\n"
              "metadata:\n"
              "  name: lamp\n"
              "  generation: 1\n"
              "spec:\n"
              "  id: lamp\n"
              "  kind: Lamp\n"
              "  probeEnabled: false\n");
    resource = fullResource();
    EXPECT_THAT(toYaml(resource, false), Not(HasSubstr("status")));
    EXPECT_THAT(toYaml(resource, true), HasSubstr("\nstatus:\n"));
}

TEST(ResourceYaml, RoundTripsAFullSpec)
{
    const Result<ResourceSpec> parsed = parseResourceYaml(toYaml(fullResource()), "<written>");
    ASSERT_TRUE(parsed.ok()) << parsed.error().toString() << "\n" << toYaml(fullResource());
    EXPECT_EQ(*parsed, fullSpec());
}

TEST(ResourceYaml, RoundTripsOddNumbersAndStrings)
{
    ResourceSpec spec = minimalSpec();
    spec.id = "123";  // a number, unquoted
    spec.kind = "True";
    spec.space.latitude = 0.1;
    spec.space.longitude = -0.0;
    spec.attributes = {{"1e3", "0x1F"}, {"Off", "NO"}, {"tab", "\t"}, {"bell", "\a"}};
    spec.probe.args = {"#", "- x", "a: b", "[x]", "{}", "'", "\"", "\\"};
    // Line breaks in YAML 1.1 (NEL, LS, PS), a BOM and a C1 control, mid-string.
    spec.space.site = "a\u0085b\u2028c\u2029d\ufeffe\u009ff";
    spec.space.room = "\ufeff";
    Resource resource;
    resource.spec = spec;
    const Result<ResourceSpec> parsed = parseResourceYaml(toYaml(resource));
    ASSERT_TRUE(parsed.ok()) << parsed.error().toString() << "\n" << toYaml(resource);
    EXPECT_EQ(*parsed, spec);
}

// ---------------------------------------------------------------- reading --

const std::string kHead =
    "apiVersion: concord.io/v1alpha1\n"
    "kind: Resource\n"
    "metadata:\n"
    "  name: purifier\n"
    "spec:\n";

// kHead then `body` (the spec's fields, indented), which starts on line 6.
std::string manifest(const std::string& body)
{
    return kHead + body;
}

const std::string kBody = "  kind: AirPurifier\n";

Error parseError(const std::string& yaml)
{
    const Result<ResourceSpec> result = parseResourceYaml(yaml, "<edit>");
    if (result.ok()) {
        ADD_FAILURE() << "accepted:\n" << yaml;
        return {};
    }
    EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument) << result.error().toString();
    EXPECT_EQ(result.error().source, "<edit>");
    return result.error();
}

TEST(ResourceParse, ReadsAManifest)
{
    const Result<ResourceSpec> spec = parseResourceYaml(manifest(
        "  id: purifier\n"
        "  kind: AirPurifier\n"
        "  attributes: {model: AP-300, watts: 45}\n"
        "  space: {room: \"301\", latitude: +31.5, longitude: -121}\n"
        "  time: {timezone: Asia/Shanghai, availableFrom: \"08:00\", availableUntil: \"18:00\"}\n"
        "  probe:\n"
        "    image: probe:1\n"
        "    command: [/probe]\n"
        "    args: []\n"
        "  probeEnabled: yes\n"));
    ASSERT_TRUE(spec.ok()) << spec.error().toString();
    EXPECT_EQ(spec->id, "purifier");
    EXPECT_EQ(spec->attributes.at("watts"), "45");
    EXPECT_EQ(spec->space.room, "301");
    EXPECT_EQ(spec->space.latitude, 31.5);
    EXPECT_EQ(spec->space.longitude, -121.0);
    EXPECT_EQ(spec->time.availableUntil, "18:00");
    EXPECT_EQ(spec->probe.command, std::vector<std::string>{"/probe"});
    EXPECT_TRUE(spec->probe.args.empty());
    EXPECT_TRUE(spec->probeEnabled);
}

TEST(ResourceParse, IdDefaultsToMetadataName)
{
    const Result<ResourceSpec> spec = parseResourceYaml(manifest(kBody));
    ASSERT_TRUE(spec.ok()) << spec.error().toString();
    EXPECT_EQ(spec->id, "purifier");
}

TEST(ResourceParse, NullFieldsAreAbsent)
{
    const Result<ResourceSpec> spec =
        parseResourceYaml(manifest(kBody + "  space:\n  probe: {image: ~}\n  probeEnabled:\n"));
    ASSERT_TRUE(spec.ok()) << spec.error().toString();
    EXPECT_EQ(spec->space, SpaceAttributes{});
    EXPECT_FALSE(spec->probeEnabled);
}

TEST(ResourceParse, IgnoresStatus)
{
    const Result<ResourceSpec> spec = parseResourceYaml(
        manifest(kBody) + "status:\n  conditions: 7\n  observedGeneration: [x]\n  bogus: {}\n");
    ASSERT_TRUE(spec.ok()) << spec.error().toString();
    EXPECT_EQ(spec->kind, "AirPurifier");
}

TEST(ResourceParse, IgnoresOtherMetadata)
{
    const Result<ResourceSpec> spec = parseResourceYaml(
        "apiVersion: concord.io/v1alpha1\nkind: Resource\nmetadata:\n  name: lamp\n"
        "  namespace: lab\n  labels: {a: b}\n  resourceVersion: \"9\"\nspec:\n  kind: Lamp\n");
    ASSERT_TRUE(spec.ok()) << spec.error().toString();
    EXPECT_EQ(*spec, minimalSpec());
}

TEST(ResourceParse, WrongTypeNamesFieldLineAndColumn)
{
    EXPECT_EQ(parseError(manifest(kBody + "  probeEnabled: maybe\n")).toString(),
              "<edit>:7:17: spec.probeEnabled: expected a boolean");
    EXPECT_EQ(parseError(manifest(kBody + "  space:\n    latitude: north\n")).toString(),
              "<edit>:8:15: spec.space.latitude: expected a number");
    EXPECT_EQ(parseError(manifest(kBody + "  attributes: [a]\n")).toString(),
              "<edit>:7:15: spec.attributes: expected a mapping");
    EXPECT_EQ(parseError(manifest(kBody + "  attributes:\n    power: {watts: 3}\n")).toString(),
              "<edit>:8:12: spec.attributes[power]: expected a string");
    EXPECT_EQ(parseError(manifest(kBody + "  probe:\n    command: /bin/probe\n")).toString(),
              "<edit>:8:14: spec.probe.command: expected a list of strings");
    EXPECT_EQ(parseError(manifest(kBody + "  probe:\n    args: [a, [b]]\n")).toString(),
              "<edit>:8:15: spec.probe.args[1]: expected a string");
    EXPECT_EQ(parseError(manifest("  kind: [Lamp]\n")).toString(),
              "<edit>:6:9: spec.kind: expected a string");
}

TEST(ResourceParse, UnknownFieldsAreErrors)
{
    EXPECT_EQ(parseError(manifest(kBody + "  space:\n    room: a\n    floor: 3\n")).toString(),
              "<edit>:9:5: spec.space.floor: unknown field (expected one of: site, room, "
              "latitude, longitude)");
    EXPECT_EQ(parseError(manifest(kBody + "  probeEnable: true\n")).toString(),
              "<edit>:7:3: spec.probeEnable: unknown field (expected one of: id, kind, "
              "attributes, space, time, probe, probeEnabled)");
    EXPECT_EQ(parseError(manifest(kBody + "  probe: {image: p, env: []}\n")).toString(),
              "<edit>:7:21: spec.probe.env: unknown field (expected one of: image, command, "
              "args)");
    EXPECT_EQ(parseError("spec2: {}\n" + manifest(kBody)).toString(),
              "<edit>:1:1: spec2: unknown field (expected one of: apiVersion, kind, metadata, "
              "spec, status)");
}

TEST(ResourceParse, DuplicateFieldIsAnError)
{
    EXPECT_EQ(parseError(manifest(kBody + "  kind: Lamp\n")).toString(),
              "<edit>:7:3: spec.kind: duplicate field");
}

TEST(ResourceParse, IdMustMatchMetadataName)
{
    EXPECT_EQ(parseError(manifest("  id: cleaner\n" + kBody)).toString(),
              "<edit>:6:7: spec.id: must equal metadata.name (\"purifier\")");
}

TEST(ResourceParse, ProblemsOfAnIdTakenFromTheNameNameIt)
{
    EXPECT_EQ(parseError("apiVersion: concord.io/v1alpha1\nkind: Resource\nmetadata:\n"
                         "  name: Air_1\nspec:\n  kind: Lamp\n")
                  .toString(),
              "<edit>:4:9: " + std::string("metadata.name") + kBadId.substr(7));
}

TEST(ResourceParse, ValidationProblemsCarryPositions)
{
    const Error error =
        parseError(manifest("  kind: Air-Purifier\n"
                            "  space:\n"
                            "    latitude: 95\n"
                            "  probeEnabled: true\n"));
    // A missing field is reported where it would go: its mapping (here spec).
    EXPECT_EQ(error.line, 6);
    EXPECT_EQ(error.column, 3);
    EXPECT_EQ(error.message,
              "spec.probe.image: required when probeEnabled is true; 6:9: " + kBadKind +
                  "; 8:15: spec.space.latitude: must be a finite number between "
                  "-90 and 90");
}

TEST(ResourceParse, AFieldThatCannotBeReadIsReportedOnce)
{
    const Error error = parseError(manifest("  id: {a: 1}\n  kind: 3x\n  bad: 1\n"));
    EXPECT_EQ(error.toString(),
              "<edit>:6:7: spec.id: expected a string; 7:9: " + kBadKind +
                  "; 8:3: spec.bad: unknown field (expected one of: id, kind, attributes, "
                  "space, time, probe, probeEnabled)");
}

TEST(ResourceParse, RequiredFields)
{
    EXPECT_EQ(parseError("apiVersion: concord.io/v1alpha1\nkind: Resource\nmetadata: {}\n"
                         "spec: {kind: Lamp}\n")
                  .toString(),
              "<edit>:3:11: metadata.name: required field is missing");
    EXPECT_EQ(parseError("apiVersion: concord.io/v1alpha1\nkind: Resource\nspec: {kind: Lamp}\n")
                  .toString(),
              "<edit>:1:1: metadata: required field is missing");
    EXPECT_EQ(parseError(kHead).toString(), "<edit>:1:1: spec: required field is missing");
    EXPECT_EQ(parseError(manifest("  id: purifier\n")).toString(),
              "<edit>:6:3: spec.kind: required");
}

TEST(ResourceParse, ApiVersionAndKindAreChecked)
{
    EXPECT_EQ(
        parseError("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {kind: A}\n").toString(),
        "<edit>:1:13: apiVersion: expected \"concord.io/v1alpha1\", not \"v1\"; 2:7: kind: "
        "expected \"Resource\", not \"Pod\"");
    EXPECT_EQ(parseError("metadata: {name: a}\nspec: {kind: A}\n").toString(),
              "<edit>:1:1: apiVersion: required field is missing (expected "
              "\"concord.io/v1alpha1\"); 1:1: kind: required field is missing (expected "
              "\"Resource\")");
}

TEST(ResourceParse, DocumentMustBeOneMapping)
{
    EXPECT_EQ(parseError("- a\n- b\n").toString(),
              "<edit>:1:1: a Resource manifest must be a mapping");
    EXPECT_EQ(parseError("just text\n").toString(),
              "<edit>:1:1: a Resource manifest must be a mapping");
    for (const std::string empty : {"", "\n", "# nothing\n", "---\n", "~\n"})
        EXPECT_EQ(parseError(empty).toString(),
                  "<edit>: the manifest is empty (expected one Resource)")
            << empty;
    EXPECT_EQ(parseError(manifest(kBody) + "---\n" + manifest(kBody)).toString(),
              "<edit>:8:1: expected one Resource manifest, found 2 YAML documents");
    const Result<ResourceSpec> trailing = parseResourceYaml("---\n" + manifest(kBody) + "---\n");
    EXPECT_TRUE(trailing.ok()) << trailing.error().toString();
}

TEST(ResourceParse, MalformedYamlIsAnErrorWithAPosition)
{
    const Error unclosed = parseError(manifest("  kind: [Lamp\n"));
    EXPECT_THAT(unclosed.message, HasSubstr("invalid YAML"));
    EXPECT_GT(unclosed.line, 0);
    EXPECT_GT(unclosed.column, 0);
    const Error indent = parseError(manifest("  kind: Lamp\n probeEnabled: true\n"));
    EXPECT_THAT(indent.message, HasSubstr("invalid YAML"));
    EXPECT_GT(indent.line, 0);
    const Error stray = parseError(",\n");
    EXPECT_THAT(stray.message, HasSubstr("invalid YAML"));
    EXPECT_EQ(parseError(manifest("  kind: *nowhere\n")).line, 6);
}

TEST(ResourceParse, InvalidUtf8IsAnError)
{
    EXPECT_EQ(parseError(manifest(kBody + "  space: {room: \xff}\n")).toString(),
              "<edit>:7:17: spec.space.room: must be valid UTF-8");
}

TEST(ResourceParse, AliasBombIsStopped)
{
    std::string yaml = manifest(kBody + "  attributes: {big: &big " + std::string(4000, 'x') +
                                "}\n  probe:\n    args: [");
    for (int i = 0; i < 3000; ++i)
        yaml += "*big, ";
    yaml += "*big]\n";
    EXPECT_THAT(parseError(yaml).message, HasSubstr("too large once its aliases are expanded"));
}

TEST(ResourceParse, HugeInputIsRejected)
{
    const std::string yaml =
        manifest(kBody + "  attributes: {a: " + std::string(2 << 20, 'x') + "}\n");
    EXPECT_THAT(parseError(yaml).message, HasSubstr("manifest too large"));
}

TEST(ResourceParse, CyclicAliasDoesNotHang)
{
    const Error error = parseError(manifest(kBody + "  space: &s {room: *s}\n"));
    EXPECT_THAT(error.message, HasSubstr("spec.space.room: expected a string"));
}

}  // namespace
}  // namespace concord::core
