#include "trace_recorder.h"

#include <bit>

namespace concord::tracemanager {

// Padded to a cache line so neighbouring shards' mutexes do not share one.
struct alignas(64) TraceRecorder::Shard
{
    mutable std::mutex mutex;
    core::TraceIdSet current;
    core::TraceIdSet previous;
    Clock::time_point generationStart;
    bool locked = false;
};

TraceRecorder::TraceRecorder(std::chrono::seconds ttl, std::size_t shards, Clock::time_point now)
    : m_ttl(ttl),
      m_shardMask(std::bit_ceil(shards == 0 ? std::size_t{1} : shards) - 1),
      m_shards(std::make_unique<Shard[]>(m_shardMask + 1))
{
    for (std::size_t i = 0; i <= m_shardMask; ++i) {
        m_shards[i].generationStart = now;
    }
}

TraceRecorder::~TraceRecorder() = default;

TraceRecorder::Shard& TraceRecorder::shardFor(const core::TraceId& id) const
{
    // Fibonacci hashing of both halves: the table inside the shard hashes the
    // id again with absl::Hash, so this only has to spread ids over shards.
    const std::uint64_t mixed = (id.lo ^ (id.hi * 0x9e3779b97f4a7c15ULL)) * 0x9e3779b97f4a7c15ULL;
    return m_shards[(mixed >> 32) & m_shardMask];
}

TraceRecorder::Outcome TraceRecorder::record(const core::TraceId& id)
{
    if (!id.isValid()) {
        return Outcome::Invalid;
    }
    Shard& shard = shardFor(id);
    const std::lock_guard guard(shard.mutex);
    if (shard.locked) {
        return Outcome::Locked;
    }
    if (!shard.previous.empty() && shard.previous.contains(id)) {
        return Outcome::AlreadyPresent;
    }
    return shard.current.insert(id) ? Outcome::Recorded : Outcome::AlreadyPresent;
}

bool TraceRecorder::contains(const core::TraceId& id) const
{
    const Shard& shard = shardFor(id);
    const std::lock_guard guard(shard.mutex);
    return shard.current.contains(id) || shard.previous.contains(id);
}

TraceRecorder::LockResult TraceRecorder::lock()
{
    const std::lock_guard serial(m_lockMutex);
    LockResult result;
    result.wasLocked = m_locked.load(std::memory_order_relaxed);
    // Shard by shard, each under its mutex: a record() into a shard either
    // finished before its flag was set (the id is in) or sees the flag. So
    // once this returns, every id recorded before the call is in the set and
    // no record() that starts later adds one — without stopping all traffic
    // at once, or holding more locks than a checker can follow.
    for (std::size_t i = 0; i <= m_shardMask; ++i) {
        Shard& shard = m_shards[i];
        const std::lock_guard guard(shard.mutex);
        shard.locked = true;
        result.size += shard.current.size() + shard.previous.size();
    }
    m_locked.store(true, std::memory_order_release);
    return result;
}

std::size_t TraceRecorder::unlock(bool clear)
{
    const std::lock_guard serial(m_lockMutex);
    std::size_t size = 0;
    for (std::size_t i = 0; i <= m_shardMask; ++i) {
        Shard& shard = m_shards[i];
        const std::lock_guard guard(shard.mutex);
        if (clear) {
            shard.current = core::TraceIdSet();
            shard.previous = core::TraceIdSet();
        }
        shard.locked = false;
        size += shard.current.size() + shard.previous.size();
    }
    m_locked.store(false, std::memory_order_release);
    return size;
}

std::vector<core::TraceId> TraceRecorder::snapshot() const
{
    std::vector<core::TraceId> ids;
    ids.reserve(size());
    for (std::size_t i = 0; i <= m_shardMask; ++i) {
        const Shard& shard = m_shards[i];
        const std::lock_guard guard(shard.mutex);
        // The generations are disjoint (record() checks `previous` first).
        ids.insert(ids.end(), shard.current.begin(), shard.current.end());
        ids.insert(ids.end(), shard.previous.begin(), shard.previous.end());
    }
    return ids;
}

std::size_t TraceRecorder::size() const
{
    std::size_t size = 0;
    for (std::size_t i = 0; i <= m_shardMask; ++i) {
        const std::lock_guard guard(m_shards[i].mutex);
        size += m_shards[i].current.size() + m_shards[i].previous.size();
    }
    return size;
}

std::size_t TraceRecorder::memoryBytes() const
{
    std::size_t bytes = 0;
    for (std::size_t i = 0; i <= m_shardMask; ++i) {
        const std::lock_guard guard(m_shards[i].mutex);
        bytes += m_shards[i].current.memoryBytes() + m_shards[i].previous.memoryBytes();
    }
    return bytes;
}

std::uint64_t TraceRecorder::evictExpired(Clock::time_point now)
{
    std::uint64_t evicted = 0;
    for (std::size_t i = 0; i <= m_shardMask; ++i) {
        Shard& shard = m_shards[i];
        const std::lock_guard guard(shard.mutex);
        if (shard.locked || now - shard.generationStart < m_ttl) {
            continue;
        }
        // Every id of `previous` is at least one generation (ttl) old.
        evicted += shard.previous.size();
        shard.previous = std::move(shard.current);
        shard.current = core::TraceIdSet();
        shard.generationStart = now;
    }
    return evicted;
}

}  // namespace concord::tracemanager
