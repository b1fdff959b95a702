#pragma once

// Shared by the bench_console_* programs.

#include <algorithm>
#include <vector>

namespace concord::bench {

// The median of a run's samples (0 for none); the mean of the middle two for
// an even count.
inline double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace concord::bench
