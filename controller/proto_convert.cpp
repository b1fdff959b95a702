#include "proto_convert.h"

#include <google/protobuf/util/time_util.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace concord::controller {

using google::protobuf::util::TimeUtil;

grpc::StatusCode toGrpcCode(core::ErrorCode code)
{
    switch (code) {
        case core::ErrorCode::InvalidArgument:
            return grpc::StatusCode::INVALID_ARGUMENT;
        case core::ErrorCode::NotFound:
            return grpc::StatusCode::NOT_FOUND;
        case core::ErrorCode::FailedPrecondition:
            return grpc::StatusCode::FAILED_PRECONDITION;
        case core::ErrorCode::AlreadyExists:
            return grpc::StatusCode::ALREADY_EXISTS;
        case core::ErrorCode::Unavailable:
            return grpc::StatusCode::UNAVAILABLE;
        case core::ErrorCode::Aborted:
            return grpc::StatusCode::ABORTED;
        case core::ErrorCode::Unspecified:
        case core::ErrorCode::Internal:
            break;
    }
    return grpc::StatusCode::INTERNAL;
}

grpc::Status toGrpcStatus(const core::Error& error)
{
    return {toGrpcCode(error.code), error.message};
}

google::protobuf::Timestamp timestampFromUnixMs(std::int64_t unixMs)
{
    return TimeUtil::MillisecondsToTimestamp(unixMs);
}

google::protobuf::Duration durationFromMs(double ms)
{
    if (!std::isfinite(ms)) {
        ms = 0;
    }
    const double maxMs = 315'576'000'000'000.0;  // Duration's range: ±10,000 years
    ms = std::clamp(ms, -maxMs, maxMs);
    return TimeUtil::NanosecondsToDuration(static_cast<std::int64_t>(std::llround(ms * 1e6)));
}

std::optional<double> durationToMs(const google::protobuf::Duration& duration)
{
    if (duration.seconds() < TimeUtil::kDurationMinSeconds ||
        duration.seconds() > TimeUtil::kDurationMaxSeconds || duration.nanos() <= -1'000'000'000 ||
        duration.nanos() >= 1'000'000'000 || (duration.seconds() > 0 && duration.nanos() < 0) ||
        (duration.seconds() < 0 && duration.nanos() > 0)) {
        return std::nullopt;
    }
    return static_cast<double>(duration.seconds()) * 1000.0 +
           static_cast<double>(duration.nanos()) / 1e6;
}

v1::UpdateStrategy toProto(Strategy strategy)
{
    switch (strategy) {
        case Strategy::Cv:
            return v1::UPDATE_STRATEGY_CV;
        case Strategy::Bf:
            return v1::UPDATE_STRATEGY_BF;
        case Strategy::Wf:
            return v1::UPDATE_STRATEGY_WF;
        case Strategy::Naive:
            return v1::UPDATE_STRATEGY_NAIVE;
    }
    return v1::UPDATE_STRATEGY_UNSPECIFIED;
}

std::optional<Strategy> strategyFromProto(int strategy)
{
    switch (strategy) {
        case v1::UPDATE_STRATEGY_CV:
            return Strategy::Cv;
        case v1::UPDATE_STRATEGY_BF:
            return Strategy::Bf;
        case v1::UPDATE_STRATEGY_WF:
            return Strategy::Wf;
        case v1::UPDATE_STRATEGY_NAIVE:
            return Strategy::Naive;
        default:
            return std::nullopt;
    }
}

