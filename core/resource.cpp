#include "resource.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <ctime>
#include <exception>
#include <initializer_list>
#include <set>
#include <utility>

#include "yaml_tree.h"

namespace concord::core {

namespace {

// ------------------------------------------------------------- validation --

constexpr std::size_t kMaxIdLength = 253;
constexpr std::size_t kMaxKindLength = 63;
constexpr std::size_t kMaxAttributeKeyLength = 63;
constexpr std::size_t kMaxAttributeValueLength = 1024;
constexpr std::size_t kMaxImageLength = 512;
constexpr std::size_t kMaxArgumentLength = 4096;
constexpr std::size_t kMaxArguments = 64;

// One thing wrong with a manifest; the mark is filled in when it was read
// from YAML.
struct Problem
{
    std::string path;
    std::string message;
    YAML::Mark mark = YAML::Mark::null_mark();
};

using Problems = std::vector<Problem>;

void add(Problems& out, std::string path, std::string message)
{
    out.push_back(Problem{std::move(path), std::move(message)});
}

bool fullMatch(std::string_view text, const RE2& pattern)
{
    return RE2::FullMatch(re2::StringPiece(text.data(), text.size()), pattern);
}

// Kubernetes' maxLength counts code points, not bytes.
std::size_t characterCount(std::string_view text)
{
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0u) != 0x80u;
    }));
}

// Valid UTF-8 of at most `max` characters, or a problem saying why not;
// `subject` ("key", "value") names which part of an entry is wrong.
bool checkText(Problems& out, const std::string& path, std::string_view text, std::size_t max,
               std::string_view subject = {})
{
    const std::string prefix = subject.empty() ? std::string() : std::string(subject) + " ";
    if (!isValidUtf8(text)) {
        add(out, path, prefix + "must be valid UTF-8");
        return false;
    }
    const std::size_t count = characterCount(text);
    if (count > max) {
        add(out, path,
            prefix + "must be at most " + std::to_string(max) + " characters (it has " +
                std::to_string(count) + ")");
        return false;
    }
    return true;
}

void checkFreeText(Problems& out, const std::string& path, std::string_view text)
{
    checkText(out, path, text, std::string_view::npos);
}

// Attribute keys may contain '.', so a key goes in brackets, as in
// Kubernetes' own field paths ("metadata.labels[app.kubernetes.io/name]").
std::string attributePath(std::string_view key)
{
    return "spec.attributes[" + std::string(key) + "]";
}

void checkIdentity(Problems& out, const ResourceSpec& spec)
{
    static const RE2 kKind("[A-Za-z][A-Za-z0-9]*");
    if (spec.id.empty())
        add(out, "spec.id", "required");
    else if (checkText(out, "spec.id", spec.id, kMaxIdLength) && !isDns1123Subdomain(spec.id))
        add(out, "spec.id",
            "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each "
            "dot-separated part starting and ending with a letter or digit");
    if (spec.kind.empty())
        add(out, "spec.kind", "required");
    else if (checkText(out, "spec.kind", spec.kind, kMaxKindLength) && !fullMatch(spec.kind, kKind))
        add(out, "spec.kind", "must start with a letter and contain only letters and digits");
}

void checkAttributes(Problems& out, const std::map<std::string, std::string>& attributes)
{
    static const RE2 kKey("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    for (const auto& [key, value] : attributes) {
        const std::string path = attributePath(key);
        if (key.empty())
            add(out, path, "key must not be empty");
        else if (checkText(out, path, key, kMaxAttributeKeyLength, "key") && !fullMatch(key, kKey))
            add(out, path,
                "key must contain only letters, digits, '-', '_' and '.', and start and end "
                "with a letter or digit");
        checkText(out, path, value, kMaxAttributeValueLength, "value");
    }
}

void checkDegrees(Problems& out, const std::string& path, const std::optional<double>& value,
                  double limit)
{
    if (value && !(std::isfinite(*value) && *value >= -limit && *value <= limit))
        add(out, path,
            "must be a finite number between " + std::to_string(static_cast<int>(-limit)) +
                " and " + std::to_string(static_cast<int>(limit)));
}

