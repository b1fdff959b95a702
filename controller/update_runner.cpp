// The update runner: one state machine per update (steps in update_plan.h),
// advanced by a single reconcile loop. Per step the loop runs the step's
// entry effects once, then polls its exit condition; a transition is written
// to the journal (under the runner's mutex, so operator actions cannot slip in
// between the decision and the record) before the next step's effects run.
// Driver calls never happen under the mutex.

#include "update_runner.h"

#include <algorithm>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>

#include "log.h"
#include "update_plan.h"

namespace concord::controller {

using core::ErrorCode;
using nlohmann::json;

namespace {

enum class Cause
{
    Abort,
    Timeout,
};

UpdateState journalState(RunState state)
{
    switch (state) {
        case RunState::Completed:
            return UpdateState::Completed;
        case RunState::ForceRetired:
            return UpdateState::ForceRetired;
        case RunState::TimedOut:
            return UpdateState::TimedOut;
        default:  // the journal has no "failed": Aborted, with the reason in the metrics
            return UpdateState::Aborted;
    }
}

std::uint64_t delta(std::uint64_t now, std::uint64_t start)
{
    return now >= start ? now - start : now;  // a driver that restarted counts from 0
}

}  // namespace

// One update. The fixed part is set at creation; the loop part only the loop
// thread touches; the shared part is guarded by Impl::mutex.
struct Run
{
    std::string id;
    UpdateTarget target;
    Strategy strategy = Strategy::Cv;
    UpdateOptions options;

    Step step;
    std::int64_t seq = 0;
    bool effectsDone = false;
    bool resumed = false;  // the next effects are the cumulative ones of a resumed step
    double enteredMs = 0;  // driver clock when the step's effects were done
    Cause cause = Cause::Abort;
    bool forced = false;
    std::uint64_t possibleViolations = 0;
    bool swapped = false;     // Cancel: the WF drain had already swapped the rules
    double requestedMs = -1;  // driver clock at the request; -1 after a resume (other clock)
    TrafficTotals startTotals;

    UpdateSnapshot snap;
    std::optional<std::string> abortReason;
    std::optional<std::uint64_t> forceViolations;
};

namespace {

// What the loop does after polling a step.
struct Outcome
{
    enum Kind
    {
        Stay,
        Goto,
        Finish,
    } kind = Stay;
    Step next;
    Cause cause = Cause::Abort;
    bool forced = false;
    std::uint64_t violations = 0;
    RunState finalState = RunState::Completed;
    std::string message;
};

Outcome stay()
{
    return {};
}

Outcome gotoStep(Step next, std::string message = {})
{
    Outcome out;
    out.kind = Outcome::Goto;
    out.next = next;
    out.message = std::move(message);
    return out;
}

Outcome rollbackTo(RollbackStep step, Cause cause, std::string message)
{
    Outcome out = gotoStep(Step{RunPhase::Rollback, step}, std::move(message));
    out.cause = cause;
    return out;
}

Outcome finishWith(RunState state, std::string message)
{
    Outcome out;
    out.kind = Outcome::Finish;
    out.finalState = state;
    out.message = std::move(message);
    return out;
}

std::string causeName(Cause cause)
{
    return cause == Cause::Timeout ? "timeout" : "abort";
}

std::string transitionDetail(const Outcome& out)
{
    json detail = json::object();
    if (out.next.phase == RunPhase::Rollback) {
        detail["rollback"] = std::string(toString(out.next.rollback));
        detail["cause"] = causeName(out.cause);
    }
    if (out.forced) {
        detail["forced"] = true;
        detail["possibleViolations"] = out.violations;
    }
    return detail.dump();
}

std::string optionsJson(const UpdateRequestSpec& request)
{
    json options = {
        {"stragglerTtlMs", request.options.stragglerTtlMs},
        {"timeoutMs", request.options.timeoutMs},
        {"apiVersion", std::string(core::toApiVersionString(request.options.apiVersion))},
        {"naiveAcknowledged", request.naiveAcknowledged},
        {"actor", request.actor},
    };
    return options.dump();
}

json metricsJson(const UpdateSnapshot& snap, bool resumed)
{
    const UpdateMetricsSummary& m = snap.metrics;
    return json{
        {"state", std::string(toString(snap.state))},
        {"message", snap.message},
        {"timelinessMs", m.timelinessMs},
        {"disruptionMs", m.disruptionMs},
        {"failedTransactions", m.failedTransactions},
        {"retriedRequests", m.retriedRequests},
        {"inconsistentTransactions", m.inconsistentTransactions},
        {"peakInstances", m.peakInstances},
        {"heldRequests", m.heldRequests},
        {"rejectedRequests", m.rejectedRequests},
        {"stragglers", m.stragglers},
        {"possibleViolations", m.possibleViolations},
        {"resumed", resumed},
    };
}

// What wakes the runner's loop: a change of the driver or a request.
struct Wakeup
{
    std::mutex mutex;
    std::condition_variable cv;
    bool flag = false;
    bool stopping = false;

    void wake()
    {
        {
            const std::lock_guard lock(mutex);
            flag = true;
        }
        cv.notify_all();
    }
};

}  // namespace

struct UpdateRunner::Impl
{
    Impl(Driver& d, Journal& j, RunnerOptions o) : driver(d), journal(j), options(o) {}

    Driver& driver;
    Journal& journal;
    RunnerOptions options;

    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::uint64_t revision = 0;
    std::map<std::string, std::shared_ptr<Run>, std::less<>> runs;
    std::deque<std::shared_ptr<Run>> order;                  // oldest first
    std::map<std::string, std::string, std::less<>> active;  // service → update id
    std::size_t finishedCount = 0;

    // Shared with the driver's change listener, which may still be running on
    // the driver's thread when the runner is destroyed.
    std::shared_ptr<Wakeup> wakeup = std::make_shared<Wakeup>();
    std::thread thread;

    // --- loop (update_runner.cpp)
    void wake();
    void loop();
    std::vector<std::shared_ptr<Run>> activeRuns() const;
    void advance(Run& run);
    void refresh(Run& run);
    void updateDrain(Run& run, const DrainStatus& status);
    bool commit(Run& run, Outcome out);
    void applyPendingOps(Run& run, Outcome& out);
    bool journalGoto(Run& run, const Outcome& out);
    bool journalFinish(Run& run, const Outcome& out);
    void onDriverError(Run& run, const core::Error& error);
    void bump(Run& run, std::string message);
    void enterPhaseTime(Run& run, RunPhase phase);
    void closePhaseTime(Run& run);
    void retireFinished();

