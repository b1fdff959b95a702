// The CustomResourceDefinitions under deploy/crds/ and the example manifests
// under deploy/examples/. There is no cluster here, so this checks what the
// API server would: the CRD rules (names, versions, a structural schema,
// printer columns, the status subresource), and every example against the
// schema with a small OpenAPI walker — and keeps the Resource schema and the
// C++ model (core/resource.h) in step, both ways. CEL rules
// (x-kubernetes-validations) are not evaluated; the C++ reader enforces the
// same rules and reads every example.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/resource.h"

namespace concord {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;
using Problems = std::vector<std::string>;

const std::filesystem::path kDeployDir = CONCORD_DEPLOY_DIR;

std::string slurp(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

YAML::Node loadCrd(const std::string& file)
{
    return YAML::LoadFile((kDeployDir / "crds" / file).string());
}

YAML::Node schemaOf(const YAML::Node& crd)
{
    return crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
}

std::string child(const std::string& path, const std::string& key)
{
    return path.empty() ? key : path + '.' + key;
}

// A missing key gives an invalid node, which throws on IsMap().
bool isMap(const YAML::Node& node)
{
    return node && node.IsMap();
}

bool isTrue(const YAML::Node& node)
{
    return node && node.IsScalar() && node.as<std::string>() == "true";
}

// -------------------------------------------------- the structural schema --

const std::set<std::string> kSchemaKeywords = {"type",
                                               "format",
                                               "description",
                                               "title",
                                               "default",
                                               "enum",
                                               "pattern",
                                               "minimum",
                                               "maximum",
                                               "exclusiveMinimum",
                                               "exclusiveMaximum",
                                               "minLength",
                                               "maxLength",
                                               "minItems",
                                               "maxItems",
                                               "minProperties",
                                               "maxProperties",
                                               "required",
                                               "items",
                                               "properties",
                                               "additionalProperties",
                                               "nullable",
                                               "multipleOf",
                                               "uniqueItems",
                                               "example",
                                               "x-kubernetes-preserve-unknown-fields",
                                               "x-kubernetes-int-or-string",
                                               "x-kubernetes-embedded-resource",
                                               "x-kubernetes-list-type",
                                               "x-kubernetes-list-map-keys",
                                               "x-kubernetes-map-type",
                                               "x-kubernetes-validations"};
const std::set<std::string> kTypes = {"object", "array", "string", "integer", "number", "boolean"};

// Kubernetes' rules for a structural schema ("Specifying a structural
// schema"), plus what the API server rejects outright: unknown keywords,
// patterns that do not compile, required fields that do not exist.
// allOf/anyOf/oneOf/not are not used here, so they are refused altogether.
void checkStructural(const YAML::Node& schema, const std::string& path, Problems& out)
{
    if (!schema.IsMap()) {
        out.push_back(path + ": a schema must be a mapping");
        return;
    }
    for (const auto& entry : schema) {
        const std::string key = entry.first.as<std::string>();
        if (!kSchemaKeywords.contains(key))
            out.push_back(path + ": unknown or unsupported schema keyword " + key);
    }
    const bool exempt = isTrue(schema["x-kubernetes-int-or-string"]) ||
                        isTrue(schema["x-kubernetes-preserve-unknown-fields"]);
    const std::string type = schema["type"] ? schema["type"].as<std::string>() : "";
    if (type.empty() && !exempt)
        out.push_back(path + ": no type (a structural schema needs one on every node)");
    if (!type.empty() && !kTypes.contains(type))
        out.push_back(path + ": unknown type " + type);
    if (schema["properties"] && schema["additionalProperties"])
        out.push_back(path + ": properties and additionalProperties together");
    if (type == "array" && !schema["items"])
        out.push_back(path + ": an array needs items");
    if (const YAML::Node pattern = schema["pattern"]) {
        try {
            std::regex re(pattern.as<std::string>());
        } catch (const std::regex_error& e) {
            out.push_back(path + ": pattern does not compile: " + e.what());
        }
    }
    for (const YAML::Node& name : schema["required"]) {
        if (!schema["properties"] || !schema["properties"][name.as<std::string>()])
            out.push_back(path + ": required " + name.as<std::string>() + " is not a property");
    }
    for (const auto& property : schema["properties"])
        checkStructural(property.second, child(path, property.first.as<std::string>()), out);
    if (const YAML::Node items = schema["items"])
        checkStructural(items, path + "[]", out);
    if (const YAML::Node additional = schema["additionalProperties"]; isMap(additional))
        checkStructural(additional, path + "[*]", out);
}

// ------------------------------------------------- validating an instance --

// What a YAML value is once kubectl (YAML 1.1, sigs.k8s.io/yaml) has turned
// it into JSON: a quoted scalar is a string, a plain one may be anything.
std::string jsonType(const YAML::Node& value)
{
    if (value.IsNull())
        return "null";
    if (value.IsMap())
        return "object";
    if (value.IsSequence())
        return "array";
    if (value.Tag() == "!")
        return "string";
    static const std::regex kNull("~|null|Null|NULL|");
    static const std::regex kBool(
        "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|"
        "on|On|ON|off|Off|OFF");
    static const std::regex kInt("[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)");
    static const std::regex kFloat(
        "[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|"
        "\\.(nan|NaN|NAN)");
    const std::string text = value.Scalar();
    if (std::regex_match(text, kNull))
        return "null";
    if (std::regex_match(text, kBool))
        return "boolean";
    if (std::regex_match(text, kInt))
        return "integer";
    if (std::regex_match(text, kFloat))
        return "number";
    return "string";
}

std::size_t codePoints(const std::string& text)
{
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0u) != 0x80u;
    }));
}

