#include "orchestrator_rest_server.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>
#include <vector>

#include "core/orchestrate_request.h"
#include "log.h"
#include "orchestrator_sandbox.h"

namespace concord::controller {

namespace {

using Json = nlohmann::ordered_json;  // fields in the order docs/orchestrator-api.md shows
constexpr std::string_view kLog = "orchestrator-api";
constexpr const char* kJsonType = "application/json";
// A body over the limit is still read (and dropped) up to this, so the client,
// which sends its whole body before it reads, gets the 413 instead of a reset.
constexpr std::size_t kMaxDrainBytes = 64u << 20;

struct Reply
{
    int status = 200;
    Json body;
};

Reply errorReply(int status, std::string message)
{
    return Reply{status, Json{{"error", std::move(message)}}};
}

int httpStatus(core::ErrorCode code)
{
    switch (code) {
        case core::ErrorCode::InvalidArgument:
            return 400;
        case core::ErrorCode::NotFound:
            return 404;
        case core::ErrorCode::AlreadyExists:
        case core::ErrorCode::FailedPrecondition:
            return 409;
        case core::ErrorCode::Unavailable:
            return 503;
        default:
            return 500;
    }
}

Reply errorReply(const core::Error& error)
{
    return errorReply(httpStatus(error.code), error.message);
}

// RFC 3339 UTC with milliseconds: "2026-12-02T10:15:30.123Z".
std::string rfc3339(std::int64_t unixMs)
{
    const std::int64_t seconds = unixMs >= 0 ? unixMs / 1000 : -((-unixMs + 999) / 1000);
    const auto millis = static_cast<int>(unixMs - seconds * 1000);
    const std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return text;
}

Json parametersJson(const core::OrchestrationParameters& p)
{
    return Json{{"initInstances", p.initInstances},
                {"maxInstances", p.maxInstances},
                {"resourcePerInstance", p.resourcePerInstance}};
}

Json instanceJson(const core::OrchestratorInstance& i, const OrchestratorSandbox& sandbox,
                  double nowMs)
{
    return Json{
        {"id", i.id},
        {"used", i.resources.size()},
        {"count", i.capacity},
        {"resources", i.resources},
        {"reloadTimes", i.reloadTimes},
        {"heartbeat", rfc3339(sandbox.toUnixMs(i.lastHeartbeatMs))},
        {"heartbeatAgeMs", std::max<std::int64_t>(0, std::llround(nowMs - i.lastHeartbeatMs))},
        {"podName", i.podName},
        {"podPhase", core::toString(i.podPhase)},
        {"recreations", i.recreations}};
}

Json snapshotJson(const OrchestrationSnapshot& s, const OrchestratorSandbox& sandbox)
{
    Json instances = Json::array();
    for (const auto& instance : s.instances)
        instances.push_back(instanceJson(instance, sandbox, s.nowMs));
    return Json{{"resource", s.resource},
                {"count", s.count},
                {"state", toString(s.state)},
                {"progress", Json{{"ready", s.ready}, {"total", s.total}}},
                {"parameters", s.parameters ? parametersJson(*s.parameters) : Json(nullptr)},
                {"lastOrchestratedAt", s.lastOrchestratedMs
                                           ? Json(rfc3339(sandbox.toUnixMs(*s.lastOrchestratedMs)))
                                           : Json(nullptr)},
                {"instances", std::move(instances)}};
}

std::string dumpJson(const Json& json)
{
    // Ids and messages echo the request; never throw on invalid UTF-8.
    return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// "host:port" split; IPv6 hosts come in brackets. nullopt when malformed.
std::optional<std::pair<std::string, int>> splitHostPort(const std::string& address)
{
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0)
        return std::nullopt;
    std::string host = address.substr(0, colon);
    if (host.front() == '[') {
        if (host.size() < 3 || host.back() != ']')
            return std::nullopt;
        host = host.substr(1, host.size() - 2);
    }
    int port = -1;
    const char* begin = address.data() + colon + 1;
    const char* end = address.data() + address.size();
    const auto [ptr, ec] = std::from_chars(begin, end, port);
    if (ec != std::errc() || ptr != end || begin == end || port < 0 || port > 65535)
        return std::nullopt;
    return std::make_pair(host, port);
}

bool isJsonContentType(const std::string& header)
{
    std::string type = header.substr(0, header.find(';'));
    type.erase(
        std::remove_if(type.begin(), type.end(), [](char c) { return c == ' ' || c == '\t'; }),
        type.end());
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return type == kJsonType;
}

enum class BodyRead
{
    Ok,
    TooLarge,
    Failed,
};

// The body through httplib's content reader: its own limit covers a
// Content-Length over kMaxRequestBodyBytes (413, skipped unread), this one
// chunked bodies, which httplib would buffer whole.
BodyRead readBody(const httplib::Request& request, const httplib::ContentReader& reader,
                  const httplib::Response& response, std::string& body)
{
    // Neither length nor chunks: no body (RFC 9112 §6.3); httplib would read
    // until the connection closes.
    if (!request.has_header("Content-Length") && !request.has_header("Transfer-Encoding"))
        return BodyRead::Ok;
    std::size_t total = 0;
    const bool read = reader([&](const char* data, std::size_t length) {
        total += length;
        if (total <= core::kMaxRequestBodyBytes)
            body.append(data, length);
        return total <= kMaxDrainBytes;
    });
    if (total > core::kMaxRequestBodyBytes || response.status == 413)
        return BodyRead::TooLarge;
    return read ? BodyRead::Ok : BodyRead::Failed;
}

std::string tooLargeMessage()
{
    return "the request body is larger than " + std::to_string(core::kMaxRequestBodyBytes) +
           " bytes (1 MiB)";
}

std::optional<core::PodPhase> endedPhase(const Json& value)
{
    if (!value.is_string())
        return std::nullopt;
    for (const auto phase :
         {core::PodPhase::Failed, core::PodPhase::Succeeded, core::PodPhase::Unknown}) {
        if (value.get<std::string>() == core::toString(phase))
            return phase;
    }
    return std::nullopt;
}

}  // namespace

struct OrchestratorRestServer::Impl
{
    Impl(OrchestratorRestOptions o, OrchestratorSandbox& s) : options(std::move(o)), sandbox(s) {}

