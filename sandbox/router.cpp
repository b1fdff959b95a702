#include "router.h"

#include <absl/strings/string_view.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace concord::sandbox {

namespace {

constexpr std::size_t kMaxCachedKeys = 4096;
constexpr std::uint32_t kAbsent = 0xffffffffu;

// This abseil build has its own string_view type (not std::string_view).
absl::string_view asAbsl(std::string_view s)
{
    return {s.data(), s.size()};
}

char asciiLower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string toLower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), asciiLower);
    return out;
}

// `lowered` is already lower case; HTTP header names are ASCII.
bool equalsIgnoreCase(std::string_view name, std::string_view lowered)
{
    if (name.size() != lowered.size()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (asciiLower(name[i]) != lowered[i]) {
            return false;
        }
    }
    return true;
}

void appendUint32(std::string& out, std::uint32_t v)
{
    char bytes[sizeof v];
    std::memcpy(bytes, &v, sizeof v);
    out.append(bytes, sizeof v);
}

void appendOps(Router::Decision& d, const core::HeaderOperations& ops)
{
    for (const auto& kv : ops.add) {
        d.responseAdd.push_back(kv);
    }
    for (const auto& kv : ops.set) {
        d.responseSet.push_back(kv);
    }
}

}  // namespace

struct Router::CompiledHost
{
    struct Condition
    {
        std::size_t slot = 0;  // index into headerNames
        core::StringMatch::Kind kind = core::StringMatch::Kind::Exact;
        std::string value;
        std::unique_ptr<RE2> regex;  // Kind::Regex only
    };
    using MatchRequest = std::vector<Condition>;  // AND
    struct Route
    {
        std::vector<MatchRequest> matches;  // OR; empty matches everything
        std::vector<std::uint64_t> cumulativeWeights;
        std::vector<Decision> decisions;  // one per destination, built at apply()
        Decision noDestination;           // a route without destinations
    };

    core::RuleSet rules;
    // Lower-cased names of every header any condition reads, in slot order.
    std::vector<std::string> headerNames;
    std::vector<Route> routes;
    Decision noRoute;
    int staticRoute = -1;  // route index when the rules read no header

    // The simulator is single-threaded, so route() may memoise through these
    // without locking: the matched route index per header-value key, and
    // scratch buffers reused across calls to keep the hot path allocation-free.
    mutable absl::flat_hash_map<std::string, int> cache;
    mutable std::string key;
    mutable std::vector<std::pair<std::uint32_t, std::uint32_t>> slotSpans;  // offset, size

    core::Result<bool> compile(const core::RuleSet& input);
    const Decision& decide(const HeaderList& headers, Rng& rng) const;

private:
    core::Result<bool> compileRoute(const core::HttpRoute& in, int index);
    std::size_t slotOf(const std::string& lowered);
    void buildKey(const HeaderList& headers) const;
    int matchRoutes() const;
    bool matches(const Condition& c) const;
};

std::size_t Router::CompiledHost::slotOf(const std::string& lowered)
{
    auto it = std::find(headerNames.begin(), headerNames.end(), lowered);
    if (it != headerNames.end()) {
        return static_cast<std::size_t>(it - headerNames.begin());
    }
    headerNames.push_back(lowered);
    return headerNames.size() - 1;
}

core::Result<bool> Router::CompiledHost::compile(const core::RuleSet& input)
{
    rules = input;
    noRoute.outcome = Outcome::NoRoute;
    const auto& http = rules.virtualService.http;
    for (std::size_t i = 0; i < http.size(); ++i) {
        auto ok = compileRoute(http[i], static_cast<int>(i));
        if (!ok) {
            return ok.error();
        }
    }
    if (headerNames.empty()) {
        // Without header conditions the first route whose matches are all
        // header-free wins for every request (a route with only header-free
        // match requests matches everything).
        staticRoute = matchRoutes();
    }
    return true;
}

