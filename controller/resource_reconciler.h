#pragma once

// The Resource controller (DESIGN.md §7): makes each Resource's probe
// Deployment match its spec and reports what it observes as the Resource's
// status.
//
// - probeEnabled → a Deployment "<id>-probe", owned by the Resource, running
//   the spec's probe (its core::probeSpecHash: a changed probe rolls it);
// - disabled → no Deployment;
// - deleted → its Deployment is removed (owner references do that in
//   Kubernetes; the sandbox has none, so the reconciler does it, and a
//   periodic pass removes any probe whose owner is gone).
//
// Status: observedGeneration, the probe {name, phase, specHash, message}, and
// the conditions Available, Progressing, Degraded in that order (see
// desiredStatus()). A status is written only when it differs from the stored
// one, so an idle Resource keeps its resourceVersion.
//
// Its own thread reconciles each Resource the store reports changed, every
// Resource whose probe the driver reports changed, and everything every
// `resyncInterval`. No polling: it sleeps on a condition variable that the
// store's and the driver's callbacks wake.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "controller/probe_driver.h"
#include "controller/resource_store.h"

namespace concord::controller {

struct ResourceReconcilerOptions
{
    std::chrono::milliseconds resyncInterval{5000};
    std::function<std::int64_t()> clock;  // Unix ms for lastTransitionTime; empty = system clock
};

// "<id>-probe".
std::string probeDeploymentName(std::string_view resourceId);

// The status `resource` should have given what the driver observes of its
// probe (nullopt: no Deployment) and the error of the last ensureProbe, if
// any. A condition keeps the previous lastTransitionUnixMs unless its status
// changes (then `nowUnixMs`).
core::ResourceStatus desiredStatus(const core::Resource& resource,
                                   const std::optional<ProbeInfo>& probe,
                                   const std::optional<std::string>& driverError,
                                   std::int64_t nowUnixMs);

class ResourceReconciler final
{
public:
    using Options = ResourceReconcilerOptions;

    // The store and the driver must outlive the reconciler. Takes the
    // driver's probe listener.
    ResourceReconciler(ResourceStore& store, ProbeDriver& driver, Options options = {});
    ~ResourceReconciler();  // stop()
    ResourceReconciler(const ResourceReconciler&) = delete;
    ResourceReconciler& operator=(const ResourceReconciler&) = delete;

    void start();  // idempotent
    void stop();   // joins the thread; idempotent

    // One pass over every Resource and every probe, on the caller's thread
    // (the daemon runs one before traffic starts; tests drive it directly).
    // Not while the thread runs.
    void reconcileAll();
    // Reconciles the changes the store made since the last pass (and the
    // probes the driver changed), on the caller's thread. Not while the thread runs.
    void reconcilePending();

    std::uint64_t statusWrites() const;  // statuses written so far

private:
    void run();
    void reconcileChanges(bool store, bool probes);
    void reconcileOne(const std::string& id);
    // Ids of the Resources changed since m_seenVersion; false when the
    // store's history no longer reaches back that far (reconcile everything).
    bool collectStoreChanges(std::set<std::string>& ids);
    void collectProbeChanges(std::set<std::string>& ids);
    void removeOrphanProbes();
    std::int64_t nowUnixMs() const;

    ResourceStore& m_store;
    ProbeDriver& m_driver;
    const Options m_options;

    // What the store's and the driver's callbacks touch: shared with them, so
    // a callback still running after the reconciler is gone finds it alive.
    struct Wake
    {
        std::mutex mutex;
        std::condition_variable cv;
        bool storeChanged = true;
        bool probesChanged = true;
        bool stopping = false;
    };
    std::shared_ptr<Wake> m_wake = std::make_shared<Wake>();
    std::thread m_thread;
    ResourceStore::SubscriberId m_subscription = 0;

    // The reconciling thread's own (or the caller's of reconcileAll/Pending).
    std::uint64_t m_seenVersion = 0;            // store changes up to here are handled
    std::set<std::uint64_t> m_ownWrites;        // versions of the statuses it wrote
    std::map<std::string, ProbeInfo> m_probes;  // the probes as last seen, by name
    std::atomic<std::uint64_t> m_statusWrites{0};
};

}  // namespace concord::controller
