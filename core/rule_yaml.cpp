#include "rule_yaml.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <exception>
#include <initializer_list>
#include <map>
#include <set>
#include <utility>

#include "yaml_tree.h"

namespace concord::core {

namespace {

// ---------------------------------------------------------------- writing --

// A string from the rules. yaml-cpp may write control characters (a trailing
// '\r', say) into a plain scalar, where reading drops or folds them; double
// quotes with escapes keep every string exactly.
struct Text
{
    const std::string& value;
};

YAML::Emitter& operator<<(YAML::Emitter& out, Text text)
{
    for (const char c : text.value) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f) {
            out << YAML::DoubleQuoted;
            break;
        }
    }
    return out << text.value;
}

void emitStringMap(YAML::Emitter& out, const char* key,
                   const std::map<std::string, std::string>& values)
{
    if (values.empty())
        return;
    out << YAML::Key << key << YAML::Value << YAML::BeginMap;
    for (const auto& [name, value] : values)
        out << YAML::Key << Text{name} << YAML::Value << Text{value};
    out << YAML::EndMap;
}

void emitHeaderOperations(YAML::Emitter& out, const char* key, const HeaderOperations& ops)
{
    if (ops.empty())
        return;
    out << YAML::Key << key << YAML::Value << YAML::BeginMap;
    emitStringMap(out, "set", ops.set);
    emitStringMap(out, "add", ops.add);
    if (!ops.remove.empty()) {
        out << YAML::Key << "remove" << YAML::Value << YAML::BeginSeq;
        for (const std::string& name : ops.remove)
            out << Text{name};
        out << YAML::EndSeq;
    }
    out << YAML::EndMap;
}

void emitHeaders(YAML::Emitter& out, const Headers& headers)
{
    if (headers.empty())
        return;
    out << YAML::Key << "headers" << YAML::Value << YAML::BeginMap;
    emitHeaderOperations(out, "request", headers.request);
    emitHeaderOperations(out, "response", headers.response);
    out << YAML::EndMap;
}

const char* matchKindName(StringMatch::Kind kind)
{
    switch (kind) {
        case StringMatch::Kind::Exact:
            return "exact";
        case StringMatch::Kind::Prefix:
            return "prefix";
        case StringMatch::Kind::Regex:
            return "regex";
    }
    return "exact";
}

