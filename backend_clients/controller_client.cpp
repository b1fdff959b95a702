#include "backend_clients/controller_client.h"

#include <absl/status/status.h>
#include <grpcpp/grpcpp.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDebug>
#include <QFile>
#include <QPointer>
#include <QTimer>
#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "concord/v1/mesh.grpc.pb.h"
#include "concord/v1/resource.grpc.pb.h"
#include "concord/v1/server.grpc.pb.h"
#include "concord/v1/topology.grpc.pb.h"
#include "concord/v1/update.grpc.pb.h"

namespace concord::backend_clients {

namespace {

using namespace std::chrono_literals;

constexpr auto kUnaryDeadline = 10s;
constexpr auto kProbeDeadline = 3s;
// Resource events handed to the owner's thread per turn of its event loop: a
// 10,000-Resource snapshot arrives in a few posted events instead of 10,000,
// and the GUI still paints between chunks.
constexpr std::size_t kResourceEventsPerTurn = 2000;

// gRPC's codes are abseil's: same numbers, same names.
QString codeName(int code)
{
    const std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
    return name.empty() ? QStringLiteral("CODE_%1").arg(code) : QString::fromStdString(name);
}

CallStatus toCallStatus(const grpc::Status& status)
{
    return CallStatus{int(status.error_code()), QString::fromStdString(status.error_message())};
}

bool isCredentialProblem(int code)
{
    return code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::PERMISSION_DENIED;
}

// One channel and its stubs. Calls hold a shared_ptr so a reconnect (which
// makes a new channel) never destroys a stub under a call in flight.
struct Connection
{
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<v1::ServerService::Stub> server;
    std::unique_ptr<v1::MeshService::Stub> mesh;
    std::unique_ptr<v1::TopologyService::Stub> topology;
    std::unique_ptr<v1::UpdateService::Stub> update;
    std::unique_ptr<v1::ResourceService::Stub> resource;
    std::string token;
};

// WatchResources messages read by the stream thread and not yet emitted on
// the owner's thread. push() says when the queue was empty: only then does
// the reader post a drain, so one posted event carries many messages.
class ResourceEventQueue final
{
public:
    bool push(v1::ResourceEvent&& event)
    {
        std::lock_guard lock(m_mutex);
        m_events.push_back(std::move(event));
        return m_events.size() == 1;
    }
    // Up to `max` events, oldest first; `more`: some are left (the caller
    // posts the next drain itself, push() will not).
    std::vector<v1::ResourceEvent> take(std::size_t max, bool& more)
    {
        std::lock_guard lock(m_mutex);
        std::vector<v1::ResourceEvent> out;
        if (m_events.size() <= max) {
            out.swap(m_events);
        } else {
            out.assign(std::make_move_iterator(m_events.begin()),
                       std::make_move_iterator(m_events.begin() + std::ptrdiff_t(max)));
            m_events.erase(m_events.begin(), m_events.begin() + std::ptrdiff_t(max));
        }
        more = !m_events.empty();
        return out;
    }

private:
    std::mutex m_mutex;
    std::vector<v1::ResourceEvent> m_events;
};

// A server stream read on its own thread with the blocking reader; messages
// and the final status are handed to callbacks on that thread.
class StreamRunner final
{
public:
    using Body = std::function<grpc::Status(grpc::ClientContext&)>;

