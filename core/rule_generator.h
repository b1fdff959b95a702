#pragma once

#include <string>
#include <string_view>

#include "istio_rules.h"

namespace concord::core {

// The phases of a consistent update (DESIGN.md §3). Phases 4 and 5 do not
// change the rules (blocking is the sidecars' job), so they generate the same
// rules as phase 3.
enum class UpdatePhase
{
    Initial = 1,
    NewVersionOnline = 2,
    SwitchDefault = 3,
    BlockAndLock = 4,
    SyncAndDiff = 5,
    Retired = 6,
};

std::string_view toString(UpdatePhase phase);

struct RuleParams
{
    std::string service;  // VirtualService / DestinationRule name
    std::string host;     // defaults to `service`
    std::string ns;       // metadata.namespace; omitted when empty
    std::string pinHeader = "x-version";
    std::string versionLabel = "version";
    IstioApiVersion apiVersion = IstioApiVersion::V1;
};

// "<service>-<version>", the value a pin header carries.
std::string pinValue(std::string_view service, std::string_view version);
// RE2 that matches a comma-separated pin list containing exactly that pin:
// (.*,)?\s*<escaped pin>\s*(,.*)?
std::string pinRegex(std::string_view service, std::string_view version);

// Rules for `phase` of an update oldVersion -> newVersion. Phase Initial uses
// only oldVersion; phase Retired only newVersion.
RuleSet generateRules(const RuleParams& params, UpdatePhase phase, std::string_view oldVersion,
                      std::string_view newVersion);

}  // namespace concord::core
