#include "simulation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "core/rule_yaml.h"
#include "simulation_impl.h"

namespace concord::sandbox {

namespace {

const std::vector<Strategy> kAllStrategies = {Strategy::Naive, Strategy::Quiescence,
                                              Strategy::WaitForFree, Strategy::BlockForFree,
                                              Strategy::ConcurrentVersions};

}  // namespace

std::string_view toString(Strategy strategy)
{
    switch (strategy) {
        case Strategy::Naive:
            return "naive";
        case Strategy::Quiescence:
            return "quiescence";
        case Strategy::WaitForFree:
            return "wf";
        case Strategy::BlockForFree:
            return "bf";
        case Strategy::ConcurrentVersions:
            return "cv";
    }
    return "?";
}

std::optional<Strategy> parseStrategy(std::string_view name)
{
    for (Strategy strategy : kAllStrategies) {
        if (toString(strategy) == name)
            return strategy;
    }
    return std::nullopt;
}

const std::vector<Strategy>& allStrategies()
{
    return kAllStrategies;
}

std::string_view toString(UpdateState state)
{
    switch (state) {
        case UpdateState::Scheduled:
            return "scheduled";
        case UpdateState::Running:
            return "running";
        case UpdateState::Completed:
            return "completed";
        case UpdateState::ForceRetired:
            return "force-retired";
        case UpdateState::TimedOut:
            return "timed-out";
        case UpdateState::Held:
            return "held";
    }
    return "?";
}

// ---------------------------------------------------------------------------
// Construction

Simulation::Impl::Impl(Topology topo, SimConfig cfg)
    : topology(std::move(topo)), config(cfg), rng(cfg.seed)
{
    arrivalInterval =
        config.meanArrivalInterval > 0 ? config.meanArrivalInterval : topology.meanArrivalInterval;
    trackingOn = !config.onDemandTracking;

    std::vector<std::vector<std::string>> names;
    for (const ServiceSpec& spec : topology.services) {
        ServiceRt service;
        service.name = spec.name;
        service.spec = &spec;
        std::vector<std::string> row{spec.name};
        for (const VersionSpec& version : spec.versions) {
            const auto pin = static_cast<std::uint32_t>(pins.size());
            pins.push_back(Pin{static_cast<std::uint32_t>(services.size()),
                               static_cast<std::uint32_t>(service.versions.size())});
            pinValues.push_back(core::pinValue(spec.name, version.name));
            pinIndex.emplace(pinValues.back(), pin);
            if (version.name == (spec.serving.empty() ? spec.versions.front().name : spec.serving))
                service.serving = static_cast<std::uint32_t>(service.versions.size());
            service.versions.push_back(version.name);
            service.scripts.push_back(&spec.scriptOf(version.name));
            VersionRt rt;
            rt.parent = version.parent;
            rt.image = version.image;
            rt.replicas = version.instances;
            rt.pin = pin;
            service.versionRt.push_back(std::move(rt));
            row.push_back(version.name);
        }
        serviceIndex.emplace(spec.name, static_cast<std::uint32_t>(services.size()));
        services.push_back(std::move(service));
        names.push_back(std::move(row));
    }
    checker = ConsistencyChecker(std::move(names));

    // Call targets resolved once; static reachability for quiescence and
    // on-demand tracking.
    const std::size_t n = services.size();
    reach.assign(n, std::vector<bool>(n, false));
    for (std::size_t s = 0; s < n; ++s) {
        for (const auto* script : services[s].scripts) {
            std::vector<std::uint32_t> targets;
            for (const Step& step : *script) {
                const bool call = step.kind == Step::Kind::Call;
                targets.push_back(call ? findService(step.service) : kNone);
                if (call)
                    reach[s][targets.back()] = true;
            }
            services[s].callTargets.push_back(std::move(targets));
        }
    }
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t i = 0; i < n; ++i)
            if (reach[i][k])
                for (std::size_t j = 0; j < n; ++j)
                    if (reach[k][j])
                        reach[i][j] = true;

    for (const EntryPoint& entry : topology.entries) {
        entryServices.push_back(serviceIndex.at(entry.service));
        entryWeights.push_back(entry.weight);
    }

