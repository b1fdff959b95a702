#include "models/age_text.h"

#include <algorithm>

namespace concord::models {

namespace {
constexpr qint64 kUnit = 1'000'000'000'000;
}

qint64 AgeText::bucket(qint64 createdAtSecs, const QDateTime& now)
{
    const qint64 secs = std::max<qint64>(0, now.toSecsSinceEpoch() - createdAtSecs);
    if (secs < 60)
        return secs;
    if (secs < 3600)
        return kUnit + secs / 60;
    if (secs < 86400)
        return 2 * kUnit + secs / 3600;
    return 3 * kUnit + secs / 86400;
}

QString AgeText::text(qint64 bucket)
{
    const qint64 value = bucket % kUnit;
    switch (bucket / kUnit) {
        case 0:
            return tr("%1 s").arg(value);
        case 1:
            return tr("%1 m").arg(value);
        case 2:
            return tr("%1 h").arg(value);
        default:
            return tr("%1 d").arg(value);
    }
}

}  // namespace concord::models
