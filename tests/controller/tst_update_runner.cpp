#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "controller/journal.h"
#include "controller/sandbox_driver.h"
#include "controller/update_plan.h"
#include "controller/update_runner.h"
#include "core/rule_yaml.h"
#include "sandbox/topology.h"

using namespace concord::controller;
using concord::core::ErrorCode;
using concord::core::UpdatePhase;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------- helpers

class TempDir
{
public:
    TempDir()
    {
        const auto stamp = std::to_string(Clock::now().time_since_epoch().count());
        m_path = fs::temp_directory_path() / ("concord-runner-" + stamp);
        fs::create_directories(m_path);
    }
    ~TempDir() { fs::remove_all(m_path); }
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    fs::path m_path;
};

std::unique_ptr<Journal> openJournal(const std::string& path)
{
    auto journal = Journal::open(path);
    EXPECT_TRUE(journal.ok()) << (journal ? "" : journal.error().toString());
    return journal.ok() ? std::move(journal.value()) : nullptr;
}

concord::sandbox::Topology example()
{
    auto topology = concord::sandbox::loadTopologyFile(CONCORD_TOPOLOGY_DIR "/example.yaml");
    EXPECT_TRUE(topology.ok()) << (topology ? "" : topology.error().toString());
    return topology.value();
}

SandboxDriverOptions sandboxOptions(double speed = 20, double arrivalMs = 0,
                                    double deployDelayMs = 300)
{
    SandboxDriverOptions o;
    o.deployDelayMs = deployDelayMs;
    o.topology = example();
    o.seed = 7;
    o.speed = speed;
    o.meanArrivalIntervalMs = arrivalMs;
    return o;
}

// The sandbox driver with slower rule propagation (and so longer Pin,
// SwitchDefault, BlockAndLock steps), so a test can act inside a short phase.
class SlowRules final : public Driver
{
public:
    SlowRules(Driver& inner, double propagationMs) : m_inner(inner), m_propagation(propagationMs) {}
    // Called before every action with its name; an error is returned instead of acting.
    std::function<concord::core::Status(std::string_view action)> fault;
    std::string_view kind() const override { return m_inner.kind(); }
    double nowMs() const override { return m_inner.nowMs(); }
    double rulePropagationMs() const override { return m_propagation; }
    void setChangeListener(std::function<void()> l) override
    {
        m_inner.setChangeListener(std::move(l));
    }
    MeshState mesh() const override { return m_inner.mesh(); }
    concord::core::Result<std::string> rulesYaml(std::string_view s) const override
    {
        return m_inner.rulesYaml(s);
    }
    std::vector<EdgeStats> edgeStats(std::uint64_t& c) override { return m_inner.edgeStats(c); }
    TrafficTotals totals() const override { return m_inner.totals(); }
    concord::core::Status registerVersion(std::string_view s, std::string_view v,
                                          std::string_view p, std::string_view i) override
    {
        if (auto ok = check("registerVersion"); !ok)
            return ok;
        return m_inner.registerVersion(s, v, p, i);
    }
    concord::core::Status deploy(std::string_view s, std::string_view v) override
    {
        if (auto ok = check("deploy"); !ok)
            return ok;
        return m_inner.deploy(s, v);
    }
    bool ready(std::string_view s, std::string_view v) const override
    {
        return m_inner.ready(s, v);
    }
    concord::core::Status applyRules(std::string_view s, std::string_view y) override
    {
        if (auto ok = check("applyRules"); !ok)
            return ok;
        return m_inner.applyRules(s, y);
    }
    concord::core::Status setBlockMode(std::string_view s, std::string_view v, BlockMode m) override
    {
        if (auto ok = check("setBlockMode"); !ok)
            return ok;
        return m_inner.setBlockMode(s, v, m);
    }
    concord::core::Status setLocked(std::string_view s, std::string_view v, bool l) override
    {
        if (auto ok = check("setLocked"); !ok)
            return ok;
        return m_inner.setLocked(s, v, l);
    }
    concord::core::Result<std::vector<InstanceSet>> instanceSets(std::string_view s,
                                                                 std::string_view v) const override
    {
        return m_inner.instanceSets(s, v);
    }
    concord::core::Status startDrain(const DrainSpec& spec) override
    {
        if (auto ok = check("startDrain"); !ok)
            return ok;
        return m_inner.startDrain(spec);
    }
    DrainStatus drainStatus(std::string_view s) const override { return m_inner.drainStatus(s); }
    concord::core::Result<bool> stopDrain(std::string_view s) override
    {
        return m_inner.stopDrain(s);
    }
    concord::core::Status retire(std::string_view s, std::string_view v) override
    {
        if (auto ok = check("retire"); !ok)
            return ok;
        return m_inner.retire(s, v);
    }

private:
    concord::core::Status check(std::string_view action)
    {
        return fault ? fault(action) : concord::core::okStatus();
    }

    Driver& m_inner;
    double m_propagation;
};

UpdateRequestSpec request(Strategy strategy, std::string service = "auth-service",
                          std::string target = "v2")
{
    UpdateRequestSpec r;
    r.service = std::move(service);
    r.targetVersion = std::move(target);
    r.strategy = strategy;
    r.options.stragglerTtlMs = 60000;
    r.actor = "test";
    return r;
}

// What a watcher saw of one update until it finished (or the wall deadline).
struct Watched
{
    UpdateSnapshot last;
    std::vector<std::uint64_t> drainSamples;  // DiffSet sizes seen from DRAIN on
    std::uint64_t maxStragglers = 0;
    std::vector<RunPhase> phases;  // distinct phases in the order seen
};

