#pragma once

// The driver side of Resource probes (DESIGN.md §7): the probe Deployment a
// Resource with probeEnabled owns. The sandbox driver simulates them
// (sandbox/probe_deployments.h); the kubernetes driver will create real
// Deployments with an owner reference to the Resource. The resource
// reconciler only talks to this interface.
//
// Threading: every method may be called from any thread. Actions are
// synchronous and idempotent (the reconciler repeats them on every pass).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/resource.h"
#include "core/result.h"

namespace concord::controller {

struct ProbeDeploymentSpec
{
    std::string name;      // "<resource id>-probe"
    std::string ownerId;   // the owning Resource's id
    std::string specHash;  // core::probeSpecHash of the probe it runs
    std::string image;
    std::vector<std::string> command;
    std::vector<std::string> args;
};

// What the driver observes of one probe Deployment.
struct ProbeInfo
{
    std::string name;
    std::string ownerId;
    core::ProbePhase phase = core::ProbePhase::Pending;  // Pending, Running or Failed
    std::string specHash;
    std::string message;  // why it failed, or empty

    bool operator==(const ProbeInfo&) const = default;
};

class ProbeDriver
{
public:
    virtual ~ProbeDriver() = default;

    // Creates the Deployment, or rolls it when its specHash differs; the same
    // spec again changes nothing. InvalidArgument for an empty name or image.
    virtual core::Status ensureProbe(const ProbeDeploymentSpec& spec) = 0;
    // Deletes it; no Deployment of that name is fine.
    virtual core::Status removeProbe(std::string_view name) = 0;
    virtual std::optional<ProbeInfo> probe(std::string_view name) const = 0;
    virtual std::vector<ProbeInfo> listProbes() const = 0;  // by name
    // Called (from a driver thread, no lock of the driver held) when a probe
    // Deployment changed phase, appeared or went. It should only notify.
    virtual void setProbeListener(std::function<void()> listener) = 0;
};

}  // namespace concord::controller
