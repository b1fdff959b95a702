#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "authz_policy.h"
#include "envoy/service/auth/v3/external_auth.grpc.pb.h"

namespace concord::tracemanager {

// The headers of one Check: Envoy sends `headers` (a map, lower-case keys,
// repeats merged with commas) or, with encode_raw_headers, `header_map` (a
// list, values in raw_value). The lookup reads both; `http` must outlive it.
HeaderLookup checkRequestHeaders(
    const envoy::service::auth::v3::AttributeContext::HttpRequest& http);

// Fills the response of one Check; runs on an AuthzService thread.
using CheckHandler = std::function<void(const envoy::service::auth::v3::CheckRequest& request,
                                        envoy::service::auth::v3::CheckResponse& response)>;

// The instance decision: AuthzPolicy, answering 503 with a body when it blocks.
CheckHandler policyCheckHandler(AuthzPolicy& policy);
// Allows everything and reads nothing: the baseline the Check benchmark
// measures the real handler against, on the same server machinery.
CheckHandler emptyCheckHandler();

// envoy.service.auth.v3.Authorization/Check on gRPC's completion-queue API,
// served by a fixed set of threads. Measured on 2 cores, this serves
// ~1.3–1.5× the Checks per second of the callback API (docs/benchmarks.md):
// the handler is a few hundred nanoseconds, so gRPC's own per-call cost is
// what a sidecar on the request path has to keep small.
class AuthzService final
{
public:
    explicit AuthzService(CheckHandler handler);
    ~AuthzService();
    AuthzService(const AuthzService&) = delete;
    AuthzService& operator=(const AuthzService&) = delete;

    // Before BuildAndStart: registers the service and its completion queues.
    void registerWith(grpc::ServerBuilder& builder, int threads);
    // After BuildAndStart: starts the threads.
    void start();
    // After the server's Shutdown(): drains the queues and joins the threads.
    void stop();

private:
    class Call;

    envoy::service::auth::v3::Authorization::AsyncService m_service;
    CheckHandler m_handler;
    std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> m_queues;
    std::vector<std::thread> m_threads;
    bool m_started = false;
};

}  // namespace concord::tracemanager
