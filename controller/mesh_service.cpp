#include "mesh_service.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <cmath>

#include "proto_convert.h"

namespace concord::controller {

using google::protobuf::util::MessageDifferencer;

namespace {

constexpr std::size_t kServicesPerSnapshotMessage = 50;

bool drainsOldVersion(RunPhase phase)
{
    return phase == RunPhase::SwitchDefault || phase == RunPhase::BlockAndLock ||
           phase == RunPhase::SyncAndDiff || phase == RunPhase::Drain || phase == RunPhase::Retire;
}

// The per-service facts a version's state depends on, from the runner.
struct UpdateFacts
{
    const UpdateSnapshot* active = nullptr;  // unfinished update of the service
    std::set<std::string> retiredByUpdates;  // versions a finished update removed
};

v1::VersionState versionState(const ServiceInfo& service, const VersionInfo& version,
                              const UpdateFacts& facts, bool seenDeployed)
{
    if (!version.deployed) {
        return seenDeployed || facts.retiredByUpdates.count(version.name) != 0
                   ? v1::VERSION_STATE_RETIRED
                   : v1::VERSION_STATE_REGISTERED;
    }
    const bool up = std::any_of(version.instances.begin(), version.instances.end(),
                                [](const InstanceInfo& i) { return i.up; });
    if (!up) {
        return v1::VERSION_STATE_DEPLOYING;
    }
    if (const UpdateSnapshot* u = facts.active) {
        if (u->state == RunState::Running && version.name == u->fromVersion &&
            drainsOldVersion(u->phase)) {
            return v1::VERSION_STATE_DRAINING;
        }
        if (u->state == RunState::RollingBack && version.name == u->targetVersion) {
            return v1::VERSION_STATE_DRAINING;
        }
        if (version.name == u->targetVersion &&
            (u->phase == RunPhase::Initial || u->phase == RunPhase::Deploy)) {
            return v1::VERSION_STATE_DEPLOYING;
        }
        if (version.name == u->targetVersion || version.name == u->fromVersion) {
            return v1::VERSION_STATE_SERVING;
        }
    }
    if (version.name == service.defaultVersion || version.trafficShare > 0) {
        return v1::VERSION_STATE_SERVING;
    }
    return v1::VERSION_STATE_DEPLOYING;  // up, but nothing routes to it
}

// Depth first from the root(s), children by creation time then name.
std::vector<const VersionInfo*> treeOrder(const ServiceInfo& service)
{
    std::map<std::string, std::vector<const VersionInfo*>> children;
    std::set<std::string> names;
    for (const VersionInfo& v : service.versions) {
        names.insert(v.name);
    }
    std::vector<const VersionInfo*> roots;
    for (const VersionInfo& v : service.versions) {
        if (v.parent.empty() || names.count(v.parent) == 0 || v.parent == v.name) {
            roots.push_back(&v);
        } else {
            children[v.parent].push_back(&v);
        }
    }
    const auto byAge = [](const VersionInfo* a, const VersionInfo* b) {
        return std::tie(a->createdAtUnixMs, a->name) < std::tie(b->createdAtUnixMs, b->name);
    };
    std::sort(roots.begin(), roots.end(), byAge);
    std::vector<const VersionInfo*> order;
    std::set<std::string> visited;  // a parent cycle in a driver's data must not loop
    std::vector<const VersionInfo*> stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {
        const VersionInfo* v = stack.back();
        stack.pop_back();
        if (!visited.insert(v->name).second) {
            continue;
        }
        order.push_back(v);
        auto& kids = children[v->name];
        std::sort(kids.begin(), kids.end(), byAge);
        stack.insert(stack.end(), kids.rbegin(), kids.rend());
    }
    for (const VersionInfo& v : service.versions) {  // versions only reachable through a cycle
        if (visited.insert(v.name).second) {
            order.push_back(&v);
        }
    }
    return order;
}

v1::MeshEvent makeEvent(const std::string& epoch)
{
    v1::MeshEvent event;
    event.set_epoch(epoch);
    *event.mutable_time() = timestampFromUnixMs(nowUnixMs());
    return event;
}

std::map<std::string, const v1::Instance*> instancesOf(const ServiceView* view)
{
    std::map<std::string, const v1::Instance*> instances;
    if (view != nullptr) {
        for (const v1::Version& version : view->tree.versions()) {
            for (const v1::Instance& instance : version.instances()) {
                instances[instance.name()] = &instance;
            }
        }
    }
    return instances;
}

}  // namespace

bool isDnsLabel(std::string_view text)
{
    if (text.empty() || text.size() > 63 || text.front() == '-' || text.back() == '-') {
        return false;
    }
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

MeshTracker::MeshTracker(Driver& driver, UpdateRunner& runner, std::string epoch,
                         std::size_t logCapacity)
    : m_driver(driver), m_runner(runner), m_epoch(std::move(epoch)), m_logCapacity(logCapacity)
{}

std::map<std::string, ServiceView> MeshTracker::readMesh()
{
    const MeshState mesh = m_driver.mesh();
    const std::vector<UpdateSnapshot> updates = m_runner.list("");
    std::map<std::string, ServiceView> view;
    for (const ServiceInfo& service : mesh.services) {
        UpdateFacts facts;
        for (const UpdateSnapshot& u : updates) {
            if (u.service != service.name) {
                continue;
            }
            if (!isFinal(u.state)) {
                facts.active = &u;
            } else if (u.state == RunState::Completed || u.state == RunState::ForceRetired) {
                facts.retiredByUpdates.insert(u.fromVersion);
            } else {
                facts.retiredByUpdates.insert(u.targetVersion);
            }
        }
        ServiceView& out = view[service.name];
        out.summary.set_name(service.name);
        out.summary.set_namespace_(service.ns.empty() ? "default" : service.ns);
        out.summary.set_version_count(static_cast<int>(service.versions.size()));
        std::vector<std::string> callees = service.callees;
        std::sort(callees.begin(), callees.end());
        for (const std::string& callee : callees) {
            out.summary.add_callees(callee);
        }
        if (facts.active != nullptr) {
            out.summary.set_active_update_id(facts.active->id);
        }
        out.tree.set_service(service.name);
        std::vector<std::pair<std::int64_t, std::string>> serving;
        for (const VersionInfo* v : treeOrder(service)) {
            if (v->deployed) {
                m_seenDeployed.emplace(service.name, v->name);
            }
            v1::Version* version = out.tree.add_versions();
            version->set_service(service.name);
            version->set_name(v->name);
            version->set_parent(v->parent);
            version->set_image(v->image);
            *version->mutable_created_at() = timestampFromUnixMs(v->createdAtUnixMs);
            const bool seen = m_seenDeployed.count({service.name, v->name}) != 0;
            version->set_state(versionState(service, *v, facts, seen && !v->deployed));
            version->set_traffic_share(std::clamp(v->trafficShare, 0.0, 1.0));
            if (v->deployed) {
                for (const InstanceInfo& instance : v->instances) {
                    toProto(instance, *version->add_instances());
                }
            }
            if (version->state() == v1::VERSION_STATE_SERVING ||
                version->state() == v1::VERSION_STATE_DRAINING) {
                serving.emplace_back(v->createdAtUnixMs, v->name);
            }
        }
        std::sort(serving.begin(), serving.end());
        for (const auto& entry : serving) {
            out.summary.add_serving_versions(entry.second);
        }
    }
    return view;
}

void MeshTracker::append(v1::MeshEvent event)
{
    event.set_revision(++m_revision);
    m_log.push_back(std::move(event));
    while (m_log.size() > m_logCapacity) {
        m_log.pop_front();
    }
}

// Traffic shares are windowed rates: they jitter. Stream a change when it
// is visible (5 points) or when a version starts or stops taking traffic.
bool MeshTracker::shareMovedEnough(double before, double after)
{
    return std::abs(after - before) >= 0.05 || (before == 0) != (after == 0) ||
           (before == 1) != (after == 1);
}

void MeshTracker::diffService(const ServiceView* before, const ServiceView& after)
{
    if (before == nullptr) {
        v1::MeshEvent event = makeEvent(m_epoch);
        *event.mutable_service_added() = after.summary;
        append(std::move(event));
    } else if (!MessageDifferencer::Equals(before->summary, after.summary)) {
        v1::MeshEvent event = makeEvent(m_epoch);
        *event.mutable_service_changed() = after.summary;
        append(std::move(event));
    }
    std::map<std::string, v1::VersionState> previous;
    std::map<std::string, double> previousShare;
    if (before != nullptr) {
        for (const v1::Version& v : before->tree.versions()) {
            previous[v.name()] = v.state();
            previousShare[v.name()] = v.traffic_share();
        }
    }
    for (const v1::Version& v : after.tree.versions()) {
        const auto it = previous.find(v.name());
        // Shares are compared with the last one streamed, so slow drifts add up to an event.
        const auto key = std::make_pair(v.service(), v.name());
        const auto sent = m_sentShare.find(key);
        const double lastShare = sent != m_sentShare.end() ? sent->second : previousShare[v.name()];
        if (it != previous.end() && it->second == v.state() &&
            !shareMovedEnough(lastShare, v.traffic_share())) {
            continue;
        }
        m_sentShare[key] = v.traffic_share();
        v1::MeshEvent event = makeEvent(m_epoch);
        v1::VersionChange* change =
            it == previous.end() ? event.mutable_version_added() : event.mutable_version_changed();
        *change->mutable_version() = v;
        change->set_previous_state(it == previous.end() ? v1::VERSION_STATE_UNSPECIFIED
                                                        : it->second);
        append(std::move(event));
    }
    const auto oldInstances = instancesOf(before);
    const auto newInstances = instancesOf(&after);
    for (const auto& [name, instance] : newInstances) {
        const auto it = oldInstances.find(name);
        const bool wasUp = it != oldInstances.end() && it->second->state() == v1::INSTANCE_STATE_UP;
        if (instance->state() == v1::INSTANCE_STATE_UP && !wasUp) {
            v1::MeshEvent event = makeEvent(m_epoch);
            *event.mutable_instance_up()->mutable_instance() = *instance;
            append(std::move(event));
        }
    }
    for (const auto& [name, instance] : oldInstances) {
        if (instance->state() != v1::INSTANCE_STATE_UP) {
            continue;
        }
        const auto it = newInstances.find(name);
        if (it == newInstances.end() || it->second->state() != v1::INSTANCE_STATE_UP) {
            v1::MeshEvent event = makeEvent(m_epoch);
            v1::Instance* down = event.mutable_instance_down()->mutable_instance();
            *down = it == newInstances.end() ? *instance : *it->second;
            down->set_state(v1::INSTANCE_STATE_DOWN);
            append(std::move(event));
        }
    }
}

void MeshTracker::refresh()
{
    const std::lock_guard lock(m_mutex);
    std::map<std::string, ServiceView> view = readMesh();
    m_lastRefresh = SteadyClock::now();
    if (m_primed) {
        for (const auto& [name, before] : m_view) {
            if (view.count(name) == 0) {
                v1::MeshEvent event = makeEvent(m_epoch);
                event.set_service_removed(name);
                append(std::move(event));
            }
        }
        for (const auto& [name, after] : view) {
            const auto it = m_view.find(name);
            diffService(it == m_view.end() ? nullptr : &it->second, after);
        }
    }
    m_primed = true;
    m_view = std::move(view);
}

void MeshTracker::refreshIfDue(SteadyClock::time_point now, std::chrono::milliseconds interval)
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_watchers == 0 || now - m_lastRefresh < interval) {
            return;
        }
    }
    refresh();
}

