#include "update_plan.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "core/rule_yaml.h"

namespace concord::controller {

using core::ErrorCode;
using core::UpdatePhase;

namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> lookup(const std::array<std::pair<Enum, std::string_view>, N>& names,
                           std::string_view text)
{
    for (const auto& [value, name] : names) {
        if (name == text)
            return value;
    }
    return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string_view nameOf(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value)
{
    for (const auto& [candidate, name] : names) {
        if (candidate == value)
            return name;
    }
    return "unknown";
}

constexpr std::array<std::pair<Strategy, std::string_view>, 4> kStrategies{{
    {Strategy::Cv, "cv"},
    {Strategy::Bf, "bf"},
    {Strategy::Wf, "wf"},
    {Strategy::Naive, "naive"},
}};

constexpr std::array<std::pair<RunPhase, std::string_view>, 9> kPhases{{
    {RunPhase::Initial, "initial"},
    {RunPhase::Deploy, "deploy"},
    {RunPhase::Pin, "pin"},
    {RunPhase::SwitchDefault, "switch_default"},
    {RunPhase::BlockAndLock, "block_and_lock"},
    {RunPhase::SyncAndDiff, "sync_and_diff"},
    {RunPhase::Drain, "drain"},
    {RunPhase::Retire, "retire"},
    {RunPhase::Rollback, "rollback"},
}};

constexpr std::array<std::pair<RunState, std::string_view>, 7> kStates{{
    {RunState::Running, "running"},
    {RunState::RollingBack, "rolling_back"},
    {RunState::Completed, "completed"},
    {RunState::ForceRetired, "force_retired"},
    {RunState::Aborted, "aborted"},
    {RunState::TimedOut, "timed_out"},
    {RunState::Failed, "failed"},
}};

constexpr std::array<std::pair<RollbackStep, std::string_view>, 6> kRollbackSteps{{
    {RollbackStep::None, ""},
    {RollbackStep::Cancel, "cancel"},
    {RollbackStep::Repin, "repin"},
    {RollbackStep::BlockNew, "block_new"},
    {RollbackStep::DrainNew, "drain_new"},
    {RollbackStep::Restore, "restore"},
}};

core::Error invalid(std::string message)
{
    return core::makeError(ErrorCode::InvalidArgument, std::move(message));
}

core::Status checkDuration(double value, std::string_view field)
{
    if (!std::isfinite(value) || value < 0)
        return invalid(std::string(field) + ": must be a finite duration >= 0");
    return core::okStatus();
}

}  // namespace

std::string_view toString(Strategy strategy)
{
    return nameOf(kStrategies, strategy);
}

std::optional<Strategy> strategyFromString(std::string_view text)
{
    return lookup(kStrategies, text);
}

std::string_view toString(RunPhase phase)
{
    return nameOf(kPhases, phase);
}

std::optional<RunPhase> runPhaseFromString(std::string_view text)
{
    return lookup(kPhases, text);
}

std::string_view toString(RunState state)
{
    return nameOf(kStates, state);
}

bool isFinal(RunState state)
{
    return state != RunState::Running && state != RunState::RollingBack;
}

std::string_view toString(RollbackStep step)
{
    return nameOf(kRollbackSteps, step);
}

std::optional<RollbackStep> rollbackStepFromString(std::string_view text)
{
    return lookup(kRollbackSteps, text);
}

std::vector<RunPhase> phaseSequence(Strategy strategy)
{
    using P = RunPhase;
    switch (strategy) {
        case Strategy::Cv:
            return {P::Deploy,      P::Pin,   P::SwitchDefault, P::BlockAndLock,
                    P::SyncAndDiff, P::Drain, P::Retire};
        case Strategy::Bf:
            return {P::Deploy, P::Pin,           P::BlockAndLock, P::SyncAndDiff,
                    P::Drain,  P::SwitchDefault, P::Retire};
        case Strategy::Wf:
            return {P::Deploy, P::Pin, P::SyncAndDiff, P::Drain, P::Retire};
        case Strategy::Naive:
            return {P::Deploy, P::Retire};
    }
    return {};
}

std::optional<RunPhase> nextPhase(Strategy strategy, RunPhase phase)
{
    if (phase == RunPhase::Initial)
        return RunPhase::Deploy;
    const std::vector<RunPhase> sequence = phaseSequence(strategy);
    const auto it = std::find(sequence.begin(), sequence.end(), phase);
    if (it == sequence.end() || it + 1 == sequence.end())
        return std::nullopt;
    return *(it + 1);
}

UpdatePhase ruleShape(Strategy strategy, const Step& step)
{
    const bool cv = strategy == Strategy::Cv;
    switch (step.phase) {
        case RunPhase::Initial:
        case RunPhase::Deploy:
            return UpdatePhase::Initial;
        case RunPhase::Pin:
            return UpdatePhase::NewVersionOnline;
        case RunPhase::SwitchDefault:
            return UpdatePhase::SwitchDefault;
        case RunPhase::BlockAndLock:
            return cv ? UpdatePhase::BlockAndLock : UpdatePhase::NewVersionOnline;
        case RunPhase::SyncAndDiff:
        case RunPhase::Drain:
            return cv ? UpdatePhase::SyncAndDiff : UpdatePhase::NewVersionOnline;
        case RunPhase::Retire:
            return UpdatePhase::Retired;
        case RunPhase::Rollback:
            return step.rollback == RollbackStep::Restore || step.rollback == RollbackStep::None
                       ? UpdatePhase::Initial
                       : UpdatePhase::NewVersionOnline;
    }
    return UpdatePhase::Initial;
}

std::optional<RollbackStep> rollbackFor(Strategy strategy, RunPhase phase)
{
    switch (phase) {
        case RunPhase::Retire:
        case RunPhase::Rollback:
            return std::nullopt;
        case RunPhase::Initial:
        case RunPhase::Deploy:
        case RunPhase::Pin:
            return RollbackStep::Restore;
        default:
            break;
    }
    switch (strategy) {
        case Strategy::Cv:
            return RollbackStep::Repin;
        case Strategy::Bf:
            return phase == RunPhase::SwitchDefault ? RollbackStep::Repin : RollbackStep::Restore;
        case Strategy::Wf:
            return RollbackStep::Cancel;
        case Strategy::Naive:
            return std::nullopt;
    }
    return std::nullopt;
}

std::string phaseDescription(Strategy strategy, RunPhase phase)
{
    switch (phase) {
        case RunPhase::Initial:
            return "All traffic goes to the serving version";
        case RunPhase::Deploy:
            return "The new version's instances are created; the update waits until they are ready";
        case RunPhase::Pin:
            return "Pin routes for both versions; the default route stays on the old version";
        case RunPhase::SwitchDefault:
            return strategy == Strategy::Bf
                       ? "Default route switches to the new version; held requests are released "
                         "to it"
                       : "Default route switches to the new version; pinned transactions keep "
                         "theirs";
        case RunPhase::BlockAndLock:
            return strategy == Strategy::Bf
                       ? "Old instances hold unpinned requests; their trace-id sets are locked"
                       : "Old instances reject unpinned requests (retried on the new version); "
                         "their trace-id sets are locked";
        case RunPhase::SyncAndDiff:
            return "Old trace-id sets go to the gateway, which computes the DiffSet";
        case RunPhase::Drain:
            return strategy == Strategy::Wf
                       ? "Waiting until no running transaction has used the old version; the "
                         "rules swap at that instant"
                       : "Waiting until every transaction in the DiffSet has completed";
        case RunPhase::Retire:
            return strategy == Strategy::Naive
                       ? "All traffic swaps to the new version at once; old instances are removed"
                       : "Final rules for the new version; old instances are removed";
        case RunPhase::Rollback:
            return "Rules and instances go back to the old version";
    }
    return {};
}

core::RuleParams ruleParams(const MeshState& mesh, const ServiceInfo& service,
                            core::IstioApiVersion apiVersion)
{
    core::RuleParams params;
    params.service = service.name;
    params.ns = service.ns;
    params.pinHeader = mesh.pinHeader;
    params.versionLabel = mesh.versionLabel;
    params.apiVersion = apiVersion;
    return params;
}

std::string rulesYamlFor(const UpdateTarget& target, UpdatePhase shape)
{
    return core::toYaml(
        core::generateRules(target.params, shape, target.fromVersion, target.toVersion));
}

core::Result<UpdateTarget> resolveTarget(const MeshState& mesh, const UpdateRequestSpec& request)
{
    if (request.service.empty())
        return invalid("service: must not be empty");
    if (request.targetVersion.empty())
        return invalid("target_version: must not be empty");
    if (auto ok = checkDuration(request.options.stragglerTtlMs, "options.straggler_ttl"); !ok)
        return ok.error();
    if (auto ok = checkDuration(request.options.timeoutMs, "options.timeout"); !ok)
        return ok.error();
    const auto service =
        std::find_if(mesh.services.begin(), mesh.services.end(),
                     [&](const ServiceInfo& s) { return s.name == request.service; });
    if (service == mesh.services.end())
        return core::makeError(ErrorCode::NotFound, "service '" + request.service + "' not found");
    const auto version =
        std::find_if(service->versions.begin(), service->versions.end(),
                     [&](const VersionInfo& v) { return v.name == request.targetVersion; });
    if (version == service->versions.end())
        return core::makeError(
            ErrorCode::NotFound,
            "service '" + request.service + "' has no version '" + request.targetVersion + "'");
    if (service->defaultVersion.empty())
        return core::makeError(ErrorCode::FailedPrecondition,
                               "service '" + request.service + "' has no serving version");
    if (service->defaultVersion == request.targetVersion)
        return core::makeError(ErrorCode::FailedPrecondition,
                               "version '" + request.targetVersion + "' is already serving");
    if (version->replicas <= 0)
        return core::makeError(ErrorCode::FailedPrecondition,
                               "version '" + request.targetVersion + "' has no replicas to deploy");
    return UpdateTarget{service->name, service->defaultVersion, request.targetVersion,
                        ruleParams(mesh, *service, request.options.apiVersion)};
}

namespace {

std::vector<std::string> planWarnings(const UpdateRequestSpec& request)
{
    std::vector<std::string> warnings;
    const bool noTimeout = request.options.timeoutMs <= 0;
    switch (request.strategy) {
        case Strategy::Naive:
            warnings.push_back(
                "naive: may mix versions within a transaction — a transaction that used the old "
                "version and then reaches the new one is inconsistent under load; starting it "
                "needs naive_acknowledged");
            break;
        case Strategy::Wf:
            if (noTimeout)
                warnings.push_back(
                    "wf: the old version may never be free under load and no "
                    "timeout is set");
            break;
        case Strategy::Bf:
            warnings.push_back(
                "bf: unpinned requests to the service are held until the old "
                "version drains");
            if (noTimeout)
                warnings.push_back("bf: no timeout is set");
            break;
        case Strategy::Cv:
            break;
    }
    return warnings;
}

}  // namespace

Plan buildPlan(const UpdateTarget& target, const UpdateRequestSpec& request)
{
    Plan plan;
    plan.service = target.service;
    plan.fromVersion = target.fromVersion;
    plan.targetVersion = target.toVersion;
    plan.strategy = request.strategy;
    std::string previous = rulesYamlFor(target, UpdatePhase::Initial);
    for (const RunPhase phase : phaseSequence(request.strategy)) {
        PlannedPhase planned;
        planned.phase = phase;
        planned.description = phaseDescription(request.strategy, phase);
        planned.rulesYaml = rulesYamlFor(target, ruleShape(request.strategy, Step{phase}));
        planned.rulesChanged = planned.rulesYaml != previous;
        previous = planned.rulesYaml;
        plan.phases.push_back(std::move(planned));
    }
    plan.warnings = planWarnings(request);
    return plan;
}

}  // namespace concord::controller
