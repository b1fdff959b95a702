#include "controller/sandbox_driver.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <type_traits>
#include <utility>

namespace concord::controller {

namespace {

constexpr std::size_t kMaxCursors = 256;
constexpr double kShareWindowMs = 2000;  // virtual; VersionInfo::trafficShare

sandbox::SimConfig simConfig(const SandboxDriverOptions& options)
{
    sandbox::SimConfig config;
    config.seed = options.seed;
    config.meanArrivalInterval = options.meanArrivalIntervalMs;
    return config;
}

double wallNowUnixMs()
{
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration<double, std::milli>(now).count();
}

sandbox::VersionBlock toSandbox(BlockMode mode)
{
    switch (mode) {
        case BlockMode::None:
            return sandbox::VersionBlock::None;
        case BlockMode::RejectUnpinned:
            return sandbox::VersionBlock::RejectUnpinned;
        case BlockMode::HoldUnpinned:
            return sandbox::VersionBlock::HoldUnpinned;
    }
    return sandbox::VersionBlock::None;
}

// The latency below which a share `q` of the window's requests fell,
// interpolated inside its logarithmic bucket.
double percentile(const std::array<std::uint64_t, sandbox::kLatencyBuckets>& counts,
                  std::uint64_t total, double q)
{
    if (total == 0)
        return 0;
    const double target = q * static_cast<double>(total);
    double before = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const auto n = static_cast<double>(counts[i]);
        if (n > 0 && before + n >= target) {
            const double lower = i == 0 ? 0 : sandbox::latencyBucketUpper(i - 1);
            const double upper = sandbox::latencyBucketUpper(i);
            return lower + (upper - lower) * std::clamp((target - before) / n, 0.0, 1.0);
        }
        before += n;
    }
    return sandbox::latencyBucketUpper(counts.size() - 1);
}

// Window statistics between two cumulative snapshots. Edges are only ever
// appended to a snapshot, so index i names the same edge in both.
std::vector<EdgeStats> windowStats(const sandbox::EdgeSnapshot& previous,
                                   const sandbox::EdgeSnapshot& current)
{
    std::vector<EdgeStats> out;
    const double seconds = (current.time - previous.time) / 1000;
    for (std::size_t i = 0; i < current.edges.size(); ++i) {
        const sandbox::EdgeCounters& now = current.edges[i];
        const sandbox::EdgeCounters* before =
            i < previous.edges.size() ? &previous.edges[i] : nullptr;
        const std::uint64_t requests = now.requests - (before ? before->requests : 0);
        if (requests == 0 || seconds <= 0)
            continue;
        const std::uint64_t errors = now.errors - (before ? before->errors : 0);
        std::array<std::uint64_t, sandbox::kLatencyBuckets> counts = now.latency;
        if (before != nullptr) {
            for (std::size_t b = 0; b < counts.size(); ++b)
                counts[b] -= before->latency[b];
        }
        EdgeStats stats;
        stats.sourceService = now.sourceService;
        stats.sourceVersion = now.sourceVersion;
        stats.destinationService = now.destinationService;
        stats.destinationVersion = now.destinationVersion;
        stats.requestRate = static_cast<double>(requests) / seconds;
        stats.errorRate = static_cast<double>(errors) / static_cast<double>(requests);
        stats.latencyP50Ms = percentile(counts, requests, 0.5);
        stats.latencyP99Ms = percentile(counts, requests, 0.99);
        out.push_back(std::move(stats));
    }
    return out;
}

}  // namespace

SandboxDriver::SandboxDriver(Options options)
    : m_options(std::move(options)),
      m_sim(std::make_unique<sandbox::Simulation>(m_options.topology, simConfig(m_options)))
{
    m_sim->enableEdgeStats();
    m_sim->setChangeCallback([this] { notifyListener(); });
    m_wallAtZeroUnixMs.store(wallNowUnixMs());
    m_probes = sandbox::ProbeDeployments({m_options.probeStartDelayMs});
}