MeshTracker::Snapshot MeshTracker::snapshot()
{
    refresh();
    const std::lock_guard lock(m_mutex);
    Snapshot snapshot;
    snapshot.revision = m_revision;
    for (const auto& entry : m_view) {
        snapshot.services.push_back(entry.second);
    }
    return snapshot;
}

std::optional<ServiceView> MeshTracker::service(std::string_view name)
{
    refresh();
    const std::lock_guard lock(m_mutex);
    const auto it = m_view.find(std::string(name));
    if (it == m_view.end()) {
        return std::nullopt;
    }
    return it->second;
}

MeshTracker::Next MeshTracker::next(std::uint64_t after, v1::MeshEvent& out) const
{
    const std::lock_guard lock(m_mutex);
    if (after == m_revision) {
        return Next::UpToDate;
    }
    if (after > m_revision || m_log.empty() || m_log.front().revision() > after + 1) {
        return Next::Gap;
    }
    out = m_log[static_cast<std::size_t>(after + 1 - m_log.front().revision())];
    return Next::Event;
}

std::uint64_t MeshTracker::revision() const
{
    const std::lock_guard lock(m_mutex);
    return m_revision;
}

void MeshTracker::addWatcher()
{
    const std::lock_guard lock(m_mutex);
    ++m_watchers;
}