    OrchestratorRestOptions options;
    OrchestratorSandbox& sandbox;
    std::unique_ptr<httplib::Server> server;
    std::thread listener;
    std::string host;
    int port = 0;
    bool stopped = false;

    // A request as the handlers see it: httplib's, with the body read here.
    struct Call
    {
        const httplib::Request& http;
        const std::string& body;
        std::string match(int n) const { return http.matches[n].str(); }
    };
    using Handler = std::function<Reply(const Call&, const Caller&)>;
    struct Route
    {
        std::string pattern;
        std::vector<std::pair<std::string, Handler>> methods;  // method → handler
    };
    std::vector<Route> routeTable;  // httplib's handlers point into it

    core::Status listen();
    void installRoutes();
    void installErrorHandlers();
    void serve(const Route& route, const Call& call, httplib::Response& response);
    void serveWithBody(const Route* route, const httplib::Request& request,
                       httplib::Response& response, const httplib::ContentReader& reader);
    std::optional<Reply> authorize(const httplib::Request& request, Caller& caller) const;
    std::optional<Reply> requireJsonBody(const httplib::Request& request) const;

    Reply getOrchestration(const Call& call, const Caller&);
    Reply orchestrate(const Call& call, const Caller& caller);
    Reply runIn(const Call& call, const Caller&);
    Reply addResource(const Call& call, const Caller& caller);
    Reply removeResource(const Call& call, const Caller& caller);
    Reply failPod(const Call& call, const Caller& caller);
    Reply silencePod(const Call& call, const Caller& caller);
    Reply instanceReply(const std::string& type, const std::string& instanceId);
};

std::optional<Reply> OrchestratorRestServer::Impl::authorize(const httplib::Request& request,
                                                             Caller& caller) const
{
    if (!request.has_header("Authorization"))
        return errorReply(401, "missing bearer token (Authorization: Bearer <token>)");
    const std::string header = request.get_header_value("Authorization");
    const auto secret = bearerToken(header);
    if (!secret)
        return errorReply(401, "the Authorization header must be 'Bearer <token>'");
    const auto found = options.tokens.find(*secret);
    if (!found)
        return errorReply(401, "unknown token");
    const Role needed =
        request.method == "GET" || request.method == "HEAD" ? Role::Viewer : Role::Operator;
    if (needed == Role::Operator && found->role != Role::Operator) {
        logInfo(kLog, "denied " + request.method + " " + request.path + " to token '" +
                          found->name + "' (viewer)");
        return errorReply(403, "token '" + found->name + "' has the viewer role; " +
                                   request.method + " needs operator");
    }
    caller = *found;
    return std::nullopt;
}

std::optional<Reply> OrchestratorRestServer::Impl::requireJsonBody(
    const httplib::Request& request) const
{
    if (request.has_header("Content-Type") &&
        !isJsonContentType(request.get_header_value("Content-Type")))
        return errorReply(
            415, "Content-Type must be application/json, got '" +
                     core::truncateUtf8(request.get_header_value("Content-Type"), 60) + "'");
    return std::nullopt;
}

void OrchestratorRestServer::Impl::serve(const Route& route, const Call& call,
                                         httplib::Response& response)
{
    const httplib::Request& request = call.http;
    Reply reply;
    try {
        // httplib answers HEAD with the GET handler (and drops the body).
        const std::string method = request.method == "HEAD" ? "GET" : request.method;
        const auto it = std::find_if(route.methods.begin(), route.methods.end(),
                                     [&](const auto& m) { return m.first == method; });
        Caller caller;
        if (it == route.methods.end()) {
            std::string allowed;
            for (const auto& [name, handler] : route.methods)
                allowed += (allowed.empty() ? "" : ", ") + name;
            response.set_header("Allow", allowed);
            reply = errorReply(405, "method " + request.method +
                                        " is not allowed here (allowed: " + allowed + ")");
        } else if (auto denied = authorize(request, caller)) {
            reply = std::move(*denied);
            if (reply.status == 401)
                response.set_header("WWW-Authenticate", "Bearer");
        } else {
            reply = it->second(call, caller);
        }
    } catch (const std::exception& e) {
        logError(kLog, request.method + " " + request.path + ": " + e.what());
        reply = errorReply(500, std::string("internal error: ") + e.what());
    }
    response.status = reply.status;
    response.set_content(dumpJson(reply.body), kJsonType);
}

Reply OrchestratorRestServer::Impl::getOrchestration(const Call& call, const Caller&)
{
    auto snapshot = sandbox.snapshot(call.match(1));
    if (!snapshot.ok())
        return errorReply(snapshot.error());
    return Reply{200, snapshotJson(*snapshot, sandbox)};
}

Reply OrchestratorRestServer::Impl::orchestrate(const Call& call, const Caller& caller)
{
    const std::string type = call.match(1);
    if (auto known = OrchestratorSandbox::checkType(type); !known.ok())
        return errorReply(known.error());  // an unknown type before a bad body
    if (auto bad = requireJsonBody(call.http))
        return *bad;
    const auto parameters = core::parseOrchestrateRequest(call.body);
    if (!parameters.ok())
        return errorReply(400, parameters.error().message);
    auto done = sandbox.orchestrate(type, *parameters);
    if (!done.ok())
        return errorReply(done.error());
    Json body = snapshotJson(*done, sandbox);
    body["message"] = "orchestrated " + std::to_string(done->count) + " " + type + "s over " +
                      std::to_string(done->total) + " instances";
    logInfo(kLog, "orchestration of " + type + " requested by '" + caller.name + "'");
    return Reply{200, std::move(body)};
}

Reply OrchestratorRestServer::Impl::runIn(const Call& call, const Caller&)
{
    auto instance = sandbox.runIn(call.match(1), call.match(2));
    if (!instance.ok())
        return errorReply(instance.error());
    return Reply{200, Json{{"runIn", *instance}}};
}

Reply OrchestratorRestServer::Impl::addResource(const Call& call, const Caller& caller)
{
    const std::string type = call.match(1);
    if (auto known = OrchestratorSandbox::checkType(type); !known.ok())
        return errorReply(known.error());
    if (auto bad = requireJsonBody(call.http))
        return *bad;
    const auto body = core::parseJsonObject(call.body, {"id"});
    if (!body.ok())
        return errorReply(400, body.error().message);
    const auto id = body->find("id");
    if (id == body->end())
        return errorReply(400, "id is required");
    if (!id->is_string())
        return errorReply(400, "id must be a string, got " + core::describeJsonValue(*id));
    auto placed = sandbox.addResource(type, id->get<std::string>());
    if (!placed.ok())
        return errorReply(placed.error());
    logInfo(kLog, type + " '" + id->get<std::string>() + "' added by '" + caller.name + "'");
    return Reply{201, Json{{"id", id->get<std::string>()},
                           {"runIn", placed->empty() ? Json(nullptr) : Json(*placed)}}};
}

Reply OrchestratorRestServer::Impl::removeResource(const Call& call, const Caller& caller)
{
    const std::string type = call.match(1);
    const std::string id = call.match(2);
    auto removed = sandbox.removeResource(type, id);
    if (!removed.ok())
        return errorReply(removed.error());
    logInfo(kLog, type + " '" + id + "' removed by '" + caller.name + "'");
    return Reply{
        200, Json{{"id", id}, {"removedFrom", removed->empty() ? Json(nullptr) : Json(*removed)}}};
}

Reply OrchestratorRestServer::Impl::instanceReply(const std::string& type,
                                                  const std::string& instanceId)
{
    auto snapshot = sandbox.snapshot(type);
    if (!snapshot.ok())
        return errorReply(snapshot.error());
    for (const auto& instance : snapshot->instances) {
        if (instance.id == instanceId)
            return Reply{200, instanceJson(instance, sandbox, snapshot->nowMs)};
    }
    return errorReply(404, "unknown instance '" + instanceId + "' of " + type);
}

Reply OrchestratorRestServer::Impl::failPod(const Call& call, const Caller& caller)
{
    const std::string type = call.match(1);
    const std::string instance = call.match(2);
    if (auto known = OrchestratorSandbox::checkType(type); !known.ok())
        return errorReply(known.error());
    if (auto bad = requireJsonBody(call.http))
        return *bad;
    const auto body = core::parseJsonObject(call.body, {"phase"});
    if (!body.ok())
        return errorReply(400, body.error().message);
    const auto phase = body->find("phase");
    if (phase == body->end())
        return errorReply(400, "phase is required");
    const auto ended = endedPhase(*phase);
    if (!ended)
        return errorReply(400, "phase must be one of Failed, Succeeded, Unknown, got " +
                                   core::describeJsonValue(*phase));
    if (auto set = sandbox.setPodPhase(type, instance, *ended); !set.ok())
        return errorReply(set.error());
    logInfo(kLog, "pod of " + instance + " set " + std::string(core::toString(*ended)) + " by '" +
                      caller.name + "'");
    return instanceReply(type, instance);
}

Reply OrchestratorRestServer::Impl::silencePod(const Call& call, const Caller& caller)
{
    const std::string type = call.match(1);
    const std::string instance = call.match(2);
    if (auto known = OrchestratorSandbox::checkType(type); !known.ok())
        return errorReply(known.error());
    // No body, or an empty JSON object.
    if (!call.body.empty()) {
        if (auto bad = requireJsonBody(call.http))
            return *bad;
        if (const auto body = core::parseJsonObject(call.body, {}); !body.ok())
            return errorReply(400, body.error().message);
    }
    if (auto silenced = sandbox.silenceInstance(type, instance); !silenced.ok())
        return errorReply(silenced.error());
    logInfo(kLog, "pod of " + instance + " silenced by '" + caller.name + "'");
    return instanceReply(type, instance);
}

// Reads the body (see readBody), then serves the route; no route: 404.
void OrchestratorRestServer::Impl::serveWithBody(const Route* route,
                                                 const httplib::Request& request,
                                                 httplib::Response& response,
                                                 const httplib::ContentReader& reader)
{
    std::string body;
    switch (readBody(request, reader, response, body)) {
        case BodyRead::TooLarge:
            response.set_header("Connection", "close");
            response.status = 413;
            response.set_content(dumpJson(Json{{"error", tooLargeMessage()}}), kJsonType);
            return;
        case BodyRead::Failed:
            response.status = 400;
            response.set_content(dumpJson(Json{{"error", "cannot read the request body"}}),
                                 kJsonType);
            return;
        case BodyRead::Ok:
            break;
    }
    if (!route) {
        response.status = 404;
        response.set_content(dumpJson(Json{{"error", "no such endpoint: " + request.method + " " +
                                                         core::truncateUtf8(request.path, 200)}}),
                             kJsonType);
        return;
    }
    serve(*route, Call{request, body}, response);
}

void OrchestratorRestServer::Impl::installRoutes()
{
    using std::placeholders::_1;
    using std::placeholders::_2;
    const auto bind = [this](Reply (Impl::*handler)(const Call&, const Caller&)) {
        return Handler(std::bind(handler, this, _1, _2));
    };
    const std::string kType = "([^/]+)";
    const std::vector<Route> routes = {
        {"/v1/api/orchestrations/" + kType, {{"GET", bind(&Impl::getOrchestration)}}},
        {"/v1/api/orchestrations/" + kType + "/orchestrate", {{"POST", bind(&Impl::orchestrate)}}},
        {"/v1/api/orchestrations/" + kType + "/([^/]+)/instances", {{"GET", bind(&Impl::runIn)}}},
        {"/v1/sandbox/" + kType, {{"POST", bind(&Impl::addResource)}}},
        {"/v1/sandbox/" + kType + "/([^/]+)", {{"DELETE", bind(&Impl::removeResource)}}},
        {"/v1/sandbox/" + kType + "/instances/([^/]+)/fail", {{"POST", bind(&Impl::failPod)}}},
        {"/v1/sandbox/" + kType + "/instances/([^/]+)/silence",
         {{"POST", bind(&Impl::silencePod)}}},
    };
    // Every method reaches serve(), which answers 405 for the ones a path
    // lacks. Methods with a body read it through serveWithBody(), and so does
    // the catch-all after the routes: httplib alone would buffer a chunked
    // body of any size before it answers 404.
    routeTable = routes;
    for (const Route& route : routeTable) {
        const Route* r = &route;
        server->Get(route.pattern, [this, r](const httplib::Request& req, httplib::Response& res) {
            serve(*r, Call{req, req.body}, res);
        });
        const auto withBody = [this, r](const httplib::Request& req, httplib::Response& res,
                                        const httplib::ContentReader& reader) {
            serveWithBody(r, req, res, reader);
        };
        server->Post(route.pattern, withBody);
        server->Put(route.pattern, withBody);
        server->Patch(route.pattern, withBody);
        server->Delete(route.pattern, withBody);
    }
    const auto noRoute = [this](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader) {
        serveWithBody(nullptr, req, res, reader);
    };
    server->Post(".*", noRoute);
    server->Put(".*", noRoute);
    server->Patch(".*", noRoute);
    server->Delete(".*", noRoute);
}

// httplib's own answers (no route, a body over the limit, a bad request
// line) get a JSON error too.
void OrchestratorRestServer::Impl::installErrorHandlers()
{
    const httplib::Server::HandlerWithResponse handler = [](const httplib::Request& req,
                                                            httplib::Response& res) {
        if (!res.body.empty())
            return httplib::Server::HandlerResponse::Unhandled;
        std::string message;
        if (res.status == 404)
            message = "no such endpoint: " + req.method + " " + core::truncateUtf8(req.path, 200);
        else if (res.status == 413)
            message = tooLargeMessage();
        else
            message = "HTTP " + std::to_string(res.status);
        res.set_content(dumpJson(Json{{"error", message}}), kJsonType);
        return httplib::Server::HandlerResponse::Handled;
    };
    server->set_error_handler(handler);
}

core::Status OrchestratorRestServer::Impl::listen()
{
    const auto hostPort = splitHostPort(options.listenAddress);
    if (!hostPort)
        return core::makeError(
            core::ErrorCode::InvalidArgument,
            "orchestrator address must be HOST:PORT, got '" + options.listenAddress + "'");
    if (!options.tls.enabled() && !isLoopbackListenAddress(options.listenAddress))
        return core::makeError(
            core::ErrorCode::InvalidArgument,
            "refusing to serve the orchestrator API on " + options.listenAddress + " without TLS");
    if (options.tokens.empty())
        return core::makeError(core::ErrorCode::InvalidArgument, "no tokens");
    if (options.tls.enabled() && (options.tls.certFile.empty() || options.tls.keyFile.empty()))
        return core::makeError(core::ErrorCode::InvalidArgument,
                               "TLS needs both a certificate and a key");
    if (options.tls.enabled()) {
        const std::string& ca = options.tls.clientCaFile;
        server = std::make_unique<httplib::SSLServer>(options.tls.certFile.c_str(),
                                                      options.tls.keyFile.c_str(),
                                                      ca.empty() ? nullptr : ca.c_str());
    } else {
        server = std::make_unique<httplib::Server>();
    }
    if (!server->is_valid())
        return core::makeError(core::ErrorCode::Unavailable,
                               "the TLS certificate, key or client CA cannot be used");
    const int threads = std::max(1, options.workerThreads);
    server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server->set_payload_max_length(core::kMaxRequestBodyBytes);
    installRoutes();
    installErrorHandlers();
    host = hostPort->first;
    port = hostPort->second == 0
               ? server->bind_to_any_port(host)
               : (server->bind_to_port(host, hostPort->second) ? hostPort->second : -1);
    if (port <= 0)
        return core::makeError(core::ErrorCode::Unavailable,
                               "cannot bind the orchestrator API to " + options.listenAddress);
    listener = std::thread([this] { server->listen_after_bind(); });
    // httplib's stop() does nothing until the listener runs: wait for it, so
    // an early stop() cannot leave the thread serving.
    while (!server->is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return core::okStatus();
}

core::Result<std::unique_ptr<OrchestratorRestServer>> OrchestratorRestServer::start(
    OrchestratorRestOptions options, OrchestratorSandbox& sandbox)
{
    auto impl = std::make_unique<Impl>(std::move(options), sandbox);
    if (auto listening = impl->listen(); !listening.ok())
        return listening.error();
    return std::unique_ptr<OrchestratorRestServer>(new OrchestratorRestServer(std::move(impl)));
}

OrchestratorRestServer::OrchestratorRestServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl))
{}

OrchestratorRestServer::~OrchestratorRestServer()
{
    stop();
}

void OrchestratorRestServer::stop()
{
    if (m_impl->stopped)
        return;
    m_impl->stopped = true;
    m_impl->server->stop();
    if (m_impl->listener.joinable())
        m_impl->listener.join();
}

int OrchestratorRestServer::port() const
{
    return m_impl->port;
}

std::string OrchestratorRestServer::address() const
{
    const bool v6 = m_impl->host.find(':') != std::string::npos;
    return (v6 ? "[" + m_impl->host + "]" : m_impl->host) + ":" + std::to_string(m_impl->port);
}

std::string OrchestratorRestServer::url() const
{
    return std::string(m_impl->options.tls.enabled() ? "https://" : "http://") + address();
}

}  // namespace concord::controller
