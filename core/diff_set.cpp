#include "diff_set.h"

namespace concord::core {

namespace detail {
// Defined in trace_id_set.cpp (both sets use the same absl table layout).
std::size_t flatHashSetBytes(std::size_t capacity, std::size_t slotSize, std::size_t slotAlign);
}  // namespace detail

namespace {

// How many ids ahead the completed set is prefetched. A lookup in a
// multi-million-id table misses cache twice (control bytes, slot); keeping
// this many in flight hides most of that latency.
constexpr int kPrefetchDistance = 16;

void addRunning(const TraceIdSet& old, const TraceIdSet& completed,
                absl::flat_hash_set<TraceId>& diff)
{
    auto ahead = old.begin();
    const auto end = old.end();
    for (int i = 0; i < kPrefetchDistance && ahead != end; ++i, ++ahead) {
        completed.prefetch(*ahead);
    }
    for (auto it = old.begin(); it != end; ++it) {
        if (ahead != end) {
            completed.prefetch(*ahead);
            ++ahead;
        }
        if (!completed.contains(*it)) {
            diff.insert(*it);
        }
    }
}

}  // namespace

DiffSet DiffSet::compute(std::span<const TraceIdSet* const> oldSets, const TraceIdSet& completed)
{
    DiffSet diff;
    for (const TraceIdSet* set : oldSets) {
        if (set != nullptr) {
            addRunning(*set, completed, diff.m_ids);
        }
    }
    return diff;
}

std::size_t DiffSet::memoryBytes() const
{
    return detail::flatHashSetBytes(m_ids.capacity(), sizeof(TraceId), alignof(TraceId));
}

}  // namespace concord::core