void MeshTracker::removeWatcher()
{
    const std::lock_guard lock(m_mutex);
    --m_watchers;
}

namespace {

// One WatchMesh stream: a snapshot (or a resume point), then one delta per message.
class MeshWatch final : public WatchStream<v1::MeshEvent>
{
public:
    MeshWatch(std::shared_ptr<ApiContext> api, const v1::WatchMeshRequest& request)
        : WatchStream(api), m_tracker(api->tracker), m_request(request)
    {
        m_tracker->addWatcher();
    }
    ~MeshWatch() override { m_tracker->removeWatcher(); }

protected:
    Step produce(SteadyClock::time_point) override
    {
        if (!m_started) {
            m_started = true;
            v1::MeshEvent probe;
            if (m_request.epoch() == m_tracker->epoch() &&
                m_tracker->next(m_request.resume_after_revision(), probe) !=
                    MeshTracker::Next::Gap) {
                m_after = m_request.resume_after_revision();
            } else {
                takeSnapshot();
            }
        }
        if (!m_snapshotParts.empty()) {
            Step step{std::move(m_snapshotParts.front()), std::nullopt};
            m_snapshotParts.pop_front();
            return step;
        }
        v1::MeshEvent event;
        switch (m_tracker->next(m_after, event)) {
            case MeshTracker::Next::Event:
                m_after = event.revision();
                return {std::move(event), std::nullopt};
            case MeshTracker::Next::Gap:  // fell behind the log: start over
                takeSnapshot();
                return produce(SteadyClock::now());
            case MeshTracker::Next::UpToDate:
                break;
        }
        return {};
    }

private:
    void takeSnapshot()
    {
        MeshTracker::Snapshot snapshot = m_tracker->snapshot();
        m_after = snapshot.revision;
        const std::size_t n = snapshot.services.size();
        std::size_t i = 0;
        do {
            v1::MeshEvent part = makeEvent(m_tracker->epoch());
            part.set_revision(snapshot.revision);
            v1::MeshSnapshot* body = part.mutable_snapshot();
            for (std::size_t end = std::min(n, i + kServicesPerSnapshotMessage); i < end; ++i) {
                *body->add_services() = snapshot.services[i].summary;
                *body->add_trees() = snapshot.services[i].tree;
            }
            body->set_complete(i >= n);
            m_snapshotParts.push_back(std::move(part));
        } while (i < n);
    }

