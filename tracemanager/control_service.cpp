#include "control_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cctype>

#include "id_codec.h"
#include "tracemgr_log.h"

namespace concord::tracemanager {

namespace v1 = concord::v1;
using google::protobuf::util::TimeUtil;

namespace {

google::protobuf::Timestamp toTimestamp(std::chrono::system_clock::time_point t)
{
    return TimeUtil::NanosecondsToTimestamp(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

// DiffSet names are concordd's "<service>/<version>" keys: printable, short,
// safe in a Prometheus label and a log line.
bool isValidName(std::string_view name)
{
    return !name.empty() && name.size() <= ControlService::kMaxNameBytes &&
           std::all_of(name.begin(), name.end(), [](char c) {
               const auto u = static_cast<unsigned char>(c);
               return std::isalnum(u) || c == '.' || c == '_' || c == '/' || c == '-';
           });
}

}  // namespace

ControlService::ControlService(Parts parts) : m_parts(parts) {}

grpc::Status ControlService::requireInstance() const
{
    if (m_parts.role != v1::TRACE_MANAGER_ROLE_INSTANCE) {
        return {grpc::StatusCode::FAILED_PRECONDITION, "this tracemgr runs in gateway mode"};
    }
    return grpc::Status::OK;
}

grpc::Status ControlService::requireGateway() const
{
    if (m_parts.role != v1::TRACE_MANAGER_ROLE_GATEWAY) {
        return {grpc::StatusCode::FAILED_PRECONDITION, "this tracemgr runs in instance mode"};
    }
    return grpc::Status::OK;
}

grpc::Status ControlService::invalid(std::string message)
{
    bump(m_parts.counters->controlRequestsInvalid);
    logEvent(LogLevel::Warning, "control request rejected", {{"reason", message}});
    return {grpc::StatusCode::INVALID_ARGUMENT, std::move(message)};
}

grpc::Status ControlService::Lock(grpc::ServerContext*, const v1::LockRequest*,
                                  v1::LockResponse* response)
{
    if (auto status = requireInstance(); !status.ok()) {
        return status;
    }
    const TraceRecorder::LockResult result = m_parts.recorder->lock();
    if (!result.wasLocked) {
        m_lockedAt = std::chrono::system_clock::now();
        logEvent(LogLevel::Info, "TraceidSet locked", {{"ids", std::to_string(result.size)}});
    }
    response->set_size(result.size);
    response->set_was_locked(result.wasLocked);
    *response->mutable_locked_at() = toTimestamp(m_lockedAt.load());
    return grpc::Status::OK;
}

grpc::Status ControlService::Unlock(grpc::ServerContext*, const v1::UnlockRequest* request,
                                    v1::UnlockResponse* response)
{
    if (auto status = requireInstance(); !status.ok()) {
        return status;
    }
    response->set_size(m_parts.recorder->unlock(request->clear()));
    logEvent(LogLevel::Info, "TraceidSet unlocked",
             {{"cleared", request->clear() ? "true" : "false"}});
    return grpc::Status::OK;
}

grpc::Status ControlService::Snapshot(grpc::ServerContext* context,
                                      const v1::SnapshotRequest* request,
                                      grpc::ServerWriter<v1::SnapshotResponse>* writer)
{
    if (auto status = requireInstance(); !status.ok()) {
        return status;
    }
    if (request->max_ids_per_chunk() > kMaxChunkIds) {
        return invalid("max_ids_per_chunk " + std::to_string(request->max_ids_per_chunk()) +
                       " is above " + std::to_string(kMaxChunkIds));
    }
    const std::size_t chunkIds =
        request->max_ids_per_chunk() == 0 ? kDefaultChunkIds : request->max_ids_per_chunk();
    const bool locked = m_parts.recorder->isLocked();
    const std::vector<core::TraceId> ids = m_parts.recorder->snapshot();
    std::uint32_t index = 0;
    std::size_t offset = 0;
    v1::SnapshotResponse chunk;
    do {
        const std::size_t n = std::min(chunkIds, ids.size() - offset);
        chunk.Clear();
        appendPackedIds(std::span(ids).subspan(offset, n), *chunk.mutable_ids());
        offset += n;
        chunk.set_total(ids.size());
        chunk.set_chunk_index(index++);
        chunk.set_last(offset == ids.size());
        chunk.set_locked(locked);
        if (context->IsCancelled() || !writer->Write(chunk)) {
            return {grpc::StatusCode::CANCELLED, "the client went away"};
        }
    } while (offset < ids.size());
    return grpc::Status::OK;
}

grpc::Status ControlService::SetMode(grpc::ServerContext*, const v1::SetModeRequest* request,
                                     v1::SetModeResponse* response)
{
    if (auto status = requireInstance(); !status.ok()) {
        return status;
    }
    if (request->blocking() && request->allowed_pins().empty()) {
        return invalid("blocking needs at least one allowed pin");
    }
    if (static_cast<std::size_t>(request->allowed_pins_size()) > kMaxPins) {
        return invalid("at most " + std::to_string(kMaxPins) + " allowed pins");
    }
    std::vector<std::string> pins;
    for (const std::string& pin : request->allowed_pins()) {
        if (pin.empty() || pin.size() > kMaxNameBytes || pin.find(',') != std::string::npos) {
            return invalid("allowed pin \"" + pin.substr(0, 64) +
                           "\" must be 1–253 bytes without commas");
        }
        pins.push_back(pin);
    }
    m_parts.policy->setBlocking(request->blocking(), pins);
    logEvent(LogLevel::Info, request->blocking() ? "blocking on" : "blocking off",
             {{"pins", request->blocking() ? pins.front() : ""}});
    response->set_blocking(m_parts.policy->isBlocking());
    for (const std::string& pin : m_parts.policy->allowedPins()) {
        response->add_allowed_pins(pin);
    }
    return grpc::Status::OK;
}

grpc::Status ControlService::GetStats(grpc::ServerContext*, const v1::GetStatsRequest*,
                                      v1::GetStatsResponse* response)
{
    const TraceCounters& c = *m_parts.counters;
    const auto load = [](const std::atomic<std::uint64_t>& a) {
        return a.load(std::memory_order_relaxed);
    };
    response->set_role(m_parts.role);
    response->set_trace_header(std::string(core::headerName(m_parts.traceHeader)));
    response->set_checks_allowed(load(c.checksAllowed));
    response->set_checks_blocked(load(c.checksBlocked));
    response->set_ids_recorded(load(c.idsRecorded));
    response->set_ids_not_recorded_locked(load(c.idsNotRecordedLocked));
    response->set_trace_ids_missing(load(c.traceIdsMissing));
    response->set_trace_ids_malformed(c.malformedTotal());
    response->set_ids_evicted(load(c.idsEvicted));
    response->set_completions(load(c.completions));
    *response->mutable_started_at() = toTimestamp(m_parts.startedAt);
    if (m_parts.recorder != nullptr) {
        response->set_blocking(m_parts.policy->isBlocking());
        response->set_locked(m_parts.recorder->isLocked());
        response->set_set_size(m_parts.recorder->size());
        response->set_set_memory_bytes(m_parts.recorder->memoryBytes());
    }
    if (m_parts.gateway != nullptr) {
        response->set_set_size(m_parts.gateway->completedSize());
        response->set_set_memory_bytes(m_parts.gateway->completedMemoryBytes());
        for (const GatewayState::DiffSetInfo& info : m_parts.gateway->list()) {
            v1::DiffSetInfo* out = response->add_diff_sets();
            out->set_name(info.name);
            out->set_size(info.size);
            out->set_pushed_ids(info.pushedIds);
            out->set_completed_ids(info.completedIds);
            *out->mutable_created_at() = toTimestamp(info.createdAt);
        }
    }
    return grpc::Status::OK;
}

grpc::Status ControlService::PushSnapshot(grpc::ServerContext*,
                                          const v1::PushSnapshotRequest* request,
                                          v1::PushSnapshotResponse* response)
{
    if (auto status = requireGateway(); !status.ok()) {
        return status;
    }
    if (!isValidName(request->diff_set())) {
        return invalid("diff_set must be 1–253 bytes of [A-Za-z0-9._/-]");
    }
    if (request->source().size() > kMaxNameBytes) {
        return invalid("source is longer than 253 bytes");
    }
    std::vector<core::TraceId> ids;
    if (const UnpackError error = unpackIds(request->ids(), kMaxPushIds, ids);
        error != UnpackError::None) {
        return invalid(std::string(toString(error)) + " (at most " + std::to_string(kMaxPushIds) +
                       " ids of 16 bytes)");
    }
    const GatewayState::PushResult result =
        m_parts.gateway->push(request->diff_set(), request->source(), ids);
    response->set_size(result.size);
    response->set_added(result.added);
    response->set_already_completed(result.alreadyCompleted);
    return grpc::Status::OK;
}

grpc::Status ControlService::WatchDiffSet(grpc::ServerContext* context,
                                          const v1::WatchDiffSetRequest* request,
                                          grpc::ServerWriter<v1::WatchDiffSetResponse>* writer)
{
    if (auto status = requireGateway(); !status.ok()) {
        return status;
    }
    if (!isValidName(request->diff_set())) {
        return invalid("diff_set must be 1–253 bytes of [A-Za-z0-9._/-]");
    }
    const std::shared_ptr<DiffSetWatch> watch = m_parts.gateway->watch(request->diff_set());
    if (!watch) {
        return {grpc::StatusCode::NOT_FOUND, "no DiffSet \"" + request->diff_set() + "\""};
    }
    v1::WatchDiffSetResponse message;
    // Short waits so a cancelled client or a shutdown ends the stream soon.
    while (!context->IsCancelled() && !m_stopping.load()) {
        const std::optional<DiffSetWatch::Update> update =
            watch->next(std::chrono::milliseconds(200));
        if (!update) {
            continue;
        }
        if (update->closed) {
            return grpc::Status::OK;
        }
        message.Clear();
        message.set_diff_set(request->diff_set());
        message.set_size(update->size);
        message.set_pushed_ids(update->pushedIds);
        appendPackedIds(update->completedIds, *message.mutable_completed_ids());
        message.set_completed_truncated(update->completedTruncated);
        if (!writer->Write(message)) {
            return {grpc::StatusCode::CANCELLED, "the client went away"};
        }
    }
    return m_stopping.load() ? grpc::Status{grpc::StatusCode::UNAVAILABLE, "tracemgr is stopping"}
                             : grpc::Status{grpc::StatusCode::CANCELLED, "cancelled"};
}

grpc::Status ControlService::DropDiffSet(grpc::ServerContext*,
                                         const v1::DropDiffSetRequest* request,
                                         v1::DropDiffSetResponse* response)
{
    if (auto status = requireGateway(); !status.ok()) {
        return status;
    }
    if (!isValidName(request->diff_set())) {
        return invalid("diff_set must be 1–253 bytes of [A-Za-z0-9._/-]");
    }
    response->set_dropped(m_parts.gateway->drop(request->diff_set()));
    return grpc::Status::OK;
}

void ControlService::stopWatches()
{
    m_stopping.store(true);
    if (m_parts.gateway != nullptr) {
        m_parts.gateway->closeWatches();
    }
}

}  // namespace concord::tracemanager
