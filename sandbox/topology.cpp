#include "topology.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <numbers>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "core/yaml_tree.h"

namespace concord::sandbox {

namespace {

// Limits of the format (docs/topology-format.md, "Limits").
constexpr std::size_t kMaxInputBytes = 4 * 1024 * 1024;
constexpr int kMaxNesting = 64;
// Aliases could otherwise multiply a few KiB into millions of versions and steps.
constexpr std::size_t kMaxElements = 200'000;  // versions + script steps, aliases expanded
constexpr std::size_t kMaxServices = 10'000;
constexpr std::size_t kMaxVersions = 256;  // per service
constexpr double kMaxTime = 1e9;
constexpr double kMaxSigma = 5;
constexpr double kMaxWeight = 1e9;
constexpr int kMaxInstances = 1000;
constexpr int kMaxBound = 100;
constexpr int kMaxRetries = 10;

// A uniform double in (0, 1] from the top 53 bits, so results do not depend on
// the standard library's distribution classes.
double uniformOpenClosed(Rng& rng)
{
    return static_cast<double>((rng() >> 11) + 1) * 0x1p-53;
}

double standardNormal(Rng& rng)
{
    // Box–Muller; one of the pair is thrown away to keep sample() stateless.
    const double u1 = uniformOpenClosed(rng);
    const double u2 = uniformOpenClosed(rng);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

const std::vector<Step>& defaultScript()
{
    static const std::vector<Step> script = [] {
        Step step;
        step.duration = Distribution::constant(1);
        return std::vector<Step>{step};
    }();
    return script;
}

}  // namespace

double Distribution::sample(Rng& rng) const
{
    switch (kind) {
        case Kind::Constant:
            return mean;
        case Kind::Exponential:
            return -mean * std::log(uniformOpenClosed(rng));
        case Kind::LogNormal: {
            if (!(mean > 0))
                return 0;
            // Chosen so that E[X] = mean: mu = ln(mean) - sigma^2 / 2.
            const double mu = std::log(mean) - sigma * sigma / 2;
            return std::exp(mu + sigma * standardNormal(rng));
        }
        case Kind::Uniform:
            return min + (max - min) * (1.0 - uniformOpenClosed(rng));
    }
    return mean;
}

const VersionSpec* ServiceSpec::findVersion(std::string_view wanted) const
{
    for (const VersionSpec& version : versions) {
        if (version.name == wanted)
            return &version;
    }
    return nullptr;
}

const std::vector<Step>& ServiceSpec::scriptOf(std::string_view version) const
{
    static const std::vector<Step> none;
    const VersionSpec* at = findVersion(version);
    if (!at)
        return none;
    // Bounded walk: a hand-built spec may have a parent loop.
    for (std::size_t hops = 0; at && hops <= versions.size(); ++hops) {
        if (!at->script.empty())
            return at->script;
        at = at->parent.empty() ? nullptr : findVersion(at->parent);
    }
    return defaultScript();
}

const ServiceSpec* Topology::findService(std::string_view wanted) const
{
    for (const ServiceSpec& service : services) {
        if (service.name == wanted)
            return &service;
    }
    return nullptr;
}

core::MeshModel Topology::toMeshModel() const
{
    core::MeshModel mesh;
    for (const ServiceSpec& spec : services) {
        core::Service service;
        service.name = spec.name;
        if (!spec.group.empty())
            service.ns = spec.group;
        const std::string& serving = spec.serving.empty() && !spec.versions.empty()
                                         ? spec.versions.front().name
                                         : spec.serving;
        std::int64_t ordinal = 0;
        for (const VersionSpec& v : spec.versions) {
            core::Version version{v.name,    v.parent, v.image,
                                  ordinal++, 0,        core::VersionState::Registered};
            if (v.name == serving) {
                version.state = core::VersionState::Serving;
                version.instances = v.instances;
            }
            (void)service.versions.add(std::move(version));  // a parsed topology is valid
        }
        (void)mesh.addService(std::move(service));
    }
    for (const ServiceSpec& spec : services) {
        for (const VersionSpec& version : spec.versions) {
            for (const Step& step : spec.scriptOf(version.name)) {
                if (step.kind == Step::Kind::Call)
                    (void)mesh.addCallEdge(spec.name, step.service);
            }
        }
    }
    return mesh;
}

// ---------------------------------------------------------------------------
// Nesting estimate, run on the raw text before yaml-cpp sees it.

namespace {

// Estimates (generously) how deeply block and flow collections nest, line by
// line, so absurd inputs are rejected before the recursive parser runs.
// yaml-cpp's own depth guard stays as the backstop for what this misses.
class NestingScanner final
{
public:
    // The estimated depth after this line.
    int scanLine(std::string_view line);

private:
    struct Block
    {
        std::size_t column;
        bool sequence;
    };
    void openBlock(std::size_t column, bool sequence);
    int scanInline(std::string_view line, std::size_t from);
    bool inBlockScalar(std::string_view line, std::size_t indent) const;

