#pragma once

// The update runner (DESIGN.md §3, §4): one explicit state machine per
// update over the §3 phases, for every strategy, driving a Driver and writing
// every transition and operator action to the Journal *before* its effect.
// One update per service at a time; updates of different services run in
// parallel. On start, resumeUnfinished() picks up what the journal says was
// running and repeats the (idempotent) effect of the phase it was in.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/result.h"
#include "core/rule_generator.h"
#include "driver.h"
#include "journal.h"

namespace concord::controller {

enum class Strategy
{
    Cv,     // Concord's protocol: pins, default switch, block & lock, DiffSet drain
    Bf,     // block unpinned requests to the old version until it drains, then switch
    Wf,     // nothing blocks; swap the moment the old version is free (with a timeout)
    Naive,  // swap at once — inconsistent under load; needs an explicit acknowledgement
};
std::string_view toString(Strategy strategy);  // "cv", "bf", "wf", "naive"
std::optional<Strategy> strategyFromString(std::string_view text);

// The steps of the state machine, as the API (UpdatePhase) names them. The
// §3 rule shapes (core::UpdatePhase) are what the rules look like *during* a
// step; the journal records both (Transition::phase = rule shape,
// Transition::state = toString(RunPhase)).
enum class RunPhase
{
    Initial,
    Deploy,         // new version's instances created, waiting until ready
    Pin,            // rules with pin routes, default still the old version
    SwitchDefault,  // default route to the new version
    BlockAndLock,   // old instances reject (CV) or hold (BF) unpinned requests; sets locked
    SyncAndDiff,    // old sets sent to the gateway, DiffSet computed
    Drain,          // waiting for the DiffSet to empty
    Retire,         // final rules, old instances removed
    Rollback,       // aborted / timed out: rules and instances going back to the old version
};
std::string_view toString(RunPhase phase);  // "initial", "deploy", "pin", "switch_default", …
std::optional<RunPhase> runPhaseFromString(std::string_view text);

// Where an update is, as the API reports it.
enum class RunState
{
    Running,
    RollingBack,  // aborted or timed out after traffic reached the new version; draining it
    Completed,
    ForceRetired,
    Aborted,
    TimedOut,
    Failed,  // the driver refused an effect the runner cannot recover from
};
std::string_view toString(RunState state);
bool isFinal(RunState state);

struct UpdateOptions
{
    double stragglerTtlMs = 0;  // > 0: DiffSet ids older than this are listed as stragglers
    double timeoutMs = 0;       // > 0: WF/BF give up after this long in DRAIN and roll back
    core::IstioApiVersion apiVersion = core::IstioApiVersion::V1;
};

struct UpdateRequestSpec
{
    std::string service;
    std::string targetVersion;
    Strategy strategy = Strategy::Cv;
    UpdateOptions options;
    bool naiveAcknowledged = false;  // Naive is refused without it
    std::string actor = "local";     // who asked (token name), for the journal
    std::string role = "operator";
};

struct PlannedPhase
{
    RunPhase phase = RunPhase::Initial;
    std::string description;
    std::string rulesYaml;  // the rules in force during the phase
    bool rulesChanged = false;
};

struct Plan
{
    std::string service;
    std::string fromVersion;
    std::string targetVersion;
    Strategy strategy = Strategy::Cv;
    std::vector<PlannedPhase> phases;  // in the order the strategy visits them
    std::vector<std::string> warnings;
};

struct PhaseTime
{
    RunPhase phase = RunPhase::Initial;
    std::int64_t enteredAtUnixMs = 0;
    std::int64_t leftAtUnixMs = 0;  // 0 while in the phase
};

struct UpdateMetricsSummary
{
    double timelinessMs = -1;  // request → old version removable; -1 until known
    double disruptionMs = 0;
    std::uint64_t failedTransactions = 0;
    std::uint64_t retriedRequests = 0;
    std::uint64_t inconsistentTransactions = 0;
    int peakInstances = 0;
    std::uint64_t heldRequests = 0;
    std::uint64_t rejectedRequests = 0;
    std::uint64_t stragglers = 0;
    std::uint64_t possibleViolations = 0;
};

// Everything WatchUpdate streams and ListUpdates / GetHistory summarise.
struct UpdateSnapshot
{
    std::string id;
    std::string service;
    std::string fromVersion;
    std::string targetVersion;
    Strategy strategy = Strategy::Cv;
    RunPhase phase = RunPhase::Initial;
    RunState state = RunState::Running;
    std::vector<InstanceSet> oldInstances;
    std::uint64_t completedCount = 0;
    std::uint64_t diffSetSize = 0;
    std::uint64_t stragglerCount = 0;
    std::vector<Straggler> stragglers;
    std::vector<PhaseTime> phaseTimes;
    std::uint64_t inconsistentTransactions = 0;
    std::string message;  // last human-readable event
    std::int64_t requestedAtUnixMs = 0;
    std::int64_t finishedAtUnixMs = 0;  // 0 while unfinished
    std::int64_t observedAtUnixMs = 0;
    std::string requestedBy;
    UpdateMetricsSummary metrics;
    std::uint64_t revision = 0;  // increases on every change of this update
};

struct RunnerOptions
{
    double tickMs = 20;  // wall-clock period of the reconcile loop (it also wakes on changes)
    std::size_t keepFinished = 200;  // finished updates kept in memory for Watch/List
    // resumeUnfinished(): how long (wall ms) to wait for re-deployed versions to
    // be ready before re-applying rules that send traffic to them.
    double resumeReadyTimeoutMs = 5000;
    // Called on the runner's thread when an update's step was journaled
    // (point "journaled", before its effect) and when its effect was applied
    // ("applied"). concordd's crash test uses it to kill -9 itself there.
    std::function<void(std::string_view updateId, RunPhase step, std::string_view point)> stepHook;
};

class UpdateRunner final
{
public:
    UpdateRunner(Driver& driver, Journal& journal, RunnerOptions options = {});
    ~UpdateRunner();  // stops the loop; unfinished updates stay in the journal
    UpdateRunner(const UpdateRunner&) = delete;
    UpdateRunner& operator=(const UpdateRunner&) = delete;

