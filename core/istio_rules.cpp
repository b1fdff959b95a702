#include "istio_rules.h"

#include <algorithm>

namespace concord::core {

namespace {

constexpr std::string_view kV1 = "networking.istio.io/v1";
constexpr std::string_view kV1Beta1 = "networking.istio.io/v1beta1";
constexpr std::string_view kV1Alpha3 = "networking.istio.io/v1alpha3";

}  // namespace

std::string_view toApiVersionString(IstioApiVersion version)
{
    switch (version) {
        case IstioApiVersion::V1:
            return kV1;
        case IstioApiVersion::V1Beta1:
            return kV1Beta1;
        case IstioApiVersion::V1Alpha3:
            return kV1Alpha3;
    }
    return kV1;
}

std::optional<IstioApiVersion> parseApiVersion(std::string_view apiVersion)
{
    if (apiVersion == kV1)
        return IstioApiVersion::V1;
    if (apiVersion == kV1Beta1)
        return IstioApiVersion::V1Beta1;
    if (apiVersion == kV1Alpha3)
        return IstioApiVersion::V1Alpha3;
    return std::nullopt;
}

const Subset* DestinationRule::findSubset(std::string_view subsetName) const
{
    const auto it = std::find_if(subsets.begin(), subsets.end(),
                                 [&](const Subset& subset) { return subset.name == subsetName; });
    return it == subsets.end() ? nullptr : &*it;
}

}  // namespace concord::core