void emitMatch(YAML::Emitter& out, const HttpMatchRequest& match)
{
    out << YAML::BeginMap;
    if (!match.name.empty())
        out << YAML::Key << "name" << YAML::Value << Text{match.name};
    if (!match.headers.empty()) {
        out << YAML::Key << "headers" << YAML::Value << YAML::BeginMap;
        for (const auto& [header, condition] : match.headers) {
            out << YAML::Key << Text{header} << YAML::Value << YAML::BeginMap << YAML::Key
                << matchKindName(condition.kind) << YAML::Value << Text{condition.value}
                << YAML::EndMap;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

void emitDestination(YAML::Emitter& out, const RouteDestination& dest)
{
    out << YAML::BeginMap << YAML::Key << "destination" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "host" << YAML::Value << Text{dest.host};
    if (!dest.subset.empty())
        out << YAML::Key << "subset" << YAML::Value << Text{dest.subset};
    if (dest.port) {
        out << YAML::Key << "port" << YAML::Value << YAML::BeginMap << YAML::Key << "number"
            << YAML::Value << *dest.port << YAML::EndMap;
    }
    out << YAML::EndMap;
    if (dest.weight)
        out << YAML::Key << "weight" << YAML::Value << *dest.weight;
    emitHeaders(out, dest.headers);
    out << YAML::EndMap;
}

void emitRetries(YAML::Emitter& out, const HttpRetry& retries)
{
    out << YAML::Key << "retries" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "attempts" << YAML::Value << retries.attempts;
    if (!retries.perTryTimeout.empty())
        out << YAML::Key << "perTryTimeout" << YAML::Value << Text{retries.perTryTimeout};
    if (!retries.retryOn.empty())
        out << YAML::Key << "retryOn" << YAML::Value << Text{retries.retryOn};
    out << YAML::EndMap;
}

void emitHttpRoute(YAML::Emitter& out, const HttpRoute& route)
{
    out << YAML::BeginMap;
    if (!route.name.empty())
        out << YAML::Key << "name" << YAML::Value << Text{route.name};
    if (!route.match.empty()) {
        out << YAML::Key << "match" << YAML::Value << YAML::BeginSeq;
        for (const HttpMatchRequest& match : route.match)
            emitMatch(out, match);
        out << YAML::EndSeq;
    }
    out << YAML::Key << "route" << YAML::Value << YAML::BeginSeq;
    for (const RouteDestination& dest : route.route)
        emitDestination(out, dest);
    out << YAML::EndSeq;
    emitHeaders(out, route.headers);
    if (route.retries)
        emitRetries(out, *route.retries);
    out << YAML::EndMap;
}

void emitHeader(YAML::Emitter& out, IstioApiVersion version, const char* kind,
                const std::string& name, const std::string& ns)
{
    out << YAML::Key << "apiVersion" << YAML::Value << std::string(toApiVersionString(version));
    out << YAML::Key << "kind" << YAML::Value << kind;
    out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << Text{name};
    if (!ns.empty())
        out << YAML::Key << "namespace" << YAML::Value << Text{ns};
    out << YAML::EndMap;
}

std::string finish(const YAML::Emitter& out)
{
    std::string text(out.c_str(), out.size());
    if (text.empty() || text.back() != '\n')
        text += '\n';
    return text;
}

// ---------------------------------------------------------------- reading --

constexpr std::size_t kMaxInputBytes = std::size_t{4} << 20;
// Reading charges each node an upper bound of what toYaml() would write for
// it, aliases expanded; past this much an alias bomb is stopped before it
// exhausts memory. Rules that pass it but would write more than kMaxInputBytes
// are rejected after reading, so whatever is accepted can be read back.
constexpr std::size_t kMaxExpandedBytes = kMaxInputBytes * 16;
// Per output line: toYaml() indents at most 16 columns, plus "- ", ": " and a
// newline. Every line starts with a key, a scalar list item or a "{}".
constexpr std::size_t kLineOverhead = 32;

// Thrown inside this file only; parseDocuments() turns it into its Error.
struct Failure
{
    Error error;
};

struct Entry
{
    std::string key;
    const YamlNode* keyNode;
    const YamlNode* value;
};

// A mapping as read: its entries in document order.
struct Object
{
    const YamlNode* node;
    std::string path;
    std::vector<Entry> entries;

    // The entry for `key`, or nullptr when it is absent or null.
    const Entry* find(std::string_view key) const
    {
        for (const Entry& entry : entries) {
            if (entry.key == key)
                return entry.value->isNull() ? nullptr : &entry;
        }
        return nullptr;
    }
};

std::string child(const std::string& path, std::string_view key)
{
    return path.empty() ? std::string(key) : path + '.' + std::string(key);
}

std::string item(const std::string& path, std::size_t index)
{
    return path + '[' + std::to_string(index) + ']';
}

// The most a scalar can take once the emitter has quoted and escaped it.
std::size_t emittedSize(const std::string& text)
{
    std::size_t size = 2;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x7f)
            size += 10;  // at worst a "\UXXXXXXXX" escape per byte
        else
            size += (c == '"' || c == '\\' || c == '\'') ? 2 : 1;
    }
    return size;
}

struct DocumentInfo
{
    std::string kind;
    YAML::Mark mark;
};

class Reader final
{
public:
    explicit Reader(std::string_view source) : m_source(source) {}

    [[noreturn]] void fail(const YAML::Mark& mark, const std::string& path,
                           const std::string& message) const
    {
        throw Failure{yamlError(m_source, mark, path.empty() ? message : path + ": " + message)};
    }
    [[noreturn]] void fail(const YamlNode& at, const std::string& path,
                           const std::string& message) const
    {
        fail(at.mark, path, message);
    }

    void readDocument(const YamlNode& doc, RuleDocuments& out, std::vector<DocumentInfo>& info);
    std::size_t expandedEstimate() const { return m_expanded; }

private:
    void charge(const YamlNode& at, std::size_t bytes);
    Object object(const YamlNode& node, const std::string& path,
                  std::initializer_list<std::string_view> allowed);
    Object anyObject(const YamlNode& node, const std::string& path);
    const Entry& require(const Object& object, std::string_view key);
    const std::vector<const YamlNode*>& sequence(const YamlNode& node, const std::string& path);
    std::string string(const YamlNode& node, const std::string& path);
    std::string nonEmptyString(const YamlNode& node, const std::string& path);
    int integer(const YamlNode& node, const std::string& path, int min, int max);
    std::map<std::string, std::string> stringMap(const YamlNode& node, const std::string& path);
    std::vector<std::string> stringList(const YamlNode& node, const std::string& path);

    HeaderOperations readHeaderOperations(const YamlNode& node, const std::string& path);
    Headers readHeaders(const YamlNode& node, const std::string& path);
    StringMatch readStringMatch(const YamlNode& node, const std::string& path);
    HttpMatchRequest readMatch(const YamlNode& node, const std::string& path);
    void readDestinationRef(const YamlNode& node, const std::string& path, RouteDestination& dest);
    RouteDestination readRouteDestination(const YamlNode& node, const std::string& path);
    void checkWeights(const YamlNode& node, const std::string& path,
                      const std::vector<RouteDestination>& route);
    HttpRetry readRetries(const YamlNode& node, const std::string& path);
    HttpRoute readHttpRoute(const YamlNode& node, const std::string& path);
    void readMetadata(const Object& top, std::string& name, std::string& ns);
    VirtualService readVirtualService(const Object& top, IstioApiVersion version);
    Subset readSubset(const YamlNode& node, const std::string& path);
    DestinationRule readDestinationRule(const Object& top, IstioApiVersion version);

    std::string m_source;
    std::size_t m_expanded = 0;
};

void Reader::charge(const YamlNode& at, std::size_t bytes)
{
    m_expanded += bytes;
    if (m_expanded > kMaxExpandedBytes)
        fail(at, "", "rules too large: they expand to more than 64 MiB (aliases included)");
}

Object Reader::anyObject(const YamlNode& node, const std::string& path)
{
    if (!node.isMap())
        fail(node, path, "must be a mapping");
    Object result{&node, path, {}};
    charge(node, kLineOverhead);
    std::set<std::string> seen;
    for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
        const YamlNode& keyNode = *node.children[i];
        if (!keyNode.isScalar())
            fail(keyNode, path, "mapping keys must be strings");
        const std::string& key = keyNode.scalar;
        if (!isValidUtf8(key))
            fail(keyNode, path, "mapping keys must be valid UTF-8");
        charge(keyNode, kLineOverhead + emittedSize(key));
        if (!seen.insert(key).second)
            fail(keyNode, child(path, key), "duplicate key");
        result.entries.push_back(Entry{key, &keyNode, node.children[i + 1]});
    }
    return result;
}

