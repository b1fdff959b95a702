#pragma once

// What every Concord API service shares: the objects it serves from, the
// bearer-token check, a wrapper that turns any failure of a unary handler into
// a status, and the StreamHub that drives every server stream.
//
// Streams use gRPC's callback API. No thread belongs to a stream: one pump
// thread visits every open stream every tick (and whenever a write finished),
// asks it for its next message and starts the write; a stream with a write in
// flight is skipped, so a slow client gets the latest state, never a backlog.
// A cancelled stream is finished at the next visit or write completion.

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_callback.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "auth.h"
#include "driver.h"
#include "journal.h"
#include "update_runner.h"

namespace concord::controller {

class MeshTracker;
class StreamHub;

using SteadyClock = std::chrono::steady_clock;

// An open server stream, as the hub's pump sees it.
class HubStream
{
public:
    virtual ~HubStream() = default;
    // Pump thread only: start the next write (or finish) if one is due.
    virtual void pump(SteadyClock::time_point now) = 0;
    // Any thread: end the stream with `status` as soon as no write is in flight.
    virtual void finishNow(const grpc::Status& status) = 0;
};

class StreamHub final
{
public:
    explicit StreamHub(std::chrono::milliseconds tick);
    ~StreamHub();
    StreamHub(const StreamHub&) = delete;
    StreamHub& operator=(const StreamHub&) = delete;

    void start();
    void stop();  // joins the pump; streams left open are no longer pumped

    // Registers an open stream; false once closing (the caller then finishes it).
    bool add(std::shared_ptr<HubStream> stream);
    void remove(HubStream* stream);  // from the stream's OnDone
    void wake();                     // pump now (a write finished, a stream opened)
    // Ends every open stream with `status` and refuses new ones.
    void closeAll(const grpc::Status& status);
    std::size_t size() const;
    // Called on the pump thread before the streams are visited, every tick.
    void setBeforePump(std::function<void(SteadyClock::time_point)> hook);

private:
    void run();

    const std::chrono::milliseconds m_tick;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stopping = false;
    bool m_closed = false;
    bool m_woken = false;
    std::unordered_map<HubStream*, std::shared_ptr<HubStream>> m_streams;
    std::function<void(SteadyClock::time_point)> m_beforePump;
    std::thread m_thread;
};

struct ApiTiming
{
    std::chrono::milliseconds pumpTick{20};
    std::chrono::milliseconds meshPoll{200};      // WatchMesh diffs the mesh this often
    std::chrono::milliseconds updateMinGap{100};  // WatchUpdate sends at most this often
    std::chrono::milliseconds topologyDefault{1000};
};

// Everything the services serve from; shared by the ApiServer and every open
// stream (a stream outlives its rpc handler).
struct ApiContext
{
    ApiContext(UpdateRunner& runner, Driver& driver, Journal& journal, ApiTiming timing);
    ~ApiContext();

    UpdateRunner& runner;
    Driver& driver;
    Journal& journal;
    ApiTiming timing;
    TokenStore tokens;
    std::string epoch;  // WatchMesh revisions are comparable only within one
    std::int64_t startedAtUnixMs = 0;
    std::string meshName;
    std::string serverVersion;
    std::string orchestratorUrl;  // GetServerInfo.orchestrator_url; empty = none
    std::shared_ptr<StreamHub> hub;
    std::shared_ptr<MeshTracker> tracker;

