// concordd — the Concord controller daemon (`concordd [serve]`), plus the
// `bench` (sandbox update scenarios) and `ctl` (API client) commands.

#include <signal.h>

#include <iostream>
#include <string>
#include <vector>

#include "bench_command.h"
#include "ctl_command.h"
#include "daemon.h"
#include "daemon_options.h"

int main(int argc, char** argv)
{
    using namespace concord::controller;
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "bench")
        return runBenchCommand({args.begin() + 1, args.end()}, std::cout, std::cerr);
    if (!args.empty() && args[0] == "ctl")
        return runCtlCommand({args.begin() + 1, args.end()}, std::cout, std::cerr);

    // Before any thread exists, so every thread inherits the mask and the
    // daemon receives SIGINT / SIGTERM only through sigwait().
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    bool help = false;
    const auto options = parseDaemonOptions(args, std::cerr, help);
    if (help) {
        std::cout << kDaemonUsage;
        return 0;
    }
    if (!options) {
        std::cerr << kDaemonUsage;
        return 2;
    }
    return runDaemon(*options, std::cout);
}
