#include "sandbox/probe_deployments.h"

#include <algorithm>

namespace concord::sandbox {

bool isCrashLoopImage(std::string_view image)
{
    if (image.find('@') != std::string_view::npos) {
        return false;  // pinned by digest: no tag
    }
    const std::size_t slash = image.rfind('/');
    const std::string_view last = slash == std::string_view::npos ? image : image.substr(slash + 1);
    const std::size_t colon = last.rfind(':');
    return colon != std::string_view::npos && last.substr(colon + 1) == "crashloop";
}

std::string crashLoopMessage(std::string_view image)
{
    return "CrashLoopBackOff: the probe container of " + std::string(image) +
           " exits at start (sandbox: an image tagged :crashloop always fails)";
}

bool ProbeDeployments::apply(const ProbeDeploymentRequest& request, double nowMs,
                             std::optional<double> delayMs)
{
    auto it = m_deployments.find(request.name);
    if (it != m_deployments.end() && it->second.specHash == request.specHash) {
        return false;
    }
    if (it == m_deployments.end()) {
        it = m_deployments.emplace(request.name, ProbeDeployment{}).first;
    }
    ProbeDeployment& d = it->second;
    d.name = request.name;
    d.ownerId = request.ownerId;
    d.specHash = request.specHash;
    d.image = request.image;
    d.phase = core::ProbePhase::Pending;
    d.message.clear();
    d.rolledAtMs = nowMs;
    d.dueMs = nowMs + std::max(0.0, delayMs.value_or(m_options.startDelayMs));
    ++d.rollouts;
    if (d.dueMs <= nowMs) {
        settle(d);
    }
    return true;
}

bool ProbeDeployments::remove(std::string_view name)
{
    const auto it = m_deployments.find(name);
    if (it == m_deployments.end()) {
        return false;
    }
    m_deployments.erase(it);
    return true;
}

bool ProbeDeployments::injectFailure(std::string_view name, std::string_view message)
{
    const auto it = m_deployments.find(name);
    if (it == m_deployments.end()) {
        return false;
    }
    it->second.phase = core::ProbePhase::Failed;
    it->second.message = message.empty() ? "failure injected" : std::string(message);
    return true;
}

void ProbeDeployments::settle(ProbeDeployment& deployment) const
{
    if (isCrashLoopImage(deployment.image)) {
        deployment.phase = core::ProbePhase::Failed;
        deployment.message = crashLoopMessage(deployment.image);
    } else {
        deployment.phase = core::ProbePhase::Running;
    }
}

std::vector<std::string> ProbeDeployments::advance(double nowMs)
{
    std::vector<std::string> changed;
    for (auto& [name, deployment] : m_deployments) {
        if (deployment.phase == core::ProbePhase::Pending && deployment.dueMs <= nowMs) {
            settle(deployment);
            changed.push_back(name);
        }
    }
    return changed;
}

std::optional<double> ProbeDeployments::nextTransitionMs() const
{
    std::optional<double> next;
    for (const auto& entry : m_deployments) {
        const ProbeDeployment& d = entry.second;
        if (d.phase == core::ProbePhase::Pending && (!next || d.dueMs < *next)) {
            next = d.dueMs;
        }
    }
    return next;
}

const ProbeDeployment* ProbeDeployments::get(std::string_view name) const
{
    const auto it = m_deployments.find(name);
    return it == m_deployments.end() ? nullptr : &it->second;
}

std::vector<ProbeDeployment> ProbeDeployments::list() const
{
    std::vector<ProbeDeployment> out;
    out.reserve(m_deployments.size());
    for (const auto& entry : m_deployments) {
        out.push_back(entry.second);
    }
    return out;
}

}  // namespace concord::sandbox
