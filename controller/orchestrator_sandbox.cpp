#include "orchestrator_sandbox.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <unordered_set>

#include "log.h"

namespace concord::controller {

namespace {

constexpr std::string_view kLog = "orchestrator";
// core's tick runs at least this often in virtual time, however far a call
// advances, so a recreation is timed to within this step.
constexpr double kMaxStepMs = 1000;
constexpr std::size_t kMaxIdBytes = 253;

// "thing-00042": zero-padded to `width` digits, or more when count needs it.
std::vector<std::string> seedIds(std::string_view prefix, int count, int width)
{
    while (count > 1 && std::pow(10.0, width) < count)
        ++width;
    std::vector<std::string> ids;
    ids.reserve(static_cast<std::size_t>(std::max(count, 0)));
    for (int i = 0; i < count; ++i) {
        char digits[32];
        std::snprintf(digits, sizeof digits, "%0*d", width, i);
        ids.push_back(std::string(prefix) + "-" + digits);
    }
    return ids;
}

bool validId(std::string_view id)
{
    return !id.empty() && id.size() <= kMaxIdBytes && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

core::Error error(core::ErrorCode code, std::string message)
{
    return core::makeError(code, std::move(message));
}

std::function<double()> steadyClock()
{
    const auto origin = std::chrono::steady_clock::now();
    return [origin] {
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - origin)
            .count();
    };
}

}  // namespace

std::string_view toString(OrchestrationState state)
{
    switch (state) {
        case OrchestrationState::NotOrchestrated:
            return "NotOrchestrated";
        case OrchestrationState::Orchestrating:
            return "Orchestrating";
        case OrchestrationState::Ready:
            return "Ready";
    }
    return "NotOrchestrated";
}

// The simulated pod of one instance: it knows nothing of core, it only
// decides when heartbeats are sent.
struct OrchestratorSandbox::Pod
{
    std::string podName;
    double startAtMs = 0;        // its first heartbeat, which makes it Running
    double nextHeartbeatMs = 0;  // once started
    bool started = false;
    bool silent = false;  // silenced, or ended (Failed, Succeeded, Unknown)
};

struct OrchestratorSandbox::Type
{
    Type(std::string lower, std::string capitalised)
        : name(std::move(lower)), orchestrator(std::move(capitalised))
    {}