Watched watch(const UpdateRunner& runner, const std::string& id, double wallMs,
              const std::function<bool(const UpdateSnapshot&)>& until = {})
{
    Watched w;
    const auto deadline = Clock::now() + std::chrono::duration<double, std::milli>(wallMs);
    std::uint64_t seen = 0;
    while (Clock::now() < deadline) {
        seen = runner.waitForChange(seen, std::chrono::milliseconds(50));
        auto snap = runner.snapshot(id);
        if (!snap.ok())
            break;
        w.last = *snap;
        if (w.phases.empty() || w.phases.back() != snap->phase)
            w.phases.push_back(snap->phase);
        if (snap->phase == RunPhase::Drain || !w.drainSamples.empty())
            w.drainSamples.push_back(snap->diffSetSize);
        w.maxStragglers = std::max(w.maxStragglers, snap->stragglerCount);
        if (isFinal(snap->state) || (until && until(*snap)))
            break;
    }
    return w;
}

concord::core::RuleSet parsedRules(const Driver& driver, const std::string& service)
{
    auto yaml = driver.rulesYaml(service);
    EXPECT_TRUE(yaml.ok());
    auto sets = concord::core::parseRuleSets(yaml.ok() ? *yaml : "");
    EXPECT_TRUE(sets.ok() && sets->size() == 1) << (sets ? "" : sets.error().toString());
    return sets.ok() && !sets->empty() ? sets->front() : concord::core::RuleSet{};
}

concord::core::RuleSet expectedRules(const Driver& driver, UpdatePhase shape,
                                     const std::string& from, const std::string& to,
                                     const std::string& service = "auth-service")
{
    const MeshState mesh = driver.mesh();
    const auto it = std::find_if(mesh.services.begin(), mesh.services.end(),
                                 [&](const ServiceInfo& s) { return s.name == service; });
    EXPECT_NE(it, mesh.services.end());
    UpdateTarget target{service, from, to,
                        ruleParams(mesh, *it, concord::core::IstioApiVersion::V1)};
    auto sets = concord::core::parseRuleSets(rulesYamlFor(target, shape));
    EXPECT_TRUE(sets.ok());
    return sets.ok() ? sets->front() : concord::core::RuleSet{};
}

bool deployed(const Driver& driver, const std::string& service, const std::string& version)
{
    for (const ServiceInfo& s : driver.mesh().services) {
        for (const VersionInfo& v : s.versions) {
            if (s.name == service && v.name == version)
                return v.deployed;
        }
    }
    return false;
}

// Seqs 1..n without gaps and, outside a rollback, no step twice.
void expectTransitionsOnce(Journal& journal, const std::string& id)
{
    auto transitions = journal.transitions(id);
    ASSERT_TRUE(transitions.ok());
    std::set<std::string> steps;
    for (std::size_t i = 0; i < transitions->size(); ++i) {
        const Transition& t = (*transitions)[i];
        EXPECT_EQ(t.seq, static_cast<std::int64_t>(i + 1));
        EXPECT_TRUE(steps.insert(t.state + t.detailJson).second)
            << "step " << t.state << " " << t.detailJson << " journaled twice";
    }
}

std::vector<std::string> journaledStates(Journal& journal, const std::string& id)
{
    std::vector<std::string> states;
    auto transitions = journal.transitions(id);
    if (transitions.ok()) {
        for (const Transition& t : *transitions)
            states.push_back(t.state);
    }
    return states;
}

// A running sandbox, its journal and a runner over them (through SlowRules,
// whose propagation defaults to the sandbox's own).
struct Live
{
    explicit Live(SandboxDriverOptions options = sandboxOptions(), double propagationMs = -1)
        : sandbox(std::move(options)),
          driver(sandbox, propagationMs < 0 ? sandbox.rulePropagationMs() : propagationMs)
    {
        journal = openJournal(dir.file("journal.db"));
        RunnerOptions ro;
        ro.tickMs = 5;
        ro.stepHook = [this](std::string_view, RunPhase step, std::string_view point) {
            {
                const std::lock_guard lock(hookMutex);
                hookCalls.push_back(std::string(toString(step)) + ":" + std::string(point));
            }
            if (onStep)
                onStep(step, point);
        };
        runner = std::make_unique<UpdateRunner>(driver, *journal, ro);
        runner->start();
        sandbox.startTraffic();
    }
    void warmUp(double virtualMs)
    {
        const double until = sandbox.nowMs() + virtualMs;
        while (sandbox.nowMs() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }

    TempDir dir;
    SandboxDriver sandbox;
    SlowRules driver;
    std::unique_ptr<Journal> journal;
    std::mutex hookMutex;
    std::vector<std::string> hookCalls;                      // "<step>:journaled", "<step>:applied"
    std::function<void(RunPhase, std::string_view)> onStep;  // set before startUpdate
    std::unique_ptr<UpdateRunner> runner;
};

std::vector<std::string> names(const std::vector<RunPhase>& phases)
{
    std::vector<std::string> result;
    for (const RunPhase phase : phases)
        result.emplace_back(toString(phase));
    return result;
}

// Each step's hook fires once when journaled, then once when its effect is applied.
std::vector<std::string> expectedHookCalls(Strategy strategy)
{
    std::vector<std::string> hooks;
    for (const std::string& step : names(phaseSequence(strategy))) {
        hooks.push_back(step + ":journaled");
        hooks.push_back(step + ":applied");
    }
    return hooks;
}

nlohmann::json journaledMetrics(Journal& journal, const std::string& id)
{
    auto record = journal.update(id);
    EXPECT_TRUE(record.ok() && record->has_value());
    if (!record.ok() || !record->has_value() || !(*record)->metricsJson)
        return {};
    return nlohmann::json::parse(*(*record)->metricsJson);
}

}  // namespace

// ---------------------------------------------------------------- plan and validation