    StreamRunner(const Connection& connection, Body body)
    {
        if (!connection.token.empty())
            m_context.AddMetadata("authorization", "Bearer " + connection.token);
        m_thread = std::thread([this, body = std::move(body)] { body(m_context); });
    }
    ~StreamRunner()
    {
        m_context.TryCancel();
        if (m_thread.joinable())
            m_thread.join();
    }
    StreamRunner(const StreamRunner&) = delete;
    StreamRunner& operator=(const StreamRunner&) = delete;

private:
    grpc::ClientContext m_context;
    std::thread m_thread;
};

template <class Message, class Open, class OnMessage>
StreamRunner::Body readAll(Open open, OnMessage onMessage)
{
    return [open = std::move(open), onMessage = std::move(onMessage)](grpc::ClientContext& ctx) {
        auto reader = open(ctx);
        Message message;
        while (reader->Read(&message)) {
            onMessage(std::move(message));
            message = Message();
        }
        return reader->Finish();
    };
}

}  // namespace

QString CallStatus::toString() const
{
    if (message.isEmpty())
        return codeName(code);
    return QStringLiteral("%1: %2").arg(codeName(code), message);
}

QString stateName(ConnectionState state)
{
    switch (state) {
        case ConnectionState::Disconnected:
            return QCoreApplication::translate("concord::backend_clients", "disconnected");
        case ConnectionState::Connecting:
            return QCoreApplication::translate("concord::backend_clients", "connecting");
        case ConnectionState::Connected:
            return QCoreApplication::translate("concord::backend_clients", "connected");
        case ConnectionState::Reconnecting:
            return QCoreApplication::translate("concord::backend_clients", "reconnecting");
        case ConnectionState::Failed:
            return QCoreApplication::translate("concord::backend_clients", "failed");
    }
    return {};
}

class ControllerClient::Impl
{
public:
    enum class StreamKind
    {
        Mesh,
        Topology,
        Update,
        Resources
    };

    explicit Impl(ControllerClient* client) : q(client)
    {
        m_attemptTimer.setSingleShot(true);
        QObject::connect(&m_attemptTimer, &QTimer::timeout, q, [this] { attempt(); });
        m_countdownTimer.setInterval(1000);
        QObject::connect(&m_countdownTimer, &QTimer::timeout, q,
                         [this] { emit q->reconnectCountdown(secondsLeft()); });
    }

    ~Impl()
    {
        stopStreams();
        std::unique_lock lock(m_mutex);
        m_closing = true;
        for (grpc::ClientContext* ctx : m_contexts)
            ctx->TryCancel();
        m_idle.wait(lock, [this] { return m_inFlight == 0; });
    }

    // --- connection state ------------------------------------------------

    void connectTo(const ConnectionSettings& settings)
    {
        m_settings = settings;
        m_backoff = m_firstBackoff;
        m_epoch.clear();
        m_revision = 0;
        m_resourceSynced = false;  // another controller, maybe: start from a snapshot
        teardown();
        setState(ConnectionState::Connecting, {});
        attempt();
    }

    void disconnect()
    {
        teardown();
        m_connection.reset();
        setState(ConnectionState::Disconnected, {});
    }

    void attempt()
    {
        m_attemptTimer.stop();
        m_countdownTimer.stop();
        QString error;
        m_connection = makeConnection(error);
        if (!m_connection) {
            setState(ConnectionState::Failed, error);
            return;
        }
        const quint64 generation = ++m_generation;
        auto connection = m_connection;
        unary<v1::GetServerInfoRequest, v1::GetServerInfoResponse>(
            "GetServerInfo", {},
            [this, generation](const CallStatus& status, const v1::GetServerInfoResponse& info) {
                if (generation == m_generation)
                    probed(status, info);
            },
            [connection](auto ctx, auto req, auto resp, auto done) {
                connection->server->async()->GetServerInfo(ctx, req, resp, std::move(done));
            },
            kProbeDeadline, /*reportFailure=*/false);
    }

    void probed(const CallStatus& status, const v1::GetServerInfoResponse& info)
    {
        if (status.ok()) {
            m_info = info;
            m_backoff = m_firstBackoff;
            setState(ConnectionState::Connected, {});
            emit q->serverInfoChanged(m_info);
            startStreams();
            return;
        }
        if (isCredentialProblem(status.code)) {
            setState(ConnectionState::Failed, status.toString());
            return;
        }
        scheduleRetry(status.toString());
    }