Object Reader::object(const YamlNode& node, const std::string& path,
                      std::initializer_list<std::string_view> allowed)
{
    Object result = anyObject(node, path);
    for (const Entry& entry : result.entries) {
        bool known = false;
        std::string expected;
        for (const std::string_view name : allowed) {
            known = known || name == entry.key;
            expected += expected.empty() ? "" : ", ";
            expected += name;
        }
        if (!known)
            fail(*entry.keyNode, child(path, entry.key),
                 "unknown or unsupported field (expected one of: " + expected + ")");
    }
    return result;
}

const Entry& Reader::require(const Object& object, std::string_view key)
{
    const Entry* entry = object.find(key);
    if (entry == nullptr)
        fail(*object.node, child(object.path, key), "required field is missing");
    return *entry;
}

const std::vector<const YamlNode*>& Reader::sequence(const YamlNode& node, const std::string& path)
{
    if (!node.isSequence())
        fail(node, path, "must be a list");
    return node.children;
}

std::string Reader::string(const YamlNode& node, const std::string& path)
{
    if (!node.isScalar())
        fail(node, path, "must be a string");
    std::string value = node.scalar;
    if (!isValidUtf8(value))
        fail(node, path, "must be valid UTF-8");
    charge(node, emittedSize(value));
    return value;
}

std::string Reader::nonEmptyString(const YamlNode& node, const std::string& path)
{
    std::string value = string(node, path);
    if (value.empty())
        fail(node, path, "must not be empty");
    return value;
}

