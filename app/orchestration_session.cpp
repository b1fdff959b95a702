#include "app/orchestration_session.h"

#include <QUrl>

#include "app/console_session.h"
#include "models/event_log_model.h"
#include "widgets/orchestration_panel.h"

namespace concord::app {

using backend_clients::ConnectionState;
using backend_clients::OrchestrationDto;
using backend_clients::OrchestrationParametersDto;
using backend_clients::OrchestratorSettings;
using backend_clients::RestStatus;
using Severity = models::EventLogModel::SeverityLevel;

namespace {

const QString kOrchestrator = QStringLiteral("orchestrator");
const QString kOrchestrating = QStringLiteral("Orchestrating");

bool sameSettings(const OrchestratorSettings& a, const OrchestratorSettings& b)
{
    return a.baseUrl == b.baseUrl && a.timeout == b.timeout &&
           a.credentialHeader == b.credentialHeader && a.credentialValue == b.credentialValue &&
           a.caCertificateFile == b.caCertificateFile;
}

}  // namespace

OrchestrationSession::OrchestrationSession(ConsoleSession* session)
    : QObject(session),
      m_session(session),
      m_client(new backend_clients::OrchestratorClient(this)),
      m_unavailableReason(tr("not connected to a controller"))
{
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &OrchestrationSession::poll);
    using backend_clients::ControllerClient;
    connect(session->client(), &ControllerClient::serverInfoChanged, this,
            &OrchestrationSession::onServerInfo);
    connect(session->client(), &ControllerClient::stateChanged, this,
            &OrchestrationSession::onConnectionState);
}

OrchestrationSession::~OrchestrationSession()
{
    // The client first: its requests are aborted while this is whole.
    delete m_client;
}

std::optional<OrchestrationDto> OrchestrationSession::latest(const QString& resource) const
{
    const auto found = m_latest.constFind(resource);
    return found == m_latest.cend() ? std::nullopt : std::optional(*found);
}

// --- configuration -------------------------------------------------------------

void OrchestrationSession::onServerInfo(const v1::GetServerInfoResponse& info)
{
    const QUrl url(QString::fromStdString(info.orchestrator_url()));
    if (!url.isValid() || url.isEmpty()) {
        setAvailable(false, tr("the controller serves no orchestrator API"));
        return;
    }
    // The orchestrator takes the controller's own token (docs/orchestrator-api.md).
    const backend_clients::ConnectionSettings& controller = m_session->client()->settings();
    OrchestratorSettings settings;
    settings.baseUrl = url;
    if (!controller.token.isEmpty()) {
        settings.credentialHeader = QByteArrayLiteral("Authorization");
        settings.credentialValue = "Bearer " + controller.token.toUtf8();
    }
    if (url.scheme() == QLatin1String("https"))
        settings.caCertificateFile = controller.caFile;
    if (!sameSettings(settings, m_client->settings())) {
        ++m_generation;
        m_client->setSettings(settings);
        m_session->eventLog()->append(Severity::Info, kOrchestrator,
                                      tr("Orchestrator API at %1").arg(url.toString()));
    }
    setAvailable(true, {});
    // Fresh data after every (re)connect, not only at the next tick.
    if (!m_pollInFlight)
        poll();
}

void OrchestrationSession::onConnectionState(ConnectionState state)
{
    // Connected: GetServerInfo follows, and says where the orchestrator is.
    if (state != ConnectionState::Connected)
        setAvailable(false, tr("the controller is unreachable"));
}

void OrchestrationSession::setAvailable(bool available, const QString& reason)
{
    if (available == m_available && reason == m_unavailableReason)
        return;
    m_available = available;
    m_unavailableReason = reason;
    if (!available)
        m_pollTimer.stop();
    emit availabilityChanged(available, reason);
}

// --- polling -------------------------------------------------------------------

void OrchestrationSession::setWatchedResource(const QString& resource)
{
    if (resource == m_watched)
        return;
    m_watched = resource;
    if (resource.isEmpty())
        m_pollTimer.stop();
    else if (!m_pollInFlight)
        poll();  // at once: the operator just opened it
}

void OrchestrationSession::poll()
{
    if (m_pollInFlight || !m_available || m_watched.isEmpty())
        return;
    m_pollTimer.stop();
    m_pollInFlight = true;
    ++m_pollCount;
    const QString resource = m_watched;
    const quint64 generation = m_generation;
    m_client->getOrchestration(
        resource, [this, guard = QPointer(this), resource, generation](
                      const RestStatus& status, const OrchestrationDto& orchestration) {
            if (!guard)
                return;
            m_pollInFlight = false;
            if (generation == m_generation)
                onPolled(resource, status, orchestration);
            scheduleNextPoll();
        });
}

void OrchestrationSession::onPolled(const QString& resource, const RestStatus& status,
                                    const OrchestrationDto& orchestration)
{
    if (status.ok()) {
        if (m_pollErrors.remove(resource) > 0)
            m_session->eventLog()->append(Severity::Info, kOrchestrator,
                                          tr("The orchestration of %1 reads again").arg(resource));
        store(resource, orchestration);
        return;
    }
    // Logged once per distinct failure, not every two seconds.
    const QString text = status.toString();
    if (m_pollErrors.value(resource) != text) {
        m_pollErrors.insert(resource, text);
        m_session->eventLog()->append(
            Severity::Warning, kOrchestrator,
            tr("Reading the orchestration of %1 failed: %2").arg(resource, text));
    }
    emit pollFailed(resource, status);
}

void OrchestrationSession::scheduleNextPoll()
{
    if (m_pollInFlight || !m_available || m_watched.isEmpty()) {
        m_pollTimer.stop();
        return;
    }
    const auto known = m_latest.constFind(m_watched);
    const bool orchestrating = known != m_latest.cend() && known->state == kOrchestrating;
    m_pollTimer.start(orchestrating ? kFastPollMs : kPollMs);
}

