#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consistency_checker.h"
#include "core/istio_rules.h"
#include "core/rule_generator.h"
#include "event_engine.h"
#include "topology.h"

namespace concord::sandbox {

// How an update is carried out (DESIGN.md §2, realised on Istio as in §3).
enum class Strategy
{
    Naive,         // swap at once (what rolling updates / weight shifts do)
    Quiescence,    // Kramer & Magee: hold new root transactions that may reach the service
    WaitForFree,   // WF: nothing blocks; swap the first moment no running transaction used the old
                   // version
    BlockForFree,  // BF: hold unpinned requests to the service until the old version drains, then
                   // swap
    ConcurrentVersions,  // CV: Concord's protocol — pins, default switch, block & lock, DiffSet
                         // drain
};

std::string_view toString(Strategy strategy);  // "naive", "quiescence", "wf", "bf", "cv"
std::optional<Strategy> parseStrategy(std::string_view name);
const std::vector<Strategy>& allStrategies();  // naive, quiescence, wf, bf, cv

struct UpdateRequest
{
    std::string service;
    std::string fromVersion;
    std::string toVersion;
    Strategy strategy = Strategy::ConcurrentVersions;
    double at = 0;           // when the operator asks for the update
    double deployDelay = 0;  // until the new version's instances are ready
    double syncDelay = -1;   // shipping snapshots to the gateway; < 0: the topology's messageDelay
    // CV: time allowed for rules to reach every sidecar before the next phase;
    // < 0: the topology's messageDelay. 0 models a controller that does not wait.
    double phaseGap = -1;
    double stragglerTtl = 0;             // > 0: DiffSet ids older than this are stragglers
    bool forceRetireStragglers = false;  // retire once only stragglers remain (possible violations)
    double timeout = 0;  // > 0: WF/BF/quiescence give up after this long and roll back
    // Tests: stop advancing after this phase (e.g. SwitchDefault keeps both versions serving).
    core::UpdatePhase stopAfter = core::UpdatePhase::Retired;
};

enum class UpdateState
{
    Scheduled,
    Running,
    Completed,     // old version retired, rules in their final shape
    ForceRetired,  // completed by force with stragglers outstanding
    TimedOut,      // rolled back to the old version
    Held,          // reached `stopAfter` and stays there
};

std::string_view toString(UpdateState state);

struct DiffSample
{
    double time = 0;
    std::size_t size = 0;
};

// What one update cost (DESIGN.md §5).
struct UpdateMetrics
{
    UpdateRequest request;
    UpdateState state = UpdateState::Scheduled;
    core::UpdatePhase phase = core::UpdatePhase::Initial;
    double removableAt = -1;         // old version removable (DiffSet empty / quiescent / swapped)
    double timeliness = -1;          // removableAt - request.at; -1 until known
    double disruption = 0;           // blocked time + retry delay summed over transactions
    std::uint64_t heldRequests = 0;  // requests or roots held by BF / quiescence
    std::uint64_t rejected503 = 0;   // requests the old instances answered 503
    std::size_t stragglers = 0;
    std::size_t possibleViolations = 0;  // transactions still in the DiffSet at a forced retire
    std::vector<DiffSample> diffSet;     // size over time, from sync to empty
    double diffSetEmptyAt = -1;
    double lastOldTransactionCompletedAt = -1;  // ground truth, for the tests
    std::vector<std::pair<core::UpdatePhase, double>> phaseTimes;
};

struct RunMetrics
{
    std::uint64_t transactionsStarted = 0;
    std::uint64_t transactionsCompleted = 0;
    std::uint64_t failedTransactions = 0;
    std::uint64_t mixedVersionFailures = 0;  // failures caused by version mixing (e.g. Auth token)
    std::uint64_t inconsistentTransactions = 0;
    std::uint64_t subTransactions = 0;
    std::uint64_t retriedRequests = 0;
    std::uint64_t failedRequests = 0;  // sub-requests that failed after their retries
    double disruption = 0;
    int peakInstances = 0;
    std::vector<UpdateMetrics> updates;
};

struct SimConfig
{
    std::uint64_t seed = 1;
    double meanArrivalInterval = 0;  // > 0 overrides the topology's
    // Dependency tracking set up on demand (at the update request) rather than
    // always on: transactions already running then are conservatively assumed
    // to have used the old version if their entry can reach the service.
    bool onDemandTracking = false;
    core::IstioApiVersion apiVersion = core::IstioApiVersion::V1;
    bool keepRecords = false;    // keep every TransactionRecord (tests)
    double stopArrivalsAt = -1;  // >= 0: no new root requests after this time
};

// A phase change or operator-visible event, for observers (the daemon streams them).
struct SimEvent
{
    double time = 0;
    std::size_t update = 0;  // index into RunMetrics::updates
    core::UpdatePhase phase = core::UpdatePhase::Initial;
    UpdateState state = UpdateState::Scheduled;
    std::string message;
};

// --- Live control: the types of the API the controller's SandboxDriver uses.

// How the instances of one version treat requests (DESIGN.md §3 step 4, BF).
enum class VersionBlock
{
    None,
    RejectUnpinned,  // 503 unless the request carries the version's pin; nothing recorded
    HoldUnpinned,    // unpinned requests to the service wait until the mode is lifted
};

// A driver-mode drain of one service's old version (the gateway's DiffSet).
struct LiveDrainSpec
{
    std::string service;
    std::string oldVersion;
    bool liveAdds = false;  // WF: ids recorded after the snapshot join the DiffSet
    // Applied in the event the DiffSet first empties; the old version's instances then
    // also turn unpinned requests away, so one routed there just before is retried.
    std::string rulesYamlWhenEmpty;
    double stragglerTtl = 0;  // ids of transactions older than this are stragglers; 0 = never
    bool operator==(const LiveDrainSpec&) const = default;
};

struct LiveDrainStatus
{
    bool active = false;
    std::uint64_t diffSetSize = 0;
    std::uint64_t completedSinceStart = 0;
    bool emptied = false;
    double emptiedAt = -1;
    std::uint64_t stragglerCount = 0;
    std::vector<std::pair<core::TraceId, double>> stragglers;  // (id, age), oldest first, <= 100
};

struct LiveInstanceSet
{
    std::string instance;
    std::uint64_t size = 0;
    bool locked = false;
};

// Per-edge request counters, cumulative since the simulation started. Latency
// buckets are logarithmic: bucket i holds latencies up to latencyBucketUpper(i).
inline constexpr std::size_t kLatencyBuckets = 64;
double latencyBucketUpper(std::size_t bucket);

struct EdgeCounters
{
    std::string sourceService;  // "ingress" for root requests
    std::string sourceVersion;  // empty for ingress
    std::string destinationService;
    std::string destinationVersion;  // empty when no instance was reached
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    double latencySum = 0;
    std::array<std::uint64_t, kLatencyBuckets> latency{};
};

struct EdgeSnapshot
{
    double time = 0;  // virtual time of the snapshot
    std::vector<EdgeCounters> edges;
};

struct InstanceSnapshot
{
    std::string name;
    bool live = false;  // ready and receiving traffic
    double createdAt = 0;
    std::map<std::string, std::string> labels;
};

struct VersionSnapshot
{
    std::string name;
    std::string parent;
    std::string image;
    int replicas = 1;
    double createdAt = 0;
    bool deployed = false;  // has instances that are not being retired
    bool ready = false;
    VersionBlock block = VersionBlock::None;
    bool locked = false;
    std::vector<InstanceSnapshot> instances;  // pods that still exist
};

struct ServiceSnapshot
{
    std::string name;
    std::string group;
    std::vector<std::string> callees;
    std::string defaultVersion;  // where an unpinned request goes under the current rules
    std::vector<VersionSnapshot> versions;
};

struct MeshSnapshot
{
    std::string name;
    std::string pinHeader;
    double time = 0;
    std::vector<ServiceSnapshot> services;
};

struct LiveTotals
{
    std::uint64_t transactionsStarted = 0;
    std::uint64_t transactionsCompleted = 0;
    std::uint64_t failedTransactions = 0;
    std::uint64_t inconsistentTransactions = 0;
    // Service name → inconsistent transactions that ran two of its versions
    // (services with none are absent).
    std::map<std::string, std::uint64_t> inconsistentByService;
    std::uint64_t retriedRequests = 0;
    std::uint64_t rejectedRequests = 0;
    std::uint64_t heldRequests = 0;
    int peakInstances = 0;
};

// The simulated mesh: instances with per-instance tracemgr state, an
// Envoy-like router fed with the generated Istio YAML, a gateway with its
// completed set and DiffSet, a Poisson traffic generator, the update
// strategies and the consistency checker — all on one deterministic
// discrete-event engine. Single-threaded.
class Simulation final
{
public:
    Simulation(Topology topology, SimConfig config);
    ~Simulation();
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    // Rejects an unknown service/version, an update of a service that already
    // has one, from == to, or a target version without instances.
    core::Result<std::size_t> scheduleUpdate(UpdateRequest request);

