#include "backend_clients/controller_client.h"

#include <absl/status/status.h>
#include <grpcpp/grpcpp.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QPointer>
#include <QTimer>
#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "concord/v1/mesh.grpc.pb.h"
#include "concord/v1/server.grpc.pb.h"
#include "concord/v1/topology.grpc.pb.h"
#include "concord/v1/update.grpc.pb.h"

namespace concord::backend_clients {

namespace {

using namespace std::chrono_literals;

constexpr auto kUnaryDeadline = 10s;
constexpr auto kProbeDeadline = 3s;

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
    std::string token;
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
        Update
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
        for (const QString& id : std::as_const(m_watched))
            startUpdateStream(id);
    }

    void stopStreams()
    {
        ++m_streamGeneration;  // results still queued from these streams are dropped
        m_meshStream.reset();
        m_topologyStream.reset();
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

    void streamEnded(StreamKind kind, const QString& updateId, const CallStatus& status)
    {
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

}  // namespace concord::backend_clients
