#pragma once

// The resource orchestrator as the sandbox daemon runs it (DESIGN.md §8,
// docs/orchestrator-api.md): Thing and Rule stores, one core::Orchestrator
// per type, and simulated instance pods in virtual time. A pod starts
// `podStartDelayMs` after it was created (its first heartbeat makes it
// Running) and then heartbeats every `heartbeatPeriodMs`; core's tick
// recreates instances that fall silent or whose pod ends. Failure injection
// (silence, pod phases) and resource adds/removes exist for tests and demos.
//
// Thread-safe: one mutex serialises every call. Each call first advances the
// simulation to the clock's now, so what it answers is current.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/orchestration.h"
#include "core/result.h"

namespace concord::controller {

struct OrchestratorSandboxOptions
{
    // Virtual ms; must not run backwards. Empty = the steady clock.
    std::function<double()> clock;
    // Times are reported as wall clock: `epochUnixMs` is the wall time of the
    // virtual instant `epochVirtualMs` (nullopt: now and clock() at
    // construction), and virtual ms elapse as wall ms from there.
    std::optional<std::int64_t> epochUnixMs;
    std::optional<double> epochVirtualMs;
    int things = 5000;               // "thing-00000", …
    int rules = 800;                 // "rule-000", …
    bool orchestrateAtStart = true;  // with core's default parameters
    double podStartDelayMs = 2000;
    double heartbeatPeriodMs = 30'000;
    // Wall period of the background ticker (start()).
    std::chrono::milliseconds tickPeriod{100};
};

enum class OrchestrationState
{
    NotOrchestrated,
    // From a successful orchestrate until every instance is Running (at once
    // when it started no new instance: core keeps surviving pods).
    Orchestrating,
    Ready,  // until the next orchestrate; later recreations do not change it
};
std::string_view toString(OrchestrationState state);

// One type's orchestration at one instant (what GET answers).
struct OrchestrationSnapshot
{
    std::string resource;     // "thing", "rule"
    std::uint64_t count = 0;  // resources in the store
    OrchestrationState state = OrchestrationState::NotOrchestrated;
    int ready = 0;  // instances whose pod is Running
    int total = 0;
    // As the last orchestrate was given them (nullopt: not orchestrated); each
    // instance's capacity is the planned resourcePerInstance.
    std::optional<core::OrchestrationParameters> parameters;
    std::optional<double> lastOrchestratedMs;
    std::vector<core::OrchestratorInstance> instances;
    double nowMs = 0;  // the virtual instant of the snapshot
};

class OrchestratorSandbox final
{
public:
    explicit OrchestratorSandbox(OrchestratorSandboxOptions options = {});
    ~OrchestratorSandbox();  // stop()
    OrchestratorSandbox(const OrchestratorSandbox&) = delete;
    OrchestratorSandbox& operator=(const OrchestratorSandbox&) = delete;

    // Known types in lower case, sorted: {"rule", "thing"}.
    static const std::vector<std::string>& resourceTypes();
    // NotFound "unknown resource type 'x' (known: rule, thing)"; every call
    // below answers that for an unknown type.
    static core::Status checkType(std::string_view type);

    core::Result<OrchestrationSnapshot> snapshot(std::string_view type);
    // Re-orchestrates every resource of the type. InvalidArgument for invalid
    // parameters or more instances than maxInstances ("require instances more
    // than the max: n/max"); FailedPrecondition while the previous
    // orchestration of that type is Orchestrating ("an orchestration of thing
    // is already running"). On error nothing changes.
    core::Result<OrchestrationSnapshot> orchestrate(std::string_view type,
                                                    const core::OrchestrationParameters& p);
    // The instance running `id`: NotFound for an unknown id or one not placed.
    core::Result<std::string> runIn(std::string_view type, std::string_view id);

    // Stores a new resource and places it (returns the instance, empty when
    // the type is not orchestrated yet). InvalidArgument: an id that is empty,
    // longer than 253 bytes or not [A-Za-z0-9._-]; AlreadyExists; or
    // FailedPrecondition when no instance has room and maxInstances is reached.
    core::Result<std::string> addResource(std::string_view type, std::string_view id);
    // Drops it from the store and its instance; returns that instance (empty
    // when it was not placed). NotFound for an unknown id.
    core::Result<std::string> removeResource(std::string_view type, std::string_view id);
    // The instance's current pod stops heartbeating (its replacement does not).
    core::Status silenceInstance(std::string_view type, std::string_view instanceId);
    // The cluster reports the pod as ended (Failed, Succeeded, Unknown): it
    // stops heartbeating and core's monitor recreates it. Running and Pending
    // are refused (InvalidArgument): the simulation decides those.
    core::Status setPodPhase(std::string_view type, std::string_view instanceId,
                             core::PodPhase phase);

    // Runs the simulation up to the clock's now: pod starts and heartbeats as
    // they fall due, core's tick in steps of at most one second. Returns what
    // core's tick did (recreations).
    std::vector<core::OrchestratorEvent> advance();

    // The background ticker: advance() every tickPeriod. stop() wakes and
    // joins it promptly. Both idempotent; start() after stop() does nothing.
    void start();
    void stop();

    double nowMs() const;
    // A virtual instant as wall-clock Unix ms (see the options).
    std::int64_t toUnixMs(double virtualMs) const;

private:
    struct Type;
    struct Pod;
    Type* findType(std::string_view type);
    core::Result<Type*> typeOrError(std::string_view type);
    core::Result<std::pair<Type*, Pod*>> podOrError(std::string_view type,
                                                    std::string_view instanceId);
    void advanceLocked(double nowMs, std::vector<core::OrchestratorEvent>* events);
    void advanceTypeTo(Type& type, double t, std::vector<core::OrchestratorEvent>* events);
    void syncPods(Type& type, double t);
    void updateReadiness(Type& type);
    double nextPodEvent(const Type& type) const;
    OrchestrationSnapshot snapshotLocked(const Type& type, double nowMs) const;
    void runTicker();

    OrchestratorSandboxOptions m_options;
    std::int64_t m_epochUnixMs = 0;
    double m_epochVirtualMs = 0;
    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<Type>> m_types;  // sorted by name
    double m_advancedTo = 0;

    std::mutex m_tickerMutex;
    std::condition_variable m_tickerWake;
    bool m_tickerStop = false;
    std::thread m_ticker;
};

}  // namespace concord::controller
