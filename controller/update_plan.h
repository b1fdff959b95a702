#pragma once

// The static side of the update runner: which steps a strategy visits, the §3
// rule shape in force during each, the generated YAML, and the validation of
// an update request against the mesh. No state, no driver calls.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/rule_generator.h"
#include "driver.h"
#include "update_runner.h"

namespace concord::controller {

// The parts of RunPhase::Rollback (issue 3 notes): Cancel stops a WF drain and
// learns whether its swap already happened; Repin, BlockNew and DrainNew are
// the CV drain in reverse (traffic reached the new version); Restore puts the
// Initial rules for the old version back and removes the new one.
enum class RollbackStep
{
    None,
    Cancel,
    Repin,
    BlockNew,
    DrainNew,
    Restore,
};
std::string_view toString(RollbackStep step);  // "", "cancel", "repin", …
std::optional<RollbackStep> rollbackStepFromString(std::string_view text);

// One step of the state machine.
struct Step
{
    RunPhase phase = RunPhase::Initial;
    RollbackStep rollback = RollbackStep::None;
    friend bool operator==(const Step&, const Step&) = default;
};

// The RunPhases a strategy visits when nothing goes wrong, in order.
std::vector<RunPhase> phaseSequence(Strategy strategy);
// The step after `phase` on the happy path; Retire has none.
std::optional<RunPhase> nextPhase(Strategy strategy, RunPhase phase);
// The §3 rule shape in force during a step (what Transition::phase records).
core::UpdatePhase ruleShape(Strategy strategy, const Step& step);
// Where an abort in `phase` goes: Restore while no request can have reached
// the new version, Cancel for a WF drain, Repin otherwise; nullopt when the
// phase does not allow an abort (Retire, Rollback).
std::optional<RollbackStep> rollbackFor(Strategy strategy, RunPhase phase);
std::string phaseDescription(Strategy strategy, RunPhase phase);

// A validated request: the service, the versions and the rule parameters.
struct UpdateTarget
{
    std::string service;
    std::string fromVersion;
    std::string toVersion;
    core::RuleParams params;
};

core::RuleParams ruleParams(const MeshState& mesh, const ServiceInfo& service,
                            core::IstioApiVersion apiVersion);
// The rules YAML for a shape of the update from → to (Initial: from only).
std::string rulesYamlFor(const UpdateTarget& target, core::UpdatePhase shape);

// InvalidArgument (naming the field), NotFound (service, version),
// FailedPrecondition (target is serving, no replicas, nothing serving).
core::Result<UpdateTarget> resolveTarget(const MeshState& mesh, const UpdateRequestSpec& request);
Plan buildPlan(const UpdateTarget& target, const UpdateRequestSpec& request);

}  // namespace concord::controller
