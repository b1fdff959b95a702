#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "controller/builtin_topology.h"
#include "controller/ctl_command.h"
#include "controller/daemon_options.h"
#include "sandbox/topology.h"

namespace concord::controller {
namespace {

std::optional<DaemonOptions> parse(std::vector<std::string> args, std::string* error = nullptr)
{
    std::ostringstream err;
    bool help = false;
    auto options = parseDaemonOptions(args, err, help);
    if (error)
        *error = err.str();
    return options;
}

TEST(DaemonOptions, DefaultsServeTheSandboxOnLoopback)
{
    const auto options = parse({"--sandbox"});
    ASSERT_TRUE(options);
    EXPECT_EQ(options->listen, "127.0.0.1:7443");
    EXPECT_FALSE(options->tlsEnabled());
    EXPECT_FALSE(options->journalPath.empty());
    EXPECT_FALSE(options->tokenOut.empty());
    EXPECT_TRUE(options->topologyFile.empty());
}

TEST(DaemonOptions, ParsesEveryValue)
{
    const auto options = parse({"serve",
                                "--topology",
                                "t.yaml",
                                "--rate",
                                "40",
                                "--speed",
                                "20",
                                "--seed",
                                "7",
                                "--deploy-delay",
                                "50",
                                "--listen",
                                "0.0.0.0:9000",
                                "--tls-cert",
                                "c.pem",
                                "--tls-key",
                                "k.pem",
                                "--tls-client-ca",
                                "ca.pem",
                                "--journal",
                                "/tmp/j.db",
                                "--token-file",
                                "tokens",
                                "--rule-propagation",
                                "250"});
    ASSERT_TRUE(options);
    EXPECT_EQ(options->topologyFile, "t.yaml");
    EXPECT_DOUBLE_EQ(options->rootRequestsPerSecond, 40);
    EXPECT_DOUBLE_EQ(options->speed, 20);
    EXPECT_EQ(options->seed, 7u);
    EXPECT_DOUBLE_EQ(options->deployDelayMs, 50);
    EXPECT_EQ(options->listen, "0.0.0.0:9000");
    EXPECT_TRUE(options->tlsEnabled());
    EXPECT_EQ(options->tlsClientCa, "ca.pem");
    EXPECT_EQ(options->journalPath, "/tmp/j.db");
    EXPECT_EQ(options->tokenFile, "tokens");
    EXPECT_TRUE(options->tokenOut.empty());
    EXPECT_DOUBLE_EQ(options->rulePropagationMs, 250);
    const auto generated = parse({"--generate", "20", "--seed", "3"});
    ASSERT_TRUE(generated);
    EXPECT_EQ(generated->generateServices, 20);
}

TEST(DaemonOptions, RefusesARemoteAddressWithoutTls)
{
    std::string error;
    EXPECT_FALSE(parse({"--listen", "0.0.0.0:7443"}, &error));
    EXPECT_NE(error.find("without TLS"), std::string::npos) << error;
    EXPECT_TRUE(parse({"--listen", "localhost:1"}));
    EXPECT_TRUE(parse({"--listen", "[::1]:1"}));
}

TEST(DaemonOptions, RejectsBadValuesWithTheFlag)
{
    std::string error;
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"--rate", "fast"},
                                               {"--rate", "-1"},
                                               {"--speed", "0"},
                                               {"--speed", "nan"},
                                               {"--listen", "nohost"},
                                               {"--tls-cert", "c.pem"},
                                               {"--tls-client-ca", "ca.pem"},
                                               {"--frobnicate", "1"},
                                               {"--generate", "1"},
                                               {"--generate", "20", "--topology", "t.yaml"},
                                               {"--rule-propagation", "-5"},
                                               {"--journal"},
                                               {"positional"}}) {
        EXPECT_FALSE(parse(args, &error)) << args[0];
        EXPECT_NE(error.find("concordd: "), std::string::npos) << error;
    }
}

TEST(DaemonOptions, AFlagAtTheEndIsMissingItsValueOrUnknown)
{
    std::string error;
    EXPECT_FALSE(parse({"--journal"}, &error));
    EXPECT_NE(error.find("--journal needs a value"), std::string::npos) << error;
    EXPECT_FALSE(parse({"--rate"}, &error));
    EXPECT_NE(error.find("--rate needs a value"), std::string::npos) << error;
    EXPECT_FALSE(parse({"--frobnicate"}, &error));
    EXPECT_NE(error.find("unknown option --frobnicate"), std::string::npos) << error;
}

