#pragma once

// The Driver over the simulated mesh (sandbox::Simulation), for concordd
// without a cluster and for the tests of the update runner and the API.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "controller/driver.h"
#include "controller/probe_driver.h"
#include "sandbox/event_engine.h"
#include "sandbox/probe_deployments.h"
#include "sandbox/simulation.h"
#include "sandbox/topology.h"

namespace concord::controller {

struct SandboxDriverOptions
{
    sandbox::Topology topology;
    std::uint64_t seed = 1;
    double speed = 1;                  // virtual ms per wall ms
    double meanArrivalIntervalMs = 0;  // > 0 overrides the topology's arrival rate
    double deployDelayMs = 300;        // virtual ms until deployed instances are ready
    // What rulePropagationMs() reports (the runner's wait after applying rules);
    // < 0: the topology's message delay. The sandbox applies rules at once either way.
    double rulePropagationMs = -1;
    // Virtual ms from creating or rolling a probe Deployment to Running (or,
    // for a `crashloop` image, Failed); 0 before startTraffic() as for deploys.
    double probeStartDelayMs = 1500;
};

// Owns a Simulation that, once startTraffic() is called, runs in real time on
// the driver's own thread. Every action is posted to that thread and waited
// for, so the simulation is only ever touched by one thread. Before
// startTraffic() (and after stop()) actions run directly on the caller's
// thread, the virtual clock stands still and no traffic flows: concordd uses
// that window to let the runner re-establish the cluster state on resume, and
// deploys made then are ready at once (as pods that survived the restart).
//
// Virtual time: nowMs() and every duration the driver reports (latencies,
// straggler ages) are virtual ms, and edge request rates are per virtual
// second; timestamps in mesh() are wall-clock Unix ms.
//
// The change listener is called from the simulation thread (or, before
// startTraffic(), from the thread whose action caused the change) with no
// lock of the driver held. It should only notify (e.g. wake a condition
// variable). Calling a driver action from inside it does not deadlock — on the
// simulation thread the action runs inline between events — but an action
// that changes something triggers the listener again.
//
// Probe Deployments (ProbeDriver) follow the same clock: while traffic runs a
// probe clock thread moves them from Pending at the wall moment their virtual
// due time maps to and calls the probe listener; before startTraffic() they
// leave Pending at once (as deploys do), after stop() a Pending one stays so.
class SandboxDriver final : public Driver, public ProbeDriver
{
public:
    using Options = SandboxDriverOptions;

    explicit SandboxDriver(Options options);
    ~SandboxDriver() override;  // stop()
    SandboxDriver(const SandboxDriver&) = delete;
    SandboxDriver& operator=(const SandboxDriver&) = delete;

    // Starts the simulation thread: traffic flows, virtual time advances from
    // where it stands at `speed`. Idempotent; no effect after stop().
    void startTraffic();
    // Stops and joins the simulation thread promptly. Idempotent. Afterwards
    // the driver still answers (actions run directly, time stands still).
    // Ignored when called from the change listener (the thread cannot join itself).
    void stop();
    bool trafficRunning() const { return m_running.load(std::memory_order_acquire); }

    std::string_view kind() const override { return "sandbox"; }
    double nowMs() const override;
    double rulePropagationMs() const override;
    void setChangeListener(std::function<void()> listener) override;

    MeshState mesh() const override;
    core::Result<std::string> rulesYaml(std::string_view service) const override;
    std::vector<EdgeStats> edgeStats(std::uint64_t& cursor) override;
    TrafficTotals totals() const override;

    core::Status registerVersion(std::string_view service, std::string_view version,
                                 std::string_view parent, std::string_view image) override;
    core::Status deploy(std::string_view service, std::string_view version) override;
    bool ready(std::string_view service, std::string_view version) const override;
    core::Status applyRules(std::string_view service, std::string_view yaml) override;
    core::Status setBlockMode(std::string_view service, std::string_view version,
                              BlockMode mode) override;
    core::Status setLocked(std::string_view service, std::string_view version,
                           bool locked) override;
    core::Result<std::vector<InstanceSet>> instanceSets(std::string_view service,
                                                        std::string_view version) const override;
    core::Status startDrain(const DrainSpec& spec) override;
    DrainStatus drainStatus(std::string_view service) const override;
    core::Result<bool> stopDrain(std::string_view service) override;
    core::Status retire(std::string_view service, std::string_view version) override;

    core::Status ensureProbe(const ProbeDeploymentSpec& spec) override;
    core::Status removeProbe(std::string_view name) override;
    std::optional<ProbeInfo> probe(std::string_view name) const override;
    std::vector<ProbeInfo> listProbes() const override;
    void setProbeListener(std::function<void()> listener) override;
    // Fails the probe Deployment now (tests, demos); NotFound when there is none.
    core::Status injectProbeFailure(std::string_view name, std::string_view message);

private:
    // Runs `task` against the simulation on its thread (or directly when it
    // is not running) and returns its result.
    template <typename F>
    auto onSim(F&& task) const -> std::invoke_result_t<F&>;
    void notifyListener() const;
    std::int64_t toUnixMs(double virtualTime) const;

    Options m_options;
    std::unique_ptr<sandbox::Simulation> m_sim;
    std::thread m_thread;
    // Held while actions run directly and while starting or stopping the
    // thread, so a direct action never overlaps the simulation thread.
    mutable std::mutex m_modeMutex;
    std::atomic<bool> m_running{false};
    bool m_stopped = false;
    std::atomic<bool> m_stop{false};
    std::atomic<std::thread::id> m_simThread{};
    std::optional<sandbox::RealTimePacer> m_pacer;  // set before the thread starts
    std::atomic<double> m_frozenNow{0};             // nowMs() while no thread runs
    std::atomic<double> m_wallAtZeroUnixMs{0};      // wall clock at virtual time 0

    mutable std::mutex m_listenerMutex;
    std::function<void()> m_listener;

    struct Cursor
    {
        sandbox::EdgeSnapshot previous;
        std::uint64_t lastUse = 0;
    };
    mutable std::mutex m_cursorMutex;
    std::map<std::uint64_t, Cursor> m_cursors;
    std::uint64_t m_nextCursor = 1;
    std::uint64_t m_cursorUses = 0;
    // mesh()'s traffic shares are over current − m_shareBase, a window of at
    // least kShareWindowMs however often mesh() is called: m_shareNext (taken a
    // window after the base) becomes the base once it is a window old itself.
    mutable std::mutex m_shareMutex;
    mutable sandbox::EdgeSnapshot m_shareBase;
    mutable sandbox::EdgeSnapshot m_shareNext;

    // Probe Deployments, and the thread that moves them on the virtual clock.
    void runProbeClock();
    void stopProbeClock();
    void notifyProbeListener() const;
    mutable std::mutex m_probeMutex;
    std::condition_variable m_probeCv;
    sandbox::ProbeDeployments m_probes;
    bool m_probeClockStop = false;
    std::thread m_probeThread;
    std::atomic<std::thread::id> m_probeThreadId{};
    std::function<void()> m_probeListener;  // under m_listenerMutex
};

}  // namespace concord::controller
