#include "models/update_state_names.h"

#include <QCoreApplication>

namespace concord::models {

QString updateStateName(v1::UpdateState state)
{
    switch (state) {
        case v1::UPDATE_STATE_PENDING:
            return QCoreApplication::translate("concord::models", "pending");
        case v1::UPDATE_STATE_RUNNING:
            return QCoreApplication::translate("concord::models", "running");
        case v1::UPDATE_STATE_ROLLING_BACK:
            return QCoreApplication::translate("concord::models", "rolling back");
        case v1::UPDATE_STATE_COMPLETED:
            return QCoreApplication::translate("concord::models", "completed");
        case v1::UPDATE_STATE_FORCE_RETIRED:
            return QCoreApplication::translate("concord::models", "force-retired");
        case v1::UPDATE_STATE_ABORTED:
            return QCoreApplication::translate("concord::models", "aborted");
        case v1::UPDATE_STATE_TIMED_OUT:
            return QCoreApplication::translate("concord::models", "timed out");
        case v1::UPDATE_STATE_FAILED:
            return QCoreApplication::translate("concord::models", "failed");
        default:
            return QCoreApplication::translate("concord::models", "unknown");
    }
}

bool isTerminalUpdateState(v1::UpdateState state)
{
    switch (state) {
        case v1::UPDATE_STATE_COMPLETED:
        case v1::UPDATE_STATE_FORCE_RETIRED:
        case v1::UPDATE_STATE_ABORTED:
        case v1::UPDATE_STATE_TIMED_OUT:
        case v1::UPDATE_STATE_FAILED:
            return true;
        default:
            return false;
    }
}

QColor updateStateColor(v1::UpdateState state)
{
    switch (state) {
        case v1::UPDATE_STATE_RUNNING:
            return QColor(0x3d, 0x8e, 0xd8);
        case v1::UPDATE_STATE_COMPLETED:
            return QColor(0x2e, 0xa0, 0x43);
        case v1::UPDATE_STATE_ROLLING_BACK:
        case v1::UPDATE_STATE_FORCE_RETIRED:
        case v1::UPDATE_STATE_TIMED_OUT:
            return QColor(0xe0, 0x8a, 0x00);
        case v1::UPDATE_STATE_FAILED:
            return QColor(0xd3, 0x2f, 0x2f);
        case v1::UPDATE_STATE_ABORTED:
            return QColor(0x8c, 0x6d, 0x62);
        default:
            return QColor(0x80, 0x80, 0x80);
    }
}

QString updateDurationText(qint64 milliseconds)
{
    const qint64 ms = qMax<qint64>(0, milliseconds);
    if (ms < 1000)
        return QCoreApplication::translate("concord::models", "%1 ms").arg(ms);
    if (ms < 60'000)
        return QCoreApplication::translate("concord::models", "%1 s")
            .arg(double(ms) / 1000.0, 0, 'f', 1);
    const qint64 seconds = ms / 1000;
    if (seconds < 3600)
        return QCoreApplication::translate("concord::models", "%1 min %2 s")
            .arg(seconds / 60)
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QCoreApplication::translate("concord::models", "%1 h %2 min")
        .arg(seconds / 3600)
        .arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
}

qint64 durationMs(const google::protobuf::Duration& duration)
{
    return duration.seconds() * 1000 + duration.nanos() / 1'000'000;
}

qint64 timestampMs(const google::protobuf::Timestamp& timestamp)
{
    return timestamp.seconds() * 1000 + timestamp.nanos() / 1'000'000;
}

}  // namespace concord::models
