#include "trace_id_set.h"

namespace concord::core {

namespace detail {

// Bytes of the backing array of an absl flat_hash_set with `capacity` slots:
// capacity + 1 + NumClonedBytes() (Group::kWidth - 1 = 15 with SSE2) control
// bytes, padded to the slot alignment, then the slots. Mirrors absl's
// AllocSize() (20220623), which is internal API.
std::size_t flatHashSetBytes(std::size_t capacity, std::size_t slotSize, std::size_t slotAlign)
{
    if (capacity == 0) {
        return 0;  // an empty table points at a shared static sentinel
    }
    constexpr std::size_t kClonedControlBytes = 15;
    const std::size_t controlBytes = capacity + 1 + kClonedControlBytes;
    const std::size_t slotOffset = (controlBytes + slotAlign - 1) & ~(slotAlign - 1);
    return slotOffset + capacity * slotSize;
}

}  // namespace detail

bool TraceIdSet::insert(const TraceId& id)
{
    if (m_locked || !id.isValid()) {
        return false;
    }
    return m_ids.insert(id).second;
}

std::size_t TraceIdSet::memoryBytes() const
{
    return detail::flatHashSetBytes(m_ids.capacity(), sizeof(TraceId), alignof(TraceId));
}

}  // namespace concord::core
