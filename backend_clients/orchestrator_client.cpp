#include "backend_clients/orchestrator_client.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QThread>
#include <any>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>

namespace concord::backend_clients {

namespace {

// The client's own messages are translated (context "concord::backend_clients",
// as in controller_client.cpp). What describes a malformed answer names JSON
// fields and stays as it is, like the server's own messages.

// --- strict JSON reading ------------------------------------------------------

// Reads the fields of one JSON object, naming each by its path in the document
// ("instances[2].podPhase") when it is missing or of the wrong type. The first
// problem wins; later reads are no-ops, so a parser can chain them with &&.
class StrictObject final
{
public:
    StrictObject(QJsonObject object, QString path, QString& error)
        : m_object(std::move(object)), m_path(std::move(path)), m_error(error)
    {}

    QString pathOf(QLatin1String key) const
    {
        return m_path.isEmpty() ? QString(key) : m_path + QLatin1Char('.') + key;
    }

    bool fail(QLatin1String key, const char* problem) const
    {
        m_error = QStringLiteral("%1: %2").arg(pathOf(key), QString::fromLatin1(problem));
        return false;
    }

    // The value, or an Undefined one (and the error) when the key is absent.
    QJsonValue required(QLatin1String key) const
    {
        const auto it = m_object.constFind(key);
        if (it == m_object.constEnd()) {
            fail(key, "missing");
            return QJsonValue(QJsonValue::Undefined);
        }
        return it.value();
    }

    bool string(QLatin1String key, QString& out) const
    {
        const QJsonValue v = required(key);
        if (v.isUndefined())
            return false;
        if (!v.isString())
            return fail(key, "expected a string");
        out = v.toString();
        return true;
    }

    template <class Int>
    bool integer(QLatin1String key, Int& out) const
    {
        const QJsonValue v = required(key);
        if (v.isUndefined())
            return false;
        // JSON has only doubles; an integer field must hold an integral value
        // that fits the C++ type (a fraction or 1e300 is an error, not rounded).
        const double d = v.toDouble();
        if (!v.isDouble() || std::trunc(d) != d || d < double(std::numeric_limits<Int>::min()) ||
            d > double(std::numeric_limits<Int>::max()))
            return fail(key, "expected an integer");
        out = Int(v.toInteger());
        return true;
    }

    // RFC 3339 UTC; `nullable`: null reads as an invalid QDateTime.
    bool time(QLatin1String key, QDateTime& out, bool nullable) const
    {
        const QJsonValue v = required(key);
        if (v.isUndefined())
            return false;
        if (nullable && v.isNull()) {
            out = QDateTime();
            return true;
        }
        if (!v.isString())
            return fail(key, "expected an RFC 3339 time string");
        out = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
        if (!out.isValid())
            return fail(key, "expected an RFC 3339 time string");
        out = out.toUTC();
        return true;
    }

    bool object(QLatin1String key, QJsonObject& out, bool nullable, bool& isNull) const
    {
        const QJsonValue v = required(key);
        if (v.isUndefined())
            return false;
        isNull = v.isNull();
        if (isNull && nullable)
            return true;
        if (!v.isObject())
            return fail(key, nullable ? "expected an object or null" : "expected an object");
        out = v.toObject();
        return true;
    }

    bool array(QLatin1String key, QJsonArray& out) const
    {
        const QJsonValue v = required(key);
        if (v.isUndefined())
            return false;
        if (!v.isArray())
            return fail(key, "expected an array");
        out = v.toArray();
        return true;
    }

    bool strings(QLatin1String key, QStringList& out) const
    {
        QJsonArray items;
        if (!array(key, items))
            return false;
        out.clear();
        out.reserve(items.size());
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (!items.at(i).isString()) {
                m_error = QStringLiteral("%1[%2]: %3")
                              .arg(pathOf(key))
                              .arg(i)
                              .arg(QLatin1String("expected a string"));
                return false;
            }
            out.append(items.at(i).toString());
        }
        return true;
    }

