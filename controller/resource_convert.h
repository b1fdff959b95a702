#pragma once

// Conversions between core::Resource (core/resource.h) and the concord.v1
// Resource messages (resource.proto).

#include "concord/v1/resource.pb.h"
#include "core/resource.h"

namespace concord::controller {

void toProto(const core::ResourceSpec& spec, v1::ResourceSpec& out);
void toProto(const core::ResourceStatus& status, v1::ResourceStatus& out);
void toProto(const core::Resource& resource, v1::Resource& out);
v1::ConditionType toProto(core::ConditionType type);
v1::ConditionStatus toProto(core::ConditionStatus status);
v1::ProbePhase toProto(core::ProbePhase phase);

// Every field of the message, unchecked (validateResourceSpec checks).
core::ResourceSpec fromProto(const v1::ResourceSpec& spec);

}  // namespace concord::controller