SandboxDriver::~SandboxDriver()
{
    stop();
}

void SandboxDriver::startTraffic()
{
    const std::lock_guard lock(m_modeMutex);
    if (m_running.load() || m_stopped)
        return;
    const double start = m_sim->now();
    m_pacer.emplace(start, m_options.speed);
    m_wallAtZeroUnixMs.store(wallNowUnixMs() - start / m_pacer->speed());
    m_stop.store(false);
    m_running.store(true, std::memory_order_release);
    m_thread = std::thread([this] {
        m_simThread.store(std::this_thread::get_id());
        m_sim->runForever(*m_pacer, m_stop);
        // Closures posted before stop() flipped m_running still have callers waiting.
        m_sim->runPosted();
        if (m_sim->takeChange())
            notifyListener();
        m_simThread.store(std::thread::id());
    });
    {
        const std::lock_guard probeLock(m_probeMutex);
        m_probeClockStop = false;
    }
    m_probeThread = std::thread([this] { runProbeClock(); });
}

void SandboxDriver::stop()
{
    if (m_simThread.load() == std::this_thread::get_id())
        return;  // from the listener: joining ourselves would hang (see the header)
    if (m_probeThreadId.load() == std::this_thread::get_id())
        return;  // from the probe listener, likewise
    stopProbeClock();
    const std::lock_guard lock(m_modeMutex);
    if (!m_thread.joinable())
        return;
    // Freeze the clock before nowMs() stops reading the pacer: it never goes back.
    m_frozenNow.store(m_pacer->virtualNow());
    m_running.store(false, std::memory_order_release);
    m_stop.store(true);
    m_sim->wake();
    m_thread.join();
    m_frozenNow.store(std::max(m_frozenNow.load(), m_sim->now()));
    m_stopped = true;
}

template <typename F>
auto SandboxDriver::onSim(F&& task) const -> std::invoke_result_t<F&>
{
    using R = std::invoke_result_t<F&>;
    if (m_simThread.load() == std::this_thread::get_id())
        return task();  // from the listener, between events
    std::unique_lock lock(m_modeMutex);
    if (!m_running.load(std::memory_order_acquire)) {
        R result = task();
        const bool changed = m_sim->takeChange();
        lock.unlock();
        if (changed)
            notifyListener();
        return result;
    }
    // The closure owns the promise: set_value() may still be running when the
    // waiting caller wakes up and returns.
    auto promise = std::make_shared<std::promise<R>>();
    std::future<R> future = promise->get_future();
    m_sim->post([promise, &task] { promise->set_value(task()); });
    lock.unlock();
    return future.get();
}

void SandboxDriver::notifyListener() const
{
    std::function<void()> listener;
    {
        const std::lock_guard lock(m_listenerMutex);
        listener = m_listener;
    }
    if (listener)
        listener();
}

std::int64_t SandboxDriver::toUnixMs(double virtualTime) const
{
    const double speed = m_options.speed > 0 ? m_options.speed : 1.0;
    return static_cast<std::int64_t>(m_wallAtZeroUnixMs.load() + virtualTime / speed);
}

double SandboxDriver::nowMs() const
{
    if (m_running.load(std::memory_order_acquire))
        return m_pacer->virtualNow();
    return m_frozenNow.load();
}

double SandboxDriver::rulePropagationMs() const
{
    return m_options.rulePropagationMs >= 0 ? m_options.rulePropagationMs
                                            : m_options.topology.messageDelay;
}

void SandboxDriver::setChangeListener(std::function<void()> listener)
{
    const std::lock_guard lock(m_listenerMutex);
    m_listener = std::move(listener);
}

// ---------------------------------------------------------------------------
// Observation