    bool has(QLatin1String key) const { return m_object.contains(key); }

private:
    QJsonObject m_object;
    QString m_path;
    QString& m_error;
};

std::optional<QJsonObject> parseObject(const QByteArray& json, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    QString problem;
    if (parseError.error != QJsonParseError::NoError)
        problem = QStringLiteral("not valid JSON (%1 at offset %2)")
                      .arg(parseError.errorString())
                      .arg(parseError.offset);
    else if (!document.isObject())
        problem = QStringLiteral("expected a JSON object");
    if (problem.isEmpty())
        return document.object();
    if (error)
        *error = problem;
    return std::nullopt;
}

bool readParameters(const StrictObject& in, OrchestrationParametersDto& out)
{
    return in.integer(QLatin1String("initInstances"), out.initInstances) &&
           in.integer(QLatin1String("maxInstances"), out.maxInstances) &&
           in.integer(QLatin1String("resourcePerInstance"), out.resourcePerInstance);
}

bool readInstance(const StrictObject& in, OrchestratorInstanceDto& out)
{
    return in.string(QLatin1String("id"), out.id) && in.integer(QLatin1String("used"), out.used) &&
           in.integer(QLatin1String("count"), out.count) &&
           in.strings(QLatin1String("resources"), out.resources) &&
           in.integer(QLatin1String("reloadTimes"), out.reloadTimes) &&
           in.time(QLatin1String("heartbeat"), out.heartbeat, /*nullable=*/false) &&
           in.integer(QLatin1String("heartbeatAgeMs"), out.heartbeatAgeMs) &&
           in.string(QLatin1String("podName"), out.podName) &&
           in.string(QLatin1String("podPhase"), out.podPhase) &&
           in.integer(QLatin1String("recreations"), out.recreations);
}

bool readInstances(const StrictObject& in, QList<OrchestratorInstanceDto>& out, QString& error)
{
    QJsonArray items;
    if (!in.array(QLatin1String("instances"), items))
        return false;
    out.reserve(items.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString path = QStringLiteral("instances[%1]").arg(i);
        if (!items.at(i).isObject()) {
            error = QStringLiteral("%1: %2").arg(path, QLatin1String("expected an object"));
            return false;
        }
        OrchestratorInstanceDto instance;
        if (!readInstance(StrictObject(items.at(i).toObject(), path, error), instance))
            return false;
        out.append(std::move(instance));
    }
    return true;
}

bool readOrchestration(const StrictObject& in, OrchestrationDto& out, QString& error)
{
    QJsonObject progress;
    QJsonObject parameters;
    bool parametersNull = false;
    bool unused = false;
    const bool ok =
        in.string(QLatin1String("resource"), out.resource) &&
        in.integer(QLatin1String("count"), out.count) &&
        in.string(QLatin1String("state"), out.state) &&
        in.object(QLatin1String("progress"), progress, /*nullable=*/false, unused) &&
        StrictObject(progress, in.pathOf(QLatin1String("progress")), error)
            .integer(QLatin1String("ready"), out.progressReady) &&
        StrictObject(progress, in.pathOf(QLatin1String("progress")), error)
            .integer(QLatin1String("total"), out.progressTotal) &&
        in.object(QLatin1String("parameters"), parameters, /*nullable=*/true, parametersNull) &&
        in.time(QLatin1String("lastOrchestratedAt"), out.lastOrchestratedAt, /*nullable=*/true) &&
        readInstances(in, out.instances, error);
    if (!ok)
        return false;
    if (!parametersNull) {
        OrchestrationParametersDto p;
        if (!readParameters(StrictObject(parameters, QStringLiteral("parameters"), error), p))
            return false;
        out.parameters = p;
    }
    // Only orchestrate()'s answer carries a message.
    return !in.has(QLatin1String("message")) || in.string(QLatin1String("message"), out.message);
}

std::optional<QString> parseRunIn(const QByteArray& json, QString* error)
{
    const auto object = parseObject(json, error);
    if (!object)
        return std::nullopt;
    QString problem;
    QString runIn;
    if (StrictObject(*object, {}, problem).string(QLatin1String("runIn"), runIn))
        return runIn;
    if (error)
        *error = problem;
    return std::nullopt;
}

// --- requests -----------------------------------------------------------------

struct RestRequest
{
    QByteArray verb;  // GET, POST
    QString path;     // percent-encoded, below the base URL's path
    QByteArray body;  // sent when not null
    QString what;     // "GET /v1/api/orchestrations/thing", for requestFailed()
};

QString orchestrationPath(const QString& resource)
{
    return QStringLiteral("/v1/api/orchestrations/") +
           QString::fromLatin1(QUrl::toPercentEncoding(resource));
}

QUrl requestUrl(const QUrl& base, const QString& path)
{
    QUrl url = base;
    QString prefix = base.path(QUrl::FullyEncoded);
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    // Tolerant mode keeps the segments' %2F as they are: "a/b" stays one segment.
    url.setPath(prefix + path, QUrl::TolerantMode);
    return url;
}

// The status of an HTTP answer: the server's {"error"} for a failure, or a
// description of a body that is not that.
RestStatus answerStatus(int httpStatus, const QByteArray& body, const QString& reason)
{
    RestStatus status{httpStatus, {}};
    if (status.ok())
        return status;
    QString problem;
    const auto object = parseObject(body, &problem);
    if (object && object->value(QLatin1String("error")).isString()) {
        status.message = object->value(QLatin1String("error")).toString();
        return status;
    }
    const QString answer = reason.isEmpty()
                               ? QStringLiteral("HTTP %1").arg(httpStatus)
                               : QStringLiteral("HTTP %1 %2").arg(httpStatus).arg(reason);
    status.message =
        QCoreApplication::translate("concord::backend_clients", "%1 without an error message (%2)")
            .arg(answer, object ? QCoreApplication::translate("concord::backend_clients",
                                                              "no \"error\" string in the body")
                                : problem);
    return status;
}

// Lives on the client's network thread: owns the QNetworkAccessManager and
// every reply, and runs `Finished` there when a reply ends.
class NetworkWorker final : public QObject
{
public:
    using Finished = std::function<void(const RestStatus&, const QByteArray& body)>;

