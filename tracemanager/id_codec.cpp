#include "id_codec.h"

namespace concord::tracemanager {

namespace {

void appendBigEndian(std::uint64_t value, char* out)
{
    for (int i = 7; i >= 0; --i) {
        out[i] = static_cast<char>(value & 0xff);
        value >>= 8;
    }
}

std::uint64_t readBigEndian(const char* in)
{
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
        value = (value << 8) | static_cast<unsigned char>(in[i]);
    }
    return value;
}

}  // namespace

void appendPackedIds(std::span<const core::TraceId> ids, std::string& out)
{
    const std::size_t start = out.size();
    out.resize(start + ids.size() * kPackedIdBytes);
    char* cursor = out.data() + start;
    for (const core::TraceId& id : ids) {
        appendBigEndian(id.hi, cursor);
        appendBigEndian(id.lo, cursor + 8);
        cursor += kPackedIdBytes;
    }
}

std::string packIds(std::span<const core::TraceId> ids)
{
    std::string out;
    appendPackedIds(ids, out);
    return out;
}

UnpackError unpackIds(std::string_view packed, std::size_t maxIds, std::vector<core::TraceId>& out)
{
    if (packed.size() % kPackedIdBytes != 0) {
        return UnpackError::NotMultipleOf16;
    }
    const std::size_t count = packed.size() / kPackedIdBytes;
    if (count > maxIds) {
        return UnpackError::TooMany;
    }
    const std::size_t start = out.size();
    out.reserve(start + count);
    for (std::size_t i = 0; i < count; ++i) {
        const char* cursor = packed.data() + i * kPackedIdBytes;
        const core::TraceId id{readBigEndian(cursor), readBigEndian(cursor + 8)};
        if (!id.isValid()) {
            out.resize(start);
            return UnpackError::ZeroId;
        }
        out.push_back(id);
    }
    return UnpackError::None;
}

std::string_view toString(UnpackError error)
{
    switch (error) {
        case UnpackError::None:
            return "ok";
        case UnpackError::NotMultipleOf16:
            return "ids is not a whole number of 16-byte ids";
        case UnpackError::ZeroId:
            return "ids holds an all-zero id";
        case UnpackError::TooMany:
            return "ids holds more ids than one request may carry";
    }
    return "unknown";
}

}  // namespace concord::tracemanager
