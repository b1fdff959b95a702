#include "models/state_palette.h"

#include <QCoreApplication>

namespace concord::models {

QColor versionStateColor(v1::VersionState state)
{
    switch (state) {
        case v1::VERSION_STATE_REGISTERED:
            return QColor(0x80, 0x80, 0x80);
        case v1::VERSION_STATE_DEPLOYING:
            return QColor(0x3d, 0x8e, 0xd8);
        case v1::VERSION_STATE_SERVING:
            return QColor(0x2e, 0xa0, 0x43);
        case v1::VERSION_STATE_DRAINING:
            return QColor(0xe0, 0x8a, 0x00);
        case v1::VERSION_STATE_RETIRED:
            return QColor(0x8c, 0x6d, 0x62);
        default:
            return QColor(0x80, 0x80, 0x80);
    }
}

QString versionStateName(v1::VersionState state)
{
    switch (state) {
        case v1::VERSION_STATE_REGISTERED:
            return QCoreApplication::translate("concord::models", "registered");
        case v1::VERSION_STATE_DEPLOYING:
            return QCoreApplication::translate("concord::models", "deploying");
        case v1::VERSION_STATE_SERVING:
            return QCoreApplication::translate("concord::models", "serving");
        case v1::VERSION_STATE_DRAINING:
            return QCoreApplication::translate("concord::models", "draining");
        case v1::VERSION_STATE_RETIRED:
            return QCoreApplication::translate("concord::models", "retired");
        default:
            return QCoreApplication::translate("concord::models", "unknown");
    }
}

QColor resourceHealthColor(ResourceHealth health)
{
    switch (health) {
        case ResourceHealth::Available:
            return versionStateColor(v1::VERSION_STATE_SERVING);
        case ResourceHealth::Progressing:
            return versionStateColor(v1::VERSION_STATE_DEPLOYING);
        case ResourceHealth::Degraded:
            return QColor(0xd3, 0x2f, 0x2f);
        case ResourceHealth::Disabled:
        case ResourceHealth::Unknown:
            break;
    }
    return QColor(0x80, 0x80, 0x80);
}

QString resourceHealthName(ResourceHealth health)
{
    switch (health) {
        case ResourceHealth::Available:
            return QCoreApplication::translate("concord::models", "Available");
        case ResourceHealth::Progressing:
            return QCoreApplication::translate("concord::models", "Progressing");
        case ResourceHealth::Degraded:
            return QCoreApplication::translate("concord::models", "Degraded");
        case ResourceHealth::Disabled:
            return QCoreApplication::translate("concord::models", "Disabled");
        case ResourceHealth::Unknown:
            break;
    }
    return QCoreApplication::translate("concord::models", "Unknown");
}

QColor healthColor(double errorRatio)
{
    if (errorRatio >= 0.05)
        return QColor(0xd3, 0x2f, 0x2f);
    if (errorRatio >= 0.01)
        return QColor(0xe0, 0x8a, 0x00);
    return QColor(0x2e, 0xa0, 0x43);
}

QColor staleColor(const QColor& color)
{
    const QColor grey(0x9e, 0x9e, 0x9e);
    return QColor((color.red() + 2 * grey.red()) / 3, (color.green() + 2 * grey.green()) / 3,
                  (color.blue() + 2 * grey.blue()) / 3);
}

}  // namespace concord::models
