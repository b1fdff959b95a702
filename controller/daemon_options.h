#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace concord::controller {

// How `concordd [serve]` runs: the driver and its mesh, the API endpoint, the
// journal, TLS and tokens.
struct DaemonOptions
{
    // Driver: the sandbox (the only one so far; kubernetes comes later).
    std::string topologyFile;  // empty = the built-in example system
    int generateServices = 0;  // > 0: instead, a scale-free mesh of this many services (seed)
    double rootRequestsPerSecond = 0;  // > 0 overrides the topology's arrival rate
    double speed = 1;                  // virtual ms per wall ms (tests run faster)
    std::uint64_t seed = 1;
    double deployDelayMs = 300;  // until a deployed version's instances are ready

    std::string listen = "127.0.0.1:7443";  // port 0 = any free port (printed when ready)
    std::string journalPath;                // empty = defaultJournalPath()

    std::string tlsCert, tlsKey, tlsClientCa;  // cert+key enable TLS; client CA enables mTLS
    // Tokens: a token file (`<token> <name> <role>` lines), or else one
    // operator token — $CONCORD_TOKEN if set, otherwise random — written to
    // `tokenOut` (mode 0600; default defaultTokenPath()).
    std::string tokenFile;
    std::string tokenOut;
    // Sandbox: how long applied rules take to reach every sidecar; < 0 = the
    // topology's message delay. Longer gaps make each phase visible (demos, tests).
    double rulePropagationMs = -1;
    // Resources (sandbox): a multi-document YAML file of Resource manifests,
    // or N generated ones; neither = the built-in examples.
    std::string resourcesFile;
    int generateResources = 0;

    // The orchestrator REST API the sandbox serves (docs/orchestrator-api.md):
    // host:port (port 0 = any free port), or "off".
    std::string orchestratorListen = "127.0.0.1:0";

    bool tlsEnabled() const { return !tlsCert.empty(); }
    bool orchestratorEnabled() const { return orchestratorListen != "off"; }
};

// $XDG_STATE_HOME/concord/journal.db or ~/.local/state/concord/journal.db.
std::string defaultJournalPath();
// $XDG_RUNTIME_DIR/concord/token, or ~/.local/state/concord/token.
std::string defaultTokenPath();

// Parses `concordd [serve] …` arguments; on error writes the reason to `err`
// and returns nullopt. `help` is set for --help.
std::optional<DaemonOptions> parseDaemonOptions(const std::vector<std::string>& args,
                                                std::ostream& err, bool& help);
extern const char* const kDaemonUsage;

// True for 127.0.0.0/8, ::1 and "localhost" (with a port).
bool isLoopbackAddress(const std::string& hostPort);

}  // namespace concord::controller
