#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace_id.h"

namespace concord::tracemanager {

// The packed form of ids in the control API (proto/concord/v1/tracemgr.proto):
// 16 bytes per id, high then low 64 bits, big-endian.
inline constexpr std::size_t kPackedIdBytes = 16;

void appendPackedIds(std::span<const core::TraceId> ids, std::string& out);
std::string packIds(std::span<const core::TraceId> ids);

enum class UnpackError
{
    None,
    NotMultipleOf16,
    ZeroId,
    TooMany,
};

// Appends the ids of `packed` to `out`; on error `out` is left as it was.
UnpackError unpackIds(std::string_view packed, std::size_t maxIds, std::vector<core::TraceId>& out);
std::string_view toString(UnpackError error);

}  // namespace concord::tracemanager
