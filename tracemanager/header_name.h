#pragma once

#include <algorithm>
#include <string_view>

namespace concord::tracemanager {

// HTTP header names compare case-insensitively (ASCII letters only: a name is
// a token, and folding anything else would equate e.g. '-' with '\r').
inline bool headerNamesEqual(std::string_view a, std::string_view b)
{
    const auto lower = [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    return std::ranges::equal(a, b, {}, lower, lower);
}

}  // namespace concord::tracemanager