TEST(UpdateRunnerPlan, EveryPhaseOfEachStrategyWithItsRules)
{
    TempDir dir;
    SandboxDriver sandbox(sandboxOptions());
    auto journal = openJournal(dir.file("j.db"));
    UpdateRunner runner(sandbox, *journal);

    auto cv = runner.plan(request(Strategy::Cv));
    ASSERT_TRUE(cv.ok()) << cv.error().toString();
    EXPECT_EQ(cv->fromVersion, "v1");
    EXPECT_EQ(cv->targetVersion, "v2");
    const std::vector<RunPhase> cvPhases = {
        RunPhase::Deploy,      RunPhase::Pin,   RunPhase::SwitchDefault, RunPhase::BlockAndLock,
        RunPhase::SyncAndDiff, RunPhase::Drain, RunPhase::Retire};
    ASSERT_EQ(cv->phases.size(), cvPhases.size());
    const std::vector<bool> changed = {false, true, true, false, false, false, true};
    for (std::size_t i = 0; i < cvPhases.size(); ++i) {
        EXPECT_EQ(cv->phases[i].phase, cvPhases[i]);
        EXPECT_EQ(cv->phases[i].rulesChanged, changed[i]) << i;
        EXPECT_FALSE(cv->phases[i].description.empty());
        EXPECT_TRUE(concord::core::parseRuleSets(cv->phases[i].rulesYaml).ok());
    }
    // The sandbox starts with the Initial rules; the runner's carry the service's
    // namespace (its group), which the sandbox's own rules leave out.
    auto initial = concord::core::parseRuleSets(cv->phases[0].rulesYaml)->front();
    EXPECT_EQ(initial.virtualService.ns, "security");
    initial.virtualService.ns.clear();
    initial.destinationRule.ns.clear();
    EXPECT_EQ(initial, parsedRules(sandbox, "auth-service"));
    EXPECT_TRUE(cv->warnings.empty());

    auto bf = runner.plan(request(Strategy::Bf));
    ASSERT_TRUE(bf.ok());
    ASSERT_EQ(bf->phases.size(), 7u);
    EXPECT_EQ(bf->phases[5].phase, RunPhase::SwitchDefault);
    EXPECT_EQ(bf->phases[2].rulesYaml, bf->phases[1].rulesYaml);  // BF blocks under pin rules
    auto wf = runner.plan(request(Strategy::Wf));
    ASSERT_TRUE(wf.ok());
    EXPECT_EQ(wf->phases.size(), 5u);
    EXPECT_FALSE(wf->warnings.empty());  // no timeout set

    auto naive = runner.plan(request(Strategy::Naive));
    ASSERT_TRUE(naive.ok());
    ASSERT_EQ(naive->phases.size(), 2u);
    EXPECT_EQ(naive->phases[1].phase, RunPhase::Retire);
    ASSERT_EQ(naive->warnings.size(), 1u);
    EXPECT_NE(naive->warnings[0].find("may mix versions"), std::string::npos);
}

TEST(UpdateRunnerPlan, BadRequestsGetTheirCodes)
{
    TempDir dir;
    SandboxDriver sandbox(sandboxOptions());
    auto journal = openJournal(dir.file("j.db"));
    UpdateRunner runner(sandbox, *journal);
    const auto code = [&](UpdateRequestSpec r) {
        auto planned = runner.plan(r);
        auto started = runner.startUpdate(r);
        EXPECT_FALSE(started.ok());
        if (planned.ok() || started.ok())
            return ErrorCode::Unspecified;
        EXPECT_EQ(planned.error().code, started.error().code) << started.error().message;
        return started.error().code;
    };
    auto empty = request(Strategy::Cv, "");
    EXPECT_EQ(code(empty), ErrorCode::InvalidArgument);
    EXPECT_EQ(runner.plan(empty).error().message.rfind("service:", 0), 0u);
    EXPECT_EQ(code(request(Strategy::Cv, "auth-service", "")), ErrorCode::InvalidArgument);
    EXPECT_EQ(code(request(Strategy::Cv, "nope")), ErrorCode::NotFound);
    EXPECT_EQ(code(request(Strategy::Cv, "auth-service", "v9")), ErrorCode::NotFound);
    EXPECT_EQ(code(request(Strategy::Cv, "auth-service", "v1")), ErrorCode::FailedPrecondition);
    auto negative = request(Strategy::Wf);
    negative.options.timeoutMs = -1;
    EXPECT_EQ(code(negative), ErrorCode::InvalidArgument);

    // Naive is planned (with its warning) but not started without the acknowledgement.
    const auto naive = request(Strategy::Naive);
    EXPECT_TRUE(runner.plan(naive).ok());
    auto refused = runner.startUpdate(naive);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::FailedPrecondition);
    EXPECT_EQ(refused.error().message.rfind("naive_acknowledged", 0), 0u);
    EXPECT_FALSE(strategyFromString("quiescence").has_value());  // not a runner strategy
    EXPECT_TRUE(runner.list("").empty());
    auto unfinished = journal->unfinished();
    ASSERT_TRUE(unfinished.ok());
    EXPECT_TRUE(unfinished->empty());

    EXPECT_EQ(runner.abort("nope", "t", "operator", "").error().code, ErrorCode::NotFound);
    EXPECT_EQ(runner.forceRetire("nope", "t", "operator", "").error().code, ErrorCode::NotFound);
    EXPECT_EQ(runner.snapshot("nope").error().code, ErrorCode::NotFound);
    EXPECT_EQ(runner.registerVersion("", "v3", "v1", "i", "t", "operator").error().code,
              ErrorCode::InvalidArgument);
    EXPECT_EQ(runner.registerVersion("nope", "v3", "v1", "i", "t", "operator").error().code,
              ErrorCode::NotFound);
    EXPECT_EQ(runner.registerVersion("auth-service", "v2", "v1", "i", "t", "operator").error().code,
              ErrorCode::AlreadyExists);
}

// ---------------------------------------------------------------- live runs on the sandbox

struct StrategyCase
{
    Strategy strategy;
    double arrivalMs;  // WF frees only under light load
};

class UpdateRunnerStrategy : public testing::TestWithParam<StrategyCase>
{
};

