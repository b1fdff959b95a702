// The evaluation sweep of issue 2 (after Ma et al., ESEC/FSE 2011, §6):
// scale-free call graphs of 4, 8, 16 and 32 services, N random configurations
// each (mean local processing 50, mean root arrival interval 25, message
// delay 5, dependency tracking set up on demand), timeliness and disruption
// per strategy; then WF against CV and BF time-to-free on 16 services as the
// arrival interval falls from 1600 to 250. Prints Markdown tables.
//
//   evaluation_sweep [--configs N] [--threads T] [--quick]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/scenario_runner.h"
#include "sandbox/topology.h"

using namespace concord::sandbox;

namespace {

struct Job
{
    int services = 0;
    double interval = 25;
    std::uint64_t config = 0;
    Strategy strategy = Strategy::ConcurrentVersions;
    int table = 0;  // 0: size sweep, 1: interval sweep
};

struct Outcome
{
    Job job;
    bool completed = false;
    double timeliness = 0;
    double disruption = 0;
    std::uint64_t inconsistent = 0;
    std::uint64_t subTransactions = 0;
};

Outcome runJob(const Job& job)
{
    ScaleFreeParams params;
    params.services = job.services;
    params.meanProcessing = 50;
    params.meanArrivalInterval = job.interval;
    params.messageDelay = 5;
    const Topology topology = generateScaleFree(params, job.config);
    ScenarioOptions options;
    options.seed = job.config * 7919 + 1;
    options.onDemandTracking = true;
    // WF may never find the old version unused under load: give up after a
    // long, fixed horizon so the sweep stays bounded.
    options.timeout = 40000;
    Outcome outcome{job};
    const auto result = runScenario(topology, job.strategy, options);
    if (!result) {
        std::cerr << "config " << job.config << ": " << result.error().toString() << '\n';
        return outcome;
    }
    outcome.completed = result->update.timeliness >= 0;
    outcome.timeliness = result->update.timeliness;
    outcome.disruption = result->update.disruption;
    outcome.inconsistent = result->run.inconsistentTransactions;
    outcome.subTransactions = result->run.subTransactions;
    return outcome;
}

std::vector<Outcome> runAll(const std::vector<Job>& jobs, int threads)
{
    std::vector<Outcome> outcomes(jobs.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            for (std::size_t i = next++; i < jobs.size(); i = next++)
                outcomes[i] = runJob(jobs[i]);
        });
    }
    for (auto& thread : pool)
        thread.join();
    return outcomes;
}

struct Summary
{
    int runs = 0;
    int completed = 0;
    std::vector<double> timeliness;
    double disruption = 0;
    std::uint64_t inconsistent = 0;

    double mean() const
    {
        return timeliness.empty() ? NAN
                                  : std::accumulate(timeliness.begin(), timeliness.end(), 0.0) /
                                        static_cast<double>(timeliness.size());
    }
    double percentile(double p)
    {
        if (timeliness.empty())
            return NAN;
        std::sort(timeliness.begin(), timeliness.end());
        const auto k = static_cast<std::size_t>(p * static_cast<double>(timeliness.size() - 1));
        return timeliness[k];
    }
};

Summary summarise(const std::vector<Outcome>& outcomes, int table, int services, double interval,
                  Strategy strategy)
{
    Summary s;
    for (const Outcome& o : outcomes) {
        if (o.job.table != table || o.job.services != services || o.job.interval != interval ||
            o.job.strategy != strategy)
            continue;
        ++s.runs;
        s.disruption += o.disruption;
        s.inconsistent += o.inconsistent;
        if (o.completed) {
            ++s.completed;
            s.timeliness.push_back(o.timeliness);
        }
    }
    if (s.runs > 0)
        s.disruption /= s.runs;
    return s;
}

std::string fmt(double value)
{
    if (std::isnan(value))
        return "—";
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
}

