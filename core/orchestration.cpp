#include "core/orchestration.h"

#include <absl/strings/string_view.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace concord::core {
namespace {

Error rangeError(const std::string& field, int min, const std::string& max, int value)
{
    return makeError(ErrorCode::InvalidArgument, field + " must be between " + std::to_string(min) +
                                                     " and " + max + ", got " +
                                                     std::to_string(value));
}

// n + 1 in decimal, exact even for UINT64_MAX (count / 1 + 1 does not fit).
std::string plusOne(std::uint64_t n)
{
    if (n == std::numeric_limits<std::uint64_t>::max()) {
        return "18446744073709551616";
    }
    return std::to_string(n + 1);
}

std::string lowerCase(std::string text)
{
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return text;
}

bool isFailedPhase(PodPhase phase)
{
    return phase == PodPhase::Succeeded || phase == PodPhase::Failed || phase == PodPhase::Unknown;
}

// Rounded up, so a silence just over the window never reads as the window.
std::string millis(double ms)
{
    return std::to_string(static_cast<long long>(std::ceil(ms))) + " ms";
}

}  // namespace

Status validateParameters(const OrchestrationParameters& parameters)
{
    const OrchestrationParameters& p = parameters;
    if (p.maxInstances < kMinMaxInstances || p.maxInstances > kMaxMaxInstances) {
        return rangeError("maxInstances", kMinMaxInstances, std::to_string(kMaxMaxInstances),
                          p.maxInstances);
    }
    if (p.resourcePerInstance < kMinResourcePerInstance ||
        p.resourcePerInstance > kMaxResourcePerInstance) {
        return rangeError("resourcePerInstance", kMinResourcePerInstance,
                          std::to_string(kMaxResourcePerInstance), p.resourcePerInstance);
    }
    if (p.initInstances < kMinInitInstances || p.initInstances > p.maxInstances) {
        return rangeError("initInstances", kMinInitInstances,
                          "maxInstances (" + std::to_string(p.maxInstances) + ")", p.initInstances);
    }
    return okStatus();
}

// An exact multiple, count = k * resourcePerInstance, gets k + 1 instances: §8's
// formula, kept on purpose — the last one is empty, room for new resources.
Result<OrchestrationPlan> planOrchestration(std::uint64_t count,
                                            const OrchestrationParameters& parameters)
{
    if (Status valid = validateParameters(parameters); !valid) {
        return valid.error();
    }
    const auto perInstance = static_cast<std::uint64_t>(parameters.resourcePerInstance);
    const std::uint64_t full = count / perInstance;  // instances - 1, without overflow
    const auto max = static_cast<std::uint64_t>(parameters.maxInstances);
    if (full >= max) {
        return makeError(
            ErrorCode::FailedPrecondition,
            "require instances more than the max: " + plusOne(full) + "/" + std::to_string(max));
    }
    OrchestrationPlan plan{static_cast<int>(full + 1), parameters.resourcePerInstance};
    if (plan.instances < parameters.initInstances) {
        plan.instances = parameters.initInstances;
        // < the given resourcePerInstance here, so it fits an int.
        plan.resourcePerInstance = static_cast<int>(count / parameters.initInstances + 1);
    }
    return plan;
}

// A hand-made plan too small for `ids` puts the excess in the last bucket
// rather than losing it; planOrchestration() never makes such a plan.
std::vector<std::vector<std::string>> assignResources(const std::vector<std::string>& ids,
                                                      const OrchestrationPlan& plan)
{
    const auto buckets = static_cast<std::size_t>(std::max(plan.instances, 0));
    const auto perInstance = static_cast<std::size_t>(std::max(plan.resourcePerInstance, 0));
    std::vector<std::vector<std::string>> result(buckets);
    auto next = ids.begin();
    for (std::size_t i = 0; i < buckets; ++i) {
        const auto left = static_cast<std::size_t>(ids.end() - next);
        const std::size_t take = i + 1 == buckets ? left : std::min(left, perInstance);
        result[i].assign(next, next + static_cast<std::ptrdiff_t>(take));
        next += static_cast<std::ptrdiff_t>(take);
    }
    return result;
}

std::string_view toString(PodPhase phase)
{
    switch (phase) {
        case PodPhase::Pending:
            return "Pending";
        case PodPhase::Running:
            return "Running";
        case PodPhase::Succeeded:
            return "Succeeded";
        case PodPhase::Failed:
            return "Failed";
        case PodPhase::Unknown:
            return "Unknown";
    }
    return "Unknown";
}

Orchestrator::Orchestrator(std::string resourceType)
    : m_type(std::move(resourceType)), m_prefix(lowerCase(m_type))
{}

std::uint64_t Orchestrator::resourceCount() const
{
    return m_placement.size();
}