v1::UpdatePhase toProto(RunPhase phase)
{
    switch (phase) {
        case RunPhase::Initial:
            return v1::UPDATE_PHASE_INITIAL;
        case RunPhase::Deploy:
            return v1::UPDATE_PHASE_DEPLOY;
        case RunPhase::Pin:
            return v1::UPDATE_PHASE_PIN;
        case RunPhase::SwitchDefault:
            return v1::UPDATE_PHASE_SWITCH_DEFAULT;
        case RunPhase::BlockAndLock:
            return v1::UPDATE_PHASE_BLOCK_AND_LOCK;
        case RunPhase::SyncAndDiff:
            return v1::UPDATE_PHASE_SYNC_AND_DIFF;
        case RunPhase::Drain:
            return v1::UPDATE_PHASE_DRAIN;
        case RunPhase::Retire:
            return v1::UPDATE_PHASE_RETIRE;
        case RunPhase::Rollback:
            return v1::UPDATE_PHASE_ROLLBACK;
    }
    return v1::UPDATE_PHASE_UNSPECIFIED;
}

v1::UpdateState toProto(RunState state)
{
    switch (state) {
        case RunState::Running:
            return v1::UPDATE_STATE_RUNNING;
        case RunState::RollingBack:
            return v1::UPDATE_STATE_ROLLING_BACK;
        case RunState::Completed:
            return v1::UPDATE_STATE_COMPLETED;
        case RunState::ForceRetired:
            return v1::UPDATE_STATE_FORCE_RETIRED;
        case RunState::Aborted:
            return v1::UPDATE_STATE_ABORTED;
        case RunState::TimedOut:
            return v1::UPDATE_STATE_TIMED_OUT;
        case RunState::Failed:
            return v1::UPDATE_STATE_FAILED;
    }
    return v1::UPDATE_STATE_UNSPECIFIED;
}

v1::UpdateState toProto(UpdateState state)
{
    switch (state) {
        case UpdateState::Running:
            return v1::UPDATE_STATE_RUNNING;
        case UpdateState::Completed:
            return v1::UPDATE_STATE_COMPLETED;
        case UpdateState::Aborted:
            return v1::UPDATE_STATE_ABORTED;
        case UpdateState::ForceRetired:
            return v1::UPDATE_STATE_FORCE_RETIRED;
        case UpdateState::TimedOut:
            return v1::UPDATE_STATE_TIMED_OUT;
    }
    return v1::UPDATE_STATE_UNSPECIFIED;
}

v1::Role toProto(Role role)
{
    return role == Role::Operator ? v1::ROLE_OPERATOR : v1::ROLE_VIEWER;
}

std::optional<core::IstioApiVersion> istioApiFromProto(int version)
{
    switch (version) {
        case v1::ISTIO_API_VERSION_UNSPECIFIED:
        case v1::ISTIO_API_VERSION_V1:
            return core::IstioApiVersion::V1;
        case v1::ISTIO_API_VERSION_V1BETA1:
            return core::IstioApiVersion::V1Beta1;
        case v1::ISTIO_API_VERSION_V1ALPHA3:
            return core::IstioApiVersion::V1Alpha3;
        default:
            return std::nullopt;
    }
}

void toProto(const UpdateMetricsSummary& metrics, v1::UpdateMetrics& out)
{
    if (metrics.timelinessMs >= 0) {
        *out.mutable_timeliness() = durationFromMs(metrics.timelinessMs);
    }
    *out.mutable_disruption() = durationFromMs(metrics.disruptionMs);
    out.set_failed_transactions(metrics.failedTransactions);
    out.set_retried_requests(metrics.retriedRequests);
    out.set_inconsistent_transactions(metrics.inconsistentTransactions);
    out.set_peak_instances(metrics.peakInstances);
    out.set_held_requests(metrics.heldRequests);
    out.set_rejected_requests(metrics.rejectedRequests);
    out.set_stragglers(metrics.stragglers);
    out.set_possible_violations(metrics.possibleViolations);
}