void OrchestrationSession::store(const QString& resource, const OrchestrationDto& orchestration)
{
    const auto before = m_latest.constFind(resource);
    if (before != m_latest.cend())
        logTransitions(*before, orchestration);
    m_latest.insert(resource, orchestration);
    emit orchestrationChanged(resource, orchestration);
}

void OrchestrationSession::logTransitions(const OrchestrationDto& before,
                                          const OrchestrationDto& after)
{
    auto* log = m_session->eventLog();
    if (before.state == kOrchestrating && after.state == QLatin1String("Ready"))
        log->append(Severity::Info, kOrchestrator,
                    tr("The orchestration of %1 is ready: %n instance(s) running", nullptr,
                       int(after.instances.size()))
                        .arg(after.resource));
    QHash<QString, int> recreations;
    for (const auto& instance : before.instances)
        recreations.insert(instance.id, instance.recreations);
    for (const auto& instance : after.instances) {
        const auto was = recreations.constFind(instance.id);
        if (was != recreations.cend() && instance.recreations > *was)
            log->append(
                Severity::Warning, kOrchestrator,
                tr("Instance %1 was recreated (pod %2)").arg(instance.id, instance.podName));
    }
}

// --- actions -------------------------------------------------------------------

void OrchestrationSession::orchestrate(const QString& resource,
                                       const OrchestrationParametersDto& parameters)
{
    m_session->logAction(
        tr("Re-orchestrate %1: initInstances %2, maxInstances %3, resourcePerInstance %4")
            .arg(resource)
            .arg(parameters.initInstances)
            .arg(parameters.maxInstances)
            .arg(parameters.resourcePerInstance));
    if (!m_available) {
        emit orchestrateFinished(resource, RestStatus{0, m_unavailableReason}, {});
        return;
    }
    m_client->orchestrate(resource, parameters,
                          [this, guard = QPointer(this), resource](
                              const RestStatus& status, const OrchestrationDto& orchestration) {
                              if (guard)
                                  onOrchestrated(resource, status, orchestration);
                          });
}

void OrchestrationSession::onOrchestrated(const QString& resource, const RestStatus& status,
                                          const OrchestrationDto& orchestration)
{
    auto* log = m_session->eventLog();
    if (status.ok()) {
        log->append(Severity::Info, kOrchestrator,
                    orchestration.message.isEmpty()
                        ? tr("Re-orchestration of %1 started").arg(resource)
                        : orchestration.message);
        // A GET sent before the POST would answer with the old orchestration.
        ++m_generation;
        store(resource, orchestration);
        if (resource == m_watched && !m_pollInFlight)
            m_pollTimer.start(kFastPollMs);
    } else {
        log->append(Severity::Warning, kOrchestrator,
                    tr("Re-orchestration of %1 refused: %2").arg(resource, status.toString()));
    }
    emit orchestrateFinished(resource, status, orchestration);
}

void OrchestrationSession::runIn(const QString& resource, const QString& resourceId)
{
    if (!m_available) {
        emit runInFinished(resource, resourceId, RestStatus{0, m_unavailableReason}, {});
        return;
    }
    m_client->runIn(resource, resourceId,
                    [this, guard = QPointer(this), resource, resourceId](
                        const RestStatus& status, const QString& instanceId) {
                        if (guard)
                            emit runInFinished(resource, resourceId, status, instanceId);
                    });
}

// --- the panel -------------------------------------------------------------------

void OrchestrationSession::attach(widgets::OrchestrationPanel* panel)
{
    using widgets::OrchestrationPanel;
    m_attached = panel;
    connect(panel, &OrchestrationPanel::watchedResourceChanged, this,
            &OrchestrationSession::setWatchedResource);
    connect(panel, &OrchestrationPanel::orchestrateRequested, this,
            &OrchestrationSession::orchestrate);
    connect(panel, &OrchestrationPanel::runInRequested, this, &OrchestrationSession::runIn);
    // A panel torn down (language change, window closing) watches nothing;
    // its successor says what it watches once shown.
    connect(panel, &QObject::destroyed, this, [this](QObject* gone) {
        if (gone != m_attached)
            return;
        m_attached = nullptr;
        setWatchedResource({});
    });

    connect(this, &OrchestrationSession::availabilityChanged, panel,
            &OrchestrationPanel::setAvailable);
    connect(this, &OrchestrationSession::orchestrationChanged, panel,
            [panel](const QString& resource, const OrchestrationDto& orchestration) {
                if (auto* page = panel->page(resource))
                    page->setOrchestration(orchestration);
            });
    connect(this, &OrchestrationSession::pollFailed, panel,
            [panel](const QString& resource, const RestStatus& status) {
                if (auto* page = panel->page(resource))
                    page->setPollError(status);
            });
    connect(this, &OrchestrationSession::orchestrateFinished, panel,
            [panel](const QString& resource, const RestStatus& status,
                    const OrchestrationDto& orchestration) {
                if (auto* page = panel->page(resource))
                    page->setOrchestrateResult(status, orchestration);
            });
    connect(this, &OrchestrationSession::runInFinished, panel,
            [panel](const QString& resource, const QString& resourceId, const RestStatus& status,
                    const QString& instanceId) {
                if (auto* page = panel->page(resource))
                    page->setRunInResult(resourceId, status, instanceId);
            });

    panel->setAvailable(m_available, m_unavailableReason);
    for (auto it = m_latest.cbegin(); it != m_latest.cend(); ++it) {
        if (auto* page = panel->page(it.key()))
            page->setOrchestration(it.value());
    }
    setWatchedResource(panel->watchedResource());
}

}  // namespace concord::app
