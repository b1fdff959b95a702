#include "resource_service.h"

#include <utility>
#include <vector>

#include "proto_convert.h"
#include "resource_convert.h"

namespace concord::controller {

namespace {

constexpr std::size_t kMaxYamlBytes = 1 << 20;
constexpr std::size_t kChangesPerRead = 256;

grpc::Status invalid(const std::string& message)
{
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

v1::ResourceEvent::Type eventType(ResourceEventType type)
{
    switch (type) {
        case ResourceEventType::Added:
            return v1::ResourceEvent::TYPE_ADDED;
        case ResourceEventType::Modified:
            return v1::ResourceEvent::TYPE_MODIFIED;
        case ResourceEventType::Deleted:
            return v1::ResourceEvent::TYPE_DELETED;
    }
    return v1::ResourceEvent::TYPE_UNSPECIFIED;
}

// The spec a Create/Update request carries, from either source. The YAML's
// errors start with "yaml:line:column:" (the field, then where in it).
template <typename Request>
core::Result<core::ResourceSpec> specOf(const Request& request)
{
    switch (request.source_case()) {
        case Request::kSpec:
            return fromProto(request.spec());
        case Request::kYaml:
            if (request.yaml().size() > kMaxYamlBytes) {
                return core::makeError(core::ErrorCode::InvalidArgument, "yaml: longer than 1 MiB");
            }
            if (auto spec = core::parseResourceYaml(request.yaml(), "yaml"); !spec) {
                core::Error error = spec.error();
                error.message = error.toString();
                error.code = core::ErrorCode::InvalidArgument;
                return error;
            } else {
                return std::move(*spec);
            }
        default:
            break;
    }
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "source: set either spec or yaml (a spec or a Resource manifest)");
}

// One WatchResources stream: RESET (when a resume failed), the snapshot as
// ADDED events, SYNCED, then every change from the store's history in order.
class ResourceWatch final : public WatchStream<v1::ResourceEvent>
{
public:
    ResourceWatch(std::shared_ptr<ApiContext> api, std::shared_ptr<ResourceStore> store,
                  const v1::WatchResourcesRequest& request)
        : WatchStream(std::move(api)), m_store(std::move(store)), m_request(request)
    {}

protected:
    Step produce(SteadyClock::time_point) override
    {
        if (!m_started) {
            m_started = true;
            open();
        }
        if (m_resetDue) {
            m_resetDue = false;
            return {event(v1::ResourceEvent::TYPE_RESET, m_after), std::nullopt};
        }
        if (m_next < m_snapshot.size()) {
            v1::ResourceEvent added = event(v1::ResourceEvent::TYPE_ADDED, m_after);
            toProto(*m_snapshot[m_next], *added.mutable_resource());
            if (++m_next == m_snapshot.size()) {
                m_snapshot = {};  // the objects may go: the stream follows the history now
                m_next = 0;
            }
            return {std::move(added), std::nullopt};
        }
        if (m_syncedDue && m_after >= m_syncAt) {
            m_syncedDue = false;
            return {event(v1::ResourceEvent::TYPE_SYNCED, m_after), std::nullopt};
        }
        return nextChange();
    }

private:
    // Resume where the request says, or start with a snapshot.
    void open()
    {
        const std::uint64_t after = m_request.resume_after_version();
        if (after == 0) {
            takeSnapshot();
            return;
        }
        std::vector<ResourceChange> probe;
        if (m_request.epoch() == m_store->epoch() &&
            m_store->changesAfter(after, 1, probe) != ResourceStore::Read::Gone) {
            m_after = after;
            m_syncAt = m_store->version();
            m_syncedDue = true;
            return;
        }
        m_resetDue = true;
        takeSnapshot();
    }

    void takeSnapshot()
    {
        ResourceStore::Listing listing = m_store->list();
        m_snapshot = std::move(listing.resources);
        m_next = 0;
        m_after = listing.version;
        m_syncAt = listing.version;
        m_syncedDue = true;
        m_changes.clear();
        m_changeIndex = 0;
    }

    Step nextChange()
    {
        if (m_changeIndex >= m_changes.size()) {
            m_changes.clear();
            m_changeIndex = 0;
            switch (m_store->changesAfter(m_after, kChangesPerRead, m_changes)) {
                case ResourceStore::Read::UpToDate:
                    return {};
                case ResourceStore::Read::Gone:  // fell behind the history: start over
                    m_resetDue = true;
                    takeSnapshot();
                    return produce(SteadyClock::now());
                case ResourceStore::Read::Changes:
                    break;
            }
        }
        const ResourceChange& change = m_changes[m_changeIndex++];
        m_after = change.version;
        v1::ResourceEvent out = event(eventType(change.type), change.version);
        toProto(*change.resource, *out.mutable_resource());
        return {std::move(out), std::nullopt};
    }

    v1::ResourceEvent event(v1::ResourceEvent::Type type, std::uint64_t version) const
    {
        v1::ResourceEvent out;
        out.set_type(type);
        out.set_version(version);
        out.set_epoch(m_store->epoch());
        return out;
    }