void toProto(const UpdateSnapshot& snapshot, v1::UpdateProgress& out)
{
    out.set_update_id(snapshot.id);
    out.set_service(snapshot.service);
    out.set_from_version(snapshot.fromVersion);
    out.set_target_version(snapshot.targetVersion);
    out.set_strategy(toProto(snapshot.strategy));
    out.set_phase(toProto(snapshot.phase));
    out.set_state(toProto(snapshot.state));
    for (const InstanceSet& set : snapshot.oldInstances) {
        v1::OldInstance* old = out.add_old_instances();
        old->set_name(set.instance);
        old->set_traceid_set_size(set.size);
        old->set_locked(set.locked);
    }
    out.set_completed_count(snapshot.completedCount);
    out.set_diff_set_size(snapshot.diffSetSize);
    std::size_t listed = 0;
    for (const Straggler& straggler : snapshot.stragglers) {
        if (++listed > 100) {
            break;
        }
        v1::Straggler* s = out.add_stragglers();
        s->set_trace_id(straggler.traceId.toHex());
        *s->mutable_age() = durationFromMs(straggler.ageMs);
    }
    out.set_straggler_count(
        std::max<std::uint64_t>(snapshot.stragglerCount, snapshot.stragglers.size()));
    for (const PhaseTime& time : snapshot.phaseTimes) {
        v1::PhaseTiming* timing = out.add_phase_timings();
        timing->set_phase(toProto(time.phase));
        *timing->mutable_entered_at() = timestampFromUnixMs(time.enteredAtUnixMs);
        if (time.leftAtUnixMs != 0) {
            *timing->mutable_left_at() = timestampFromUnixMs(time.leftAtUnixMs);
        }
    }
    out.set_inconsistent_transactions(snapshot.inconsistentTransactions);
    out.set_message(snapshot.message);
    *out.mutable_observed_at() = timestampFromUnixMs(
        snapshot.observedAtUnixMs != 0 ? snapshot.observedAtUnixMs : nowUnixMs());
}

void toSummary(const UpdateSnapshot& snapshot, v1::UpdateSummary& out)
{
    out.set_update_id(snapshot.id);
    out.set_service(snapshot.service);
    out.set_from_version(snapshot.fromVersion);
    out.set_target_version(snapshot.targetVersion);
    out.set_strategy(toProto(snapshot.strategy));
    out.set_state(toProto(snapshot.state));
    out.set_phase(toProto(snapshot.phase));
    *out.mutable_requested_at() = timestampFromUnixMs(snapshot.requestedAtUnixMs);
    if (snapshot.finishedAtUnixMs != 0) {
        *out.mutable_finished_at() = timestampFromUnixMs(snapshot.finishedAtUnixMs);
    }
    out.set_requested_by(snapshot.requestedBy);
    out.set_message(snapshot.message);
    toProto(snapshot.metrics, *out.mutable_metrics());
}

UpdateMetricsSummary metricsFromJson(const std::string& json, std::string* message)
{
    UpdateMetricsSummary metrics;
    const nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
    if (!doc.is_object()) {
        return metrics;
    }
    const auto number = [&doc](const char* key, auto& field) {
        const auto it = doc.find(key);
        if (it != doc.end() && it->is_number()) {
            const double value = it->template get<double>();
            using Field = std::remove_reference_t<decltype(field)>;
            if (std::isfinite(value) && value >= -1 &&
                value <= static_cast<double>(std::numeric_limits<Field>::max())) {
                field = static_cast<Field>(value);
            }
        }
    };
    number("timelinessMs", metrics.timelinessMs);
    number("disruptionMs", metrics.disruptionMs);
    number("failedTransactions", metrics.failedTransactions);
    number("retriedRequests", metrics.retriedRequests);
    number("inconsistentTransactions", metrics.inconsistentTransactions);
    number("peakInstances", metrics.peakInstances);
    number("heldRequests", metrics.heldRequests);
    number("rejectedRequests", metrics.rejectedRequests);
    number("stragglers", metrics.stragglers);
    number("possibleViolations", metrics.possibleViolations);
    if (message != nullptr) {
        const auto it = doc.find("message");
        if (it != doc.end() && it->is_string()) {
            *message = it->get<std::string>();
        }
    }
    return metrics;
}

