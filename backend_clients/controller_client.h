#pragma once

// The console's client of the Concord gRPC API (concord.v1). Every call and
// stream runs on gRPC's threads; results come back on the thread that owns the
// client (the GUI thread) through queued invocations, so nothing here blocks
// the caller. The client owns the connection state: it probes the controller,
// keeps the mesh, topology and update streams open, and when the controller
// goes away it reports Reconnecting with a countdown, retries with backoff and
// resumes every stream (the mesh stream from its last epoch and revision).

#include <QObject>
#include <QString>
#include <QStringList>
#include <chrono>
#include <functional>
#include <memory>

#include "backend_clients/connection_settings.h"
#include "concord/v1/mesh.pb.h"
#include "concord/v1/resource.pb.h"
#include "concord/v1/server.pb.h"
#include "concord/v1/topology.pb.h"
#include "concord/v1/update.pb.h"

namespace concord::backend_clients {

// The outcome of one call: gRPC's status code (0 = OK) and its message.
struct CallStatus
{
    int code = 0;
    QString message;

    bool ok() const { return code == 0; }
    // "UNAVAILABLE: connection refused" style, for logs and error labels.
    QString toString() const;
};

class ControllerClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ControllerClient)

public:
    template <class Response>
    using Callback = std::function<void(const CallStatus&, const Response&)>;

    explicit ControllerClient(QObject* parent = nullptr);
    ~ControllerClient() override;  // cancels every call and stream, waits for them

    // Starts (or restarts, with new settings) connecting; see stateChanged().
    void connectTo(const ConnectionSettings& settings);
    void disconnectFromController();
    // Skips the countdown while Reconnecting (or retries after Failed).
    void reconnectNow();

    const ConnectionSettings& settings() const;
    ConnectionState state() const;
    QString stateReason() const;  // why Failed / Reconnecting; empty otherwise
    int reconnectSecondsLeft() const;
    const v1::GetServerInfoResponse& serverInfo() const;  // last successful probe

    // Backoff between attempts: first, then doubling up to max (tests shorten it).
    void setReconnectBackoff(std::chrono::milliseconds first, std::chrono::milliseconds max);
    // Topology stream period (default 1 s); takes effect on the next (re)start.
    void setTopologyPeriod(std::chrono::milliseconds period);

    // Unary calls. The callback runs on this object's thread, never inline.
    void getServerInfo(Callback<v1::GetServerInfoResponse> done);
    void listServices(Callback<v1::ListServicesResponse> done);
    void getVersionTree(const QString& service, Callback<v1::GetVersionTreeResponse> done);
    void registerVersion(const v1::RegisterVersionRequest& request,
                         Callback<v1::RegisterVersionResponse> done);
    void getRules(const QString& service, Callback<v1::GetRulesResponse> done);
    void planUpdate(const v1::PlanUpdateRequest& request, Callback<v1::PlanUpdateResponse> done);
    void startUpdate(const v1::StartUpdateRequest& request, Callback<v1::StartUpdateResponse> done);
    void abortUpdate(const v1::AbortUpdateRequest& request, Callback<v1::AbortUpdateResponse> done);
    void forceRetire(const v1::ForceRetireRequest& request, Callback<v1::ForceRetireResponse> done);
    void listUpdates(const QString& service, Callback<v1::ListUpdatesResponse> done);
    void getHistory(const v1::GetHistoryRequest& request, Callback<v1::GetHistoryResponse> done);

    // Keeps a WatchUpdate stream open for this update until it finishes
    // (resumed after reconnects); progress arrives through updateProgress().
    void watchUpdate(const QString& updateId);
    void unwatchUpdate(const QString& updateId);
    QStringList watchedUpdates() const;

    // Resources (ResourceService). The WatchResources stream is opened on
    // connect and resumed after reconnects from its epoch and version;
    // events arrive through resourceEvent().
    void listResources(const QString& kind, Callback<v1::ListResourcesResponse> done);
    void getResource(const QString& id, Callback<v1::GetResourceResponse> done);
    void createResource(const v1::CreateResourceRequest& request,
                        Callback<v1::CreateResourceResponse> done);
    void updateResource(const v1::UpdateResourceRequest& request,
                        Callback<v1::UpdateResourceResponse> done);
    void deleteResource(const QString& id, Callback<v1::DeleteResourceResponse> done);
    void setProbeEnabled(const QString& id, bool enabled,
                         Callback<v1::SetProbeEnabledResponse> done);

signals:
    void stateChanged(concord::backend_clients::ConnectionState state, const QString& reason);
    void reconnectCountdown(int secondsLeft);
    void serverInfoChanged(const concord::v1::GetServerInfoResponse& info);
    void meshEvent(const concord::v1::MeshEvent& event);
    void topologySnapshot(const concord::v1::TopologySnapshot& snapshot);
    void updateProgress(const concord::v1::UpdateProgress& progress);
    // One WatchResources message (a RESET means: forget every Resource, a
    // fresh snapshot follows).
    void resourceEvent(const concord::v1::ResourceEvent& event);
    // A WatchUpdate stream ended for good (the update finished, or it is unknown).
    void updateWatchEnded(const QString& updateId,
                          const concord::backend_clients::CallStatus& status);
    // Any unary call that failed, for the event log.
    void callFailed(const QString& method, const concord::backend_clients::CallStatus& status);

private:
    class Impl;
    friend class Impl;
    std::unique_ptr<Impl> d;
};

// Human names, for the console's labels and logs.
QString stateName(ConnectionState state);

}  // namespace concord::backend_clients

Q_DECLARE_METATYPE(concord::backend_clients::CallStatus)
// Proto messages travel through queued signals and QSignalSpy.
Q_DECLARE_METATYPE(concord::v1::MeshEvent)
Q_DECLARE_METATYPE(concord::v1::TopologySnapshot)
Q_DECLARE_METATYPE(concord::v1::UpdateProgress)
Q_DECLARE_METATYPE(concord::v1::GetServerInfoResponse)
Q_DECLARE_METATYPE(concord::v1::ResourceEvent)
