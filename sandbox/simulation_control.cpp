// Live control of the simulated mesh: the primitives a controller (the
// SandboxDriver) uses to carry out an update step by step — versions, deploys,
// rules, block and lock, driver-mode drains — plus the observations it needs
// (edge counters, a mesh snapshot, totals). They coexist with the in-sandbox
// strategies of update_strategies.cpp, which the batch runs use.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <utility>

#include "core/rule_generator.h"
#include "core/rule_yaml.h"
#include "simulation_impl.h"

namespace concord::sandbox {

namespace {

using core::ErrorCode;
using core::makeError;

constexpr std::uint32_t kUnknownVersionNode = 0x80000000u;  // | service: no instance reached
constexpr std::size_t kMaxStragglersReported = 100;

// Four buckets per doubling of (1 + latency): bucket i ends at 2^((i+1)/4) - 1.
std::size_t latencyBucket(double latency)
{
    if (!(latency > 0))
        return 0;
    const auto bucket = static_cast<std::size_t>(4 * std::log2(1 + latency));
    return std::min(bucket, kLatencyBuckets - 1);
}

// A Kubernetes label value: subsets select the version's pods by it.
bool validVersionName(std::string_view name)
{
    const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    if (name.empty() || name.size() > 63 || !alnum(name.front()) || !alnum(name.back()))
        return false;
    return std::all_of(name.begin(), name.end(),
                       [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

core::Error notFound(std::string message)
{
    return makeError(ErrorCode::NotFound, std::move(message), "sandbox");
}

}  // namespace

double latencyBucketUpper(std::size_t bucket)
{
    return std::exp2(static_cast<double>(bucket + 1) / 4) - 1;
}

// ---------------------------------------------------------------------------
// The posted-closure queue and change notification

void Simulation::Impl::runPosted()
{
    std::vector<std::function<void()>> tasks;
    {
        const std::lock_guard lock(postMutex);
        tasks.swap(posted);
        hasPosted.store(false, std::memory_order_release);
    }
    for (auto& task : tasks)
        task();
}

void Simulation::Impl::waitForPost(std::chrono::steady_clock::time_point deadline)
{
    std::unique_lock lock(postMutex);
    postCv.wait_until(lock, deadline, [&] { return !posted.empty() || wakeRequested; });
    wakeRequested = false;
}

void Simulation::post(std::function<void()> task)
{
    Impl& impl = *m_impl;
    {
        const std::lock_guard lock(impl.postMutex);
        impl.posted.push_back(std::move(task));
        impl.hasPosted.store(true, std::memory_order_release);
    }
    impl.postCv.notify_one();
}

void Simulation::wake()
{
    {
        const std::lock_guard lock(m_impl->postMutex);
        m_impl->wakeRequested = true;
    }
    m_impl->postCv.notify_one();
}

void Simulation::runPosted()
{
    m_impl->runPosted();
}

void Simulation::runForever(const RealTimePacer& pacer, const std::atomic<bool>& stop)
{
    runRealTime(std::numeric_limits<double>::infinity(), pacer, stop);
}

void Simulation::setChangeCallback(std::function<void()> callback)
{
    m_impl->changeCallback = std::move(callback);
}

bool Simulation::takeChange()
{
    return std::exchange(m_impl->changePending, false);
}

void Simulation::enableEdgeStats()
{
    m_impl->edgeStatsOn = true;
}

// ---------------------------------------------------------------------------
// Hooks called from the mechanics (simulation.cpp)

// One logical request (after the sidecar's retries), counted where its answer
// reaches the caller. Index arithmetic only: this runs for every request.
void Simulation::Impl::countEdge(const Frame& frame)
{
    std::uint32_t source = kNone;
    if (frame.parent != kNone) {
        const Frame& parent = frames[frame.parent];
        source = services[parent.service].versionRt[parent.version].pin;
    }
    std::uint32_t destination = kUnknownVersionNode | frame.service;
    if (frame.instance != kNone) {
        const InstanceRt& instance = instances[frame.instance];
        destination = services[instance.service].versionRt[instance.version].pin;
    }
    const std::uint64_t key = (static_cast<std::uint64_t>(source) << 32) | destination;
    const auto [it, inserted] =
        edgeIndex.try_emplace(key, static_cast<std::uint32_t>(edges.size()));
    if (inserted) {
        EdgeRt edge;
        if (source != kNone) {
            edge.sourceService = pins[source].service;
            edge.sourceVersion = pins[source].version;
        }
        edge.destinationService = frame.service;
        if (destination != (kUnknownVersionNode | frame.service))
            edge.destinationVersion = pins[destination].version;
        edges.push_back(edge);
    }
    EdgeRt& edge = edges[it->second];
    const double latency = engine.now() - frame.firstSentAt;
    ++edge.requests;
    edge.errors += frame.status == Frame::Status::Ok ? 0 : 1;
    edge.latencySum += latency;
    ++edge.latency[latencyBucket(latency)];
}

void Simulation::Impl::liveAfterCompletion(const Txn& txn)
{
    for (auto& [service, drain] : liveDrains) {
        if (drain.emptied || !drain.diff.complete(txn.id))
            continue;
        drain.start.erase(txn.id);
        if (drain.diff.empty())
            drainEmptied(drain, service);
    }
}

void Simulation::Impl::liveOnRecorded(std::uint32_t instance, const Txn& txn)
{
    const InstanceRt& rt = instances[instance];
    const auto it = liveDrains.find(rt.service);
    if (it == liveDrains.end())
        return;
    LiveDrain& drain = it->second;
    if (!drain.spec.liveAdds || drain.emptied || rt.version != drain.version ||
        completed.contains(txn.id))
        return;
    drain.diff.add(txn.id);
    drain.start.emplace(txn.id, txn.start);
}

// The WF swap happens here, in the very event that freed the old version: any
// later, a new transaction could have used the old version in between. A
// request routed to the old version just before the swap is still on its way;
// no running transaction holds the old pin any more, so the old instances now
// turn every request away (503, unrecorded) and the retry takes the new rules.
void Simulation::Impl::drainEmptied(LiveDrain& drain, std::uint32_t service)
{
    drain.emptied = true;
    drain.emptiedAt = engine.now();
    if (!drain.spec.rulesYamlWhenEmpty.empty()) {
        (void)applyYaml(service, drain.spec.rulesYamlWhenEmpty, false);  // validated at start
        services[service].versionRt[drain.version].block = VersionBlock::RejectUnpinned;
        forEachInstance(service, drain.version, [](InstanceRt& instance, std::uint32_t) {
            instance.block = BlockMode::RequirePin;
        });
    }
    changePending = true;
}

void Simulation::Impl::onVersionReady(std::uint32_t pin, std::uint64_t generation)
{
    const Pin where = pins[pin];
    ServiceRt& service = services[where.service];
    if (service.versionRt[where.version].deployGen != generation)
        return;  // retired (and maybe redeployed) since
    forEachInstance(where.service, where.version, [](InstanceRt& instance, std::uint32_t) {
        if (instance.exists && !instance.retiring)
            instance.live = true;
    });
    changePending = true;
}

// ---------------------------------------------------------------------------
// Helpers

std::uint32_t Simulation::Impl::findVersion(std::uint32_t service, std::string_view name) const
{
    const auto& versions = services[service].versions;
    const auto it = std::find(versions.begin(), versions.end(), name);
    return it == versions.end() ? kNone : static_cast<std::uint32_t>(it - versions.begin());
}

core::Status Simulation::Impl::applyYaml(std::uint32_t s, std::string_view yaml, bool dryRun)
{
    ServiceRt& service = services[s];
    const auto invalid = [&](std::string message) {
        return makeError(ErrorCode::InvalidArgument,
                         "rules for " + service.name + ": " + std::move(message), "sandbox");
    };
    auto parsed = core::parseRuleSets(yaml, service.name);
    if (!parsed)
        return invalid(parsed.error().toString());
    if (parsed->size() != 1)
        return invalid("expected one VirtualService and one DestinationRule");
    const core::RuleSet& rules = parsed->front();
    const auto& hosts = rules.virtualService.hosts;
    if (hosts.size() != 1 || hosts.front() != service.name ||
        rules.destinationRule.host != service.name)
        return invalid("the rules must be for host '" + service.name + "' only");
    if (dryRun)
        return core::okStatus();
    if (auto applied = router.apply(rules); !applied)
        return invalid(applied.error().message);
    if (service.rulesYaml != yaml) {
        service.rulesYaml = std::string(yaml);
        changePending = true;
    }
    return core::okStatus();
}

// The version an unpinned request lands on: the catch-all route's heaviest destination.
std::string Simulation::Impl::defaultVersion(std::uint32_t s) const
{
    const core::RuleSet* rules = router.rules(services[s].name);
    if (rules == nullptr)
        return {};
    for (const core::HttpRoute& route : rules->virtualService.http) {
        if (!route.match.empty() || route.route.empty())
            continue;
        const auto heaviest = std::max_element(
            route.route.begin(), route.route.end(), [](const auto& a, const auto& b) {
                return a.weight.value_or(100) < b.weight.value_or(100);
            });
        const core::Subset* subset = rules->destinationRule.findSubset(heaviest->subset);
        if (subset == nullptr)
            return {};
        const auto label = subset->labels.find("version");
        return label == subset->labels.end() ? std::string() : label->second;
    }
    return {};
}

// ---------------------------------------------------------------------------
// Actions

core::Result<Pin> Simulation::Impl::resolve(std::string_view service,
                                            std::string_view version) const
{
    const std::uint32_t s = findService(service);
    if (s == kNone)
        return notFound("unknown service '" + std::string(service) + "'");
    const std::uint32_t v = findVersion(s, version);
    if (v == kNone)
        return notFound("service '" + std::string(service) + "' has no version '" +
                        std::string(version) + "'");
    return Pin{s, v};
}

core::Status Simulation::registerVersion(std::string_view serviceName, std::string_view version,
                                         std::string_view parentName, std::string_view image)
{
    Impl& impl = *m_impl;
    const auto parent = impl.resolve(serviceName, parentName);
    if (!parent)
        return parent.error();
    if (!validVersionName(version))
        return makeError(ErrorCode::InvalidArgument,
                         "version name '" + std::string(version) +
                             "' is not a label value (1-63 of [A-Za-z0-9-_.], alphanumeric ends)",
                         "sandbox");
    ServiceRt& service = impl.services[parent->service];
    if (impl.findVersion(parent->service, version) != kNone)
        return makeError(
            ErrorCode::AlreadyExists,
            "service '" + service.name + "' already has version '" + std::string(version) + "'",
            "sandbox");
    const std::uint32_t p = parent->version;
    VersionRt rt;
    rt.parent = std::string(parentName);
    rt.image = std::string(image);
    rt.replicas = std::max(service.versionRt[p].replicas, 1);
    rt.createdAt = impl.engine.now();
    rt.pin = static_cast<std::uint32_t>(impl.pins.size());
    impl.pins.push_back(Pin{parent->service, static_cast<std::uint32_t>(service.versions.size())});
    impl.pinValues.push_back(core::pinValue(service.name, version));
    impl.pinIndex.emplace(impl.pinValues.back(), rt.pin);
    service.versions.emplace_back(version);
    service.scripts.push_back(service.scripts[p]);
    service.callTargets.push_back(service.callTargets[p]);
    service.versionRt.push_back(std::move(rt));
    return core::okStatus();
}

core::Status Simulation::deployVersion(std::string_view serviceName, std::string_view version,
                                       double readyDelay)
{
    Impl& impl = *m_impl;
    const auto where = impl.resolve(serviceName, version);
    if (!where)
        return where.error();
    bool deployed = false;
    impl.forEachInstance(where->service, where->version, [&](InstanceRt& instance, std::uint32_t) {
        deployed = deployed || (instance.exists && !instance.retiring);
    });
    if (deployed)
        return core::okStatus();
    VersionRt& rt = impl.services[where->service].versionRt[where->version];
    ++rt.deployGen;
    rt.block = VersionBlock::None;
    rt.locked = false;
    const bool live = !(readyDelay > 0);
    for (int i = 0; i < std::max(rt.replicas, 1); ++i)
        impl.createInstance(where->service, where->version, live);
    if (live)
        impl.changePending = true;
    else
        impl.engine.scheduleIn(readyDelay, kVersionReady, rt.pin, rt.deployGen);
    return core::okStatus();
}

bool Simulation::versionReady(std::string_view serviceName, std::string_view version) const
{
    const auto where = m_impl->resolve(serviceName, version);
    if (!where)
        return false;
    bool any = false;
    bool all = true;
    m_impl->forEachInstance(where->service, where->version,
                            [&](InstanceRt& instance, std::uint32_t) {
                                if (!instance.exists || instance.retiring)
                                    return;
                                any = true;
                                all = all && instance.live;
                            });
    return any && all;
}

core::Status Simulation::applyRulesYaml(std::string_view serviceName, std::string_view yaml)
{
    const std::uint32_t s = m_impl->findService(serviceName);
    if (s == kNone)
        return notFound("unknown service '" + std::string(serviceName) + "'");
    return m_impl->applyYaml(s, yaml, false);
}

core::Status Simulation::setBlockMode(std::string_view serviceName, std::string_view version,
                                      VersionBlock mode)
{
    Impl& impl = *m_impl;
    const auto where = impl.resolve(serviceName, version);
    if (!where)
        return where.error();
    ServiceRt& service = impl.services[where->service];
    service.versionRt[where->version].block = mode;
    const BlockMode instanceMode =
        mode == VersionBlock::RejectUnpinned ? BlockMode::RequirePin : BlockMode::None;
    impl.forEachInstance(where->service, where->version, [&](InstanceRt& instance, std::uint32_t) {
        instance.block = instanceMode;
    });
    if (mode == VersionBlock::HoldUnpinned) {
        if (service.holdUnlessPinned != kNone && service.holdUnlessPinned != where->version)
            impl.releaseHeld(service);
        service.holdUnlessPinned = where->version;
    } else if (service.holdUnlessPinned == where->version) {
        impl.releaseHeld(service);  // routed under the rules in force now
    }
    return core::okStatus();
}

core::Status Simulation::setLocked(std::string_view serviceName, std::string_view version,
                                   bool locked)
{
    Impl& impl = *m_impl;
    const auto where = impl.resolve(serviceName, version);
    if (!where)
        return where.error();
    impl.services[where->service].versionRt[where->version].locked = locked;
    impl.forEachInstance(where->service, where->version, [&](InstanceRt& instance, std::uint32_t) {
        if (locked)
            instance.traceIds.lock();
        else
            instance.traceIds.unlock();
    });
    return core::okStatus();
}

core::Result<std::vector<LiveInstanceSet>> Simulation::instanceSets(std::string_view serviceName,
                                                                    std::string_view version) const
{
    const auto where = m_impl->resolve(serviceName, version);
    if (!where)
        return where.error();
    std::vector<LiveInstanceSet> out;
    m_impl->forEachInstance(
        where->service, where->version, [&](InstanceRt& instance, std::uint32_t) {
            if (instance.exists)
                out.push_back(LiveInstanceSet{instance.name, instance.traceIds.size(),
                                              instance.traceIds.isLocked()});
        });
    return out;
}

core::Status Simulation::startDrain(const LiveDrainSpec& spec)
{
    Impl& impl = *m_impl;
    const auto where = impl.resolve(spec.service, spec.oldVersion);
    if (!where)
        return where.error();
    const auto existing = impl.liveDrains.find(where->service);
    if (existing != impl.liveDrains.end() && existing->second.spec == spec)
        return core::okStatus();
    if (!spec.rulesYamlWhenEmpty.empty()) {
        if (auto valid = impl.applyYaml(where->service, spec.rulesYamlWhenEmpty, true); !valid)
            return valid.error();
    }
    LiveDrain drain;
    drain.spec = spec;
    drain.version = where->version;
    std::vector<const core::TraceIdSet*> sets;
    impl.forEachInstance(where->service, where->version, [&](InstanceRt& instance, std::uint32_t) {
        sets.push_back(&instance.traceIds);
    });
    drain.diff = core::DiffSet::compute(sets, impl.completed);
    for (const core::TraceId& id : drain.diff) {
        const auto it = impl.running.find(id);
        drain.start.emplace(
            id, it == impl.running.end() ? impl.engine.now() : impl.txns[it->second].start);
    }
    drain.completedAtStart = impl.metrics.transactionsCompleted;
    LiveDrain& stored = impl.liveDrains[where->service];
    stored = std::move(drain);
    if (stored.diff.empty())
        impl.drainEmptied(stored, where->service);
    return core::okStatus();
}

LiveDrainStatus Simulation::drainStatus(std::string_view serviceName) const
{
    LiveDrainStatus status;
    const Impl& impl = *m_impl;
    const auto it = impl.liveDrains.find(impl.findService(serviceName));
    if (it == impl.liveDrains.end())
        return status;
    const LiveDrain& drain = it->second;
    status.active = true;
    status.diffSetSize = drain.diff.size();
    status.completedSinceStart = impl.metrics.transactionsCompleted - drain.completedAtStart;
    status.emptied = drain.emptied;
    status.emptiedAt = drain.emptiedAt;
    const double ttl = drain.spec.stragglerTtl;
    if (ttl <= 0)
        return status;
    const double now = impl.engine.now();
    for (const auto& [id, start] : drain.start) {
        if (now - start > ttl)
            status.stragglers.emplace_back(id, now - start);
    }
    status.stragglerCount = status.stragglers.size();
    std::sort(status.stragglers.begin(), status.stragglers.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    if (status.stragglers.size() > kMaxStragglersReported)
        status.stragglers.resize(kMaxStragglersReported);
    return status;
}

core::Result<bool> Simulation::stopDrain(std::string_view serviceName)
{
    Impl& impl = *m_impl;
    const std::uint32_t s = impl.findService(serviceName);
    if (s == kNone)
        return notFound("unknown service '" + std::string(serviceName) + "'");
    const auto it = impl.liveDrains.find(s);
    if (it == impl.liveDrains.end())
        return false;
    const bool emptied = it->second.emptied;
    impl.liveDrains.erase(it);
    return emptied;
}

core::Status Simulation::retireVersion(std::string_view serviceName, std::string_view version)
{
    Impl& impl = *m_impl;
    const auto where = impl.resolve(serviceName, version);
    if (!where)
        return where.error();
    ServiceRt& service = impl.services[where->service];
    ++service.versionRt[where->version].deployGen;  // a pending ready event is void
    impl.forEachInstance(where->service, where->version,
                         [&](InstanceRt& instance, std::uint32_t i) {
                             if (instance.exists && !instance.retiring)
                                 impl.retireInstance(i);
                         });
    if (service.holdUnlessPinned == where->version)
        impl.releaseHeld(service);  // nothing may wait forever for a version that is gone
    return core::okStatus();
}

// ---------------------------------------------------------------------------
// Observations

EdgeSnapshot Simulation::edgeSnapshot() const
{
    const Impl& impl = *m_impl;
    EdgeSnapshot snapshot;
    snapshot.time = impl.engine.now();
    snapshot.edges.reserve(impl.edges.size());
    for (const EdgeRt& edge : impl.edges) {
        EdgeCounters out;
        if (edge.sourceService == kNone) {
            out.sourceService = "ingress";
        } else {
            const ServiceRt& source = impl.services[edge.sourceService];
            out.sourceService = source.name;
            out.sourceVersion = source.versions[edge.sourceVersion];
        }
        const ServiceRt& destination = impl.services[edge.destinationService];
        out.destinationService = destination.name;
        if (edge.destinationVersion != kNone)
            out.destinationVersion = destination.versions[edge.destinationVersion];
        out.requests = edge.requests;
        out.errors = edge.errors;
        out.latencySum = edge.latencySum;
        out.latency = edge.latency;
        snapshot.edges.push_back(std::move(out));
    }
    return snapshot;
}

MeshSnapshot Simulation::meshSnapshot() const
{
    const Impl& impl = *m_impl;
    MeshSnapshot mesh;
    mesh.name = impl.topology.name;
    mesh.pinHeader = impl.topology.pinHeader;
    mesh.time = impl.engine.now();
    for (std::uint32_t s = 0; s < impl.services.size(); ++s) {
        const ServiceRt& service = impl.services[s];
        ServiceSnapshot out;
        out.name = service.name;
        out.group = service.spec->group;
        out.defaultVersion = impl.defaultVersion(s);
        for (const auto& targets : service.callTargets) {  // first-call order
            for (std::uint32_t callee : targets) {
                if (callee == kNone)
                    continue;
                const std::string& name = impl.services[callee].name;
                if (std::find(out.callees.begin(), out.callees.end(), name) == out.callees.end())
                    out.callees.push_back(name);
            }
        }
        for (std::uint32_t v = 0; v < service.versions.size(); ++v) {
            const VersionRt& rt = service.versionRt[v];
            VersionSnapshot version;
            version.name = service.versions[v];
            version.parent = rt.parent;
            version.image = rt.image;
            version.replicas = std::max(rt.replicas, 1);
            version.createdAt = rt.createdAt;
            version.block = rt.block;
            version.locked = rt.locked;
            bool all = true;
            for (std::uint32_t i : service.instances) {
                const InstanceRt& instance = impl.instances[i];
                if (instance.version != v || !instance.exists)
                    continue;
                if (!instance.retiring) {
                    version.deployed = true;
                    all = all && instance.live;
                }
                version.instances.push_back(InstanceSnapshot{instance.name, instance.live,
                                                             instance.createdAt, instance.labels});
            }
            version.ready = version.deployed && all;
            out.versions.push_back(std::move(version));
        }
        mesh.services.push_back(std::move(out));
    }
    return mesh;
}

LiveTotals Simulation::liveTotals() const
{
    const Impl& impl = *m_impl;
    LiveTotals totals;
    totals.transactionsStarted = impl.metrics.transactionsStarted;
    totals.transactionsCompleted = impl.metrics.transactionsCompleted;
    totals.failedTransactions = impl.metrics.failedTransactions;
    totals.inconsistentTransactions = impl.checker.inconsistent();
    const auto& byService = impl.checker.inconsistentByService();
    for (std::size_t i = 0; i < byService.size() && i < impl.services.size(); ++i) {
        if (byService[i] > 0)
            totals.inconsistentByService.emplace(impl.services[i].name, byService[i]);
    }
    totals.retriedRequests = impl.metrics.retriedRequests;
    totals.rejectedRequests = impl.rejectedTotal;
    totals.heldRequests = impl.heldTotal;
    totals.peakInstances = impl.metrics.peakInstances;
    return totals;
}

}  // namespace concord::sandbox