void toSummary(const UpdateRecord& record, const std::string& requestedBy, v1::UpdateSummary& out)
{
    out.set_update_id(record.id);
    out.set_service(record.service);
    out.set_from_version(record.fromVersion);
    out.set_target_version(record.toVersion);
    if (const auto strategy = strategyFromString(record.strategy)) {
        out.set_strategy(toProto(*strategy));
    }
    out.set_state(toProto(record.state));
    if (record.lastTransition) {
        if (const auto phase = runPhaseFromString(record.lastTransition->state)) {
            out.set_phase(toProto(*phase));
        }
    }
    *out.mutable_requested_at() = timestampFromUnixMs(record.createdAtUnixMs);
    if (record.finishedAtUnixMs) {
        *out.mutable_finished_at() = timestampFromUnixMs(*record.finishedAtUnixMs);
    }
    std::string actor = requestedBy;
    if (actor.empty()) {  // the runner keeps the requester in the options
        const nlohmann::json options = nlohmann::json::parse(record.optionsJson, nullptr, false);
        if (options.is_object() && options.contains("actor") && options["actor"].is_string()) {
            actor = options["actor"].get<std::string>();
        }
    }
    out.set_requested_by(actor);
    const std::string metricsText = record.metricsJson.value_or("{}");
    std::string message;
    toProto(metricsFromJson(metricsText, &message), *out.mutable_metrics());
    out.set_message(message);
    // The journal has no "failed" state (the runner stores it as aborted); its metrics say.
    const nlohmann::json metrics = nlohmann::json::parse(metricsText, nullptr, false);
    if (metrics.is_object() && metrics.contains("state") && metrics["state"].is_string() &&
        metrics["state"].get<std::string>() == toString(RunState::Failed)) {
        out.set_state(v1::UPDATE_STATE_FAILED);
    }
}

void toProto(const InstanceInfo& instance, v1::Instance& out)
{
    out.set_name(instance.name);
    out.set_service(instance.service);
    out.set_version(instance.version);
    out.set_state(instance.up ? v1::INSTANCE_STATE_UP : v1::INSTANCE_STATE_STARTING);
    *out.mutable_started_at() = timestampFromUnixMs(instance.startedAtUnixMs);
    for (const auto& [key, value] : instance.labels) {
        (*out.mutable_labels())[key] = value;
    }
}

void toProto(const EdgeStats& edge, v1::TopologyEdge& out)
{
    const bool ingress = edge.sourceService.empty() || edge.sourceService == "ingress";
    out.set_source_service(ingress ? "" : edge.sourceService);
    out.set_source_version(ingress ? "" : edge.sourceVersion);
    out.set_destination_service(edge.destinationService);
    out.set_destination_version(edge.destinationVersion);
    const auto finite = [](double v) { return std::isfinite(v) && v > 0 ? v : 0.0; };
    out.set_request_rate(finite(edge.requestRate));
    out.set_error_rate(std::min(1.0, finite(edge.errorRate)));
    out.set_latency_p50_ms(finite(edge.latencyP50Ms));
    out.set_latency_p99_ms(finite(edge.latencyP99Ms));
}

void toProto(const Plan& plan, v1::UpdatePlan& out)
{
    out.set_service(plan.service);
    out.set_from_version(plan.fromVersion);
    out.set_target_version(plan.targetVersion);
    out.set_strategy(toProto(plan.strategy));
    for (const PlannedPhase& phase : plan.phases) {
        v1::PlanPhase* entry = out.add_phases();
        entry->set_phase(toProto(phase.phase));
        entry->set_description(phase.description);
        entry->set_rules_yaml(phase.rulesYaml);
        entry->set_rules_changed(phase.rulesChanged);
    }
    for (const std::string& warning : plan.warnings) {
        out.add_warnings(warning);
    }
}

}  // namespace concord::controller
