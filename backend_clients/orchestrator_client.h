#pragma once

// The console's client of the resource orchestrator's REST API
// (docs/orchestrator-api.md, DESIGN.md §8), on QtNetwork. Requests run on the
// client's own network thread; results come back on the thread that owns the
// client through queued invocations, never inline, so nothing here blocks the
// GUI thread.

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace concord::backend_clients {

struct OrchestratorSettings
{
    QUrl baseUrl;  // e.g. http://127.0.0.1:41235 (https: TLS)
    std::chrono::milliseconds timeout{10000};  // per request, connect included
    // Sent on every request when set: e.g. "Authorization" = "Bearer <token>",
    // or "Cookie" = "session=…".
    QByteArray credentialHeader;
    QByteArray credentialValue;
    QString caCertificateFile;  // PEM; empty = the system's CAs
};

// The outcome of one request. `httpStatus` 0 means no HTTP answer (timeout,
// refused, TLS failure); `message` is then the network error, else the
// server's "error" (or a description of an unreadable body).
struct RestStatus
{
    int httpStatus = 0;
    QString message;
    // A 2xx whose body is not the documented JSON: not ok(), `message` says why.
    bool unreadableBody = false;

    bool ok() const { return httpStatus >= 200 && httpStatus < 300 && !unreadableBody; }
    QString toString() const;  // "409: an orchestration of thing is already running"
};

struct OrchestrationParametersDto
{
    int initInstances = 10;
    int maxInstances = 100;
    int resourcePerInstance = 1000;
};

struct OrchestratorInstanceDto
{
    QString id;
    int used = 0;
    int count = 0;
    QStringList resources;
    int reloadTimes = 0;
    QDateTime heartbeat;  // UTC
    qint64 heartbeatAgeMs = 0;
    QString podName;
    QString podPhase;  // Pending, Running, Succeeded, Failed, Unknown
    int recreations = 0;
};

struct OrchestrationDto
{
    QString resource;  // "thing", "rule"
    qint64 count = 0;
    QString state;  // NotOrchestrated, Orchestrating, Ready
    int progressReady = 0;
    int progressTotal = 0;
    std::optional<OrchestrationParametersDto> parameters;
    QDateTime lastOrchestratedAt;  // invalid when never
    QList<OrchestratorInstanceDto> instances;
    QString message;  // set on the answer of orchestrate()
};

// Parses the JSON of GET /v1/api/orchestrations/:resource (also the body
// orchestrate() answers with). Error: a message naming what is missing or of
// the wrong type.
std::optional<OrchestrationDto> parseOrchestration(const QByteArray& json, QString* error);

class OrchestratorClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrchestratorClient)

public:
    template <class T>
    using Callback = std::function<void(const RestStatus&, const T&)>;

    explicit OrchestratorClient(QObject* parent = nullptr);
    ~OrchestratorClient() override;  // aborts requests in flight, joins the network thread

    void setSettings(const OrchestratorSettings& settings);
    OrchestratorSettings settings() const;

    // The callbacks run on this object's thread, never inline.
    void getOrchestration(const QString& resource, Callback<OrchestrationDto> done);
    void orchestrate(const QString& resource, const OrchestrationParametersDto& parameters,
                     Callback<OrchestrationDto> done);
    // Which instance runs resource `id`.
    void runIn(const QString& resource, const QString& id, Callback<QString> done);

signals:
    // Any request that failed, for the event log.
    void requestFailed(const QString& what, const concord::backend_clients::RestStatus& status);

private:
    class Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace concord::backend_clients

Q_DECLARE_METATYPE(concord::backend_clients::RestStatus)
