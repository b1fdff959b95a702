#pragma once

// Private to the sandbox: the state behind Simulation, shared by
// simulation.cpp (mesh mechanics) and update_strategies.cpp (the strategies).

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "consistency_checker.h"
#include "core/diff_set.h"
#include "core/trace_id_set.h"
#include "event_engine.h"
#include "router.h"
#include "simulation.h"

namespace concord::sandbox {

inline constexpr std::uint32_t kNone = 0xffffffffu;

enum EventKind : std::uint32_t
{
    kRootArrival,
    kArrive,        // a = frame: request reaches its instance
    kStep,          // a = frame: run the frame's next script step
    kResponse,      // a = frame: the frame's answer reaches its caller
    kComplete,      // a = txn: the answer reaches the ingress gateway
    kUpdate,        // a = update, b = UpdateStage
    kVersionReady,  // a = pin index of the version, b = its deploy generation (live control)
};

enum class UpdateStage : std::uint64_t
{
    Request,
    NewReady,
    SwitchDefault,
    BlockAndLock,
    Sync,
    Tick,  // periodic straggler check while a DiffSet drains
    Timeout,
};

// Live-control state of one version (registration data, deploy, block and lock).
struct VersionRt
{
    std::string parent;
    std::string image;
    int replicas = 1;
    double createdAt = 0;
    std::uint32_t pin = 0;        // index into Impl::pins: the version's node in the edge counters
    std::uint64_t deployGen = 0;  // a ready event of an older deploy is ignored
    VersionBlock block = VersionBlock::None;
    bool locked = false;
};

struct ServiceRt
{
    std::string name;
    const ServiceSpec* spec = nullptr;
    std::vector<std::string> versions;              // index = version id
    std::vector<const std::vector<Step>*> scripts;  // per version
    // Per version, per step: callee or kNone. A deque: frames point at the
    // vectors, and registering a version must not move them.
    std::deque<std::vector<std::uint32_t>> callTargets;
    std::vector<VersionRt> versionRt;      // per version
    std::vector<std::uint32_t> instances;  // every pod ever created
    std::uint32_t roundRobin = 0;
    std::uint32_t serving = 0;  // version serving before any update
    std::string rulesYaml;
    std::uint32_t update = kNone;  // running update, if any
    // BF: requests without a pin to `holdUnlessPinned` wait here.
    std::uint32_t holdUnlessPinned = kNone;
    std::deque<std::uint32_t> held;  // frames waiting to be routed
};

enum class BlockMode
{
    None,
    RequirePin,  // §3 step 4: 503 unless the request carries the old version's pin
};

struct InstanceRt
{
    std::uint32_t service = 0;
    std::uint32_t version = 0;
    std::map<std::string, std::string> labels;
    bool live = false;      // ready and not removed: receives traffic
    bool exists = true;     // the pod exists (counts towards peak instances)
    bool retiring = false;  // removed from routing; pod goes when idle
    std::uint32_t active = 0;
    bool recording = true;
    BlockMode block = BlockMode::None;
    core::TraceIdSet traceIds;
    std::string name;  // "<service>-<version>-<n>"
    double createdAt = 0;
};

struct Pin
{
    std::uint32_t service = 0;
    std::uint32_t version = 0;
};

struct Txn
{
    core::TraceId id;
    double start = 0;
    std::uint32_t entry = 0;
    HeaderList headers;  // the pin header as the application propagates it
    std::vector<Pin> pins;
    TransactionRecord record;
    bool failed = false;
    bool heldAtGateway = false;
    double disruption = 0;
};

struct Frame
{
    std::uint32_t txn = kNone;
    std::uint32_t parent = kNone;  // caller frame; kNone for the root request
    std::uint32_t service = 0;
    std::uint32_t version = 0;
    std::uint32_t instance = kNone;
    const std::vector<Step>* script = nullptr;
    const std::vector<std::uint32_t>* targets = nullptr;  // ServiceRt::callTargets of the version
    std::uint32_t step = 0;
    std::uint32_t attempt = 0;
    double firstSentAt = 0;
    double heldSince = -1;
    std::uint32_t pinToAdd = kNone;  // index into Impl::pins of the pin the route adds
    enum class Status
    {
        Ok,
        Unavailable,
        Failed
    } status = Status::Ok;
};

struct UpdateRt
{
    UpdateMetrics metrics;
    std::uint32_t service = 0;
    std::uint32_t from = 0;
    std::uint32_t to = 0;
    double syncDelay = 0;
    double phaseGap = 0;
    bool diffActive = false;  // DiffSet computed and being drained
    bool liveAdds = false;    // WF: old sets stay unlocked, new ids join the DiffSet
    core::DiffSet diff;
    absl::flat_hash_map<core::TraceId, double> diffStart;  // id -> transaction start (stragglers)
    std::vector<std::uint32_t> newInstances;
    bool newReady = false;
    bool done = false;
    // Quiescence: roots held at the gateway, running transactions that may reach the service.
    std::deque<std::uint32_t> heldRoots;
    std::uint64_t runningReaching = 0;
    bool holdingRoots = false;
    // On-demand tracking: transactions running at set-up, counted as old-version
    // users until they show otherwise (a request to the service without the
    // old version's pin proves the transaction never used it).
    absl::flat_hash_set<core::TraceId> conservative;
};

// A driver-mode drain (live control): the DiffSet of one service's old version.
struct LiveDrain
{
    LiveDrainSpec spec;
    std::uint32_t version = 0;
    core::DiffSet diff;
    absl::flat_hash_map<core::TraceId, double> start;  // id -> transaction start
    std::uint64_t completedAtStart = 0;
    bool emptied = false;
    double emptiedAt = -1;
};

// Cumulative counters of one (source version -> destination version) edge.
struct EdgeRt
{
    std::uint32_t sourceService = kNone;  // kNone: ingress
    std::uint32_t sourceVersion = kNone;
    std::uint32_t destinationService = 0;
    std::uint32_t destinationVersion = kNone;  // kNone: no instance reached
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    double latencySum = 0;
    std::array<std::uint64_t, kLatencyBuckets> latency{};
};

struct Simulation::Impl
{
    Impl(Topology topology, SimConfig config);

