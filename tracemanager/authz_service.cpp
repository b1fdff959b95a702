#include "authz_service.h"

#include <algorithm>

#include "header_name.h"
#include "tracemgr_log.h"

namespace concord::tracemanager {

namespace {

namespace auth = envoy::service::auth::v3;

// Calls waiting for a request on each queue: enough that a burst of Envoy
// workers never waits for the next RequestCheck to be posted.
constexpr int kPendingCallsPerQueue = 32;

void deny503(const auth::AttributeContext::HttpRequest& http, auth::CheckResponse& response)
{
    logEvent(LogLevel::Debug, "blocked",
             {{"request_id", http.id()},
              {"method", http.method()},
              {"host", http.host()},
              {"path", http.path()}});
    response.mutable_status()->set_code(grpc::StatusCode::UNAVAILABLE);
    response.mutable_status()->set_message("blocked: old version, request carries no pin");
    auto* denied = response.mutable_denied_response();
    denied->mutable_status()->set_code(envoy::type::v3::ServiceUnavailable);
    auto* header = denied->add_headers()->mutable_header();
    header->set_key("x-concord-blocked");
    header->set_value("old-version");
    denied->set_body("concord-tracemgr: this version is being retired; retry\n");
}

void allow(auth::CheckResponse& response)
{
    response.mutable_status()->set_code(grpc::StatusCode::OK);
    response.mutable_ok_response();
}

}  // namespace

HeaderLookup checkRequestHeaders(const auth::AttributeContext::HttpRequest& http)
{
    return [&http](std::string_view name, const std::function<void(std::string_view)>& onValue) {
        if (const auto it = http.headers().find(std::string(name)); it != http.headers().end()) {
            onValue(it->second);
        }
        for (const auto& header : http.header_map().headers()) {
            if (headerNamesEqual(header.key(), name)) {
                onValue(header.raw_value().empty() ? header.value() : header.raw_value());
            }
        }
    };
}

CheckHandler policyCheckHandler(AuthzPolicy& policy)
{
    return [&policy](const auth::CheckRequest& request, auth::CheckResponse& response) {
        const auto& http = request.attributes().request().http();
        if (policy.decide(checkRequestHeaders(http)) == AuthzPolicy::Verdict::Block) {
            deny503(http, response);
        } else {
            allow(response);
        }
    };
}

CheckHandler emptyCheckHandler()
{
    return [](const auth::CheckRequest&, auth::CheckResponse& response) { allow(response); };
}

// One Check: posted as a pending request, answered, then deleted. The tag
// passed to gRPC is the Call itself; `m_answered` tells the two events apart.
class AuthzService::Call final
{
public:
    Call(AuthzService& owner, grpc::ServerCompletionQueue& queue)
        : m_owner(owner), m_queue(queue), m_writer(&m_context)
    {
        m_owner.m_service.RequestCheck(&m_context, &m_request, &m_writer, &m_queue, &m_queue, this);
    }

    // `ok` false: the server is shutting down (no request came) — or the
    // answer could not be sent. Either way the call is over.
    void proceed(bool ok)
    {
        if (!ok || m_answered) {
            delete this;
            return;
        }
        new Call(m_owner, m_queue);  // the next request's slot, before this one's work
        m_owner.m_handler(m_request, m_response);
        m_answered = true;
        m_writer.Finish(m_response, grpc::Status::OK, this);
    }

private:
    AuthzService& m_owner;
    grpc::ServerCompletionQueue& m_queue;
    grpc::ServerContext m_context;
    auth::CheckRequest m_request;
    auth::CheckResponse m_response;
    grpc::ServerAsyncResponseWriter<auth::CheckResponse> m_writer;
    bool m_answered = false;
};

AuthzService::AuthzService(CheckHandler handler) : m_handler(std::move(handler)) {}

AuthzService::~AuthzService()
{
    stop();
}

void AuthzService::registerWith(grpc::ServerBuilder& builder, int threads)
{
    builder.RegisterService(&m_service);
    for (int i = 0; i < std::max(1, threads); ++i) {
        m_queues.push_back(builder.AddCompletionQueue());
    }
}

void AuthzService::start()
{
    m_started = true;
    for (const auto& queue : m_queues) {
        grpc::ServerCompletionQueue* q = queue.get();
        for (int i = 0; i < kPendingCallsPerQueue; ++i) {
            new Call(*this, *q);
        }
        m_threads.emplace_back([q] {
            void* tag = nullptr;
            bool ok = false;
            while (q->Next(&tag, &ok)) {
                static_cast<Call*>(tag)->proceed(ok);
            }
        });
    }
}

void AuthzService::stop()
{
    if (m_queues.empty()) {
        return;
    }
    // The server must be shut down already: then every pending call comes
    // back with ok == false and is deleted before Next() returns false.
    for (const auto& queue : m_queues) {
        queue->Shutdown();
    }
    for (std::thread& thread : m_threads) {
        thread.join();
    }
    if (!m_started) {
        // Never started: drain what the queues hold (nothing was posted).
        for (const auto& queue : m_queues) {
            void* tag = nullptr;
            bool ok = false;
            while (queue->Next(&tag, &ok)) {
            }
        }
    }
    m_threads.clear();
    m_queues.clear();
}

}  // namespace concord::tracemanager
