#include "rule_generator.h"

namespace concord::core {

namespace {

// Only RE2 metacharacters are escaped (not RE2::QuoteMeta, which also escapes
// '-'), so the regex reads exactly like the hand-written golden rules.
std::string escapeRegex(std::string_view text)
{
    constexpr std::string_view kMeta = R"(\.+*?()[]{}|^$)";
    std::string out;
    out.reserve(text.size() + 8);
    for (const char c : text) {
        if (c == '\0') {
            out += "\\x00";
            continue;
        }
        if (kMeta.find(c) != std::string_view::npos)
            out += '\\';
        out += c;
    }
    return out;
}

RouteDestination destination(const RuleParams& params, std::string_view version)
{
    RouteDestination dest;
    dest.host = params.host.empty() ? params.service : params.host;
    dest.subset = std::string(version);
    return dest;
}

// A route that takes every request carrying the pin of `version`.
HttpRoute pinnedRoute(const RuleParams& params, std::string_view version)
{
    HttpMatchRequest match;
    match.headers.emplace(params.pinHeader,
                          StringMatch{StringMatch::Kind::Regex, pinRegex(params.service, version)});
    HttpRoute route;
    route.match.push_back(std::move(match));
    route.route.push_back(destination(params, version));
    return route;
}

// The catch-all route: sends to `version` and pins the caller to it.
HttpRoute defaultRoute(const RuleParams& params, std::string_view version)
{
    RouteDestination dest = destination(params, version);
    dest.headers.response.add.emplace(params.pinHeader, pinValue(params.service, version));
    HttpRoute route;
    route.route.push_back(std::move(dest));
    return route;
}

Subset subset(const RuleParams& params, std::string_view version)
{
    return Subset{std::string(version), {{params.versionLabel, std::string(version)}}};
}

}  // namespace

std::string_view toString(UpdatePhase phase)
{
    switch (phase) {
        case UpdatePhase::Initial:
            return "Initial";
        case UpdatePhase::NewVersionOnline:
            return "NewVersionOnline";
        case UpdatePhase::SwitchDefault:
            return "SwitchDefault";
        case UpdatePhase::BlockAndLock:
            return "BlockAndLock";
        case UpdatePhase::SyncAndDiff:
            return "SyncAndDiff";
        case UpdatePhase::Retired:
            return "Retired";
    }
    return "Unknown";
}

std::string pinValue(std::string_view service, std::string_view version)
{
    std::string out(service);
    out += '-';
    out += version;
    return out;
}

std::string pinRegex(std::string_view service, std::string_view version)
{
    return R"((.*,)?\s*)" + escapeRegex(pinValue(service, version)) + R"(\s*(,.*)?)";
}

RuleSet generateRules(const RuleParams& params, UpdatePhase phase, std::string_view oldVersion,
                      std::string_view newVersion)
{
    RuleSet rules;
    VirtualService& vs = rules.virtualService;
    DestinationRule& dr = rules.destinationRule;
    vs.apiVersion = dr.apiVersion = params.apiVersion;
    vs.name = dr.name = params.service;
    vs.ns = dr.ns = params.ns;
    dr.host = params.host.empty() ? params.service : params.host;
    vs.hosts.push_back(dr.host);

    switch (phase) {
        case UpdatePhase::Initial:
        case UpdatePhase::Retired: {
            const std::string_view only = phase == UpdatePhase::Initial ? oldVersion : newVersion;
            vs.http.push_back(defaultRoute(params, only));
            dr.subsets.push_back(subset(params, only));
            break;
        }
        case UpdatePhase::NewVersionOnline:
        case UpdatePhase::SwitchDefault:
        case UpdatePhase::BlockAndLock:
        case UpdatePhase::SyncAndDiff: {
            const std::string_view fallback =
                phase == UpdatePhase::NewVersionOnline ? oldVersion : newVersion;
            vs.http.push_back(pinnedRoute(params, oldVersion));
            vs.http.push_back(pinnedRoute(params, newVersion));
            vs.http.push_back(defaultRoute(params, fallback));
            dr.subsets.push_back(subset(params, oldVersion));
            dr.subsets.push_back(subset(params, newVersion));
            break;
        }
    }
    return rules;
}

}  // namespace concord::core