    for (std::uint32_t s = 0; s < services.size(); ++s) {
        ServiceRt& service = services[s];
        const int replicas = service.spec->versions[service.serving].instances;
        for (int i = 0; i < std::max(replicas, 1); ++i)
            createInstance(s, service.serving, true);
        applyRules(s, core::UpdatePhase::Initial, service.serving, service.serving);
    }
    metrics.peakInstances = existingInstances;
    engine.schedule(0, kRootArrival);
}

double Simulation::Impl::uniform()
{
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

bool Simulation::Impl::entryReaches(std::uint32_t entry, std::uint32_t service) const
{
    return entry == service || reach[entry][service];
}

std::uint32_t Simulation::Impl::createInstance(std::uint32_t service, std::uint32_t version,
                                               bool live)
{
    InstanceRt instance;
    instance.service = service;
    instance.version = version;
    instance.labels = {{"app", services[service].name},
                       {"version", services[service].versions[version]}};
    instance.live = live;
    instance.recording = trackingOn;
    instance.createdAt = engine.now();
    std::size_t ordinal = 0;
    for (std::uint32_t i : services[service].instances)
        ordinal += instances[i].version == version ? 1 : 0;
    instance.name = services[service].name + "-" + services[service].versions[version] + "-" +
                    std::to_string(ordinal);
    const auto index = static_cast<std::uint32_t>(instances.size());
    instances.push_back(std::move(instance));
    services[service].instances.push_back(index);
    ++existingInstances;
    metrics.peakInstances = std::max(metrics.peakInstances, existingInstances);
    return index;
}

void Simulation::Impl::retireInstance(std::uint32_t index)
{
    InstanceRt& instance = instances[index];
    instance.live = false;
    instance.retiring = true;
    if (instance.active == 0 && instance.exists) {
        instance.exists = false;
        --existingInstances;
    }
}

void Simulation::Impl::applyRules(std::uint32_t s, core::UpdatePhase phase, std::uint32_t from,
                                  std::uint32_t to)
{
    ServiceRt& service = services[s];
    core::RuleParams params;
    params.service = service.name;
    params.pinHeader = topology.pinHeader;
    params.apiVersion = config.apiVersion;
    const core::RuleSet generated =
        core::generateRules(params, phase, service.versions[from], service.versions[to]);
    // The router interprets the YAML exactly as it would be applied to a cluster.
    std::string yaml = core::toYaml(generated);
    auto parsed = core::parseRuleSets(yaml, service.name);
    if (!parsed || parsed->size() != 1 || !router.apply(parsed->front())) {
        // Generated rules that do not read back are a Concord bug; keep the
        // previous rules rather than route on something half-applied.
        emit(service.update, "generated rules for " + service.name + " were rejected: " +
                                 (parsed ? std::string("router") : parsed.error().toString()));
        return;
    }
    service.rulesYaml = std::move(yaml);
}

// ---------------------------------------------------------------------------
// Slabs

std::uint32_t Simulation::Impl::allocFrame()
{
    std::uint32_t index;
    if (!freeFrames.empty()) {
        index = freeFrames.back();
        freeFrames.pop_back();
        frames[index] = Frame{};
    } else {
        index = static_cast<std::uint32_t>(frames.size());
        frames.emplace_back();
    }
    return index;
}

void Simulation::Impl::releaseFrame(std::uint32_t index)
{
    freeFrames.push_back(index);
}

std::uint32_t Simulation::Impl::allocTxn()
{
    std::uint32_t index;
    if (!freeTxns.empty()) {
        index = freeTxns.back();
        freeTxns.pop_back();
    } else {
        index = static_cast<std::uint32_t>(txns.size());
        txns.emplace_back();
    }
    Txn& txn = txns[index];
    txn.headers.clear();
    txn.headers.emplace_back(topology.pinHeader, std::string());
    txn.pins.clear();
    txn.record.visits.clear();
    txn.failed = false;
    txn.heldAtGateway = false;
    txn.disruption = 0;
    return index;
}

// ---------------------------------------------------------------------------
// Traffic

void Simulation::Impl::dispatch(const Event& event)
{
    switch (event.kind) {
        case kRootArrival:
            onRootArrival();
            break;
        case kArrive:
            onArrive(event.a);
            break;
        case kStep:
            onStep(event.a);
            break;
        case kResponse:
            onResponse(event.a);
            break;
        case kComplete:
            onComplete(event.a);
            break;
        case kUpdate:
            onUpdate(event.a, static_cast<UpdateStage>(event.b));
            break;
        case kVersionReady:
            onVersionReady(event.a, event.b);
            break;
        default:
            break;
    }
}

void Simulation::Impl::onRootArrival()
{
    const double next = engine.now() - std::log(1.0 - uniform()) * arrivalInterval;
    if (config.stopArrivalsAt < 0 || next < config.stopArrivalsAt)
        engine.schedule(next, kRootArrival);

    const std::uint32_t t = allocTxn();
    Txn& txn = txns[t];
    do {
        txn.id = core::TraceId{rng(), rng()};
    } while (!txn.id.isValid() || running.contains(txn.id));
    txn.start = engine.now();
    txn.record.id = txn.id;
    double pick = uniform() * std::accumulate(entryWeights.begin(), entryWeights.end(), 0.0);
    txn.entry = entryServices.back();
    for (std::size_t i = 0; i < entryServices.size(); ++i) {
        if (pick < entryWeights[i]) {
            txn.entry = entryServices[i];
            break;
        }
        pick -= entryWeights[i];
    }
    running.emplace(txn.id, t);
    ++metrics.transactionsStarted;
    if (holdsRoot(t))
        return;
    startRoot(t);
}

void Simulation::Impl::startRoot(std::uint32_t t)
{
    const std::uint32_t f = allocFrame();
    Frame& frame = frames[f];
    frame.txn = t;
    frame.service = txns[t].entry;
    frame.firstSentAt = engine.now();
    sendRequest(f);
}

bool Simulation::Impl::hasPin(const Txn& txn, std::uint32_t service, std::uint32_t version) const
{
    return std::any_of(txn.pins.begin(), txn.pins.end(), [&](const Pin& pin) {
        return pin.service == service && pin.version == version;
    });
}

void Simulation::Impl::addPin(Txn& txn, std::uint32_t pin)
{
    // Applications propagate the pins of every answer to all later requests
    // of the transaction (comma-separated, like Istio's `add`).
    const Pin& added = pins[pin];
    if (hasPin(txn, added.service, added.version))
        return;
    txn.pins.push_back(added);
    std::string& header = txn.headers.front().second;
    if (!header.empty())
        header += ',';
    header += pinValues[pin];
}

std::uint32_t Simulation::Impl::pickInstance(ServiceRt& service, const Router::Decision& decision)
{
    const std::size_t n = service.instances.size();
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t candidate = service.instances[(service.roundRobin + i) % n];
        const InstanceRt& instance = instances[candidate];
        if (!instance.live)
            continue;
        const bool matches =
            std::all_of(decision.labels.begin(), decision.labels.end(), [&](const auto& label) {
                const auto it = instance.labels.find(label.first);
                return it != instance.labels.end() && it->second == label.second;
            });
        if (matches) {
            service.roundRobin = static_cast<std::uint32_t>((service.roundRobin + i + 1) % n);
            return candidate;
        }
    }
    return kNone;
}

