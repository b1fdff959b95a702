#pragma once

// The resource orchestrator's planner and state (DESIGN.md §8): spreads the
// resources of one type (`Thing`, `Rule`) over instances (pods). Pure C++ and
// clock-free — every time is a parameter in ms, so tests and the sandbox run
// it in virtual time. Not thread-safe: the owner serialises calls.

#include <absl/container/flat_hash_map.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace concord::core {

struct OrchestrationParameters
{
    int initInstances = 10;  // 1…maxInstances
    int maxInstances = 100;  // 3…100
    int resourcePerInstance = 1000;  // 1…5000
};

// The valid ranges (§8); the console's form and the REST server share them.
inline constexpr int kMinMaxInstances = 3;
inline constexpr int kMaxMaxInstances = 100;
inline constexpr int kMinResourcePerInstance = 1;
inline constexpr int kMaxResourcePerInstance = 5000;
inline constexpr int kMinInitInstances = 1;
inline constexpr int kDefaultInitInstances = 10;

// One InvalidArgument error naming the first invalid parameter and its range,
// e.g. "maxInstances must be between 3 and 100, got 2". Never adjusts a value.
Status validateParameters(const OrchestrationParameters& parameters);

struct OrchestrationPlan
{
    int instances = 0;
    int resourcePerInstance = 0;  // after the "fewer than initInstances" adjustment
};

// §8: instances = floor(count / resourcePerInstance) + 1; more than
// maxInstances → FailedPrecondition "require instances more than the max:
// n/max"; fewer than initInstances → initInstances instances and
// resourcePerInstance = floor(count / instances) + 1. Validates first.
Result<OrchestrationPlan> planOrchestration(std::uint64_t count,
                                            const OrchestrationParameters& parameters);

// Splits `ids` (in order) over plan.instances buckets of at most
// plan.resourcePerInstance each, filling the first instances first.
std::vector<std::vector<std::string>> assignResources(const std::vector<std::string>& ids,
                                                      const OrchestrationPlan& plan);

enum class PodPhase
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Unknown,
};
std::string_view toString(PodPhase phase);  // "Pending", "Running", …

struct OrchestratorInstance
{
    std::string id;  // "<type>-<n>", e.g. "thing-3"; stable across recreations
    std::vector<std::string> resources;  // ids, in placement order
    int capacity = 0;                    // resourcePerInstance of the plan it belongs to
    int reloadTimes = 0;                 // incremented by every reload of its resource set
    double lastHeartbeatMs = 0;
    PodPhase podPhase = PodPhase::Pending;
    std::string podName;  // "<id>-<generation>", changes when recreated
    int recreations = 0;
};

inline constexpr double kHeartbeatWindowMs = 90'000;
inline constexpr double kMonitorPeriodMs = 60'000;

// What tick() did, for logs and tests.
struct OrchestratorEvent
{
    enum class Kind
    {
        RecreatedSilent,     // missed its heartbeat window
        RecreatedPodFailed,  // the monitor found it Succeeded, Failed or Unknown
    };
    Kind kind;
    std::string instanceId;
    std::string message;
};

class Orchestrator final
{
public:
    explicit Orchestrator(std::string resourceType);  // "Thing", "Rule"

    const std::string& resourceType() const { return m_type; }
    const OrchestrationParameters& parameters() const { return m_parameters; }
    const std::vector<OrchestratorInstance>& instances() const { return m_instances; }
    std::uint64_t resourceCount() const;
    double lastOrchestratedMs() const { return m_lastOrchestratedMs; }

    // Replaces the whole assignment with a fresh plan over `ids`: every
    // instance reloads (reloadTimes + 1), new ones start Pending with a
    // heartbeat at `nowMs`, surplus ones are removed. On error nothing changes.
    Status orchestrate(const std::vector<std::string>& ids,
                       const OrchestrationParameters& parameters, double nowMs);

    // A new resource goes to the last instance with room, else to a new
    // instance (if maxInstances allows; else FailedPrecondition). The instance
    // that takes it reloads. AlreadyExists if placed already.
    Result<std::string> addResource(const std::string& id, double nowMs);
    // Removes it from its instance (which reloads). NotFound if not placed.
    Status removeResource(const std::string& id);
    // The instance running `id`, or nullopt.
    std::optional<std::string> runIn(std::string_view id) const;

    // An instance reports in; NotFound for an unknown instance id. A Pending
    // pod that heartbeats is Running.
    Status heartbeat(std::string_view instanceId, double nowMs);
    // What the cluster reports for the instance's pod.
    Status setPodPhase(std::string_view instanceId, PodPhase phase);

    // Advances the orchestrator's timers to `nowMs`: an instance whose last
    // heartbeat is older than kHeartbeatWindowMs is recreated; every
    // kMonitorPeriodMs the monitor recreates instances whose pod is Succeeded,
    // Failed or Unknown. A recreated instance keeps its id and resources, gets
    // a new podName, starts Pending with a fresh heartbeat, and reloads.
    std::vector<OrchestratorEvent> tick(double nowMs);

private:
    // Instance n always sits at m_instances[n] with id "<prefix>-<n>" (none is
    // ever removed but the surplus at the end), so an id maps to its index.
    OrchestratorInstance* findInstance(std::string_view instanceId);
    OrchestratorInstance makeInstance(std::size_t n, int capacity, double nowMs);
    std::string nextPodName(std::size_t n);
    void applyPlan(const OrchestrationPlan& plan, std::vector<std::vector<std::string>> buckets,
                   double nowMs);
    // The last instance with room, else a new one; nullopt at maxInstances.
    std::optional<std::size_t> instanceWithRoom(double nowMs);
    void recreate(std::size_t n, double nowMs);
    bool monitorDue(double nowMs);

    std::string m_type;
    std::string m_prefix;  // m_type in lower case: instance ids and messages
    OrchestrationParameters m_parameters;
    OrchestrationPlan m_plan;
    std::vector<OrchestratorInstance> m_instances;
    // resource id → index into m_instances: runIn, add and remove in O(1).
    absl::flat_hash_map<std::string, std::size_t> m_placement;
    // Pod generations by instance number; kept when an instance is removed so
    // a pod name is never reused.
    std::vector<int> m_generations;
    bool m_orchestrated = false;
    double m_lastOrchestratedMs = 0;
    // The monitor epoch last run: epochs are multiples of kMonitorPeriodMs
    // since the first orchestrate().
    double m_lastMonitorMs = 0;
};

}  // namespace concord::core