    // An info line in the daemon log (component "api"); never pass a token.
    void logLine(std::string_view line) const;
};

// The caller of `context`, or the status to answer with: UNAUTHENTICATED for
// a missing, malformed or unknown token, PERMISSION_DENIED for a viewer when
// `needed` is Operator. `method` only names the rpc in the log.
std::optional<Caller> authorize(const ApiContext& api, const grpc::CallbackServerContext& context,
                                Role needed, std::string_view method, grpc::Status& denied);

// Error messages echo request fields; an echo of a long one would push the
// status past gRPC's metadata limit and the client would get RESOURCE_EXHAUSTED
// instead. Every status the API sends goes through this: a message longer
// than kMaxStatusMessageBytes is cut (on a UTF-8 boundary) and says so.
inline constexpr std::size_t kMaxStatusMessageBytes = 1024;
grpc::Status boundedStatus(const grpc::Status& status);

// Runs a unary handler body and finishes the call with its status; an escaping
// exception becomes INTERNAL instead of taking the daemon down.
template <typename Body>
grpc::ServerUnaryReactor* runUnary(grpc::CallbackServerContext* context, Body&& body)
{
    grpc::Status status;
    try {
        status = body();
    } catch (const std::exception& e) {
        status =
            grpc::Status(grpc::StatusCode::INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
        status = grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(boundedStatus(status));
    return reactor;
}

// A server stream fed by the hub. Subclasses implement produce(), called on
// the pump thread only, when no write is in flight.
template <typename Message>
class WatchStream : public grpc::ServerWriteReactor<Message>, public HubStream
{
public:
    struct Step
    {
        std::optional<Message> message;      // to write now
        std::optional<grpc::Status> finish;  // end the stream (after `message`, if any)
    };

    using MessageType = Message;

    explicit WatchStream(std::shared_ptr<ApiContext> api) : m_api(std::move(api)) {}

    void pump(SteadyClock::time_point now) final
    {
        bool cancelled = false;
        {
            const std::lock_guard lock(m_mutex);
            if (m_finishing || m_writing) {
                return;
            }
            cancelled = m_cancelled;
            m_finishing = cancelled;
        }
        if (cancelled) {
            this->Finish(grpc::Status::CANCELLED);
            return;
        }
        Step step;
        try {
            step = produce(now);
        } catch (const std::exception& e) {
            step = Step{std::nullopt, grpc::Status(grpc::StatusCode::INTERNAL, e.what())};
        }
        startStep(std::move(step));
    }

    void finishNow(const grpc::Status& status) final
    {
        {
            const std::lock_guard lock(m_mutex);
            if (m_finishing) {
                return;
            }
            if (m_writing) {
                m_finishAfterWrite = status;
                return;
            }
            m_finishing = true;
        }
        this->Finish(status);
    }

    void OnWriteDone(bool ok) final
    {
        std::optional<grpc::Status> finish;
        {
            const std::lock_guard lock(m_mutex);
            m_writing = false;
            if (m_finishing) {
                return;  // that was StartWriteAndFinish: OnDone follows
            }
            if (!ok || m_cancelled) {
                finish = grpc::Status::CANCELLED;
            } else if (m_finishAfterWrite) {
                finish = m_finishAfterWrite;
            }
            if (finish) {
                m_finishing = true;
            }
        }
        if (finish) {
            this->Finish(*finish);  // `this` may be gone once Finish returned
            return;
        }
        m_api->hub->wake();  // the next message may be ready (a delta backlog)
    }

    void OnCancel() final
    {
        {
            const std::lock_guard lock(m_mutex);
            m_cancelled = true;
            if (m_writing || m_finishing) {
                return;  // OnWriteDone or the pending finish ends it
            }
            m_finishing = true;
        }
        this->Finish(grpc::Status::CANCELLED);
    }

    void OnDone() final
    {
        std::shared_ptr<StreamHub> hub = m_api->hub;
        hub->remove(this);  // may destroy `this`: nothing after it
    }

protected:
    virtual Step produce(SteadyClock::time_point now) = 0;
    ApiContext& api() const { return *m_api; }

private:
    void startStep(Step step)
    {
        if (!step.message && !step.finish) {
            return;
        }
        bool cancelled = false;
        {
            const std::lock_guard lock(m_mutex);
            if (m_finishing) {
                return;
            }
            cancelled = m_cancelled;
            if (step.message && !cancelled) {
                m_buffer = std::move(*step.message);
                m_writing = true;
            }
            if (step.finish || cancelled) {
                m_finishing = true;
            }
        }
        if (cancelled) {
            this->Finish(grpc::Status::CANCELLED);
        } else if (step.message && step.finish) {
            this->StartWriteAndFinish(&m_buffer, grpc::WriteOptions(), boundedStatus(*step.finish));
        } else if (step.message) {
            this->StartWrite(&m_buffer);
        } else {
            this->Finish(boundedStatus(*step.finish));
        }
    }

    std::shared_ptr<ApiContext> m_api;
    std::mutex m_mutex;
    bool m_writing = false;
    bool m_finishing = false;  // Finish (or StartWriteAndFinish) called or about to be
    bool m_cancelled = false;
    std::optional<grpc::Status> m_finishAfterWrite;
    Message m_buffer;  // the message in flight; untouched while m_writing
};

// A stream that fails before it starts (bad request, denied).
template <typename Message>
class FailedStream final : public grpc::ServerWriteReactor<Message>
{
public:
    explicit FailedStream(const grpc::Status& status) { this->Finish(boundedStatus(status)); }
    void OnDone() final { delete this; }
};

// Registers a new stream with the hub and returns it to gRPC; a hub that is
// closing gets UNAVAILABLE.
template <typename Stream>
grpc::ServerWriteReactor<typename Stream::MessageType>* openStream(
    const std::shared_ptr<ApiContext>& api, std::shared_ptr<Stream> stream)
{
    Stream* raw = stream.get();
    if (!api->hub->add(std::move(stream))) {
        // Registered all the same, so its OnDone finds it and frees it.
        raw->finishNow(grpc::Status(grpc::StatusCode::UNAVAILABLE, "daemon shutting down"));
        return raw;
    }
    api->hub->wake();
    return raw;
}

}  // namespace concord::controller