// Routing happens in the caller's sidecar; the request then travels to the
// chosen instance, whose tracemgr admits (and records) or rejects it.
void Simulation::Impl::sendRequest(std::uint32_t f)
{
    Frame& frame = frames[f];
    Txn& txn = txns[frame.txn];
    ServiceRt& service = services[frame.service];
    if (service.holdUnlessPinned != kNone &&
        !hasPin(txn, frame.service, service.holdUnlessPinned)) {
        frame.heldSince = engine.now();
        service.held.push_back(f);
        ++heldTotal;
        if (service.update != kNone)
            ++updates[service.update].metrics.heldRequests;
        provedUnpinned(frame.service, txn);  // may drain the DiffSet and release us
        return;
    }
    const Router::Decision& decision = router.routeRef(service.name, txn.headers, rng);
    frame.pinToAdd = kNone;
    for (const auto& [name, value] : decision.responseAdd) {
        if (name != topology.pinHeader)
            continue;
        const auto it = pinIndex.find(value);
        if (it != pinIndex.end())
            frame.pinToAdd = it->second;
    }
    const bool routable = decision.outcome == Router::Outcome::Routed ||
                          decision.outcome == Router::Outcome::Unmanaged;
    frame.instance = routable ? pickInstance(service, decision) : kNone;
    if (frame.instance == kNone) {
        // Envoy answers locally (no healthy upstream / no route).
        frame.status = Frame::Status::Unavailable;
        engine.schedule(engine.now(), kResponse, f);
        return;
    }
    ++instances[frame.instance].active;  // in flight to the instance: keeps the pod alive
    engine.scheduleIn(topology.messageDelay, kArrive, f);
}