    void connectionLost(const QString& reason)
    {
        if (m_state != ConnectionState::Connected)
            return;
        teardown();
        scheduleRetry(reason);
    }

    void scheduleRetry(const QString& reason)
    {
        const auto wait = m_backoff;
        m_backoff = std::min(m_backoff * 2, m_maxBackoff);
        m_retryAt = QDeadlineTimer(wait);
        setState(ConnectionState::Reconnecting, reason);
        m_attemptTimer.start(wait);
        m_countdownTimer.start();
        emit q->reconnectCountdown(secondsLeft());
    }

    int secondsLeft() const
    {
        if (m_state != ConnectionState::Reconnecting || !m_attemptTimer.isActive())
            return 0;
        return int((m_retryAt.remainingTime() + 999) / 1000);
    }

    void setState(ConnectionState state, const QString& reason)
    {
        if (state == m_state && reason == m_reason)
            return;
        m_state = state;
        m_reason = reason;
        emit q->stateChanged(state, reason);
    }

    std::shared_ptr<Connection> makeConnection(QString& error) const
    {
        if (m_settings.address.trimmed().isEmpty()) {
            error = QCoreApplication::translate("concord::backend_clients",
                                                "no controller address given");
            return nullptr;
        }
        std::shared_ptr<grpc::ChannelCredentials> credentials;
        if (m_settings.tls) {
            grpc::SslCredentialsOptions ssl;
            if (!m_settings.caFile.isEmpty()) {
                QFile ca(m_settings.caFile);
                if (!ca.open(QIODevice::ReadOnly)) {
                    error = QCoreApplication::translate("concord::backend_clients",
                                                        "cannot read the CA file %1: %2")
                                .arg(m_settings.caFile, ca.errorString());
                    return nullptr;
                }
                ssl.pem_root_certs = ca.readAll().toStdString();
            }
            credentials = grpc::SslCredentials(ssl);
        } else {
            credentials = grpc::InsecureChannelCredentials();
        }
        // A fresh channel per attempt: gRPC's own reconnect backoff would
        // otherwise delay a recovered controller by up to two minutes.
        grpc::ChannelArguments args;
        args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
        args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
        auto connection = std::make_shared<Connection>();
        connection->channel =
            grpc::CreateCustomChannel(m_settings.address.toStdString(), credentials, args);
        connection->server = v1::ServerService::NewStub(connection->channel);
        connection->mesh = v1::MeshService::NewStub(connection->channel);
        connection->topology = v1::TopologyService::NewStub(connection->channel);
        connection->update = v1::UpdateService::NewStub(connection->channel);
        connection->resource = v1::ResourceService::NewStub(connection->channel);
        connection->token = m_settings.token.toStdString();
        return connection;
    }

    // --- unary calls ------------------------------------------------------

    template <class Request, class Response>
    struct UnaryCall
    {
        grpc::ClientContext context;
        Request request;
        Response response;
        std::shared_ptr<Connection> connection;
    };

    template <class Request, class Response, class Invoke>
    void unary(const char* method, const Request& request, Callback<Response> done, Invoke invoke,
               std::chrono::milliseconds deadline = kUnaryDeadline, bool reportFailure = true)
    {
        if (!m_connection || (m_state != ConnectionState::Connected &&
                              std::string_view(method) != "GetServerInfo")) {
            const CallStatus status{grpc::StatusCode::UNAVAILABLE,
                                    QCoreApplication::translate("concord::backend_clients",
                                                                "not connected to a controller")};
            QMetaObject::invokeMethod(
                q,
                [this, method, status, done = std::move(done)] {
                    emit q->callFailed(QString::fromLatin1(method), status);
                    done(status, Response());
                },
                Qt::QueuedConnection);
            return;
        }
        auto call = std::make_shared<UnaryCall<Request, Response>>();
        call->request = request;
        call->connection = m_connection;
        call->context.set_deadline(std::chrono::system_clock::now() + deadline);
        if (!m_connection->token.empty())
            call->context.AddMetadata("authorization", "Bearer " + m_connection->token);
        {
            std::lock_guard lock(m_mutex);
            ++m_inFlight;
            m_contexts.insert(&call->context);
        }
        invoke(&call->context, &call->request, &call->response,
               [this, call, method, reportFailure, done = std::move(done)](grpc::Status s) {
                   const CallStatus status = toCallStatus(s);
                   std::lock_guard lock(m_mutex);
                   m_contexts.erase(&call->context);
                   if (!m_closing) {
                       QMetaObject::invokeMethod(
                           q,
                           [this, call, method, status, reportFailure, done] {
                               if (!status.ok() && reportFailure)
                                   emit q->callFailed(QString::fromLatin1(method), status);
                               done(status, call->response);
                           },
                           Qt::QueuedConnection);
                   }
                   --m_inFlight;
                   m_idle.notify_all();
               });
    }

