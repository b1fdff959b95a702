#include "models/update_names.h"

#include <QCoreApplication>

namespace concord::models {

QString phaseName(v1::UpdatePhase phase)
{
    switch (phase) {
        case v1::UPDATE_PHASE_INITIAL:
            return QCoreApplication::translate("concord::models", "initial");
        case v1::UPDATE_PHASE_DEPLOY:
            return QCoreApplication::translate("concord::models", "deploy");
        case v1::UPDATE_PHASE_PIN:
            return QCoreApplication::translate("concord::models", "pin");
        case v1::UPDATE_PHASE_SWITCH_DEFAULT:
            return QCoreApplication::translate("concord::models", "switch default");
        case v1::UPDATE_PHASE_BLOCK_AND_LOCK:
            return QCoreApplication::translate("concord::models", "block & lock");
        case v1::UPDATE_PHASE_SYNC_AND_DIFF:
            return QCoreApplication::translate("concord::models", "sync & diff");
        case v1::UPDATE_PHASE_DRAIN:
            return QCoreApplication::translate("concord::models", "drain");
        case v1::UPDATE_PHASE_RETIRE:
            return QCoreApplication::translate("concord::models", "retire");
        case v1::UPDATE_PHASE_ROLLBACK:
            return QCoreApplication::translate("concord::models", "rollback");
        default:
            return QCoreApplication::translate("concord::models", "unknown");
    }
}

QString strategyName(v1::UpdateStrategy strategy)
{
    switch (strategy) {
        case v1::UPDATE_STRATEGY_CV:
            return QCoreApplication::translate("concord::models", "CV");
        case v1::UPDATE_STRATEGY_BF:
            return QCoreApplication::translate("concord::models", "BF");
        case v1::UPDATE_STRATEGY_WF:
            return QCoreApplication::translate("concord::models", "WF");
        case v1::UPDATE_STRATEGY_QUIESCENCE:
            return QCoreApplication::translate("concord::models", "quiescence");
        case v1::UPDATE_STRATEGY_NAIVE:
            return QCoreApplication::translate("concord::models", "naive");
        default:
            return QCoreApplication::translate("concord::models", "unknown");
    }
}

}  // namespace concord::models
