#pragma once

#include <absl/container/flat_hash_set.h>

#include <cstddef>
#include <span>

#include "trace_id.h"
#include "trace_id_set.h"

namespace concord::core {

// DiffSet = (union of the old version's locked TraceidSets) - completed set:
// transactions that used the old version and are still running. The old
// version may be retired when it is empty (DESIGN.md §1, §3 step 5).
class DiffSet final
{
public:
    DiffSet() = default;

    static DiffSet compute(std::span<const TraceIdSet* const> oldSets, const TraceIdSet& completed);

    // A transaction completed: drop it. true when it was in the set.
    bool complete(const TraceId& id) { return m_ids.erase(id) > 0; }
    // Adds an id directly (used when a late snapshot chunk arrives).
    void add(const TraceId& id) { m_ids.insert(id); }

    bool contains(const TraceId& id) const { return m_ids.contains(id); }
    std::size_t size() const { return m_ids.size(); }
    bool empty() const { return m_ids.empty(); }
    std::size_t memoryBytes() const;

    auto begin() const { return m_ids.begin(); }
    auto end() const { return m_ids.end(); }

private:
    absl::flat_hash_set<TraceId> m_ids;
};

}  // namespace concord::core
