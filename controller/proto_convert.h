#pragma once

// Conversions between the controller's types and the concord.v1 messages,
// and from core::Error to a gRPC status.

#include <grpcpp/support/status.h>

#include <cstdint>
#include <optional>
#include <string>

#include "auth.h"
#include "concord/v1/mesh.pb.h"
#include "concord/v1/server.pb.h"
#include "concord/v1/topology.pb.h"
#include "concord/v1/update.pb.h"
#include "core/result.h"
#include "driver.h"
#include "journal.h"
#include "update_runner.h"

namespace concord::controller {

// InvalidArgument → INVALID_ARGUMENT, NotFound → NOT_FOUND, … ; Unspecified
// and Internal → INTERNAL. The message is the error's message alone (the
// field name first for InvalidArgument); a journal path is not leaked.
grpc::Status toGrpcStatus(const core::Error& error);
grpc::StatusCode toGrpcCode(core::ErrorCode code);

google::protobuf::Timestamp timestampFromUnixMs(std::int64_t unixMs);
google::protobuf::Duration durationFromMs(double ms);
// Milliseconds of a Duration; nullopt when it is not a valid Duration
// (seconds and nanos of different signs, out of range).
std::optional<double> durationToMs(const google::protobuf::Duration& duration);

v1::UpdateStrategy toProto(Strategy strategy);
// nullopt for UNSPECIFIED, QUIESCENCE (bench only) and unknown values.
std::optional<Strategy> strategyFromProto(int strategy);
v1::UpdatePhase toProto(RunPhase phase);
v1::UpdateState toProto(RunState state);
v1::UpdateState toProto(UpdateState state);
v1::Role toProto(Role role);
std::optional<core::IstioApiVersion> istioApiFromProto(int version);

void toProto(const UpdateSnapshot& snapshot, v1::UpdateProgress& out);
void toProto(const UpdateMetricsSummary& metrics, v1::UpdateMetrics& out);
void toSummary(const UpdateSnapshot& snapshot, v1::UpdateSummary& out);
// A journal record (updates no longer in the runner's memory). `requestedBy`
// comes from the journal's start action.
void toSummary(const UpdateRecord& record, const std::string& requestedBy, v1::UpdateSummary& out);
// The runner's metrics JSON as the journal stores it (keys of
// UpdateMetricsSummary in camelCase); unknown or missing keys are ignored.
UpdateMetricsSummary metricsFromJson(const std::string& json, std::string* message = nullptr);

void toProto(const InstanceInfo& instance, v1::Instance& out);
void toProto(const EdgeStats& edge, v1::TopologyEdge& out);
void toProto(const Plan& plan, v1::UpdatePlan& out);

}  // namespace concord::controller