TEST(DaemonOptions, TheOrchestratorApiListensOnAnyFreeLoopbackPortUnlessOff)
{
    auto options = parse({});
    ASSERT_TRUE(options);
    EXPECT_EQ(options->orchestratorListen, "127.0.0.1:0");
    EXPECT_TRUE(options->orchestratorEnabled());
    options = parse({"--orchestrator-listen", "off"});
    ASSERT_TRUE(options);
    EXPECT_FALSE(options->orchestratorEnabled());
    options = parse({"--orchestrator-listen", "[::1]:8081"});
    ASSERT_TRUE(options);
    EXPECT_EQ(options->orchestratorListen, "[::1]:8081");
    // With the daemon's TLS it may listen anywhere.
    options = parse({"--orchestrator-listen", "0.0.0.0:8443", "--tls-cert", "c.pem", "--tls-key",
                     "k.pem", "--listen", "0.0.0.0:7443"});
    ASSERT_TRUE(options);
    EXPECT_EQ(options->orchestratorListen, "0.0.0.0:8443");
}

TEST(DaemonOptions, RejectsABadOrchestratorAddress)
{
    std::string error;
    EXPECT_FALSE(parse({"--orchestrator-listen", "0.0.0.0:8081"}, &error));
    EXPECT_EQ(error,
              "concordd: refusing to serve the orchestrator API on 0.0.0.0:8081 without TLS; use "
              "a loopback address or give --tls-cert/--tls-key\n");
    for (const char* bad : {"8081", "127.0.0.1:", ":8081", "Off"}) {
        EXPECT_FALSE(parse({"--orchestrator-listen", bad}, &error)) << bad;
        EXPECT_NE(error.find("--orchestrator-listen needs HOST:PORT or off"), std::string::npos)
            << bad << ": " << error;
    }
    EXPECT_FALSE(parse({"--orchestrator-listen"}, &error));
    EXPECT_EQ(error, "concordd: --orchestrator-listen needs a value\n");
}

TEST(DaemonOptions, LoopbackAddresses)
{
    EXPECT_TRUE(isLoopbackAddress("127.0.0.1:0"));
    EXPECT_TRUE(isLoopbackAddress("127.1.2.3:80"));
    EXPECT_TRUE(isLoopbackAddress("ipv4:127.0.0.1:80"));
    EXPECT_FALSE(isLoopbackAddress("10.0.0.1:80"));
    EXPECT_FALSE(isLoopbackAddress("[::]:80"));
    EXPECT_FALSE(isLoopbackAddress("example.com:80"));
}

TEST(BuiltinTopology, IsTheExampleSystemAndParses)
{
    std::ifstream file(CONCORD_TOPOLOGY_DIR "/example.yaml");
    std::ostringstream text;
    text << file.rdbuf();
    EXPECT_EQ(builtinExampleTopology(), text.str());
    const auto topology =
        sandbox::parseTopology(std::string(builtinExampleTopology()), "<builtin>");
    ASSERT_TRUE(topology.ok()) << topology.error().toString();
    EXPECT_NE(topology->findService("auth-service"), nullptr);
}

int ctl(std::vector<std::string> args, std::string& out, std::string& err)
{
    std::ostringstream o, e;
    const int code = runCtlCommand(args, o, e);
    out = o.str();
    err = e.str();
    return code;
}

TEST(CtlCommand, UsageErrorsExitTwo)
{
    std::string out, err;
    EXPECT_EQ(ctl({"--help"}, out, err), 0);
    EXPECT_NE(out.find("usage: concordd ctl"), std::string::npos);
    EXPECT_EQ(ctl({}, out, err), 2);
    EXPECT_EQ(ctl({"frobnicate"}, out, err), 2);
    EXPECT_NE(err.find("unknown command"), std::string::npos);
    EXPECT_EQ(ctl({"start", "auth-service"}, out, err), 2);
    EXPECT_EQ(ctl({"plan", "a", "b", "--strategy", "fastest"}, out, err), 2);
    EXPECT_EQ(ctl({"force-retire", "id"}, out, err), 2);  // needs --reason and --yes
    EXPECT_EQ(ctl({"history", "--limit", "0"}, out, err), 2);
    EXPECT_EQ(ctl({"info", "--tls-ca", "/nonexistent/ca.pem"}, out, err), 2);
}

TEST(CtlCommand, AnUnreachableControllerIsAFailedCall)
{
    std::string out, err;
    // Port 1 on loopback: nothing listens; the call fails fast with UNAVAILABLE.
    EXPECT_EQ(ctl({"info", "--controller", "127.0.0.1:1", "--deadline", "2"}, out, err), 1);
    EXPECT_NE(err.find("UNAVAILABLE"), std::string::npos) << err;
}

}  // namespace
}  // namespace concord::controller
