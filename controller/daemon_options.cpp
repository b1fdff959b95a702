#include "daemon_options.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <sstream>

namespace concord::controller {

const char* const kDaemonUsage = R"(usage: concordd [serve] [options]
       concordd bench …      (concordd bench --help)
       concordd ctl …        (concordd ctl --help)

Runs the Concord controller: the gRPC API of docs/api.md over a mesh driver.

driver (the sandbox: a simulated mesh with live traffic in wall-clock time)
  --sandbox              use the sandbox driver (the default, and for now the only one)
  --topology FILE        topology YAML (default: the built-in example system)
  --generate N           instead: a generated scale-free mesh of N services (2…5000)
  --rate R               root requests per second (default: the topology's)
  --speed X              run the sandbox X times faster than the wall clock (default 1)
  --seed N               random seed of the sandbox (default 1)
  --deploy-delay MS      until a deployed version's instances are ready (default 300)
  --rule-propagation MS  how long rules take to reach the sidecars (default: the
                         topology's message delay); the runner waits this long per phase
  --resources FILE       Resource manifests, multi-document YAML (default: the built-in
                         examples: air purifiers, lamps, people, a crash-looping probe)
  --generate-resources N instead: N generated Resources (1…100000), for scale tests

API
  --listen HOST:PORT     address to serve on (default 127.0.0.1:7443; port 0 = any free port).
                         A non-loopback address needs TLS.
  --tls-cert FILE --tls-key FILE
                         serve TLS with this certificate chain and key (PEM)
  --tls-client-ca FILE   require client certificates signed by this CA (mTLS)
  --token-file FILE      bearer tokens, one "<token> <name> <viewer|operator>" per line
  --token-out FILE       without --token-file: where the generated operator token is
                         written, mode 0600 (default $XDG_RUNTIME_DIR/concord/token);
                         $CONCORD_TOKEN, if set, is used instead of a random token
  --orchestrator-listen HOST:PORT
                         the orchestrator REST API of docs/orchestrator-api.md, same tokens
                         and TLS (default 127.0.0.1:0 = any free port; "off" = none).
                         A non-loopback address needs TLS.

state
  --journal FILE         SQLite journal of updates (default ~/.local/state/concord/journal.db);
                         unfinished updates in it are resumed at start
  --help                 this text

When it is ready concordd prints "concordd: serving on HOST:PORT" on stdout, then
"concordd: orchestrator on URL" unless --orchestrator-listen is off.
)";

namespace {

std::string envDir(const char* variable, const char* homeRelative)
{
    if (const char* value = std::getenv(variable); value && *value)
        return std::string(value) + "/concord";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : "/tmp") + "/" + homeRelative + "/concord";
}

std::optional<double> toNumber(const std::string& text)
{
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value))
        return std::nullopt;
    return value;
}

bool setNumber(const std::string& flag, const std::string& text, double min, double max,
               double& target, std::ostream& err)
{
    const auto value = toNumber(text);
    if (!value || *value < min || *value > max) {
        err << "concordd: " << flag << " must be a number in [" << min << ", " << max << "], got '"
            << text << "'\n";
        return false;
    }
    target = *value;
    return true;
}

bool takeValue(DaemonOptions& o, const std::string& flag, const std::string& value,
               std::ostream& err)
{
    if (flag == "--topology")
        o.topologyFile = value;
    else if (flag == "--rate")
        return setNumber(flag, value, 0.001, 1e6, o.rootRequestsPerSecond, err);
    else if (flag == "--speed")
        return setNumber(flag, value, 0.01, 1000, o.speed, err);
    else if (flag == "--deploy-delay")
        return setNumber(flag, value, 0, 3.6e6, o.deployDelayMs, err);
    else if (flag == "--rule-propagation")
        return setNumber(flag, value, 0, 3.6e6, o.rulePropagationMs, err);
    else if (flag == "--resources")
        o.resourcesFile = value;
    else if (flag == "--generate-resources") {
        double n = 0;
        if (!setNumber(flag, value, 1, 100000, n, err))
            return false;
        o.generateResources = static_cast<int>(n);
    } else if (flag == "--generate") {
        double n = 0;
        if (!setNumber(flag, value, 2, 5000, n, err))
            return false;
        o.generateServices = static_cast<int>(n);
    } else if (flag == "--seed") {
        double seed = 0;
        if (!setNumber(flag, value, 0, 9e15, seed, err))
            return false;
        o.seed = static_cast<std::uint64_t>(seed);
    } else if (flag == "--listen")
        o.listen = value;
    else if (flag == "--journal")
        o.journalPath = value;
    else if (flag == "--tls-cert")
        o.tlsCert = value;
    else if (flag == "--tls-key")
        o.tlsKey = value;
    else if (flag == "--tls-client-ca")
        o.tlsClientCa = value;
    else if (flag == "--token-file")
        o.tokenFile = value;
    else if (flag == "--token-out")
        o.tokenOut = value;
    else if (flag == "--orchestrator-listen")
        o.orchestratorListen = value;
    else {
        err << "concordd: unknown option " << flag << "\n";
        return false;
    }
    return true;
}

