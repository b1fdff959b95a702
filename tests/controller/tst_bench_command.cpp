#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "controller/bench_command.h"

using concord::controller::runBenchCommand;

namespace {

struct Output
{
    int code = 0;
    std::string out;
    std::string err;
};

Output bench(std::vector<std::string> args)
{
    std::ostringstream out;
    std::ostringstream err;
    const int code = runBenchCommand(args, out, err);
    return {code, out.str(), err.str()};
}

const std::string kExample = CONCORD_TOPOLOGY_DIR "/example.yaml";

}  // namespace

TEST(BenchCommand, PrintsOneRowPerStrategy)
{
    const Output r = bench({"--topology", kExample, "--strategy", "naive,cv"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("strategy"), std::string::npos);
    EXPECT_NE(r.out.find("\nnaive"), std::string::npos);
    EXPECT_NE(r.out.find("\ncv"), std::string::npos);
    EXPECT_EQ(r.out.find("\nbf"), std::string::npos);
}

TEST(BenchCommand, JsonHasTheMetricsAndShowsNaiveInconsistentAndCvClean)
{
    const Output r =
        bench({"--topology", kExample, "--strategy", "naive,cv", "--seeds", "2", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto json = nlohmann::json::parse(r.out);
    ASSERT_EQ(json["results"].size(), 2u);
    const auto& naive = json["results"][0];
    const auto& cv = json["results"][1];
    EXPECT_EQ(naive["strategy"], "naive");
    EXPECT_EQ(cv["strategy"], "cv");
    EXPECT_EQ(naive["runs"], 2);
    EXPECT_GT(naive["inconsistentTransactions"].get<int>(), 0);
    EXPECT_EQ(cv["inconsistentTransactions"].get<int>(), 0);
    EXPECT_EQ(cv["completed"], 2);
    EXPECT_GT(cv["timeliness"].get<double>(), 0);
    for (const char* key : {"disruption", "failedTransactions", "failedRequests", "retriedRequests",
                            "peakInstances", "transactions"})
        EXPECT_TRUE(cv.contains(key)) << key;
    EXPECT_EQ(cv["perSeed"].size(), 2u);
}

TEST(BenchCommand, RunsOnAGeneratedGraph)
{
    const Output r =
        bench({"--generate", "8", "--strategy", "cv,bf", "--interval", "100", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    const auto json = nlohmann::json::parse(r.out);
    EXPECT_EQ(json["results"][0]["inconsistentTransactions"], 0);
    EXPECT_EQ(json["results"][1]["inconsistentTransactions"], 0);
}

TEST(BenchCommand, RejectsBadArgumentsWithAReason)
{
    EXPECT_EQ(bench({}).code, 2);
    const Output unknown = bench({"--topology", kExample, "--strategy", "yolo"});
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.err.find("yolo"), std::string::npos);
    const Output negative = bench({"--topology", kExample, "--rate", "-3"});
    EXPECT_EQ(negative.code, 2);
    EXPECT_NE(negative.err.find("--rate"), std::string::npos);
    const Output missing = bench({"--topology"});
    EXPECT_EQ(missing.code, 2);
    const Output both = bench({"--topology", kExample, "--generate", "4"});
    EXPECT_EQ(both.code, 2);
    const Output service =
        bench({"--topology", kExample, "--service", "ghost", "--from", "v1", "--to", "v2"});
    EXPECT_EQ(service.code, 2);
    EXPECT_NE(service.err.find("ghost"), std::string::npos);
    EXPECT_EQ(bench({"--help"}).code, 0);
}

TEST(BenchCommand, ReportsTopologyErrorsWithFileAndLine)
{
    const std::string path = ::testing::TempDir() + "/broken-topology.yaml";
    {
        std::ofstream file(path);
        file << "name: broken\nentries: [{service: a}]\nservices:\n  - name: a\n    versions:\n"
                "      - name: v1\n        script:\n          - call: nowhere\n";
    }
    const Output r = bench({"--topology", path});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("broken-topology.yaml:8"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;
    std::remove(path.c_str());
    const Output absent = bench({"--topology", "/nonexistent/topology.yaml"});
    EXPECT_EQ(absent.code, 2);
    EXPECT_NE(absent.err.find("/nonexistent/topology.yaml"), std::string::npos);
}