    std::shared_ptr<MeshTracker> m_tracker;
    v1::WatchMeshRequest m_request;
    bool m_started = false;
    std::uint64_t m_after = 0;
    std::deque<v1::MeshEvent> m_snapshotParts;
};

}  // namespace

grpc::ServerUnaryReactor* MeshServiceImpl::ListServices(grpc::CallbackServerContext* context,
                                                        const v1::ListServicesRequest*,
                                                        v1::ListServicesResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        if (!authorize(*m_api, *context, Role::Viewer, "ListServices", denied)) {
            return denied;
        }
        for (const ServiceView& service : m_api->tracker->snapshot().services) {
            *response->add_services() = service.summary;
        }
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* MeshServiceImpl::GetVersionTree(grpc::CallbackServerContext* context,
                                                          const v1::GetVersionTreeRequest* request,
                                                          v1::GetVersionTreeResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        if (!authorize(*m_api, *context, Role::Viewer, "GetVersionTree", denied)) {
            return denied;
        }
        if (request->service().empty()) {
            return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "service: required");
        }
        const auto service = m_api->tracker->service(request->service());
        if (!service) {
            return grpc::Status(grpc::StatusCode::NOT_FOUND,
                                "service '" + request->service() + "' not found");
        }
        *response->mutable_tree() = service->tree;
        return grpc::Status::OK;
    });
}

