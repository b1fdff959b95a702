#pragma once

// The console's colours for states and health, shared by the version tree,
// the topology and the update views so one state looks the same everywhere.
// Each colour reads on both the light and the dark palette.

#include <QColor>
#include <QString>

#include "concord/v1/mesh.pb.h"

namespace concord::models {

QColor versionStateColor(v1::VersionState state);
QString versionStateName(v1::VersionState state);  // translated ("serving", "draining", …)

// A Resource's status at a glance (ResourceModel): its conditions and probe
// folded into one word, ordered by how much it asks for attention.
enum class ResourceHealth
{
    Unknown,      // no status yet
    Disabled,     // probe off, nothing runs
    Available,    // probe running with the current spec
    Progressing,  // being deployed, rolled or removed (or not observed yet)
    Degraded,     // the probe failed
};
QColor resourceHealthColor(ResourceHealth health);  // grey, grey, green, blue, red
QString resourceHealthName(ResourceHealth health);  // translated ("Available", …)

// Edge / service health from the error ratio (0..1): green, amber, red.
QColor healthColor(double errorRatio);

// Data shown while the controller is unreachable is greyed: blends `color`
// towards grey.
QColor staleColor(const QColor& color);

}  // namespace concord::models
