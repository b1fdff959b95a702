#pragma once

// The resource orchestrator's REST API (docs/orchestrator-api.md) over an
// OrchestratorSandbox, on cpp-httplib with its own listener thread and a small
// worker pool. JSON in and out; every error is {"error": "…"}. Bearer tokens
// of the daemon's TokenStore: viewer for GET, operator for POST and DELETE.
//
// Without TLS only loopback addresses are accepted; with the daemon's TLS
// certificate and key it serves HTTPS (and requires client certificates when
// a client CA is given, as the gRPC API does).

#include <memory>
#include <string>

#include "api_server.h"
#include "auth.h"
#include "core/result.h"

namespace concord::controller {

class OrchestratorSandbox;

struct OrchestratorRestOptions
{
    // host:port (IPv6 in brackets); port 0 picks a free port.
    std::string listenAddress = "127.0.0.1:0";
    TlsFiles tls;       // certFile + keyFile: HTTPS
    TokenStore tokens;  // at least one
    int workerThreads = 4;
};

class OrchestratorRestServer final
{
public:
    // Binds and starts serving; the sandbox must outlive the server. Errors:
    // InvalidArgument (a malformed address, a non-loopback address without
    // TLS, no tokens, a cert without a key), Unavailable (cannot bind, or the
    // TLS files are unusable).
    static core::Result<std::unique_ptr<OrchestratorRestServer>> start(
        OrchestratorRestOptions options, OrchestratorSandbox& sandbox);
    ~OrchestratorRestServer();  // stop()
    OrchestratorRestServer(const OrchestratorRestServer&) = delete;
    OrchestratorRestServer& operator=(const OrchestratorRestServer&) = delete;

    // Stops accepting, finishes the requests in progress, joins. Idempotent.
    void stop();

    int port() const;
    std::string address() const;  // host:port bound, e.g. "127.0.0.1:41235"
    std::string url() const;      // "http://127.0.0.1:41235" (https with TLS)

private:
    struct Impl;
    explicit OrchestratorRestServer(std::unique_ptr<Impl> impl);

    std::unique_ptr<Impl> m_impl;
};

}  // namespace concord::controller
