#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/trace_id.h"
#include "core/trace_id_set.h"

namespace concord::tracemanager {

// A TraceidSet that many threads record into at once (the ext_authz server's
// threads), with the lock of DESIGN.md §3 step 4 and TTL eviction.
//
// The ids are spread over shards, each a mutex, a locked flag and two
// generations of a core::TraceIdSet. lock() flags every shard under its
// mutex, so an id whose record() returned Recorded before lock() was called
// is in every later snapshot, and no record() that starts after lock()
// returned adds one.
//
// Eviction drops whole generations: an id is kept at least `ttl` and at most
// twice that. A locked set is never evicted — it is the evidence a DiffSet is
// computed from.
class TraceRecorder final
{
public:
    using Clock = std::chrono::steady_clock;

    enum class Outcome
    {
        Recorded,
        AlreadyPresent,
        Locked,
        Invalid,  // the all-zero id
    };

    struct LockResult
    {
        std::size_t size = 0;
        bool wasLocked = false;
    };

    // `shards` is rounded up to a power of two.
    explicit TraceRecorder(std::chrono::seconds ttl, std::size_t shards = 64,
                           Clock::time_point now = Clock::now());
    ~TraceRecorder();
    TraceRecorder(const TraceRecorder&) = delete;
    TraceRecorder& operator=(const TraceRecorder&) = delete;

    Outcome record(const core::TraceId& id);
    bool contains(const core::TraceId& id) const;

    LockResult lock();
    // Unlocks; with `clear` also empties the set. Returns the size after.
    std::size_t unlock(bool clear);
    bool isLocked() const { return m_locked.load(std::memory_order_acquire); }

    // Every id held, each once. Exact when locked; otherwise each shard is
    // copied at its own instant.
    std::vector<core::TraceId> snapshot() const;

    std::size_t size() const;
    // Heap bytes of the tables (slots and control bytes).
    std::size_t memoryBytes() const;

    // Drops the generations older than the TTL (no-op while locked); returns
    // how many ids went.
    std::uint64_t evictExpired(Clock::time_point now = Clock::now());
    std::chrono::seconds ttl() const { return m_ttl; }

private:
    struct Shard;

    Shard& shardFor(const core::TraceId& id) const;

    std::chrono::seconds m_ttl;
    std::size_t m_shardMask;
    std::unique_ptr<Shard[]> m_shards;
    std::atomic<bool> m_locked{false};  // every shard is locked (for readers)
    // Serialises lock()/unlock() against each other.
    std::mutex m_lockMutex;
};

}  // namespace concord::tracemanager
