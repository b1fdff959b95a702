#pragma once

// The console's side of the resource orchestrator (DESIGN.md §8): one
// OrchestratorClient, configured from the controller's GetServerInfo
// (orchestrator_url) with the controller's own bearer token; the latest
// orchestration per resource type; polling of the type the Orchestration
// panel shows — every 2 s, every 1 s while it is Orchestrating, one request
// at a time, none while the panel is hidden or the controller unreachable —
// and the operator's actions, logged with their outcome like the others.
// ConsoleSession owns it; attach() puts a panel on it (again after the
// panels are rebuilt for a new language).

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <optional>

#include "backend_clients/controller_client.h"
#include "backend_clients/orchestrator_client.h"

namespace concord::widgets {
class OrchestrationPanel;
}

namespace concord::app {

class ConsoleSession;

class OrchestrationSession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrchestrationSession)

public:
    static constexpr int kPollMs = 2000;
    static constexpr int kFastPollMs = 1000;  // while Orchestrating

    explicit OrchestrationSession(ConsoleSession* session);
    ~OrchestrationSession() override;

    backend_clients::OrchestratorClient* client() const { return m_client; }
    bool isAvailable() const { return m_available; }
    QString unavailableReason() const { return m_unavailableReason; }

    // The resource type to poll ("thing", "rule"); empty stops polling.
    void setWatchedResource(const QString& resource);
    QString watchedResource() const { return m_watched; }
    bool isPolling() const { return m_pollTimer.isActive() || m_pollInFlight; }
    // GETs sent so far (tests check the cadence and that nothing overlaps).
    int pollCount() const { return m_pollCount; }

    std::optional<backend_clients::OrchestrationDto> latest(const QString& resource) const;

    // Operator actions; the answers arrive as orchestrateFinished / runInFinished.
    void orchestrate(const QString& resource,
                     const backend_clients::OrchestrationParametersDto& parameters);
    void runIn(const QString& resource, const QString& resourceId);

    // Wires the panel both ways and shows it what is known already.
    void attach(widgets::OrchestrationPanel* panel);

signals:
    void availabilityChanged(bool available, const QString& reason);
    void orchestrationChanged(const QString& resource,
                              const concord::backend_clients::OrchestrationDto& orchestration);
    void pollFailed(const QString& resource, const concord::backend_clients::RestStatus& status);
    void orchestrateFinished(const QString& resource,
                             const concord::backend_clients::RestStatus& status,
                             const concord::backend_clients::OrchestrationDto& orchestration);
    void runInFinished(const QString& resource, const QString& resourceId,
                       const concord::backend_clients::RestStatus& status,
                       const QString& instanceId);

private:
    void onServerInfo(const v1::GetServerInfoResponse& info);
    void onConnectionState(backend_clients::ConnectionState state);
    void setAvailable(bool available, const QString& reason);
    void poll();
    void onPolled(const QString& resource, const backend_clients::RestStatus& status,
                  const backend_clients::OrchestrationDto& orchestration);
    void scheduleNextPoll();
    void onOrchestrated(const QString& resource, const backend_clients::RestStatus& status,
                        const backend_clients::OrchestrationDto& orchestration);
    void store(const QString& resource, const backend_clients::OrchestrationDto& orchestration);
    void logTransitions(const backend_clients::OrchestrationDto& before,
                        const backend_clients::OrchestrationDto& after);

    ConsoleSession* m_session;
    backend_clients::OrchestratorClient* m_client;
    // The panel attached last, for identity only: never dereferenced, since
    // it is compared while being destroyed (a QPointer<OrchestrationPanel>
    // would downcast a half-destroyed QWidget: UBSan).
    const QObject* m_attached = nullptr;
    QTimer m_pollTimer;
    QHash<QString, backend_clients::OrchestrationDto> m_latest;
    QHash<QString, QString> m_pollErrors;  // the last failure logged, per type: logged once
    QString m_watched;
    QString m_unavailableReason;
    bool m_available = false;
    bool m_pollInFlight = false;
    int m_pollCount = 0;
    // Bumped when the orchestrator changes: answers from the previous one are dropped.
    quint64 m_generation = 0;
};

}  // namespace concord::app