int Reader::integer(const YamlNode& node, const std::string& path, int min, int max)
{
    const std::string text = string(node, path);
    int value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty())
        fail(node, path, "must be an integer, not \"" + text + "\"");
    if (value < min || value > max)
        fail(node, path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return value;
}

std::map<std::string, std::string> Reader::stringMap(const YamlNode& node, const std::string& path)
{
    std::map<std::string, std::string> values;
    for (const Entry& entry : anyObject(node, path).entries) {
        if (entry.key.empty())
            fail(*entry.keyNode, path, "keys must not be empty");
        values.emplace(entry.key, string(*entry.value, child(path, entry.key)));
    }
    return values;
}

std::vector<std::string> Reader::stringList(const YamlNode& node, const std::string& path)
{
    std::vector<std::string> values;
    std::size_t index = 0;
    for (const YamlNode* element : sequence(node, path)) {
        charge(*element, kLineOverhead);
        values.push_back(nonEmptyString(*element, item(path, index++)));
    }
    return values;
}

HeaderOperations Reader::readHeaderOperations(const YamlNode& node, const std::string& path)
{
    const Object obj = object(node, path, {"set", "add", "remove"});
    HeaderOperations ops;
    if (const Entry* set = obj.find("set"))
        ops.set = stringMap(*set->value, child(path, "set"));
    if (const Entry* add = obj.find("add"))
        ops.add = stringMap(*add->value, child(path, "add"));
    if (const Entry* remove = obj.find("remove"))
        ops.remove = stringList(*remove->value, child(path, "remove"));
    return ops;
}

Headers Reader::readHeaders(const YamlNode& node, const std::string& path)
{
    const Object obj = object(node, path, {"request", "response"});
    Headers headers;
    if (const Entry* request = obj.find("request"))
        headers.request = readHeaderOperations(*request->value, child(path, "request"));
    if (const Entry* response = obj.find("response"))
        headers.response = readHeaderOperations(*response->value, child(path, "response"));
    return headers;
}

StringMatch Reader::readStringMatch(const YamlNode& node, const std::string& path)
{
    const Object obj = object(node, path, {"exact", "prefix", "regex"});
    if (obj.entries.size() != 1 || obj.entries.front().value->isNull())
        fail(node, path, "exactly one of exact, prefix, regex is required");
    const Entry& entry = obj.entries.front();
    StringMatch match;
    match.value = string(*entry.value, child(path, entry.key));
    if (entry.key == "prefix") {
        match.kind = StringMatch::Kind::Prefix;
    } else if (entry.key == "regex") {
        match.kind = StringMatch::Kind::Regex;
        const RE2 re(match.value, RE2::Quiet);
        if (!re.ok())
            fail(*entry.value, child(path, "regex"), "invalid RE2 regex: " + re.error());
    }
    return match;
}

HttpMatchRequest Reader::readMatch(const YamlNode& node, const std::string& path)
{
    const Object obj = object(node, path, {"name", "headers"});
    HttpMatchRequest match;
    if (const Entry* name = obj.find("name"))
        match.name = string(*name->value, child(path, "name"));
    if (const Entry* headers = obj.find("headers")) {
        const std::string headersPath = child(path, "headers");
        for (const Entry& entry : anyObject(*headers->value, headersPath).entries) {
            if (entry.key.empty())
                fail(*entry.keyNode, headersPath, "header names must not be empty");
            match.headers.emplace(entry.key,
                                  readStringMatch(*entry.value, child(headersPath, entry.key)));
        }
    }
    return match;
}

void Reader::readDestinationRef(const YamlNode& node, const std::string& path,
                                RouteDestination& dest)
{
    const Object obj = object(node, path, {"host", "subset", "port"});
    dest.host = nonEmptyString(*require(obj, "host").value, child(path, "host"));
    if (const Entry* subset = obj.find("subset"))
        dest.subset = string(*subset->value, child(path, "subset"));
    if (const Entry* port = obj.find("port")) {
        const std::string portPath = child(path, "port");
        const Object portObj = object(*port->value, portPath, {"number"});
        dest.port = integer(*require(portObj, "number").value, child(portPath, "number"), 1, 65535);
    }
}