TEST_P(UpdateRunnerStrategy, RunsToCompletedWithoutInconsistency)
{
    const StrategyCase c = GetParam();
    Live live(sandboxOptions(20, c.arrivalMs));
    // Journal before effect: when rules are applied, their step is already journaled.
    std::vector<std::string> journaledAtApply;
    std::mutex seenMutex;
    live.driver.fault = [&](std::string_view action) {
        if (action == "applyRules") {
            auto unfinished = live.journal->unfinished();
            const std::lock_guard lock(seenMutex);
            if (unfinished.ok() && !unfinished->empty() && unfinished->front().lastTransition)
                journaledAtApply.push_back(unfinished->front().lastTransition->state);
        }
        return concord::core::okStatus();
    };
    live.warmUp(3000);
    auto id = live.runner->startUpdate(request(c.strategy));
    ASSERT_TRUE(id.ok()) << id.error().toString();
    EXPECT_EQ(live.runner->activeUpdateFor("auth-service"), *id);
    const Watched w = watch(*live.runner, *id, 20000);
    ASSERT_EQ(w.last.state, RunState::Completed) << w.last.message;
    EXPECT_EQ(w.last.phase, RunPhase::Retire);
    EXPECT_EQ(w.last.inconsistentTransactions, 0u);
    EXPECT_EQ(live.sandbox.totals().inconsistentTransactions, 0u);
    ASSERT_FALSE(w.drainSamples.empty());
    EXPECT_EQ(w.drainSamples.back(), 0u);
    if (c.strategy != Strategy::Wf)  // under load the DiffSet starts non-empty
        EXPECT_GT(*std::max_element(w.drainSamples.begin(), w.drainSamples.end()), 0u);
    EXPECT_GT(w.last.metrics.timelinessMs, 0);
    if (c.strategy != Strategy::Wf)
        EXPECT_GT(w.last.completedCount, 0u);
    EXPECT_GT(w.last.finishedAtUnixMs, 0);
    EXPECT_FALSE(w.last.oldInstances.empty());
    for (const PhaseTime& t : w.last.phaseTimes)
        EXPECT_LE(t.enteredAtUnixMs, t.leftAtUnixMs);

    EXPECT_EQ(journaledStates(*live.journal, *id), names(phaseSequence(c.strategy)));
    expectTransitionsOnce(*live.journal, *id);
    {
        const std::lock_guard lock(live.hookMutex);
        EXPECT_EQ(live.hookCalls, expectedHookCalls(c.strategy));
    }
    EXPECT_EQ(journaledMetrics(*live.journal, *id).value("inconsistentTransactions", -1), 0);
    auto record = live.journal->update(*id);
    ASSERT_TRUE(record.ok() && record->has_value());
    EXPECT_EQ((*record)->state, UpdateState::Completed);
    {
        const std::lock_guard lock(seenMutex);
        for (const std::string& state : journaledAtApply)
            EXPECT_NE(state, "deploy");  // rules only change in steps that say so
        EXPECT_FALSE(journaledAtApply.empty());
        EXPECT_EQ(journaledAtApply.back(), "retire");
    }
    EXPECT_EQ(parsedRules(live.sandbox, "auth-service"),
              expectedRules(live.sandbox, UpdatePhase::Retired, "v1", "v2"));
    EXPECT_FALSE(deployed(live.sandbox, "auth-service", "v1"));
    EXPECT_FALSE(live.runner->activeUpdateFor("auth-service").has_value());
    EXPECT_EQ(live.runner->list("auth-service").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Strategies, UpdateRunnerStrategy,
                         testing::Values(StrategyCase{Strategy::Cv, 0},
                                         StrategyCase{Strategy::Bf, 0},
                                         StrategyCase{Strategy::Wf, 2000}),
                         [](const auto& info) {
                             return std::string(toString(info.param.strategy));
                         });

// Entering SyncAndDiff resets the DiffSet shown; the drain it starts must be
// what the first Drain snapshot shows (a watcher saw DRAIN with 0, then 13).
TEST(UpdateRunner, TheFirstDrainSnapshotShowsTheDiffSetSyncAndDiffComputed)
{
    Live live(sandboxOptions(20, 0));
    std::mutex mutex;
    std::optional<std::uint64_t> shown;  // the DiffSet the snapshot shows as Drain is journaled
    live.onStep = [&](RunPhase step, std::string_view point) {
        if (step != RunPhase::Drain || point != "journaled")
            return;
        const auto id = live.runner->activeUpdateFor("auth-service");
        if (!id)
            return;
        auto snap = live.runner->snapshot(*id);
        const std::lock_guard lock(mutex);
        if (snap.ok() && !shown)
            shown = snap->diffSetSize;
    };
    live.warmUp(3000);
    auto id = live.runner->startUpdate(request(Strategy::Bf));
    ASSERT_TRUE(id.ok()) << id.error().toString();
    const Watched w = watch(*live.runner, *id, 20000);
    ASSERT_EQ(w.last.state, RunState::Completed) << w.last.message;
    const std::lock_guard lock(mutex);
    ASSERT_TRUE(shown.has_value());
    EXPECT_GT(*shown, 0u) << "under load the locked DiffSet starts non-empty";
}

TEST(UpdateRunner, OneUpdatePerServiceDifferentServicesInParallel)
{
    Live live;
    live.warmUp(2000);
    ASSERT_TRUE(
        live.runner->registerVersion("db-service", "v2", "v1", "concord/db:2.0", "test", "operator")
            .ok());
    auto auth = live.runner->startUpdate(request(Strategy::Cv));
    ASSERT_TRUE(auth.ok()) << auth.error().toString();
    auto again = live.runner->startUpdate(request(Strategy::Bf));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::FailedPrecondition);
    auto db = live.runner->startUpdate(request(Strategy::Cv, "db-service", "v2"));
    ASSERT_TRUE(db.ok()) << db.error().toString();
    const auto both = live.runner->list("");
    ASSERT_EQ(both.size(), 2u);
    EXPECT_FALSE(isFinal(both[0].state));
    EXPECT_FALSE(isFinal(both[1].state));

    const Watched wa = watch(*live.runner, *auth, 20000);
    const Watched wd = watch(*live.runner, *db, 20000);
    EXPECT_EQ(wa.last.state, RunState::Completed) << wa.last.message;
    EXPECT_EQ(wd.last.state, RunState::Completed) << wd.last.message;
    EXPECT_EQ(live.sandbox.totals().inconsistentTransactions, 0u);
    EXPECT_EQ(parsedRules(live.sandbox, "db-service"),
              expectedRules(live.sandbox, UpdatePhase::Retired, "v1", "v2", "db-service"));
    // Once finished, the service takes a new update (back to v1).
    auto back = live.runner->startUpdate(request(Strategy::Cv, "auth-service", "v1"));
    EXPECT_TRUE(back.ok()) << back.error().toString();
    ActionFilter filter;
    auto actions = live.journal->actions(filter);
    ASSERT_TRUE(actions.ok());
    std::multiset<ActionKind> kinds;
    for (const Action& a : *actions)
        kinds.insert(a.kind);
    EXPECT_EQ(kinds.count(ActionKind::RegisterVersion), 1u);
    EXPECT_EQ(kinds.count(ActionKind::Start), 3u);
}

