#pragma once

// MeshService: services, version trees, rules, and the WatchMesh stream.
//
// The MeshTracker turns the driver's mesh (a state, not a stream of changes)
// into revisioned deltas: each refresh() compares the mesh with the previous
// view and appends one MeshEvent per difference to a bounded log. WatchMesh
// streams read that log, so N watchers cost one mesh read per poll interval,
// and a client that reconnects within the log's span resumes without a new
// snapshot.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api_service.h"
#include "concord/v1/mesh.grpc.pb.h"

namespace concord::controller {

struct ServiceView
{
    v1::Service summary;
    v1::VersionTree tree;
};

class MeshTracker final
{
public:
    MeshTracker(Driver& driver, UpdateRunner& runner, std::string epoch,
                std::size_t logCapacity = 4096);

    // Reads the mesh and appends a delta per change since the last refresh.
    void refresh();
    // refresh() when there are watchers and the last one is `interval` old.
    void refreshIfDue(SteadyClock::time_point now, std::chrono::milliseconds interval);

    struct Snapshot
    {
        std::uint64_t revision = 0;
        std::vector<ServiceView> services;  // by name
    };
    Snapshot snapshot();                                        // refreshes first
    std::optional<ServiceView> service(std::string_view name);  // refreshes first

    enum class Next
    {
        Event,     // `out` is the delta right after `after`
        UpToDate,  // nothing after `after` yet
        Gap,       // the deltas after `after` are gone (or never existed): resnapshot
    };
    Next next(std::uint64_t after, v1::MeshEvent& out) const;
    std::uint64_t revision() const;
    const std::string& epoch() const { return m_epoch; }

    void addWatcher();
    void removeWatcher();

private:
    std::map<std::string, ServiceView> readMesh();
    void diffService(const ServiceView* before, const ServiceView& after);
    static bool shareMovedEnough(double before, double after);
    void append(v1::MeshEvent event);

    Driver& m_driver;
    UpdateRunner& m_runner;
    const std::string m_epoch;
    const std::size_t m_logCapacity;
    mutable std::mutex m_mutex;
    std::map<std::string, ServiceView> m_view;
    std::set<std::pair<std::string, std::string>> m_seenDeployed;       // (service, version)
    std::map<std::pair<std::string, std::string>, double> m_sentShare;  // last streamed share
    std::deque<v1::MeshEvent> m_log;
    std::uint64_t m_revision = 0;
    bool m_primed = false;  // the first refresh sets the view without emitting deltas
    SteadyClock::time_point m_lastRefresh{};
    int m_watchers = 0;
};

class MeshServiceImpl final : public v1::MeshService::CallbackService
{
public:
    explicit MeshServiceImpl(std::shared_ptr<ApiContext> api) : m_api(std::move(api)) {}

    grpc::ServerUnaryReactor* ListServices(grpc::CallbackServerContext* context,
                                           const v1::ListServicesRequest* request,
                                           v1::ListServicesResponse* response) override;
    grpc::ServerUnaryReactor* GetVersionTree(grpc::CallbackServerContext* context,
                                             const v1::GetVersionTreeRequest* request,
                                             v1::GetVersionTreeResponse* response) override;
    grpc::ServerUnaryReactor* RegisterVersion(grpc::CallbackServerContext* context,
                                              const v1::RegisterVersionRequest* request,
                                              v1::RegisterVersionResponse* response) override;
    grpc::ServerUnaryReactor* GetRules(grpc::CallbackServerContext* context,
                                       const v1::GetRulesRequest* request,
                                       v1::GetRulesResponse* response) override;
    grpc::ServerWriteReactor<v1::MeshEvent>* WatchMesh(
        grpc::CallbackServerContext* context, const v1::WatchMeshRequest* request) override;

private:
    std::shared_ptr<ApiContext> m_api;
};

// A DNS-1123 label: 1–63 of [a-z0-9-], starting and ending alphanumeric.
bool isDnsLabel(std::string_view text);

}  // namespace concord::controller
