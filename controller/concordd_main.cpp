// concordd — the Concord controller daemon. This build carries the `bench`
// command (sandbox update scenarios); the gRPC API arrives with its issue.

#include <iostream>
#include <string>
#include <vector>

#include "bench_command.h"

namespace {

constexpr const char* kUsage = R"(usage: concordd <command> [options]

commands:
  bench     run an update scenario in the sandbox and print a row per strategy
            (concordd bench --help)
)";

}  // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "bench")
        return concord::controller::runBenchCommand({args.begin() + 1, args.end()}, std::cout,
                                                    std::cerr);
    std::cerr << "concordd: unknown command '" << args[0] << "'\n" << kUsage;
    return 2;
}