// A naive update of auth-service breaks transactions while db-service is
// updated with CV: the CV update reports none of them — each update answers
// for its own service only.
TEST(UpdateRunner, AnUpdateCountsOnlyItsOwnServicesInconsistentTransactions)
{
    // Slow rules stretch the CV update over the seconds in which the
    // transactions caught by the naive swap finish, inconsistent.
    Live live(sandboxOptions(), 1000);
    live.warmUp(2000);
    ASSERT_TRUE(
        live.runner->registerVersion("db-service", "v2", "v1", "concord/db:2.0", "test", "operator")
            .ok());
    auto naive = request(Strategy::Naive);
    naive.naiveAcknowledged = true;
    auto auth = live.runner->startUpdate(naive);
    ASSERT_TRUE(auth.ok()) << auth.error().toString();
    auto db = live.runner->startUpdate(request(Strategy::Cv, "db-service", "v2"));
    ASSERT_TRUE(db.ok()) << db.error().toString();

    const Watched wd = watch(*live.runner, *db, 20000);
    EXPECT_EQ(wd.last.state, RunState::Completed) << wd.last.message;
    const TrafficTotals totals = live.sandbox.totals();
    ASSERT_GT(totals.inconsistentTransactions, 0u) << "the naive swap broke nothing to count";
    EXPECT_EQ(totals.inconsistentByService.at("auth-service"), totals.inconsistentTransactions);
    EXPECT_EQ(totals.inconsistentByService.count("db-service"), 0u);
    EXPECT_EQ(wd.last.inconsistentTransactions, 0u);
    EXPECT_EQ(wd.last.metrics.inconsistentTransactions, 0u);
}

// The driver's change listener may be running on the simulation thread while
// a runner is destroyed; the runner must not leave it a dangling pointer
// (ThreadSanitizer and AddressSanitizer catch it in their presets).
TEST(UpdateRunner, TheDriverMayOutliveItsRunners)
{
    TempDir dir;
    SandboxDriver sandbox(sandboxOptions(50, 0, 0));
    auto journal = openJournal(dir.file("j.db"));
    sandbox.startTraffic();
    // Deploys and retirements are changes: each one calls the listener.
    std::atomic<bool> done{false};
    std::thread changes([&] {
        while (!done) {
            EXPECT_TRUE(sandbox.deploy("auth-service", "v2").ok());
            EXPECT_TRUE(sandbox.retire("auth-service", "v2").ok());
        }
    });
    for (int i = 0; i < 50; ++i) {
        RunnerOptions ro;
        ro.tickMs = 1;
        auto runner = std::make_unique<UpdateRunner>(sandbox, *journal, ro);
        runner->start();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        runner.reset();  // while the simulation keeps notifying
    }
    done = true;
    changes.join();
    EXPECT_GT(sandbox.totals().transactionsCompleted, 0u);
}

class UpdateRunnerAbort : public testing::TestWithParam<RunPhase>
{
};