void Simulation::Impl::onArrive(std::uint32_t f)
{
    Frame& frame = frames[f];
    Txn& txn = txns[frame.txn];
    InstanceRt& instance = instances[frame.instance];
    const auto reject = [&] {
        --instance.active;
        if (instance.retiring && instance.active == 0 && instance.exists) {
            instance.exists = false;
            --existingInstances;
        }
        frame.status = Frame::Status::Unavailable;
        engine.scheduleIn(topology.messageDelay, kResponse, f);
    };
    if (!instance.live) {
        reject();  // the pod went away while the request travelled
        return;
    }
    if (instance.block == BlockMode::RequirePin &&
        !hasPin(txn, instance.service, instance.version)) {
        // §3 step 4: no pin to the old version → 503, and nothing recorded, so
        // the caller's retry (new default route) leaves no trace here.
        if (rejected.size() < kMaxRejectedKept)
            rejected.push_back(txn.id);
        ++rejectedTotal;
        provedUnpinned(frame.service, txn);
        if (services[instance.service].update != kNone)
            ++updates[services[instance.service].update].metrics.rejected503;
        reject();
        return;
    }
    if (instance.recording && instance.traceIds.insert(txn.id)) {
        onRecorded(frame.instance, txn);
        if (!liveDrains.empty())
            liveOnRecorded(frame.instance, txn);
    }
    const std::uint32_t update = services[instance.service].update;
    if (update != kNone && instance.version != updates[update].from)
        provedUnpinned(frame.service, txn);  // served by the new version: never used the old

    frame.version = instance.version;
    frame.script = services[frame.service].scripts[frame.version];
    frame.targets = &services[frame.service].callTargets[frame.version];
    ++metrics.subTransactions;
    bool mixed = false;
    for (const Visit& visit : txn.record.visits)
        mixed = mixed || (visit.service == frame.service && visit.version != frame.version);
    txn.record.visits.push_back(Visit{frame.service, frame.version});
    if (mixed && services[frame.service].spec->failOnMixedVersions) {
        ++metrics.mixedVersionFailures;
        finishFrame(f, Frame::Status::Failed);
        return;
    }
    frame.step = 0;
    onStep(f);
}

void Simulation::Impl::onStep(std::uint32_t f)
{
    while (true) {
        Frame& frame = frames[f];
        if (frame.step >= frame.script->size()) {
            finishFrame(f, Frame::Status::Ok);
            return;
        }
        const std::uint32_t callee = (*frame.targets)[frame.step];
        const Step& step = (*frame.script)[frame.step++];
        if (step.kind != Step::Kind::Call) {
            engine.scheduleIn(step.duration.sample(rng), kStep, f);
            return;
        }
        if (step.probability < 1 && uniform() >= step.probability)
            continue;
        if (step.bound > 0) {
            int onStack = 0;
            for (std::uint32_t p = f; p != kNone; p = frames[p].parent)
                onStack += frames[p].service == callee ? 1 : 0;
            if (onStack >= step.bound)
                continue;
        }
        const std::uint32_t child = allocFrame();
        Frame& call = frames[child];
        call.txn = frames[f].txn;
        call.parent = f;
        call.service = callee;
        call.firstSentAt = engine.now();
        sendRequest(child);
        return;
    }
}

void Simulation::Impl::finishFrame(std::uint32_t f, Frame::Status status)
{
    Frame& frame = frames[f];
    frame.status = status;
    InstanceRt& instance = instances[frame.instance];
    --instance.active;
    if (instance.retiring && instance.active == 0 && instance.exists) {
        instance.exists = false;
        --existingInstances;
    }
    engine.scheduleIn(topology.messageDelay, kResponse, f);
}