bool validateOrchestrator(const DaemonOptions& o, std::ostream& err)
{
    if (!o.orchestratorEnabled())
        return true;
    const auto colon = o.orchestratorListen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == o.orchestratorListen.size()) {
        err << "concordd: --orchestrator-listen needs HOST:PORT or off, got '"
            << o.orchestratorListen << "'\n";
        return false;
    }
    if (!o.tlsEnabled() && !isLoopbackAddress(o.orchestratorListen)) {
        err << "concordd: refusing to serve the orchestrator API on " << o.orchestratorListen
            << " without TLS; use a loopback address or give --tls-cert/--tls-key\n";
        return false;
    }
    return true;
}

bool validate(const DaemonOptions& o, std::ostream& err)
{
    if (o.generateServices > 0 && !o.topologyFile.empty()) {
        err << "concordd: give --topology or --generate, not both\n";
        return false;
    }
    if (o.generateResources > 0 && !o.resourcesFile.empty()) {
        err << "concordd: give --resources or --generate-resources, not both\n";
        return false;
    }
    if (o.tlsCert.empty() != o.tlsKey.empty()) {
        err << "concordd: --tls-cert and --tls-key go together\n";
        return false;
    }
    if (!o.tlsClientCa.empty() && !o.tlsEnabled()) {
        err << "concordd: --tls-client-ca needs --tls-cert and --tls-key\n";
        return false;
    }
    if (o.listen.find(':') == std::string::npos) {
        err << "concordd: --listen needs HOST:PORT, got '" << o.listen << "'\n";
        return false;
    }
    if (!o.tlsEnabled() && !isLoopbackAddress(o.listen)) {
        err << "concordd: refusing to serve " << o.listen
            << " without TLS; use a loopback address or give --tls-cert/--tls-key\n";
        return false;
    }
    if (!validateOrchestrator(o, err))
        return false;
    return true;
}

}  // namespace

std::string defaultJournalPath()
{
    return envDir("XDG_STATE_HOME", ".local/state") + "/journal.db";
}

std::string defaultTokenPath()
{
    return envDir("XDG_RUNTIME_DIR", ".local/state") + "/token";
}

bool isLoopbackAddress(const std::string& hostPort)
{
    const auto colon = hostPort.rfind(':');
    std::string host = hostPort.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host.rfind("ipv4:", 0) == 0)
        host = host.substr(5);
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::optional<DaemonOptions> parseDaemonOptions(const std::vector<std::string>& args,
                                                std::ostream& err, bool& help)
{
    DaemonOptions o;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            help = true;
            return o;
        }
        if (a == "--sandbox" || (i == 0 && a == "serve"))
            continue;
        if (a.rfind("--", 0) != 0) {
            err << "concordd: unexpected argument '" << a << "'\n";
            return std::nullopt;
        }
        if (i + 1 >= args.size()) {
            // Every option but --sandbox / --help takes a value; tell a typo from a
            // missing value by trying the flag on a scratch copy.
            DaemonOptions scratch;
            std::ostringstream ignored;
            takeValue(scratch, a, "0", ignored);
            const bool known = ignored.str().find("unknown option") == std::string::npos;
            err << "concordd: " << (known ? a + " needs a value" : "unknown option " + a) << "\n";
            return std::nullopt;
        }
        if (!takeValue(o, a, args[++i], err))
            return std::nullopt;
    }
    if (!validate(o, err))
        return std::nullopt;
    if (o.journalPath.empty())
        o.journalPath = defaultJournalPath();
    if (o.tokenOut.empty() && o.tokenFile.empty())
        o.tokenOut = defaultTokenPath();
    return o;
}

}  // namespace concord::controller