// Abort in each CV phase: the rules end in the Initial shape for v1, v2 is gone.
TEST_P(UpdateRunnerAbort, RollsBackToTheOldVersion)
{
    const RunPhase phase = GetParam();
    Live live(sandboxOptions(20, 0, 2000), 2000);  // 100 ms wall per step
    live.warmUp(3000);
    auto id = live.runner->startUpdate(request(Strategy::Cv));
    ASSERT_TRUE(id.ok());
    const Watched before =
        watch(*live.runner, *id, 10000, [&](const UpdateSnapshot& s) { return s.phase == phase; });
    ASSERT_EQ(before.last.phase, phase);
    auto aborted = live.runner->abort(*id, "test", "operator", "changed my mind");
    ASSERT_TRUE(aborted.ok()) << aborted.error().toString();
    EXPECT_EQ(live.runner->abort(*id, "test", "operator", "").error().code,
              ErrorCode::FailedPrecondition);  // one abort at a time
    const Watched w = watch(*live.runner, *id, 15000);
    ASSERT_EQ(w.last.state, RunState::Aborted) << w.last.message;
    EXPECT_EQ(w.last.phase, RunPhase::Rollback);
    EXPECT_EQ(parsedRules(live.sandbox, "auth-service"),
              expectedRules(live.sandbox, UpdatePhase::Initial, "v1", "v1"));
    EXPECT_FALSE(deployed(live.sandbox, "auth-service", "v2"));
    EXPECT_TRUE(deployed(live.sandbox, "auth-service", "v1"));
    EXPECT_EQ(live.sandbox.totals().inconsistentTransactions, 0u);
    EXPECT_EQ(w.last.inconsistentTransactions, 0u);
    auto sets = live.sandbox.instanceSets("auth-service", "v1");
    ASSERT_TRUE(sets.ok());
    for (const InstanceSet& set : *sets)
        EXPECT_FALSE(set.locked);

    // Traffic reached v2 only from SwitchDefault on: then the rollback drains it.
    auto transitions = live.journal->transitions(*id);
    ASSERT_TRUE(transitions.ok());
    const bool reverse = std::any_of(
        transitions->begin(), transitions->end(),
        [](const Transition& t) { return t.detailJson.find("drain_new") != std::string::npos; });
    const bool reached = phase != RunPhase::Deploy && phase != RunPhase::Pin;
    EXPECT_EQ(reverse, reached);
    EXPECT_EQ(transitions->back().phase, UpdatePhase::Initial);
    EXPECT_NE(transitions->back().detailJson.find("restore"), std::string::npos);
    expectTransitionsOnce(*live.journal, *id);
    auto record = live.journal->update(*id);
    ASSERT_TRUE(record.ok() && record->has_value());
    EXPECT_EQ((*record)->state, UpdateState::Aborted);
    EXPECT_EQ(live.runner->abort(*id, "test", "operator", "").error().code,
              ErrorCode::FailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Phases, UpdateRunnerAbort,
                         testing::Values(RunPhase::Deploy, RunPhase::Pin, RunPhase::SwitchDefault,
                                         RunPhase::BlockAndLock, RunPhase::Drain),
                         [](const auto& info) { return std::string(toString(info.param)); });

// BF's held requests go back to v1; WF's drain is cancelled before it swaps.
TEST(UpdateRunner, AbortBfAndWfInDrain)
{
    Live live;  // 40 requests/s: BF drains for seconds, WF never frees
    live.warmUp(3000);
    for (const Strategy strategy : {Strategy::Bf, Strategy::Wf}) {
        auto id = live.runner->startUpdate(request(strategy));
        ASSERT_TRUE(id.ok()) << id.error().toString();
        const Watched w = watch(*live.runner, *id, 10000, [](const UpdateSnapshot& s) {
            return s.phase == RunPhase::Drain && s.diffSetSize > 0;
        });
        ASSERT_EQ(w.last.phase, RunPhase::Drain) << w.last.message;
        ASSERT_TRUE(live.runner->abort(*id, "t", "operator", "").ok());
        const Watched done = watch(*live.runner, *id, 10000);
        EXPECT_EQ(done.last.state, RunState::Aborted) << toString(strategy);
        EXPECT_EQ(parsedRules(live.sandbox, "auth-service"),
                  expectedRules(live.sandbox, UpdatePhase::Initial, "v1", "v1"));
        EXPECT_FALSE(deployed(live.sandbox, "auth-service", "v2"));
        if (strategy == Strategy::Bf)
            EXPECT_GT(done.last.metrics.heldRequests, 0u);
    }
    EXPECT_EQ(live.sandbox.totals().inconsistentTransactions, 0u);
}

class UpdateRunnerTimeout : public testing::TestWithParam<Strategy>
{
};

TEST_P(UpdateRunnerTimeout, RollsBackAndEndsTimedOut)
{
    Live live;  // 40 requests/s: auth v1 is never free (WF) and drains slowly (BF)
    live.warmUp(3000);
    auto r = request(GetParam());
    r.options.timeoutMs = GetParam() == Strategy::Wf ? 1500 : 200;
    auto id = live.runner->startUpdate(r);
    ASSERT_TRUE(id.ok());
    const Watched w = watch(*live.runner, *id, 10000);
    ASSERT_EQ(w.last.state, RunState::TimedOut) << w.last.message;
    EXPECT_EQ(parsedRules(live.sandbox, "auth-service"),
              expectedRules(live.sandbox, UpdatePhase::Initial, "v1", "v1"));
    EXPECT_FALSE(deployed(live.sandbox, "auth-service", "v2"));
    EXPECT_EQ(live.sandbox.totals().inconsistentTransactions, 0u);
    auto record = live.journal->update(*id);
    ASSERT_TRUE(record.ok() && record->has_value());
    EXPECT_EQ((*record)->state, UpdateState::TimedOut);
    EXPECT_EQ(journaledStates(*live.journal, *id).back(), "rollback");
}

INSTANTIATE_TEST_SUITE_P(WfBf, UpdateRunnerTimeout, testing::Values(Strategy::Wf, Strategy::Bf),
                         [](const auto& info) { return std::string(toString(info.param)); });

TEST(UpdateRunner, ForceRetireOnlyInDrain)
{
    Live live(sandboxOptions(), 1000);
    live.warmUp(5000);
    auto r = request(Strategy::Cv);
    r.options.stragglerTtlMs = 300;
    auto id = live.runner->startUpdate(r);
    ASSERT_TRUE(id.ok());
    const Watched pin = watch(*live.runner, *id, 10000,
                              [](const UpdateSnapshot& s) { return s.phase == RunPhase::Pin; });
    ASSERT_EQ(pin.last.phase, RunPhase::Pin);
    EXPECT_EQ(live.runner->forceRetire(*id, "t", "operator", "").error().code,
              ErrorCode::FailedPrecondition);
    const Watched drain = watch(*live.runner, *id, 10000, [](const UpdateSnapshot& s) {
        return s.phase == RunPhase::Drain && s.diffSetSize > 0 && s.stragglerCount > 0;
    });
    ASSERT_EQ(drain.last.phase, RunPhase::Drain) << drain.last.message;
    auto violations = live.runner->forceRetire(*id, "t", "operator", "stragglers");
    ASSERT_TRUE(violations.ok()) << violations.error().toString();
    EXPECT_GT(*violations, 0u);
    const Watched w = watch(*live.runner, *id, 10000);
    ASSERT_EQ(w.last.state, RunState::ForceRetired) << w.last.message;
    EXPECT_EQ(w.last.metrics.possibleViolations, *violations);
    EXPECT_GT(drain.maxStragglers, 0u);
    EXPECT_FALSE(deployed(live.sandbox, "auth-service", "v1"));
    EXPECT_EQ(parsedRules(live.sandbox, "auth-service"),
              expectedRules(live.sandbox, UpdatePhase::Retired, "v1", "v2"));
    auto record = live.journal->update(*id);
    ASSERT_TRUE(record.ok() && record->has_value());
    EXPECT_EQ((*record)->state, UpdateState::ForceRetired);
    EXPECT_EQ(journaledMetrics(*live.journal, *id).value("possibleViolations", 0u), *violations);
    EXPECT_EQ(live.runner->forceRetire(*id, "t", "operator", "").error().code,
              ErrorCode::FailedPrecondition);
}

// ---------------------------------------------------------------- resume after a restart

struct ResumeCase
{
    Strategy strategy;
    RunPhase phase;           // where the first runner is destroyed
    bool abortFirst = false;  // abort in `phase`, destroy while rolling back
};

class UpdateRunnerResume : public testing::TestWithParam<ResumeCase>
{
};

namespace {

// Runs an update on a first sandbox and runner and destroys both in `c.phase`
// (the crash); the journal at `path` keeps the unfinished update.
void crashMidUpdate(const std::string& path, const ResumeCase& c, std::string& id,
                    Step& journaledThen)
{
    SandboxDriver first(sandboxOptions(20, 0, 2000));
    SlowRules slow(first, 2000);
    auto journal = openJournal(path);
    RunnerOptions ro;
    ro.tickMs = 5;
    auto runner = std::make_unique<UpdateRunner>(slow, *journal, ro);
    runner->start();
    first.startTraffic();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto started = runner->startUpdate(request(c.strategy));
    ASSERT_TRUE(started.ok());
    id = *started;
    const Watched w = watch(*runner, id, 10000, [&](const UpdateSnapshot& s) {
        return s.phase == c.phase && (!c.abortFirst || s.diffSetSize > 0);
    });
    ASSERT_EQ(w.last.phase, c.phase);
    if (c.abortFirst) {
        ASSERT_TRUE(runner->abort(id, "t", "operator", "").ok());
        const Watched back = watch(*runner, id, 10000, [](const UpdateSnapshot& s) {
            return s.state == RunState::RollingBack && s.diffSetSize > 0;
        });
        ASSERT_EQ(back.last.state, RunState::RollingBack);
    }
    runner.reset();  // nothing is finished: the journal keeps the update
    first.stop();
    auto unfinished = journal->unfinished();
    ASSERT_TRUE(unfinished.ok());
    ASSERT_EQ(unfinished->size(), 1u);
    const Transition& last = *unfinished->front().lastTransition;
    journaledThen.phase = runPhaseFromString(last.state).value_or(RunPhase::Initial);
    const auto detail = nlohmann::json::parse(last.detailJson);
    journaledThen.rollback =
        rollbackStepFromString(detail.value("rollback", "")).value_or(RollbackStep::None);
}

// Before any traffic, the fresh mesh is back in the state of the resumed step.
void expectReestablished(const SandboxDriver& mesh, Strategy strategy, const Step& step)
{
    const RunPhase phase = step.phase;
    if (phase != RunPhase::Deploy) {
        const bool restored = step.rollback == RollbackStep::Restore;
        EXPECT_EQ(parsedRules(mesh, "auth-service"),
                  expectedRules(mesh, ruleShape(strategy, step), "v1", restored ? "v1" : "v2"));
        EXPECT_NE(mesh.ready("auth-service", "v2"), restored);
    }
    const bool blocked = phase == RunPhase::BlockAndLock || phase == RunPhase::Drain ||
                         (strategy == Strategy::Bf && phase == RunPhase::SwitchDefault);
    auto sets = mesh.instanceSets("auth-service", "v1");
    ASSERT_TRUE(sets.ok());
    for (const InstanceSet& set : *sets)
        EXPECT_EQ(set.locked, blocked) << set.instance;
    EXPECT_EQ(mesh.drainStatus("auth-service").active,
              phase == RunPhase::Drain || step.rollback == RollbackStep::DrainNew);
    EXPECT_EQ(mesh.totals().transactionsStarted, 0u);
}

}  // namespace

// A new runner on the journal of a destroyed one and a fresh sandbox resumes
// the update and finishes it, every transition journaled once.
TEST_P(UpdateRunnerResume, ContinuesFromTheJournaledStep)
{
    const ResumeCase c = GetParam();
    TempDir dir;
    const std::string path = dir.file("journal.db");
    std::string id;
    Step journaledThen;
    ASSERT_NO_FATAL_FAILURE(crashMidUpdate(path, c, id, journaledThen));

    SandboxDriver second(sandboxOptions(20));
    auto journal = openJournal(path);
    RunnerOptions ro;
    ro.tickMs = 5;
    UpdateRunner runner(second, *journal, ro);
    ASSERT_TRUE(runner.resumeUnfinished().ok());
    auto resumed = runner.snapshot(id);
    ASSERT_TRUE(resumed.ok());
    EXPECT_EQ(resumed->phase, journaledThen.phase);
    EXPECT_EQ(runner.activeUpdateFor("auth-service"), id);
    auto refused = runner.startUpdate(request(Strategy::Cv));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::FailedPrecondition);
    expectReestablished(second, c.strategy, journaledThen);

    runner.start();
    second.startTraffic();
    const Watched w = watch(runner, id, 15000);
    ASSERT_EQ(w.last.state, c.abortFirst ? RunState::Aborted : RunState::Completed)
        << w.last.message;
    EXPECT_EQ(second.totals().inconsistentTransactions, 0u);
    EXPECT_EQ(w.last.inconsistentTransactions, 0u);
    expectTransitionsOnce(*journal, id);
    const bool completed = !c.abortFirst;
    if (completed)
        EXPECT_EQ(journaledStates(*journal, id), names(phaseSequence(c.strategy)));
    EXPECT_EQ(parsedRules(second, "auth-service"),
              completed ? expectedRules(second, UpdatePhase::Retired, "v1", "v2")
                        : expectedRules(second, UpdatePhase::Initial, "v1", "v1"));
    EXPECT_NE(deployed(second, "auth-service", "v1"), completed);
    EXPECT_EQ(deployed(second, "auth-service", "v2"), completed);
    EXPECT_EQ(second.totals().failedTransactions, 0u);
}

