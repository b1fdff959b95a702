#pragma once

// ResourceService (resource.proto, docs/api.md): Resources of the
// human–machine–thing platform over the ResourceStore. The reconciler
// (resource_reconciler.h) writes their status; this service only reads it.
//
// WatchResources streams run on the StreamHub like every other watch: a
// stream holds a cursor into the store's history (and, while it sends a
// snapshot, the snapshot's object pointers), never a queue of messages, so a
// slow reader costs nothing but falls behind; one that falls past the
// history gets RESET and a fresh snapshot.

#include <memory>

#include "api_service.h"
#include "concord/v1/resource.grpc.pb.h"
#include "resource_store.h"

namespace concord::controller {

class ResourceServiceImpl final : public v1::ResourceService::CallbackService
{
public:
    ResourceServiceImpl(std::shared_ptr<ApiContext> api, std::shared_ptr<ResourceStore> store);
    ~ResourceServiceImpl() override;

    grpc::ServerUnaryReactor* ListResources(grpc::CallbackServerContext* context,
                                            const v1::ListResourcesRequest* request,
                                            v1::ListResourcesResponse* response) override;
    grpc::ServerUnaryReactor* GetResource(grpc::CallbackServerContext* context,
                                          const v1::GetResourceRequest* request,
                                          v1::GetResourceResponse* response) override;
    grpc::ServerWriteReactor<v1::ResourceEvent>* WatchResources(
        grpc::CallbackServerContext* context, const v1::WatchResourcesRequest* request) override;
    grpc::ServerUnaryReactor* CreateResource(grpc::CallbackServerContext* context,
                                             const v1::CreateResourceRequest* request,
                                             v1::CreateResourceResponse* response) override;
    grpc::ServerUnaryReactor* UpdateResource(grpc::CallbackServerContext* context,
                                             const v1::UpdateResourceRequest* request,
                                             v1::UpdateResourceResponse* response) override;
    grpc::ServerUnaryReactor* DeleteResource(grpc::CallbackServerContext* context,
                                             const v1::DeleteResourceRequest* request,
                                             v1::DeleteResourceResponse* response) override;
    grpc::ServerUnaryReactor* SetProbeEnabled(grpc::CallbackServerContext* context,
                                              const v1::SetProbeEnabledRequest* request,
                                              v1::SetProbeEnabledResponse* response) override;

private:
    std::shared_ptr<ApiContext> m_api;
    std::shared_ptr<ResourceStore> m_store;
    ResourceStore::SubscriberId m_subscription = 0;
};

}  // namespace concord::controller
