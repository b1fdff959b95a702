#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace concord::core {

enum class VersionState
{
    Registered,  // known to the catalog, no instances
    Deploying,
    Serving,
    Draining,
    Retired,
};

std::string_view toString(VersionState state);

struct Version
{
    std::string name;    // the `version` label value, e.g. "v2"
    std::string parent;  // empty for the root
    std::string image;
    std::int64_t createdAt = 0;  // ms since epoch, or an ordinal in the sandbox
    int instances = 0;
    VersionState state = VersionState::Registered;
};

// The versions of one service as a tree by parent, children ordered by
// creation time (then name, so the order is total).
class VersionTree final
{
public:
    // Rejects a duplicate name, an unknown parent and a second root.
    Result<bool> add(Version version);

    const Version* find(std::string_view name) const;
    Version* find(std::string_view name);
    const Version* root() const;
    std::vector<const Version*> children(std::string_view name) const;
    // name, its parent, ..., the root.
    std::vector<const Version*> ancestry(std::string_view name) const;
    // Depth-first, children in creation order: the order a tree view shows.
    std::vector<const Version*> preorder() const;
    const std::vector<Version>& versions() const { return m_versions; }
    std::size_t size() const { return m_versions.size(); }

private:
    std::vector<Version> m_versions;  // insertion order
};

struct Service
{
    std::string name;
    std::string ns = "default";
    VersionTree versions;
};

struct Instance
{
    std::string name;  // pod name
    std::string service;
    std::string version;
    std::map<std::string, std::string> labels;  // app=<service>, version=<v>, ...
};

// Services, their version trees and the static call edges between services.
class MeshModel final
{
public:
    Result<bool> addService(Service service);
    // Both ends must exist; a repeated edge is ignored.
    Result<bool> addCallEdge(std::string_view from, std::string_view to);

    const Service* findService(std::string_view name) const;
    Service* findService(std::string_view name);
    const std::vector<Service>& services() const { return m_services; }

    std::vector<std::string> callees(std::string_view service) const;
    std::vector<std::string> callers(std::string_view service) const;
    // Every service reachable from `service` over call edges, excluding itself
    // unless it lies on a cycle.
    std::vector<std::string> reachableFrom(std::string_view service) const;
    const std::vector<std::pair<std::string, std::string>>& callEdges() const { return m_edges; }

private:
    std::vector<Service> m_services;
    std::vector<std::pair<std::string, std::string>> m_edges;
    // name -> index into m_services, so lookups stay cheap for generated meshes of
    // thousands of services (a service must not be renamed through findService()).
    std::map<std::string, std::size_t, std::less<>> m_index;
    std::set<std::pair<std::size_t, std::size_t>> m_edgeSet;  // m_edges by index, for dedup
};

}  // namespace concord::core