MeshState SandboxDriver::mesh() const
{
    auto [snapshot, edges] =
        onSim([this] { return std::make_pair(m_sim->meshSnapshot(), m_sim->edgeSnapshot()); });
    // Requests per destination version over the last window.
    std::map<std::pair<std::string, std::string>, double> perVersion;
    std::map<std::string, double> perService;
    {
        const std::lock_guard lock(m_shareMutex);
        for (std::size_t i = 0; i < edges.edges.size(); ++i) {
            const sandbox::EdgeCounters& edge = edges.edges[i];
            const std::uint64_t before =
                i < m_shareBase.edges.size() ? m_shareBase.edges[i].requests : 0;
            const auto n = static_cast<double>(edge.requests - before);
            perVersion[{edge.destinationService, edge.destinationVersion}] += n;
            perService[edge.destinationService] += n;
        }
        if (edges.time - m_shareNext.time >= kShareWindowMs) {
            m_shareBase = std::move(m_shareNext);
            m_shareNext = std::move(edges);
        }
    }
    MeshState state;
    state.name = snapshot.name;
    state.pinHeader = snapshot.pinHeader;
    for (sandbox::ServiceSnapshot& service : snapshot.services) {
        ServiceInfo info;
        info.name = service.name;
        info.ns = service.group;
        info.callees = std::move(service.callees);
        info.defaultVersion = service.defaultVersion;
        const double total = perService[service.name];
        for (sandbox::VersionSnapshot& version : service.versions) {
            VersionInfo v;
            v.service = service.name;
            v.name = version.name;
            v.parent = version.parent;
            v.image = version.image;
            v.createdAtUnixMs = toUnixMs(version.createdAt);
            v.replicas = version.replicas;
            v.deployed = version.deployed;
            v.trafficShare = total > 0 ? perVersion[{service.name, version.name}] / total : 0;
            for (sandbox::InstanceSnapshot& instance : version.instances) {
                InstanceInfo i;
                i.name = std::move(instance.name);
                i.service = service.name;
                i.version = version.name;
                i.up = instance.live;
                i.startedAtUnixMs = toUnixMs(instance.createdAt);
                i.labels = std::move(instance.labels);
                v.instances.push_back(std::move(i));
            }
            info.versions.push_back(std::move(v));
        }
        state.services.push_back(std::move(info));
    }
    return state;
}

core::Result<std::string> SandboxDriver::rulesYaml(std::string_view service) const
{
    return onSim([&]() -> core::Result<std::string> {
        if (m_sim->topology().findService(service) == nullptr)
            return core::makeError(core::ErrorCode::NotFound,
                                   "unknown service '" + std::string(service) + "'", "sandbox");
        return m_sim->rulesYaml(service);
    });
}

std::vector<EdgeStats> SandboxDriver::edgeStats(std::uint64_t& cursor)
{
    sandbox::EdgeSnapshot current = onSim([this] { return m_sim->edgeSnapshot(); });
    const std::lock_guard lock(m_cursorMutex);
    auto it = m_cursors.find(cursor);
    if (cursor == 0 || it == m_cursors.end()) {
        if (m_cursors.size() >= kMaxCursors) {
            const auto oldest = std::min_element(
                m_cursors.begin(), m_cursors.end(),
                [](const auto& a, const auto& b) { return a.second.lastUse < b.second.lastUse; });
            m_cursors.erase(oldest);
        }
        cursor = m_nextCursor++;
        it = m_cursors.emplace(cursor, Cursor{}).first;  // window: since the start
    }
    std::vector<EdgeStats> stats = windowStats(it->second.previous, current);
    it->second.previous = std::move(current);
    it->second.lastUse = ++m_cursorUses;
    return stats;
}

TrafficTotals SandboxDriver::totals() const
{
    const sandbox::LiveTotals live = onSim([this] { return m_sim->liveTotals(); });
    TrafficTotals totals;
    totals.transactionsStarted = live.transactionsStarted;
    totals.transactionsCompleted = live.transactionsCompleted;
    totals.failedTransactions = live.failedTransactions;
    totals.inconsistentTransactions = live.inconsistentTransactions;
    totals.inconsistentByService = live.inconsistentByService;
    totals.retriedRequests = live.retriedRequests;
    totals.rejectedRequests = live.rejectedRequests;
    totals.heldRequests = live.heldRequests;
    totals.peakInstances = live.peakInstances;
    return totals;
}