    // --- steps
    core::Status effects(Run& run);
    core::Status entryEffects(Run& run);
    core::Status rollbackEffects(Run& run);
    core::Status resumeEffects(Run& run);
    core::Result<Outcome> poll(Run& run);
    core::Result<Outcome> pollDrain(Run& run);
    core::Result<Outcome> pollRollback(Run& run);
    core::Result<Outcome> retireExit(Run& run);
    core::Status applyShape(const Run& run, core::UpdatePhase shape);
    core::Status stopDrain(const std::string& service);
    core::Status block(const Run& run, const std::string& version, BlockMode mode);
    DrainSpec drainSpec(const Run& run) const;
    bool propagated(const Run& run) const;

    // --- start / resume
    core::Status checkNoUnfinished(const std::string& service);
    std::shared_ptr<Run> newRun(const std::string& id, const UpdateTarget& target,
                                const UpdateRequestSpec& request);
    core::Status begin(Run& run, const UpdateRequestSpec& request);
    void insert(const std::shared_ptr<Run>& run);
    std::shared_ptr<Run> runFromRecord(const UpdateRecord& record, const MeshState& mesh);
    void replayRegistrations();
    void replayFinished();
    std::shared_ptr<Run> finishedRun(const UpdateRecord& record, const MeshState& mesh);
    void waitReady(const std::vector<std::shared_ptr<Run>>& runs);
    void restoreOperatorState(Run& run, const UpdateRecord& record);
};

// ---------------------------------------------------------------- loop

void UpdateRunner::Impl::wake()
{
    wakeup->wake();
}

void UpdateRunner::Impl::loop()
{
    const auto tick = std::chrono::duration<double, std::milli>(std::max(options.tickMs, 1.0));
    for (;;) {
        for (const std::shared_ptr<Run>& run : activeRuns()) {
            refresh(*run);
            advance(*run);
        }
        std::unique_lock lock(wakeup->mutex);
        wakeup->cv.wait_for(lock, tick, [&] { return wakeup->flag || wakeup->stopping; });
        wakeup->flag = false;
        if (wakeup->stopping)
            return;
    }
}

std::vector<std::shared_ptr<Run>> UpdateRunner::Impl::activeRuns() const
{
    const std::lock_guard lock(mutex);
    std::vector<std::shared_ptr<Run>> result;
    for (const std::shared_ptr<Run>& run : order) {
        if (!isFinal(run->snap.state))
            result.push_back(run);
    }
    return result;
}

void UpdateRunner::Impl::advance(Run& run)
{
    // Steps without a wait (SyncAndDiff → Drain, …) chain within one tick.
    for (int guard = 0; guard < 16; ++guard) {
        if (!run.effectsDone) {
            if (auto ok = effects(run); !ok) {
                onDriverError(run, ok.error());
                return;
            }
            run.effectsDone = true;
            run.resumed = false;
            run.enteredMs = driver.nowMs();
            if (options.stepHook && run.step.phase != RunPhase::Initial)  // never journaled
                options.stepHook(run.id, run.step.phase, "applied");
        }
        auto out = poll(run);
        if (!out) {
            onDriverError(run, out.error());
            return;
        }
        if (out->kind == Outcome::Finish)
            refresh(run);  // final metrics
        if (!commit(run, std::move(*out)))
            return;
        if (options.stepHook)
            options.stepHook(run.id, run.step.phase, "journaled");
    }
}

void UpdateRunner::Impl::refresh(Run& run)
{
    const TrafficTotals totals = driver.totals();
    std::optional<std::vector<InstanceSet>> sets;
    if (run.step.phase != RunPhase::Retire) {
        if (auto result = driver.instanceSets(run.target.service, run.target.fromVersion))
            sets = std::move(*result);
    }
    const std::lock_guard lock(mutex);
    UpdateSnapshot& snap = run.snap;
    const UpdateMetricsSummary before = snap.metrics;
    UpdateMetricsSummary& m = snap.metrics;
    const TrafficTotals& s = run.startTotals;
    m.failedTransactions = delta(totals.failedTransactions, s.failedTransactions);
    m.retriedRequests = delta(totals.retriedRequests, s.retriedRequests);
    // Only the updated service's: another may be updated meanwhile, naively.
    const auto ofService = [&](const TrafficTotals& t) {
        const auto it = t.inconsistentByService.find(run.target.service);
        return it == t.inconsistentByService.end() ? std::uint64_t{0} : it->second;
    };
    m.inconsistentTransactions = delta(ofService(totals), ofService(s));
    m.heldRequests = delta(totals.heldRequests, s.heldRequests);
    m.rejectedRequests = delta(totals.rejectedRequests, s.rejectedRequests);
    m.peakInstances = totals.peakInstances;
    m.stragglers = snap.stragglerCount;
    m.possibleViolations = run.possibleViolations;
    snap.inconsistentTransactions = m.inconsistentTransactions;
    bool changedSets = false;
    if (sets) {
        changedSets = sets->size() != snap.oldInstances.size() ||
                      !std::equal(sets->begin(), sets->end(), snap.oldInstances.begin(),
                                  [](const InstanceSet& a, const InstanceSet& b) {
                                      return a.instance == b.instance && a.size == b.size &&
                                             a.locked == b.locked;
                                  });
        snap.oldInstances = std::move(*sets);
    }
    const bool changedMetrics = m.failedTransactions != before.failedTransactions ||
                                m.retriedRequests != before.retriedRequests ||
                                m.inconsistentTransactions != before.inconsistentTransactions ||
                                m.heldRequests != before.heldRequests ||
                                m.rejectedRequests != before.rejectedRequests ||
                                m.peakInstances != before.peakInstances;
    if (changedSets || changedMetrics) {
        snap.revision = ++revision;
        changed.notify_all();
    }
}

void UpdateRunner::Impl::updateDrain(Run& run, const DrainStatus& status)
{
    const std::lock_guard lock(mutex);
    UpdateSnapshot& snap = run.snap;
    const bool same = snap.diffSetSize == status.diffSetSize &&
                      snap.completedCount == status.completedSinceStart &&
                      snap.stragglerCount == status.stragglerCount;
    snap.diffSetSize = status.diffSetSize;
    snap.completedCount = status.completedSinceStart;
    snap.stragglerCount = status.stragglerCount;
    snap.stragglers = status.stragglers;
    snap.metrics.stragglers = status.stragglerCount;
    if (!same) {
        snap.revision = ++revision;
        changed.notify_all();
    }
}

bool UpdateRunner::Impl::commit(Run& run, Outcome out)
{
    const std::lock_guard lock(mutex);
    applyPendingOps(run, out);
    switch (out.kind) {
        case Outcome::Stay:
            return false;
        case Outcome::Finish:
            journalFinish(run, out);
            return false;
        case Outcome::Goto:
            return journalGoto(run, out);
    }
    return false;
}

// Operator requests win over what the step would do next (called under the mutex).
void UpdateRunner::Impl::applyPendingOps(Run& run, Outcome& out)
{
    if (out.kind == Outcome::Finish)
        return;
    if (run.forceViolations && run.step.phase == RunPhase::Drain) {
        const std::uint64_t violations = *run.forceViolations;
        out = gotoStep(Step{RunPhase::Retire}, "force retire with " + std::to_string(violations) +
                                                   " transactions still in the DiffSet");
        out.forced = true;
        out.violations = violations;
        return;
    }
    if (run.abortReason) {
        if (const auto rollback = rollbackFor(run.strategy, run.step.phase)) {
            out = rollbackTo(*rollback, Cause::Abort, "aborted: " + *run.abortReason);
            return;
        }
        run.abortReason.reset();  // too late (Retire / Rollback): abort() refused it already
    }
}

void resetDrain(UpdateSnapshot& snap)
{
    snap.diffSetSize = 0;
    snap.completedCount = 0;
    snap.stragglerCount = 0;
    snap.stragglers.clear();
}

bool UpdateRunner::Impl::journalGoto(Run& run, const Outcome& out)
{
    Transition transition;
    transition.seq = run.seq + 1;
    transition.phase = ruleShape(run.strategy, out.next);
    transition.state = std::string(toString(out.next.phase));
    transition.detailJson = transitionDetail(out);
    if (auto ok = journal.recordTransition(run.id, transition); !ok) {
        run.snap.message = "journal: " + ok.error().toString() + " (retrying)";
        return false;
    }
    run.seq = transition.seq;
    const bool phaseChanged = out.next.phase != run.step.phase;
    run.step = out.next;
    run.effectsDone = false;
    if (out.next.phase == RunPhase::Rollback) {
        run.cause = out.cause;
        run.abortReason.reset();
    }
    if (out.forced) {
        run.forced = true;
        run.possibleViolations = out.violations;
        run.forceViolations.reset();
    }
    const bool reverse = out.next.rollback == RollbackStep::Repin ||
                         out.next.rollback == RollbackStep::BlockNew ||
                         out.next.rollback == RollbackStep::DrainNew;
    if (reverse)
        run.snap.state = RunState::RollingBack;
    if (phaseChanged)
        enterPhaseTime(run, out.next.phase);
    if (out.next.phase == RunPhase::SyncAndDiff || out.next.rollback == RollbackStep::Repin)
        resetDrain(run.snap);  // the DiffSet shown is the drain this step starts
    std::string message = out.message;
    if (message.empty()) {
        message = std::string(toString(out.next.phase));
        if (out.next.rollback != RollbackStep::None)
            message += " (" + std::string(toString(out.next.rollback)) + ")";
    }
    logInfo("runner", "update " + run.id + " " + run.target.service + ": " + message);
    bump(run, std::move(message));
    return true;
}

bool UpdateRunner::Impl::journalFinish(Run& run, const Outcome& out)
{
    UpdateSnapshot& snap = run.snap;
    const RunState previous = snap.state;
    snap.state = out.finalState;
    snap.message = out.message;
    const std::string metrics = metricsJson(snap, run.requestedMs < 0).dump();
    if (auto ok = journal.finishUpdate(run.id, journalState(out.finalState), metrics); !ok) {
        snap.state = previous;
        snap.message = "journal: " + ok.error().toString() + " (retrying)";
        return false;
    }
    snap.finishedAtUnixMs = nowUnixMs();
    closePhaseTime(run);
    if (active.contains(run.target.service) && active[run.target.service] == run.id)
        active.erase(run.target.service);
    logInfo("runner", "update " + run.id + " " + run.target.service + " " +
                          std::string(toString(out.finalState)) + ": " + out.message);
    bump(run, out.message);
    if (runs.contains(run.id)) {  // not yet inserted (a resume that failed): insert() counts it
        ++finishedCount;
        retireFinished();
    }
    return true;
}

void UpdateRunner::Impl::onDriverError(Run& run, const core::Error& error)
{
    if (error.code == ErrorCode::Unavailable) {
        const std::lock_guard lock(mutex);
        bump(run, "driver unavailable, retrying: " + error.message);
        return;
    }
    refresh(run);
    const std::lock_guard lock(mutex);
    journalFinish(run, finishWith(RunState::Failed, "driver: " + error.toString()));
}

void UpdateRunner::Impl::bump(Run& run, std::string message)
{
    run.snap.message = std::move(message);
    run.snap.revision = ++revision;
    changed.notify_all();
}

void UpdateRunner::Impl::enterPhaseTime(Run& run, RunPhase phase)
{
    closePhaseTime(run);
    run.snap.phase = phase;
    run.snap.phaseTimes.push_back(PhaseTime{phase, nowUnixMs(), 0});
}

void UpdateRunner::Impl::closePhaseTime(Run& run)
{
    if (!run.snap.phaseTimes.empty() && run.snap.phaseTimes.back().leftAtUnixMs == 0)
        run.snap.phaseTimes.back().leftAtUnixMs = nowUnixMs();
}

// Keeps at most keepFinished finished updates in memory (under the mutex).
void UpdateRunner::Impl::retireFinished()
{
    for (auto it = order.begin(); finishedCount > options.keepFinished && it != order.end();) {
        if (isFinal((*it)->snap.state)) {
            runs.erase((*it)->id);
            it = order.erase(it);
            --finishedCount;
        } else {
            ++it;
        }
    }
}

// ---------------------------------------------------------------- steps

namespace {

// Undoing something that is not there is fine (a resumed step on a fresh mesh).
core::Status tolerateNotFound(core::Status status)
{
    if (!status && status.error().code == ErrorCode::NotFound)
        return core::okStatus();
    return status;
}

}  // namespace

core::Status UpdateRunner::Impl::effects(Run& run)
{
    return run.resumed ? resumeEffects(run) : entryEffects(run);
}

// What changes when the step is entered (repeated verbatim on a resume).
core::Status UpdateRunner::Impl::entryEffects(Run& run)
{
    const UpdateTarget& t = run.target;
    switch (run.step.phase) {
        case RunPhase::Initial:
        case RunPhase::Drain:  // the drain started in SyncAndDiff
            return core::okStatus();
        case RunPhase::Deploy:
            return driver.deploy(t.service, t.toVersion);
        case RunPhase::Pin:
        case RunPhase::SwitchDefault:
        case RunPhase::Retire:
            return applyShape(run, ruleShape(run.strategy, run.step));
        case RunPhase::BlockAndLock:
            return block(
                run, t.fromVersion,
                run.strategy == Strategy::Cv ? BlockMode::RejectUnpinned : BlockMode::HoldUnpinned);
        case RunPhase::SyncAndDiff:
            return driver.startDrain(drainSpec(run));
        case RunPhase::Rollback:
            return rollbackEffects(run);
    }
    return core::okStatus();
}

core::Status UpdateRunner::Impl::rollbackEffects(Run& run)
{
    const UpdateTarget& t = run.target;
    switch (run.step.rollback) {
        case RollbackStep::Cancel: {
            // Whether the WF swap won the race decides the form of the rollback.
            auto stopped = driver.stopDrain(t.service);
            if (!stopped)
                return stopped.error();
            run.swapped = *stopped;
            return core::okStatus();
        }
        case RollbackStep::Repin:
            if (auto ok = stopDrain(t.service); !ok)
                return ok;
            if (auto ok = applyShape(run, core::UpdatePhase::NewVersionOnline); !ok)
                return ok;
            return block(run, t.fromVersion, BlockMode::None);
        case RollbackStep::BlockNew:
            return block(run, t.toVersion, BlockMode::RejectUnpinned);
        case RollbackStep::DrainNew:
            return driver.startDrain(drainSpec(run));
        case RollbackStep::Restore:
        case RollbackStep::None:
            break;
    }
    if (auto ok = stopDrain(t.service); !ok)
        return ok;
    if (auto ok = applyShape(run, core::UpdatePhase::Initial); !ok)
        return ok;
    // Released held requests (BF) now go to the old version, the only route.
    if (auto ok = block(run, t.fromVersion, BlockMode::None); !ok)
        return ok;
    if (auto ok = tolerateNotFound(block(run, t.toVersion, BlockMode::None)); !ok)
        return ok;
    return tolerateNotFound(driver.retire(t.service, t.toVersion));
}

// A resumed step re-establishes everything its predecessors set up (after a
// restart the sandbox's mesh starts fresh), then repeats its own effects.
core::Status UpdateRunner::Impl::resumeEffects(Run& run)
{
    const UpdateTarget& t = run.target;
    const Step step = run.step;
    const bool before = step.phase == RunPhase::Initial || step.phase == RunPhase::Deploy;
    const bool rollbackLate =
        step.rollback == RollbackStep::Cancel || step.rollback == RollbackStep::Restore ||
        (step.phase == RunPhase::Rollback && step.rollback == RollbackStep::None);
    if (before || rollbackLate)
        return entryEffects(run);
    if (auto ok = driver.deploy(t.service, t.toVersion); !ok)
        return ok;
    const bool wfDrain = run.strategy == Strategy::Wf &&
                         (step.phase == RunPhase::SyncAndDiff || step.phase == RunPhase::Drain);
    const DrainStatus status = wfDrain ? driver.drainStatus(t.service) : DrainStatus{};
    if (!(status.active && status.emptied)) {  // a WF drain that swapped keeps its rules
        if (auto ok = applyShape(run, ruleShape(run.strategy, step)); !ok)
            return ok;
    }
    const bool cvBlocked = run.strategy == Strategy::Cv &&
                           (step.phase == RunPhase::BlockAndLock ||
                            step.phase == RunPhase::SyncAndDiff || step.phase == RunPhase::Drain);
    const bool bfHeld =
        run.strategy == Strategy::Bf &&
        (step.phase == RunPhase::BlockAndLock || step.phase == RunPhase::SyncAndDiff ||
         step.phase == RunPhase::Drain || step.phase == RunPhase::SwitchDefault);
    if (cvBlocked || bfHeld) {
        const BlockMode mode = cvBlocked ? BlockMode::RejectUnpinned : BlockMode::HoldUnpinned;
        if (auto ok = block(run, t.fromVersion, mode); !ok)
            return ok;
    }
    if (step.rollback == RollbackStep::DrainNew) {
        if (auto ok = block(run, t.toVersion, BlockMode::RejectUnpinned); !ok)
            return ok;
    }
    if (step.phase == RunPhase::Drain)
        return driver.startDrain(drainSpec(run));
    return entryEffects(run);
}

core::Result<Outcome> UpdateRunner::Impl::poll(Run& run)
{
    const UpdateTarget& t = run.target;
    const RunPhase phase = run.step.phase;
    const auto next = [&] {
        const std::optional<RunPhase> after = nextPhase(run.strategy, phase);
        return gotoStep(Step{after.value_or(RunPhase::Retire)});
    };
    switch (phase) {
        case RunPhase::Initial:
            return next();
        case RunPhase::SyncAndDiff:
            // The DiffSet exists now: the first Drain snapshot shows it, not
            // the 0 that entering SyncAndDiff reset it to.
            updateDrain(run, driver.drainStatus(t.service));
            return next();
        case RunPhase::Deploy:
            return driver.ready(t.service, t.toVersion) ? next() : stay();
        case RunPhase::Pin:
        case RunPhase::BlockAndLock:
            return propagated(run) ? next() : stay();
        case RunPhase::SwitchDefault:
            if (!propagated(run))
                return stay();
            if (run.strategy == Strategy::Bf) {
                // The new default is in force: held requests go out, to the new version.
                if (auto ok = driver.setBlockMode(t.service, t.fromVersion, BlockMode::None); !ok)
                    return ok.error();
            }
            return next();
        case RunPhase::Drain:
            return pollDrain(run);
        case RunPhase::Retire:
            return propagated(run) ? retireExit(run) : stay();
        case RunPhase::Rollback:
            return pollRollback(run);
    }
    return stay();
}

core::Result<Outcome> UpdateRunner::Impl::pollDrain(Run& run)
{
    const UpdateTarget& t = run.target;
    const DrainStatus status = driver.drainStatus(t.service);
    updateDrain(run, status);
    const double now = driver.nowMs();
    if (status.emptied) {
        if (run.requestedMs >= 0) {
            const std::lock_guard lock(mutex);
            run.snap.metrics.timelinessMs = now - run.requestedMs;
        }
        return gotoStep(Step{*nextPhase(run.strategy, RunPhase::Drain)}, "DiffSet empty");
    }
    if (!status.active) {  // lost (e.g. stopped from outside): start it again
        if (auto ok = driver.startDrain(drainSpec(run)); !ok)
            return ok.error();
        return stay();
    }
    const double timeout = run.options.timeoutMs;
    if (timeout > 0 && run.strategy != Strategy::Cv && now - run.enteredMs >= timeout) {
        const std::string message =
            "timed out after " + std::to_string(static_cast<long long>(timeout)) + " ms in drain";
        return rollbackTo(
            run.strategy == Strategy::Wf ? RollbackStep::Cancel : RollbackStep::Restore,
            Cause::Timeout, message);
    }
    return stay();
}

core::Result<Outcome> UpdateRunner::Impl::pollRollback(Run& run)
{
    switch (run.step.rollback) {
        case RollbackStep::Cancel:
            if (!run.swapped)
                return rollbackTo(RollbackStep::Restore, run.cause, {});
            if (run.cause == Cause::Timeout)
                return gotoStep(Step{RunPhase::Retire},
                                "timed out, but the old version had just become free: retiring it");
            return rollbackTo(RollbackStep::Repin, run.cause,
                              "the rules had already swapped: draining the new version");
        case RollbackStep::Repin:
            return propagated(run) ? rollbackTo(RollbackStep::BlockNew, run.cause, {}) : stay();
        case RollbackStep::BlockNew:
            return propagated(run) ? rollbackTo(RollbackStep::DrainNew, run.cause, {}) : stay();
        case RollbackStep::DrainNew: {
            const DrainStatus status = driver.drainStatus(run.target.service);
            updateDrain(run, status);
            if (!status.active) {
                if (auto ok = driver.startDrain(drainSpec(run)); !ok)
                    return ok.error();
                return stay();
            }
            return status.emptied ? rollbackTo(RollbackStep::Restore, run.cause, {}) : stay();
        }
        case RollbackStep::Restore:
        case RollbackStep::None:
            break;
    }
    const bool timedOut = run.cause == Cause::Timeout;
    return finishWith(timedOut ? RunState::TimedOut : RunState::Aborted,
                      std::string(timedOut ? "timed out" : "aborted") + "; rolled back to " +
                          run.target.fromVersion);
}

core::Result<Outcome> UpdateRunner::Impl::retireExit(Run& run)
{
    const UpdateTarget& t = run.target;
    // BF: releases requests still held (a forced retire) — they take the final rules.
    if (auto ok = tolerateNotFound(block(run, t.fromVersion, BlockMode::None)); !ok)
        return ok.error();
    if (auto ok = tolerateNotFound(driver.retire(t.service, t.fromVersion)); !ok)
        return ok.error();
    if (auto ok = stopDrain(t.service); !ok)
        return ok.error();
    if (run.requestedMs >= 0) {
        const double now = driver.nowMs();
        const std::lock_guard lock(mutex);
        if (run.snap.metrics.timelinessMs < 0)
            run.snap.metrics.timelinessMs = now - run.requestedMs;
    }
    if (run.forced)
        return finishWith(RunState::ForceRetired,
                          "force-retired with " + std::to_string(run.possibleViolations) +
                              " transactions still in the DiffSet: possible violations");
    return finishWith(RunState::Completed, "old version " + t.fromVersion + " retired");
}

core::Status UpdateRunner::Impl::stopDrain(const std::string& service)
{
    auto stopped = driver.stopDrain(service);
    if (!stopped)
        return tolerateNotFound(stopped.error());
    return core::okStatus();
}

core::Status UpdateRunner::Impl::applyShape(const Run& run, core::UpdatePhase shape)
{
    return driver.applyRules(run.target.service, rulesYamlFor(run.target, shape));
}

core::Status UpdateRunner::Impl::block(const Run& run, const std::string& version, BlockMode mode)
{
    if (auto ok = driver.setBlockMode(run.target.service, version, mode); !ok)
        return ok;
    return driver.setLocked(run.target.service, version, mode != BlockMode::None);
}

DrainSpec UpdateRunner::Impl::drainSpec(const Run& run) const
{
    DrainSpec spec;
    spec.service = run.target.service;
    spec.stragglerTtlMs = run.options.stragglerTtlMs;
    if (run.step.rollback == RollbackStep::DrainNew) {
        spec.oldVersion = run.target.toVersion;
        return spec;
    }
    spec.oldVersion = run.target.fromVersion;
    if (run.strategy == Strategy::Wf) {
        spec.liveAdds = true;
        spec.rulesYamlWhenEmpty = rulesYamlFor(run.target, core::UpdatePhase::Retired);
    }
    return spec;
}

bool UpdateRunner::Impl::propagated(const Run& run) const
{
    return driver.nowMs() >= run.enteredMs + driver.rulePropagationMs();
}

// ---------------------------------------------------------------- start / resume

// Under the mutex: the service has no unfinished update, in memory or in the journal.
core::Status UpdateRunner::Impl::checkNoUnfinished(const std::string& service)
{
    if (const auto it = active.find(service); it != active.end())
        return core::makeError(ErrorCode::FailedPrecondition, "service '" + service +
                                                                  "' already has an unfinished "
                                                                  "update '" +
                                                                  it->second + "'");
    auto journaled = journal.unfinishedFor(service);
    if (!journaled)
        return core::makeError(ErrorCode::Unavailable, "journal: " + journaled.error().toString());
    if (*journaled)
        return core::makeError(ErrorCode::FailedPrecondition,
                               "service '" + service + "' has an unfinished update '" +
                                   (*journaled)->id + "' in the journal");
    return core::okStatus();
}

std::shared_ptr<Run> UpdateRunner::Impl::newRun(const std::string& id, const UpdateTarget& target,
                                                const UpdateRequestSpec& request)
{
    auto run = std::make_shared<Run>();
    run->id = id;
    run->target = target;
    run->strategy = request.strategy;
    run->options = request.options;
    UpdateSnapshot& snap = run->snap;
    snap.id = id;
    snap.service = target.service;
    snap.fromVersion = target.fromVersion;
    snap.targetVersion = target.toVersion;
    snap.strategy = request.strategy;
    snap.requestedAtUnixMs = nowUnixMs();
    snap.requestedBy = request.actor;
    snap.metrics.timelinessMs = -1;
    snap.phaseTimes.push_back(PhaseTime{RunPhase::Initial, snap.requestedAtUnixMs, 0});
    snap.message = "update requested";
    return run;
}

// Under the mutex: journals the new update and the operator's start action.
core::Status UpdateRunner::Impl::begin(Run& run, const UpdateRequestSpec& request)
{
    UpdateRecord record;
    record.service = run.target.service;
    record.fromVersion = run.target.fromVersion;
    record.toVersion = run.target.toVersion;
    record.strategy = std::string(toString(run.strategy));
    record.optionsJson = optionsJson(request);
    auto id = journal.beginUpdate(record);
    if (!id)
        return core::makeError(ErrorCode::Unavailable, "journal: " + id.error().toString());
    run.id = *id;
    run.snap.id = *id;
    Action action;
    action.updateId = *id;
    action.actor = request.actor;
    action.role = request.role;
    action.kind = ActionKind::Start;
    action.detailJson = json{
        {"service", record.service},
        {"from", record.fromVersion},
        {"to", record.toVersion},
        {"strategy",
         record.strategy}}.dump();
    if (auto ok = journal.recordAction(action); !ok) {
        const std::string message = "journal: " + ok.error().toString();
        (void)journal.finishUpdate(*id, UpdateState::Aborted,
                                   json{{"state", "failed"}, {"message", message}}.dump());
        return core::makeError(ErrorCode::Unavailable, message);
    }
    return core::okStatus();
}

// Under the mutex.
void UpdateRunner::Impl::insert(const std::shared_ptr<Run>& run)
{
    runs[run->id] = run;
    order.push_back(run);
    if (isFinal(run->snap.state)) {
        ++finishedCount;
        retireFinished();
    } else {
        active[run->target.service] = run->id;
    }
    run->snap.revision = ++revision;
    changed.notify_all();
}

namespace {

struct ResumePoint
{
    Step step;
    Cause cause = Cause::Abort;
    bool forced = false;
    std::uint64_t violations = 0;
};

core::Result<ResumePoint> resumePoint(const UpdateRecord& record)
{
    ResumePoint point;
    if (!record.lastTransition)
        return point;  // begun, no step journaled yet: start from Initial
    const auto phase = runPhaseFromString(record.lastTransition->state);
    if (!phase)
        return core::makeError(ErrorCode::Internal,
                               "unknown journaled step '" + record.lastTransition->state + "'");
    point.step.phase = *phase;
    const json detail = json::parse(record.lastTransition->detailJson, nullptr, false);
    if (!detail.is_object())
        return point;
    const auto rollback = rollbackStepFromString(detail.value("rollback", std::string()));
    if (!rollback)
        return core::makeError(ErrorCode::Internal, "unknown journaled rollback step");
    point.step.rollback = *rollback;
    point.cause = detail.value("cause", std::string()) == "timeout" ? Cause::Timeout : Cause::Abort;
    point.forced = detail.value("forced", false);
    point.violations = detail.value("possibleViolations", std::uint64_t{0});
    return point;
}

UpdateRequestSpec requestFromRecord(const UpdateRecord& record, Strategy strategy)
{
    UpdateRequestSpec request;
    request.service = record.service;
    request.targetVersion = record.toVersion;
    request.strategy = strategy;
    const json options = json::parse(record.optionsJson, nullptr, false);
    if (options.is_object()) {
        request.options.stragglerTtlMs = options.value("stragglerTtlMs", 0.0);
        request.options.timeoutMs = options.value("timeoutMs", 0.0);
        request.options.apiVersion =
            core::parseApiVersion(options.value("apiVersion", std::string()))
                .value_or(core::IstioApiVersion::V1);
        request.actor = options.value("actor", std::string("local"));
    }
    return request;
}

}  // namespace

// The Run a journaled unfinished update resumes as; one that cannot be
// understood any more is finished in the journal as failed.
std::shared_ptr<Run> UpdateRunner::Impl::runFromRecord(const UpdateRecord& record,
                                                       const MeshState& mesh)
{
    const auto strategy = strategyFromString(record.strategy);
    const UpdateRequestSpec request = requestFromRecord(record, strategy.value_or(Strategy::Cv));
    const auto service =
        std::find_if(mesh.services.begin(), mesh.services.end(),
                     [&](const ServiceInfo& s) { return s.name == record.service; });
    UpdateTarget target{record.service, record.fromVersion, record.toVersion, {}};
    if (service != mesh.services.end())
        target.params = ruleParams(mesh, *service, request.options.apiVersion);
    auto run = newRun(record.id, target, request);
    run->snap.requestedAtUnixMs = record.createdAtUnixMs;
    run->snap.phaseTimes.clear();
    auto point = resumePoint(record);
    std::string problem;
    if (!strategy)
        problem = "unknown strategy '" + record.strategy + "'";
    else if (service == mesh.services.end())
        problem = "service '" + record.service + "' is not in the mesh";
    else if (!point)
        problem = point.error().message;
    if (!problem.empty()) {
        logError("runner", "update " + record.id + " cannot be resumed: " + problem);
        const std::lock_guard lock(mutex);
        journalFinish(*run, finishWith(RunState::Failed, "cannot resume: " + problem));
        return run;
    }
    run->step = point->step;
    run->seq = record.lastTransition ? record.lastTransition->seq : 0;
    run->cause = point->cause;
    run->forced = point->forced;
    run->possibleViolations = point->violations;
    run->resumed = true;
    enterPhaseTime(*run, run->step.phase);
    const RollbackStep rb = run->step.rollback;
    if (rb == RollbackStep::Repin || rb == RollbackStep::BlockNew || rb == RollbackStep::DrainNew)
        run->snap.state = RunState::RollingBack;
    run->snap.message = "resumed in " + std::string(toString(run->step.phase)) + " after a restart";
    restoreOperatorState(*run, record);
    return run;
}

// An abort journaled after the last transition had not been acted on yet.
void UpdateRunner::Impl::restoreOperatorState(Run& run, const UpdateRecord& record)
{
    ActionFilter filter;
    filter.updateId = record.id;
    filter.limit = 20;
    auto actions = journal.actions(filter);
    if (!actions || !rollbackFor(run.strategy, run.step.phase))
        return;
    const std::int64_t last = record.lastTransition ? record.lastTransition->atUnixMs : 0;
    for (const Action& action : *actions) {
        if (action.kind == ActionKind::Abort && action.atUnixMs >= last) {
            run.abortReason = action.reason;
            return;
        }
    }
}

// Versions registered through the runner live in the driver; a fresh sandbox
// after a restart needs them again (AlreadyExists and the like are fine).
void UpdateRunner::Impl::replayRegistrations()
{
    std::vector<Action> registrations;
    ActionFilter filter;
    filter.limit = Journal::kMaxPageSize;
    for (;;) {
        auto page = journal.actions(filter);
        if (!page || page->empty())
            break;
        for (const Action& action : *page) {
            if (action.kind == ActionKind::RegisterVersion)
                registrations.push_back(action);
        }
        filter.beforeSeq = page->back().seq;
    }
    std::reverse(registrations.begin(), registrations.end());  // oldest first
    for (const Action& action : registrations) {
        const json detail = json::parse(action.detailJson, nullptr, false);
        if (!detail.is_object())
            continue;
        (void)driver.registerVersion(
            detail.value("service", std::string()), detail.value("version", std::string()),
            detail.value("parent", std::string()), detail.value("image", std::string()));
    }
}

void UpdateRunner::Impl::waitReady(const std::vector<std::shared_ptr<Run>>& pending)
{
    const auto deadline =
        std::chrono::steady_clock::now() +
        std::chrono::duration<double, std::milli>(std::max(options.resumeReadyTimeoutMs, 0.0));
    for (;;) {
        const bool all = std::all_of(pending.begin(), pending.end(), [&](const auto& run) {
            return driver.ready(run->target.service, run->target.toVersion);
        });
        if (all || std::chrono::steady_clock::now() >= deadline)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

// ---------------------------------------------------------------- public API

UpdateRunner::UpdateRunner(Driver& driver, Journal& journal, RunnerOptions options)
    : m_impl(std::make_unique<Impl>(driver, journal, options))
{
    driver.setChangeListener([wakeup = m_impl->wakeup] { wakeup->wake(); });
}

UpdateRunner::~UpdateRunner()
{
    stop();
    m_impl->driver.setChangeListener({});
}

// A restarted sandbox starts from its topology file: each service whose last
// finished update retired the old version is put back where the journal says
// it ended, the target deployed and alone in the rules, every other deployed
// version retired. (Aborted updates ended where they began: nothing to do.)
void UpdateRunner::Impl::replayFinished()
{
    std::map<std::string, UpdateRecord> last;  // per service, its newest finished update
    HistoryFilter filter;
    filter.limit = Journal::kMaxPageSize;
    for (;;) {
        auto page = journal.history(filter);
        if (!page)
            return;
        for (const UpdateRecord& record : page->updates) {
            if (record.state != UpdateState::Running && !last.count(record.service))
                last.emplace(record.service, record);
        }
        if (!page->nextBefore)
            break;
        filter.before = page->nextBefore;
    }
    const MeshState mesh = driver.mesh();
    std::vector<std::shared_ptr<Run>> replayed;
    for (const auto& [service, record] : last) {
        if (record.state != UpdateState::Completed && record.state != UpdateState::ForceRetired)
            continue;
        auto run = finishedRun(record, mesh);
        if (run && driver.deploy(service, record.toVersion))
            replayed.push_back(run);
    }
    waitReady(replayed);
    for (const std::shared_ptr<Run>& run : replayed) {
        const UpdateTarget& t = run->target;
        if (!applyShape(*run, ruleShape(run->strategy, Step{RunPhase::Retire})))
            continue;
        for (const ServiceInfo& info : mesh.services) {
            if (info.name != t.service)
                continue;
            for (const VersionInfo& version : info.versions) {
                if (version.deployed && version.name != t.toVersion)
                    (void)driver.retire(t.service, version.name);
            }
        }
        // Listed as finished, so the mesh view calls the old version retired.
        const std::lock_guard lock(mutex);
        insert(run);
    }
}

// The run of a finished update as the journal has it, for replayFinished();
// nullptr when its service is gone from the mesh.
std::shared_ptr<Run> UpdateRunner::Impl::finishedRun(const UpdateRecord& record,
                                                     const MeshState& mesh)
{
    const auto service =
        std::find_if(mesh.services.begin(), mesh.services.end(),
                     [&](const ServiceInfo& s) { return s.name == record.service; });
    if (service == mesh.services.end())
        return nullptr;
    const Strategy strategy = strategyFromString(record.strategy).value_or(Strategy::Cv);
    const UpdateRequestSpec request = requestFromRecord(record, strategy);
    UpdateTarget target{record.service, record.fromVersion, record.toVersion,
                        ruleParams(mesh, *service, request.options.apiVersion)};
    auto run = newRun(record.id, target, request);
    run->snap.requestedAtUnixMs = record.createdAtUnixMs;
    run->step = Step{RunPhase::Retire};
    run->snap.phase = RunPhase::Retire;
    run->snap.state =
        record.state == UpdateState::ForceRetired ? RunState::ForceRetired : RunState::Completed;
    run->effectsDone = true;
    return run;
}

core::Status UpdateRunner::resumeUnfinished()
{
    Impl& impl = *m_impl;
    auto records = impl.journal.unfinished();
    if (!records)
        return core::makeError(ErrorCode::Unavailable, "journal: " + records.error().toString());
    impl.replayRegistrations();
    impl.replayFinished();
    if (records->empty())
        return core::okStatus();
    const MeshState mesh = impl.driver.mesh();
    const TrafficTotals totals = impl.driver.totals();
    std::vector<std::shared_ptr<Run>> resumed;
    std::vector<std::shared_ptr<Run>> deploying;
    for (const UpdateRecord& record : *records) {
        auto run = impl.runFromRecord(record, mesh);
        run->startTotals = totals;
        resumed.push_back(run);
        const RunPhase phase = run->step.phase;
        if (!isFinal(run->snap.state) && phase != RunPhase::Initial &&
            phase != RunPhase::Rollback) {
            (void)impl.driver.deploy(run->target.service, run->target.toVersion);
            deploying.push_back(run);
        }
    }
    impl.waitReady(deploying);
    for (const std::shared_ptr<Run>& run : resumed) {
        if (isFinal(run->snap.state))
            continue;
        if (auto ok = impl.resumeEffects(*run); ok) {  // else the loop retries
            run->effectsDone = true;
            run->resumed = false;
            run->enteredMs = impl.driver.nowMs();
        }
    }
    const std::lock_guard lock(impl.mutex);
    for (const std::shared_ptr<Run>& run : resumed)
        impl.insert(run);
    return core::okStatus();
}

void UpdateRunner::start()
{
    Impl& impl = *m_impl;
    {
        const std::lock_guard lock(impl.wakeup->mutex);
        if (impl.thread.joinable())
            return;
        impl.wakeup->stopping = false;
    }
    impl.thread = std::thread([&impl] { impl.loop(); });
}

void UpdateRunner::stop()
{
    Impl& impl = *m_impl;
    {
        const std::lock_guard lock(impl.wakeup->mutex);
        impl.wakeup->stopping = true;
    }
    impl.wakeup->cv.notify_all();
    if (impl.thread.joinable())
        impl.thread.join();
}

core::Result<Plan> UpdateRunner::plan(const UpdateRequestSpec& request) const
{
    auto target = resolveTarget(m_impl->driver.mesh(), request);
    if (!target)
        return target.error();
    return buildPlan(*target, request);
}

core::Result<std::string> UpdateRunner::startUpdate(const UpdateRequestSpec& request)
{
    Impl& impl = *m_impl;
    auto target = resolveTarget(impl.driver.mesh(), request);
    if (!target)
        return target.error();
    if (request.strategy == Strategy::Naive && !request.naiveAcknowledged)
        return core::makeError(ErrorCode::FailedPrecondition,
                               "naive_acknowledged: the naive strategy may mix versions within a "
                               "transaction and must be acknowledged");
    auto run = impl.newRun({}, *target, request);
    run->startTotals = impl.driver.totals();
    run->requestedMs = impl.driver.nowMs();
    {
        const std::lock_guard lock(impl.mutex);
        if (auto ok = impl.checkNoUnfinished(target->service); !ok)
            return ok.error();
        if (auto ok = impl.begin(*run, request); !ok)
            return ok.error();
        impl.insert(run);
    }
    logInfo("runner", "update " + run->id + " " + target->service + " " + target->fromVersion +
                          " -> " + target->toVersion + " (" + std::string(toString(run->strategy)) +
                          ") requested by " + request.actor);
    impl.wake();
    return run->id;
}

namespace {

core::Error notFound(std::string_view id)
{
    return core::makeError(ErrorCode::NotFound, "update '" + std::string(id) + "' not found");
}

core::Error finishedAlready(const UpdateSnapshot& snap)
{
    return core::makeError(ErrorCode::FailedPrecondition, "update '" + snap.id + "' is already " +
                                                              std::string(toString(snap.state)));
}

}  // namespace

core::Result<UpdateSnapshot> UpdateRunner::abort(std::string_view id, std::string_view actor,
                                                 std::string_view role, std::string_view reason)
{
    Impl& impl = *m_impl;
    UpdateSnapshot result;
    {
        const std::lock_guard lock(impl.mutex);
        const auto it = impl.runs.find(id);
        if (it == impl.runs.end())
            return notFound(id);
        Run& run = *it->second;
        if (isFinal(run.snap.state))
            return finishedAlready(run.snap);
        if (run.abortReason || run.forceViolations || !rollbackFor(run.strategy, run.step.phase))
            return core::makeError(ErrorCode::FailedPrecondition,
                                   "update '" + run.id + "' cannot be aborted in " +
                                       std::string(toString(run.step.phase)) +
                                       (run.abortReason ? " (an abort is under way)" : ""));
        Action action;
        action.updateId = run.id;
        action.actor = std::string(actor);
        action.role = std::string(role);
        action.kind = ActionKind::Abort;
        action.reason = std::string(reason);
        action.detailJson = json{{"phase", std::string(toString(run.step.phase))}}.dump();
        if (auto ok = impl.journal.recordAction(action); !ok)
            return core::makeError(ErrorCode::Unavailable, "journal: " + ok.error().toString());
        run.abortReason = std::string(reason);
        impl.bump(run, "abort requested by " + std::string(actor));
        result = run.snap;
    }
    impl.wake();
    result.observedAtUnixMs = nowUnixMs();
    return result;
}

core::Result<std::uint64_t> UpdateRunner::forceRetire(std::string_view id, std::string_view actor,
                                                      std::string_view role,
                                                      std::string_view reason)
{
    Impl& impl = *m_impl;
    const auto check = [&](Run*& found) -> core::Status {
        const auto it = impl.runs.find(id);
        if (it == impl.runs.end())
            return notFound(id);
        found = it->second.get();
        if (isFinal(found->snap.state))
            return finishedAlready(found->snap);
        if (found->step.phase != RunPhase::Drain || found->abortReason || found->forceViolations)
            return core::makeError(ErrorCode::FailedPrecondition,
                                   "force retire is only possible in drain (update '" + found->id +
                                       "' is in " + std::string(toString(found->step.phase)) + ")");
        return core::okStatus();
    };
    std::string service;
    {
        const std::lock_guard lock(impl.mutex);
        Run* run = nullptr;
        if (auto ok = check(run); !ok)
            return ok.error();
        service = run->target.service;
    }
    const std::uint64_t violations = impl.driver.drainStatus(service).diffSetSize;
    {
        const std::lock_guard lock(impl.mutex);
        Run* run = nullptr;
        if (auto ok = check(run); !ok)
            return ok.error();
        Action action;
        action.updateId = run->id;
        action.actor = std::string(actor);
        action.role = std::string(role);
        action.kind = ActionKind::ForceRetire;
        action.reason = std::string(reason);
        action.detailJson = json{{"possibleViolations", violations}}.dump();
        if (auto ok = impl.journal.recordAction(action); !ok)
            return core::makeError(ErrorCode::Unavailable, "journal: " + ok.error().toString());
        run->forceViolations = violations;
        impl.bump(*run, "force retire requested by " + std::string(actor));
    }
    impl.wake();
    return violations;
}

core::Status UpdateRunner::registerVersion(std::string_view service, std::string_view version,
                                           std::string_view parent, std::string_view image,
                                           std::string_view actor, std::string_view role)
{
    Impl& impl = *m_impl;
    if (service.empty())
        return core::makeError(ErrorCode::InvalidArgument, "service: must not be empty");
    if (version.empty())
        return core::makeError(ErrorCode::InvalidArgument, "version: must not be empty");
    const MeshState mesh = impl.driver.mesh();
    const auto svc = std::find_if(mesh.services.begin(), mesh.services.end(),
                                  [&](const ServiceInfo& s) { return s.name == service; });
    if (svc == mesh.services.end())
        return core::makeError(ErrorCode::NotFound,
                               "service '" + std::string(service) + "' not found");
    const auto has = [&](std::string_view name) {
        return std::any_of(svc->versions.begin(), svc->versions.end(),
                           [&](const VersionInfo& v) { return v.name == name; });
    };
    if (has(version))
        return core::makeError(ErrorCode::AlreadyExists,
                               "version '" + std::string(version) + "' already exists");
    if (!parent.empty() && !has(parent))
        return core::makeError(ErrorCode::NotFound,
                               "parent version '" + std::string(parent) + "' not found");
    Action action;
    action.actor = std::string(actor);
    action.role = std::string(role);
    action.kind = ActionKind::RegisterVersion;
    action.detailJson = json{
        {"service", service},
        {"version", version},
        {"parent", parent},
        {"image", image}}.dump();
    if (auto ok = impl.journal.recordAction(action); !ok)
        return core::makeError(ErrorCode::Unavailable, "journal: " + ok.error().toString());
    return impl.driver.registerVersion(service, version, parent, image);
}

core::Result<UpdateSnapshot> UpdateRunner::snapshot(std::string_view id) const
{
    const std::lock_guard lock(m_impl->mutex);
    const auto it = m_impl->runs.find(id);
    if (it == m_impl->runs.end())
        return notFound(id);
    UpdateSnapshot snap = it->second->snap;
    snap.observedAtUnixMs = nowUnixMs();
    return snap;
}

std::vector<UpdateSnapshot> UpdateRunner::list(std::string_view service) const
{
    const std::lock_guard lock(m_impl->mutex);
    std::vector<UpdateSnapshot> result;
    const std::int64_t now = nowUnixMs();
    for (const std::shared_ptr<Run>& run : m_impl->order) {
        if (!service.empty() && run->target.service != service)
            continue;
        result.push_back(run->snap);
        result.back().observedAtUnixMs = now;
    }
    return result;
}

std::optional<std::string> UpdateRunner::activeUpdateFor(std::string_view service) const
{
    const std::lock_guard lock(m_impl->mutex);
    const auto it = m_impl->active.find(service);
    if (it == m_impl->active.end())
        return std::nullopt;
    return it->second;
}

std::uint64_t UpdateRunner::revision() const
{
    const std::lock_guard lock(m_impl->mutex);
    return m_impl->revision;
}

std::uint64_t UpdateRunner::waitForChange(std::uint64_t seen,
                                          std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(m_impl->mutex);
    m_impl->changed.wait_for(lock, timeout, [&] { return m_impl->revision > seen; });
    return m_impl->revision;
}

}  // namespace concord::controller
