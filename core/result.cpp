#include "result.h"

namespace concord::core {

std::string Error::toString() const
{
    std::string out = source.empty() ? std::string("<input>") : source;
    if (line > 0) {
        out += ':' + std::to_string(line);
        if (column > 0)
            out += ':' + std::to_string(column);
    }
    out += ": ";
    out += message;
    return out;
}

}  // namespace concord::core