Status Orchestrator::orchestrate(const std::vector<std::string>& ids,
                                 const OrchestrationParameters& parameters, double nowMs)
{
    Result<OrchestrationPlan> plan = planOrchestration(ids.size(), parameters);
    if (!plan) {
        return plan.error();
    }
    std::vector<std::vector<std::string>> buckets = assignResources(ids, *plan);
    // Built aside and swapped in, so a bad id leaves the current state alone.
    absl::flat_hash_map<std::string, std::size_t> placement;
    placement.reserve(ids.size());
    for (std::size_t n = 0; n < buckets.size(); ++n) {
        for (const std::string& id : buckets[n]) {
            if (id.empty()) {
                return makeError(ErrorCode::InvalidArgument, m_prefix + " ids must not be empty");
            }
            if (!placement.try_emplace(id, n).second) {
                return makeError(ErrorCode::InvalidArgument,
                                 "duplicate " + m_prefix + " id '" + id + "'");
            }
        }
    }
    applyPlan(*plan, std::move(buckets), nowMs);
    m_placement = std::move(placement);
    m_parameters = parameters;
    if (!m_orchestrated) {
        m_lastMonitorMs = nowMs;  // the monitor's epochs start here
        m_orchestrated = true;
    }
    m_lastOrchestratedMs = nowMs;
    return okStatus();
}

// Instance n keeps its id and pod when it survives a re-orchestration (only
// its resource set reloads); only the missing ones are started.
void Orchestrator::applyPlan(const OrchestrationPlan& plan,
                             std::vector<std::vector<std::string>> buckets, double nowMs)
{
    const std::size_t count = buckets.size();
    if (m_instances.size() > count) {
        m_instances.erase(m_instances.begin() + static_cast<std::ptrdiff_t>(count),
                          m_instances.end());
    }
    m_instances.reserve(count);
    for (std::size_t n = m_instances.size(); n < count; ++n) {
        m_instances.push_back(makeInstance(n, plan.resourcePerInstance, nowMs));
    }
    for (std::size_t n = 0; n < count; ++n) {
        OrchestratorInstance& instance = m_instances[n];
        instance.resources = std::move(buckets[n]);
        instance.capacity = plan.resourcePerInstance;
        ++instance.reloadTimes;
    }
    m_plan = plan;
}

Result<std::string> Orchestrator::addResource(const std::string& id, double nowMs)
{
    if (!m_orchestrated) {
        return makeError(ErrorCode::FailedPrecondition,
                         m_prefix + " is not orchestrated yet: cannot place '" + id + "'");
    }
    if (id.empty()) {
        return makeError(ErrorCode::InvalidArgument, m_prefix + " ids must not be empty");
    }
    if (auto it = m_placement.find(id); it != m_placement.end()) {
        return makeError(
            ErrorCode::AlreadyExists,
            m_prefix + " '" + id + "' is already placed on " + m_instances[it->second].id);
    }
    const std::optional<std::size_t> n = instanceWithRoom(nowMs);
    if (!n) {
        return makeError(ErrorCode::FailedPrecondition,
                         "no room for " + m_prefix + " '" + id + "': all " +
                             std::to_string(m_instances.size()) +
                             " instances are full and maxInstances is " +
                             std::to_string(m_parameters.maxInstances));
    }
    OrchestratorInstance& instance = m_instances[*n];
    instance.resources.push_back(id);
    ++instance.reloadTimes;
    m_placement.emplace(id, *n);
    return instance.id;
}

std::optional<std::size_t> Orchestrator::instanceWithRoom(double nowMs)
{
    for (std::size_t n = m_instances.size(); n-- > 0;) {
        const OrchestratorInstance& instance = m_instances[n];
        if (instance.resources.size() < static_cast<std::size_t>(instance.capacity)) {
            return n;
        }
    }
    if (m_instances.size() >= static_cast<std::size_t>(m_parameters.maxInstances)) {
        return std::nullopt;
    }
    m_instances.push_back(makeInstance(m_instances.size(), m_plan.resourcePerInstance, nowMs));
    return m_instances.size() - 1;
}

Status Orchestrator::removeResource(const std::string& id)
{
    const auto it = m_placement.find(id);
    if (it == m_placement.end()) {
        return makeError(ErrorCode::NotFound,
                         m_prefix + " '" + id + "' is not placed on any instance");
    }
    OrchestratorInstance& instance = m_instances[it->second];
    // At most resourcePerInstance (≤ 5000) ids; erase keeps placement order.
    instance.resources.erase(std::find(instance.resources.begin(), instance.resources.end(), id));
    ++instance.reloadTimes;
    m_placement.erase(it);
    return okStatus();
}