RouteDestination Reader::readRouteDestination(const YamlNode& node, const std::string& path)
{
    const Object obj = object(node, path, {"destination", "weight", "headers"});
    RouteDestination dest;
    readDestinationRef(*require(obj, "destination").value, child(path, "destination"), dest);
    if (const Entry* weight = obj.find("weight"))
        dest.weight = integer(*weight->value, child(path, "weight"), 0, 100);
    if (const Entry* headers = obj.find("headers"))
        dest.headers = readHeaders(*headers->value, child(path, "headers"));
    return dest;
}

void Reader::checkWeights(const YamlNode& node, const std::string& path,
                          const std::vector<RouteDestination>& route)
{
    int total = 0;
    bool any = false;
    for (const RouteDestination& dest : route) {
        any = any || dest.weight.has_value();
        total += dest.weight.value_or(0);
    }
    if (!any)
        return;
    for (std::size_t i = 0; i < route.size(); ++i) {
        if (!route[i].weight)
            fail(*node.children[i], item(path, i) + ".weight",
                 "required when another destination of the route has a weight");
    }
    if (total != 100)
        fail(node, path, "weights must sum to 100, not " + std::to_string(total));
}

HttpRetry Reader::readRetries(const YamlNode& node, const std::string& path)
{
    const Object obj = object(node, path, {"attempts", "perTryTimeout", "retryOn"});
    charge(node, 2 * kLineOverhead);  // "attempts: 0" is written even when absent
    HttpRetry retries;
    if (const Entry* attempts = obj.find("attempts"))
        retries.attempts = integer(*attempts->value, child(path, "attempts"), 0, 1000);
    if (const Entry* timeout = obj.find("perTryTimeout"))
        retries.perTryTimeout = string(*timeout->value, child(path, "perTryTimeout"));
    if (const Entry* retryOn = obj.find("retryOn"))
        retries.retryOn = string(*retryOn->value, child(path, "retryOn"));
    return retries;
}

HttpRoute Reader::readHttpRoute(const YamlNode& node, const std::string& path)
{
    const Object obj = object(node, path, {"name", "match", "route", "headers", "retries"});
    HttpRoute route;
    if (const Entry* name = obj.find("name"))
        route.name = string(*name->value, child(path, "name"));
    if (const Entry* match = obj.find("match")) {
        const std::string matchPath = child(path, "match");
        std::size_t index = 0;
        for (const YamlNode* element : sequence(*match->value, matchPath))
            route.match.push_back(readMatch(*element, item(matchPath, index++)));
    }
    const std::string routePath = child(path, "route");
    const YamlNode& destinations = *require(obj, "route").value;
    std::size_t index = 0;
    for (const YamlNode* element : sequence(destinations, routePath))
        route.route.push_back(readRouteDestination(*element, item(routePath, index++)));
    if (route.route.empty())
        fail(destinations, routePath, "at least one destination is required");
    checkWeights(destinations, routePath, route.route);
    if (const Entry* headers = obj.find("headers"))
        route.headers = readHeaders(*headers->value, child(path, "headers"));
    if (const Entry* retries = obj.find("retries"))
        route.retries = readRetries(*retries->value, child(path, "retries"));
    return route;
}

void Reader::readMetadata(const Object& top, std::string& name, std::string& ns)
{
    // Other metadata (labels, annotations, resourceVersion...) is the
    // cluster's business, not part of the rules.
    const Object metadata = anyObject(*require(top, "metadata").value, "metadata");
    name = nonEmptyString(*require(metadata, "name").value, "metadata.name");
    if (const Entry* nsEntry = metadata.find("namespace"))
        ns = string(*nsEntry->value, "metadata.namespace");
}

VirtualService Reader::readVirtualService(const Object& top, IstioApiVersion version)
{
    VirtualService vs;
    vs.apiVersion = version;
    readMetadata(top, vs.name, vs.ns);
    const Object spec = object(*require(top, "spec").value, "spec", {"hosts", "http"});
    const YamlNode& hosts = *require(spec, "hosts").value;
    vs.hosts = stringList(hosts, "spec.hosts");
    if (vs.hosts.empty())
        fail(hosts, "spec.hosts", "at least one host is required");
    if (const Entry* http = spec.find("http")) {
        std::size_t index = 0;
        for (const YamlNode* element : sequence(*http->value, "spec.http"))
            vs.http.push_back(readHttpRoute(*element, item("spec.http", index++)));
    }
    return vs;
}