void checkString(const std::string& text, const YAML::Node& schema, const std::string& path,
                 Problems& out)
{
    if (const YAML::Node max = schema["maxLength"]; max && codePoints(text) > max.as<std::size_t>())
        out.push_back(path + ": longer than " + max.as<std::string>());
    if (const YAML::Node min = schema["minLength"]; min && codePoints(text) < min.as<std::size_t>())
        out.push_back(path + ": shorter than " + min.as<std::string>());
    if (const YAML::Node pattern = schema["pattern"];
        pattern && !std::regex_search(text, std::regex(pattern.as<std::string>())))
        out.push_back(path + ": does not match " + pattern.as<std::string>());
    static const std::regex kDateTime(
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2}"
        ")");
    if (schema["format"] && schema["format"].as<std::string>() == "date-time" &&
        !std::regex_match(text, kDateTime))
        out.push_back(path + ": not an RFC 3339 date-time");
}

void checkNumber(double number, const YAML::Node& schema, const std::string& path, Problems& out)
{
    if (const YAML::Node min = schema["minimum"]; min && number < min.as<double>())
        out.push_back(path + ": less than " + min.as<std::string>());
    if (const YAML::Node max = schema["maximum"]; max && number > max.as<double>())
        out.push_back(path + ": more than " + max.as<std::string>());
}

void validate(const YAML::Node& value, const YAML::Node& schema, const std::string& path,
              Problems& out);

void validateObject(const YAML::Node& value, const YAML::Node& schema, const std::string& path,
                    Problems& out)
{
    for (const YAML::Node& name : schema["required"]) {
        const YAML::Node field = value[name.as<std::string>()];
        if (!field || field.IsNull())
            out.push_back(child(path, name.as<std::string>()) + ": required");
    }
    for (const auto& entry : value) {
        const std::string key = entry.first.as<std::string>();
        const std::string fieldPath = child(path, key);
        if (path.empty() && key == "metadata") {
            // ObjectMeta is the API server's; only its name matters here.
            if (!entry.second.IsMap() || !entry.second["name"])
                out.push_back("metadata.name: required");
        } else if (schema["properties"] && schema["properties"][key]) {
            validate(entry.second, schema["properties"][key], fieldPath, out);
        } else if (isMap(schema["additionalProperties"])) {
            validate(entry.second, schema["additionalProperties"], path + '[' + key + ']', out);
        } else if (!isTrue(schema["x-kubernetes-preserve-unknown-fields"])) {
            out.push_back(fieldPath + ": unknown field");
        }
    }
}

