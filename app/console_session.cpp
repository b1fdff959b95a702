#include "app/console_session.h"

#include <QFile>
#include <QSaveFile>
#include <algorithm>
#include <memory>

#include "app/orchestration_session.h"
#include "models/event_log_model.h"
#include "models/resource_model.h"
#include "models/state_palette.h"
#include "models/topology_model.h"
#include "models/update_history_model.h"
#include "models/update_names.h"
#include "models/update_progress_tracker.h"
#include "models/update_state_names.h"
#include "models/version_tree_model.h"

namespace concord::app {

using backend_clients::CallStatus;
using backend_clients::ConnectionState;
using Severity = models::EventLogModel::SeverityLevel;

namespace {

const QString kController = QStringLiteral("controller");
const QString kOperator = QStringLiteral("operator");

bool isTerminal(v1::UpdateState state)
{
    return state == v1::UPDATE_STATE_COMPLETED || state == v1::UPDATE_STATE_FORCE_RETIRED ||
           state == v1::UPDATE_STATE_ABORTED || state == v1::UPDATE_STATE_TIMED_OUT ||
           state == v1::UPDATE_STATE_FAILED;
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

}  // namespace

ConsoleSession::ConsoleSession(QObject* parent)
    : QObject(parent),
      m_client(new backend_clients::ControllerClient(this)),
      m_versions(new models::VersionTreeModel(this)),
      m_topology(new models::TopologyModel(this)),
      m_updates(new models::UpdateProgressTracker(this)),
      m_history(new models::UpdateHistoryModel(this)),
      m_log(new models::EventLogModel(this)),
      m_resources(new models::ResourceModel(this)),
      m_orchestration(new OrchestrationSession(this))
{
    using backend_clients::ControllerClient;
    connect(m_client, &ControllerClient::stateChanged, this, &ConsoleSession::onStateChanged);
    connect(m_client, &ControllerClient::meshEvent, this, &ConsoleSession::onMeshEvent);
    connect(m_client, &ControllerClient::topologySnapshot, m_topology,
            &models::TopologyModel::applySnapshot);
    connect(m_client, &ControllerClient::updateProgress, this, &ConsoleSession::onProgress);
    connect(m_client, &ControllerClient::updateWatchEnded, this,
            [this](const QString& id, const CallStatus& status) {
                if (!status.ok())
                    m_log->append(Severity::Warning, kController,
                                  tr("Stopped watching update %1: %2").arg(id, status.toString()));
                refreshHistory();
            });
    connect(m_client, &ControllerClient::callFailed, this,
            [this](const QString& method, const CallStatus& status) {
                m_log->append(Severity::Error, kController,
                              tr("%1 failed: %2").arg(method, status.toString()));
            });
    connectResources();
}

ConsoleSession::~ConsoleSession() = default;

void ConsoleSession::logAction(const QString& message)
{
    m_log->append(Severity::Info, kOperator, message);
    emit notice(message);
}

void ConsoleSession::onStateChanged(ConnectionState state, const QString& reason)
{
    const bool connected = state == ConnectionState::Connected;
    if (connected)
        m_everConnected = true;
    // Until the first connection there is nothing to grey.
    const bool stale = m_everConnected && !connected;
    m_versions->setStale(stale);
    m_topology->setStale(stale);
    m_resources->setStale(stale);
    const Severity severity = state == ConnectionState::Failed         ? Severity::Error
                              : state == ConnectionState::Reconnecting ? Severity::Warning
                                                                       : Severity::Info;
    const QString text =
        reason.isEmpty()
            ? tr("Controller %1: %2")
                  .arg(m_client->settings().address, backend_clients::stateName(state))
            : tr("Controller %1: %2 (%3)")
                  .arg(m_client->settings().address, backend_clients::stateName(state), reason);
    m_log->append(severity, kController, text);
    emit notice(text);
    if (connected) {
        refreshUpdates();
        refreshHistory();
    }
}

void ConsoleSession::onMeshEvent(const v1::MeshEvent& event)
{
    m_versions->applyMeshEvent(event);
    m_topology->applyMeshEvent(event);
    switch (event.change_case()) {
        case v1::MeshEvent::kSnapshot:
            m_log->append(
                Severity::Info, kController,
                tr("Mesh snapshot: %n service(s)", nullptr, event.snapshot().services_size()));
            break;
        case v1::MeshEvent::kVersionAdded:
            m_log->append(Severity::Info, kController,
                          tr("Version %1 of %2 registered")
                              .arg(q(event.version_added().version().name()),
                                   q(event.version_added().version().service())));
            break;
        case v1::MeshEvent::kVersionChanged: {
            const auto& change = event.version_changed();
            if (change.previous_state() != change.version().state())
                m_log->append(Severity::Info, kController,
                              tr("%1 %2: %3 → %4")
                                  .arg(q(change.version().service()), q(change.version().name()),
                                       models::versionStateName(change.previous_state()),
                                       models::versionStateName(change.version().state())));
            break;
        }
        case v1::MeshEvent::kInstanceUp:
            m_log->append(Severity::Info, kController,
                          tr("Instance %1 up").arg(q(event.instance_up().instance().name())));
            break;
        case v1::MeshEvent::kInstanceDown:
            m_log->append(Severity::Info, kController,
                          tr("Instance %1 down").arg(q(event.instance_down().instance().name())));
            break;
        case v1::MeshEvent::kServiceAdded:
            m_log->append(Severity::Info, kController,
                          tr("Service %1 added").arg(q(event.service_added().name())));
            break;
        case v1::MeshEvent::kServiceRemoved:
            m_log->append(Severity::Info, kController,
                          tr("Service %1 removed").arg(q(event.service_removed())));
            break;
        default:
            break;
    }
}

void ConsoleSession::onProgress(const v1::UpdateProgress& progress)
{
    m_updates->apply(progress);
    const QString id = q(progress.update_id());
    const int phase = int(progress.phase());
    const int key = phase * 100 + int(progress.state());
    if (m_lastPhase.value(id, -1) == key)
        return;
    m_lastPhase.insert(id, key);
    const Severity severity = progress.state() == v1::UPDATE_STATE_FAILED ||
                                      progress.state() == v1::UPDATE_STATE_ABORTED ||
                                      progress.state() == v1::UPDATE_STATE_TIMED_OUT
                                  ? Severity::Warning
                                  : Severity::Info;
    m_log->append(severity, kController,
                  tr("Update %1 (%2 %3 → %4): %5, %6")
                      .arg(id, q(progress.service()), q(progress.from_version()),
                           q(progress.target_version()), models::phaseName(progress.phase()),
                           models::updateStateName(progress.state())));
    if (isTerminal(progress.state())) {
        emit notice(tr("Update %1 %2; %n inconsistent transaction(s)", nullptr,
                       int(progress.inconsistent_transactions()))
                        .arg(id, models::updateStateName(progress.state())));
    }
}

// After (re)connecting: watch every update that is still running.
void ConsoleSession::refreshUpdates()
{
    m_client->listUpdates({}, [this](const CallStatus& status, const v1::ListUpdatesResponse& r) {
        if (!status.ok())
            return;
        for (const auto& update : r.updates()) {
            if (!isTerminal(update.state()))
                m_client->watchUpdate(q(update.update_id()));
        }
    });
}

void ConsoleSession::refreshHistory()
{
    v1::GetHistoryRequest request;
    request.set_page_size(200);
    m_client->getHistory(request,
                         [this](const CallStatus& status, const v1::GetHistoryResponse& r) {
                             if (status.ok())
                                 m_history->setUpdates(r.updates());
                         });
}

void ConsoleSession::startUpdate(const v1::StartUpdateRequest& request,
                                 std::function<void(const CallStatus&, const QString&)> done)
{
    logAction(tr("Start update of %1 to %2 (%3)")
                  .arg(q(request.service()), q(request.target_version()),
                       models::strategyName(request.strategy())));
    m_client->startUpdate(request, [this, done = std::move(done)](
                                       const CallStatus& status, const v1::StartUpdateResponse& r) {
        const QString id = q(r.update_id());
        if (status.ok()) {
            m_log->append(Severity::Info, kController, tr("Update %1 started").arg(id));
            m_client->watchUpdate(id);
        }
        done(status, id);
    });
}

void ConsoleSession::abortUpdate(const QString& updateId, const QString& reason)
{
    logAction(tr("Abort update %1").arg(updateId));
    v1::AbortUpdateRequest request;
    request.set_update_id(updateId.toStdString());
    request.set_reason(reason.toStdString());
    m_client->abortUpdate(
        request, [this, updateId](const CallStatus& status, const v1::AbortUpdateResponse&) {
            if (status.ok())
                m_log->append(Severity::Info, kController,
                              tr("Update %1 is rolling back").arg(updateId));
        });
}

void ConsoleSession::forceRetire(const QString& updateId, const QString& reason)
{
    logAction(tr("Force retire the old version of update %1").arg(updateId));
    v1::ForceRetireRequest request;
    request.set_update_id(updateId.toStdString());
    request.set_reason(reason.toStdString());
    request.set_acknowledge_possible_violations(true);
    m_client->forceRetire(
        request, [this, updateId](const CallStatus& status, const v1::ForceRetireResponse& r) {
            if (status.ok())
                m_log->append(Severity::Warning, kController,
                              tr("Update %1 force-retired; %n transaction(s) may have seen two "
                                 "versions",
                                 nullptr, int(r.possible_violations()))
                                  .arg(updateId));
        });
}

void ConsoleSession::registerVersion(const v1::RegisterVersionRequest& request,
                                     std::function<void(const CallStatus&)> done)
{
    logAction(
        tr("Register version %1 of %2 (image %3, parent %4)")
            .arg(q(request.name()), q(request.service()), q(request.image()), q(request.parent())));
    m_client->registerVersion(
        request, [done = std::move(done)](const CallStatus& status,
                                          const v1::RegisterVersionResponse&) { done(status); });
}

// --- resources ---------------------------------------------------------------

void ConsoleSession::connectResources()
{
    connect(m_client, &backend_clients::ControllerClient::resourceEvent, m_resources,
            &models::ResourceModel::apply);
    connect(m_resources, &models::ResourceModel::synced, this, [this] {
        m_log->append(Severity::Info, kController,
                      tr("Resources: %n resource(s)", nullptr, m_resources->rowCount()));
    });
    connect(m_resources, &models::ResourceModel::healthChanged, this,
            [this](const QString& id, models::ResourceHealth from, models::ResourceHealth to) {
                const v1::Resource* resource = m_resources->resource(id);
                const QString why =
                    resource ? models::ResourceModel::statusMessage(*resource) : QString();
                const QString text =
                    tr("Resource %1: %2 → %3")
                        .arg(id, models::resourceHealthName(from), models::resourceHealthName(to));
                m_log->append(
                    to == models::ResourceHealth::Degraded ? Severity::Warning : Severity::Info,
                    kController, why.isEmpty() ? text : tr("%1 (%2)").arg(text, why));
            });
}

void ConsoleSession::setProbeEnabled(const QString& id, bool enabled)
{
    logAction(enabled ? tr("Enable the probe of resource %1").arg(id)
                      : tr("Disable the probe of resource %1").arg(id));
    m_client->setProbeEnabled(
        id, enabled, [this, id](const CallStatus& status, const v1::SetProbeEnabledResponse& r) {
            if (status.ok())
                m_log->append(
                    Severity::Info, kController,
                    tr("Resource %1 at generation %2").arg(id).arg(r.resource().generation()));
        });
}

void ConsoleSession::deleteResource(const QString& id)
{
    logAction(tr("Delete resource %1").arg(id));
    m_client->deleteResource(
        id, [this, id](const CallStatus& status, const v1::DeleteResourceResponse&) {
            if (status.ok())
                m_log->append(Severity::Info, kController, tr("Resource %1 deleted").arg(id));
        });
}

void ConsoleSession::updateResource(const v1::UpdateResourceRequest& request,
                                    std::function<void(const CallStatus&)> done)
{
    const QString id = q(request.id());
    logAction(tr("Update resource %1").arg(id));
    m_client->updateResource(request, [this, id, done = std::move(done)](
                                          const CallStatus& status,
                                          const v1::UpdateResourceResponse& r) {
        if (status.ok())
            m_log->append(
                Severity::Info, kController,
                tr("Resource %1 updated to generation %2").arg(id).arg(r.resource().generation()));
        if (done)
            done(status);
    });
}

QString ConsoleSession::servingVersion(const QString& service) const
{
    const QModelIndex serviceIndex = m_versions->indexOf(service);
    QString best;
    double bestShare = -1;
    // Depth-first over the service's tree: the serving version with the most traffic.
    std::function<void(const QModelIndex&)> visit = [&](const QModelIndex& parent) {
        for (int row = 0; row < m_versions->rowCount(parent); ++row) {
            const QModelIndex index = m_versions->index(row, 0, parent);
            if (const v1::Version* version = m_versions->versionAt(index)) {
                if (version->state() == v1::VERSION_STATE_SERVING &&
                    version->traffic_share() > bestShare) {
                    bestShare = version->traffic_share();
                    best = q(version->name());
                }
            }
            visit(index);
        }
    };
    if (serviceIndex.isValid())
        visit(serviceIndex);
    return best;
}

void ConsoleSession::exportRules(const QString& path)
{
    logAction(tr("Export rules to %1").arg(path));
    m_client->listServices(
        [this, path](const CallStatus& status, const v1::ListServicesResponse& services) {
            if (!status.ok()) {
                emit rulesExported(path, false, status.toString());
                return;
            }
            struct Export
            {
                QStringList names;
                QMap<QString, QString> yaml;
                QString error;
                int pending = 0;
            };
            auto state = std::make_shared<Export>();
            for (const auto& service : services.services())
                state->names.append(q(service.name()));
            std::sort(state->names.begin(), state->names.end());
            state->pending = int(state->names.size());
            if (state->pending == 0) {
                emit rulesExported(path, false, tr("the mesh has no services"));
                return;
            }
            for (const QString& name : std::as_const(state->names)) {
                m_client->getRules(name, [this, path, name, state](const CallStatus& s,
                                                                   const v1::GetRulesResponse& r) {
                    if (s.ok())
                        state->yaml.insert(name, q(r.rules_yaml()));
                    else
                        state->error = tr("%1: %2").arg(name, s.toString());
                    if (--state->pending > 0)
                        return;
                    if (!state->error.isEmpty()) {
                        emit rulesExported(path, false, state->error);
                        return;
                    }
                    QSaveFile file(path);
                    if (!file.open(QIODevice::WriteOnly)) {
                        emit rulesExported(path, false, file.errorString());
                        return;
                    }
                    for (const QString& service : std::as_const(state->names)) {
                        QByteArray text = state->yaml.value(service).toUtf8();
                        if (!text.startsWith("---"))
                            file.write("---\n");
                        file.write("# " + service.toUtf8() + "\n");
                        file.write(text);
                        if (!text.endsWith('\n'))
                            file.write("\n");
                    }
                    if (!file.commit()) {
                        emit rulesExported(path, false, file.errorString());
                        return;
                    }
                    m_log->append(Severity::Info, kOperator, tr("Rules exported to %1").arg(path));
                    emit rulesExported(path, true, {});
                });
            }
        });
}

}  // namespace concord::app
