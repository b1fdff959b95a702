#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diff_set.h"
#include "core/trace_id.h"
#include "trace_recorder.h"

namespace concord::tracemanager {

class DiffSetWatch;

// The gateway's state (DESIGN.md §3 steps 0 and 5): the completed set, fed by
// the access-log stream, and the DiffSets concordd builds by pushing old
// instances' locked TraceidSets chunk by chunk.
//
// One mutex covers completions and pushes: an id is either completed before
// its chunk is pushed (then it is left out) or after (then the completion
// removes it), never lost between the two. That is the "pause recording
// briefly" of step 5, one chunk at a time.
class GatewayState final
{
public:
    using Clock = TraceRecorder::Clock;

    struct PushResult
    {
        std::size_t size = 0;  // DiffSet size after the chunk
        std::size_t added = 0;
        std::size_t alreadyCompleted = 0;
    };

    struct DiffSetInfo
    {
        std::string name;
        std::size_t size = 0;
        std::uint64_t pushedIds = 0;
        std::uint64_t completedIds = 0;
        std::chrono::system_clock::time_point createdAt;
    };

    explicit GatewayState(std::chrono::seconds ttl, Clock::time_point now = Clock::now());
    ~GatewayState();
    GatewayState(const GatewayState&) = delete;
    GatewayState& operator=(const GatewayState&) = delete;

    // Completions of one access-log batch: each id goes into the completed
    // set and out of every DiffSet. Returns how many DiffSet entries went.
    std::size_t complete(std::span<const core::TraceId> ids);

    // One chunk of an old instance's set into DiffSet `name` (created on the
    // first chunk). Ids must be valid (the control service checks).
    PushResult push(std::string_view name, std::string_view source,
                    std::span<const core::TraceId> ids);
    bool drop(std::string_view name);

    std::optional<DiffSetInfo> info(std::string_view name) const;
    std::vector<DiffSetInfo> list() const;
    // The ids still in a DiffSet (for stragglers), or nullopt.
    std::optional<std::vector<core::TraceId>> ids(std::string_view name) const;

    // A watcher of `name`, or nullptr when there is no such DiffSet.
    std::shared_ptr<DiffSetWatch> watch(std::string_view name);

    std::size_t completedSize() const;
    std::size_t completedMemoryBytes() const;
    bool completedContains(const core::TraceId& id) const;
    std::uint64_t evictExpired(Clock::time_point now = Clock::now());

    // Wakes and closes every watcher (shutdown).
    void closeWatches();

private:
    struct Diff;

    static DiffSetInfo infoOf(const std::string& name, const Diff& diff);
    std::size_t completeIn(Diff& diff, std::span<const core::TraceId> ids);
    static void notifyWatchers(Diff& diff, std::span<const core::TraceId> completed);
    static void closeWatchers(Diff& diff);

    mutable std::mutex m_mutex;
    TraceRecorder m_completed;
    std::map<std::string, std::unique_ptr<Diff>, std::less<>> m_diffs;
    // Scratch for complete(): the ids one DiffSet lost in the current batch.
    std::vector<core::TraceId> m_removed;
    bool m_watchesClosed = false;
};

// One WatchDiffSet stream's view of a DiffSet: changes accumulate here until
// the stream's thread takes them.
class DiffSetWatch final
{
public:
    static constexpr std::size_t kMaxCompletedIdsPerUpdate = 4096;

    struct Update
    {
        std::size_t size = 0;
        std::uint64_t pushedIds = 0;
        std::vector<core::TraceId> completedIds;
        bool completedTruncated = false;
        bool closed = false;  // the DiffSet was dropped or the gateway stops
    };

    // Waits up to `timeout` for a change; nullopt when none came. The first
    // call returns the current state at once.
    std::optional<Update> next(std::chrono::milliseconds timeout);
    void close();

    // Called by GatewayState under its mutex.
    void notify(std::size_t size, std::uint64_t pushedIds,
                std::span<const core::TraceId> completed);

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    Update m_pending;
    bool m_dirty = true;
};

}  // namespace concord::tracemanager