INSTANTIATE_TEST_SUITE_P(Steps, UpdateRunnerResume,
                         testing::Values(ResumeCase{Strategy::Cv, RunPhase::Deploy},
                                         ResumeCase{Strategy::Cv, RunPhase::Pin},
                                         ResumeCase{Strategy::Cv, RunPhase::SwitchDefault},
                                         ResumeCase{Strategy::Cv, RunPhase::BlockAndLock},
                                         ResumeCase{Strategy::Cv, RunPhase::Drain},
                                         ResumeCase{Strategy::Bf, RunPhase::Drain},
                                         ResumeCase{Strategy::Bf, RunPhase::SwitchDefault},
                                         ResumeCase{Strategy::Cv, RunPhase::Drain, true}),
                         [](const auto& info) {
                             return std::string(toString(info.param.strategy)) + "_" +
                                    std::string(toString(info.param.phase)) +
                                    (info.param.abortFirst ? "_abort" : "");
                         });

// ---------------------------------------------------------------- driver errors, journal, naive

TEST(UpdateRunner, TransientDriverErrorsAreRetriedOthersFail)
{
    Live live;
    live.warmUp(1000);
    std::atomic<int> unavailable{3};
    live.driver.fault = [&](std::string_view action) -> concord::core::Status {
        if (action == "applyRules" && unavailable.fetch_sub(1) > 0)
            return concord::core::makeError(ErrorCode::Unavailable, "sidecars busy");
        return concord::core::okStatus();
    };
    auto id = live.runner->startUpdate(request(Strategy::Cv));
    ASSERT_TRUE(id.ok());
    const Watched ok = watch(*live.runner, *id, 20000);
    EXPECT_EQ(ok.last.state, RunState::Completed) << ok.last.message;
    EXPECT_LT(unavailable.load(), 0);
    expectTransitionsOnce(*live.journal, *id);

    // Back to v1; the drain is refused for good: the update fails with the message.
    live.driver.fault = [&](std::string_view action) -> concord::core::Status {
        if (action == "startDrain")
            return concord::core::makeError(ErrorCode::InvalidArgument, "gateway says no");
        return concord::core::okStatus();
    };
    auto back = live.runner->startUpdate(request(Strategy::Cv, "auth-service", "v1"));
    ASSERT_TRUE(back.ok()) << back.error().toString();
    const Watched failed = watch(*live.runner, *back, 20000);
    ASSERT_EQ(failed.last.state, RunState::Failed);
    EXPECT_NE(failed.last.message.find("gateway says no"), std::string::npos);
    EXPECT_EQ(failed.last.phase, RunPhase::SyncAndDiff);
    auto record = live.journal->update(*back);
    ASSERT_TRUE(record.ok() && record->has_value());
    EXPECT_EQ((*record)->state, UpdateState::Aborted);  // the journal has no "failed"
    EXPECT_EQ(journaledMetrics(*live.journal, *back).value("state", ""), "failed");
    EXPECT_FALSE(live.runner->activeUpdateFor("auth-service").has_value());
}