core::Result<bool> Router::CompiledHost::compileRoute(const core::HttpRoute& in, int index)
{
    Route& out = routes.emplace_back();
    for (const auto& request : in.match) {
        MatchRequest& compiled = out.matches.emplace_back();
        for (const auto& [name, match] : request.headers) {
            Condition& c = compiled.emplace_back();
            c.slot = slotOf(toLower(name));
            c.kind = match.kind;
            c.value = match.value;
            if (match.kind != core::StringMatch::Kind::Regex) {
                continue;
            }
            RE2::Options options;
            options.set_log_errors(false);
            c.regex = std::make_unique<RE2>(match.value, options);
            if (!c.regex->ok()) {
                return core::Error{"<rules>", 0, 0,
                                   "VirtualService " + rules.virtualService.name + ": http[" +
                                       std::to_string(index) + "] header '" + name +
                                       "': invalid regex '" + match.value +
                                       "': " + c.regex->error()};
            }
        }
    }
    // Envoy weighted clusters: unset weights count as 0 unless all are unset;
    // a zero total (no usable weight) splits equally.
    const bool allUnset = std::none_of(in.route.begin(), in.route.end(),
                                       [](const auto& d) { return d.weight.has_value(); });
    std::uint64_t total = 0;
    for (const auto& d : in.route) {
        total += allUnset ? 1 : static_cast<std::uint64_t>(std::max(0, d.weight.value_or(0)));
        out.cumulativeWeights.push_back(total);
    }
    if (total == 0) {
        for (std::size_t i = 0; i < out.cumulativeWeights.size(); ++i) {
            out.cumulativeWeights[i] = i + 1;
        }
    }
    for (const auto& dest : in.route) {
        Decision& d = out.decisions.emplace_back();
        d.routeIndex = index;
        d.subset = dest.subset;
        if (!dest.subset.empty()) {
            const auto& subsets = rules.destinationRule.subsets;
            auto subset = std::find_if(subsets.begin(), subsets.end(), [&](const core::Subset& s) {
                return s.name == dest.subset;
            });
            if (subset == subsets.end()) {
                d.outcome = Outcome::NoSubset;  // 503 NC: no response headers added
                continue;
            }
            d.labels = subset->labels;
        }
        d.outcome = Outcome::Routed;
        appendOps(d, in.headers.response);
        appendOps(d, dest.headers.response);
    }
    out.noDestination.outcome = Outcome::NoRoute;
    out.noDestination.routeIndex = index;
    return true;
}

// Key = per slot, the joined value's length (or kAbsent) then its bytes:
// unambiguous, and the spans let a cache miss match without re-joining.
void Router::CompiledHost::buildKey(const HeaderList& headers) const
{
    key.clear();
    slotSpans.resize(headerNames.size());
    for (std::size_t slot = 0; slot < headerNames.size(); ++slot) {
        const std::size_t lengthAt = key.size();
        appendUint32(key, kAbsent);
        const std::size_t valueAt = key.size();
        bool present = false;
        for (const auto& [name, value] : headers) {
            if (!equalsIgnoreCase(name, headerNames[slot])) {
                continue;
            }
            if (present) {
                key.push_back(',');  // Envoy joins repeated headers with ","
            }
            key.append(value);
            present = true;
        }
        const auto size = static_cast<std::uint32_t>(key.size() - valueAt);
        if (present) {
            std::memcpy(key.data() + lengthAt, &size, sizeof size);
        }
        slotSpans[slot] = {static_cast<std::uint32_t>(valueAt), present ? size : kAbsent};
    }
}

bool Router::CompiledHost::matches(const Condition& c) const
{
    const auto [offset, size] = slotSpans[c.slot];
    if (size == kAbsent) {
        return false;
    }
    const std::string_view value(key.data() + offset, size);
    switch (c.kind) {
        case core::StringMatch::Kind::Exact:
            return value == c.value;
        case core::StringMatch::Kind::Prefix:
            return value.starts_with(c.value);
        case core::StringMatch::Kind::Regex:
            return RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *c.regex);
    }
    return false;
}