    std::string name;  // "thing"
    core::Orchestrator orchestrator;
    std::vector<std::string> ids;  // the store, in insertion order
    std::unordered_set<std::string> index;
    bool orchestrated = false;
    bool orchestrating = false;
    std::map<std::string, Pod, std::less<>> pods;  // instance id → its current pod
};

const std::vector<std::string>& OrchestratorSandbox::resourceTypes()
{
    static const std::vector<std::string> kTypes = {"rule", "thing"};
    return kTypes;
}

OrchestratorSandbox::OrchestratorSandbox(OrchestratorSandboxOptions options)
    : m_options(std::move(options))
{
    if (!m_options.clock)
        m_options.clock = steadyClock();
    const double now = m_options.clock();
    m_epochVirtualMs = m_options.epochVirtualMs.value_or(now);
    m_epochUnixMs =
        m_options.epochUnixMs.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
    m_advancedTo = now;
    struct Seed
    {
        const char* lower;
        const char* capitalised;
        int count;
        int width;
    };
    // Sorted by name, as resourceTypes().
    for (const Seed& seed :
         {Seed{"rule", "Rule", m_options.rules, 3}, Seed{"thing", "Thing", m_options.things, 5}}) {
        auto type = std::make_unique<Type>(seed.lower, seed.capitalised);
        type->ids = seedIds(seed.lower, seed.count, seed.width);
        type->index.insert(type->ids.begin(), type->ids.end());
        m_types.push_back(std::move(type));
    }
    if (!m_options.orchestrateAtStart)
        return;
    for (const std::string& name : resourceTypes()) {
        auto done = orchestrate(name, core::OrchestrationParameters{});
        if (!done.ok())
            logWarning(kLog, "initial orchestration of " + name + ": " + done.error().message);
    }
}

OrchestratorSandbox::~OrchestratorSandbox()
{
    stop();
}

double OrchestratorSandbox::nowMs() const
{
    return m_options.clock();
}

std::int64_t OrchestratorSandbox::toUnixMs(double virtualMs) const
{
    return m_epochUnixMs + std::llround(virtualMs - m_epochVirtualMs);
}

OrchestratorSandbox::Type* OrchestratorSandbox::findType(std::string_view type)
{
    for (auto& t : m_types) {
        if (t->name == type)
            return t.get();
    }
    return nullptr;
}

core::Status OrchestratorSandbox::checkType(std::string_view type)
{
    const auto& known = resourceTypes();
    if (std::find(known.begin(), known.end(), type) != known.end())
        return core::okStatus();
    // The caller's text is echoed: keep it short.
    const std::string shown(type.substr(0, 64));
    return error(core::ErrorCode::NotFound,
                 "unknown resource type '" + shown + "' (known: rule, thing)");
}

core::Result<OrchestratorSandbox::Type*> OrchestratorSandbox::typeOrError(std::string_view type)
{
    if (Type* found = findType(type))
        return found;
    return checkType(type).error();
}

core::Result<OrchestrationSnapshot> OrchestratorSandbox::snapshot(std::string_view type)
{
    const std::lock_guard lock(m_mutex);
    auto found = typeOrError(type);
    if (!found.ok())
        return found.error();
    const double now = m_options.clock();
    advanceLocked(now, nullptr);
    return snapshotLocked(**found, now);
}

OrchestrationSnapshot OrchestratorSandbox::snapshotLocked(const Type& type, double nowMs) const
{
    OrchestrationSnapshot out;
    out.resource = type.name;
    out.count = type.ids.size();
    out.nowMs = nowMs;
    if (!type.orchestrated)
        return out;
    out.state = type.orchestrating ? OrchestrationState::Orchestrating : OrchestrationState::Ready;
    out.parameters = type.orchestrator.parameters();
    out.lastOrchestratedMs = type.orchestrator.lastOrchestratedMs();
    out.instances = type.orchestrator.instances();
    out.total = static_cast<int>(out.instances.size());
    out.ready = static_cast<int>(
        std::count_if(out.instances.begin(), out.instances.end(),
                      [](const auto& i) { return i.podPhase == core::PodPhase::Running; }));
    return out;
}

core::Result<OrchestrationSnapshot> OrchestratorSandbox::orchestrate(
    std::string_view type, const core::OrchestrationParameters& p)
{
    const std::lock_guard lock(m_mutex);
    auto found = typeOrError(type);
    if (!found.ok())
        return found.error();
    Type& t = **found;
    const double now = m_options.clock();
    advanceLocked(now, nullptr);
    if (auto valid = core::validateParameters(p); !valid.ok())
        return error(core::ErrorCode::InvalidArgument, valid.error().message);
    if (t.orchestrating)
        return error(core::ErrorCode::FailedPrecondition,
                     "an orchestration of " + t.name + " is already running");
    if (auto done = t.orchestrator.orchestrate(t.ids, p, now); !done.ok()) {
        // More instances than the max is the caller's parameters' fault.
        const auto code = done.error().code == core::ErrorCode::FailedPrecondition
                              ? core::ErrorCode::InvalidArgument
                              : done.error().code;
        return error(code, done.error().message);
    }
    t.orchestrated = true;
    t.orchestrating = true;
    syncPods(t, now);
    // core keeps the pods of the instances that survive a re-orchestration:
    // with no new instance it is Ready at once.
    updateReadiness(t);
    logInfo(kLog, "orchestrated " + std::to_string(t.ids.size()) + " " + t.name + "s over " +
                      std::to_string(t.orchestrator.instances().size()) + " instances");
    return snapshotLocked(t, now);
}

core::Result<std::string> OrchestratorSandbox::runIn(std::string_view type, std::string_view id)
{
    const std::lock_guard lock(m_mutex);
    auto found = typeOrError(type);
    if (!found.ok())
        return found.error();
    Type& t = **found;
    advanceLocked(m_options.clock(), nullptr);
    const std::string shown(id.substr(0, 64));
    if (!t.index.count(std::string(id)))
        return error(core::ErrorCode::NotFound, "unknown " + t.name + " '" + shown + "'");
    if (auto instance = t.orchestrator.runIn(id))
        return *instance;
    return error(core::ErrorCode::NotFound,
                 t.name + " '" + shown + "' is not placed on any instance");
}

core::Result<std::string> OrchestratorSandbox::addResource(std::string_view type,
                                                           std::string_view id)
{
    const std::lock_guard lock(m_mutex);
    auto found = typeOrError(type);
    if (!found.ok())
        return found.error();
    Type& t = **found;
    const double now = m_options.clock();
    advanceLocked(now, nullptr);
    if (!validId(id))
        return error(core::ErrorCode::InvalidArgument,
                     "id must be 1 to 253 characters of A-Z, a-z, 0-9, '.', '_' and '-'");
    const std::string key(id);
    if (t.index.count(key))
        return error(core::ErrorCode::AlreadyExists, t.name + " '" + key + "' already exists");
    std::string instance;
    if (t.orchestrated) {
        auto placed = t.orchestrator.addResource(key, now);
        if (!placed.ok())
            return placed.error();
        instance = std::move(*placed);
        syncPods(t, now);
    }
    t.ids.push_back(key);
    t.index.insert(key);
    return instance;
}

core::Result<std::string> OrchestratorSandbox::removeResource(std::string_view type,
                                                              std::string_view id)
{
    const std::lock_guard lock(m_mutex);
    auto found = typeOrError(type);
    if (!found.ok())
        return found.error();
    Type& t = **found;
    advanceLocked(m_options.clock(), nullptr);
    const std::string key(id);
    if (!t.index.count(key))
        return error(core::ErrorCode::NotFound,
                     "unknown " + t.name + " '" + key.substr(0, 64) + "'");
    std::string instance = t.orchestrator.runIn(key).value_or("");
    if (!instance.empty()) {
        if (auto removed = t.orchestrator.removeResource(key); !removed.ok())
            return removed.error();
    }
    t.ids.erase(std::find(t.ids.begin(), t.ids.end(), key));
    t.index.erase(key);
    return instance;
}

// The type and the pod of one of its instances, with time brought up to now
// first (the sandbox's failure injections act on the current pod).
core::Result<std::pair<OrchestratorSandbox::Type*, OrchestratorSandbox::Pod*>>
OrchestratorSandbox::podOrError(std::string_view type, std::string_view instanceId)
{
    auto found = typeOrError(type);
    if (!found.ok())
        return found.error();
    Type& t = **found;
    advanceLocked(m_options.clock(), nullptr);
    const auto pod = t.pods.find(instanceId);
    if (pod == t.pods.end())
        return error(
            core::ErrorCode::NotFound,
            "unknown instance '" + std::string(instanceId.substr(0, 64)) + "' of " + t.name);
    return std::pair{&t, &pod->second};
}

core::Status OrchestratorSandbox::silenceInstance(std::string_view type,
                                                  std::string_view instanceId)
{
    const std::lock_guard lock(m_mutex);
    auto found = podOrError(type, instanceId);
    if (!found.ok())
        return found.error();
    auto [t, pod] = *found;
    pod->silent = true;
    logInfo(kLog, "silenced pod " + pod->podName);
    return core::okStatus();
}

core::Status OrchestratorSandbox::setPodPhase(std::string_view type, std::string_view instanceId,
                                              core::PodPhase phase)
{
    const std::lock_guard lock(m_mutex);
    auto found = podOrError(type, instanceId);
    if (!found.ok())
        return found.error();
    auto [t, pod] = *found;
    if (phase == core::PodPhase::Pending || phase == core::PodPhase::Running)
        return error(core::ErrorCode::InvalidArgument,
                     "phase must be Failed, Succeeded or Unknown, got " +
                         std::string(core::toString(phase)));
    if (auto set = t->orchestrator.setPodPhase(instanceId, phase); !set.ok())
        return set;
    pod->silent = true;
    logInfo(kLog, "pod " + pod->podName + " is " + std::string(core::toString(phase)));
    return core::okStatus();
}

std::vector<core::OrchestratorEvent> OrchestratorSandbox::advance()
{
    const std::lock_guard lock(m_mutex);
    std::vector<core::OrchestratorEvent> events;
    advanceLocked(m_options.clock(), &events);
    return events;
}

void OrchestratorSandbox::advanceLocked(double nowMs, std::vector<core::OrchestratorEvent>* events)
{
    double t = m_advancedTo;
    while (t < nowMs) {
        double next = std::min(nowMs, t + kMaxStepMs);
        for (const auto& type : m_types)
            next = std::min(next, nextPodEvent(*type));
        if (next <= t)  // nothing can be due at or before t any more; guard anyway
            next = std::min(nowMs, t + kMaxStepMs);
        for (const auto& type : m_types)
            advanceTypeTo(*type, next, events);
        t = next;
    }
    m_advancedTo = std::max(m_advancedTo, nowMs);
}

double OrchestratorSandbox::nextPodEvent(const Type& type) const
{
    double next = std::numeric_limits<double>::infinity();
    for (const auto& [id, pod] : type.pods) {
        if (!pod.silent)
            next = std::min(next, pod.started ? pod.nextHeartbeatMs : pod.startAtMs);
    }
    return next;
}

// Delivers the heartbeats due by `t` (each at its own time), then core's
// tick at `t`, then notes the pods core recreated.
void OrchestratorSandbox::advanceTypeTo(Type& type, double t,
                                        std::vector<core::OrchestratorEvent>* events)
{
    if (!type.orchestrated)
        return;
    for (auto& [id, pod] : type.pods) {
        if (pod.silent)
            continue;
        if (!pod.started && pod.startAtMs <= t) {
            pod.started = true;
            pod.nextHeartbeatMs = pod.startAtMs;
        }
        while (pod.started && pod.nextHeartbeatMs <= t) {
            (void)type.orchestrator.heartbeat(id, pod.nextHeartbeatMs);
            pod.nextHeartbeatMs += m_options.heartbeatPeriodMs;
        }
    }
    for (auto& event : type.orchestrator.tick(t)) {
        logInfo(kLog, event.message);
        if (events)
            events->push_back(std::move(event));
    }
    syncPods(type, t);
    updateReadiness(type);
}

void OrchestratorSandbox::updateReadiness(Type& type)
{
    const auto& instances = type.orchestrator.instances();
    if (type.orchestrating && std::all_of(instances.begin(), instances.end(), [](const auto& i) {
            return i.podPhase == core::PodPhase::Running;
        })) {
        type.orchestrating = false;
        logInfo(kLog, "orchestration of " + type.name + " is ready");
    }
}

// A pod per instance: a new instance or a new podName (core recreated it)
// gets a fresh pod that starts podStartDelayMs from `t`.
void OrchestratorSandbox::syncPods(Type& type, double t)
{
    std::map<std::string, Pod, std::less<>> pods;
    for (const auto& instance : type.orchestrator.instances()) {
        auto old = type.pods.find(instance.id);
        if (old != type.pods.end() && old->second.podName == instance.podName) {
            pods.emplace(instance.id, std::move(old->second));
            continue;
        }
        Pod pod;
        pod.podName = instance.podName;
        pod.startAtMs = t + m_options.podStartDelayMs;
        pods.emplace(instance.id, std::move(pod));
    }
    type.pods = std::move(pods);
}

void OrchestratorSandbox::start()
{
    const std::lock_guard lock(m_tickerMutex);
    if (m_ticker.joinable() || m_tickerStop)
        return;
    m_ticker = std::thread([this] { runTicker(); });
}

void OrchestratorSandbox::stop()
{
    {
        const std::lock_guard lock(m_tickerMutex);
        m_tickerStop = true;
    }
    m_tickerWake.notify_all();
    if (m_ticker.joinable() && m_ticker.get_id() != std::this_thread::get_id())
        m_ticker.join();
}

void OrchestratorSandbox::runTicker()
{
    std::unique_lock lock(m_tickerMutex);
    while (!m_tickerWake.wait_for(lock, m_options.tickPeriod, [this] { return m_tickerStop; })) {
        lock.unlock();
        advance();
        lock.lock();
    }
}

}  // namespace concord::controller