    // --- mechanics (simulation.cpp)
    void dispatch(const Event& event);
    void onRootArrival();
    void startRoot(std::uint32_t txn);
    void sendRequest(std::uint32_t frame);
    void onArrive(std::uint32_t frame);
    void onStep(std::uint32_t frame);
    void finishFrame(std::uint32_t frame, Frame::Status status);
    void onResponse(std::uint32_t frame);
    void onComplete(std::uint32_t txn);
    std::uint32_t allocFrame();
    std::uint32_t allocTxn();
    void releaseFrame(std::uint32_t frame);
    std::uint32_t pickInstance(ServiceRt& service, const Router::Decision& decision);
    bool hasPin(const Txn& txn, std::uint32_t service, std::uint32_t version) const;
    void addPin(Txn& txn, std::uint32_t pin);
    std::uint32_t createInstance(std::uint32_t service, std::uint32_t version, bool live);
    void retireInstance(std::uint32_t instance);
    void applyRules(std::uint32_t service, core::UpdatePhase phase, std::uint32_t from,
                    std::uint32_t to);
    double uniform();
    bool entryReaches(std::uint32_t entry, std::uint32_t service) const;
    // kNone when unknown. (Debian's abseil has its own string_view type.)
    std::uint32_t findService(std::string_view name) const
    {
        const auto it = serviceIndex.find(absl::string_view(name.data(), name.size()));
        return it == serviceIndex.end() ? kNone : it->second;
    }