    void send(const OrchestratorSettings& settings, const RestRequest& request, Finished finished)
    {
        if (m_closing)
            return;
        QString problem;
        const std::optional<QNetworkRequest> prepared = prepare(settings, request, problem);
        if (!prepared) {
            finished(RestStatus{0, problem}, {});
            return;
        }
        QNetworkReply* reply =
            request.body.isNull()
                ? manager()->sendCustomRequest(*prepared, request.verb)
                : manager()->sendCustomRequest(*prepared, request.verb, request.body);
        const auto timeout = settings.timeout;
        const bool systemCas = settings.caCertificateFile.isEmpty();
        connect(reply, &QNetworkReply::finished, this, [this, reply, timeout, systemCas, finished] {
            reply->deleteLater();
            if (m_closing)
                return;
            const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
            finished(replyStatus(*reply, body, timeout, systemCas), body);
        });
    }

    // Aborts every reply (their results are dropped) and drops the manager.
    void shutdown()
    {
        m_closing = true;
        if (!m_manager)
            return;
        for (QNetworkReply* reply : m_manager->findChildren<QNetworkReply*>())
            reply->abort();
        delete m_manager;
        m_manager = nullptr;
    }

private:
    QNetworkAccessManager* manager()
    {
        if (!m_manager)
            m_manager = new QNetworkAccessManager(this);
        return m_manager;
    }

