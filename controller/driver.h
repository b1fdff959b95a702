#pragma once

// The interface between the update runner and the mesh it changes (DESIGN.md
// §4). The sandbox driver implements it over the simulated mesh; the
// kubernetes driver will implement it over Deployments, VirtualServices /
// DestinationRules and the concord-tracemgr sidecars. The runner never knows
// which one it drives.
//
// Threading: every method may be called from any thread. Actions are
// synchronous — they return once the driver has carried them out (or failed)
// — and idempotent, because a runner resuming after a crash repeats the
// effect of the phase it was in.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/trace_id.h"

namespace concord::controller {

struct InstanceInfo
{
    std::string name;  // unique in the mesh, e.g. "auth-service-v1-0"
    std::string service;
    std::string version;
    bool up = false;                   // ready and receiving traffic
    std::int64_t startedAtUnixMs = 0;  // wall clock
    std::map<std::string, std::string> labels;
};

struct VersionInfo
{
    std::string service;
    std::string name;
    std::string parent;  // empty for the root of the tree
    std::string image;
    std::int64_t createdAtUnixMs = 0;
    int replicas = 1;         // instances a deploy() creates
    bool deployed = false;    // has instances (starting or up)
    double trafficShare = 0;  // share of the service's requests over the last window, 0…1
    std::vector<InstanceInfo> instances;
};

struct ServiceInfo
{
    std::string name;
    std::string ns;  // namespace / group; may be empty
    std::vector<std::string> callees;
    std::vector<VersionInfo> versions;  // creation order
    std::string defaultVersion;         // where unpinned requests go now
};

struct MeshState
{
    std::string name;                      // the mesh / topology name
    std::string pinHeader = "x-version";   // the header pins travel in (rule generation)
    std::string versionLabel = "version";  // the pod label subsets select on
    std::vector<ServiceInfo> services;
};

// Requests from one version of a service to one version of another over the
// window of an edgeStats() call. Root requests have source service "ingress".
struct EdgeStats
{
    std::string sourceService;
    std::string sourceVersion;
    std::string destinationService;
    std::string destinationVersion;
    double requestRate = 0;  // requests per second
    double errorRate = 0;    // share of requests answered with an error, 0…1
    double latencyP50Ms = 0;
    double latencyP99Ms = 0;
};

// The TraceidSet of one instance of the old version.
struct InstanceSet
{
    std::string instance;
    std::uint64_t size = 0;
    bool locked = false;
};

// How an old version's instances treat requests (§3 step 4 and BF).
enum class BlockMode
{
    None,
    RejectUnpinned,  // CV step 4: 503 unless the request carries the version's pin; not recorded
    HoldUnpinned,    // BF: unpinned requests wait until the mode is lifted
};

// The gateway's DiffSet for one service's old version (§3 step 5).
struct DrainSpec
{
    std::string service;
    std::string oldVersion;
    // WF: the old sets stay unlocked and ids recorded after the snapshot join
    // the DiffSet, so "empty" means the old version is free right now.
    bool liveAdds = false;
    // Applied by the driver atomically at the moment the DiffSet first becomes
    // empty (WF swaps at the instant of freeness; any later could let a new
    // transaction use the old version first). Empty: nothing is applied.
    std::string rulesYamlWhenEmpty;
    // Ids whose transaction started longer ago than this are stragglers; 0 = never.
    double stragglerTtlMs = 0;
};

struct Straggler
{
    core::TraceId traceId;
    double ageMs = 0;
};

struct DrainStatus
{
    bool active = false;  // a drain exists for the service
    std::uint64_t diffSetSize = 0;
    std::uint64_t completedSinceStart = 0;  // completions the gateway saw since startDrain
    bool emptied = false;  // the DiffSet reached 0 (and rulesYamlWhenEmpty, if any, was applied)
    std::uint64_t stragglerCount = 0;
    std::vector<Straggler> stragglers;  // the oldest, at most 100
};

// Whole-mesh counters since the driver started.
struct TrafficTotals
{
    std::uint64_t transactionsStarted = 0;
    std::uint64_t transactionsCompleted = 0;
    std::uint64_t failedTransactions = 0;
    std::uint64_t inconsistentTransactions = 0;  // as far as the driver can tell (sandbox: exact)
    // Per service: those that ran two of its versions (absent = none).
    std::map<std::string, std::uint64_t> inconsistentByService;
    std::uint64_t retriedRequests = 0;
    std::uint64_t rejectedRequests = 0;  // 503 from blocked instances
    std::uint64_t heldRequests = 0;      // held by HoldUnpinned
    int peakInstances = 0;
};

class Driver
{
public:
    virtual ~Driver() = default;

    virtual std::string_view kind() const = 0;  // "sandbox", "kubernetes"
    // The driver's clock in ms. Phase gaps, timeouts and straggler ages are
    // measured on it (the sandbox's virtual time, which may run faster than
    // the wall clock; the kubernetes driver's is the wall clock).
    virtual double nowMs() const = 0;
    // How long applied rules take to reach every sidecar: the runner waits this
    // long after applyRules() before relying on them.
    virtual double rulePropagationMs() const = 0;
    // Wakes the runner when something it may be waiting for changed (a version
    // became ready, a DiffSet emptied). Called from the driver's threads.
    virtual void setChangeListener(std::function<void()> listener) = 0;

    // --- observation
    virtual MeshState mesh() const = 0;
    virtual core::Result<std::string> rulesYaml(std::string_view service) const = 0;
    // Rates over the time since the previous call with the same `cursor`
    // (each stream keeps its own cursor; 0 = a new one, returned in `cursor`).
    virtual std::vector<EdgeStats> edgeStats(std::uint64_t& cursor) = 0;
    virtual TrafficTotals totals() const = 0;

    // --- actions (synchronous, idempotent)
    // Adds a version to a service's tree (no instances). NotFound for an
    // unknown service or parent, AlreadyExists for an existing name.
    virtual core::Status registerVersion(std::string_view service, std::string_view version,
                                         std::string_view parent, std::string_view image) = 0;
    // Ensures the version's instances exist; they become ready later (ready()).
    virtual core::Status deploy(std::string_view service, std::string_view version) = 0;
    virtual bool ready(std::string_view service, std::string_view version) const = 0;
    // Replaces the service's VirtualService and DestinationRule with `yaml`
    // (both documents, as core::toYaml emits them).
    virtual core::Status applyRules(std::string_view service, std::string_view yaml) = 0;
    virtual core::Status setBlockMode(std::string_view service, std::string_view version,
                                      BlockMode mode) = 0;
    // Locks (or unlocks) the TraceidSets of the version's instances.
    virtual core::Status setLocked(std::string_view service, std::string_view version,
                                   bool locked) = 0;
    virtual core::Result<std::vector<InstanceSet>> instanceSets(std::string_view service,
                                                                std::string_view version) const = 0;
    // Snapshots the old version's sets to the gateway and computes the
    // DiffSet. Starting a drain that exists with the same spec is a no-op.
    virtual core::Status startDrain(const DrainSpec& spec) = 0;
    virtual DrainStatus drainStatus(std::string_view service) const = 0;
    // Ends the service's drain. Returns whether it had emptied (and so
    // applied its rulesYamlWhenEmpty) before it was stopped — a runner
    // cancelling a WF swap learns whether the swap won the race.
    virtual core::Result<bool> stopDrain(std::string_view service) = 0;
    // Removes the version's instances (they finish the requests they hold).
    virtual core::Status retire(std::string_view service, std::string_view version) = 0;
};

}  // namespace concord::controller