    std::shared_ptr<ResourceStore> m_store;
    v1::WatchResourcesRequest m_request;
    bool m_started = false;
    bool m_resetDue = false;
    bool m_syncedDue = false;
    std::uint64_t m_after = 0;   // the store version the client has
    std::uint64_t m_syncAt = 0;  // SYNCED once m_after reaches it
    std::vector<ResourcePtr> m_snapshot;
    std::size_t m_next = 0;  // next snapshot object to send
    std::vector<ResourceChange> m_changes;
    std::size_t m_changeIndex = 0;
};

}  // namespace

ResourceServiceImpl::ResourceServiceImpl(std::shared_ptr<ApiContext> api,
                                         std::shared_ptr<ResourceStore> store)
    : m_api(std::move(api)), m_store(std::move(store))
{
    std::weak_ptr<StreamHub> hub = m_api->hub;
    m_subscription = m_store->subscribe([hub](std::uint64_t) {
        if (const auto h = hub.lock()) {
            h->wake();
        }
    });
}

ResourceServiceImpl::~ResourceServiceImpl()
{
    m_store->unsubscribe(m_subscription);
}

grpc::ServerUnaryReactor* ResourceServiceImpl::ListResources(
    grpc::CallbackServerContext* context, const v1::ListResourcesRequest* request,
    v1::ListResourcesResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        if (!authorize(*m_api, *context, Role::Viewer, "ListResources", denied)) {
            return denied;
        }
        const ResourceStore::Listing listing = m_store->list(request->kind());
        response->mutable_resources()->Reserve(static_cast<int>(listing.resources.size()));
        for (const ResourcePtr& resource : listing.resources) {
            toProto(*resource, *response->add_resources());
        }
        response->set_version(listing.version);
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ResourceServiceImpl::GetResource(grpc::CallbackServerContext* context,
                                                           const v1::GetResourceRequest* request,
                                                           v1::GetResourceResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        if (!authorize(*m_api, *context, Role::Viewer, "GetResource", denied)) {
            return denied;
        }
        if (request->id().empty()) {
            return invalid("id: required");
        }
        const ResourcePtr resource = m_store->get(request->id());
        if (!resource) {
            return grpc::Status(grpc::StatusCode::NOT_FOUND,
                                "resource '" + request->id() + "' not found");
        }
        toProto(*resource, *response->mutable_resource());
        response->set_yaml(core::toYaml(*resource));
        return grpc::Status::OK;
    });
}

grpc::ServerWriteReactor<v1::ResourceEvent>* ResourceServiceImpl::WatchResources(
    grpc::CallbackServerContext* context, const v1::WatchResourcesRequest* request)
{
    using Failed = FailedStream<v1::ResourceEvent>;
    grpc::Status denied;
    try {
        if (!authorize(*m_api, *context, Role::Viewer, "WatchResources", denied)) {
            return new Failed(denied);
        }
        if (request->epoch().empty() && request->resume_after_version() != 0) {
            return new Failed(invalid("resume_after_version: set without epoch"));
        }
        return openStream(m_api, std::make_shared<ResourceWatch>(m_api, m_store, *request));
    } catch (const std::exception& e) {
        return new Failed(
            grpc::Status(grpc::StatusCode::INTERNAL, std::string("internal error: ") + e.what()));
    }
}

grpc::ServerUnaryReactor* ResourceServiceImpl::CreateResource(
    grpc::CallbackServerContext* context, const v1::CreateResourceRequest* request,
    v1::CreateResourceResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        const auto caller = authorize(*m_api, *context, Role::Operator, "CreateResource", denied);
        if (!caller) {
            return denied;
        }
        auto spec = specOf(*request);
        if (!spec) {
            return toGrpcStatus(spec.error());
        }
        auto created = m_store->create(std::move(*spec));
        if (!created) {
            return toGrpcStatus(created.error());
        }
        m_api->logLine("'" + caller->name + "' created resource " + created->spec.id);
        toProto(*created, *response->mutable_resource());
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ResourceServiceImpl::UpdateResource(
    grpc::CallbackServerContext* context, const v1::UpdateResourceRequest* request,
    v1::UpdateResourceResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        const auto caller = authorize(*m_api, *context, Role::Operator, "UpdateResource", denied);
        if (!caller) {
            return denied;
        }
        if (request->id().empty()) {
            return invalid("id: required");
        }
        auto spec = specOf(*request);
        if (!spec) {
            return toGrpcStatus(spec.error());
        }
        if (spec->id != request->id()) {
            const char* field = request->has_yaml() ? "yaml" : "spec.id";
            return invalid(std::string(field) + ": the Resource's id '" + spec->id +
                           "' differs from id '" + request->id() + "' (an id cannot change)");
        }
        auto updated = m_store->updateSpec(std::move(*spec), request->expected_version());
        if (!updated) {
            return toGrpcStatus(updated.error());
        }
        m_api->logLine("'" + caller->name + "' updated resource " + request->id());
        toProto(*updated, *response->mutable_resource());
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ResourceServiceImpl::DeleteResource(
    grpc::CallbackServerContext* context, const v1::DeleteResourceRequest* request,
    v1::DeleteResourceResponse*)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        const auto caller = authorize(*m_api, *context, Role::Operator, "DeleteResource", denied);
        if (!caller) {
            return denied;
        }
        if (request->id().empty()) {
            return invalid("id: required");
        }
        if (auto removed = m_store->remove(request->id()); !removed) {
            return toGrpcStatus(removed.error());
        }
        m_api->logLine("'" + caller->name + "' deleted resource " + request->id());
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* ResourceServiceImpl::SetProbeEnabled(
    grpc::CallbackServerContext* context, const v1::SetProbeEnabledRequest* request,
    v1::SetProbeEnabledResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        const auto caller = authorize(*m_api, *context, Role::Operator, "SetProbeEnabled", denied);
        if (!caller) {
            return denied;
        }
        if (request->id().empty()) {
            return invalid("id: required");
        }
        auto updated = m_store->setProbeEnabled(request->id(), request->enabled());
        if (!updated) {
            return toGrpcStatus(updated.error());
        }
        m_api->logLine("'" + caller->name + "' turned the probe of resource " + request->id() +
                       (request->enabled() ? " on" : " off"));
        toProto(*updated, *response->mutable_resource());
        return grpc::Status::OK;
    });
}

}  // namespace concord::controller