void Simulation::Impl::onResponse(std::uint32_t f)
{
    Frame& frame = frames[f];
    Txn& txn = txns[frame.txn];
    if (frame.status == Frame::Status::Unavailable &&
        frame.attempt < static_cast<std::uint32_t>(topology.retries)) {
        // The caller's sidecar retries; the application never sees the 503.
        ++frame.attempt;
        ++metrics.retriedRequests;
        sendRequest(f);
        return;
    }
    if (edgeStatsOn)
        countEdge(frame);
    if (frame.status == Frame::Status::Ok && frame.pinToAdd != kNone)
        addPin(txn, frame.pinToAdd);
    // Time lost to retries counts as disruption.
    txn.disruption += frame.attempt > 0 ? 2 * topology.messageDelay * frame.attempt : 0;
    const std::uint32_t parent = frame.parent;
    const Frame::Status status = frame.status;
    const std::uint32_t t = frame.txn;
    releaseFrame(f);
    if (status != Frame::Status::Ok) {
        txn.failed = true;
        if (status == Frame::Status::Unavailable)
            ++metrics.failedRequests;
    }
    if (parent == kNone) {
        engine.scheduleIn(topology.messageDelay, kComplete, t);
        return;
    }
    if (status != Frame::Status::Ok) {
        finishFrame(parent, Frame::Status::Failed);  // the error travels up
        return;
    }
    onStep(parent);
}

void Simulation::Impl::onComplete(std::uint32_t t)
{
    Txn& txn = txns[t];
    // The gateway's access log reports every completion, failed ones included.
    if (trackingOn)
        completed.insert(txn.id);
    if (completed.size() >= pruneAt)
        pruneFinished();
    running.erase(txn.id);
    ++metrics.transactionsCompleted;
    if (txn.failed)
        ++metrics.failedTransactions;
    if (!checker.check(txn.record))
        ++metrics.inconsistentTransactions;
    metrics.disruption += txn.disruption;
    afterCompletion(txn);
    if (!liveDrains.empty())
        liveAfterCompletion(txn);
    if (config.keepRecords) {
        txn.record.failed = txn.failed;
        records.push_back(txn.record);
    }
    freeTxns.push_back(t);
}

// A finished transaction matters to a future DiffSet only through "recorded
// somewhere − completed": dropping it from both sides changes no DiffSet, and
// keeps a long real-time run's memory bounded by the running transactions.
// Locked sets are left alone: they are the snapshot a running update synced.
void Simulation::Impl::pruneFinished()
{
    for (InstanceRt& instance : instances) {
        if (!instance.exists) {
            instance.traceIds = core::TraceIdSet();  // the pod and its tracemgr are gone
            continue;
        }
        if (instance.traceIds.isLocked())
            continue;
        std::vector<core::TraceId> finished;
        for (const core::TraceId& id : instance.traceIds) {
            if (completed.contains(id))
                finished.push_back(id);
        }
        for (const core::TraceId& id : finished)
            instance.traceIds.erase(id);
    }
    // Ids still named by a locked set stay, so those sets keep diffing right.
    core::TraceIdSet keep;
    for (const InstanceRt& instance : instances) {
        if (!instance.traceIds.isLocked())
            continue;
        for (const core::TraceId& id : instance.traceIds) {
            if (completed.contains(id))
                keep.insert(id);
        }
    }
    completed = std::move(keep);
    pruneAt = completed.size() + kPruneCompletedAt;
}

std::size_t Simulation::Impl::heldIds() const
{
    std::size_t total = completed.size();
    for (const InstanceRt& instance : instances)
        total += instance.traceIds.size();
    return total;
}

// ---------------------------------------------------------------------------
// Public API

Simulation::Simulation(Topology topology, SimConfig config)
    : m_impl(std::make_unique<Impl>(std::move(topology), config))
{}

Simulation::~Simulation() = default;

void Simulation::runUntil(double time)
{
    m_impl->engine.runUntil(time, [this](const Event& event) { m_impl->dispatch(event); });
    m_impl->flushChanges();
}