void validateArray(const YAML::Node& value, const YAML::Node& schema, const std::string& path,
                   Problems& out)
{
    if (const YAML::Node max = schema["maxItems"]; max && value.size() > max.as<std::size_t>())
        out.push_back(path + ": more than " + max.as<std::string>() + " items");
    for (std::size_t i = 0; i < value.size(); ++i)
        validate(value[i], schema["items"], path + '[' + std::to_string(i) + ']', out);
}

// Kubernetes drops nulls of non-nullable fields before validating: absent.
void validate(const YAML::Node& value, const YAML::Node& schema, const std::string& path,
              Problems& out)
{
    const std::string actual = jsonType(value);
    if (actual == "null")
        return;
    const std::string type = schema["type"].as<std::string>();
    if (actual != type && !(type == "number" && actual == "integer")) {
        out.push_back(path + ": expected " + type + ", not " + actual);
        return;
    }
    if (const YAML::Node options = schema["enum"]) {
        const auto& list = options;
        const bool listed = std::any_of(list.begin(), list.end(), [&](const YAML::Node& option) {
            return option.Scalar() == value.Scalar();
        });
        if (!listed)
            out.push_back(path + ": \"" + value.Scalar() + "\" is not one of the enum");
    }
    if (type == "object")
        validateObject(value, schema, path, out);
    else if (type == "array")
        validateArray(value, schema, path, out);
    else if (type == "string")
        checkString(value.Scalar(), schema, path, out);
    else if (type == "number" || type == "integer")
        checkNumber(value.as<double>(), schema, path, out);
}

Problems validateManifest(const YAML::Node& manifest, const YAML::Node& crd)
{
    Problems out;
    const std::string group = crd["spec"]["group"].as<std::string>();
    const std::string version = crd["spec"]["versions"][0]["name"].as<std::string>();
    if (manifest["apiVersion"].as<std::string>("") != group + '/' + version)
        out.push_back("apiVersion: expected " + group + '/' + version);
    if (manifest["kind"].as<std::string>("") != crd["spec"]["names"]["kind"].as<std::string>())
        out.push_back("kind: expected " + crd["spec"]["names"]["kind"].as<std::string>());
    validate(manifest, schemaOf(crd), "", out);
    return out;
}

// ----------------------------------------------------------- the CRD rules --

const std::set<std::string> kObjectMetaFields = {"name",
                                                 "namespace",
                                                 "uid",
                                                 "resourceVersion",
                                                 "generation",
                                                 "creationTimestamp",
                                                 "deletionTimestamp",
                                                 "labels",
                                                 "annotations"};

// Whether a printer column's JSONPath (".a.b", "[?(@.f==\"v\")]", "[0]")
// names a field of the schema; empty when it does.
std::string jsonPathProblem(const YAML::Node& root, const std::string& jsonPath)
{
    static const std::regex kStep(
        R"(^(\.([A-Za-z0-9_-]+)|\[\?\(@\.([A-Za-z0-9_]+)==\"([^\"]*)\"\)\]|\[[0-9*]+\]))");
    YAML::Node node = root;
    std::string rest = jsonPath;
    std::smatch match;
    if (rest.starts_with(".metadata.")) {
        const std::string field = rest.substr(10);
        return kObjectMetaFields.contains(field) ? "" : "metadata has no " + field;
    }
    while (!rest.empty()) {
        if (!std::regex_search(rest, match, kStep))
            return "cannot read the JSONPath at " + rest;
        if (match[2].matched) {
            // reset() rebinds; operator= would overwrite the schema node itself.
            node.reset(node["properties"] ? node["properties"][match[2].str()] : YAML::Node());
            if (!node)
                return "no field " + match[2].str();
        } else {
            if (node["type"].as<std::string>("") != "array")
                return "a filter or index on a non-array";
            node.reset(node["items"]);
            if (match[3].matched && !(node["properties"] && node["properties"][match[3].str()]))
                return "the filter's field " + match[3].str() + " does not exist";
        }
        rest = match.suffix();
    }
    return "";
}

