#include "mesh_model.h"

#include <algorithm>
#include <deque>
#include <tuple>
#include <utility>

namespace concord::core {

namespace {

Error modelError(std::string message)
{
    return Error{"", 0, 0, std::move(message)};
}

bool createdBefore(const Version* a, const Version* b)
{
    return std::tie(a->createdAt, a->name) < std::tie(b->createdAt, b->name);
}

}  // namespace

std::string_view toString(VersionState state)
{
    switch (state) {
        case VersionState::Registered:
            return "registered";
        case VersionState::Deploying:
            return "deploying";
        case VersionState::Serving:
            return "serving";
        case VersionState::Draining:
            return "draining";
        case VersionState::Retired:
            return "retired";
    }
    return "unknown";
}

Result<bool> VersionTree::add(Version version)
{
    if (version.name.empty())
        return modelError("a version needs a name");
    if (find(version.name))
        return modelError("duplicate version '" + version.name + "'");
    if (version.parent.empty()) {
        if (const Version* existing = root())
            return modelError("version '" + version.name + "' has no parent but '" +
                              existing->name + "' is already the root");
    } else if (!find(version.parent)) {
        return modelError("version '" + version.name + "' has unknown parent '" + version.parent +
                          "'");
    }
    m_versions.push_back(std::move(version));
    return true;
}

const Version* VersionTree::find(std::string_view name) const
{
    for (const Version& version : m_versions) {
        if (version.name == name)
            return &version;
    }
    return nullptr;
}

Version* VersionTree::find(std::string_view name)
{
    return const_cast<Version*>(std::as_const(*this).find(name));
}

const Version* VersionTree::root() const
{
    for (const Version& version : m_versions) {
        if (version.parent.empty())
            return &version;
    }
    return nullptr;
}

std::vector<const Version*> VersionTree::children(std::string_view name) const
{
    std::vector<const Version*> out;
    for (const Version& version : m_versions) {
        if (!version.parent.empty() && version.parent == name)
            out.push_back(&version);
    }
    std::sort(out.begin(), out.end(), createdBefore);
    return out;
}

std::vector<const Version*> VersionTree::ancestry(std::string_view name) const
{
    std::vector<const Version*> out;
    // Bounded by size() so a parent edited into a loop through find() cannot hang us.
    for (const Version* at = find(name); at && out.size() < m_versions.size();
         at = at->parent.empty() ? nullptr : find(at->parent)) {
        out.push_back(at);
    }
    return out;
}

std::vector<const Version*> VersionTree::preorder() const
{
    std::vector<const Version*> out;
    const Version* top = root();
    if (!top)
        return out;
    std::vector<const Version*> stack{top};
    while (!stack.empty() && out.size() < m_versions.size()) {
        const Version* at = stack.back();
        stack.pop_back();
        out.push_back(at);
        const std::vector<const Version*> kids = children(at->name);
        stack.insert(stack.end(), kids.rbegin(), kids.rend());  // first child on top
    }
    return out;
}

Result<bool> MeshModel::addService(Service service)
{
    if (service.name.empty())
        return modelError("a service needs a name");
    if (m_index.contains(service.name))
        return modelError("duplicate service '" + service.name + "'");
    m_index.emplace(service.name, m_services.size());
    m_services.push_back(std::move(service));
    return true;
}

Result<bool> MeshModel::addCallEdge(std::string_view from, std::string_view to)
{
    const auto fromIt = m_index.find(from);
    if (fromIt == m_index.end())
        return modelError("call edge from unknown service '" + std::string(from) + "'");
    const auto toIt = m_index.find(to);
    if (toIt == m_index.end())
        return modelError("call edge to unknown service '" + std::string(to) + "'");
    if (m_edgeSet.emplace(fromIt->second, toIt->second).second)
        m_edges.emplace_back(std::string(from), std::string(to));
    return true;
}

const Service* MeshModel::findService(std::string_view name) const
{
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_services[it->second];
}

Service* MeshModel::findService(std::string_view name)
{
    return const_cast<Service*>(std::as_const(*this).findService(name));
}

std::vector<std::string> MeshModel::callees(std::string_view service) const
{
    std::vector<std::string> out;
    for (const auto& [from, to] : m_edges) {
        if (from == service)
            out.push_back(to);
    }
    return out;
}

std::vector<std::string> MeshModel::callers(std::string_view service) const
{
    std::vector<std::string> out;
    for (const auto& [from, to] : m_edges) {
        if (to == service)
            out.push_back(from);
    }
    return out;
}

std::vector<std::string> MeshModel::reachableFrom(std::string_view service) const
{
    const auto start = m_index.find(service);
    if (start == m_index.end())
        return {};
    std::vector<std::vector<std::size_t>> adjacency(m_services.size());
    for (const auto& [from, to] : m_edgeSet)
        adjacency[from].push_back(to);

    // Breadth first from the callees, so the start shows up only if a cycle leads back.
    std::vector<bool> seen(m_services.size(), false);
    std::deque<std::size_t> queue;
    std::vector<std::string> out;
    auto visit = [&](std::size_t node) {
        if (seen[node])
            return;
        seen[node] = true;
        out.push_back(m_services[node].name);
        queue.push_back(node);
    };
    for (std::size_t next : adjacency[start->second])
        visit(next);
    while (!queue.empty()) {
        const std::size_t at = queue.front();
        queue.pop_front();
        for (std::size_t next : adjacency[at])
            visit(next);
    }
    return out;
}

}  // namespace concord::core