    std::optional<QNetworkRequest> prepare(const OrchestratorSettings& settings,
                                           const RestRequest& request, QString& problem)
    {
        const QUrl& base = settings.baseUrl;
        const QString scheme = base.scheme();
        if (!base.isValid() || base.host().isEmpty() ||
            (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
            problem = QCoreApplication::translate(
                          "concord::backend_clients",
                          "no usable orchestrator URL (an http:// or https:// URL is needed): '%1'")
                          .arg(base.toString());
            return std::nullopt;
        }
        QNetworkRequest out(requestUrl(base, request.path));
        out.setRawHeader("Accept", "application/json");
        if (!request.body.isNull())
            out.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        if (!settings.credentialHeader.isEmpty())
            out.setRawHeader(settings.credentialHeader, settings.credentialValue);
        out.setTransferTimeout(int(settings.timeout.count()));
        if (scheme == QLatin1String("https")) {
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            if (!settings.caCertificateFile.isEmpty()) {
                if (!loadCa(settings.caCertificateFile, problem))
                    return std::nullopt;
                tls.addCaCertificates(m_ca);
            }
            out.setSslConfiguration(tls);
        }
        return out;
    }

    // The CA file is read once per path, on this thread.
    bool loadCa(const QString& file, QString& problem)
    {
        if (file != m_caFile || m_ca.isEmpty()) {
            m_caFile = file;
            m_ca = QSslCertificate::fromPath(file, QSsl::Pem,
                                             QSslCertificate::PatternSyntax::FixedString);
        }
        if (m_ca.isEmpty())
            problem =
                QCoreApplication::translate("concord::backend_clients",
                                            "no PEM certificate could be read from the CA file %1")
                    .arg(file);
        return !m_ca.isEmpty();
    }

    static RestStatus replyStatus(const QNetworkReply& reply, const QByteArray& body,
                                  std::chrono::milliseconds timeout, bool systemCas)
    {
        const QVariant code = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (code.isValid()) {
            return answerStatus(
                code.toInt(), body,
                reply.attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        }
        const QString where = reply.url().toDisplayString(QUrl::RemovePath | QUrl::RemoveQuery);
        // Only the transfer timeout cancels a reply that shutdown() did not abort.
        if (reply.error() == QNetworkReply::OperationCanceledError ||
            reply.error() == QNetworkReply::TimeoutError)
            return RestStatus{0,
                              QCoreApplication::translate("concord::backend_clients",
                                                          "%1: no answer within %2 ms (timed out)")
                                  .arg(where)
                                  .arg(qint64(timeout.count()))};
        RestStatus status{0, QStringLiteral("%1: %2").arg(where, reply.errorString())};
        if (reply.error() == QNetworkReply::SslHandshakeFailedError && systemCas)
            status.message = QCoreApplication::translate(
                                 "concord::backend_clients",
                                 "%1 (only the system's CAs are trusted: set the CA certificate "
                                 "file that signed the orchestrator's certificate)")
                                 .arg(status.message);
        return status;
    }

    QNetworkAccessManager* m_manager = nullptr;
    QString m_caFile;
    QList<QSslCertificate> m_ca;
    bool m_closing = false;
};

}  // namespace

QString RestStatus::toString() const
{
    if (httpStatus == 0)
        return message;
    if (message.isEmpty())
        return QString::number(httpStatus);
    return QStringLiteral("%1: %2").arg(httpStatus).arg(message);
}

std::optional<OrchestrationDto> parseOrchestration(const QByteArray& json, QString* error)
{
    const auto object = parseObject(json, error);
    if (!object)
        return std::nullopt;
    QString problem;
    OrchestrationDto out;
    if (readOrchestration(StrictObject(*object, {}, problem), out, problem))
        return out;
    if (error)
        *error = problem;
    return std::nullopt;
}

class OrchestratorClient::Impl
{
public:
    explicit Impl(OrchestratorClient* client) : q(client)
    {
        m_thread.setObjectName(QStringLiteral("orchestrator-client"));
        m_worker.moveToThread(&m_thread);
        m_thread.start();
    }

