#include "daemon.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include "api_server.h"
#include "auth.h"
#include "builtin_topology.h"
#include "journal.h"
#include "log.h"
#include "orchestrator_rest_server.h"
#include "orchestrator_sandbox.h"
#include "resource_reconciler.h"
#include "resource_store.h"
#include "sandbox_driver.h"
#include "update_runner.h"

namespace concord::controller {

namespace {

constexpr std::string_view kLog = "concordd";

core::Result<sandbox::Topology> loadTopology(const DaemonOptions& options)
{
    if (options.generateServices > 0) {
        sandbox::ScaleFreeParams params;
        params.services = options.generateServices;
        return sandbox::generateScaleFree(params, options.seed);
    }
    if (!options.topologyFile.empty())
        return sandbox::loadTopologyFile(options.topologyFile);
    return sandbox::parseTopology(builtinExampleTopology(), "<built-in example>");
}

// The Resources the sandbox starts with: --resources FILE, --generate-resources
// N, or the built-in examples.
core::Result<std::vector<core::ResourceSpec>> loadResources(const DaemonOptions& options)
{
    if (options.generateResources > 0)
        return generateResources(options.generateResources);
    if (options.resourcesFile.empty())
        return parseResourceDocuments(builtinSandboxResources(), "<built-in resources>");
    std::ifstream in(options.resourcesFile, std::ios::binary);
    if (!in)
        return core::makeError(
            core::ErrorCode::NotFound,
            "cannot read the resources file: " + std::string(std::strerror(errno)),
            options.resourcesFile);
    std::ostringstream text;
    text << in.rdbuf();
    return parseResourceDocuments(text.str(), options.resourcesFile);
}

core::Status seedResources(ResourceStore& store, std::vector<core::ResourceSpec> specs)
{
    for (core::ResourceSpec& spec : specs) {
        if (auto created = store.create(std::move(spec)); !created.ok())
            return created.error();
    }
    return core::okStatus();
}

// Writes the generated operator token where only this user can read it.
core::Status writeTokenFile(const std::string& path, const std::string& token)
{
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    const std::string temporary = path + ".tmp";
    // A leftover temporary (a crash mid-write) would keep its mode through a
    // truncating open; the umask below applies only to a new file.
    std::filesystem::remove(temporary, ec);
    const mode_t old = ::umask(077);
    {
        std::ofstream file(temporary, std::ios::trunc);
        file << token << "\n";
        if (!file.flush())
            ec = std::make_error_code(std::errc::io_error);
    }
    ::umask(old);
    if (!ec)
        std::filesystem::rename(temporary, path, ec);
    if (ec)
        return core::makeError(core::ErrorCode::Unavailable,
                               "cannot write the token file " + path + ": " + ec.message());
    return core::okStatus();
}

// The token file's tokens, or one operator token ($CONCORD_TOKEN or random)
// written to options.tokenOut.
core::Result<TokenStore> makeTokens(const DaemonOptions& options)
{
    if (!options.tokenFile.empty())
        return TokenStore::load(options.tokenFile);
    const char* given = std::getenv("CONCORD_TOKEN");
    const std::string token = given && *given ? std::string(given) : generateToken();
    TokenStore tokens;
    if (auto added = tokens.add(Token{token, "local", Role::Operator}); !added.ok())
        return added.error();
    if (auto written = writeTokenFile(options.tokenOut, token); !written.ok())
        return written.error();
    logInfo(kLog, "operator token 'local' written to " + options.tokenOut);
    return tokens;
}

core::Result<std::unique_ptr<Journal>> openJournal(const std::string& path)
{
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    return Journal::open(path);
}

std::function<void(std::string_view, RunPhase, std::string_view)> crashHookFromEnvironment()
{
    std::string step, point;
    if (!parseCrashPoint(std::getenv("CONCORD_TEST_CRASH_AT"), step, point))
        return {};
    logWarning(kLog, "test hook armed: SIGKILL at " + step + ":" + point);
    return [step, point](std::string_view, RunPhase phase, std::string_view at) {
        if (toString(phase) == step && at == point)
            ::kill(::getpid(), SIGKILL);
    };
}

// The orchestrator REST API over the sandbox's Things and Rules.
struct OrchestratorService
{
    std::unique_ptr<OrchestratorSandbox> sandbox;
    std::unique_ptr<OrchestratorRestServer> api;

    void stop()
    {
        if (api)
            api->stop();
        if (sandbox)
            sandbox->stop();
    }
};

// In the driver's virtual time, so --speed speeds the pods and heartbeats up
// too; the same tokens and TLS files as the gRPC API.
core::Result<OrchestratorService> startOrchestrator(const DaemonOptions& options,
                                                    const SandboxDriver& driver,
                                                    const TokenStore& tokens)
{
    OrchestratorService orchestrator;
    OrchestratorSandboxOptions sandboxOptions;
    sandboxOptions.clock = [&driver] { return driver.nowMs(); };
    orchestrator.sandbox = std::make_unique<OrchestratorSandbox>(std::move(sandboxOptions));
    OrchestratorRestOptions restOptions;
    restOptions.listenAddress = options.orchestratorListen;
    restOptions.tls.certFile = options.tlsCert;
    restOptions.tls.keyFile = options.tlsKey;
    restOptions.tls.clientCaFile = options.tlsClientCa;
    restOptions.tokens = tokens;
    auto api = OrchestratorRestServer::start(std::move(restOptions), *orchestrator.sandbox);
    if (!api.ok())
        return api.error();
    orchestrator.api = std::move(*api);
    orchestrator.sandbox->start();
    return orchestrator;
}

int waitForSignal()
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    int received = 0;
    sigwait(&signals, &received);
    return received;
}

}  // namespace

