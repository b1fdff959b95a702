#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Plain C++ mirror of the subset of Istio's networking API that Concord
// generates and that the sandbox router interprets. Field names follow
// networking.istio.io (VirtualService, DestinationRule); the schema is the
// same for v1, v1beta1 and v1alpha3.
namespace concord::core {

enum class IstioApiVersion
{
    V1,
    V1Beta1,
    V1Alpha3,
};

// "networking.istio.io/v1" etc.
std::string_view toApiVersionString(IstioApiVersion version);
std::optional<IstioApiVersion> parseApiVersion(std::string_view apiVersion);

struct StringMatch
{
    enum class Kind
    {
        Exact,
        Prefix,
        Regex,  // RE2 syntax, applied to the whole value (full match), as Envoy does
    };
    Kind kind = Kind::Exact;
    std::string value;

    friend bool operator==(const StringMatch&, const StringMatch&) = default;
};

struct HeaderOperations
{
    std::map<std::string, std::string> set;
    std::map<std::string, std::string> add;
    std::vector<std::string> remove;

    bool empty() const { return set.empty() && add.empty() && remove.empty(); }
    friend bool operator==(const HeaderOperations&, const HeaderOperations&) = default;
};

struct Headers
{
    HeaderOperations request;
    HeaderOperations response;

    bool empty() const { return request.empty() && response.empty(); }
    friend bool operator==(const Headers&, const Headers&) = default;
};

struct HttpMatchRequest
{
    std::string name;
    std::map<std::string, StringMatch> headers;  // every header must match (AND)

    friend bool operator==(const HttpMatchRequest&, const HttpMatchRequest&) = default;
};

struct RouteDestination
{
    std::string host;
    std::string subset;
    std::optional<int> port;
    std::optional<int> weight;  // percent; unset means "all" for a single destination
    Headers headers;

    friend bool operator==(const RouteDestination&, const RouteDestination&) = default;
};

struct HttpRetry
{
    int attempts = 0;
    std::string perTryTimeout;  // Istio duration string, e.g. "2s"
    std::string retryOn;

    friend bool operator==(const HttpRetry&, const HttpRetry&) = default;
};

struct HttpRoute
{
    std::string name;
    std::vector<HttpMatchRequest> match;  // empty: matches every request; else any (OR)
    std::vector<RouteDestination> route;
    Headers headers;
    std::optional<HttpRetry> retries;

    friend bool operator==(const HttpRoute&, const HttpRoute&) = default;
};

struct VirtualService
{
    IstioApiVersion apiVersion = IstioApiVersion::V1;
    std::string name;
    std::string ns;  // metadata.namespace; empty when not given
    std::vector<std::string> hosts;
    std::vector<HttpRoute> http;

    friend bool operator==(const VirtualService&, const VirtualService&) = default;
};

struct Subset
{
    std::string name;
    std::map<std::string, std::string> labels;

    friend bool operator==(const Subset&, const Subset&) = default;
};

struct DestinationRule
{
    IstioApiVersion apiVersion = IstioApiVersion::V1;
    std::string name;
    std::string ns;
    std::string host;
    std::vector<Subset> subsets;

    const Subset* findSubset(std::string_view name) const;
    friend bool operator==(const DestinationRule&, const DestinationRule&) = default;
};

// The rules Concord owns for one service: one VirtualService and one
// DestinationRule, both named after the service.
struct RuleSet
{
    VirtualService virtualService;
    DestinationRule destinationRule;

    friend bool operator==(const RuleSet&, const RuleSet&) = default;
};

}  // namespace concord::core
