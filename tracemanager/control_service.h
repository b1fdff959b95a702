#pragma once

#include <atomic>
#include <chrono>

#include "authz_policy.h"
#include "concord/v1/tracemgr.grpc.pb.h"
#include "counters.h"
#include "gateway_state.h"
#include "trace_recorder.h"

namespace concord::tracemanager {

// concord.v1.TraceManagerService: the sidecar's control API (sync gRPC API,
// on its own TCP server so a slow snapshot never delays ext_authz). Instance
// RPCs need `recorder` and `policy`, gateway RPCs `gateway`; the other side
// answers FAILED_PRECONDITION.
class ControlService final : public concord::v1::TraceManagerService::Service
{
public:
    static constexpr std::uint32_t kDefaultChunkIds = 65536;
    static constexpr std::uint32_t kMaxChunkIds = 262144;
    static constexpr std::size_t kMaxPushIds = 65536;
    static constexpr std::size_t kMaxNameBytes = 253;
    static constexpr std::size_t kMaxPins = 64;

    struct Parts
    {
        concord::v1::TraceManagerRole role = concord::v1::TRACE_MANAGER_ROLE_INSTANCE;
        TraceRecorder* recorder = nullptr;  // instance
        AuthzPolicy* policy = nullptr;      // instance
        GatewayState* gateway = nullptr;    // gateway
        TraceCounters* counters = nullptr;
        core::TraceHeaderFormat traceHeader = core::TraceHeaderFormat::B3TraceId;
        std::chrono::system_clock::time_point startedAt = std::chrono::system_clock::now();
    };

    explicit ControlService(Parts parts);

    grpc::Status Lock(grpc::ServerContext* context, const concord::v1::LockRequest* request,
                      concord::v1::LockResponse* response) override;
    grpc::Status Unlock(grpc::ServerContext* context, const concord::v1::UnlockRequest* request,
                        concord::v1::UnlockResponse* response) override;
    grpc::Status Snapshot(grpc::ServerContext* context, const concord::v1::SnapshotRequest* request,
                          grpc::ServerWriter<concord::v1::SnapshotResponse>* writer) override;
    grpc::Status SetMode(grpc::ServerContext* context, const concord::v1::SetModeRequest* request,
                         concord::v1::SetModeResponse* response) override;
    grpc::Status GetStats(grpc::ServerContext* context, const concord::v1::GetStatsRequest* request,
                          concord::v1::GetStatsResponse* response) override;
    grpc::Status PushSnapshot(grpc::ServerContext* context,
                              const concord::v1::PushSnapshotRequest* request,
                              concord::v1::PushSnapshotResponse* response) override;
    grpc::Status WatchDiffSet(
        grpc::ServerContext* context, const concord::v1::WatchDiffSetRequest* request,
        grpc::ServerWriter<concord::v1::WatchDiffSetResponse>* writer) override;
    grpc::Status DropDiffSet(grpc::ServerContext* context,
                             const concord::v1::DropDiffSetRequest* request,
                             concord::v1::DropDiffSetResponse* response) override;

    // Ends every WatchDiffSet stream (graceful shutdown).
    void stopWatches();

private:
    grpc::Status requireInstance() const;
    grpc::Status requireGateway() const;
    grpc::Status invalid(std::string message);

    Parts m_parts;
    std::atomic<bool> m_stopping{false};
    std::atomic<std::chrono::system_clock::time_point> m_lockedAt{};
};

}  // namespace concord::tracemanager