bool parseCrashPoint(const char* spec, std::string& step, std::string& point)
{
    if (!spec || !*spec)
        return false;
    const std::string text = spec;
    const auto colon = text.find(':');
    if (colon == std::string::npos)
        return false;
    step = text.substr(0, colon);
    point = text.substr(colon + 1);
    return runPhaseFromString(step).has_value() && (point == "journaled" || point == "applied");
}

int runDaemon(const DaemonOptions& options, std::ostream& out)
{
    auto topology = loadTopology(options);
    if (!topology.ok()) {
        logError(kLog, topology.error().toString());
        return 1;
    }
    auto resourceSpecs = loadResources(options);
    if (!resourceSpecs.ok()) {
        logError(kLog, "resources: " + resourceSpecs.error().toString());
        return 1;
    }
    auto journal = openJournal(options.journalPath);
    if (!journal.ok()) {
        logError(kLog, "journal: " + journal.error().toString());
        return 1;
    }
    auto tokens = makeTokens(options);
    if (!tokens.ok()) {
        logError(kLog, tokens.error().toString());
        return 1;
    }
    const std::string meshName = topology->name;
    SandboxDriverOptions driverOptions;
    driverOptions.topology = std::move(*topology);
    driverOptions.seed = options.seed;
    driverOptions.speed = options.speed;
    if (options.rootRequestsPerSecond > 0)
        driverOptions.meanArrivalIntervalMs = 1000.0 / options.rootRequestsPerSecond;
    driverOptions.deployDelayMs = options.deployDelayMs;
    driverOptions.rulePropagationMs = options.rulePropagationMs;
    SandboxDriver driver(std::move(driverOptions));
    auto resources = std::make_shared<ResourceStore>();
    const std::size_t resourceCount = resourceSpecs->size();
    if (auto seeded = seedResources(*resources, std::move(*resourceSpecs)); !seeded.ok()) {
        logError(kLog, "resources: " + seeded.error().toString());
        return 1;
    }
    ResourceReconciler reconciler(*resources, driver);
    // Like the runner's resume: the probes exist before time runs (up at once).
    reconciler.reconcileAll();
    logInfo(kLog, std::to_string(resourceCount) + " resource(s) reconciled");

    RunnerOptions runnerOptions;
    runnerOptions.stepHook = crashHookFromEnvironment();
    UpdateRunner runner(driver, **journal, runnerOptions);
    // Re-establish what the journal says before traffic flows, so no request
    // meets a mesh that has forgotten an unfinished update's rules.
    if (auto resumed = runner.resumeUnfinished(); !resumed.ok()) {
        logError(kLog, "resuming unfinished updates: " + resumed.error().toString());
        return 1;
    }
    driver.startTraffic();
    runner.start();
    reconciler.start();

    OrchestratorService orchestrator;
    if (options.orchestratorEnabled()) {
        auto started = startOrchestrator(options, driver, *tokens);
        if (!started.ok()) {
            logError(kLog, "orchestrator API: " + started.error().toString());
            reconciler.stop();
            runner.stop();
            driver.stop();
            return 1;
        }
        orchestrator = std::move(*started);
    }

    ApiServerOptions serverOptions;
    serverOptions.listenAddress = options.listen;
    serverOptions.orchestratorUrl = orchestrator.api ? orchestrator.api->url() : std::string();
    serverOptions.tls.certFile = options.tlsCert;
    serverOptions.tls.keyFile = options.tlsKey;
    serverOptions.tls.clientCaFile = options.tlsClientCa;
    serverOptions.tokens = std::move(*tokens);
    serverOptions.meshName = meshName;
    serverOptions.resources = resources;
    auto server = ApiServer::start(std::move(serverOptions), runner, driver, **journal);
    if (!server.ok()) {
        logError(kLog, "API server: " + server.error().toString());
        orchestrator.stop();
        reconciler.stop();
        runner.stop();
        driver.stop();
        return 1;
    }
    logInfo(kLog, "serving " + std::string(options.tlsEnabled() ? "TLS" : "plaintext") + " on " +
                      (*server)->address() + ", sandbox mesh '" + meshName + "'");
    out << "concordd: serving on " << (*server)->address() << std::endl;
    if (orchestrator.api) {
        logInfo(kLog, "orchestrator API on " + orchestrator.api->url());
        out << "concordd: orchestrator on " << orchestrator.api->url() << std::endl;
    }

    const int signal = waitForSignal();
    logInfo(kLog, std::string("shutting down on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
    (*server)->shutdown();
    orchestrator.stop();
    reconciler.stop();
    runner.stop();
    driver.stop();
    logInfo(kLog, "stopped");
    return 0;
}

}  // namespace concord::controller