namespace {

grpc::Status validateRegister(const v1::RegisterVersionRequest& request)
{
    const auto invalid = [](const std::string& message) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
    };
    if (request.service().empty()) {
        return invalid("service: required");
    }
    if (request.name().empty()) {
        return invalid("name: required");
    }
    if (!isDnsLabel(request.name())) {
        return invalid(
            "name: must be a DNS-1123 label (at most 63 of a-z, 0-9 and '-', "
            "starting and ending with a letter or digit)");
    }
    if (request.parent().empty()) {
        return invalid("parent: required");
    }
    if (request.image().empty()) {
        return invalid("image: required");
    }
    if (request.image().size() > 1024) {
        return invalid("image: longer than 1024 characters");
    }
    return grpc::Status::OK;
}

}  // namespace

grpc::ServerUnaryReactor* MeshServiceImpl::RegisterVersion(
    grpc::CallbackServerContext* context, const v1::RegisterVersionRequest* request,
    v1::RegisterVersionResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        const auto caller = authorize(*m_api, *context, Role::Operator, "RegisterVersion", denied);
        if (!caller) {
            return denied;
        }
        if (grpc::Status invalid = validateRegister(*request); !invalid.ok()) {
            return invalid;
        }
        const core::Status registered =
            m_api->runner.registerVersion(request->service(), request->name(), request->parent(),
                                          request->image(), caller->name, toString(caller->role));
        if (!registered) {
            return toGrpcStatus(registered.error());
        }
        m_api->logLine("'" + caller->name + "' registered " + request->service() + " " +
                       request->name());
        if (const auto service = m_api->tracker->service(request->service())) {
            for (const v1::Version& version : service->tree.versions()) {
                if (version.name() == request->name()) {
                    *response->mutable_version() = version;
                    return grpc::Status::OK;
                }
            }
        }
        return grpc::Status(grpc::StatusCode::INTERNAL,
                            "version registered but not visible in the mesh");
    });
}

grpc::ServerUnaryReactor* MeshServiceImpl::GetRules(grpc::CallbackServerContext* context,
                                                    const v1::GetRulesRequest* request,
                                                    v1::GetRulesResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        if (!authorize(*m_api, *context, Role::Viewer, "GetRules", denied)) {
            return denied;
        }
        std::vector<std::string> services;
        for (const ServiceInfo& service : m_api->driver.mesh().services) {
            if (request->service().empty() || service.name == request->service()) {
                services.push_back(service.name);
            }
        }
        if (services.empty() && !request->service().empty()) {
            return grpc::Status(grpc::StatusCode::NOT_FOUND,
                                "service '" + request->service() + "' not found");
        }
        std::sort(services.begin(), services.end());
        std::string yaml;
        for (const std::string& name : services) {
            auto rules = m_api->driver.rulesYaml(name);
            if (!rules) {
                return toGrpcStatus(rules.error());
            }
            std::string_view text = *rules;
            if (text.rfind("---\n", 0) == 0) {
                text.remove_prefix(4);
            }
            if (!yaml.empty()) {
                yaml += "---\n";
            }
            yaml += text;
            if (!yaml.empty() && yaml.back() != '\n') {
                yaml += '\n';
            }
        }
        response->set_rules_yaml(std::move(yaml));
        return grpc::Status::OK;
    });
}

grpc::ServerWriteReactor<v1::MeshEvent>* MeshServiceImpl::WatchMesh(
    grpc::CallbackServerContext* context, const v1::WatchMeshRequest* request)
{
    grpc::Status denied;
    try {
        if (!authorize(*m_api, *context, Role::Viewer, "WatchMesh", denied)) {
            return new FailedStream<v1::MeshEvent>(denied);
        }
        if (request->epoch().empty() && request->resume_after_revision() != 0) {
            return new FailedStream<v1::MeshEvent>(grpc::Status(
                grpc::StatusCode::INVALID_ARGUMENT, "resume_after_revision: set without epoch"));
        }
        return openStream(m_api, std::make_shared<MeshWatch>(m_api, *request));
    } catch (const std::exception& e) {
        return new FailedStream<v1::MeshEvent>(
            grpc::Status(grpc::StatusCode::INTERNAL, std::string("internal error: ") + e.what()));
    }
}

}  // namespace concord::controller