// ---------------------------------------------------------------------------
// Actions

core::Status SandboxDriver::registerVersion(std::string_view service, std::string_view version,
                                            std::string_view parent, std::string_view image)
{
    return onSim([&] { return m_sim->registerVersion(service, version, parent, image); });
}

core::Status SandboxDriver::deploy(std::string_view service, std::string_view version)
{
    return onSim([&] {
        // Before traffic runs, deployed pods count as already up (see the class comment).
        const double delay = m_running.load() ? m_options.deployDelayMs : 0;
        return m_sim->deployVersion(service, version, delay);
    });
}

bool SandboxDriver::ready(std::string_view service, std::string_view version) const
{
    return onSim([&] { return m_sim->versionReady(service, version); });
}

core::Status SandboxDriver::applyRules(std::string_view service, std::string_view yaml)
{
    return onSim([&] { return m_sim->applyRulesYaml(service, yaml); });
}

core::Status SandboxDriver::setBlockMode(std::string_view service, std::string_view version,
                                         BlockMode mode)
{
    return onSim([&] { return m_sim->setBlockMode(service, version, toSandbox(mode)); });
}

core::Status SandboxDriver::setLocked(std::string_view service, std::string_view version,
                                      bool locked)
{
    return onSim([&] { return m_sim->setLocked(service, version, locked); });
}

core::Result<std::vector<InstanceSet>> SandboxDriver::instanceSets(std::string_view service,
                                                                   std::string_view version) const
{
    auto sets = onSim([&] { return m_sim->instanceSets(service, version); });
    if (!sets)
        return sets.error();
    std::vector<InstanceSet> out;
    for (const sandbox::LiveInstanceSet& set : *sets)
        out.push_back(InstanceSet{set.instance, set.size, set.locked});
    return out;
}

core::Status SandboxDriver::startDrain(const DrainSpec& spec)
{
    sandbox::LiveDrainSpec live;
    live.service = spec.service;
    live.oldVersion = spec.oldVersion;
    live.liveAdds = spec.liveAdds;
    live.rulesYamlWhenEmpty = spec.rulesYamlWhenEmpty;
    live.stragglerTtl = spec.stragglerTtlMs;
    return onSim([&] { return m_sim->startDrain(live); });
}

DrainStatus SandboxDriver::drainStatus(std::string_view service) const
{
    const sandbox::LiveDrainStatus live = onSim([&] { return m_sim->drainStatus(service); });
    DrainStatus status;
    status.active = live.active;
    status.diffSetSize = live.diffSetSize;
    status.completedSinceStart = live.completedSinceStart;
    status.emptied = live.emptied;
    status.stragglerCount = live.stragglerCount;
    for (const auto& [id, age] : live.stragglers)
        status.stragglers.push_back(Straggler{id, age});
    return status;
}

core::Result<bool> SandboxDriver::stopDrain(std::string_view service)
{
    return onSim([&] { return m_sim->stopDrain(service); });
}

core::Status SandboxDriver::retire(std::string_view service, std::string_view version)
{
    return onSim([&] { return m_sim->retireVersion(service, version); });
}

}  // namespace concord::controller

// ---------------------------------------------------------------------------
// Probe Deployments

