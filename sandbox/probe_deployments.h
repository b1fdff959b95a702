#pragma once

// Simulated probe Deployments (DESIGN.md §7): what a Resource's probe looks
// like to the sandbox. A Deployment is created or rolled Pending, becomes
// Running after a start delay and can fail: by injection (tests, demos), or
// because its image is tagged `crashloop` — the sandbox convention for "this
// container crashes at start" (e.g. `example/probe:crashloop`), so the
// console's demo shows a Degraded Resource without a test hook.
//
// Pure and deterministic: time is a parameter (virtual ms), nothing runs on
// its own; the owner calls advance() when nextTransitionMs() is due. Not
// thread-safe (the sandbox driver guards it).

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/resource.h"

namespace concord::sandbox {

struct ProbeDeploymentOptions
{
    double startDelayMs = 1500;  // virtual ms from create / roll to Running (or the crash)
};

struct ProbeDeployment
{
    std::string name;
    std::string ownerId;   // the Resource that owns it
    std::string specHash;  // the probe spec it runs; a different one rolls it
    std::string image;
    core::ProbePhase phase = core::ProbePhase::Pending;
    std::string message;         // why it failed
    double rolledAtMs = 0;       // created or last rolled
    double dueMs = 0;            // when a Pending one leaves Pending
    std::uint64_t rollouts = 0;  // 1 after the create, +1 per roll
};

struct ProbeDeploymentRequest
{
    std::string name;
    std::string ownerId;
    std::string specHash;
    std::string image;
};

class ProbeDeployments final
{
public:
    explicit ProbeDeployments(ProbeDeploymentOptions options = {}) : m_options(options) {}

    // Creates the Deployment, or rolls it when its spec hash differs (Pending
    // again, the delay restarts, a failure is forgotten); the same hash
    // leaves it alone — a Failed one stays failed, as a crash-looping pod
    // does until its spec changes. `delayMs` overrides the start delay
    // (0: it leaves Pending at once). Returns whether anything changed.
    bool apply(const ProbeDeploymentRequest& request, double nowMs,
               std::optional<double> delayMs = std::nullopt);
    // Deletes it; false when there was none.
    bool remove(std::string_view name);
    // Marks it Failed with `message` (at once, whatever its phase); false
    // when there is no such Deployment.
    bool injectFailure(std::string_view name, std::string_view message);
    // Moves every Pending Deployment whose delay has elapsed by `nowMs` to
    // Running (or Failed, for a crashloop image); returns their names.
    std::vector<std::string> advance(double nowMs);
    // The earliest due time of a Pending Deployment; nullopt when none waits.
    std::optional<double> nextTransitionMs() const;

    const ProbeDeployment* get(std::string_view name) const;
    std::vector<ProbeDeployment> list() const;  // by name
    std::size_t size() const { return m_deployments.size(); }
    const ProbeDeploymentOptions& options() const { return m_options; }

private:
    void settle(ProbeDeployment& deployment) const;

    ProbeDeploymentOptions m_options;
    std::map<std::string, ProbeDeployment, std::less<>> m_deployments;
};

// True when the image's tag is `crashloop` ("example/probe:crashloop",
// "registry:5000/probe:crashloop"; not a registry port, not a digest).
bool isCrashLoopImage(std::string_view image);

// The message of a crash-looping probe.
std::string crashLoopMessage(std::string_view image);

}  // namespace concord::sandbox