void checkSpace(Problems& out, const SpaceAttributes& space)
{
    checkFreeText(out, "spec.space.site", space.site);
    checkFreeText(out, "spec.space.room", space.room);
    checkDegrees(out, "spec.space.latitude", space.latitude, 90);
    checkDegrees(out, "spec.space.longitude", space.longitude, 180);
}

void checkTime(Problems& out, const TimeAttributes& time)
{
    static const RE2 kClock("([01][0-9]|2[0-3]):[0-5][0-9]");
    checkFreeText(out, "spec.time.timezone", time.timezone);
    const auto checkClock = [&](const std::string& path, const std::string& value,
                                const std::string& other, const char* otherName) {
        if (value.empty()) {
            if (!other.empty())
                add(out, path, std::string("required when ") + otherName + " is set");
        } else if (!fullMatch(value, kClock)) {
            add(out, path, "must be \"HH:MM\" (24 h) between 00:00 and 23:59");
        }
    };
    checkClock("spec.time.availableFrom", time.availableFrom, time.availableUntil,
               "availableUntil");
    checkClock("spec.time.availableUntil", time.availableUntil, time.availableFrom,
               "availableFrom");
}

void checkArguments(Problems& out, const std::string& path, const std::vector<std::string>& list)
{
    if (list.size() > kMaxArguments) {
        // Entry by entry would bury this under as many messages.
        add(out, path,
            "must have at most " + std::to_string(kMaxArguments) + " entries (it has " +
                std::to_string(list.size()) + ")");
        return;
    }
    for (std::size_t i = 0; i < list.size(); ++i)
        checkText(out, path + '[' + std::to_string(i) + ']', list[i], kMaxArgumentLength);
}

void checkProbe(Problems& out, const ProbeSpec& probe, bool enabled)
{
    const std::string path = "spec.probe.image";
    if (probe.image.empty()) {
        if (enabled)
            add(out, path, "required when probeEnabled is true");
    } else if (checkText(out, path, probe.image, kMaxImageLength) &&
               probe.image.find_first_of(" \t\n\v\f\r") != std::string::npos) {
        add(out, path, "must not contain whitespace");
    }
    checkArguments(out, "spec.probe.command", probe.command);
    checkArguments(out, "spec.probe.args", probe.args);
}

Problems collectProblems(const ResourceSpec& spec)
{
    Problems out;
    checkIdentity(out, spec);
    checkAttributes(out, spec.attributes);
    checkSpace(out, spec.space);
    checkTime(out, spec.time);
    checkProbe(out, spec.probe, spec.probeEnabled);
    return out;
}

// ---------------------------------------------------------------- hashing --

// FNV-1a, 64 bit: fixed by its definition, so the same on every platform and
// in every process (absl::Hash is seeded per process).
class Fnv1a final
{
public:
    void byte(unsigned char value)
    {
        m_hash ^= value;
        m_hash *= 0x100000001b3ull;
    }
    void number(std::uint64_t value)
    {
        for (int shift = 0; shift < 64; shift += 8)
            byte(static_cast<unsigned char>(value >> shift));
    }
    // Length first, so that no two different lists hash the same bytes.
    void text(std::string_view value)
    {
        number(value.size());
        for (const char c : value)
            byte(static_cast<unsigned char>(c));
    }
    void list(const std::vector<std::string>& values)
    {
        number(values.size());
        for (const std::string& value : values)
            text(value);
    }
    std::uint64_t value() const { return m_hash; }

private:
    std::uint64_t m_hash = 0xcbf29ce484222325ull;
};

// ---------------------------------------------------------------- writing --

