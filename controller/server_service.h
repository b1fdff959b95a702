#pragma once

// ServerService: what the daemon is and who the caller is.

#include <memory>

#include "api_service.h"
#include "concord/v1/server.grpc.pb.h"

namespace concord::controller {

class ServerServiceImpl final : public v1::ServerService::CallbackService
{
public:
    explicit ServerServiceImpl(std::shared_ptr<ApiContext> api) : m_api(std::move(api)) {}

    grpc::ServerUnaryReactor* GetServerInfo(grpc::CallbackServerContext* context,
                                            const v1::GetServerInfoRequest* request,
                                            v1::GetServerInfoResponse* response) override;

private:
    std::shared_ptr<ApiContext> m_api;
};

}  // namespace concord::controller