int Router::CompiledHost::matchRoutes() const
{
    for (std::size_t i = 0; i < routes.size(); ++i) {
        const Route& r = routes[i];
        const bool hit =
            r.matches.empty() ||
            std::any_of(r.matches.begin(), r.matches.end(), [&](const auto& m) {
                return std::all_of(m.begin(), m.end(), [&](const auto& c) { return matches(c); });
            });
        if (hit) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

const Router::Decision& Router::CompiledHost::decide(const HeaderList& headers, Rng& rng) const
{
    int index = staticRoute;
    if (!headerNames.empty()) {
        buildKey(headers);
        auto it = cache.find(key);
        if (it != cache.end()) {
            index = it->second;
        } else {
            index = matchRoutes();
            if (cache.size() >= kMaxCachedKeys) {
                cache.clear();  // bounded: header values are few in practice
            }
            cache.emplace(key, index);
        }
    }
    if (index < 0) {
        return noRoute;
    }
    const Route& r = routes[static_cast<std::size_t>(index)];
    if (r.decisions.size() <= 1) {
        return r.decisions.empty() ? r.noDestination : r.decisions.front();
    }
    // Deterministic across standard libraries, unlike std::uniform_*_distribution.
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
    const double target = u * static_cast<double>(r.cumulativeWeights.back());
    for (std::size_t i = 0; i < r.decisions.size(); ++i) {
        if (target < static_cast<double>(r.cumulativeWeights[i])) {
            return r.decisions[i];
        }
    }
    return r.decisions.back();
}

Router::Router() = default;
Router::~Router() = default;

core::Result<bool> Router::apply(const core::RuleSet& rules)
{
    std::vector<std::string> hosts = rules.virtualService.hosts;
    if (!rules.destinationRule.host.empty()) {
        hosts.push_back(rules.destinationRule.host);
    }
    std::sort(hosts.begin(), hosts.end());
    hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
    if (hosts.empty()) {
        return core::Error{"<rules>", 0, 0,
                           "VirtualService " + rules.virtualService.name + " names no host"};
    }
    const bool unchanged = std::all_of(hosts.begin(), hosts.end(), [&](const std::string& h) {
        const core::RuleSet* current = this->rules(h);
        return current != nullptr && *current == rules;
    });
    if (unchanged) {
        return false;  // keep the warm cache
    }
    auto compiled = std::make_shared<CompiledHost>();
    auto ok = compiled->compile(rules);
    if (!ok) {
        return ok.error();
    }
    for (const auto& h : hosts) {
        m_hosts[h] = compiled;
    }
    return true;
}

void Router::remove(std::string_view host)
{
    auto it = m_hosts.find(asAbsl(host));
    if (it == m_hosts.end()) {
        return;
    }
    // The rules go as a whole, under every host they were installed for.
    const std::shared_ptr<CompiledHost> compiled = it->second;
    absl::erase_if(m_hosts, [&](const auto& entry) { return entry.second == compiled; });
}

bool Router::hasRules(std::string_view host) const
{
    return m_hosts.contains(asAbsl(host));
}

const core::RuleSet* Router::rules(std::string_view host) const
{
    auto it = m_hosts.find(asAbsl(host));
    return it == m_hosts.end() ? nullptr : &it->second->rules;
}

Router::Decision Router::route(std::string_view host, const HeaderList& headers, Rng& rng) const
{
    return routeRef(host, headers, rng);
}

const Router::Decision& Router::routeRef(std::string_view host, const HeaderList& headers,
                                         Rng& rng) const
{
    static const Decision kUnmanaged;
    auto it = m_hosts.find(asAbsl(host));
    if (it == m_hosts.end()) {
        return kUnmanaged;
    }
    return it->second->decide(headers, rng);
}

}  // namespace concord::sandbox
