#include "resource_reconciler.h"

#include <array>
#include <utility>
#include <vector>

#include "log.h"

namespace concord::controller {

namespace {

constexpr std::string_view kLog = "resources";
constexpr std::size_t kChangesPerRead = 1024;

using core::ConditionStatus;
using core::ConditionType;

// What the three conditions say in one situation of the probe.
struct Situation
{
    ConditionStatus available = ConditionStatus::False;
    ConditionStatus progressing = ConditionStatus::False;
    ConditionStatus degraded = ConditionStatus::False;
    std::string reason;
    std::string message;
};

Situation situationOf(const core::Resource& resource, const std::optional<ProbeInfo>& probe,
                      const std::optional<std::string>& driverError)
{
    const std::string name = probeDeploymentName(resource.spec.id);
    if (driverError) {
        return {ConditionStatus::False, ConditionStatus::False, ConditionStatus::True, "ProbeError",
                *driverError};
    }
    if (!resource.spec.probeEnabled) {
        return {ConditionStatus::False, ConditionStatus::False, ConditionStatus::False,
                "ProbeDisabled", "the probe is disabled"};
    }
    const std::string hash = core::probeSpecHash(resource.spec.probe);
    if (!probe || probe->specHash != hash || probe->phase == core::ProbePhase::Pending) {
        const bool rolling = probe && probe->specHash != hash;
        return {ConditionStatus::False, ConditionStatus::True, ConditionStatus::False,
                "ProbeDeploying",
                "probe Deployment " + name + (rolling ? " is rolling to " : " is starting ") +
                    resource.spec.probe.image};
    }
    if (probe->phase == core::ProbePhase::Running) {
        return {ConditionStatus::True, ConditionStatus::False, ConditionStatus::False,
                "ProbeRunning", "probe Deployment " + name + " runs " + resource.spec.probe.image};
    }
    return {ConditionStatus::False, ConditionStatus::False, ConditionStatus::True, "ProbeFailed",
            probe->message.empty() ? "probe Deployment " + name + " failed" : probe->message};
}

core::Condition condition(ConditionType type, ConditionStatus status, const Situation& situation,
                          const core::ResourceStatus& previous, std::int64_t nowUnixMs)
{
    core::Condition c;
    c.type = type;
    c.status = status;
    c.reason = situation.reason;
    c.message = situation.message;
    const core::Condition* before = core::findCondition(previous, type);
    c.lastTransitionUnixMs =
        before != nullptr && before->status == status ? before->lastTransitionUnixMs : nowUnixMs;
    return c;
}

}  // namespace

std::string probeDeploymentName(std::string_view resourceId)
{
    return std::string(resourceId) + "-probe";
}

core::ResourceStatus desiredStatus(const core::Resource& resource,
                                   const std::optional<ProbeInfo>& probe,
                                   const std::optional<std::string>& driverError,
                                   std::int64_t nowUnixMs)
{
    const Situation s = situationOf(resource, probe, driverError);
    core::ResourceStatus status;
    status.observedGeneration = resource.generation;
    const core::ResourceStatus& before = resource.status;
    status.conditions = {
        condition(ConditionType::Available, s.available, s, before, nowUnixMs),
        condition(ConditionType::Progressing, s.progressing, s, before, nowUnixMs),
        condition(ConditionType::Degraded, s.degraded, s, before, nowUnixMs),
    };
    if (probe && resource.spec.probeEnabled) {
        status.probe = {probe->name, probe->phase, probe->specHash, probe->message};
    }
    return status;
}

ResourceReconciler::ResourceReconciler(ResourceStore& store, ProbeDriver& driver, Options options)
    : m_store(store), m_driver(driver), m_options(std::move(options))
{
    std::weak_ptr<Wake> wake = m_wake;
    const auto notify = [wake](bool Wake::*flag) {
        if (const auto w = wake.lock()) {
            {
                const std::lock_guard lock(w->mutex);
                (*w).*flag = true;
            }
            w->cv.notify_one();
        }
    };
    m_subscription = m_store.subscribe([notify](std::uint64_t) { notify(&Wake::storeChanged); });
    m_driver.setProbeListener([notify] { notify(&Wake::probesChanged); });
}

ResourceReconciler::~ResourceReconciler()
{
    stop();
    m_driver.setProbeListener({});
    m_store.unsubscribe(m_subscription);
}

void ResourceReconciler::start()
{
    if (m_thread.joinable()) {
        return;
    }
    {
        const std::lock_guard lock(m_wake->mutex);
        m_wake->stopping = false;
    }
    m_thread = std::thread([this] { run(); });
}

void ResourceReconciler::stop()
{
    {
        const std::lock_guard lock(m_wake->mutex);
        m_wake->stopping = true;
    }
    m_wake->cv.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

std::uint64_t ResourceReconciler::statusWrites() const
{
    return m_statusWrites.load();
}

std::int64_t ResourceReconciler::nowUnixMs() const
{
    if (m_options.clock) {
        return m_options.clock();
    }
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

void ResourceReconciler::run()
{
    using Clock = std::chrono::steady_clock;
    Clock::time_point nextResync = Clock::now();  // the first pass reconciles everything
    for (;;) {
        bool store = false;
        bool probes = false;
        {
            std::unique_lock lock(m_wake->mutex);
            m_wake->cv.wait_until(lock, nextResync, [this] {
                return m_wake->stopping || m_wake->storeChanged || m_wake->probesChanged;
            });
            if (m_wake->stopping) {
                return;
            }
            store = std::exchange(m_wake->storeChanged, false);
            probes = std::exchange(m_wake->probesChanged, false);
        }
        if (Clock::now() >= nextResync) {
            reconcileAll();
            nextResync = Clock::now() + m_options.resyncInterval;
        } else {
            reconcileChanges(store, probes);
        }
    }
}

void ResourceReconciler::reconcileAll()
{
    m_seenVersion = m_store.version();
    const ResourceStore::Listing listing = m_store.list();
    for (const ResourcePtr& resource : listing.resources) {
        reconcileOne(resource->spec.id);
    }
    removeOrphanProbes();
    std::set<std::string> ignored;
    collectProbeChanges(ignored);  // the cache now matches the driver
}

void ResourceReconciler::reconcilePending()
{
    reconcileChanges(true, true);
}

void ResourceReconciler::reconcileChanges(bool store, bool probes)
{
    std::set<std::string> ids;
    if (store && !collectStoreChanges(ids)) {
        logInfo(kLog, "the store's history moved past the last change seen; reconciling all");
        reconcileAll();
        return;
    }
    if (probes) {
        collectProbeChanges(ids);
    }
    for (const std::string& id : ids) {
        reconcileOne(id);
    }
}

bool ResourceReconciler::collectStoreChanges(std::set<std::string>& ids)
{
    std::vector<ResourceChange> changes;
    for (;;) {
        changes.clear();
        switch (m_store.changesAfter(m_seenVersion, kChangesPerRead, changes)) {
            case ResourceStore::Read::UpToDate:
                return true;
            case ResourceStore::Read::Gone:
                m_ownWrites.clear();
                return false;
            case ResourceStore::Read::Changes:
                break;
        }
        for (const ResourceChange& change : changes) {
            m_seenVersion = change.version;
            if (m_ownWrites.erase(change.version) == 0) {
                ids.insert(change.resource->spec.id);
            }
        }
    }
}

void ResourceReconciler::collectProbeChanges(std::set<std::string>& ids)
{
    std::map<std::string, ProbeInfo> now;
    for (ProbeInfo& probe : m_driver.listProbes()) {
        const auto it = m_probes.find(probe.name);
        if (it == m_probes.end() || !(it->second == probe)) {
            ids.insert(probe.ownerId);
        }
        std::string name = probe.name;
        now.emplace(std::move(name), std::move(probe));
    }
    for (const auto& [name, probe] : m_probes) {
        if (now.count(name) == 0) {
            ids.insert(probe.ownerId);
        }
    }
    m_probes = std::move(now);
}

void ResourceReconciler::removeOrphanProbes()
{
    for (const ProbeInfo& probe : m_driver.listProbes()) {
        const ResourcePtr owner = m_store.get(probe.ownerId);
        if (!owner || !owner->spec.probeEnabled ||
            probeDeploymentName(owner->spec.id) != probe.name) {
            if (auto removed = m_driver.removeProbe(probe.name); !removed) {
                logWarning(kLog, "removing orphan probe " + probe.name + ": " +
                                     removed.error().toString());
            }
        }
    }
}

void ResourceReconciler::reconcileOne(const std::string& id)
{
    const std::string name = probeDeploymentName(id);
    const ResourcePtr resource = m_store.get(id);
    if (!resource) {
        (void)m_driver.removeProbe(name);  // deleted: its probe goes with it
        return;
    }
    const core::ResourceSpec& spec = resource->spec;
    std::optional<std::string> driverError;
    core::Status applied = core::okStatus();
    if (spec.probeEnabled) {
        applied = m_driver.ensureProbe({name, id, core::probeSpecHash(spec.probe), spec.probe.image,
                                        spec.probe.command, spec.probe.args});
    } else {
        applied = m_driver.removeProbe(name);
    }
    if (!applied) {
        driverError = applied.error().message;
    }
    const std::optional<ProbeInfo> probe =
        spec.probeEnabled ? m_driver.probe(name) : std::optional<ProbeInfo>();
    core::ResourceStatus status = desiredStatus(*resource, probe, driverError, nowUnixMs());
    if (status == resource->status) {
        return;
    }
    bool written = false;
    const auto updated = m_store.updateStatus(id, std::move(status), &written);
    if (updated && written) {
        m_ownWrites.insert(updated->resourceVersion);
        ++m_statusWrites;
    }
}

}  // namespace concord::controller
