#pragma once

// Translated names and colours of update states, and the short duration text
// the update views share, so a state reads and looks the same in the progress
// view, the history and the stepper.

#include <QColor>
#include <QString>

#include "concord/v1/update.pb.h"

namespace concord::models {

// "pending", "running", "rolling back", "completed", "force-retired",
// "aborted", "timed out", "failed"; "unknown" otherwise.
QString updateStateName(v1::UpdateState state);

// True for the states a WatchUpdate stream ends with.
bool isTerminalUpdateState(v1::UpdateState state);

// Reads on both the light and the dark palette (like state_palette.h).
QColor updateStateColor(v1::UpdateState state);

// "850 ms", "12.4 s", "3 min 05 s", "2 h 10 min" (translated).
QString updateDurationText(qint64 milliseconds);

// A google.protobuf.Duration / Timestamp in milliseconds.
qint64 durationMs(const google::protobuf::Duration& duration);
qint64 timestampMs(const google::protobuf::Timestamp& timestamp);

}  // namespace concord::models
