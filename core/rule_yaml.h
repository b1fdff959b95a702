#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "istio_rules.h"
#include "result.h"

namespace concord::core {

// Every VirtualService and DestinationRule found in a (multi-document) YAML
// stream, in document order.
struct RuleDocuments
{
    std::vector<VirtualService> virtualServices;
    std::vector<DestinationRule> destinationRules;
};

// Two documents separated by "---": the VirtualService, then the
// DestinationRule, in the apiVersion each carries. Empty optional fields are
// omitted, so the output compares equal (as parsed YAML) to hand-written rules.
std::string toYaml(const RuleSet& rules);
std::string toYaml(const VirtualService& vs);
std::string toYaml(const DestinationRule& dr);

// Reads VirtualService and DestinationRule documents of
// networking.istio.io/v1, v1beta1 or v1alpha3. Anything malformed (bad YAML,
// wrong kind, missing or mistyped field, invalid regex) is an Error naming
// source, line and column; nothing is partially returned.
Result<RuleDocuments> parseRules(std::string_view yaml, std::string_view sourceName = "<string>");

// Pairs the documents by name into RuleSets (a VirtualService without its
// DestinationRule, or the reverse, is an error).
Result<std::vector<RuleSet>> parseRuleSets(std::string_view yaml,
                                           std::string_view sourceName = "<string>");

}  // namespace concord::core