    // --- strategies (update_strategies.cpp)
    void onUpdate(std::uint32_t update, UpdateStage stage);
    void scheduleStage(std::uint32_t update, double delay, UpdateStage stage)
    {
        engine.scheduleIn(delay, kUpdate, update, static_cast<std::uint64_t>(stage));
    }
    // The instances (pods ever created) of one version of a service.
    template <typename F>
    void forEachInstance(std::uint32_t service, std::uint32_t version, F&& f)
    {
        for (std::uint32_t i : services[service].instances) {
            if (instances[i].version == version)
                f(instances[i], i);
        }
    }
    void requestUpdate(UpdateRt& u, std::uint32_t index);
    void newVersionReady(UpdateRt& u, std::uint32_t index);
    void blockAndLock(UpdateRt& u, std::uint32_t index);
    void syncDiff(UpdateRt& u, std::uint32_t index);
    void afterCompletion(const Txn& txn);
    void checkDrained(UpdateRt& u, std::uint32_t index);
    void retireOld(UpdateRt& u, std::uint32_t index, bool forced);
    void rollBack(UpdateRt& u, std::uint32_t index);
    void releaseHeld(ServiceRt& service);
    void releaseRoots(UpdateRt& u);
    void sampleDiff(UpdateRt& u, bool force);
    void onRecorded(std::uint32_t instance, const Txn& txn);
    void provedUnpinned(std::uint32_t service, const Txn& txn);
    void enterPhase(UpdateRt& u, std::uint32_t index, core::UpdatePhase phase);
    void finish(UpdateRt& u, std::uint32_t index, UpdateState state, std::string message);
    void emit(std::uint32_t index, std::string message);
    bool holdsRoot(std::uint32_t txn);

    Topology topology;
    SimConfig config;
    Rng rng;
    EventEngine engine;
    Router router;
    ConsistencyChecker checker;
    RunMetrics metrics;
    double arrivalInterval = 25;
    std::vector<ServiceRt> services;
    absl::flat_hash_map<std::string, std::uint32_t> serviceIndex;
    std::vector<std::vector<bool>> reach;  // reach[a][b]: service a may (transitively) call b
    std::vector<double> entryWeights;
    std::vector<std::uint32_t> entryServices;
    std::vector<InstanceRt> instances;
    // Every "<service>-<version>" pin value, resolved once so the hot path
    // compares indices instead of strings.
    std::vector<Pin> pins;
    std::vector<std::string> pinValues;
    absl::flat_hash_map<std::string, std::uint32_t> pinIndex;
    std::vector<Frame> frames;
    std::vector<std::uint32_t> freeFrames;
    std::vector<Txn> txns;
    std::vector<std::uint32_t> freeTxns;
    absl::flat_hash_map<core::TraceId, std::uint32_t> running;  // trace id -> txn
    core::TraceIdSet completed;                                 // the gateway's completed set
    std::vector<UpdateRt> updates;
    std::vector<TransactionRecord> records;
    std::vector<core::TraceId> rejected;
    std::function<void(const SimEvent&)> observer;
    int existingInstances = 0;
    bool trackingOn = true;
    static constexpr std::size_t kMaxRejectedKept = 100000;
    // The gateway's completed set and the unlocked instance sets are pruned of
    // finished transactions once the completed set holds this many ids.
    static constexpr std::size_t kPruneCompletedAt = 20000;
    void pruneFinished();
    std::size_t pruneAt = kPruneCompletedAt;
    std::size_t heldIds() const;

    // --- live control (simulation_control.cpp)
    std::mutex postMutex;
    std::condition_variable postCv;
    std::vector<std::function<void()>> posted;
    bool wakeRequested = false;
    std::atomic<bool> hasPosted{false};
    std::function<void()> changeCallback;
    bool changePending = false;
    bool edgeStatsOn = false;
    absl::flat_hash_map<std::uint64_t, std::uint32_t> edgeIndex;  // (source, destination) node
    std::vector<EdgeRt> edges;
    std::map<std::uint32_t, LiveDrain> liveDrains;  // by service
    std::uint64_t rejectedTotal = 0;
    std::uint64_t heldTotal = 0;

    void runPosted();
    void waitForPost(std::chrono::steady_clock::time_point deadline);
    void flushChanges()
    {
        if (changePending && changeCallback) {
            changePending = false;
            changeCallback();
        }
    }
    void countEdge(const Frame& frame);
    void liveAfterCompletion(const Txn& txn);
    void liveOnRecorded(std::uint32_t instance, const Txn& txn);
    void drainEmptied(LiveDrain& drain, std::uint32_t service);
    void onVersionReady(std::uint32_t pin, std::uint64_t generation);
    core::Status applyYaml(std::uint32_t service, std::string_view yaml, bool dryRun);
    std::uint32_t findVersion(std::uint32_t service, std::string_view name) const;
    core::Result<Pin> resolve(std::string_view service, std::string_view version) const;
    std::string defaultVersion(std::uint32_t service) const;
};

}  // namespace concord::sandbox
