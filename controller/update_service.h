#pragma once

// UpdateService: plan, start, watch, abort, force-retire, list and history of
// updates, over the UpdateRunner (and the journal for history).

#include <memory>

#include "api_service.h"
#include "concord/v1/update.grpc.pb.h"

namespace concord::controller {

class UpdateServiceImpl final : public v1::UpdateService::CallbackService
{
public:
    explicit UpdateServiceImpl(std::shared_ptr<ApiContext> api) : m_api(std::move(api)) {}

    grpc::ServerUnaryReactor* PlanUpdate(grpc::CallbackServerContext* context,
                                         const v1::PlanUpdateRequest* request,
                                         v1::PlanUpdateResponse* response) override;
    grpc::ServerUnaryReactor* StartUpdate(grpc::CallbackServerContext* context,
                                          const v1::StartUpdateRequest* request,
                                          v1::StartUpdateResponse* response) override;
    grpc::ServerWriteReactor<v1::UpdateProgress>* WatchUpdate(
        grpc::CallbackServerContext* context, const v1::WatchUpdateRequest* request) override;
    grpc::ServerUnaryReactor* AbortUpdate(grpc::CallbackServerContext* context,
                                          const v1::AbortUpdateRequest* request,
                                          v1::AbortUpdateResponse* response) override;
    grpc::ServerUnaryReactor* ForceRetire(grpc::CallbackServerContext* context,
                                          const v1::ForceRetireRequest* request,
                                          v1::ForceRetireResponse* response) override;
    grpc::ServerUnaryReactor* ListUpdates(grpc::CallbackServerContext* context,
                                          const v1::ListUpdatesRequest* request,
                                          v1::ListUpdatesResponse* response) override;
    grpc::ServerUnaryReactor* GetHistory(grpc::CallbackServerContext* context,
                                         const v1::GetHistoryRequest* request,
                                         v1::GetHistoryResponse* response) override;

private:
    grpc::Status history(const v1::GetHistoryRequest& request, v1::GetHistoryResponse& response);

    std::shared_ptr<ApiContext> m_api;
};

}  // namespace concord::controller
