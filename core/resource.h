#pragma once

// The `Resource` custom resource of the human–machine–thing platform
// (DESIGN.md §7, group concord.io, deploy/crds/resource.yaml): a physical
// resource (a device, or a person whose capabilities change with the room
// they are in) with its attributes and an optional probe. Pure data plus
// validation and the YAML form operators read and edit; the reconciler
// (controller/) and the sandbox store use it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace concord::core {

inline constexpr std::string_view kResourceApiVersion = "concord.io/v1alpha1";
inline constexpr std::string_view kResourceKind = "Resource";

// Where and when a resource is (§7 "time/space attributes"): a person's
// capabilities change with the room they are in.
struct SpaceAttributes
{
    std::string site;      // building / campus, free text
    std::string room;      // free text; a person's room drives their capabilities
    std::optional<double> latitude;   // degrees, -90…90
    std::optional<double> longitude;  // degrees, -180…180

    bool operator==(const SpaceAttributes&) const = default;
};

struct TimeAttributes
{
    std::string timezone;        // IANA name, e.g. "Asia/Shanghai"; free text, not checked
    std::string availableFrom;   // "HH:MM" 24 h, local time; empty = always
    std::string availableUntil;  // "HH:MM"; both or neither

    bool operator==(const TimeAttributes&) const = default;
};

struct ProbeSpec
{
    std::string image;  // container image; required when enabled
    std::vector<std::string> command;
    std::vector<std::string> args;

    bool operator==(const ProbeSpec&) const = default;
};

struct ResourceSpec
{
    std::string id;    // unique: also the object's metadata.name (DNS-1123 subdomain, ≤ 253)
    std::string kind;  // e.g. "AirPurifier", "Person": [A-Za-z][A-Za-z0-9]*, ≤ 63
    std::map<std::string, std::string> attributes;  // free key → value (key: label-like, ≤ 63)
    SpaceAttributes space;
    TimeAttributes time;
    ProbeSpec probe;
    bool probeEnabled = false;

    bool operator==(const ResourceSpec&) const = default;
};

enum class ConditionType
{
    Available,    // the probe runs and matches the spec
    Progressing,  // the probe Deployment is being created or rolled
    Degraded,     // the probe failed
};

enum class ConditionStatus
{
    True,
    False,
    Unknown,
};

struct Condition
{
    ConditionType type = ConditionType::Available;
    ConditionStatus status = ConditionStatus::Unknown;
    std::string reason;   // CamelCase, e.g. "ProbeRunning", "ProbeDisabled", "ProbeFailed"
    std::string message;  // for humans
    std::int64_t lastTransitionUnixMs = 0;

    bool operator==(const Condition&) const = default;
};

// The observed state of the probe Deployment the Resource owns.
enum class ProbePhase
{
    None,     // no Deployment (probe disabled, or not created yet)
    Pending,  // created or rolled, not yet running
    Running,  // available with the current spec
    Failed,   // its pod failed (crash loop, image pull)
};

struct ProbeDeploymentStatus
{
    std::string name;  // "<id>-probe"; empty when none
    ProbePhase phase = ProbePhase::None;
    std::string specHash;  // hash of the ProbeSpec it runs (probeSpecHash)
    std::string message;   // why it failed, or empty

    bool operator==(const ProbeDeploymentStatus&) const = default;
};

struct ResourceStatus
{
    std::vector<Condition> conditions;  // Available, Progressing, Degraded, in that order
    std::int64_t observedGeneration = 0;
    ProbeDeploymentStatus probe;

    bool operator==(const ResourceStatus&) const = default;
};

struct Resource
{
    ResourceSpec spec;
    ResourceStatus status;
    std::int64_t generation = 1;       // bumped by every spec change
    std::uint64_t resourceVersion = 0;  // bumped by every change (spec or status); store-assigned
    std::int64_t createdAtUnixMs = 0;
};

// Every problem with the spec, each as "field.path: what is wrong" (e.g.
// "spec.probe.image: required when probeEnabled is true"), joined by "; "
// in one InvalidArgument error. OK when there is none.
Status validateResourceSpec(const ResourceSpec& spec);

// Kubernetes' rule for object names (a DNS-1123 subdomain): at most 253
// characters, dot-separated labels of lowercase letters, digits and '-', each
// starting and ending with a letter or digit. spec.id must be one.
bool isDns1123Subdomain(std::string_view name);

// A stable hash of the probe (image, command, args) — what decides whether a
// running probe Deployment "matches spec". Hex, 16 characters.
std::string probeSpecHash(const ProbeSpec& probe);

const Condition* findCondition(const ResourceStatus& status, ConditionType type);

std::string_view toString(ConditionType type);      // "Available", …
std::string_view toString(ConditionStatus status);  // "True", "False", "Unknown"
std::string_view toString(ProbePhase phase);        // "None", "Pending", "Running", "Failed"

// The Kubernetes manifest form (apiVersion, kind, metadata.name, spec, and
// status when `withStatus`), as the console's YAML view shows it.
std::string toYaml(const Resource& resource, bool withStatus = true);

// Reads one Resource manifest (status, if present, is ignored: it is the
// controller's). Errors carry `source`, line:column and a field path, e.g.
// "<edit>:7:5: spec.probeEnabled: expected a boolean". Unknown fields are
// errors. The spec is validated (validateResourceSpec).
Result<ResourceSpec> parseResourceYaml(std::string_view yaml, std::string_view source = "<string>");

}  // namespace concord::core