Subset Reader::readSubset(const YamlNode& node, const std::string& path)
{
    const Object obj = object(node, path, {"name", "labels"});
    Subset subset;
    subset.name = nonEmptyString(*require(obj, "name").value, child(path, "name"));
    if (const Entry* labels = obj.find("labels"))
        subset.labels = stringMap(*labels->value, child(path, "labels"));
    return subset;
}

DestinationRule Reader::readDestinationRule(const Object& top, IstioApiVersion version)
{
    DestinationRule dr;
    dr.apiVersion = version;
    readMetadata(top, dr.name, dr.ns);
    const Object spec = object(*require(top, "spec").value, "spec", {"host", "subsets"});
    dr.host = nonEmptyString(*require(spec, "host").value, "spec.host");
    if (const Entry* subsets = spec.find("subsets")) {
        std::size_t index = 0;
        std::set<std::string> names;
        for (const YamlNode* element : sequence(*subsets->value, "spec.subsets")) {
            const std::string path = item("spec.subsets", index++);
            Subset subset = readSubset(*element, path);
            if (!names.insert(subset.name).second)
                fail(*element, child(path, "name"), "duplicate subset \"" + subset.name + "\"");
            dr.subsets.push_back(std::move(subset));
        }
    }
    return dr;
}

void Reader::readDocument(const YamlNode& doc, RuleDocuments& out, std::vector<DocumentInfo>& info)
{
    if (doc.isNull())
        return;  // an empty document, e.g. after a trailing "---"
    if (!doc.isMap())
        fail(doc, "", "a document must be a mapping (a VirtualService or DestinationRule)");
    const Object top = object(doc, "", {"apiVersion", "kind", "metadata", "spec", "status"});
    const std::string kind = string(*require(top, "kind").value, "kind");
    if (kind != "VirtualService" && kind != "DestinationRule")
        fail(*require(top, "kind").value, "kind",
             "unsupported kind \"" + kind + "\" (expected VirtualService or DestinationRule)");
    const YamlNode& apiNode = *require(top, "apiVersion").value;
    const std::string api = string(apiNode, "apiVersion");
    const std::optional<IstioApiVersion> version = parseApiVersion(api);
    if (!version)
        fail(apiNode, "apiVersion",
             "unsupported \"" + api +
                 "\" (expected networking.istio.io/v1, networking.istio.io/v1beta1 or "
                 "networking.istio.io/v1alpha3)");
    if (kind == "VirtualService")
        out.virtualServices.push_back(readVirtualService(top, *version));
    else
        out.destinationRules.push_back(readDestinationRule(top, *version));
    info.push_back(DocumentInfo{kind, doc.mark});
}

// What toYaml() writes for every document, with a "---" line before each.
bool writesMoreThan(const RuleDocuments& docs, std::size_t limit)
{
    std::size_t size = 0;
    for (const VirtualService& vs : docs.virtualServices) {
        size += toYaml(vs).size() + 4;
        if (size > limit)
            return true;
    }
    for (const DestinationRule& dr : docs.destinationRules) {
        size += toYaml(dr).size() + 4;
        if (size > limit)
            return true;
    }
    return false;
}

Result<RuleDocuments> parseDocuments(std::string_view yaml, std::string_view sourceName,
                                     std::vector<DocumentInfo>& info)
{
    if (yaml.size() > kMaxInputBytes)
        return yamlError(
            sourceName, YAML::Mark::null_mark(),
            "input too large: " + std::to_string(yaml.size()) + " bytes (the limit is 4 MiB)");
    try {
        const Result<YamlStream> stream = loadYamlStream(yaml, sourceName);
        if (!stream)
            return stream.error();
        Reader reader(sourceName);
        RuleDocuments out;
        for (const YamlNode* doc : stream->documents)
            reader.readDocument(*doc, out, info);
        if (reader.expandedEstimate() > kMaxInputBytes && writesMoreThan(out, kMaxInputBytes))
            return yamlError(sourceName, YAML::Mark::null_mark(),
                             "rules too large: written out they would exceed 4 MiB (aliases "
                             "expanded)");
        return out;
    } catch (const Failure& failure) {
        return failure.error;
    } catch (const std::exception& e) {
        return yamlError(sourceName, YAML::Mark::null_mark(), e.what());
    }
}

