#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/mesh_model.h"
#include "core/result.h"

namespace concord::sandbox {

using Rng = std::mt19937_64;

// A duration distribution in the topology's time unit (1 unit = 1 ms when
// the sandbox runs in real time).
struct Distribution
{
    enum class Kind
    {
        Constant,     // always `mean`
        Exponential,  // mean `mean`
        LogNormal,    // mean `mean`, shape `sigma` (long tail)
        Uniform,      // [min, max]
    };
    Kind kind = Kind::Constant;
    double mean = 0;
    double sigma = 0;
    double min = 0;
    double max = 0;

    double sample(Rng& rng) const;
    static Distribution constant(double value) { return {Kind::Constant, value, 0, value, value}; }
    static Distribution exponential(double mean) { return {Kind::Exponential, mean, 0, 0, 0}; }
    static Distribution logNormal(double mean, double sigma)
    {
        return {Kind::LogNormal, mean, sigma, 0, 0};
    }
    // `mean` is set to the midpoint so every kind reports its expected value there.
    static Distribution uniform(double min, double max)
    {
        return {Kind::Uniform, (min + max) / 2, 0, min, max};
    }
    bool operator==(const Distribution&) const = default;
};

// One step of the script a version runs for each request it serves.
struct Step
{
    enum class Kind
    {
        Compute,  // local processing for `duration`
        Call,     // synchronous sub-request to `service`, waits for its answer
        Pause,    // idle wait (e.g. Portal between Auth and Proc), holds no CPU
    };
    Kind kind = Kind::Compute;
    Distribution duration;  // Compute, Pause
    std::string service;    // Call
    // Call only: how many times this call may appear on one transaction's
    // call stack. Needed (> 0) for any call that closes a cycle; 0 = no cycle.
    int bound = 0;
    // Call only: the call is made with this probability (scale-free graphs
    // use it to keep transactions bounded); 1 = always.
    double probability = 1;
    int line = 0;  // where the step is in the topology file, for error messages
};

struct VersionSpec
{
    std::string name;
    std::string parent;  // empty for the root version
    std::string image;
    int instances = 1;  // replicas when deployed; 0 = registered only
    // Empty: inherit the parent's script (the root must have one unless the
    // service is a leaf that only computes, in which case a default compute
    // step of 1 unit is used).
    std::vector<Step> script;
    int line = 0;
};

struct ServiceSpec
{
    std::string name;
    std::string group;  // optional namespace/group, used for collapse in the console
    std::vector<VersionSpec> versions;  // creation order
    std::string serving;                // the version deployed at start; default: the first
    // Mixing two versions of this service in one transaction makes the
    // transaction fail (e.g. Auth v2 rejects a v1 token).
    bool failOnMixedVersions = false;
    int line = 0;

    const VersionSpec* findVersion(std::string_view name) const;
    // The script a version runs, after inheritance from its ancestors.
    const std::vector<Step>& scriptOf(std::string_view version) const;
};

struct EntryPoint
{
    std::string service;
    double weight = 1;  // share of root requests
};

// The update a scenario runs by default (concord-sim uses it unless told otherwise).
struct UpdateScenario
{
    std::string service;
    std::string fromVersion;
    std::string toVersion;
    double at = 0;  // time of the update request
};

struct Topology
{
    std::string name;
    std::string description;
    std::string pinHeader = "x-version";
    std::string traceHeader = "x-b3-traceid";
    std::vector<EntryPoint> entries;  // requests enter through the ingress gateway here
    double meanArrivalInterval = 25;  // mean time between root requests (exponential)
    double messageDelay = 5;          // one-way network delay of every hop
    int retries = 2;                  // caller retries on 503 (Istio's default)
    std::vector<ServiceSpec> services;
    UpdateScenario update;  // optional; service empty when absent

    const ServiceSpec* findService(std::string_view name) const;
    // Services, version trees and static call edges (from every version's script).
    core::MeshModel toMeshModel() const;
};

// Parses and validates a topology (docs/topology-format.md). Rejected, with
// source, line and reason: YAML errors, unknown keys, unknown service or
// version references, a call cycle none of whose calls has a bound, negative
// or non-finite rates and durations, duplicate services or versions, a
// version whose parent does not exist.
core::Result<Topology> parseTopology(std::string_view yaml,
                                     std::string_view sourceName = "<string>");
core::Result<Topology> loadTopologyFile(const std::string& path);

struct ScaleFreeParams
{
    int services = 16;
    int edgesPerNewNode = 2;     // Barabási–Albert m (fewer for the first nodes)
    double meanProcessing = 50;  // mean local processing per request (exponential)
    double meanArrivalInterval = 25;
    double messageDelay = 5;
    int instancesPerVersion = 1;
};

// A Barabási–Albert preferential-attachment call graph of N services, each
// with versions v1 (serving) and v2 (registered), deterministic under `seed`.
// Edges are oriented from the older to the newer node, so the graph is a DAG
// and every service is reachable from the entry (node 0). Call probabilities
// keep the expected sub-transactions per root request between N/4 and 2N.
// The update scenario targets a random non-entry service chosen under `seed`.
Topology generateScaleFree(const ScaleFreeParams& params, std::uint64_t seed);

// Serialises a topology back to the YAML format (round-trips through parseTopology).
std::string toYaml(const Topology& topology);

}  // namespace concord::sandbox
