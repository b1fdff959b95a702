#include "gateway_state.h"

#include <algorithm>
#include <set>
#include <utility>

#include "tracemgr_log.h"

namespace concord::tracemanager {

struct GatewayState::Diff
{
    core::DiffSet ids;
    std::uint64_t pushedIds = 0;
    std::uint64_t completedIds = 0;
    std::chrono::system_clock::time_point createdAt;
    // The instances that pushed into it, for the logs; bounded by the old
    // version's replica count.
    std::set<std::string, std::less<>> sources;
    std::vector<std::weak_ptr<DiffSetWatch>> watchers;
};

// The completed set is never locked: only instances' TraceidSets are.
GatewayState::GatewayState(std::chrono::seconds ttl, Clock::time_point now)
    : m_completed(ttl, 64, now)
{}

// Wakes any stream still blocked in next(): the watches outlive the state.
GatewayState::~GatewayState()
{
    closeWatches();
}

std::size_t GatewayState::complete(std::span<const core::TraceId> ids)
{
    const std::lock_guard guard(m_mutex);
    for (const core::TraceId& id : ids) {
        m_completed.record(id);
    }
    std::size_t removed = 0;
    for (auto& [name, diff] : m_diffs) {
        removed += completeIn(*diff, ids);
    }
    return removed;
}

// Erases `ids` from one DiffSet and tells its watchers which went. The
// scratch vector keeps its capacity, so a steady stream allocates nothing.
std::size_t GatewayState::completeIn(Diff& diff, std::span<const core::TraceId> ids)
{
    m_removed.clear();
    for (const core::TraceId& id : ids) {
        if (diff.ids.complete(id)) {
            m_removed.push_back(id);
        }
    }
    if (!m_removed.empty()) {
        diff.completedIds += m_removed.size();
        notifyWatchers(diff, m_removed);
    }
    return m_removed.size();
}

GatewayState::PushResult GatewayState::push(std::string_view name, std::string_view source,
                                            std::span<const core::TraceId> ids)
{
    bool created = false;
    PushResult result;
    {
        const std::lock_guard guard(m_mutex);
        auto it = m_diffs.find(name);
        if (it == m_diffs.end()) {
            it = m_diffs.emplace(std::string(name), std::make_unique<Diff>()).first;
            it->second->createdAt = std::chrono::system_clock::now();
            created = true;
        }
        Diff& diff = *it->second;
        if (!diff.sources.contains(source)) {
            diff.sources.emplace(source);
        }
        for (const core::TraceId& id : ids) {
            // An all-zero id never completes: it would keep the DiffSet from draining.
            if (!id.isValid()) {
                continue;
            }
            ++diff.pushedIds;
            if (m_completed.contains(id)) {
                ++result.alreadyCompleted;
            } else if (!diff.ids.contains(id)) {
                diff.ids.add(id);
                ++result.added;
            }
        }
        result.size = diff.ids.size();
        if (result.added > 0) {
            notifyWatchers(diff, {});
        }
    }
    if (created) {
        logEvent(LogLevel::Info, "DiffSet created", {{"diff_set", name}, {"source", source}});
    }
    return result;
}

bool GatewayState::drop(std::string_view name)
{
    std::unique_ptr<Diff> dropped;
    {
        const std::lock_guard guard(m_mutex);
        const auto it = m_diffs.find(name);
        if (it == m_diffs.end()) {
            return false;
        }
        dropped = std::move(it->second);
        m_diffs.erase(it);
    }
    closeWatchers(*dropped);
    const std::string size = std::to_string(dropped->ids.size());
    const std::string sources = std::to_string(dropped->sources.size());
    logEvent(LogLevel::Info, "DiffSet dropped",
             {{"diff_set", name}, {"size", size}, {"sources", sources}});
    return true;
}

GatewayState::DiffSetInfo GatewayState::infoOf(const std::string& name, const Diff& diff)
{
    return DiffSetInfo{name, diff.ids.size(), diff.pushedIds, diff.completedIds, diff.createdAt};
}

std::optional<GatewayState::DiffSetInfo> GatewayState::info(std::string_view name) const
{
    const std::lock_guard guard(m_mutex);
    const auto it = m_diffs.find(name);
    if (it == m_diffs.end()) {
        return std::nullopt;
    }
    return infoOf(it->first, *it->second);
}

std::vector<GatewayState::DiffSetInfo> GatewayState::list() const
{
    const std::lock_guard guard(m_mutex);
    std::vector<DiffSetInfo> out;
    out.reserve(m_diffs.size());
    for (const auto& [name, diff] : m_diffs) {
        out.push_back(infoOf(name, *diff));
    }
    return out;
}

std::optional<std::vector<core::TraceId>> GatewayState::ids(std::string_view name) const
{
    const std::lock_guard guard(m_mutex);
    const auto it = m_diffs.find(name);
    if (it == m_diffs.end()) {
        return std::nullopt;
    }
    return std::vector<core::TraceId>(it->second->ids.begin(), it->second->ids.end());
}

std::shared_ptr<DiffSetWatch> GatewayState::watch(std::string_view name)
{
    const std::lock_guard guard(m_mutex);
    const auto it = m_diffs.find(name);
    if (it == m_diffs.end()) {
        return nullptr;
    }
    auto watch = std::make_shared<DiffSetWatch>();
    if (m_watchesClosed) {
        // Shutting down: the stream ends at its first next().
        watch->close();
        return watch;
    }
    Diff& diff = *it->second;
    // Seeds the first update with the current state (m_dirty starts true).
    watch->notify(diff.ids.size(), diff.pushedIds, {});
    std::erase_if(diff.watchers, [](const auto& w) { return w.expired(); });
    diff.watchers.push_back(watch);
    return watch;
}

std::size_t GatewayState::completedSize() const
{
    return m_completed.size();
}

std::size_t GatewayState::completedMemoryBytes() const
{
    return m_completed.memoryBytes();
}

bool GatewayState::completedContains(const core::TraceId& id) const
{
    return m_completed.contains(id);
}

// Not under m_mutex: the recorder locks its own shards, and freeing a
// generation of millions of ids must not stall completions.
//
// Bounded memory has a price: an id completed, evicted, and only then pushed
// (a straggler's chunk arriving late) enters the DiffSet and never leaves it
// until force-retired. The TTL must therefore exceed the longest transaction
// plus the delay between locking the old sets and the last chunk's push.
std::uint64_t GatewayState::evictExpired(Clock::time_point now)
{
    return m_completed.evictExpired(now);
}

void GatewayState::closeWatches()
{
    const std::lock_guard guard(m_mutex);
    m_watchesClosed = true;
    for (auto& [name, diff] : m_diffs) {
        closeWatchers(*diff);
    }
}

void GatewayState::notifyWatchers(Diff& diff, std::span<const core::TraceId> completed)
{
    std::erase_if(diff.watchers, [&](const std::weak_ptr<DiffSetWatch>& weak) {
        const std::shared_ptr<DiffSetWatch> watch = weak.lock();
        if (watch) {
            watch->notify(diff.ids.size(), diff.pushedIds, completed);
        }
        return !watch;
    });
}

void GatewayState::closeWatchers(Diff& diff)
{
    for (const std::weak_ptr<DiffSetWatch>& weak : diff.watchers) {
        if (const std::shared_ptr<DiffSetWatch> watch = weak.lock()) {
            watch->close();
        }
    }
    diff.watchers.clear();
}

std::optional<DiffSetWatch::Update> DiffSetWatch::next(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout, [this] { return m_dirty || m_pending.closed; });
    if (!m_dirty && !m_pending.closed) {
        return std::nullopt;
    }
    // The ids go out once; size and pushedIds stay, as does `closed`, so
    // every later call after close() returns a closed update at once.
    Update out{m_pending.size, m_pending.pushedIds, std::move(m_pending.completedIds),
               m_pending.completedTruncated, m_pending.closed};
    m_pending.completedIds.clear();
    m_pending.completedTruncated = false;
    m_dirty = false;
    return out;
}

void DiffSetWatch::close()
{
    {
        const std::lock_guard guard(m_mutex);
        m_pending.closed = true;
    }
    m_changed.notify_all();
}

void DiffSetWatch::notify(std::size_t size, std::uint64_t pushedIds,
                          std::span<const core::TraceId> completed)
{
    {
        const std::lock_guard guard(m_mutex);
        if (m_pending.closed) {
            return;
        }
        m_pending.size = size;
        m_pending.pushedIds = pushedIds;
        // A slow reader must not let the pending ids grow without bound; the
        // flag tells it to fall back on the size (or a full ids() listing).
        const std::size_t room = kMaxCompletedIdsPerUpdate - m_pending.completedIds.size();
        const std::size_t take = std::min(room, completed.size());
        m_pending.completedIds.insert(m_pending.completedIds.end(), completed.begin(),
                                      completed.begin() + static_cast<std::ptrdiff_t>(take));
        m_pending.completedTruncated = m_pending.completedTruncated || take < completed.size();
        m_dirty = true;
    }
    m_changed.notify_all();
}

}  // namespace concord::tracemanager
