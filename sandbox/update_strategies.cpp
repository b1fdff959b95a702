// The update strategies of DESIGN.md §2, realised with the Istio mechanisms
// of §3: generated rules, pin headers, tracemgr blocking and locking, and the
// gateway's DiffSet.

#include <algorithm>

#include "simulation_impl.h"

namespace concord::sandbox {

using core::UpdatePhase;

core::Result<std::size_t> Simulation::scheduleUpdate(UpdateRequest request)
{
    Impl& impl = *m_impl;
    const auto fail = [](std::string message) {
        return core::Error{"update", 0, 0, std::move(message)};
    };
    const auto it = impl.serviceIndex.find(request.service);
    if (it == impl.serviceIndex.end())
        return fail("unknown service '" + request.service + "'");
    const ServiceRt& service = impl.services[it->second];
    const auto versionIndex = [&](const std::string& name) -> std::uint32_t {
        const auto pos = std::find(service.versions.begin(), service.versions.end(), name);
        return pos == service.versions.end()
                   ? kNone
                   : static_cast<std::uint32_t>(pos - service.versions.begin());
    };
    const std::uint32_t from = versionIndex(request.fromVersion);
    const std::uint32_t to = versionIndex(request.toVersion);
    if (from == kNone)
        return fail("service '" + request.service + "' has no version '" + request.fromVersion +
                    "'");
    if (to == kNone)
        return fail("service '" + request.service + "' has no version '" + request.toVersion + "'");
    if (from == to)
        return fail("the update goes from '" + request.fromVersion + "' to itself");
    if (service.versionRt[to].replicas <= 0)
        return fail("version '" + request.toVersion + "' has no instances to deploy");
    for (const UpdateRt& other : impl.updates) {
        if (other.service == it->second && !other.done)
            return fail("service '" + request.service + "' already has an update");
    }
    if (request.at < impl.engine.now())
        request.at = impl.engine.now();

    UpdateRt u;
    u.service = it->second;
    u.from = from;
    u.to = to;
    u.syncDelay = request.syncDelay < 0 ? impl.topology.messageDelay : request.syncDelay;
    u.phaseGap = request.phaseGap < 0 ? impl.topology.messageDelay : request.phaseGap;
    u.metrics.request = std::move(request);
    const auto index = static_cast<std::uint32_t>(impl.updates.size());
    impl.engine.schedule(u.metrics.request.at, kUpdate, index,
                         static_cast<std::uint64_t>(UpdateStage::Request));
    impl.updates.push_back(std::move(u));
    return static_cast<std::size_t>(index);
}

void Simulation::Impl::onUpdate(std::uint32_t index, UpdateStage stage)
{
    UpdateRt& u = updates[index];
    if (u.done)
        return;
    switch (stage) {
        case UpdateStage::Request:
            requestUpdate(u, index);
            break;
        case UpdateStage::NewReady:
            newVersionReady(u, index);
            break;
        case UpdateStage::SwitchDefault:
            applyRules(u.service, UpdatePhase::SwitchDefault, u.from, u.to);
            enterPhase(u, index, UpdatePhase::SwitchDefault);
            if (!u.done)
                scheduleStage(index, u.phaseGap, UpdateStage::BlockAndLock);
            break;
        case UpdateStage::BlockAndLock:
            blockAndLock(u, index);
            break;
        case UpdateStage::Sync:
            syncDiff(u, index);
            break;
        case UpdateStage::Tick:
            sampleDiff(u, true);
            checkDrained(u, index);
            if (!u.done && u.diffActive)
                scheduleStage(index, std::max(u.metrics.request.stragglerTtl / 4, 1.0),
                              UpdateStage::Tick);
            break;
        case UpdateStage::Timeout:
            rollBack(u, index);
            break;
    }
}

void Simulation::Impl::requestUpdate(UpdateRt& u, std::uint32_t index)
{
    ServiceRt& service = services[u.service];
    service.update = index;
    u.metrics.state = UpdateState::Running;
    u.metrics.phaseTimes.emplace_back(UpdatePhase::Initial, engine.now());
    emit(index, "update requested");

    if (!trackingOn) {
        // On-demand set-up: from now on instances record and the gateway
        // collects completions; transactions already running may have used
        // the old version unseen, so they count as if they had.
        trackingOn = true;
        for (InstanceRt& instance : instances)
            instance.recording = true;
    }
    if (config.onDemandTracking) {
        for (const auto& [id, t] : running) {
            if (entryReaches(txns[t].entry, u.service))
                u.conservative.insert(id);
        }
    }
    if (u.metrics.request.strategy == Strategy::Quiescence) {
        u.holdingRoots = true;
        for (const auto& [id, t] : running)
            u.runningReaching += entryReaches(txns[t].entry, u.service) ? 1 : 0;
    }
    const int replicas = service.versionRt[u.to].replicas;
    for (int i = 0; i < replicas; ++i)
        u.newInstances.push_back(createInstance(u.service, u.to, false));
    scheduleStage(index, u.metrics.request.deployDelay, UpdateStage::NewReady);
    const Strategy strategy = u.metrics.request.strategy;
    if (u.metrics.request.timeout > 0 &&
        (strategy == Strategy::WaitForFree || strategy == Strategy::BlockForFree ||
         strategy == Strategy::Quiescence))
        scheduleStage(index, u.metrics.request.timeout, UpdateStage::Timeout);
}

void Simulation::Impl::newVersionReady(UpdateRt& u, std::uint32_t index)
{
    for (std::uint32_t i : u.newInstances)
        instances[i].live = true;
    u.newReady = true;
    switch (u.metrics.request.strategy) {
        case Strategy::Naive:
            // Swap at once: every new request goes to the new version.
            u.metrics.removableAt = engine.now();
            retireOld(u, index, false);
            return;
        case Strategy::Quiescence:
            if (u.runningReaching == 0) {
                u.metrics.removableAt = engine.now();
                retireOld(u, index, false);
            }
            return;
        case Strategy::WaitForFree:
            applyRules(u.service, UpdatePhase::NewVersionOnline, u.from, u.to);
            enterPhase(u, index, UpdatePhase::NewVersionOnline);
            u.liveAdds = true;  // nothing is locked: ids keep joining the DiffSet
            syncDiff(u, index);
            return;
        case Strategy::BlockForFree:
            applyRules(u.service, UpdatePhase::NewVersionOnline, u.from, u.to);
            enterPhase(u, index, UpdatePhase::NewVersionOnline);
            services[u.service].holdUnlessPinned = u.from;
            forEachInstance(u.service, u.from,
                            [](InstanceRt& instance, std::uint32_t) { instance.traceIds.lock(); });
            scheduleStage(index, u.syncDelay, UpdateStage::Sync);
            return;
        case Strategy::ConcurrentVersions:
            applyRules(u.service, UpdatePhase::NewVersionOnline, u.from, u.to);
            enterPhase(u, index, UpdatePhase::NewVersionOnline);
            // One rule-propagation delay between phases, as on a real mesh.
            if (!u.done)
                scheduleStage(index, u.phaseGap, UpdateStage::SwitchDefault);
            return;
    }
}

void Simulation::Impl::blockAndLock(UpdateRt& u, std::uint32_t index)
{
    forEachInstance(u.service, u.from, [](InstanceRt& instance, std::uint32_t) {
        instance.block = BlockMode::RequirePin;
        instance.traceIds.lock();
    });
    enterPhase(u, index, UpdatePhase::BlockAndLock);
    if (!u.done)
        scheduleStage(index, u.syncDelay, UpdateStage::Sync);
}

void Simulation::Impl::syncDiff(UpdateRt& u, std::uint32_t index)
{
    std::vector<const core::TraceIdSet*> sets;
    forEachInstance(u.service, u.from, [&](InstanceRt& instance, std::uint32_t) {
        sets.push_back(&instance.traceIds);
    });
    u.diff = core::DiffSet::compute(sets, completed);
    for (const core::TraceId& id : u.conservative) {
        if (!completed.contains(id))
            u.diff.add(id);
    }
    u.diffStart.clear();
    for (const core::TraceId& id : u.diff) {
        const auto it = running.find(id);
        u.diffStart.emplace(id, it == running.end() ? engine.now() : txns[it->second].start);
    }
    u.diffActive = true;
    if (u.metrics.request.strategy != Strategy::WaitForFree)
        enterPhase(u, index, UpdatePhase::SyncAndDiff);
    if (u.done)
        return;
    sampleDiff(u, true);
    if (u.metrics.request.stragglerTtl > 0)
        scheduleStage(index, std::max(u.metrics.request.stragglerTtl / 4, 1.0), UpdateStage::Tick);
    checkDrained(u, index);
}

void Simulation::Impl::onRecorded(std::uint32_t instance, const Txn& txn)
{
    for (UpdateRt& u : updates) {
        if (u.done || !u.liveAdds || !u.diffActive)
            continue;
        const InstanceRt& rt = instances[instance];
        if (rt.service != u.service || rt.version != u.from || completed.contains(txn.id))
            continue;
        u.diff.add(txn.id);
        u.diffStart.emplace(txn.id, txn.start);
        sampleDiff(u, false);
    }
}

void Simulation::Impl::provedUnpinned(std::uint32_t service, const Txn& txn)
{
    const std::uint32_t index = services[service].update;
    if (index == kNone)
        return;
    UpdateRt& u = updates[index];
    if (u.conservative.empty() || hasPin(txn, service, u.from) || !u.conservative.erase(txn.id))
        return;
    if (u.diffActive && u.diff.complete(txn.id)) {
        u.diffStart.erase(txn.id);
        sampleDiff(u, false);
        checkDrained(u, index);
    }
}

void Simulation::Impl::afterCompletion(const Txn& txn)
{
    for (std::uint32_t index = 0; index < updates.size(); ++index) {
        UpdateRt& u = updates[index];
        const bool usedOld = std::any_of(
            txn.record.visits.begin(), txn.record.visits.end(), [&](const Visit& visit) {
                return visit.service == u.service && visit.version == u.from;
            });
        if (usedOld && u.metrics.state != UpdateState::Scheduled)
            u.metrics.lastOldTransactionCompletedAt = engine.now();
        if (u.done)
            continue;
        u.conservative.erase(txn.id);
        if (u.diffActive && u.diff.complete(txn.id)) {
            u.diffStart.erase(txn.id);
            sampleDiff(u, false);
            checkDrained(u, index);
        }
        if (u.holdingRoots && !txn.heldAtGateway && entryReaches(txn.entry, u.service) &&
            txn.start <= u.metrics.request.at && u.runningReaching > 0) {
            if (--u.runningReaching == 0 && u.newReady) {
                u.metrics.removableAt = engine.now();
                retireOld(u, index, false);
            }
        }
    }
}

void Simulation::Impl::sampleDiff(UpdateRt& u, bool force)
{
    const double now = engine.now();
    auto& series = u.metrics.diffSet;
    // Keep the series readable: at most one point per time unit, always the last.
    if (!force && !series.empty() && now - series.back().time < 1.0 && !u.diff.empty()) {
        series.back().size = u.diff.size();
        return;
    }
    series.push_back(DiffSample{now, u.diff.size()});
    const double ttl = u.metrics.request.stragglerTtl;
    if (ttl > 0 && force) {
        u.metrics.stragglers = static_cast<std::size_t>(
            std::count_if(u.diffStart.begin(), u.diffStart.end(),
                          [&](const auto& entry) { return now - entry.second > ttl; }));
    }
}

void Simulation::Impl::checkDrained(UpdateRt& u, std::uint32_t index)
{
    if (u.done || !u.diffActive)
        return;
    if (!u.diff.empty()) {
        const bool onlyStragglers =
            u.metrics.request.stragglerTtl > 0 && u.metrics.stragglers == u.diff.size();
        if (u.metrics.request.forceRetireStragglers && onlyStragglers) {
            u.metrics.possibleViolations = u.diff.size();
            u.metrics.removableAt = engine.now();
            retireOld(u, index, true);
        }
        return;
    }
    u.metrics.diffSetEmptyAt = engine.now();
    u.metrics.removableAt = engine.now();
    if (u.metrics.request.strategy == Strategy::BlockForFree) {
        // Flip the default first so the requests we release take the new version.
        applyRules(u.service, UpdatePhase::SwitchDefault, u.from, u.to);
        releaseHeld(services[u.service]);
    }
    retireOld(u, index, false);
}

void Simulation::Impl::retireOld(UpdateRt& u, std::uint32_t index, bool forced)
{
    ServiceRt& service = services[u.service];
    applyRules(u.service, UpdatePhase::Retired, u.from, u.to);
    forEachInstance(u.service, u.from, [&](InstanceRt& instance, std::uint32_t i) {
        if (instance.exists)
            retireInstance(i);
    });
    if (service.holdUnlessPinned != kNone)
        releaseHeld(service);
    releaseRoots(u);
    service.serving = u.to;
    u.metrics.timeliness = u.metrics.removableAt - u.metrics.request.at;
    u.diffActive = false;
    enterPhase(u, index, UpdatePhase::Retired);
    finish(u, index, forced ? UpdateState::ForceRetired : UpdateState::Completed,
           forced ? "force-retired with " + std::to_string(u.metrics.possibleViolations) +
                        " transactions still running: possible violations"
                  : "old version retired");
}

void Simulation::Impl::rollBack(UpdateRt& u, std::uint32_t index)
{
    ServiceRt& service = services[u.service];
    applyRules(u.service, UpdatePhase::Initial, u.from, u.from);
    forEachInstance(u.service, u.from, [](InstanceRt& instance, std::uint32_t) {
        instance.block = BlockMode::None;
        instance.traceIds.unlock();
    });
    for (std::uint32_t i : u.newInstances)
        retireInstance(i);
    service.holdUnlessPinned = kNone;
    releaseHeld(service);
    releaseRoots(u);
    u.diffActive = false;
    finish(u, index, UpdateState::TimedOut, "timed out; rules rolled back to the old version");
}

void Simulation::Impl::releaseHeld(ServiceRt& service)
{
    service.holdUnlessPinned = kNone;
    std::deque<std::uint32_t> held;
    held.swap(service.held);
    for (std::uint32_t f : held) {
        const double waited = engine.now() - frames[f].heldSince;
        txns[frames[f].txn].disruption += waited;
        if (service.update != kNone)
            updates[service.update].metrics.disruption += waited;
        sendRequest(f);
    }
}

void Simulation::Impl::releaseRoots(UpdateRt& u)
{
    u.holdingRoots = false;
    std::deque<std::uint32_t> held;
    held.swap(u.heldRoots);
    for (std::uint32_t t : held) {
        const double waited = engine.now() - txns[t].start;
        txns[t].disruption += waited;
        u.metrics.disruption += waited;
        startRoot(t);
    }
}

bool Simulation::Impl::holdsRoot(std::uint32_t t)
{
    for (UpdateRt& u : updates) {
        if (u.done || !u.holdingRoots || !entryReaches(txns[t].entry, u.service))
            continue;
        txns[t].heldAtGateway = true;
        u.heldRoots.push_back(t);
        ++u.metrics.heldRequests;
        return true;
    }
    return false;
}

void Simulation::Impl::enterPhase(UpdateRt& u, std::uint32_t index, UpdatePhase phase)
{
    u.metrics.phase = phase;
    u.metrics.phaseTimes.emplace_back(phase, engine.now());
    emit(index, std::string("phase ") + std::string(core::toString(phase)));
    if (phase == u.metrics.request.stopAfter && phase != UpdatePhase::Retired)
        finish(u, index, UpdateState::Held, "held after " + std::string(core::toString(phase)));
}

void Simulation::Impl::finish(UpdateRt& u, std::uint32_t index, UpdateState state,
                              std::string message)
{
    u.done = true;
    u.metrics.state = state;
    if (services[u.service].update == index)
        services[u.service].update = kNone;
    emit(index, std::move(message));
}

void Simulation::Impl::emit(std::uint32_t index, std::string message)
{
    if (!observer || index >= updates.size())
        return;
    const UpdateRt& u = updates[index];
    observer(SimEvent{engine.now(), index, u.metrics.phase, u.metrics.state, std::move(message)});
}

}  // namespace concord::sandbox
