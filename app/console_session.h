#pragma once

// Everything the console knows about one controller, without any widget: the
// client, and the models it feeds (version trees, topology, updates, history,
// event log, Resources) plus the orchestration session (the REST client and
// its polling). MainWindow puts views on it; the GUI tests drive it too.

#include <QHash>
#include <QObject>

#include "backend_clients/controller_client.h"

namespace concord::models {
class EventLogModel;
class ResourceModel;
class TopologyModel;
class UpdateHistoryModel;
class UpdateProgressTracker;
class VersionTreeModel;
}  // namespace concord::models

namespace concord::app {

class OrchestrationSession;

class ConsoleSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleSession)

public:
    explicit ConsoleSession(QObject* parent = nullptr);
    ~ConsoleSession() override;

    backend_clients::ControllerClient* client() const { return m_client; }
    models::VersionTreeModel* versions() const { return m_versions; }
    models::TopologyModel* topology() const { return m_topology; }
    models::UpdateProgressTracker* updates() const { return m_updates; }
    models::UpdateHistoryModel* history() const { return m_history; }
    models::EventLogModel* eventLog() const { return m_log; }
    models::ResourceModel* resources() const { return m_resources; }
    // The resource orchestrator's REST API (DESIGN.md §8), beside the gRPC one.
    OrchestrationSession* orchestration() const { return m_orchestration; }

    // Operator actions: each is logged, and its outcome too.
    void startUpdate(
        const v1::StartUpdateRequest& request,
        std::function<void(const backend_clients::CallStatus&, const QString& id)> done);
    void abortUpdate(const QString& updateId, const QString& reason);
    void forceRetire(const QString& updateId, const QString& reason);
    void registerVersion(const v1::RegisterVersionRequest& request,
                         std::function<void(const backend_clients::CallStatus&)> done);
    // Resources (ResourceService): each logged with its outcome; `done` may be empty.
    void setProbeEnabled(const QString& id, bool enabled);
    void deleteResource(const QString& id);
    void updateResource(const v1::UpdateResourceRequest& request,
                        std::function<void(const backend_clients::CallStatus&)> done);
    // Writes every service's current rules, one YAML stream, to `path`.
    void exportRules(const QString& path);

    // The version of `service` that serves now (empty if none).
    QString servingVersion(const QString& service) const;
    void logAction(const QString& message);

signals:
    void rulesExported(const QString& path, bool ok, const QString& message);
    // Shown in the status bar: the latest noteworthy line.
    void notice(const QString& text);

private:
    void onStateChanged(backend_clients::ConnectionState state, const QString& reason);
    void onMeshEvent(const v1::MeshEvent& event);
    void onProgress(const v1::UpdateProgress& progress);
    void refreshUpdates();
    void refreshHistory();
    void connectResources();

    backend_clients::ControllerClient* m_client;
    models::VersionTreeModel* m_versions;
    models::TopologyModel* m_topology;
    models::UpdateProgressTracker* m_updates;
    models::UpdateHistoryModel* m_history;
    models::EventLogModel* m_log;
    models::ResourceModel* m_resources;
    OrchestrationSession* m_orchestration;
    QHash<QString, int> m_lastPhase;  // per update id, to log phase changes once
    bool m_everConnected = false;
};

}  // namespace concord::app
