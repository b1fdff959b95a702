#include "server_service.h"

#include "proto_convert.h"

namespace concord::controller {

grpc::ServerUnaryReactor* ServerServiceImpl::GetServerInfo(grpc::CallbackServerContext* context,
                                                           const v1::GetServerInfoRequest*,
                                                           v1::GetServerInfoResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        const auto caller = authorize(*m_api, *context, Role::Viewer, "GetServerInfo", denied);
        if (!caller) {
            return denied;
        }
        response->set_server_version(m_api->serverVersion);
        response->set_api_version("concord.v1");
        const std::string_view kind = m_api->driver.kind();
        response->set_driver(kind == "sandbox"      ? v1::DRIVER_KIND_SANDBOX
                             : kind == "kubernetes" ? v1::DRIVER_KIND_KUBERNETES
                                                    : v1::DRIVER_KIND_UNSPECIFIED);
        response->set_mesh_name(m_api->meshName);
        response->set_caller_role(toProto(caller->role));
        response->set_caller_name(caller->name);
        *response->mutable_started_at() = timestampFromUnixMs(m_api->startedAtUnixMs);
        response->set_epoch(m_api->epoch);
        response->set_orchestrator_url(m_api->orchestratorUrl);
        return grpc::Status::OK;
    });
}

}  // namespace concord::controller
