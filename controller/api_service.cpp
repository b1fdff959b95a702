#include "api_service.h"

#include "log.h"
#include "mesh_service.h"

namespace concord::controller {

StreamHub::StreamHub(std::chrono::milliseconds tick) : m_tick(tick) {}

StreamHub::~StreamHub()
{
    stop();
}

void StreamHub::start()
{
    const std::lock_guard lock(m_mutex);
    if (!m_thread.joinable()) {
        m_stopping = false;
        m_thread = std::thread([this] { run(); });
    }
}

void StreamHub::stop()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) {
        if (m_thread.get_id() == std::this_thread::get_id()) {
            m_thread.detach();  // the pump dropped the last reference to the hub
        } else {
            m_thread.join();
        }
    }
}

bool StreamHub::add(std::shared_ptr<HubStream> stream)
{
    const std::lock_guard lock(m_mutex);
    HubStream* key = stream.get();
    m_streams.emplace(key, std::move(stream));
    return !m_closed;
}

void StreamHub::remove(HubStream* stream)
{
    std::shared_ptr<HubStream> last;
    {
        const std::lock_guard lock(m_mutex);
        const auto it = m_streams.find(stream);
        if (it == m_streams.end()) {
            return;
        }
        last = std::move(it->second);
        m_streams.erase(it);
    }
    // `last` may be the final reference: the stream is destroyed here, unlocked.
}

void StreamHub::wake()
{
    {
        const std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_cv.notify_one();
}

void StreamHub::closeAll(const grpc::Status& status)
{
    std::vector<std::shared_ptr<HubStream>> streams;
    {
        const std::lock_guard lock(m_mutex);
        m_closed = true;
        for (const auto& entry : m_streams) {
            streams.push_back(entry.second);
        }
    }
    for (const auto& stream : streams) {
        stream->finishNow(status);
    }
}

std::size_t StreamHub::size() const
{
    const std::lock_guard lock(m_mutex);
    return m_streams.size();
}

void StreamHub::setBeforePump(std::function<void(SteadyClock::time_point)> hook)
{
    const std::lock_guard lock(m_mutex);
    m_beforePump = std::move(hook);
}

void StreamHub::run()
{
    std::vector<std::shared_ptr<HubStream>> streams;
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_cv.wait_for(lock, m_tick, [this] { return m_stopping || m_woken; });
        if (m_stopping) {
            break;
        }
        m_woken = false;
        streams.clear();
        for (const auto& entry : m_streams) {
            streams.push_back(entry.second);
        }
        const auto beforePump = m_beforePump;
        lock.unlock();
        const SteadyClock::time_point now = SteadyClock::now();
        if (beforePump && !streams.empty()) {
            beforePump(now);
        }
        for (const auto& stream : streams) {
            stream->pump(now);
        }
        streams.clear();  // a stream done meanwhile is freed here, not under the lock
        lock.lock();
    }
}

grpc::Status boundedStatus(const grpc::Status& status)
{
    const std::string& message = status.error_message();
    if (message.size() <= kMaxStatusMessageBytes) {
        return status;
    }
    std::size_t cut = kMaxStatusMessageBytes;
    while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) {
        --cut;  // not inside a UTF-8 sequence
    }
    return grpc::Status(
        status.error_code(),
        message.substr(0, cut) + "… (" + std::to_string(message.size() - cut) + " more bytes)");
}

ApiContext::ApiContext(UpdateRunner& runner_, Driver& driver_, Journal& journal_, ApiTiming timing_)
    : runner(runner_), driver(driver_), journal(journal_), timing(timing_)
{}

ApiContext::~ApiContext() = default;

void ApiContext::logLine(std::string_view line) const
{
    logInfo("api", line);
}

std::optional<Caller> authorize(const ApiContext& api, const grpc::CallbackServerContext& context,
                                Role needed, std::string_view method, grpc::Status& denied)
{
    const auto& metadata = context.client_metadata();
    const auto it = metadata.find("authorization");
    std::optional<std::string_view> token;
    if (it != metadata.end()) {
        token = bearerToken(std::string_view(it->second.data(), it->second.size()));
    }
    if (!token) {
        denied = grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                              "missing or malformed `authorization: Bearer <token>` metadata");
        api.logLine(std::string(method) + " refused: no bearer token");
        return std::nullopt;
    }
    std::optional<Caller> caller = api.tokens.find(*token);
    if (!caller) {
        denied = grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "unknown bearer token");
        api.logLine(std::string(method) + " refused: unknown token");
        return std::nullopt;
    }
    if (needed == Role::Operator && caller->role != Role::Operator) {
        denied = grpc::Status(
            grpc::StatusCode::PERMISSION_DENIED,
            std::string(method) + " needs the operator role; '" + caller->name + "' is a viewer");
        api.logLine(std::string(method) + " denied to viewer '" + caller->name + "'");
        return std::nullopt;
    }
    return caller;
}

}  // namespace concord::controller
