#include "api_server.h"

#include <arpa/inet.h>
#include <grpcpp/security/server_credentials.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "api_service.h"
#include "mesh_service.h"
#include "resource_service.h"
#include "server_service.h"
#include "topology_service.h"
#include "update_service.h"

#ifndef CONCORD_VERSION
#define CONCORD_VERSION "0.0.0"
#endif

namespace concord::controller {

using core::ErrorCode;
using core::makeError;

namespace {

constexpr std::size_t kMaxPemBytes = 1 << 20;

core::Result<std::string> readPem(const std::string& path, std::string_view what)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return makeError(ErrorCode::NotFound, std::string("cannot read TLS ") + std::string(what) +
                                                  " '" + path + "': " + std::strerror(errno));
    }
    std::string text(kMaxPemBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxPemBytes || text.find("-----BEGIN ") == std::string::npos) {
        return makeError(ErrorCode::InvalidArgument,
                         "TLS " + std::string(what) + " '" + path + "' is not a PEM file");
    }
    return text;
}

core::Result<std::shared_ptr<grpc::ServerCredentials>> credentials(const TlsFiles& tls)
{
    if (!tls.enabled()) {
        if (!tls.clientCaFile.empty()) {
            return makeError(ErrorCode::InvalidArgument,
                             "a TLS client CA needs a server certificate and key");
        }
        return grpc::InsecureServerCredentials();
    }
    if (tls.certFile.empty() || tls.keyFile.empty()) {
        return makeError(ErrorCode::InvalidArgument, "TLS needs both a certificate and a key");
    }
    auto cert = readPem(tls.certFile, "certificate");
    if (!cert) {
        return cert.error();
    }
    auto key = readPem(tls.keyFile, "key");
    if (!key) {
        return key.error();
    }
    grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    if (!tls.clientCaFile.empty()) {
        auto ca = readPem(tls.clientCaFile, "client CA");
        if (!ca) {
            return ca.error();
        }
        options.pem_root_certs = std::move(*ca);
        options.client_certificate_request =
            GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    options.pem_key_cert_pairs.push_back({std::move(*key), std::move(*cert)});
    return grpc::SslServerCredentials(options);
}

// host:port → host, without brackets; empty when there is no port.
std::string hostOf(std::string_view address)
{
    if (!address.empty() && address.front() == '[') {
        const std::size_t close = address.find(']');
        if (close == std::string_view::npos || close + 1 >= address.size() ||
            address[close + 1] != ':') {
            return {};
        }
        return std::string(address.substr(1, close - 1));
    }
    const std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        return {};
    }
    return std::string(address.substr(0, colon));
}

}  // namespace

bool isLoopbackListenAddress(std::string_view address)
{
    if (address.rfind("unix:", 0) == 0 || address.rfind("unix-abstract:", 0) == 0) {
        return true;
    }
    if (address.rfind("ipv4:", 0) == 0) {
        address.remove_prefix(5);
    } else if (address.rfind("ipv6:", 0) == 0) {
        address.remove_prefix(5);
    }
    const std::string host = hostOf(address);
    if (host == "localhost") {
        return true;
    }
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
        return (ntohl(v4.s_addr) >> 24) == 127;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
        return IN6_IS_ADDR_LOOPBACK(&v6);
    }
    return false;
}

std::string randomUuid()
{
    std::string hex = generateToken();  // 64 random hex digits
    hex[12] = '4';                      // version 4
    hex[16] = "89ab"[hex[16] % 4];      // RFC 4122 variant
    return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
           hex.substr(16, 4) + '-' + hex.substr(20, 12);
}

struct ApiServer::Impl
{
    Impl(UpdateRunner& r, Driver& dr, Journal& j, ApiServerOptions o)
        : runner(r), driver(dr), journal(j), options(std::move(o))
    {}

    UpdateRunner& runner;
    Driver& driver;
    Journal& journal;
    ApiServerOptions options;
    std::string epoch = randomUuid();
    std::shared_ptr<ApiContext> api;
    std::unique_ptr<MeshServiceImpl> mesh;
    std::unique_ptr<TopologyServiceImpl> topology;
    std::unique_ptr<UpdateServiceImpl> updates;
    std::unique_ptr<ServerServiceImpl> server;
    std::unique_ptr<ResourceServiceImpl> resources;
    std::unique_ptr<grpc::Server> grpcServer;
    int port = 0;
    std::string boundAddress;
    bool started = false;
    bool stopped = false;

    std::shared_ptr<ApiContext> makeContext()
    {
        ApiTiming timing;
        timing.meshPoll = options.meshPollInterval;
        timing.updateMinGap = options.updateMinInterval;
        timing.topologyDefault = options.topologyDefaultPeriod;
        timing.pumpTick = options.pumpTick;
        auto context = std::make_shared<ApiContext>(runner, driver, journal, timing);
        context->tokens = options.tokens;
        context->epoch = epoch;
        context->startedAtUnixMs = nowUnixMs();
        context->meshName = options.meshName.empty() ? driver.mesh().name : options.meshName;
        context->serverVersion =
            options.serverVersion.empty() ? CONCORD_VERSION : options.serverVersion;
        context->orchestratorUrl = options.orchestratorUrl;
        context->hub = std::make_shared<StreamHub>(timing.pumpTick);
        context->tracker = std::make_shared<MeshTracker>(driver, runner, epoch);
        return context;
    }
};

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