void checkNames(const YAML::Node& crd, Problems& out)
{
    const YAML::Node names = crd["spec"]["names"];
    const std::string group = crd["spec"]["group"].as<std::string>("");
    const std::string plural = names["plural"].as<std::string>("");
    const std::string kind = names["kind"].as<std::string>("");
    static const std::regex kLower("[a-z]([-a-z0-9]*[a-z0-9])?");
    if (group.find('.') == std::string::npos || !core::isDns1123Subdomain(group))
        out.push_back("spec.group: must be a DNS subdomain with a dot");
    if (crd["metadata"]["name"].as<std::string>("") != plural + '.' + group)
        out.push_back("metadata.name: must be <plural>.<group>");
    if (!std::regex_match(plural, kLower) ||
        !std::regex_match(names["singular"].as<std::string>(""), kLower))
        out.push_back("spec.names: plural and singular must be lowercase");
    if (!std::regex_match(kind, std::regex("[A-Z][A-Za-z0-9]*")))
        out.push_back("spec.names.kind: must be CamelCase");
    if (names["listKind"].as<std::string>("") != kind + "List")
        out.push_back("spec.names.listKind: must be <kind>List");
    for (const YAML::Node& shortName : names["shortNames"]) {
        if (!std::regex_match(shortName.as<std::string>(), kLower))
            out.push_back("spec.names.shortNames: must be lowercase");
    }
    const std::string scope = crd["spec"]["scope"].as<std::string>("");
    if (scope != "Namespaced" && scope != "Cluster")
        out.push_back("spec.scope: Namespaced or Cluster");
}

void checkVersion(const YAML::Node& version, Problems& out)
{
    const std::string name = version["name"].as<std::string>("");
    const std::string at = "spec.versions[" + name + "]";
    if (!std::regex_match(name, std::regex("v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?")))
        out.push_back(at + ": not a Kubernetes version name");
    const YAML::Node schema = version["schema"]["openAPIV3Schema"];
    if (!schema || schema["type"].as<std::string>("") != "object") {
        out.push_back(at + ": openAPIV3Schema must be an object schema");
        return;
    }
    checkStructural(schema, at + ".schema", out);
    // At the root, metadata may restrict only name and generateName.
    for (const auto& field : schema["properties"]["metadata"]["properties"]) {
        const std::string key = field.first.as<std::string>();
        if (key != "name" && key != "generateName")
            out.push_back(at + ": metadata may specify only name and generateName, not " + key);
    }
    if (!version["subresources"]["status"] || !version["subresources"]["status"].IsMap())
        out.push_back(at + ": no status subresource");
    static const std::set<std::string> kColumnTypes = {"integer", "number", "string", "boolean",
                                                       "date"};
    for (const YAML::Node& column : version["additionalPrinterColumns"]) {
        const std::string title = column["name"].as<std::string>("");
        if (!kColumnTypes.contains(column["type"].as<std::string>("")))
            out.push_back(at + ": column " + title + " has no valid type");
        const std::string problem = jsonPathProblem(schema, column["jsonPath"].as<std::string>(""));
        if (!problem.empty())
            out.push_back(at + ": column " + title + ": " + problem);
    }
}

Problems crdProblems(const YAML::Node& crd)
{
    Problems out;
    if (crd["apiVersion"].as<std::string>("") != "apiextensions.k8s.io/v1" ||
        crd["kind"].as<std::string>("") != "CustomResourceDefinition")
        out.push_back("not an apiextensions.k8s.io/v1 CustomResourceDefinition");
    checkNames(crd, out);
    const YAML::Node versions = crd["spec"]["versions"];
    if (!versions.IsSequence() || versions.size() == 0) {
        out.push_back("spec.versions: none");
        return out;
    }
    std::set<std::string> seen;
    int storage = 0;
    for (const YAML::Node& version : versions) {
        if (!seen.insert(version["name"].as<std::string>("")).second)
            out.push_back("spec.versions: duplicate name");
        if (isTrue(version["storage"])) {
            ++storage;
            if (!isTrue(version["served"]))
                out.push_back("spec.versions: the storage version must be served");
        }
        checkVersion(version, out);
    }
    if (storage != 1)
        out.push_back("spec.versions: exactly one must be the storage version, not " +
                      std::to_string(storage));
    return out;
}