void printSizeTable(const std::vector<Outcome>& outcomes, const std::vector<int>& sizes)
{
    std::cout << "| services | strategy | completed | timeliness mean | timeliness p95 | "
                 "disruption mean | inconsistent |\n|---:|---|---:|---:|---:|---:|---:|\n";
    for (int n : sizes) {
        for (Strategy strategy :
             {Strategy::Quiescence, Strategy::WaitForFree, Strategy::BlockForFree,
              Strategy::ConcurrentVersions, Strategy::Naive}) {
            Summary s = summarise(outcomes, 0, n, 25, strategy);
            std::cout << "| " << n << " | " << toString(strategy) << " | " << s.completed << '/'
                      << s.runs << " | " << fmt(s.mean()) << " | " << fmt(s.percentile(0.95))
                      << " | " << fmt(s.disruption) << " | " << s.inconsistent << " |\n";
        }
    }
}

void printIntervalTable(const std::vector<Outcome>& outcomes, const std::vector<double>& intervals)
{
    std::cout << "| arrival interval | WF completed | WF time-to-free | BF time-to-free | "
                 "CV time-to-free | BF disruption | CV disruption |\n"
                 "|---:|---:|---:|---:|---:|---:|---:|\n";
    for (double interval : intervals) {
        Summary wf = summarise(outcomes, 1, 16, interval, Strategy::WaitForFree);
        Summary bf = summarise(outcomes, 1, 16, interval, Strategy::BlockForFree);
        Summary cv = summarise(outcomes, 1, 16, interval, Strategy::ConcurrentVersions);
        std::cout << "| " << fmt(interval) << " | " << wf.completed << '/' << wf.runs << " | "
                  << fmt(wf.mean()) << " | " << fmt(bf.mean()) << " | " << fmt(cv.mean()) << " | "
                  << fmt(bf.disruption) << " | " << fmt(cv.disruption) << " |\n";
    }
}

}  // namespace

int main(int argc, char** argv)
{
    int configs = 100;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--configs" && i + 1 < argc) {
            configs = std::max(1, std::atoi(argv[++i]));
        } else if (arg == "--threads" && i + 1 < argc) {
            threads = std::max(1, std::atoi(argv[++i]));
        } else if (arg == "--quick") {
            configs = 2;
        } else {
            std::cerr << "usage: evaluation_sweep [--configs N] [--threads T] [--quick]\n";
            return 2;
        }
    }
    const std::vector<int> sizes = {4, 8, 16, 32};
    const std::vector<double> intervals = {1600, 1200, 800, 600, 400, 250};
    std::vector<Job> jobs;
    for (int n : sizes)
        for (int c = 0; c < configs; ++c)
            for (Strategy strategy : allStrategies())
                jobs.push_back({n, 25, static_cast<std::uint64_t>(c + 1), strategy, 0});
    for (double interval : intervals)
        for (int c = 0; c < configs; ++c)
            for (Strategy strategy :
                 {Strategy::WaitForFree, Strategy::BlockForFree, Strategy::ConcurrentVersions})
                jobs.push_back({16, interval, static_cast<std::uint64_t>(c + 1), strategy, 1});

    const auto start = std::chrono::steady_clock::now();
    const std::vector<Outcome> outcomes = runAll(jobs, threads);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::uint64_t subTransactions = 0;
    for (const Outcome& o : outcomes)
        subTransactions += o.subTransactions;

    std::cout << "### Timeliness and disruption by graph size (" << configs
              << " configurations each, arrival interval 25)\n\n";
    printSizeTable(outcomes, sizes);
    std::cout << "\n### WF vs BF/CV time-to-free, 16 services (" << configs
              << " configurations each)\n\n";
    printIntervalTable(outcomes, intervals);
    std::cout << "\n"
              << jobs.size() << " simulations, " << subTransactions << " sub-transactions, "
              << fmt(seconds) << " s wall on " << threads << " threads.\n";
    return 0;
}