    void runUntil(double time);
    // Real-time mode: runs until virtual time `until`, each event at the wall
    // moment `pacer` maps its time to (1 unit = 1 ms at speed 1), sleeping in
    // between. Returns early, at the current virtual time, when `stop` turns true.
    void runRealTime(double until, const RealTimePacer& pacer, const std::atomic<bool>& stop);
    // Runs until every update has finished (or `maxTime`), then lets running
    // transactions finish without new arrivals for at most `drain` more time.
    void runUpdates(double maxTime, double drain);

    double now() const;
    const RunMetrics& metrics() const;
    const ConsistencyChecker& checker() const;
    const std::vector<TransactionRecord>& records() const;  // with SimConfig::keepRecords
    const Topology& topology() const;

    // The Istio YAML currently applied for a service (what the router interprets).
    std::string rulesYaml(std::string_view service) const;
    std::size_t liveInstances(std::string_view service, std::string_view version) const;
    // Trace ids recorded by the instances of a version; and the ids rejected with 503.
    std::vector<core::TraceId> recordedIds(std::string_view service,
                                           std::string_view version) const;
    const std::vector<core::TraceId>& rejectedIds() const;
    // Trace ids held by every instance's TraceidSet plus the gateway's
    // completed set: bounded by the running transactions, not by run length.
    std::size_t heldTraceIds() const;

