#include "resource_convert.h"

#include "proto_convert.h"

namespace concord::controller {

v1::ConditionType toProto(core::ConditionType type)
{
    switch (type) {
        case core::ConditionType::Available:
            return v1::CONDITION_TYPE_AVAILABLE;
        case core::ConditionType::Progressing:
            return v1::CONDITION_TYPE_PROGRESSING;
        case core::ConditionType::Degraded:
            return v1::CONDITION_TYPE_DEGRADED;
    }
    return v1::CONDITION_TYPE_UNSPECIFIED;
}

v1::ConditionStatus toProto(core::ConditionStatus status)
{
    switch (status) {
        case core::ConditionStatus::True:
            return v1::CONDITION_STATUS_TRUE;
        case core::ConditionStatus::False:
            return v1::CONDITION_STATUS_FALSE;
        case core::ConditionStatus::Unknown:
            return v1::CONDITION_STATUS_UNKNOWN;
    }
    return v1::CONDITION_STATUS_UNSPECIFIED;
}

v1::ProbePhase toProto(core::ProbePhase phase)
{
    switch (phase) {
        case core::ProbePhase::None:
            return v1::PROBE_PHASE_NONE;
        case core::ProbePhase::Pending:
            return v1::PROBE_PHASE_PENDING;
        case core::ProbePhase::Running:
            return v1::PROBE_PHASE_RUNNING;
        case core::ProbePhase::Failed:
            return v1::PROBE_PHASE_FAILED;
    }
    return v1::PROBE_PHASE_UNSPECIFIED;
}

void toProto(const core::ResourceSpec& spec, v1::ResourceSpec& out)
{
    out.set_id(spec.id);
    out.set_kind(spec.kind);
    auto& attributes = *out.mutable_attributes();
    for (const auto& [key, value] : spec.attributes) {
        attributes[key] = value;
    }
    v1::SpaceAttributes& space = *out.mutable_space();
    space.set_site(spec.space.site);
    space.set_room(spec.space.room);
    if (spec.space.latitude) {
        space.set_latitude(*spec.space.latitude);
    }
    if (spec.space.longitude) {
        space.set_longitude(*spec.space.longitude);
    }
    v1::TimeAttributes& time = *out.mutable_time();
    time.set_timezone(spec.time.timezone);
    time.set_available_from(spec.time.availableFrom);
    time.set_available_until(spec.time.availableUntil);
    v1::ProbeSpec& probe = *out.mutable_probe();
    probe.set_image(spec.probe.image);
    for (const std::string& word : spec.probe.command) {
        probe.add_command(word);
    }
    for (const std::string& arg : spec.probe.args) {
        probe.add_args(arg);
    }
    out.set_probe_enabled(spec.probeEnabled);
}

void toProto(const core::ResourceStatus& status, v1::ResourceStatus& out)
{
    for (const core::Condition& c : status.conditions) {
        v1::Condition& condition = *out.add_conditions();
        condition.set_type(toProto(c.type));
        condition.set_status(toProto(c.status));
        condition.set_reason(c.reason);
        condition.set_message(c.message);
        *condition.mutable_last_transition_time() = timestampFromUnixMs(c.lastTransitionUnixMs);
    }
    out.set_observed_generation(status.observedGeneration);
    v1::ProbeDeploymentStatus& probe = *out.mutable_probe();
    probe.set_name(status.probe.name);
    probe.set_phase(toProto(status.probe.phase));
    probe.set_spec_hash(status.probe.specHash);
    probe.set_message(status.probe.message);
}

void toProto(const core::Resource& resource, v1::Resource& out)
{
    toProto(resource.spec, *out.mutable_spec());
    toProto(resource.status, *out.mutable_status());
    out.set_generation(resource.generation);
    out.set_resource_version(resource.resourceVersion);
    *out.mutable_created_at() = timestampFromUnixMs(resource.createdAtUnixMs);
}

core::ResourceSpec fromProto(const v1::ResourceSpec& spec)
{
    core::ResourceSpec out;
    out.id = spec.id();
    out.kind = spec.kind();
    for (const auto& [key, value] : spec.attributes()) {
        out.attributes[key] = value;
    }
    out.space.site = spec.space().site();
    out.space.room = spec.space().room();
    if (spec.space().has_latitude()) {
        out.space.latitude = spec.space().latitude();
    }
    if (spec.space().has_longitude()) {
        out.space.longitude = spec.space().longitude();
    }
    out.time.timezone = spec.time().timezone();
    out.time.availableFrom = spec.time().available_from();
    out.time.availableUntil = spec.time().available_until();
    out.probe.image = spec.probe().image();
    out.probe.command.assign(spec.probe().command().begin(), spec.probe().command().end());
    out.probe.args.assign(spec.probe().args().begin(), spec.probe().args().end());
    out.probeEnabled = spec.probe_enabled();
    return out;
}

}  // namespace concord::controller
