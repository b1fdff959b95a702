#pragma once

// The whole API stack over real gRPC on loopback: the example topology in a
// SandboxDriver, a real UpdateRunner with a journal in a temporary directory,
// and an ApiServer with an operator and a viewer token.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "concord/v1/mesh.grpc.pb.h"
#include "concord/v1/server.grpc.pb.h"
#include "concord/v1/topology.grpc.pb.h"
#include "concord/v1/update.grpc.pb.h"
#include "controller/api_server.h"
#include "controller/journal.h"
#include "controller/sandbox_driver.h"
#include "controller/update_runner.h"
#include "sandbox/topology.h"

namespace concord::controller::testing {

inline constexpr const char* kOperatorToken = "op-0123456789abcdef-operator";
inline constexpr const char* kViewerToken = "view-0123456789abcdef-viewer";

inline TokenStore testTokens()
{
    TokenStore tokens;
    EXPECT_TRUE(tokens.add({kOperatorToken, "alice", Role::Operator}).ok());
    EXPECT_TRUE(tokens.add({kViewerToken, "bob", Role::Viewer}).ok());
    return tokens;
}

inline ApiServerOptions fastOptions()
{
    ApiServerOptions options;
    options.tokens = testTokens();
    options.meshPollInterval = std::chrono::milliseconds(50);
    options.topologyDefaultPeriod = std::chrono::milliseconds(200);
    return options;
}

// Polls `done` until it holds or `wallMs` passed.
inline bool waitUntil(const std::function<bool()>& done, int wallMs)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wallMs);
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

// Threads of this process (/proc/self/task).
inline std::size_t threadCount()
{
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/task")) {
        ++n;
    }
    return n;
}

class ApiStack
{
public:
    // arrivalMs > 0 overrides the example's mean interval between root requests (25 ms).
    explicit ApiStack(ApiServerOptions options = fastOptions(), double speed = 20,
                      double arrivalMs = 0)
    {
        m_dir = std::filesystem::temp_directory_path() /
                ("concord-api-" + std::to_string(::getpid()) + "-" + std::to_string(s_counter++));
        std::filesystem::create_directories(m_dir);
        auto journal = Journal::open((m_dir / "journal.db").string());
        EXPECT_TRUE(journal.ok()) << (journal ? "" : journal.error().toString());
        m_journal = std::move(*journal);
        auto topology = sandbox::loadTopologyFile(CONCORD_TOPOLOGY_DIR "/example.yaml");
        EXPECT_TRUE(topology.ok());
        SandboxDriverOptions driverOptions;
        driverOptions.topology = std::move(*topology);
        driverOptions.seed = 7;
        driverOptions.speed = speed;
        driverOptions.meanArrivalIntervalMs = arrivalMs;
        m_driver = std::make_unique<SandboxDriver>(std::move(driverOptions));
        m_runner = std::make_unique<UpdateRunner>(*m_driver, *m_journal);
        m_driver->startTraffic();
        m_runner->start();
        auto server = ApiServer::start(std::move(options), *m_runner, *m_driver, *m_journal);
        EXPECT_TRUE(server.ok()) << (server ? "" : server.error().toString());
        if (server) {
            m_server = std::move(*server);
            m_channel =
                grpc::CreateChannel(m_server->address(), grpc::InsecureChannelCredentials());
        }
    }

    ~ApiStack()
    {
        m_server.reset();
        m_runner->stop();
        m_driver->stop();
        m_runner.reset();
        m_driver.reset();
        m_journal.reset();
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }

    ApiServer& server() { return *m_server; }
    UpdateRunner& runner() { return *m_runner; }
    SandboxDriver& driver() { return *m_driver; }
    Journal& journal() { return *m_journal; }
    bool ok() const { return m_server != nullptr; }
    std::shared_ptr<grpc::Channel> channel() const { return m_channel; }

    auto mesh() const { return v1::MeshService::NewStub(m_channel); }
    auto topology() const { return v1::TopologyService::NewStub(m_channel); }
    auto updates() const { return v1::UpdateService::NewStub(m_channel); }
    auto info() const { return v1::ServerService::NewStub(m_channel); }

    static std::unique_ptr<grpc::ClientContext> context(const char* token = kOperatorToken,
                                                        int deadlineMs = 10000)
    {
        auto ctx = std::make_unique<grpc::ClientContext>();
        if (token != nullptr) {
            ctx->AddMetadata("authorization", std::string("Bearer ") + token);
        }
        ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadlineMs));
        return ctx;
    }

private:
    static inline int s_counter = 0;
    std::filesystem::path m_dir;
    std::unique_ptr<Journal> m_journal;
    std::unique_ptr<SandboxDriver> m_driver;
    std::unique_ptr<UpdateRunner> m_runner;
    std::unique_ptr<ApiServer> m_server;
    std::shared_ptr<grpc::Channel> m_channel;
};

}  // namespace concord::controller::testing
