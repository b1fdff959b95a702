#pragma once

// Short translated names of update phases and strategies, shared by the update
// dialog, the progress view and the history so a phase reads the same
// everywhere.

#include <QString>

#include "concord/v1/update.pb.h"

namespace concord::models {

// "deploy", "pin", "switch default", "block & lock", "sync & diff", "drain",
// "retire", "rollback", "initial"; "unknown" for UNSPECIFIED / out of range.
QString phaseName(v1::UpdatePhase phase);

// "CV", "BF", "WF", "quiescence", "naive"; "unknown" otherwise.
QString strategyName(v1::UpdateStrategy strategy);

}  // namespace concord::models
