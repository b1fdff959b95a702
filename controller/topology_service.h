#pragma once

// TopologyService: periodic snapshots of the traffic between service versions.

#include <memory>

#include "api_service.h"
#include "concord/v1/topology.grpc.pb.h"

namespace concord::controller {

class TopologyServiceImpl final : public v1::TopologyService::CallbackService
{
public:
    explicit TopologyServiceImpl(std::shared_ptr<ApiContext> api) : m_api(std::move(api)) {}

    grpc::ServerWriteReactor<v1::TopologySnapshot>* WatchTopology(
        grpc::CallbackServerContext* context, const v1::WatchTopologyRequest* request) override;

private:
    std::shared_ptr<ApiContext> m_api;
};

}  // namespace concord::controller