namespace concord::controller {

namespace {

ProbeInfo toProbeInfo(const sandbox::ProbeDeployment& deployment)
{
    return ProbeInfo{deployment.name, deployment.ownerId, deployment.phase, deployment.specHash,
                     deployment.message};
}

}  // namespace

void SandboxDriver::runProbeClock()
{
    m_probeThreadId.store(std::this_thread::get_id());
    std::unique_lock lock(m_probeMutex);
    while (!m_probeClockStop) {
        const std::optional<double> next = m_probes.nextTransitionMs();
        if (!next) {
            m_probeCv.wait(lock);
            continue;
        }
        if (sandbox::RealTimePacer::Clock::now() < m_pacer->wallAt(*next)) {
            m_probeCv.wait_until(lock, m_pacer->wallAt(*next));
            continue;  // due, or woken by a new probe or the stop: look again
        }
        // wallAt() rounds to the clock's tick: never read a time before the due one.
        if (m_probes.advance(std::max(nowMs(), *next)).empty())
            continue;
        lock.unlock();
        notifyProbeListener();
        lock.lock();
    }
    m_probeThreadId.store(std::thread::id());
}

void SandboxDriver::stopProbeClock()
{
    {
        const std::lock_guard lock(m_probeMutex);
        m_probeClockStop = true;
    }
    m_probeCv.notify_all();
    if (m_probeThread.joinable())
        m_probeThread.join();
}

void SandboxDriver::notifyProbeListener() const
{
    std::function<void()> listener;
    {
        const std::lock_guard lock(m_listenerMutex);
        listener = m_probeListener;
    }
    if (listener)
        listener();
}

core::Status SandboxDriver::ensureProbe(const ProbeDeploymentSpec& spec)
{
    if (spec.name.empty())
        return core::makeError(core::ErrorCode::InvalidArgument, "probe name: required");
    if (spec.image.empty())
        return core::makeError(core::ErrorCode::InvalidArgument,
                               "probe image: required (probe '" + spec.name + "')");
    bool changed = false;
    {
        const std::lock_guard lock(m_probeMutex);
        // Time standing still: the probe is up at once, like a deploy (see the class comment).
        const std::optional<double> delay =
            m_running.load() ? std::nullopt : std::optional<double>(0.0);
        changed =
            m_probes.apply({spec.name, spec.ownerId, spec.specHash, spec.image}, nowMs(), delay);
    }
    if (changed) {
        m_probeCv.notify_all();
        notifyProbeListener();
    }
    return core::okStatus();
}

core::Status SandboxDriver::removeProbe(std::string_view name)
{
    bool removed = false;
    {
        const std::lock_guard lock(m_probeMutex);
        removed = m_probes.remove(name);
    }
    if (removed) {
        m_probeCv.notify_all();
        notifyProbeListener();
    }
    return core::okStatus();
}

std::optional<ProbeInfo> SandboxDriver::probe(std::string_view name) const
{
    const std::lock_guard lock(m_probeMutex);
    const sandbox::ProbeDeployment* deployment = m_probes.get(name);
    if (deployment == nullptr)
        return std::nullopt;
    return toProbeInfo(*deployment);
}

std::vector<ProbeInfo> SandboxDriver::listProbes() const
{
    std::vector<sandbox::ProbeDeployment> deployments;
    {
        const std::lock_guard lock(m_probeMutex);
        deployments = m_probes.list();
    }
    std::vector<ProbeInfo> out;
    out.reserve(deployments.size());
    for (const sandbox::ProbeDeployment& deployment : deployments)
        out.push_back(toProbeInfo(deployment));
    return out;
}

void SandboxDriver::setProbeListener(std::function<void()> listener)
{
    const std::lock_guard lock(m_listenerMutex);
    m_probeListener = std::move(listener);
}

core::Status SandboxDriver::injectProbeFailure(std::string_view name, std::string_view message)
{
    bool failed = false;
    {
        const std::lock_guard lock(m_probeMutex);
        failed = m_probes.injectFailure(name, message);
    }
    if (!failed)
        return core::makeError(core::ErrorCode::NotFound,
                               "no probe Deployment '" + std::string(name) + "'", "sandbox");
    notifyProbeListener();
    return core::okStatus();
}

}  // namespace concord::controller