void Simulation::runRealTime(double until, const RealTimePacer& pacer,
                             const std::atomic<bool>& stop)
{
    Impl& impl = *m_impl;
    // Sleep in short slices so a stop request is seen promptly even without wake().
    constexpr auto kSlice = std::chrono::milliseconds(20);
    while (!stop.load(std::memory_order_relaxed)) {
        if (impl.hasPosted.load(std::memory_order_acquire)) {
            // Catch up with the wall clock first: a closure acts at the current virtual time.
            const double at = std::min(pacer.virtualNow(), until);
            if (at > impl.engine.now())
                runUntil(at);
            impl.runPosted();
            impl.flushChanges();
            continue;
        }
        const double next = impl.engine.empty() ? until : std::min(impl.engine.nextTime(), until);
        const auto now = RealTimePacer::Clock::now();
        const bool finite = std::isfinite(next);
        const auto due = finite ? pacer.wallAt(next) : now + kSlice;
        if (due > now) {
            impl.waitForPost(std::min(due, now + kSlice));
            continue;
        }
        if (next >= until) {
            runUntil(until);
            return;
        }
        impl.engine.step([&](const Event& event) { impl.dispatch(event); });
        impl.flushChanges();
    }
}

void Simulation::runUpdates(double maxTime, double drain)
{
    Impl& impl = *m_impl;
    const auto allDone = [&] {
        return std::all_of(impl.updates.begin(), impl.updates.end(),
                           [](const UpdateRt& u) { return u.done; });
    };
    while (!allDone() && !impl.engine.empty() && impl.engine.now() < maxTime)
        impl.engine.step([&](const Event& event) { impl.dispatch(event); });
    // Let the transactions already running finish.
    impl.config.stopArrivalsAt = impl.engine.now();
    const double until = impl.engine.now() + drain;
    while (!impl.running.empty() && !impl.engine.empty() && impl.engine.nextTime() <= until)
        impl.engine.step([&](const Event& event) {
            if (event.kind != kRootArrival)
                impl.dispatch(event);
        });
}

double Simulation::now() const
{
    return m_impl->engine.now();
}

const RunMetrics& Simulation::metrics() const
{
    Impl& impl = *m_impl;
    impl.metrics.updates.clear();
    for (const UpdateRt& u : impl.updates)
        impl.metrics.updates.push_back(u.metrics);
    return impl.metrics;
}

const ConsistencyChecker& Simulation::checker() const
{
    return m_impl->checker;
}

const std::vector<TransactionRecord>& Simulation::records() const
{
    return m_impl->records;
}

const Topology& Simulation::topology() const
{
    return m_impl->topology;
}

std::string Simulation::rulesYaml(std::string_view service) const
{
    const std::uint32_t s = m_impl->findService(service);
    return s == kNone ? std::string() : m_impl->services[s].rulesYaml;
}

std::size_t Simulation::liveInstances(std::string_view service, std::string_view version) const
{
    const std::uint32_t s = m_impl->findService(service);
    if (s == kNone)
        return 0;
    const ServiceRt& rt = m_impl->services[s];
    return static_cast<std::size_t>(
        std::count_if(rt.instances.begin(), rt.instances.end(), [&](std::uint32_t i) {
            const InstanceRt& instance = m_impl->instances[i];
            return instance.live && rt.versions[instance.version] == version;
        }));
}

std::vector<core::TraceId> Simulation::recordedIds(std::string_view service,
                                                   std::string_view version) const
{
    std::vector<core::TraceId> out;
    const std::uint32_t s = m_impl->findService(service);
    if (s == kNone)
        return out;
    const ServiceRt& rt = m_impl->services[s];
    for (std::uint32_t i : rt.instances) {
        const InstanceRt& instance = m_impl->instances[i];
        if (rt.versions[instance.version] == version)
            out.insert(out.end(), instance.traceIds.begin(), instance.traceIds.end());
    }
    return out;
}

std::size_t Simulation::heldTraceIds() const
{
    return m_impl->heldIds();
}

const std::vector<core::TraceId>& Simulation::rejectedIds() const
{
    return m_impl->rejected;
}

void Simulation::setObserver(std::function<void(const SimEvent&)> observer)
{
    m_impl->observer = std::move(observer);
}

}  // namespace concord::sandbox