// Whether a string can be written unquoted and read back as that string by
// yaml-cpp, by YAML 1.2 and by the YAML 1.1 reader kubectl uses (where "on",
// "y" and "08:30" are not strings). Anything doubtful is double-quoted.
bool plainIsSafe(std::string_view text)
{
    static const RE2 kSafe("[A-Za-z_/]([-A-Za-z0-9_./ ]*[-A-Za-z0-9_./])?");
    static const std::set<std::string, std::less<>> kReserved = {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null"};
    if (!fullMatch(text, kSafe))
        return false;
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return !kReserved.contains(lower);
}

struct Text
{
    std::string_view value;
};

YAML::Emitter& operator<<(YAML::Emitter& out, Text text)
{
    if (!plainIsSafe(text.value))
        out << YAML::DoubleQuoted;
    return out << std::string(text.value);
}

// The shortest form that reads back as the same double.
std::string numberText(double value)
{
    std::array<char, 64> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return std::string(buffer.data(), result.ptr);
}

// RFC 3339 in UTC with seconds, as Kubernetes writes metav1.Time.
std::string rfc3339(std::int64_t unixMs)
{
    const std::int64_t seconds = unixMs / 1000 - (unixMs % 1000 < 0 ? 1 : 0);
    const auto time = static_cast<std::time_t>(seconds);
    std::tm utc{};
    std::array<char, 64> buffer{};
    if (gmtime_r(&time, &utc) == nullptr ||
        std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
        return {};
    return buffer.data();
}

void emitText(YAML::Emitter& out, const char* key, const std::string& value)
{
    if (!value.empty())
        out << YAML::Key << key << YAML::Value << Text{value};
}

void emitList(YAML::Emitter& out, const char* key, const std::vector<std::string>& values)
{
    if (values.empty())
        return;
    out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
    for (const std::string& value : values)
        out << Text{value};
    out << YAML::EndSeq;
}

void emitMetadata(YAML::Emitter& out, const Resource& resource)
{
    out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << Text{resource.spec.id};
    out << YAML::Key << "generation" << YAML::Value << resource.generation;
    if (resource.resourceVersion != 0)
        out << YAML::Key << "resourceVersion" << YAML::Value
            << Text{std::to_string(resource.resourceVersion)};
    if (resource.createdAtUnixMs != 0)
        emitText(out, "creationTimestamp", rfc3339(resource.createdAtUnixMs));
    out << YAML::EndMap;
}

void emitSpace(YAML::Emitter& out, const SpaceAttributes& space)
{
    if (space.site.empty() && space.room.empty() && !space.latitude && !space.longitude)
        return;
    out << YAML::Key << "space" << YAML::Value << YAML::BeginMap;
    emitText(out, "site", space.site);
    emitText(out, "room", space.room);
    if (space.latitude)
        out << YAML::Key << "latitude" << YAML::Value << numberText(*space.latitude);
    if (space.longitude)
        out << YAML::Key << "longitude" << YAML::Value << numberText(*space.longitude);
    out << YAML::EndMap;
}

void emitTime(YAML::Emitter& out, const TimeAttributes& time)
{
    if (time.timezone.empty() && time.availableFrom.empty() && time.availableUntil.empty())
        return;
    out << YAML::Key << "time" << YAML::Value << YAML::BeginMap;
    emitText(out, "timezone", time.timezone);
    emitText(out, "availableFrom", time.availableFrom);
    emitText(out, "availableUntil", time.availableUntil);
    out << YAML::EndMap;
}

void emitSpec(YAML::Emitter& out, const ResourceSpec& spec)
{
    out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << Text{spec.id};
    out << YAML::Key << "kind" << YAML::Value << Text{spec.kind};
    if (!spec.attributes.empty()) {
        out << YAML::Key << "attributes" << YAML::Value << YAML::BeginMap;
        for (const auto& [key, value] : spec.attributes)
            out << YAML::Key << Text{key} << YAML::Value << Text{value};
        out << YAML::EndMap;
    }
    emitSpace(out, spec.space);
    emitTime(out, spec.time);
    const ProbeSpec& probe = spec.probe;
    if (!probe.image.empty() || !probe.command.empty() || !probe.args.empty()) {
        out << YAML::Key << "probe" << YAML::Value << YAML::BeginMap;
        emitText(out, "image", probe.image);
        emitList(out, "command", probe.command);
        emitList(out, "args", probe.args);
        out << YAML::EndMap;
    }
    out << YAML::Key << "probeEnabled" << YAML::Value << spec.probeEnabled;
    out << YAML::EndMap;
}

void emitCondition(YAML::Emitter& out, const Condition& condition)
{
    out << YAML::BeginMap;
    out << YAML::Key << "type" << YAML::Value << Text{toString(condition.type)};
    out << YAML::Key << "status" << YAML::Value << Text{toString(condition.status)};
    emitText(out, "reason", condition.reason);
    emitText(out, "message", condition.message);
    if (condition.lastTransitionUnixMs != 0)
        emitText(out, "lastTransitionTime", rfc3339(condition.lastTransitionUnixMs));
    out << YAML::EndMap;
}

void emitStatus(YAML::Emitter& out, const ResourceStatus& status)
{
    const ProbeDeploymentStatus& probe = status.probe;
    const bool hasProbe = probe != ProbeDeploymentStatus{};
    if (status.conditions.empty() && status.observedGeneration == 0 && !hasProbe)
        return;
    out << YAML::Key << "status" << YAML::Value << YAML::BeginMap;
    if (!status.conditions.empty()) {
        out << YAML::Key << "conditions" << YAML::Value << YAML::BeginSeq;
        for (const Condition& condition : status.conditions)
            emitCondition(out, condition);
        out << YAML::EndSeq;
    }
    if (status.observedGeneration != 0)
        out << YAML::Key << "observedGeneration" << YAML::Value << status.observedGeneration;
    if (hasProbe) {
        out << YAML::Key << "probe" << YAML::Value << YAML::BeginMap;
        emitText(out, "name", probe.name);
        out << YAML::Key << "phase" << YAML::Value << Text{toString(probe.phase)};
        emitText(out, "specHash", probe.specHash);
        emitText(out, "message", probe.message);
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

// ---------------------------------------------------------------- reading --

// etcd stores objects of up to 1.5 MiB; a Resource is a few hundred bytes.
constexpr std::size_t kMaxInputBytes = std::size_t{1} << 20;
// Strings are copied once per alias that refers to them; past this much an
// alias bomb is stopped before it exhausts memory.
constexpr std::size_t kMaxExpandedBytes = std::size_t{8} << 20;

struct TooLarge
{
    YAML::Mark mark;
};

struct Field
{
    std::string key;
    const YamlNode* keyNode;
    const YamlNode* value;
};

const YamlNode* findValue(const std::vector<Field>& fields, std::string_view key)
{
    for (const Field& field : fields) {
        if (field.key == key)
            return field.value->isNull() ? nullptr : field.value;
    }
    return nullptr;
}

std::string child(const std::string& path, std::string_view key)
{
    return path.empty() ? std::string(key) : path + '.' + std::string(key);
}

// A value for an error message: quoted, and cut short when long.
std::string quoted(std::string_view value)
{
    constexpr std::size_t kMax = 80;
    if (value.size() <= kMax)
        return '"' + std::string(value) + '"';
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xc0u) == 0x80u)
        --cut;  // not inside a UTF-8 sequence
    return '"' + std::string(value.substr(0, cut)) + "\"…";
}

void assign(std::string& target, std::optional<std::string> value)
{
    if (value)
        target = std::move(*value);
}

// Reads one manifest, collecting every problem (with where it is) instead of
// stopping at the first; each field read is remembered with its position so
// that problems found by validation can point at it too.
class ManifestReader final
{
public:
    explicit ManifestReader(std::string_view source) : m_source(source) {}

    ResourceSpec read(const YamlNode& document);
    Result<ResourceSpec> finish(ResourceSpec spec);

private:
    void problem(const YamlNode& at, std::string path, std::string message)
    {
        m_problems.push_back(Problem{std::move(path), std::move(message), at.mark});
    }
    void record(const std::string& path, const YAML::Mark& mark) { m_marks.emplace(path, mark); }
    YAML::Mark markOf(std::string path) const;
    void charge(const YamlNode& at, std::size_t bytes);

    std::vector<Field> fields(const YamlNode& node, const std::string& path,
                              std::initializer_list<std::string_view> allowed, bool bracketed);
    std::optional<std::string> text(const YamlNode& node, const std::string& path);
    std::optional<bool> boolean(const YamlNode& node, const std::string& path);
    std::optional<double> number(const YamlNode& node, const std::string& path);
    std::optional<std::vector<std::string>> list(const YamlNode& node, const std::string& path);

    void checkConstant(const std::vector<Field>& top, const YamlNode& document,
                       std::string_view key, std::string_view expected);
    std::optional<std::string> readName(const std::vector<Field>& top, const YamlNode& document);
    void readSpec(const YamlNode& node, ResourceSpec& spec);
    void readAttributes(const YamlNode& node, std::map<std::string, std::string>& attributes);
    void readSpace(const YamlNode& node, SpaceAttributes& space);
    void readTime(const YamlNode& node, TimeAttributes& time);
    void readProbe(const YamlNode& node, ProbeSpec& probe);
    void matchName(const std::optional<std::string>& name, ResourceSpec& spec);
    Error compose(Problems problems) const;

    std::string m_source;
    Problems m_problems;
    std::map<std::string, YAML::Mark> m_marks;
    std::size_t m_charged = 0;
    const YamlNode* m_idNode = nullptr;  // spec.id as written, if it was
    bool m_idRead = false;               // … and it is a string
    bool m_idFromName = false;
};

// Where `path` was read, or else its nearest ancestor that was.
YAML::Mark ManifestReader::markOf(std::string path) const
{
    while (true) {
        if (const auto it = m_marks.find(path); it != m_marks.end())
            return it->second;
        const std::size_t cut = path.find_last_of(".[");
        if (cut == std::string::npos)
            break;
        path.resize(cut);
    }
    const auto root = m_marks.find("");
    return root == m_marks.end() ? YAML::Mark::null_mark() : root->second;
}

void ManifestReader::charge(const YamlNode& at, std::size_t bytes)
{
    m_charged += bytes + 16;
    if (m_charged > kMaxExpandedBytes)
        throw TooLarge{at.mark};
}

// The entries of a mapping, at `path.key`, or `path[key]` when `bracketed`.
// Keys not `allowed` are problems; an empty list allows any key.
std::vector<Field> ManifestReader::fields(const YamlNode& node, const std::string& path,
                                          std::initializer_list<std::string_view> allowed,
                                          bool bracketed)
{
    std::vector<Field> out;
    if (!node.isMap()) {
        problem(node, path, "expected a mapping");
        return out;
    }
    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i + 1 < node.children.size(); i += 2) {
        const YamlNode& keyNode = *node.children[i];
        const YamlNode& value = *node.children[i + 1];
        if (!keyNode.isScalar() || !isValidUtf8(keyNode.scalar)) {
            problem(keyNode, path, "keys must be strings (valid UTF-8)");
            continue;
        }
        const std::string& key = keyNode.scalar;
        charge(keyNode, key.size());
        const std::string keyPath = bracketed ? path + '[' + key + ']' : child(path, key);
        if (!seen.insert(key).second) {
            problem(keyNode, keyPath, "duplicate field");
            continue;
        }
        if (allowed.size() > 0 && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            std::string expected;
            for (const std::string_view name : allowed)
                expected += (expected.empty() ? "" : ", ") + std::string(name);
            problem(keyNode, keyPath, "unknown field (expected one of: " + expected + ")");
            continue;
        }
        record(keyPath, value.isNull() ? keyNode.mark : value.mark);
        out.push_back(Field{key, &keyNode, &value});
    }
    return out;
}

std::optional<std::string> ManifestReader::text(const YamlNode& node, const std::string& path)
{
    if (!node.isScalar()) {
        problem(node, path, "expected a string");
        return std::nullopt;
    }
    if (!isValidUtf8(node.scalar)) {
        problem(node, path, "must be valid UTF-8");
        return std::nullopt;
    }
    charge(node, node.scalar.size());
    return node.scalar;
}

std::optional<bool> ManifestReader::boolean(const YamlNode& node, const std::string& path)
{
    bool value = false;
    // yaml-cpp's own reading of true/false (and YAML 1.1's yes/no, on/off).
    if (node.isScalar() && YAML::convert<bool>::decode(YAML::Node(node.scalar), value))
        return value;
    problem(node, path, "expected a boolean");
    return std::nullopt;
}

std::optional<double> ManifestReader::number(const YamlNode& node, const std::string& path)
{
    if (node.isScalar()) {
        std::string_view text = node.scalar;
        if (text.size() > 1 && text.front() == '+')
            text.remove_prefix(1);  // YAML allows it, from_chars does not
        double value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (!text.empty() && ec == std::errc() && ptr == end)
            return value;
    }
    problem(node, path, "expected a number");
    return std::nullopt;
}

std::optional<std::vector<std::string>> ManifestReader::list(const YamlNode& node,
                                                             const std::string& path)
{
    if (!node.isSequence()) {
        problem(node, path, "expected a list of strings");
        return std::nullopt;
    }
    std::vector<std::string> values;
    bool ok = true;
    for (std::size_t i = 0; i < node.children.size(); ++i) {
        const std::string itemPath = path + '[' + std::to_string(i) + ']';
        record(itemPath, node.children[i]->mark);
        std::optional<std::string> value = text(*node.children[i], itemPath);
        ok = ok && value.has_value();
        if (value)
            values.push_back(std::move(*value));
    }
    return ok ? std::optional(std::move(values)) : std::nullopt;
}

void ManifestReader::checkConstant(const std::vector<Field>& top, const YamlNode& document,
                                   std::string_view key, std::string_view expected)
{
    const std::string path(key);
    const YamlNode* node = findValue(top, key);
    if (node == nullptr) {
        problem(document, path, "required field is missing (expected " + quoted(expected) + ")");
        return;
    }
    const std::optional<std::string> value = text(*node, path);
    if (value && *value != expected)
        problem(*node, path, "expected " + quoted(expected) + ", not " + quoted(*value));
}

// metadata.name; the rest of metadata (labels, namespace, …) is the cluster's.
std::optional<std::string> ManifestReader::readName(const std::vector<Field>& top,
                                                    const YamlNode& document)
{
    const YamlNode* metadata = findValue(top, "metadata");
    if (metadata == nullptr) {
        problem(document, "metadata", "required field is missing");
        return std::nullopt;
    }
    const YamlNode* name = findValue(fields(*metadata, "metadata", {}, false), "name");
    if (metadata->isMap() && name == nullptr)
        problem(*metadata, "metadata.name", "required field is missing");
    return name == nullptr ? std::nullopt : text(*name, "metadata.name");
}

void ManifestReader::readSpec(const YamlNode& node, ResourceSpec& spec)
{
    const auto entries =
        fields(node, "spec", {"id", "kind", "attributes", "space", "time", "probe", "probeEnabled"},
               false);
    for (const Field& field : entries) {
        if (field.value->isNull())
            continue;  // as if absent, as Kubernetes reads it
        const YamlNode& value = *field.value;
        const std::string path = child("spec", field.key);
        if (field.key == "id") {
            m_idNode = &value;
            if (std::optional<std::string> id = text(value, path)) {
                spec.id = std::move(*id);
                m_idRead = true;
            }
        } else if (field.key == "kind") {
            assign(spec.kind, text(value, path));
        } else if (field.key == "attributes") {
            readAttributes(value, spec.attributes);
        } else if (field.key == "space") {
            readSpace(value, spec.space);
        } else if (field.key == "time") {
            readTime(value, spec.time);
        } else if (field.key == "probe") {
            readProbe(value, spec.probe);
        } else if (const std::optional<bool> enabled = boolean(value, path)) {
            spec.probeEnabled = *enabled;
        }
    }
}

void ManifestReader::readAttributes(const YamlNode& node,
                                    std::map<std::string, std::string>& attributes)
{
    for (const Field& field : fields(node, "spec.attributes", {}, true)) {
        if (std::optional<std::string> value = text(*field.value, attributePath(field.key)))
            attributes.emplace(field.key, std::move(*value));
    }
}

void ManifestReader::readSpace(const YamlNode& node, SpaceAttributes& space)
{
    const std::string path = "spec.space";
    for (const Field& field :
         fields(node, path, {"site", "room", "latitude", "longitude"}, false)) {
        if (field.value->isNull())
            continue;
        const std::string fieldPath = child(path, field.key);
        if (field.key == "site")
            assign(space.site, text(*field.value, fieldPath));
        else if (field.key == "room")
            assign(space.room, text(*field.value, fieldPath));
        else if (field.key == "latitude")
            space.latitude = number(*field.value, fieldPath);
        else
            space.longitude = number(*field.value, fieldPath);
    }
}

void ManifestReader::readTime(const YamlNode& node, TimeAttributes& time)
{
    const std::string path = "spec.time";
    for (const Field& field :
         fields(node, path, {"timezone", "availableFrom", "availableUntil"}, false)) {
        if (field.value->isNull())
            continue;
        const std::string fieldPath = child(path, field.key);
        if (field.key == "timezone")
            assign(time.timezone, text(*field.value, fieldPath));
        else if (field.key == "availableFrom")
            assign(time.availableFrom, text(*field.value, fieldPath));
        else
            assign(time.availableUntil, text(*field.value, fieldPath));
    }
}

void ManifestReader::readProbe(const YamlNode& node, ProbeSpec& probe)
{
    const std::string path = "spec.probe";
    for (const Field& field : fields(node, path, {"image", "command", "args"}, false)) {
        if (field.value->isNull())
            continue;
        const std::string fieldPath = child(path, field.key);
        if (field.key == "image") {
            assign(probe.image, text(*field.value, fieldPath));
        } else {
            auto& target = field.key == "command" ? probe.command : probe.args;
            if (std::optional<std::vector<std::string>> values = list(*field.value, fieldPath))
                target = std::move(*values);
        }
    }
}

// spec.id is the object's name: given, it must be metadata.name; omitted, it is.
void ManifestReader::matchName(const std::optional<std::string>& name, ResourceSpec& spec)
{
    if (m_idNode == nullptr) {
        m_idFromName = true;  // even when unreadable: its problems are the name's
        if (name)
            spec.id = *name;
    } else if (name && m_idRead && spec.id != *name) {
        problem(*m_idNode, "spec.id", "must equal metadata.name (" + quoted(*name) + ")");
    }
}

ResourceSpec ManifestReader::read(const YamlNode& document)
{
    record("", document.mark);
    ResourceSpec spec;
    if (!document.isMap()) {
        problem(document, "", "a Resource manifest must be a mapping");
        return spec;
    }
    const auto top =
        fields(document, "", {"apiVersion", "kind", "metadata", "spec", "status"}, false);
    checkConstant(top, document, "apiVersion", kResourceApiVersion);
    checkConstant(top, document, "kind", kResourceKind);
    const std::optional<std::string> name = readName(top, document);
    // status is the controller's: whatever it says is not read.
    if (const YamlNode* specNode = findValue(top, "spec"))
        readSpec(*specNode, spec);
    else
        problem(document, "spec", "required field is missing");
    matchName(name, spec);
    return spec;
}

// One problem per field: a field that could not be read is not also
// reported by validation (a mistyped spec.id is not "required" as well).
Result<ResourceSpec> ManifestReader::finish(ResourceSpec spec)
{
    Problems problems = std::move(m_problems);
    const std::size_t structural = problems.size();
    for (Problem& found : collectProblems(spec)) {
        if (m_idFromName && found.path == "spec.id")
            found.path = "metadata.name";  // what the author wrote
        const bool covered = std::any_of(
            problems.begin(), problems.begin() + static_cast<std::ptrdiff_t>(structural),
            [&](const Problem& earlier) {
                const std::string& p = earlier.path;
                return found.path.starts_with(p) &&
                       (found.path.size() == p.size() || p.empty() || found.path[p.size()] == '.' ||
                        found.path[p.size()] == '[');
            });
        if (covered)
            continue;
        found.mark = markOf(found.path);
        problems.push_back(std::move(found));
    }
    if (problems.empty())
        return spec;
    return compose(std::move(problems));
}

// Every problem, top to bottom: the first one's position is the Error's, the
// others carry theirs in the message.
Error ManifestReader::compose(Problems problems) const
{
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
        return std::pair(a.mark.line, a.mark.column) < std::pair(b.mark.line, b.mark.column);
    });
    std::string message;
    for (std::size_t i = 0; i < problems.size(); ++i) {
        const Problem& p = problems[i];
        if (i > 0) {
            message += "; ";
            if (!p.mark.is_null())
                message += std::to_string(p.mark.line + 1) + ':' +
                           std::to_string(p.mark.column + 1) + ": ";
        }
        message += p.path.empty() ? p.message : p.path + ": " + p.message;
    }
    Error error = yamlError(m_source, problems.front().mark, std::move(message));
    error.code = ErrorCode::InvalidArgument;
    return error;
}

