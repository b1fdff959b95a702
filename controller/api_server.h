#pragma once

// The Concord gRPC API server (docs/api.md): MeshService, TopologyService,
// UpdateService and ServerService over an UpdateRunner, a Driver and the
// Journal, and ResourceService over a ResourceStore when given one, with
// bearer-token auth and optional TLS / mTLS.
//
// Without TLS the server only listens on loopback; start() refuses any other
// address. Streams run on gRPC's callback API, fed by one pump thread, so open
// watch streams cost no thread each; shutdown() ends them with UNAVAILABLE.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "auth.h"
#include "core/result.h"

namespace concord::controller {

class Driver;
class Journal;
class ResourceStore;
class UpdateRunner;

// TLS is on when certFile is set (keyFile then required).
struct TlsFiles
{
    std::string certFile;      // PEM server certificate (chain)
    std::string keyFile;       // PEM private key
    std::string clientCaFile;  // PEM CA bundle; set = mTLS: clients must present a cert it signed

    bool enabled() const { return !certFile.empty() || !keyFile.empty(); }
};

struct ApiServerOptions
{
    // host:port; port 0 picks a free port (port() tells which). Without TLS
    // only loopback (127.0.0.0/8, [::1], localhost) or a unix: socket.
    std::string listenAddress = "127.0.0.1:0";
    TlsFiles tls;
    TokenStore tokens;          // at least one
    std::string meshName;       // for GetServerInfo; empty = the driver's mesh name
    std::string serverVersion;  // empty = this build's version
    // GetServerInfo.orchestrator_url: the orchestrator REST API's base URL, or empty.
    std::string orchestratorUrl;
    // Stream pacing (tests shorten them).
    std::chrono::milliseconds meshPollInterval{200};   // WatchMesh diffs the mesh this often
    std::chrono::milliseconds updateMinInterval{100};  // WatchUpdate: at most one message per
    std::chrono::milliseconds topologyDefaultPeriod{1000};
    std::chrono::milliseconds pumpTick{20};  // the stream pump visits every stream this often
    // ResourceService serves this store; null = the service is not registered
    // (UNIMPLEMENTED). Shared: open WatchResources streams keep it alive.
    std::shared_ptr<ResourceStore> resources;
};

// Logs (log.h, component "api") denied calls by token *name* and operator
// actions; never a token.
class ApiServer final
{
public:
    // Binds and starts serving; the runner, driver and journal must outlive the
    // server. Errors: InvalidArgument (non-loopback address without TLS, no
    // tokens, TLS cert without key or the reverse, a TLS file that is not PEM),
    // NotFound (a TLS file cannot be read), Unavailable (cannot bind, or gRPC
    // rejected the TLS material).
    static core::Result<std::unique_ptr<ApiServer>> start(ApiServerOptions options,
                                                          UpdateRunner& runner, Driver& driver,
                                                          Journal& journal);
    ~ApiServer();  // shutdown()
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    // Ends every open stream with UNAVAILABLE, stops accepting calls and waits
    // up to `grace` for calls in progress before cancelling them. Idempotent.
    void shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

    int port() const;                  // the bound port
    std::string address() const;       // host:port actually bound, e.g. "127.0.0.1:41234"
    const std::string& epoch() const;  // WatchMesh epoch of this server (a UUID)
    std::size_t openStreams() const;   // server streams currently open

private:
    struct Impl;
    explicit ApiServer(std::unique_ptr<Impl> impl);
    core::Status listen();

    std::unique_ptr<Impl> m_impl;
};

// True for 127.0.0.0/8, [::1] / ::1, localhost (each with a port) and unix: sockets.
bool isLoopbackListenAddress(std::string_view address);

// A random UUID (version 4), e.g. the WatchMesh epoch.
std::string randomUuid();

}  // namespace concord::controller