    void setObserver(std::function<void(const SimEvent&)> observer);

    // --- Live control (simulation_control.cpp), for a controller driving the
    // mesh step by step instead of the in-sandbox strategies. post() and wake()
    // are thread-safe; every other method must run on the thread that runs the
    // simulation (post a closure to it).

    // Queues `task` for runRealTime()/runForever(), which run it between events
    // at the current virtual time, waking up at once if they were sleeping.
    void post(std::function<void()> task);
    // Makes a sleeping runRealTime() re-check its `stop` flag now.
    void wake();
    // Runs the queued closures now (e.g. those left when the loop stopped).
    void runPosted();
    // runRealTime() with no end: runs until `stop` turns true.
    void runForever(const RealTimePacer& pacer, const std::atomic<bool>& stop);
    // Called between events, never inside one, after a version became ready, a
    // drain emptied or rules changed (runRealTime, runUntil). takeChange()
    // reports and clears a change nobody was told about yet.
    void setChangeCallback(std::function<void()> callback);
    bool takeChange();
    // Starts the per-edge counters (off by default: the batch runs do not pay for them).
    void enableEdgeStats();

    // Adds a version under `parent`: it inherits the parent's script and replicas.
    core::Status registerVersion(std::string_view service, std::string_view version,
                                 std::string_view parent, std::string_view image);
    // Creates the version's replicas (unless it has instances); they go live
    // `readyDelay` later (0: at once). Idempotent.
    core::Status deployVersion(std::string_view service, std::string_view version,
                               double readyDelay);
    bool versionReady(std::string_view service, std::string_view version) const;
    // Replaces the service's rules; bad YAML is rejected and the old rules stay.
    core::Status applyRulesYaml(std::string_view service, std::string_view yaml);
    core::Status setBlockMode(std::string_view service, std::string_view version,
                              VersionBlock mode);
    core::Status setLocked(std::string_view service, std::string_view version, bool locked);
    core::Result<std::vector<LiveInstanceSet>> instanceSets(std::string_view service,
                                                            std::string_view version) const;
    // A drain with the same spec is left alone; a different one replaces it.
    core::Status startDrain(const LiveDrainSpec& spec);
    LiveDrainStatus drainStatus(std::string_view service) const;
    // Ends the drain; true when it had emptied. No drain: false.
    core::Result<bool> stopDrain(std::string_view service);
    // Removes the version's instances; they finish what they hold.
    core::Status retireVersion(std::string_view service, std::string_view version);
    EdgeSnapshot edgeSnapshot() const;
    MeshSnapshot meshSnapshot() const;
    LiveTotals liveTotals() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace concord::sandbox