    ~Impl()
    {
        m_alive->store(false);
        QMetaObject::invokeMethod(
            &m_worker, [worker = &m_worker] { worker->shutdown(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    // Sends on the network thread; parses there (a large orchestration is no
    // work for the GUI thread); delivers on the owner's thread.
    template <class T>
    void call(RestRequest request, std::optional<T> (*parse)(const QByteArray&, QString*),
              Callback<T> done)
    {
        const quint64 id = ++m_lastId;
        m_pending.emplace(id, [done = std::move(done)](const RestStatus& status, std::any& value) {
            done(status, std::any_cast<const T&>(value));
        });
        auto finished = [this, id, parse, what = request.what, alive = m_alive](
                            const RestStatus& answer, const QByteArray& body) {
            RestStatus status = answer;
            T value{};
            if (status.ok()) {
                QString problem;
                if (auto parsed = parse(body, &problem))
                    value = std::move(*parsed);
                else
                    status = unreadable(status.httpStatus, problem);
            }
            if (alive->load())
                deliver(id, what, status, std::any(std::move(value)));
        };
        QMetaObject::invokeMethod(
            &m_worker,
            [worker = &m_worker, settings = m_settings, request = std::move(request),
             finished = std::move(finished)] { worker->send(settings, request, finished); },
            Qt::QueuedConnection);
    }

    static RestStatus unreadable(int httpStatus, const QString& problem)
    {
        RestStatus status{httpStatus,
                          QCoreApplication::translate("concord::backend_clients",
                                                      "unreadable answer from the orchestrator: %1")
                              .arg(problem)};
        status.unreadableBody = true;
        return status;
    }

    // From the network thread: queues the result for the owner's thread. The
    // callbacks themselves never leave that thread.
    void deliver(quint64 id, const QString& what, const RestStatus& status, std::any value)
    {
        QMetaObject::invokeMethod(
            q,
            [this, id, what, status, value = std::move(value), alive = m_alive]() mutable {
                if (!alive->load())
                    return;
                const auto it = m_pending.find(id);
                if (it == m_pending.end())
                    return;
                auto done = std::move(it->second);
                m_pending.erase(it);
                if (!status.ok()) {
                    emit q->requestFailed(what, status);
                    if (!alive->load())
                        return;  // a slot destroyed the client
                }
                done(status, value);
            },
            Qt::QueuedConnection);
    }

    OrchestratorClient* q;
    OrchestratorSettings m_settings;
    // Read on the network thread, cleared by the destructor: no result is
    // queued or delivered once the client is going away.
    std::shared_ptr<std::atomic<bool>> m_alive = std::make_shared<std::atomic<bool>>(true);
    std::map<quint64, std::function<void(const RestStatus&, std::any&)>> m_pending;
    quint64 m_lastId = 0;
    NetworkWorker m_worker;  // destroyed after the thread has stopped
    QThread m_thread;
};

OrchestratorClient::OrchestratorClient(QObject* parent)
    : QObject(parent), d(std::make_unique<Impl>(this))
{
    qRegisterMetaType<RestStatus>();
}

// Impl's destructor aborts and joins before QObject's destructor drops the
// results still queued for this object.
OrchestratorClient::~OrchestratorClient()
{
    d.reset();
}

void OrchestratorClient::setSettings(const OrchestratorSettings& settings)
{
    d->m_settings = settings;
}

OrchestratorSettings OrchestratorClient::settings() const
{
    return d->m_settings;
}

void OrchestratorClient::getOrchestration(const QString& resource, Callback<OrchestrationDto> done)
{
    const QString path = orchestrationPath(resource);
    d->call<OrchestrationDto>({"GET", path, QByteArray(), QStringLiteral("GET ") + path},
                              &parseOrchestration, std::move(done));
}

void OrchestratorClient::orchestrate(const QString& resource,
                                     const OrchestrationParametersDto& parameters,
                                     Callback<OrchestrationDto> done)
{
    const QString path = orchestrationPath(resource) + QStringLiteral("/orchestrate");
    const QJsonObject body{{QStringLiteral("initInstances"), parameters.initInstances},
                           {QStringLiteral("maxInstances"), parameters.maxInstances},
                           {QStringLiteral("resourcePerInstance"), parameters.resourcePerInstance}};
    d->call<OrchestrationDto>({"POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact),
                               QStringLiteral("POST ") + path},
                              &parseOrchestration, std::move(done));
}

void OrchestratorClient::runIn(const QString& resource, const QString& id, Callback<QString> done)
{
    const QString path = orchestrationPath(resource) + QLatin1Char('/') +
                         QString::fromLatin1(QUrl::toPercentEncoding(id)) +
                         QStringLiteral("/instances");
    d->call<QString>({"GET", path, QByteArray(), QStringLiteral("GET ") + path}, &parseRunIn,
                     std::move(done));
}

}  // namespace concord::backend_clients
