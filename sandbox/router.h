#pragma once

#include <absl/container/flat_hash_map.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/istio_rules.h"
#include "topology.h"

namespace concord::sandbox {

// A request's headers as the router sees them (name, value); names are
// compared case-insensitively as HTTP/2 lower-cases them.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Envoy-like evaluation of the VirtualService + DestinationRule that Concord
// generates (and the kubernetes driver applies): routes in order, first match
// wins; a match is any of its HttpMatchRequests, each needing all its header
// conditions (exact / prefix / RE2 full-match regex); weighted destinations;
// subsets resolved to labels through the DestinationRule; request and
// response header operations of the route and of the chosen destination.
class Router final
{
public:
    enum class Outcome
    {
        Routed,
        NoRoute,    // rules exist but no route matched (Envoy: 404 NR)
        NoSubset,   // route names a subset the DestinationRule lacks (503 NC)
        Unmanaged,  // no rules for this host: plain Kubernetes Service, any instance
    };

    struct Decision
    {
        Outcome outcome = Outcome::Unmanaged;
        int routeIndex = -1;  // index into VirtualService.http
        std::string subset;
        // Labels an instance needs (DestinationRule subset labels); empty for Unmanaged.
        std::map<std::string, std::string> labels;
        // Headers the route adds to the response, in order (route-level, then destination-level).
        std::vector<std::pair<std::string, std::string>> responseAdd;
        std::vector<std::pair<std::string, std::string>> responseSet;
    };

    Router();
    ~Router();
    Router(const Router&) = delete;
    Router& operator=(const Router&) = delete;

    // Installs or replaces the rules of VirtualService.hosts / DestinationRule.host.
    // Invalid regexes are rejected with a message (the rules stay unchanged).
    core::Result<bool> apply(const core::RuleSet& rules);
    void remove(std::string_view host);
    bool hasRules(std::string_view host) const;
    const core::RuleSet* rules(std::string_view host) const;

    // Routes one request to `host`. `rng` draws the weighted destination.
    Decision route(std::string_view host, const HeaderList& headers, Rng& rng) const;
    // route() without copying the Decision (the simulator's hot path). The
    // reference stays valid until the next apply() or remove().
    const Decision& routeRef(std::string_view host, const HeaderList& headers, Rng& rng) const;

private:
    struct CompiledHost;
    absl::flat_hash_map<std::string, std::shared_ptr<CompiledHost>> m_hosts;
};

}  // namespace concord::sandbox
