#include "bench_command.h"

#include <charconv>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "sandbox/scenario_runner.h"
#include "sandbox/topology.h"

namespace concord::controller {

namespace {

using sandbox::ScenarioOptions;
using sandbox::ScenarioResult;
using sandbox::Strategy;

constexpr const char* kUsage = R"(usage: concordd bench [options]

Runs a consistent update in the sandbox (virtual time) and prints one row per
strategy: timeliness, disruption, failed and inconsistent transactions, peak
instances.

  --topology FILE       topology YAML (docs/topology-format.md)
  --generate N          instead: a scale-free call graph of N services
  --strategy LIST       comma-separated: naive,quiescence,wf,bf,cv (default: all)
  --seed S              first random seed (default 1)
  --seeds K             run K seeds (S, S+1, ...) and aggregate (default 1)
  --interval T          mean time between root requests (overrides the topology)
  --rate R              root requests per 1000 time units (= per second in real time)
  --service NAME --from V --to V --at T
                        the update (default: the topology's update scenario)
  --deploy-delay T      time until new instances are ready (default 0)
  --timeout T           WF/BF/quiescence give up after T (default: see docs)
  --ttl T               straggler TTL for the DiffSet (default: none)
  --force-retire        retire once only stragglers remain (possible violations)
  --on-demand           set up dependency tracking at the update request
  --json                machine-readable output
  --help                this text
)";

struct Options
{
    std::string topologyFile;
    int generate = 0;
    std::vector<Strategy> strategies;
    std::uint64_t seed = 1;
    int seeds = 1;
    ScenarioOptions scenario;
    bool json = false;
};

std::optional<double> toNumber(const std::string& text)
{
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value))
        return std::nullopt;
    return value;
}

// Parses argv; on error writes the reason to `err` and returns nullopt.
std::optional<Options> parseOptions(const std::vector<std::string>& args, std::ostream& err,
                                    bool& help)
{
    Options options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (flag == "--help" || flag == "-h") {
            help = true;
            return options;
        }
        if (flag == "--json") {
            options.json = true;
            continue;
        }
        if (flag == "--force-retire") {
            options.scenario.forceRetireStragglers = true;
            continue;
        }
        if (flag == "--on-demand") {
            options.scenario.onDemandTracking = true;
            continue;
        }
        if (i + 1 >= args.size()) {
            err << "concordd bench: " << flag << " needs a value (see --help)\n";
            return std::nullopt;
        }
        const std::string& value = args[++i];
        const auto number = toNumber(value);
        const auto needNumber = [&](double min) {
            if (number && *number >= min)
                return true;
            err << "concordd bench: " << flag << " wants a number >= " << min << ", got '" << value
                << "'\n";
            return false;
        };
        if (flag == "--topology") {
            options.topologyFile = value;
        } else if (flag == "--generate") {
            if (!needNumber(2))
                return std::nullopt;
            options.generate = static_cast<int>(*number);
        } else if (flag == "--strategy") {
            std::stringstream list(value);
            for (std::string name; std::getline(list, name, ',');) {
                if (name == "all") {
                    options.strategies = sandbox::allStrategies();
                    continue;
                }
                const auto strategy = sandbox::parseStrategy(name);
                if (!strategy) {
                    err << "concordd bench: unknown strategy '" << name
                        << "' (naive, quiescence, wf, bf, cv)\n";
                    return std::nullopt;
                }
                options.strategies.push_back(*strategy);
            }
        } else if (flag == "--seed") {
            if (!needNumber(0))
                return std::nullopt;
            options.seed = static_cast<std::uint64_t>(*number);
        } else if (flag == "--seeds") {
            if (!needNumber(1))
                return std::nullopt;
            options.seeds = static_cast<int>(*number);
        } else if (flag == "--interval") {
            if (!needNumber(1e-6))
                return std::nullopt;
            options.scenario.meanArrivalInterval = *number;
        } else if (flag == "--rate") {
            if (!needNumber(1e-6))
                return std::nullopt;
            options.scenario.meanArrivalInterval = 1000.0 / *number;
        } else if (flag == "--service") {
            options.scenario.update.service = value;
        } else if (flag == "--from") {
            options.scenario.update.fromVersion = value;
        } else if (flag == "--to") {
            options.scenario.update.toVersion = value;
        } else if (flag == "--at") {
            if (!needNumber(0))
                return std::nullopt;
            options.scenario.update.at = *number;
        } else if (flag == "--deploy-delay") {
            if (!needNumber(0))
                return std::nullopt;
            options.scenario.deployDelay = *number;
        } else if (flag == "--timeout") {
            if (!needNumber(1e-6))
                return std::nullopt;
            options.scenario.timeout = *number;
        } else if (flag == "--ttl") {
            if (!needNumber(0))
                return std::nullopt;
            options.scenario.stragglerTtl = *number;
        } else {
            err << "concordd bench: unknown option '" << flag << "' (see --help)\n";
            return std::nullopt;
        }
    }
    if (options.topologyFile.empty() == (options.generate == 0)) {
        err << "concordd bench: give exactly one of --topology FILE or --generate N\n";
        return std::nullopt;
    }
    if (options.strategies.empty())
        options.strategies = sandbox::allStrategies();
    return options;
}

// Per-strategy aggregate over seeds.
struct Row
{
    Strategy strategy = Strategy::ConcurrentVersions;
    int runs = 0;
    int completed = 0;
    int timedOut = 0;
    double timelinessSum = 0;
    double disruptionSum = 0;
    std::uint64_t transactions = 0;
    std::uint64_t failed = 0;
    std::uint64_t mixedFailures = 0;
    std::uint64_t inconsistent = 0;
    std::uint64_t retried = 0;
    std::uint64_t failedRequests = 0;
    std::uint64_t subTransactions = 0;
    int peakInstances = 0;
    double cpuSeconds = 0;
    nlohmann::json perSeed = nlohmann::json::array();