TEST(UpdateRunner, AnUnfinishedUpdateInTheJournalBlocksTheService)
{
    TempDir dir;
    SandboxDriver sandbox(sandboxOptions());
    auto journal = openJournal(dir.file("j.db"));
    UpdateRecord record;
    record.service = "auth-service";
    record.fromVersion = "v1";
    record.toVersion = "v2";
    record.strategy = "cv";
    ASSERT_TRUE(journal->beginUpdate(record).ok());
    UpdateRunner runner(sandbox, *journal);  // not resumed
    auto refused = runner.startUpdate(request(Strategy::Cv));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::FailedPrecondition);
}

TEST(UpdateRunner, NaiveWithAcknowledgementSwapsAtOnceAndFinishedAreBounded)
{
    TempDir dir;
    SandboxDriver sandbox(sandboxOptions());
    auto journal = openJournal(dir.file("j.db"));
    RunnerOptions ro;
    ro.tickMs = 5;
    ro.keepFinished = 1;
    UpdateRunner runner(sandbox, *journal, ro);
    runner.start();
    sandbox.startTraffic();
    auto r = request(Strategy::Naive);
    r.naiveAcknowledged = true;
    auto first = runner.startUpdate(r);
    ASSERT_TRUE(first.ok()) << first.error().toString();
    EXPECT_EQ(watch(runner, *first, 10000).last.state, RunState::Completed);
    EXPECT_EQ(journaledStates(*journal, *first), (std::vector<std::string>{"deploy", "retire"}));
    EXPECT_EQ(parsedRules(sandbox, "auth-service"),
              expectedRules(sandbox, UpdatePhase::Retired, "v1", "v2"));
    auto action = journal->actions(ActionFilter{});
    ASSERT_TRUE(action.ok() && !action->empty());
    EXPECT_EQ(action->front().kind, ActionKind::Start);
    EXPECT_EQ(action->front().actor, "test");

    r.targetVersion = "v1";
    auto second = runner.startUpdate(r);
    ASSERT_TRUE(second.ok()) << second.error().toString();
    EXPECT_EQ(watch(runner, *second, 10000).last.state, RunState::Completed);
    const auto kept = runner.list("");
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(kept[0].id, *second);
    EXPECT_EQ(runner.snapshot(*first).error().code, ErrorCode::NotFound);
}