// ---------------------------------------------------------------- the CRDs --

TEST(Crds, FollowKubernetesRules)
{
    for (const std::string file : {"resource.yaml", "serviceversion.yaml"})
        EXPECT_THAT(crdProblems(loadCrd(file)), IsEmpty()) << file;
}

TEST(Crds, ResourceNamesAndColumns)
{
    const YAML::Node crd = loadCrd("resource.yaml");
    EXPECT_EQ(crd["metadata"]["name"].as<std::string>(), "resources.concord.io");
    EXPECT_EQ(crd["spec"]["group"].as<std::string>(), "concord.io");
    EXPECT_EQ(crd["spec"]["names"]["kind"].as<std::string>(), "Resource");
    EXPECT_EQ(crd["spec"]["names"]["shortNames"][0].as<std::string>(), "res");
    EXPECT_EQ(crd["spec"]["scope"].as<std::string>(), "Namespaced");
    EXPECT_EQ(crd["spec"]["versions"].size(), 1u);
    EXPECT_EQ(crd["spec"]["group"].as<std::string>() + "/" +
                  crd["spec"]["versions"][0]["name"].as<std::string>(),
              core::kResourceApiVersion);
    std::vector<std::string> columns;
    for (const YAML::Node& column : crd["spec"]["versions"][0]["additionalPrinterColumns"])
        columns.push_back(column["name"].as<std::string>() + " " +
                          column["jsonPath"].as<std::string>());
    EXPECT_THAT(columns,
                ElementsAre("Kind .spec.kind", "Probe .spec.probeEnabled",
                            "Available .status.conditions[?(@.type==\"Available\")].status",
                            "Probe-Phase .status.probe.phase", "Age .metadata.creationTimestamp"));
}

TEST(Crds, ServiceVersionNamesAndColumns)
{
    const YAML::Node crd = loadCrd("serviceversion.yaml");
    EXPECT_EQ(crd["metadata"]["name"].as<std::string>(), "serviceversions.concord.io");
    EXPECT_EQ(crd["spec"]["names"]["kind"].as<std::string>(), "ServiceVersion");
    std::vector<std::string> columns;
    for (const YAML::Node& column : crd["spec"]["versions"][0]["additionalPrinterColumns"]) {
        if (!column["priority"])  // the default `kubectl get` view
            columns.push_back(column["name"].as<std::string>());
    }
    EXPECT_THAT(columns, ElementsAre("Service", "Version", "Parent", "State", "Age"));
    const YAML::Node state = schemaOf(crd)["properties"]["status"]["properties"]["state"];
    EXPECT_EQ(
        state["enum"].as<std::vector<std::string>>(),
        (std::vector<std::string>{"Registered", "Deploying", "Serving", "Draining", "Retired"}));
}

// The checks above can fail: each breakage of the CRD is caught.
TEST(Crds, TheCheckerCatchesBrokenCrds)
{
    const auto problemsAfter = [](const std::function<void(YAML::Node&)>& breakIt) {
        YAML::Node crd = YAML::Clone(loadCrd("resource.yaml"));
        breakIt(crd);
        const Problems problems = crdProblems(crd);
        return problems.empty() ? std::string() : problems.front();
    };
    const auto spec = [](YAML::Node& crd) { return schemaOf(crd)["properties"]["spec"]; };
    EXPECT_THAT(
        problemsAfter([&](YAML::Node& crd) { spec(crd)["properties"]["kind"].remove("type"); }),
        HasSubstr("spec.kind: no type"));
    EXPECT_THAT(problemsAfter([&](YAML::Node& crd) {
                    spec(crd)["properties"]["space"]["additionalProperties"]["type"] = "string";
                }),
                HasSubstr("properties and additionalProperties together"));
    EXPECT_THAT(problemsAfter([](YAML::Node& crd) {
                    schemaOf(crd)["properties"]["metadata"]["properties"]["labels"]["type"] =
                        "object";
                }),
                HasSubstr("metadata may specify only name and generateName"));
    EXPECT_THAT(problemsAfter([](YAML::Node& crd) {
                    crd["spec"]["versions"][0]["additionalPrinterColumns"][3]["jsonPath"] =
                        ".status.probe.state";
                }),
                HasSubstr("column Probe-Phase: no field state"));
    EXPECT_THAT(problemsAfter([](YAML::Node& crd) {
                    YAML::Node copy = YAML::Clone(crd["spec"]["versions"][0]);
                    copy["name"] = "v1beta1";
                    crd["spec"]["versions"].push_back(copy);
                }),
                HasSubstr("exactly one must be the storage version, not 2"));
    EXPECT_THAT(
        problemsAfter([](YAML::Node& crd) { crd["metadata"]["name"] = "resource.concord.io"; }),
        HasSubstr("metadata.name: must be <plural>.<group>"));
    EXPECT_THAT(problemsAfter([](YAML::Node& crd) {
                    crd["spec"]["versions"][0]["subresources"].remove("status");
                }),
                HasSubstr("no status subresource"));
    EXPECT_THAT(
        problemsAfter([&](YAML::Node& crd) { spec(crd)["properties"]["kind"]["maxlength"] = 63; }),
        HasSubstr("unknown or unsupported schema keyword maxlength"));
    EXPECT_THAT(problemsAfter([&](YAML::Node& crd) { spec(crd)["required"].push_back("name"); }),
                HasSubstr("required name is not a property"));
}