    // --- streams ------------------------------------------------------------

    void startStreams()
    {
        startMeshStream();
        startTopologyStream();
        startResourceStream();
        for (const QString& id : std::as_const(m_watched))
            startUpdateStream(id);
    }

    void stopStreams()
    {
        ++m_streamGeneration;  // results still queued from these streams are dropped
        m_meshStream.reset();
        m_topologyStream.reset();
        m_resourceStream.reset();
        m_updateStreams.clear();
    }

    void teardown()
    {
        m_attemptTimer.stop();
        m_countdownTimer.stop();
        ++m_generation;
        stopStreams();
    }

    // Posts `fn` to the client's thread unless the stream it came from was
    // stopped in the meantime.
    template <class Fn>
    void post(quint64 streamGeneration, Fn fn)
    {
        QMetaObject::invokeMethod(
            q,
            [this, streamGeneration, fn = std::move(fn)]() mutable {
                if (streamGeneration == m_streamGeneration)
                    fn();
            },
            Qt::QueuedConnection);
    }

    template <class Message>
    std::unique_ptr<StreamRunner> makeStream(
        StreamKind kind, const QString& updateId,
        std::function<std::unique_ptr<grpc::ClientReader<Message>>(grpc::ClientContext&)> open,
        std::function<void(Message&&)> deliver)
    {
        const quint64 generation = m_streamGeneration;
        auto body =
            readAll<Message>(std::move(open), [this, generation, deliver](Message&& message) {
                post(generation, [deliver, message = std::move(message)]() mutable {
                    deliver(std::move(message));
                });
            });
        return std::make_unique<StreamRunner>(
            *m_connection, [this, generation, kind, updateId, body](grpc::ClientContext& ctx) {
                const CallStatus status = toCallStatus(body(ctx));
                post(generation,
                     [this, kind, updateId, status] { streamEnded(kind, updateId, status); });
                return grpc::Status::OK;
            });
    }

    void startMeshStream()
    {
        v1::WatchMeshRequest request;
        request.set_epoch(m_epoch.toStdString());
        request.set_resume_after_revision(m_revision);
        auto connection = m_connection;
        m_meshStream = makeStream<v1::MeshEvent>(
            StreamKind::Mesh, {},
            [connection, request](grpc::ClientContext& ctx) {
                return connection->mesh->WatchMesh(&ctx, request);
            },
            [this](v1::MeshEvent&& event) {
                m_epoch = QString::fromStdString(event.epoch());
                m_revision = event.revision();
                emit q->meshEvent(event);
            });
    }

    void startTopologyStream()
    {
        v1::WatchTopologyRequest request;
        const auto ms = m_topologyPeriod.count();
        request.mutable_period()->set_seconds(ms / 1000);
        request.mutable_period()->set_nanos(int((ms % 1000) * 1000000));
        auto connection = m_connection;
        m_topologyStream = makeStream<v1::TopologySnapshot>(
            StreamKind::Topology, {},
            [connection, request](grpc::ClientContext& ctx) {
                return connection->topology->WatchTopology(&ctx, request);
            },
            [this](v1::TopologySnapshot&& snapshot) { emit q->topologySnapshot(snapshot); });
    }