std::optional<std::string> Orchestrator::runIn(std::string_view id) const
{
    // Debian's abseil has its own string_view (ABSL_OPTION_USE_STD_STRING_VIEW 0).
    const auto it = m_placement.find(absl::string_view(id.data(), id.size()));
    if (it == m_placement.end()) {
        return std::nullopt;
    }
    return m_instances[it->second].id;
}

OrchestratorInstance* Orchestrator::findInstance(std::string_view instanceId)
{
    if (instanceId.size() <= m_prefix.size() + 1 || !instanceId.starts_with(m_prefix) ||
        instanceId[m_prefix.size()] != '-') {
        return nullptr;
    }
    const std::string_view number = instanceId.substr(m_prefix.size() + 1);
    std::size_t n = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), n);
    if (error != std::errc{} || end != number.data() + number.size() || n >= m_instances.size()) {
        return nullptr;
    }
    // "thing-03" parses as 3 but is not thing-3's id.
    return m_instances[n].id == instanceId ? &m_instances[n] : nullptr;
}

Status Orchestrator::heartbeat(std::string_view instanceId, double nowMs)
{
    OrchestratorInstance* instance = findInstance(instanceId);
    if (instance == nullptr) {
        return makeError(ErrorCode::NotFound,
                         "no instance '" + std::string(instanceId) + "' of " + m_prefix);
    }
    // A late, out-of-order heartbeat does not shorten the window.
    instance->lastHeartbeatMs = std::max(instance->lastHeartbeatMs, nowMs);
    if (instance->podPhase == PodPhase::Pending) {
        instance->podPhase = PodPhase::Running;
    }
    return okStatus();
}

Status Orchestrator::setPodPhase(std::string_view instanceId, PodPhase phase)
{
    OrchestratorInstance* instance = findInstance(instanceId);
    if (instance == nullptr) {
        return makeError(ErrorCode::NotFound,
                         "no instance '" + std::string(instanceId) + "' of " + m_prefix);
    }
    instance->podPhase = phase;
    return okStatus();
}

std::vector<OrchestratorEvent> Orchestrator::tick(double nowMs)
{
    std::vector<OrchestratorEvent> events;
    for (std::size_t n = 0; n < m_instances.size(); ++n) {
        const OrchestratorInstance& instance = m_instances[n];
        const double silence = nowMs - instance.lastHeartbeatMs;
        if (silence > kHeartbeatWindowMs) {
            std::string message = "no heartbeat for " + millis(silence) + " (window " +
                                  millis(kHeartbeatWindowMs) + "): recreated pod " +
                                  instance.podName;
            recreate(n, nowMs);
            events.push_back({OrchestratorEvent::Kind::RecreatedSilent, instance.id,
                              std::move(message) + " as " + instance.podName});
        }
    }
    if (!monitorDue(nowMs)) {
        return events;
    }
    // Instances recreated above are Pending now, so none is recreated twice.
    for (std::size_t n = 0; n < m_instances.size(); ++n) {
        const OrchestratorInstance& instance = m_instances[n];
        if (isFailedPhase(instance.podPhase)) {
            std::string message = "pod " + instance.podName + " is " +
                                  std::string(toString(instance.podPhase)) + ": recreated";
            recreate(n, nowMs);
            events.push_back({OrchestratorEvent::Kind::RecreatedPodFailed, instance.id,
                              std::move(message) + " as " + instance.podName});
        }
    }
    return events;
}

// Runs once however many periods a jump of nowMs covers, and stays on the
// epochs (first orchestrate + k * kMonitorPeriodMs).
bool Orchestrator::monitorDue(double nowMs)
{
    if (!m_orchestrated || nowMs - m_lastMonitorMs < kMonitorPeriodMs) {
        return false;
    }
    m_lastMonitorMs += std::floor((nowMs - m_lastMonitorMs) / kMonitorPeriodMs) * kMonitorPeriodMs;
    return true;
}

OrchestratorInstance Orchestrator::makeInstance(std::size_t n, int capacity, double nowMs)
{
    OrchestratorInstance instance;
    instance.id = m_prefix + "-" + std::to_string(n);
    instance.capacity = capacity;
    instance.lastHeartbeatMs = nowMs;
    instance.podName = nextPodName(n);
    return instance;
}

std::string Orchestrator::nextPodName(std::size_t n)
{
    if (m_generations.size() <= n) {
        m_generations.resize(n + 1, 0);
    }
    return m_prefix + "-" + std::to_string(n) + "-" + std::to_string(++m_generations[n]);
}

void Orchestrator::recreate(std::size_t n, double nowMs)
{
    OrchestratorInstance& instance = m_instances[n];
    instance.podName = nextPodName(n);
    instance.podPhase = PodPhase::Pending;
    instance.lastHeartbeatMs = nowMs;
    ++instance.recreations;
    ++instance.reloadTimes;
}

}  // namespace concord::core