// ------------------------------------------------------------ the examples --

std::vector<std::filesystem::path> examples()
{
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(kDeployDir / "examples")) {
        if (entry.path().extension() == ".yaml")
            files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

TEST(Examples, MatchTheSchemaAndReadInConcord)
{
    const YAML::Node crd = loadCrd("resource.yaml");
    const std::vector<std::filesystem::path> files = examples();
    ASSERT_GE(files.size(), 3u);
    bool probing = false, personInARoom = false, probeOff = false;
    for (const std::filesystem::path& file : files) {
        EXPECT_THAT(validateManifest(YAML::LoadFile(file.string()), crd), IsEmpty()) << file;
        const auto spec = core::parseResourceYaml(slurp(file), file.filename().string());
        ASSERT_TRUE(spec.ok()) << spec.error().toString();
        probing = probing || spec->probeEnabled;
        personInARoom = personInARoom || (spec->kind == "Person" && !spec->space.room.empty());
        probeOff = probeOff || (!spec->probeEnabled && !spec->probe.image.empty());
    }
    EXPECT_TRUE(probing) << "an example with a running probe";
    EXPECT_TRUE(personInARoom) << "a person whose room is a space attribute";
    EXPECT_TRUE(probeOff) << "an example with its probe disabled";
}

// The walker is not vacuous: what the API server would refuse, it refuses.
TEST(Examples, TheWalkerCatchesInvalidManifests)
{
    const YAML::Node crd = loadCrd("resource.yaml");
    const auto problems = [&](const std::string& specBody) {
        return validateManifest(YAML::Load("apiVersion: concord.io/v1alpha1\nkind: Resource\n"
                                           "metadata: {name: a}\nspec:\n" +
                                           specBody),
                                crd);
    };
    EXPECT_THAT(problems("  kind: A\n  colour: red\n"), ElementsAre("spec.colour: unknown field"));
    EXPECT_THAT(problems("  kind: A\n  probeEnabled: \"true\"\n"),
                ElementsAre("spec.probeEnabled: expected boolean, not string"));
    EXPECT_THAT(problems("  kind: A\n  attributes: {watts: 45}\n"),
                ElementsAre("spec.attributes[watts]: expected string, not integer"));
    EXPECT_THAT(problems("  kind: A\n  space: {latitude: 91}\n"),
                ElementsAre("spec.space.latitude: more than 90"));
    EXPECT_THAT(problems("  kind: A-B\n"),
                ElementsAre("spec.kind: does not match ^[A-Za-z][A-Za-z0-9]*$"));
    EXPECT_THAT(problems("  id: a\n"), ElementsAre("spec.kind: required"));
    EXPECT_THAT(problems("  kind: A\n  probe: {args: [[x]]}\n"),
                ElementsAre("spec.probe.args[0]: expected string, not array"));
    EXPECT_THAT(
        problems("  kind: A\n  time: {availableFrom: \"7:00\"}\n"),
        ElementsAre("spec.time.availableFrom: does not match ^([01][0-9]|2[0-3]):[0-5][0-9]$"));
    EXPECT_THAT(validateManifest(YAML::Load("apiVersion: concord.io/v1\nkind: Resource\n"
                                            "metadata: {name: a}\nspec: {kind: A}\n"
                                            "status: {conditions: [{type: Ready, status: "
                                            "\"True\"}], probe: {phase: Up}}\n"),
                                 crd),
                ElementsAre("apiVersion: expected concord.io/v1alpha1",
                            "status.conditions[0].type: \"Ready\" is not one of the enum",
                            "status.probe.phase: \"Up\" is not one of the enum"));
}

// ------------------------------------------- the CRD and the C++ model agree --

core::Resource fullResource()
{
    core::Resource resource;
    core::ResourceSpec& spec = resource.spec;
    spec = {"purifier-301",
            "AirPurifier",
            {{"model", "AP-300"}, {"watts", "45"}},
            {"Campus North", "301", 31.23, 121.47},
            {"Asia/Shanghai", "08:00", "18:00"},
            {"probe:1", {"/probe"}, {"-v"}},
            true};
    resource.generation = 2;
    resource.resourceVersion = 9;
    resource.createdAtUnixMs = 1714550400000;
    resource.status.conditions = {{core::ConditionType::Available, core::ConditionStatus::True,
                                   "ProbeRunning", "up", 1714550460000},
                                  {core::ConditionType::Progressing, core::ConditionStatus::False,
                                   "ProbeRunning", "done", 1714550460000},
                                  {core::ConditionType::Degraded, core::ConditionStatus::Unknown,
                                   "ProbeRunning", "no", 1714550460000}};
    resource.status.observedGeneration = 2;
    resource.status.probe = {"purifier-301-probe", core::ProbePhase::Failed,
                             core::probeSpecHash(spec.probe), "CrashLoopBackOff"};
    return resource;
}

// Every leaf field under spec and status, in schema form ("spec.space.room",
// "status.conditions[].type"); free-key maps count as one leaf.
void schemaLeaves(const YAML::Node& schema, const std::string& path, std::set<std::string>& out)
{
    if (schema["properties"]) {
        for (const auto& property : schema["properties"])
            schemaLeaves(property.second, child(path, property.first.as<std::string>()), out);
    } else if (schema["type"].as<std::string>() == "array" && schema["items"]["properties"]) {
        schemaLeaves(schema["items"], path + "[]", out);
    } else {
        out.insert(path);
    }
}

void manifestLeaves(const YAML::Node& value, const std::string& path, std::set<std::string>& out)
{
    if (value.IsMap() && path != "spec.attributes") {
        for (const auto& entry : value)
            manifestLeaves(entry.second, child(path, entry.first.as<std::string>()), out);
    } else if (value.IsSequence() && value.size() > 0 && value[0].IsMap()) {
        for (const YAML::Node& item : value)
            manifestLeaves(item, path + "[]", out);
    } else {
        out.insert(path);
    }
}

TEST(CrdAndModel, EveryFieldToYamlWritesIsInTheSchemaAndValid)
{
    const YAML::Node crd = loadCrd("resource.yaml");
    const YAML::Node manifest = YAML::Load(core::toYaml(fullResource(), true));
    EXPECT_THAT(validateManifest(manifest, crd), IsEmpty()) << core::toYaml(fullResource(), true);
}

TEST(CrdAndModel, EverySchemaFieldIsOneTheModelWrites)
{
    std::set<std::string> inSchema;
    const YAML::Node schema = schemaOf(loadCrd("resource.yaml"));
    schemaLeaves(schema["properties"]["spec"], "spec", inSchema);
    schemaLeaves(schema["properties"]["status"], "status", inSchema);
    std::set<std::string> written;
    const YAML::Node manifest = YAML::Load(core::toYaml(fullResource(), true));
    manifestLeaves(manifest["spec"], "spec", written);
    manifestLeaves(manifest["status"], "status", written);
    EXPECT_EQ(inSchema, written);
}

// The CRD's patterns and limits say what validateResourceSpec says.
TEST(CrdAndModel, PatternsAgreeWithValidation)
{
    const YAML::Node spec = schemaOf(loadCrd("resource.yaml"))["properties"]["spec"]["properties"];
    const auto crdAccepts = [](const YAML::Node& schema, const std::string& value) {
        Problems problems;
        checkString(value, schema, "", problems);
        return problems.empty();
    };
    const auto check =
        [&](const char* field, const YAML::Node& schema, const std::vector<std::string>& values,
            const std::function<void(core::ResourceSpec&, const std::string&)>& set) {
            for (const std::string& value : values) {
                core::ResourceSpec candidate{"a", "A", {}, {}, {}, {}, false};
                set(candidate, value);
                EXPECT_EQ(crdAccepts(schema, value), core::validateResourceSpec(candidate).ok())
                    << field << " = \"" << value << "\"";
            }
        };
    check("id", spec["id"],
          {"a", "a.b-c", "1.2", "A", "a..b", "-a", "a-", "a_b", "a.-b", std::string(253, 'a'),
           std::string(254, 'a')},
          [](core::ResourceSpec& s, const std::string& v) { s.id = v; });
    check("kind", spec["kind"], {"A", "a1", "Air2", "1A", "A-B", "A B", std::string(64, 'K')},
          [](core::ResourceSpec& s, const std::string& v) { s.kind = v; });
    check("availableFrom", spec["time"]["properties"]["availableFrom"],
          {"00:00", "23:59", "19:30", "24:00", "7:30", "07:60", "0730", "07:30 "},
          [](core::ResourceSpec& s, const std::string& v) {
              s.time.availableFrom = v;
              s.time.availableUntil = "12:00";
          });
    check("image", spec["probe"]["properties"]["image"],
          {"probe:1", "a/b@sha256:0f", "a b", "a\tb", "a\vb", "a\n", std::string(512, 'i'),
           std::string(513, 'i')},
          [](core::ResourceSpec& s, const std::string& v) { s.probe.image = v; });
    check("attribute value", spec["attributes"]["additionalProperties"],
          {std::string(1024, 'v'), std::string(1025, 'v')},
          [](core::ResourceSpec& s, const std::string& v) { s.attributes["k"] = v; });
    const YAML::Node args = spec["probe"]["properties"]["args"];
    EXPECT_EQ(args["maxItems"].as<int>(), 64);
    EXPECT_EQ(args["items"]["maxLength"].as<int>(), 4096);
    EXPECT_EQ(spec["probe"]["properties"]["command"]["maxItems"].as<int>(), 64);
    EXPECT_EQ(spec["space"]["properties"]["latitude"]["minimum"].as<double>(), -90);
    EXPECT_EQ(spec["space"]["properties"]["longitude"]["maximum"].as<double>(), 180);
}

// ------------------------------------------------------ the ServiceVersion --

TEST(ServiceVersion, ASampleMatchesTheSchemaAndABadOneDoesNot)
{
    const YAML::Node crd = loadCrd("serviceversion.yaml");
    const std::string head =
        "apiVersion: concord.io/v1alpha1\nkind: ServiceVersion\n"
        "metadata: {name: auth-v2}\n";
    EXPECT_THAT(
        validateManifest(YAML::Load(head + "spec: {service: auth, version: v2, parent: v1, "
                                           "image: \"registry.example/auth:2.0.1\", replicas: 3}\n"
                                           "status: {state: Draining, trafficShare: 0.25, "
                                           "instances: 3, observedGeneration: 1}\n"),
                         crd),
        IsEmpty());
    EXPECT_THAT(
        validateManifest(
            YAML::Load(head + "spec: {service: Auth, version: v2, image: a, replicas: -1}\n"
                              "status: {state: Live, trafficShare: 1.5, instances: 2.5}\n"),
            crd),
        ElementsAre("spec.service: does not match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
                    "spec.replicas: less than 0", "status.state: \"Live\" is not one of the enum",
                    "status.trafficShare: more than 1",
                    "status.instances: expected integer, not number"));
}

}  // namespace
}  // namespace concord