    void startUpdateStream(const QString& id)
    {
        v1::WatchUpdateRequest request;
        request.set_update_id(id.toStdString());
        auto connection = m_connection;
        m_updateStreams[id] = makeStream<v1::UpdateProgress>(
            StreamKind::Update, id,
            [connection, request](grpc::ClientContext& ctx) {
                return connection->update->WatchUpdate(&ctx, request);
            },
            [this](v1::UpdateProgress&& progress) { emit q->updateProgress(progress); });
    }

    // --- the resource stream -------------------------------------------------

    // Resumes after the last (epoch, version) applied once a snapshot was
    // complete; otherwise starts from a fresh snapshot, telling the owner to
    // forget what a broken snapshot (or another controller) delivered first.
    void startResourceStream()
    {
        v1::WatchResourcesRequest request;
        m_resourceResuming = m_resourceSynced && !m_resourceEpoch.empty();
        if (m_resourceResuming) {
            request.set_epoch(m_resourceEpoch);
            request.set_resume_after_version(m_resourceVersion);
        } else if (m_resourceDelivered) {
            v1::ResourceEvent reset;
            reset.set_type(v1::ResourceEvent::TYPE_RESET);
            reset.set_epoch(m_resourceEpoch);
            reset.set_version(m_resourceVersion);
            noteResourceEvent(reset);
            emit q->resourceEvent(reset);
        }
        const quint64 generation = m_streamGeneration;
        auto queue = std::make_shared<ResourceEventQueue>();
        auto connection = m_connection;
        m_resourceStream = std::make_unique<StreamRunner>(
            *m_connection,
            [this, generation, queue, connection, request](grpc::ClientContext& ctx) {
                auto reader = connection->resource->WatchResources(&ctx, request);
                v1::ResourceEvent event;
                while (reader->Read(&event)) {
                    if (queue->push(std::move(event)))
                        post(generation, [this, queue] { drainResourceEvents(queue); });
                    event = v1::ResourceEvent();
                }
                const CallStatus status = toCallStatus(reader->Finish());
                // What was read still counts (the resume point moves with it).
                post(generation, [this, generation, queue, status] {
                    drainResourceEvents(queue, /*all=*/true);
                    if (generation == m_streamGeneration)
                        streamEnded(StreamKind::Resources, {}, status);
                });
                return grpc::Status::OK;
            });
    }

    // Emits the queued events one by one, in order; stops if a slot stopped
    // the streams (a disconnect) in the middle of a chunk.
    void drainResourceEvents(const std::shared_ptr<ResourceEventQueue>& queue, bool all = false)
    {
        const quint64 generation = m_streamGeneration;
        bool more = false;
        const std::vector<v1::ResourceEvent> events =
            queue->take(all ? SIZE_MAX : kResourceEventsPerTurn, more);
        for (const v1::ResourceEvent& event : events) {
            if (generation != m_streamGeneration)
                return;
            noteResourceEvent(event);
            emit q->resourceEvent(event);
        }
        if (more && generation == m_streamGeneration)
            post(generation, [this, queue] { drainResourceEvents(queue); });
    }

    void noteResourceEvent(const v1::ResourceEvent& event)
    {
        if (event.epoch() != m_resourceEpoch)
            m_resourceEpoch = event.epoch();
        m_resourceVersion = event.version();
        switch (event.type()) {
            case v1::ResourceEvent::TYPE_SYNCED:
                m_resourceSynced = true;
                break;
            case v1::ResourceEvent::TYPE_RESET:
                m_resourceSynced = false;
                m_resourceDelivered = false;
                break;
            default:
                m_resourceDelivered = true;
                break;
        }
    }