core::Result<std::unique_ptr<ApiServer>> ApiServer::start(ApiServerOptions options,
                                                          UpdateRunner& runner, Driver& driver,
                                                          Journal& journal)
{
    std::unique_ptr<ApiServer> server(
        new ApiServer(std::make_unique<Impl>(runner, driver, journal, std::move(options))));
    if (auto listening = server->listen(); !listening) {
        return listening.error();
    }
    return server;
}

ApiServer::~ApiServer()
{
    shutdown();
}

core::Status ApiServer::listen()
{
    Impl& d = *m_impl;
    if (d.options.tokens.empty()) {
        return makeError(ErrorCode::InvalidArgument,
                         "no API tokens: every call would be refused (UNAUTHENTICATED)");
    }
    if (!d.options.tls.enabled() && !isLoopbackListenAddress(d.options.listenAddress)) {
        return makeError(ErrorCode::InvalidArgument,
                         "refusing to listen on non-loopback address '" + d.options.listenAddress +
                             "' without TLS: bearer tokens would cross the network in clear; "
                             "give a TLS certificate and key or a loopback address");
    }
    auto creds = credentials(d.options.tls);
    if (!creds) {
        return creds.error();
    }
    d.api = d.makeContext();
    d.mesh = std::make_unique<MeshServiceImpl>(d.api);
    d.topology = std::make_unique<TopologyServiceImpl>(d.api);
    d.updates = std::make_unique<UpdateServiceImpl>(d.api);
    d.server = std::make_unique<ServerServiceImpl>(d.api);
    if (d.options.resources) {
        d.resources = std::make_unique<ResourceServiceImpl>(d.api, d.options.resources);
    }

    grpc::ServerBuilder builder;
    // A second daemon on the same port must fail, not share it.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.AddListeningPort(d.options.listenAddress, *creds, &d.port);
    builder.RegisterService(d.mesh.get());
    builder.RegisterService(d.topology.get());
    builder.RegisterService(d.updates.get());
    builder.RegisterService(d.server.get());
    if (d.resources) {
        builder.RegisterService(d.resources.get());
    }
    d.grpcServer = builder.BuildAndStart();
    if (!d.grpcServer || (d.port == 0 && d.options.listenAddress.rfind("unix", 0) != 0)) {
        if (d.grpcServer) {
            d.grpcServer->Shutdown();
        }
        d.grpcServer.reset();
        d.api.reset();
        return makeError(ErrorCode::Unavailable,
                         "cannot listen on '" + d.options.listenAddress +
                             "' (address in use or invalid, or the TLS certificate/key rejected)");
    }
    const std::string host = hostOf(d.options.listenAddress);
    d.boundAddress = host.find(':') != std::string::npos
                         ? "[" + host + "]:" + std::to_string(d.port)
                         : host + ":" + std::to_string(d.port);
    std::weak_ptr<MeshTracker> tracker = d.api->tracker;
    const auto interval = d.api->timing.meshPoll;
    d.api->hub->setBeforePump([tracker, interval](SteadyClock::time_point now) {
        if (auto t = tracker.lock()) {
            t->refreshIfDue(now, interval);
        }
    });
    d.api->hub->start();
    d.started = true;
    const TlsFiles& tls = d.options.tls;
    d.api->logLine("listening on " + d.boundAddress +
                   (!tls.enabled()             ? " (plaintext)"
                    : tls.clientCaFile.empty() ? " (TLS)"
                                               : " (mTLS)") +
                   ", " + std::to_string(d.options.tokens.size()) + " token(s)");
    return core::okStatus();
}

void ApiServer::shutdown(std::chrono::milliseconds grace)
{
    Impl& d = *m_impl;
    if (!d.started || d.stopped) {
        return;
    }
    d.stopped = true;
    d.api->hub->closeAll(grpc::Status(grpc::StatusCode::UNAVAILABLE, "daemon shutting down"));
    d.grpcServer->Shutdown(std::chrono::system_clock::now() + grace);
    d.grpcServer->Wait();
    // Streams finish asynchronously; give their OnDone a moment before the pump stops.
    const auto deadline = SteadyClock::now() + grace;
    while (d.api->hub->size() > 0 && SteadyClock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    d.api->hub->stop();
    d.api->logLine("stopped");
}

int ApiServer::port() const
{
    return m_impl->port;
}

std::string ApiServer::address() const
{
    return m_impl->boundAddress;
}

const std::string& ApiServer::epoch() const
{
    return m_impl->epoch;
}

std::size_t ApiServer::openStreams() const
{
    return m_impl->api ? m_impl->api->hub->size() : 0;
}

}  // namespace concord::controller