    void add(const ScenarioResult& r)
    {
        ++runs;
        const bool done = r.update.timeliness >= 0;
        completed += done ? 1 : 0;
        timedOut += r.update.state == sandbox::UpdateState::TimedOut ? 1 : 0;
        timelinessSum += done ? r.update.timeliness : 0;
        disruptionSum += r.update.disruption;
        transactions += r.run.transactionsCompleted;
        failed += r.run.failedTransactions;
        mixedFailures += r.run.mixedVersionFailures;
        inconsistent += r.run.inconsistentTransactions;
        retried += r.run.retriedRequests;
        failedRequests += r.run.failedRequests;
        subTransactions += r.run.subTransactions;
        peakInstances = std::max(peakInstances, r.run.peakInstances);
        cpuSeconds += r.cpuSeconds;
        perSeed.push_back({{"seed", r.seed},
                           {"state", std::string(sandbox::toString(r.update.state))},
                           {"timeliness", done ? nlohmann::json(r.update.timeliness) : nullptr},
                           {"disruption", r.update.disruption},
                           {"failedTransactions", r.run.failedTransactions},
                           {"inconsistentTransactions", r.run.inconsistentTransactions},
                           {"peakInstances", r.run.peakInstances}});
    }
    double meanTimeliness() const { return completed > 0 ? timelinessSum / completed : -1; }
    double meanDisruption() const { return runs > 0 ? disruptionSum / runs : 0; }
};

void printTable(const std::vector<Row>& rows, std::ostream& out)
{
    out << std::left << std::setw(12) << "strategy" << std::right << std::setw(11) << "completed"
        << std::setw(13) << "timeliness" << std::setw(13) << "disruption" << std::setw(9)
        << "failed" << std::setw(14) << "inconsistent" << std::setw(7) << "peak" << std::setw(14)
        << "transactions" << '\n';
    for (const Row& row : rows) {
        std::ostringstream done;
        done << row.completed << '/' << row.runs;
        std::ostringstream timeliness;
        if (row.completed > 0)
            timeliness << std::fixed << std::setprecision(1) << row.meanTimeliness();
        else
            timeliness << "timeout";
        out << std::left << std::setw(12) << sandbox::toString(row.strategy) << std::right
            << std::setw(11) << done.str() << std::setw(13) << timeliness.str() << std::setw(13)
            << std::fixed << std::setprecision(1) << row.meanDisruption() << std::setw(9)
            << row.failed << std::setw(14) << row.inconsistent << std::setw(7) << row.peakInstances
            << std::setw(14) << row.transactions << '\n';
    }
    out << "timeliness: update request -> old version removable (mean over completed runs);\n"
           "disruption: blocked + retry time summed over transactions (mean per run);\n"
           "failed / inconsistent: transactions, summed over runs.\n";
}

nlohmann::json toJson(const std::vector<Row>& rows, const sandbox::Topology& topology,
                      const Options& options)
{
    nlohmann::json results = nlohmann::json::array();
    for (const Row& row : rows) {
        results.push_back(
            {{"strategy", std::string(sandbox::toString(row.strategy))},
             {"runs", row.runs},
             {"completed", row.completed},
             {"timedOut", row.timedOut},
             {"timeliness", row.completed > 0 ? nlohmann::json(row.meanTimeliness()) : nullptr},
             {"disruption", row.meanDisruption()},
             {"failedTransactions", row.failed},
             {"mixedVersionFailures", row.mixedFailures},
             {"inconsistentTransactions", row.inconsistent},
             {"retriedRequests", row.retried},
             {"failedRequests", row.failedRequests},
             {"subTransactions", row.subTransactions},
             {"transactions", row.transactions},
             {"peakInstances", row.peakInstances},
             {"cpuSeconds", row.cpuSeconds},
             {"perSeed", row.perSeed}});
    }
    return {{"topology", topology.name},
            {"seed", options.seed},
            {"seeds", options.seeds},
            {"results", results}};
}

}  // namespace

int runBenchCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    bool help = false;
    const auto options = parseOptions(args, err, help);
    if (help) {
        out << kUsage;
        return 0;
    }
    if (!options)
        return 2;

    sandbox::Topology topology;
    if (options->generate > 0) {
        sandbox::ScaleFreeParams params;
        params.services = options->generate;
        topology = sandbox::generateScaleFree(params, options->seed);
    } else {
        auto loaded = sandbox::loadTopologyFile(options->topologyFile);
        if (!loaded) {
            err << "concordd bench: " << loaded.error().toString() << '\n';
            return 2;
        }
        topology = std::move(loaded.value());
    }

    std::vector<Row> rows;
    for (Strategy strategy : options->strategies) {
        Row row;
        row.strategy = strategy;
        for (int k = 0; k < options->seeds; ++k) {
            ScenarioOptions scenario = options->scenario;
            scenario.seed = options->seed + static_cast<std::uint64_t>(k);
            auto result = sandbox::runScenario(topology, strategy, scenario);
            if (!result) {
                err << "concordd bench: " << result.error().toString() << '\n';
                return 2;
            }
            row.add(result.value());
        }
        rows.push_back(std::move(row));
    }
    if (options->json)
        out << toJson(rows, topology, *options).dump(2) << '\n';
    else
        printTable(rows, out);
    return 0;
}

}  // namespace concord::controller