    std::vector<Block> m_blocks;
    int m_flow = 0;
    std::optional<std::size_t> m_scalarParent;  // column of a `|`/`>` scalar's parent
};

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

bool isIndicatorAt(std::string_view line, std::size_t i)
{
    const char c = line[i];
    return (c == '-' || c == '?' || c == ':') && (i + 1 == line.size() || isBlank(line[i + 1]));
}

// Skips a quoted scalar that closes on this line; returns its last index, or npos.
std::size_t skipQuoted(std::string_view line, std::size_t open)
{
    const char quote = line[open];
    for (std::size_t i = open + 1; i < line.size(); ++i) {
        if (quote == '"' && line[i] == '\\') {
            ++i;
        } else if (line[i] == quote) {
            if (quote == '\'' && i + 1 < line.size() && line[i + 1] == '\'')
                ++i;
            else
                return i;
        }
    }
    return std::string_view::npos;
}

bool NestingScanner::inBlockScalar(std::string_view line, std::size_t indent) const
{
    return m_scalarParent && (indent == line.size() || indent > *m_scalarParent);
}

void NestingScanner::openBlock(std::size_t column, bool sequence)
{
    if (!m_blocks.empty() && m_blocks.back().column == column) {
        if (m_blocks.back().sequence == sequence)
            return;
        if (m_blocks.back().sequence)  // a key ends a zero-indented sequence
            m_blocks.pop_back();
        if (!m_blocks.empty() && m_blocks.back().column == column)
            return;
    }
    m_blocks.push_back({column, sequence});
}

int NestingScanner::scanLine(std::string_view line)
{
    std::size_t i = 0;
    while (i < line.size() && line[i] == ' ')
        ++i;
    if (inBlockScalar(line, i))
        return static_cast<int>(m_blocks.size()) + m_flow;
    m_scalarParent.reset();
    if (i == line.size() || line[i] == '#')
        return static_cast<int>(m_blocks.size()) + m_flow;
    if (m_flow == 0) {
        while (!m_blocks.empty() && m_blocks.back().column > i)
            m_blocks.pop_back();
        while (i < line.size() && isIndicatorAt(line, i)) {
            openBlock(i, line[i] == '-');
            ++i;
            while (i < line.size() && isBlank(line[i]))
                ++i;
        }
    }
    return scanInline(line, i);
}

// Flow brackets and keys from `from` on; quoted scalars and comments are skipped.
int NestingScanner::scanInline(std::string_view line, std::size_t from)
{
    const std::size_t column = from;
    bool tokenStart = true;
    bool keyed = false;
    int deepest = static_cast<int>(m_blocks.size()) + m_flow;
    for (std::size_t i = from; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '#' && (i == 0 || isBlank(line[i - 1])))
            break;
        if ((c == '"' || c == '\'') && tokenStart) {
            const std::size_t close = skipQuoted(line, i);
            if (close != std::string_view::npos) {
                i = close;
                tokenStart = false;
                continue;
            }
        }
        if ((c == '[' || c == '{') && (tokenStart || m_flow > 0)) {
            ++m_flow;
            tokenStart = true;
        } else if ((c == ']' || c == '}') && m_flow > 0) {
            --m_flow;
            tokenStart = false;
        } else if (c == ':' && (i + 1 == line.size() || isBlank(line[i + 1]))) {
            keyed = keyed || m_flow == 0;
            tokenStart = true;
        } else if ((c == '|' || c == '>') && tokenStart && m_flow == 0) {
            m_scalarParent = m_blocks.empty() ? 0 : m_blocks.back().column;
            break;
        } else {
            tokenStart = m_flow > 0 && (isBlank(c) || c == ',') ? true : tokenStart && isBlank(c);
        }
        deepest = std::max(deepest, static_cast<int>(m_blocks.size()) + m_flow);
    }
    if (keyed) {
        openBlock(column, false);
        if (m_scalarParent)
            m_scalarParent = column;
    }
    return std::max(deepest, static_cast<int>(m_blocks.size()) + m_flow);
}

std::optional<core::Error> checkShape(std::string_view text, const std::string& source)
{
    if (text.size() > kMaxInputBytes) {
        return core::Error{
            source, 0, 0,
            "input is " + std::to_string(text.size()) + " bytes; a topology may be at most 4 MiB"};
    }
    NestingScanner scanner;
    int lineNumber = 0;
    for (std::size_t start = 0; start <= text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        ++lineNumber;
        if (scanner.scanLine(text.substr(start, end - start)) > kMaxNesting) {
            return core::Error{
                source, lineNumber, 0,
                "collections are nested deeper than " + std::to_string(kMaxNesting) + " levels"};
        }
        start = end + 1;
    }
    return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------
// The parser proper: YAML nodes -> Topology, first error wins.

namespace {

// Thrown inside the parser only; parseTopology() turns it into a core::Error.
struct Rejection
{
    int line = 0;
    int column = 0;
    std::string message;
};

struct Position
{
    int line = 0;
    int column = 0;
};

Position positionOf(const YAML::Node& node)
{
    const YAML::Mark mark = node.Mark();
    return {std::max(0, mark.line + 1), std::max(0, mark.column + 1)};
}

[[noreturn]] void reject(Position at, std::string message)
{
    throw Rejection{at.line, at.column, std::move(message)};
}

[[noreturn]] void reject(const YAML::Node& node, std::string message)
{
    reject(positionOf(node), std::move(message));
}

std::string quoted(std::string_view text)
{
    return "'" + std::string(text) + "'";
}

std::size_t editDistance(std::string_view a, std::string_view b)
{
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                              std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string listOf(const std::vector<std::string_view>& keys)
{
    std::string out;
    for (std::string_view key : keys)
        out += (out.empty() ? "" : ", ") + std::string(key);
    return out;
}

std::string unknownKeyMessage(std::string_view key, std::string_view what,
                              const std::vector<std::string_view>& allowed)
{
    std::string message = "unknown key " + quoted(key) + " in " + std::string(what);
    for (std::string_view candidate : allowed) {
        if (key.size() < 64 && editDistance(key, candidate) <= 2)
            return message + " (did you mean " + quoted(candidate) + "?)";
    }
    return message + " (expected one of: " + listOf(allowed) + ")";
}

// The keys of one YAML mapping, checked against the keys it may have.
class MapReader final
{
public:
    MapReader(const YAML::Node& node, std::string_view what, std::vector<std::string_view> allowed)
        : m_node(node), m_what(what)
    {
        if (!node.IsMap())
            reject(node, std::string(what) + " must be a mapping");
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!it->first.IsScalar())
                reject(it->first, "keys in " + m_what + " must be plain names");
            const std::string& key = it->first.Scalar();
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
                reject(it->first, unknownKeyMessage(key, what, allowed));
            if (m_values.contains(key))
                reject(it->first, "duplicate key " + quoted(key) + " in " + m_what);
            m_values.emplace(key, it->second);
        }
    }

    // The value of `key`, or nullopt when absent or null.
    std::optional<YAML::Node> get(std::string_view key) const
    {
        const auto it = m_values.find(key);
        if (it == m_values.end() || it->second.IsNull())
            return std::nullopt;
        return it->second;
    }

    YAML::Node require(std::string_view key) const
    {
        if (auto value = get(key))
            return *value;
        reject(m_node, m_what + " is missing required key " + quoted(key));
    }

    bool has(std::string_view key) const { return get(key).has_value(); }
    const YAML::Node& node() const { return m_node; }

private:
    YAML::Node m_node;
    std::string m_what;
    std::map<std::string, YAML::Node, std::less<>> m_values;
};

std::string readString(const YAML::Node& node, std::string_view key)
{
    if (!node.IsScalar())
        reject(node, std::string(key) + " must be a string");
    if (!core::isValidUtf8(node.Scalar()))
        reject(node, std::string(key) + " is not valid UTF-8");
    return node.Scalar();
}

bool looksNonFinite(std::string_view text)
{
    std::string lower;
    for (char c : text)
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.find("inf") != std::string::npos || lower.find("nan") != std::string::npos;
}

template <typename T>
std::optional<T> parseNumber(std::string_view text)
{
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

// A finite number in [min, max]; `minExclusive` turns the lower bound into `> min`.
double readNumber(const YAML::Node& node, std::string_view key, double min, double max,
                  bool minExclusive = false)
{
    if (!node.IsScalar())
        reject(node, std::string(key) + " must be a number");
    const std::string& text = node.Scalar();
    const std::optional<double> value = parseNumber<double>(text);
    if (!value || !std::isfinite(*value)) {
        if (looksNonFinite(text) || value)
            reject(node, std::string(key) + " must be a finite number, got " + quoted(text));
        reject(node, std::string(key) + " must be a number, got " + quoted(text));
    }
    const bool tooLow = minExclusive ? !(*value > min) : *value < min;
    if (tooLow || *value > max) {
        std::ostringstream range;
        range << (minExclusive ? "> " : ">= ") << min << " and <= " << max;
        reject(node, std::string(key) + " must be " + range.str() + ", got " + text);
    }
    return *value;
}

int readInteger(const YAML::Node& node, std::string_view key, int min, int max)
{
    if (!node.IsScalar())
        reject(node, std::string(key) + " must be an integer");
    const std::optional<long long> value = parseNumber<long long>(node.Scalar());
    if (!value)
        reject(node, std::string(key) + " must be an integer, got " + quoted(node.Scalar()));
    if (*value < min || *value > max) {
        reject(node, std::string(key) + " must be between " + std::to_string(min) + " and " +
                         std::to_string(max) + ", got " + node.Scalar());
    }
    return static_cast<int>(*value);
}

bool readBool(const YAML::Node& node, std::string_view key)
{
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
        reject(node, std::string(key) + " must be true or false");
    return value;
}

bool isDnsLabel(std::string_view name)
{
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (name.empty() || name.size() > 63 || !alnum(name.front()) || !alnum(name.back()))
        return false;
    return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '-'; });
}

bool isLabelValue(std::string_view name)
{
    auto alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (name.empty() || name.size() > 63 || !alnum(name.front()) || !alnum(name.back()))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool isHeaderName(std::string_view name)
{
    return !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string readName(const YAML::Node& node, std::string_view key, bool (*valid)(std::string_view),
                     std::string_view rule)
{
    std::string name = readString(node, key);
    if (!valid(name))
        reject(node, std::string(key) + " " + quoted(name.substr(0, 80)) + " is not " +
                         std::string(rule));
    return name;
}

std::string readServiceName(const YAML::Node& node, std::string_view key)
{
    return readName(node, key, isDnsLabel,
                    "a valid service name (lowercase letters, digits and '-', at most 63)");
}

std::string readVersionName(const YAML::Node& node, std::string_view key)
{
    return readName(node, key, isLabelValue,
                    "a valid version name (letters, digits, '-', '_', '.', at most 63)");
}

}  // namespace

namespace {

// The unbounded calls (bound 0) between services, by service index.
struct CallGraph
{
    std::vector<std::vector<std::pair<std::size_t, Position>>> callers;  // caller + call site
    std::vector<std::vector<std::size_t>> callees;
};

// Kahn's algorithm without recursion: which services are left on or behind a cycle.
std::vector<bool> servicesOnCycles(const CallGraph& graph)
{
    const std::size_t n = graph.callers.size();
    std::vector<std::size_t> inDegree(n);
    std::vector<std::size_t> ready;
    for (std::size_t s = 0; s < n; ++s) {
        inDegree[s] = graph.callers[s].size();
        if (inDegree[s] == 0)
            ready.push_back(s);
    }
    std::vector<bool> left(n, true);
    while (!ready.empty()) {
        const std::size_t s = ready.back();
        ready.pop_back();
        left[s] = false;
        for (std::size_t callee : graph.callees[s]) {
            if (--inDegree[callee] == 0)
                ready.push_back(callee);
        }
    }
    return left;
}

class TopologyParser final
{
public:
    Topology parse(const YAML::Node& root);

private:
    void parseSettings(const MapReader& top);
    ServiceSpec parseService(const YAML::Node& node);
    VersionSpec parseVersion(const YAML::Node& node);
    std::vector<Step> parseScript(const YAML::Node& node);
    Step parseStep(const YAML::Node& node);
    Step parseCall(const YAML::Node& node);
    Distribution parseDistribution(const YAML::Node& node, std::string_view key);
    void parseEntries(const YAML::Node& node);
    void parseUpdate(const YAML::Node& node);

    void checkVersions(const ServiceSpec& service, const YAML::Node& node);
    void checkReferences();
    CallGraph unboundedCalls() const;
    void checkCycles();

    Topology m_topology;
    std::map<std::string, std::size_t, std::less<>> m_serviceIndex;
    // Where references were written, checked once every service is known:
    // per service, its calls in script order; per entry; the update's fields.
    std::vector<std::vector<Position>> m_callPositions;
    std::vector<Position> m_scriptCallPositions;  // calls of the service being parsed
    std::vector<Position> m_entryPositions;
    std::map<std::string, YAML::Node> m_updateNodes;
    std::size_t m_elements = 0;  // versions and steps so far, against kMaxElements
    void countElement(const YAML::Node& node);
};

Topology TopologyParser::parse(const YAML::Node& root)
{
    if (!root.IsMap())
        reject(root, "a topology must be a mapping with keys such as name, services, entries");
    const MapReader top(root, "the topology",
                        {"name", "description", "pinHeader", "traceHeader", "arrival",
                         "messageDelay", "retries", "entries", "update", "services"});
    m_topology.name = readString(top.require("name"), "name");
    if (m_topology.name.empty())
        reject(top.require("name"), "name must not be empty");
    parseSettings(top);

    const YAML::Node services = top.require("services");
    if (!services.IsSequence() || services.size() == 0)
        reject(services, "services must be a non-empty list");
    if (services.size() > kMaxServices)
        reject(services, "too many services (at most " + std::to_string(kMaxServices) + ")");
    for (const YAML::Node& node : services) {
        ServiceSpec service = parseService(node);
        if (const auto it = m_serviceIndex.find(service.name); it != m_serviceIndex.end()) {
            reject(node, "duplicate service " + quoted(service.name) + " (first defined at line " +
                             std::to_string(m_topology.services[it->second].line) + ")");
        }
        m_serviceIndex.emplace(service.name, m_topology.services.size());
        m_topology.services.push_back(std::move(service));
        m_callPositions.push_back(std::move(m_scriptCallPositions));
        m_scriptCallPositions.clear();
    }
    parseEntries(top.require("entries"));
    if (const auto update = top.get("update"))
        parseUpdate(*update);
    checkReferences();
    checkCycles();
    return std::move(m_topology);
}

void TopologyParser::parseSettings(const MapReader& top)
{
    if (const auto node = top.get("description"))
        m_topology.description = readString(*node, "description");
    for (auto [key, field] : {std::pair{"pinHeader", &m_topology.pinHeader},
                              std::pair{"traceHeader", &m_topology.traceHeader}}) {
        if (const auto node = top.get(key)) {
            *field = readString(*node, key);
            if (!isHeaderName(*field))
                reject(*node,
                       std::string(key) + " must be a lowercase HTTP header name (a-z, 0-9, '-')");
        }
    }
    if (const auto node = top.get("arrival")) {
        const MapReader arrival(*node, "arrival", {"meanInterval"});
        m_topology.meanArrivalInterval =
            readNumber(arrival.require("meanInterval"), "meanInterval", 0, kMaxTime, true);
    }
    if (const auto node = top.get("messageDelay"))
        m_topology.messageDelay = readNumber(*node, "messageDelay", 0, kMaxTime);
    if (const auto node = top.get("retries"))
        m_topology.retries = readInteger(*node, "retries", 0, kMaxRetries);
}

ServiceSpec TopologyParser::parseService(const YAML::Node& node)
{
    const MapReader map(node, "a service",
                        {"name", "group", "failOnMixedVersions", "serving", "versions"});
    ServiceSpec service;
    service.line = positionOf(node).line;
    service.name = readServiceName(map.require("name"), "service name");
    if (const auto group = map.get("group"))
        service.group = readName(*group, "group", isDnsLabel,
                                 "a valid group name (lowercase letters, digits and '-')");
    if (const auto mixed = map.get("failOnMixedVersions"))
        service.failOnMixedVersions = readBool(*mixed, "failOnMixedVersions");

    const YAML::Node versions = map.require("versions");
    if (!versions.IsSequence() || versions.size() == 0)
        reject(versions, "versions of " + quoted(service.name) + " must be a non-empty list");
    if (versions.size() > kMaxVersions)
        reject(versions, quoted(service.name) + " has more than " + std::to_string(kMaxVersions) +
                             " versions");
    for (const YAML::Node& version : versions)
        service.versions.push_back(parseVersion(version));
    checkVersions(service, versions);

    if (const auto serving = map.get("serving")) {
        service.serving = readVersionName(*serving, "serving");
        if (!service.findVersion(service.serving))
            reject(*serving, "serving version " + quoted(service.serving) + " does not exist in " +
                                 quoted(service.name));
    } else {
        service.serving = service.versions.front().name;
    }
    if (service.findVersion(service.serving)->instances == 0) {
        reject(map.has("serving") ? *map.get("serving") : versions[0],
               "serving version " + quoted(service.serving) + " of " + quoted(service.name) +
                   " has no instances");
    }
    return service;
}

VersionSpec TopologyParser::parseVersion(const YAML::Node& node)
{
    const MapReader map(node, "a version", {"name", "parent", "image", "instances", "script"});
    countElement(node);
    VersionSpec version;
    version.line = positionOf(node).line;
    version.name = readVersionName(map.require("name"), "version name");
    if (const auto parent = map.get("parent"))
        version.parent = readVersionName(*parent, "parent");
    if (const auto image = map.get("image"))
        version.image = readString(*image, "image");
    if (const auto instances = map.get("instances"))
        version.instances = readInteger(*instances, "instances", 0, kMaxInstances);
    if (const auto script = map.get("script"))
        version.script = parseScript(*script);
    return version;
}

// Versions are listed in creation order, so a parent comes before its children.
void TopologyParser::checkVersions(const ServiceSpec& service, const YAML::Node& node)
{
    for (std::size_t i = 0; i < service.versions.size(); ++i) {
        const VersionSpec& version = service.versions[i];
        const YAML::Node& at = node[i];
        const auto before = service.versions.begin() + static_cast<std::ptrdiff_t>(i);
        auto named = [](std::string_view name) {
            return [name](const VersionSpec& v) { return v.name == name; };
        };
        if (const auto first = std::find_if(service.versions.begin(), before, named(version.name));
            first != before) {
            reject(at, "duplicate version " + quoted(version.name) + " in " + quoted(service.name) +
                           " (first defined at line " + std::to_string(first->line) + ")");
        }
        if (version.parent.empty() && i > 0) {
            reject(at, "version " + quoted(version.name) + " has no parent, but " +
                           quoted(service.versions.front().name) + " is already the root of " +
                           quoted(service.name) + " (a service has one root version)");
        }
        if (version.parent == version.name)
            reject(at["parent"], "version " + quoted(version.name) + " cannot be its own parent");
        if (!version.parent.empty() &&
            std::find_if(service.versions.begin(), before, named(version.parent)) == before) {
            const bool later = service.findVersion(version.parent) != nullptr;
            reject(at["parent"],
                   "version " + quoted(version.name) + " of " + quoted(service.name) + " has " +
                       (later ? "parent " + quoted(version.parent) +
                                    " listed after it (list versions in creation order)"
                              : "unknown parent " + quoted(version.parent)));
        }
    }
}

void TopologyParser::countElement(const YAML::Node& node)
{
    if (++m_elements > kMaxElements) {
        reject(node, "too many versions and script steps (at most " + std::to_string(kMaxElements) +
                         ", counting each alias use)");
    }
}

std::vector<Step> TopologyParser::parseScript(const YAML::Node& node)
{
    if (!node.IsSequence())
        reject(node, "script must be a list of steps");
    std::vector<Step> script;
    for (const YAML::Node& step : node) {
        countElement(step);
        script.push_back(parseStep(step));
    }
    return script;
}

Step TopologyParser::parseStep(const YAML::Node& node)
{
    const MapReader keys(node, "a step", {"compute", "call", "pause"});
    if (node.size() != 1)
        reject(node, "a step must have exactly one of: compute, call, pause");
    const YAML::Node key = node.begin()->first;
    const YAML::Node value = node.begin()->second;
    if (value.IsNull())
        reject(key, "step " + quoted(key.Scalar()) + " needs a value");
    Step step;
    if (key.Scalar() == "call") {
        step = parseCall(value);
    } else {
        step.kind = key.Scalar() == "compute" ? Step::Kind::Compute : Step::Kind::Pause;
        step.duration = parseDistribution(value, key.Scalar());
    }
    step.line = positionOf(node).line;
    return step;
}

Step TopologyParser::parseCall(const YAML::Node& node)
{
    Step step;
    step.kind = Step::Kind::Call;
    if (node.IsScalar()) {
        step.service = readServiceName(node, "call");
        m_scriptCallPositions.push_back(positionOf(node));
        return step;
    }
    const MapReader map(node, "a call", {"service", "probability", "bound"});
    const YAML::Node service = map.require("service");
    step.service = readServiceName(service, "call service");
    m_scriptCallPositions.push_back(positionOf(service));
    if (const auto probability = map.get("probability"))
        step.probability = readNumber(*probability, "probability", 0, 1);
    if (const auto bound = map.get("bound"))
        step.bound = readInteger(*bound, "bound", 0, kMaxBound);
    return step;
}

Distribution TopologyParser::parseDistribution(const YAML::Node& node, std::string_view key)
{
    if (node.IsScalar())
        return Distribution::constant(readNumber(node, key, 0, kMaxTime));
    const MapReader map(node, std::string(key) + " distribution",
                        {"dist", "mean", "sigma", "min", "max"});
    const std::string kind = readString(map.require("dist"), "dist");
    auto only = [&](std::vector<std::string_view> keys) {
        for (std::string_view k : {"mean", "sigma", "min", "max"}) {
            if (map.has(k) && std::find(keys.begin(), keys.end(), k) == keys.end()) {
                reject(*map.get(k),
                       "dist: " + kind + " takes " + listOf(keys) + ", not " + quoted(k));
            }
        }
    };
    auto number = [&](std::string_view k) { return readNumber(map.require(k), k, 0, kMaxTime); };
    if (kind == "constant") {
        only({"mean"});
        return Distribution::constant(number("mean"));
    }
    if (kind == "exponential") {
        only({"mean"});
        return Distribution::exponential(number("mean"));
    }
    if (kind == "lognormal") {
        only({"mean", "sigma"});
        const double mean = number("mean");
        return Distribution::logNormal(mean,
                                       readNumber(map.require("sigma"), "sigma", 0, kMaxSigma));
    }
    if (kind == "uniform") {
        only({"min", "max"});
        const double min = number("min");
        const double max = number("max");
        if (min > max)
            reject(*map.get("max"), "uniform max must be >= min");
        return Distribution::uniform(min, max);
    }
    reject(map.require("dist"), "unknown dist " + quoted(kind.substr(0, 80)) +
                                    " (expected constant, exponential, lognormal or uniform)");
}

void TopologyParser::parseEntries(const YAML::Node& node)
{
    if (!node.IsSequence() || node.size() == 0)
        reject(node, "entries must be a non-empty list of {service, weight}");
    std::set<std::string, std::less<>> seen;
    for (const YAML::Node& item : node) {
        const MapReader map(item, "an entry", {"service", "weight"});
        EntryPoint entry;
        const YAML::Node service = map.require("service");
        entry.service = readServiceName(service, "entry service");
        if (!seen.insert(entry.service).second)
            reject(service, "entry " + quoted(entry.service) + " is listed twice");
        if (const auto weight = map.get("weight"))
            entry.weight = readNumber(*weight, "weight", 0, kMaxWeight, true);
        m_topology.entries.push_back(std::move(entry));
        m_entryPositions.push_back(positionOf(service));
    }
}

void TopologyParser::parseUpdate(const YAML::Node& node)
{
    const MapReader map(node, "update", {"service", "from", "to", "at"});
    UpdateScenario& update = m_topology.update;
    update.service = readServiceName(map.require("service"), "update service");
    update.fromVersion = readVersionName(map.require("from"), "update from");
    update.toVersion = readVersionName(map.require("to"), "update to");
    if (const auto at = map.get("at"))
        update.at = readNumber(*at, "at", 0, kMaxTime);
    m_updateNodes = {{"service", map.require("service")},
                     {"from", map.require("from")},
                     {"to", map.require("to")}};
}

void TopologyParser::checkReferences()
{
    for (std::size_t s = 0; s < m_topology.services.size(); ++s) {
        std::size_t call = 0;
        for (const VersionSpec& version : m_topology.services[s].versions) {
            for (const Step& step : version.script) {
                if (step.kind != Step::Kind::Call)
                    continue;
                const Position at = m_callPositions[s][call++];
                if (!m_serviceIndex.contains(step.service))
                    reject(at, "call to unknown service " + quoted(step.service));
            }
        }
    }
    for (std::size_t e = 0; e < m_topology.entries.size(); ++e) {
        if (!m_serviceIndex.contains(m_topology.entries[e].service))
            reject(m_entryPositions[e],
                   "entry refers to unknown service " + quoted(m_topology.entries[e].service));
    }
    const UpdateScenario& update = m_topology.update;
    if (update.service.empty())
        return;
    const auto it = m_serviceIndex.find(update.service);
    if (it == m_serviceIndex.end())
        reject(m_updateNodes["service"],
               "update refers to unknown service " + quoted(update.service));
    const ServiceSpec& service = m_topology.services[it->second];
    for (const char* key : {"from", "to"}) {
        const std::string& version = key[0] == 'f' ? update.fromVersion : update.toVersion;
        if (!service.findVersion(version))
            reject(m_updateNodes[key], "update " + std::string(key) + " version " +
                                           quoted(version) + " does not exist in " +
                                           quoted(service.name));
    }
    if (update.fromVersion == update.toVersion)
        reject(m_updateNodes["to"], "update from and to are the same version");
    if (update.fromVersion != service.serving)
        reject(m_updateNodes["from"], "update from " + quoted(update.fromVersion) +
                                          " is not the serving version " + quoted(service.serving) +
                                          " of " + quoted(service.name));
}

CallGraph TopologyParser::unboundedCalls() const
{
    const std::size_t n = m_topology.services.size();
    CallGraph graph{std::vector<std::vector<std::pair<std::size_t, Position>>>(n),
                    std::vector<std::vector<std::size_t>>(n)};
    for (std::size_t s = 0; s < n; ++s) {
        std::size_t call = 0;
        for (const VersionSpec& version : m_topology.services[s].versions) {
            for (const Step& step : version.script) {
                if (step.kind != Step::Kind::Call)
                    continue;
                const Position at = m_callPositions[s][call++];
                if (step.bound > 0)
                    continue;
                const std::size_t callee = m_serviceIndex.find(step.service)->second;
                graph.callers[callee].emplace_back(s, at);
                graph.callees[s].push_back(callee);
            }
        }
    }
    return graph;
}

// Every cycle of the static call graph needs a call with `bound` > 0; so the
// graph of the unbounded calls must be a DAG.
void TopologyParser::checkCycles()
{
    const CallGraph graph = unboundedCalls();
    const std::vector<bool> left = servicesOnCycles(graph);
    const auto start = std::find(left.begin(), left.end(), true);
    if (start == left.end())
        return;
    // Every service left has a caller that is left too: walk callers until one
    // repeats, and that stretch of the walk is a cycle.
    std::vector<std::size_t> walk{static_cast<std::size_t>(start - left.begin())};
    std::vector<Position> sites;  // sites[i]: the call walk[i + 1] -> walk[i]
    std::vector<int> seenAt(left.size(), -1);
    while (seenAt[walk.back()] < 0) {
        seenAt[walk.back()] = static_cast<int>(walk.size()) - 1;
        const auto& callers = graph.callers[walk.back()];
        const auto caller = std::find_if(callers.begin(), callers.end(),
                                         [&](const auto& c) { return left[c.first]; });
        sites.push_back(caller->second);
        walk.push_back(caller->first);
    }
    const std::size_t first = static_cast<std::size_t>(seenAt[walk.back()]);
    std::string path;
    for (std::size_t i = walk.size() - 1; i + 1 > first; --i)
        path += (path.empty() ? "" : " → ") + m_topology.services[walk[i]].name;
    reject(sites[walk.size() - 2],
           "call cycle " + path + " without a bound (give one of its calls `bound: N`)");
}

}  // namespace

namespace {

// Remembers where the first document it is shown starts; ignores the rest.
class DocumentStart final : public YAML::EventHandler
{
public:
    void OnDocumentStart(const YAML::Mark& mark) override
    {
        if (!m_mark)
            m_mark = mark;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override
    {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override
    {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override
    {}
    void OnMapEnd() override {}

    std::optional<YAML::Mark> m_mark;
};

// Where a second document starts, if there is one. yaml-cpp 0.7's LoadAll()
// never returns on some inputs (after a stray ',' every HandleNextDocument()
// succeeds without consuming anything), so at most two documents are read.
std::optional<YAML::Mark> secondDocument(const std::string& text)
{
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStart first;
    DocumentStart second;
    if (!parser.HandleNextDocument(first) || !parser.HandleNextDocument(second))
        return std::nullopt;
    return second.m_mark.value_or(YAML::Mark());
}

}  // namespace

core::Result<Topology> parseTopology(std::string_view yaml, std::string_view sourceName)
{
    const std::string source(sourceName);
    if (auto error = checkShape(yaml, source))
        return *error;
    try {
        const std::string text(yaml);
        if (const auto second = secondDocument(text)) {
            return core::Error{source, std::max(0, second->line + 1),
                               std::max(0, second->column + 1),
                               "expected one YAML document; another one starts here"};
        }
        const YAML::Node root = YAML::Load(text);
        if (root.IsNull())
            return core::Error{source, 0, 0, "the topology is empty"};
        TopologyParser parser;
        return parser.parse(root);
    } catch (const Rejection& rejection) {
        return core::Error{source, rejection.line, rejection.column, rejection.message};
    } catch (const YAML::Exception& e) {
        return core::Error{source, std::max(0, e.mark.line + 1), std::max(0, e.mark.column + 1),
                           "YAML syntax error: " + e.msg};
    } catch (const std::exception& e) {
        return core::Error{source, 0, 0, std::string("cannot read the topology: ") + e.what()};
    }
}

core::Result<Topology> loadTopologyFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return core::Error{path, 0, 0, "cannot open the topology file"};
    std::string text;
    char buffer[64 * 1024];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxInputBytes)
            return core::Error{path, 0, 0, "the file is larger than 4 MiB"};
    }
    if (in.bad())
        return core::Error{path, 0, 0, "cannot read the topology file"};
    return parseTopology(text, path);
}

// ---------------------------------------------------------------------------
// toYaml

namespace {

std::string number(double value)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

void emitDistribution(YAML::Emitter& out, const Distribution& d)
{
    if (d.kind == Distribution::Kind::Constant) {
        out << number(d.mean);
        return;
    }
    out << YAML::Flow << YAML::BeginMap;
    switch (d.kind) {
        case Distribution::Kind::Exponential:
            out << YAML::Key << "dist" << YAML::Value << "exponential";
            out << YAML::Key << "mean" << YAML::Value << number(d.mean);
            break;
        case Distribution::Kind::LogNormal:
            out << YAML::Key << "dist" << YAML::Value << "lognormal";
            out << YAML::Key << "mean" << YAML::Value << number(d.mean);
            out << YAML::Key << "sigma" << YAML::Value << number(d.sigma);
            break;
        case Distribution::Kind::Uniform:
        case Distribution::Kind::Constant:
            out << YAML::Key << "dist" << YAML::Value << "uniform";
            out << YAML::Key << "min" << YAML::Value << number(d.min);
            out << YAML::Key << "max" << YAML::Value << number(d.max);
            break;
    }
    out << YAML::EndMap;
}

void emitStep(YAML::Emitter& out, const Step& step)
{
    out << YAML::BeginMap;
    if (step.kind == Step::Kind::Call) {
        out << YAML::Key << "call" << YAML::Value;
        if (step.probability == 1 && step.bound == 0) {
            out << step.service;
        } else {
            out << YAML::Flow << YAML::BeginMap;
            out << YAML::Key << "service" << YAML::Value << step.service;
            if (step.probability != 1)
                out << YAML::Key << "probability" << YAML::Value << number(step.probability);
            if (step.bound != 0)
                out << YAML::Key << "bound" << YAML::Value << step.bound;
            out << YAML::EndMap;
        }
    } else {
        out << YAML::Key << (step.kind == Step::Kind::Compute ? "compute" : "pause") << YAML::Value;
        emitDistribution(out, step.duration);
    }
    out << YAML::EndMap;
}

void emitVersion(YAML::Emitter& out, const VersionSpec& version)
{
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << version.name;
    if (!version.parent.empty())
        out << YAML::Key << "parent" << YAML::Value << version.parent;
    if (!version.image.empty())
        out << YAML::Key << "image" << YAML::Value << YAML::DoubleQuoted << version.image;
    out << YAML::Key << "instances" << YAML::Value << version.instances;
    if (!version.script.empty()) {
        out << YAML::Key << "script" << YAML::Value << YAML::BeginSeq;
        for (const Step& step : version.script)
            emitStep(out, step);
        out << YAML::EndSeq;
    }
    out << YAML::EndMap;
}

void emitService(YAML::Emitter& out, const ServiceSpec& service)
{
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << service.name;
    if (!service.group.empty())
        out << YAML::Key << "group" << YAML::Value << service.group;
    out << YAML::Key << "failOnMixedVersions" << YAML::Value << service.failOnMixedVersions;
    if (!service.serving.empty())
        out << YAML::Key << "serving" << YAML::Value << service.serving;
    out << YAML::Key << "versions" << YAML::Value << YAML::BeginSeq;
    for (const VersionSpec& version : service.versions)
        emitVersion(out, version);
    out << YAML::EndSeq << YAML::EndMap;
}

void emitHeader(YAML::Emitter& out, const Topology& topology)
{
    out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << topology.name;
    if (!topology.description.empty())
        out << YAML::Key << "description" << YAML::Value << YAML::DoubleQuoted
            << topology.description;
    out << YAML::Key << "pinHeader" << YAML::Value << topology.pinHeader;
    out << YAML::Key << "traceHeader" << YAML::Value << topology.traceHeader;
    out << YAML::Key << "arrival" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
        << "meanInterval" << YAML::Value << number(topology.meanArrivalInterval) << YAML::EndMap;
    out << YAML::Key << "messageDelay" << YAML::Value << number(topology.messageDelay);
    out << YAML::Key << "retries" << YAML::Value << topology.retries;
    out << YAML::Key << "entries" << YAML::Value << YAML::BeginSeq;
    for (const EntryPoint& entry : topology.entries) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "service" << YAML::Value
            << entry.service << YAML::Key << "weight" << YAML::Value << number(entry.weight)
            << YAML::EndMap;
    }
    out << YAML::EndSeq;
    const UpdateScenario& update = topology.update;
    if (!update.service.empty()) {
        out << YAML::Key << "update" << YAML::Value << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "service" << YAML::Value << update.service;
        out << YAML::Key << "from" << YAML::Value << update.fromVersion;
        out << YAML::Key << "to" << YAML::Value << update.toVersion;
        out << YAML::Key << "at" << YAML::Value << number(update.at) << YAML::EndMap;
    }
}

}  // namespace

std::string toYaml(const Topology& topology)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    out << YAML::BeginMap;
    emitHeader(out, topology);
    out << YAML::Key << "services" << YAML::Value << YAML::BeginSeq;
    for (const ServiceSpec& service : topology.services)
        emitService(out, service);
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace concord::sandbox