    // Loads the journal's unfinished updates (call before start()).
    core::Status resumeUnfinished();
    void start();  // the reconcile loop on its own thread
    void stop();

    // Errors carry codes: InvalidArgument (message names the field), NotFound,
    // FailedPrecondition (another update of the service is unfinished; naive
    // not acknowledged; target is the serving version; not in a phase that
    // allows the action).
    core::Result<Plan> plan(const UpdateRequestSpec& request) const;
    core::Result<std::string> startUpdate(const UpdateRequestSpec& request);  // the update id
    core::Result<UpdateSnapshot> abort(std::string_view id, std::string_view actor,
                                       std::string_view role, std::string_view reason);
    // Retires the old version with its DiffSet not empty; returns the number
    // of possible violations (ids still in the DiffSet). Only in DRAIN.
    core::Result<std::uint64_t> forceRetire(std::string_view id, std::string_view actor,
                                            std::string_view role, std::string_view reason);
    core::Status registerVersion(std::string_view service, std::string_view version,
                                 std::string_view parent, std::string_view image,
                                 std::string_view actor, std::string_view role);

    core::Result<UpdateSnapshot> snapshot(std::string_view id) const;
    // Unfinished updates and recently finished ones, oldest first; `service` empty = all.
    std::vector<UpdateSnapshot> list(std::string_view service) const;
    std::optional<std::string> activeUpdateFor(std::string_view service) const;

    // Increases on any change of any update. Waits until it exceeds `seen`
    // or the deadline passes; returns the current value.
    std::uint64_t revision() const;
    std::uint64_t waitForChange(std::uint64_t seen, std::chrono::milliseconds timeout) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace concord::controller