std::string displayName(const std::string& ns, const std::string& name)
{
    return ns.empty() ? name : ns + '/' + name;
}

Result<std::vector<RuleSet>> pairRuleSets(RuleDocuments docs,
                                          const std::vector<YAML::Mark>& vsMarks,
                                          const std::vector<YAML::Mark>& drMarks,
                                          std::string_view source)
{
    using Key = std::pair<std::string, std::string>;
    std::map<Key, std::size_t> ruleIndex;
    for (std::size_t i = 0; i < docs.destinationRules.size(); ++i) {
        const DestinationRule& dr = docs.destinationRules[i];
        if (!ruleIndex.emplace(Key{dr.ns, dr.name}, i).second)
            return yamlError(
                source, drMarks[i],
                "DestinationRule \"" + displayName(dr.ns, dr.name) + "\" is defined twice");
    }
    std::vector<RuleSet> sets;
    std::set<Key> seen;
    for (std::size_t i = 0; i < docs.virtualServices.size(); ++i) {
        VirtualService& vs = docs.virtualServices[i];
        const Key key{vs.ns, vs.name};
        const std::string display = displayName(vs.ns, vs.name);
        if (!seen.insert(key).second)
            return yamlError(source, vsMarks[i],
                             "VirtualService \"" + display + "\" is defined twice");
        const auto it = ruleIndex.find(key);
        if (it == ruleIndex.end())
            return yamlError(
                source, vsMarks[i],
                "VirtualService \"" + display + "\" has no DestinationRule of that name");
        sets.push_back(RuleSet{std::move(vs), std::move(docs.destinationRules[it->second])});
    }
    for (const auto& [key, index] : ruleIndex) {
        if (!seen.contains(key))
            return yamlError(source, drMarks[index],
                             "DestinationRule \"" + displayName(key.first, key.second) +
                                 "\" has no VirtualService of that name");
    }
    return sets;
}

}  // namespace

std::string toYaml(const VirtualService& vs)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    emitHeader(out, vs.apiVersion, "VirtualService", vs.name, vs.ns);
    out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "hosts" << YAML::Value << YAML::BeginSeq;
    for (const std::string& host : vs.hosts)
        out << Text{host};
    out << YAML::EndSeq;
    if (!vs.http.empty()) {
        out << YAML::Key << "http" << YAML::Value << YAML::BeginSeq;
        for (const HttpRoute& route : vs.http)
            emitHttpRoute(out, route);
        out << YAML::EndSeq;
    }
    out << YAML::EndMap << YAML::EndMap;
    return finish(out);
}

std::string toYaml(const DestinationRule& dr)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    emitHeader(out, dr.apiVersion, "DestinationRule", dr.name, dr.ns);
    out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "host" << YAML::Value << Text{dr.host};
    if (!dr.subsets.empty()) {
        out << YAML::Key << "subsets" << YAML::Value << YAML::BeginSeq;
        for (const Subset& subset : dr.subsets) {
            out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << Text{subset.name};
            emitStringMap(out, "labels", subset.labels);
            out << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    out << YAML::EndMap << YAML::EndMap;
    return finish(out);
}

std::string toYaml(const RuleSet& rules)
{
    return toYaml(rules.virtualService) + "---\n" + toYaml(rules.destinationRule);
}

Result<RuleDocuments> parseRules(std::string_view yaml, std::string_view sourceName)
{
    std::vector<DocumentInfo> info;
    return parseDocuments(yaml, sourceName, info);
}

Result<std::vector<RuleSet>> parseRuleSets(std::string_view yaml, std::string_view sourceName)
{
    std::vector<DocumentInfo> info;
    Result<RuleDocuments> docs = parseDocuments(yaml, sourceName, info);
    if (!docs)
        return docs.error();
    // Documents of each kind, in order, with where each starts.
    std::vector<YAML::Mark> vsMarks;
    std::vector<YAML::Mark> drMarks;
    for (const DocumentInfo& doc : info)
        (doc.kind == "VirtualService" ? vsMarks : drMarks).push_back(doc.mark);
    return pairRuleSets(std::move(*docs), vsMarks, drMarks, sourceName);
}

}  // namespace concord::core
