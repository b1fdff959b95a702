#pragma once

// Shared set-up of the tracemgr tests: a real TraceManagerServer in-process,
// on a Unix socket in a fresh temporary directory and loopback TCP ports, and
// clients built from the same proto subsets Envoy and concordd use.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "concord/v1/tracemgr.grpc.pb.h"
#include "envoy/service/accesslog/v3/als.grpc.pb.h"
#include "envoy/service/auth/v3/external_auth.grpc.pb.h"
#include "tracemanager/tracemgr_server.h"

namespace concord::tracemanager::testing {

// A directory under the system temp dir, removed with everything in it.
class TempDir final
{
public:
    TempDir()
    {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "concord-tracemgr-XXXXXX").string();
        m_path = ::mkdtemp(pattern.data()) ? pattern : std::string();
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

inline TraceManagerOptions testOptions(const TempDir& dir, Mode mode = Mode::Instance)
{
    TraceManagerOptions options;
    options.mode = mode;
    options.authzSocket = dir.path() + "/tracemgr.sock";
    options.controlListen = "127.0.0.1:0";
    options.metricsListen = "";
    return options;
}

// One running sidecar plus stubs for each of its APIs.
class RunningTraceManager final
{
public:
    explicit RunningTraceManager(TraceManagerOptions options)
        : m_server(std::make_unique<TraceManagerServer>(std::move(options)))
    {
        const auto started = m_server->start();
        EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().toString());
        m_authzChannel = grpc::CreateChannel("unix:" + m_server->options().authzSocket,
                                             grpc::InsecureChannelCredentials());
        m_controlChannel =
            grpc::CreateChannel("127.0.0.1:" + std::to_string(m_server->controlPort()),
                                grpc::InsecureChannelCredentials());
    }

    TraceManagerServer& server() { return *m_server; }
    std::unique_ptr<envoy::service::auth::v3::Authorization::Stub> authz() const
    {
        return envoy::service::auth::v3::Authorization::NewStub(m_authzChannel);
    }
    std::unique_ptr<envoy::service::accesslog::v3::AccessLogService::Stub> accessLog() const
    {
        return envoy::service::accesslog::v3::AccessLogService::NewStub(m_authzChannel);
    }
    std::unique_ptr<concord::v1::TraceManagerService::Stub> control() const
    {
        return concord::v1::TraceManagerService::NewStub(m_controlChannel);
    }
    std::shared_ptr<grpc::Channel> authzChannel() const { return m_authzChannel; }

private:
    std::unique_ptr<TraceManagerServer> m_server;
    std::shared_ptr<grpc::Channel> m_authzChannel;
    std::shared_ptr<grpc::Channel> m_controlChannel;
};

// A Check as Envoy's ext_authz filter sends it, headers in the map form.
inline envoy::service::auth::v3::CheckRequest checkRequest(
    std::initializer_list<std::pair<std::string, std::string>> headers)
{
    envoy::service::auth::v3::CheckRequest request;
    auto* http = request.mutable_attributes()->mutable_request()->mutable_http();
    http->set_method("GET");
    http->set_path("/token");
    for (const auto& [key, value] : headers) {
        (*http->mutable_headers())[key] = value;
    }
    return request;
}

}  // namespace concord::tracemanager::testing