    // True when the end of the resource stream is no sign of a lost controller.
    bool resourceStreamEnded(const CallStatus& status)
    {
        if (status.code == grpc::StatusCode::UNIMPLEMENTED) {
            // An older controller without ResourceService: everything else works.
            qWarning().noquote() << "concord: the controller does not serve resources:"
                                 << status.toString();
            return true;
        }
        if (status.code == grpc::StatusCode::INVALID_ARGUMENT) {
            // The controller refused our resume point: start over from a snapshot.
            const bool wasResuming = m_resourceResuming;
            m_resourceSynced = false;
            if (wasResuming)
                startResourceStream();
            else
                qWarning().noquote() << "concord: WatchResources failed:" << status.toString();
            return true;
        }
        return false;
    }

    void streamEnded(StreamKind kind, const QString& updateId, const CallStatus& status)
    {
        if (kind == StreamKind::Resources && resourceStreamEnded(status))
            return;
        if (kind == StreamKind::Update) {
            if (!m_updateStreams.contains(updateId))
                return;  // unwatched meanwhile: its cancellation is no news
            // An update stream ends by itself when the update finishes.
            if (status.ok() || status.code == grpc::StatusCode::NOT_FOUND ||
                status.code == grpc::StatusCode::INVALID_ARGUMENT) {
                m_updateStreams.erase(updateId);
                m_watched.removeAll(updateId);
                emit q->updateWatchEnded(updateId, status);
                return;
            }
        }
        if (isCredentialProblem(status.code)) {
            teardown();
            setState(ConnectionState::Failed, status.toString());
            return;
        }
        // The mesh and topology streams never end while the controller is
        // up; anything else that ends them means the controller went away.
        connectionLost(status.ok() ? QCoreApplication::translate("concord::backend_clients",
                                                                 "the controller closed the stream")
                                   : status.toString());
    }

    ControllerClient* q;
    ConnectionSettings m_settings;
    ConnectionState m_state = ConnectionState::Disconnected;
    QString m_reason;
    std::shared_ptr<Connection> m_connection;
    v1::GetServerInfoResponse m_info;

    std::chrono::milliseconds m_firstBackoff = 1s;
    std::chrono::milliseconds m_maxBackoff = 8s;
    std::chrono::milliseconds m_backoff = 1s;
    std::chrono::milliseconds m_topologyPeriod = 1s;
    QTimer m_attemptTimer;
    QTimer m_countdownTimer;
    QDeadlineTimer m_retryAt;
    quint64 m_generation = 0;        // connection attempts; stale probe results are dropped
    quint64 m_streamGeneration = 0;  // stream sets; stale stream results are dropped

    QString m_epoch;
    quint64 m_revision = 0;
    QStringList m_watched;
    std::unique_ptr<StreamRunner> m_meshStream;
    std::unique_ptr<StreamRunner> m_topologyStream;
    std::map<QString, std::unique_ptr<StreamRunner>> m_updateStreams;

    std::string m_resourceEpoch;  // as the events carry it: no conversion per event
    quint64 m_resourceVersion = 0;
    bool m_resourceSynced = false;     // a snapshot was complete: the stream can resume
    bool m_resourceDelivered = false;  // events since the last RESET: a fresh start resets
    bool m_resourceResuming = false;   // the current stream was opened to resume
    std::unique_ptr<StreamRunner> m_resourceStream;