Error invalid(Error error)
{
    error.code = ErrorCode::InvalidArgument;
    return error;
}

// The one document of the stream; empty documents (a trailing "---") do not count.
Result<const YamlNode*> singleDocument(const YamlStream& stream, std::string_view source)
{
    std::vector<const YamlNode*> documents;
    for (const YamlNode* document : stream.documents) {
        if (!document->isNull())
            documents.push_back(document);
    }
    if (documents.empty())
        return invalid(yamlError(source, YAML::Mark::null_mark(),
                                 "the manifest is empty (expected one Resource)"));
    if (documents.size() > 1)
        return invalid(yamlError(source, documents[1]->mark,
                                 "expected one Resource manifest, found " +
                                     std::to_string(documents.size()) + " YAML documents"));
    return documents.front();
}

}  // namespace

// ------------------------------------------------------------------ public --

bool isDns1123Subdomain(std::string_view name)
{
    static const RE2 kSubdomain("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    return name.size() <= kMaxIdLength && fullMatch(name, kSubdomain);
}

Status validateResourceSpec(const ResourceSpec& spec)
{
    const Problems problems = collectProblems(spec);
    if (problems.empty())
        return okStatus();
    std::string message;
    for (const Problem& p : problems)
        message += (message.empty() ? "" : "; ") + p.path + ": " + p.message;
    return makeError(ErrorCode::InvalidArgument, std::move(message));
}

std::string probeSpecHash(const ProbeSpec& probe)
{
    Fnv1a hash;
    hash.text(probe.image);
    hash.list(probe.command);
    hash.list(probe.args);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex(16, '0');
    std::uint64_t value = hash.value();
    for (std::size_t i = hex.size(); i-- > 0; value >>= 4)
        hex[i] = kDigits[value & 0xfu];
    return hex;
}

const Condition* findCondition(const ResourceStatus& status, ConditionType type)
{
    const auto it = std::find_if(status.conditions.begin(), status.conditions.end(),
                                 [type](const Condition& c) { return c.type == type; });
    return it == status.conditions.end() ? nullptr : &*it;
}

std::string_view toString(ConditionType type)
{
    switch (type) {
        case ConditionType::Available:
            return "Available";
        case ConditionType::Progressing:
            return "Progressing";
        case ConditionType::Degraded:
            return "Degraded";
    }
    return "Unknown";
}

std::string_view toString(ConditionStatus status)
{
    switch (status) {
        case ConditionStatus::True:
            return "True";
        case ConditionStatus::False:
            return "False";
        case ConditionStatus::Unknown:
            return "Unknown";
    }
    return "Unknown";
}

std::string_view toString(ProbePhase phase)
{
    switch (phase) {
        case ProbePhase::None:
            return "None";
        case ProbePhase::Pending:
            return "Pending";
        case ProbePhase::Running:
            return "Running";
        case ProbePhase::Failed:
            return "Failed";
    }
    return "None";
}

std::string toYaml(const Resource& resource, bool withStatus)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "apiVersion" << YAML::Value << std::string(kResourceApiVersion);
    out << YAML::Key << "kind" << YAML::Value << std::string(kResourceKind);
    emitMetadata(out, resource);
    emitSpec(out, resource.spec);
    if (withStatus)
        emitStatus(out, resource.status);
    out << YAML::EndMap;
    std::string text(out.c_str(), out.size());
    if (text.empty() || text.back() != '\n')
        text += '\n';
    return text;
}

Result<ResourceSpec> parseResourceYaml(std::string_view yaml, std::string_view source)
{
    if (yaml.size() > kMaxInputBytes)
        return invalid(yamlError(
            source, YAML::Mark::null_mark(),
            "manifest too large: " + std::to_string(yaml.size()) + " bytes (the limit is 1 MiB)"));
    try {
        const Result<YamlStream> stream = loadYamlStream(yaml, source);
        if (!stream)
            return invalid(stream.error());
        const Result<const YamlNode*> document = singleDocument(*stream, source);
        if (!document)
            return document.error();
        ManifestReader reader(source);
        ResourceSpec spec = reader.read(**document);
        return reader.finish(std::move(spec));
    } catch (const TooLarge& tooLarge) {
        return invalid(yamlError(source, tooLarge.mark,
                                 "manifest too large once its aliases are expanded (over 8 MiB)"));
    } catch (const std::exception& e) {
        return invalid(yamlError(source, YAML::Mark::null_mark(), e.what()));
    }
}

}  // namespace concord::core
