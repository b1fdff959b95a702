#pragma once

#include <absl/container/flat_hash_set.h>

#include <cstddef>

#include "trace_id.h"

namespace concord::core {

// The TraceidSet of one instance (or the completed set of a gateway): ids
// held inline in an open-addressing table, 16 bytes + 1 control byte each.
// Once locked it accepts no new ids (DESIGN.md §3 step 4).
class TraceIdSet final
{
public:
    TraceIdSet() = default;

    // false when the set is locked or the id was already present / invalid.
    bool insert(const TraceId& id);
    bool contains(const TraceId& id) const { return m_ids.contains(id); }
    // Starts loading the memory a lookup of `id` touches, so bulk lookups
    // (DiffSet::compute against a 10M-id set) overlap their cache misses.
    void prefetch(const TraceId& id) const { m_ids.prefetch(id); }
    bool erase(const TraceId& id) { return m_ids.erase(id) > 0; }
    void clear() { m_ids.clear(); }
    void reserve(std::size_t n) { m_ids.reserve(n); }

    void lock() { m_locked = true; }
    void unlock() { m_locked = false; }
    bool isLocked() const { return m_locked; }

    std::size_t size() const { return m_ids.size(); }
    bool empty() const { return m_ids.empty(); }
    // Heap bytes held by the table (slots + control bytes), for the
    // bytes-per-id budget.
    std::size_t memoryBytes() const;

    auto begin() const { return m_ids.begin(); }
    auto end() const { return m_ids.end(); }

private:
    absl::flat_hash_set<TraceId> m_ids;
    bool m_locked = false;
};

}  // namespace concord::core