    std::mutex m_mutex;
    std::condition_variable m_idle;
    int m_inFlight = 0;
    bool m_closing = false;
    std::set<grpc::ClientContext*> m_contexts;
};

ControllerClient::ControllerClient(QObject* parent)
    : QObject(parent), d(std::make_unique<Impl>(this))
{
    qRegisterMetaType<ConnectionState>();
    qRegisterMetaType<CallStatus>();
    qRegisterMetaType<v1::MeshEvent>();
    qRegisterMetaType<v1::TopologySnapshot>();
    qRegisterMetaType<v1::UpdateProgress>();
    qRegisterMetaType<v1::GetServerInfoResponse>();
    qRegisterMetaType<v1::ResourceEvent>();
}

// Impl's destructor cancels and joins everything before QObject's destructor
// drops the events they may still have queued.
ControllerClient::~ControllerClient()
{
    d.reset();
}

void ControllerClient::connectTo(const ConnectionSettings& settings)
{
    d->connectTo(settings);
}

void ControllerClient::disconnectFromController()
{
    d->disconnect();
}

void ControllerClient::reconnectNow()
{
    if (d->m_state == ConnectionState::Reconnecting || d->m_state == ConnectionState::Failed) {
        d->teardown();
        d->attempt();
    }
}

const ConnectionSettings& ControllerClient::settings() const
{
    return d->m_settings;
}

ConnectionState ControllerClient::state() const
{
    return d->m_state;
}

QString ControllerClient::stateReason() const
{
    return d->m_reason;
}

int ControllerClient::reconnectSecondsLeft() const
{
    return d->secondsLeft();
}

const v1::GetServerInfoResponse& ControllerClient::serverInfo() const
{
    return d->m_info;
}

void ControllerClient::setReconnectBackoff(std::chrono::milliseconds first,
                                           std::chrono::milliseconds max)
{
    d->m_firstBackoff = first;
    d->m_maxBackoff = std::max(first, max);
    d->m_backoff = first;
}

void ControllerClient::setTopologyPeriod(std::chrono::milliseconds period)
{
    d->m_topologyPeriod = period;
}

void ControllerClient::getServerInfo(Callback<v1::GetServerInfoResponse> done)
{
    auto c = d->m_connection;
    d->unary<v1::GetServerInfoRequest, v1::GetServerInfoResponse>(
        "GetServerInfo", {}, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->server->async()->GetServerInfo(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::listServices(Callback<v1::ListServicesResponse> done)
{
    auto c = d->m_connection;
    d->unary<v1::ListServicesRequest, v1::ListServicesResponse>(
        "ListServices", {}, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->mesh->async()->ListServices(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::getVersionTree(const QString& service,
                                      Callback<v1::GetVersionTreeResponse> done)
{
    v1::GetVersionTreeRequest request;
    request.set_service(service.toStdString());
    auto c = d->m_connection;
    d->unary<v1::GetVersionTreeRequest, v1::GetVersionTreeResponse>(
        "GetVersionTree", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->mesh->async()->GetVersionTree(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::registerVersion(const v1::RegisterVersionRequest& request,
                                       Callback<v1::RegisterVersionResponse> done)
{
    auto c = d->m_connection;
    d->unary<v1::RegisterVersionRequest, v1::RegisterVersionResponse>(
        "RegisterVersion", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->mesh->async()->RegisterVersion(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::getRules(const QString& service, Callback<v1::GetRulesResponse> done)
{
    v1::GetRulesRequest request;
    request.set_service(service.toStdString());
    auto c = d->m_connection;
    d->unary<v1::GetRulesRequest, v1::GetRulesResponse>(
        "GetRules", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->mesh->async()->GetRules(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::planUpdate(const v1::PlanUpdateRequest& request,
                                  Callback<v1::PlanUpdateResponse> done)
{
    auto c = d->m_connection;
    d->unary<v1::PlanUpdateRequest, v1::PlanUpdateResponse>(
        "PlanUpdate", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->update->async()->PlanUpdate(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::startUpdate(const v1::StartUpdateRequest& request,
                                   Callback<v1::StartUpdateResponse> done)
{
    auto c = d->m_connection;
    d->unary<v1::StartUpdateRequest, v1::StartUpdateResponse>(
        "StartUpdate", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->update->async()->StartUpdate(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::abortUpdate(const v1::AbortUpdateRequest& request,
                                   Callback<v1::AbortUpdateResponse> done)
{
    auto c = d->m_connection;
    d->unary<v1::AbortUpdateRequest, v1::AbortUpdateResponse>(
        "AbortUpdate", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->update->async()->AbortUpdate(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::forceRetire(const v1::ForceRetireRequest& request,
                                   Callback<v1::ForceRetireResponse> done)
{
    auto c = d->m_connection;
    d->unary<v1::ForceRetireRequest, v1::ForceRetireResponse>(
        "ForceRetire", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->update->async()->ForceRetire(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::listUpdates(const QString& service, Callback<v1::ListUpdatesResponse> done)
{
    v1::ListUpdatesRequest request;
    request.set_service(service.toStdString());
    auto c = d->m_connection;
    d->unary<v1::ListUpdatesRequest, v1::ListUpdatesResponse>(
        "ListUpdates", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->update->async()->ListUpdates(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::getHistory(const v1::GetHistoryRequest& request,
                                  Callback<v1::GetHistoryResponse> done)
{
    auto c = d->m_connection;
    d->unary<v1::GetHistoryRequest, v1::GetHistoryResponse>(
        "GetHistory", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->update->async()->GetHistory(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::watchUpdate(const QString& updateId)
{
    if (d->m_watched.contains(updateId))
        return;
    d->m_watched.append(updateId);
    if (d->m_state == ConnectionState::Connected)
        d->startUpdateStream(updateId);
}

void ControllerClient::unwatchUpdate(const QString& updateId)
{
    d->m_watched.removeAll(updateId);
    d->m_updateStreams.erase(updateId);
}

QStringList ControllerClient::watchedUpdates() const
{
    return d->m_watched;
}

void ControllerClient::listResources(const QString& kind, Callback<v1::ListResourcesResponse> done)
{
    v1::ListResourcesRequest request;
    request.set_kind(kind.toStdString());
    auto c = d->m_connection;
    d->unary<v1::ListResourcesRequest, v1::ListResourcesResponse>(
        "ListResources", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->resource->async()->ListResources(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::getResource(const QString& id, Callback<v1::GetResourceResponse> done)
{
    v1::GetResourceRequest request;
    request.set_id(id.toStdString());
    auto c = d->m_connection;
    d->unary<v1::GetResourceRequest, v1::GetResourceResponse>(
        "GetResource", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->resource->async()->GetResource(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::createResource(const v1::CreateResourceRequest& request,
                                      Callback<v1::CreateResourceResponse> done)
{
    auto c = d->m_connection;
    d->unary<v1::CreateResourceRequest, v1::CreateResourceResponse>(
        "CreateResource", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->resource->async()->CreateResource(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::updateResource(const v1::UpdateResourceRequest& request,
                                      Callback<v1::UpdateResourceResponse> done)
{
    auto c = d->m_connection;
    d->unary<v1::UpdateResourceRequest, v1::UpdateResourceResponse>(
        "UpdateResource", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->resource->async()->UpdateResource(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::deleteResource(const QString& id, Callback<v1::DeleteResourceResponse> done)
{
    v1::DeleteResourceRequest request;
    request.set_id(id.toStdString());
    auto c = d->m_connection;
    d->unary<v1::DeleteResourceRequest, v1::DeleteResourceResponse>(
        "DeleteResource", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->resource->async()->DeleteResource(ctx, req, resp, std::move(cb));
        });
}

void ControllerClient::setProbeEnabled(const QString& id, bool enabled,
                                       Callback<v1::SetProbeEnabledResponse> done)
{
    v1::SetProbeEnabledRequest request;
    request.set_id(id.toStdString());
    request.set_enabled(enabled);
    auto c = d->m_connection;
    d->unary<v1::SetProbeEnabledRequest, v1::SetProbeEnabledResponse>(
        "SetProbeEnabled", request, std::move(done), [c](auto ctx, auto req, auto resp, auto cb) {
            c->resource->async()->SetProbeEnabled(ctx, req, resp, std::move(cb));
        });
}

}  // namespace concord::backend_clients
