#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "sandbox/topology.h"

namespace concord::sandbox {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Topology generate(int services, std::uint64_t seed)
{
    ScaleFreeParams params;
    params.services = services;
    return generateScaleFree(params, seed);
}

std::map<std::string, std::size_t> indexOf(const Topology& t)
{
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < t.services.size(); ++i)
        index[t.services[i].name] = i;
    return index;
}

// Exact expected visits per root request, from the scripts alone: services in
// creation order are a topological order of a generated graph (checked by
// EdgesRunFromOlderToNewer).
double expectedSubTransactions(const Topology& t)
{
    const auto index = indexOf(t);
    std::vector<double> visits(t.services.size(), 0.0);
    visits[index.at(t.entries.front().service)] = 1;
    for (std::size_t s = 0; s < t.services.size(); ++s) {
        const ServiceSpec& service = t.services[s];
        for (const Step& step : service.scriptOf(service.serving)) {
            if (step.kind == Step::Kind::Call)
                visits[index.at(step.service)] += visits[s] * step.probability;
        }
    }
    return std::accumulate(visits.begin(), visits.end(), 0.0);
}

const std::vector<int> kSizes = {4, 8, 16, 32, 2000};
const std::vector<std::uint64_t> kSeeds = {1, 2, 3, 17, 12345};

TEST(TopologyGenerator, IsDeterministicUnderASeed)
{
    EXPECT_EQ(toYaml(generate(32, 7)), toYaml(generate(32, 7)));
    EXPECT_NE(toYaml(generate(32, 7)), toYaml(generate(32, 8)));
    // The edge set itself differs between seeds, not only the name.
    EXPECT_NE(generate(32, 7).toMeshModel().callEdges(), generate(32, 8).toMeshModel().callEdges());
}

TEST(TopologyGenerator, PassesTheParsersValidation)
{
    for (int n : kSizes) {
        for (std::uint64_t seed : kSeeds) {
            if (n > 100 && seed != kSeeds.front())
                continue;  // yaml-cpp needs ~0.2 s for 2000 services; one seed is enough
            SCOPED_TRACE("n=" + std::to_string(n) + " seed=" + std::to_string(seed));
            const Topology t = generate(n, seed);
            const std::string yaml = toYaml(t);
            const auto parsed = parseTopology(yaml, "generated");
            ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
            EXPECT_EQ(parsed->services.size(), static_cast<std::size_t>(n));
            EXPECT_EQ(parsed->toMeshModel().callEdges(), t.toMeshModel().callEdges());
            EXPECT_EQ(toYaml(*parsed), yaml);
        }
    }
}

TEST(TopologyGenerator, EdgesRunFromOlderToNewerAndReachEverything)
{
    for (int n : kSizes) {
        for (std::uint64_t seed : kSeeds) {
            SCOPED_TRACE("n=" + std::to_string(n) + " seed=" + std::to_string(seed));
            const Topology t = generate(n, seed);
            const auto index = indexOf(t);
            const core::MeshModel mesh = t.toMeshModel();
            std::vector<int> callers(static_cast<std::size_t>(n), 0);
            for (const auto& [from, to] : mesh.callEdges()) {
                ASSERT_LT(index.at(from), index.at(to)) << from << " -> " << to;
                ++callers[index.at(to)];
            }
            // Node i attaches to min(m, i) older nodes (m = 2).
            for (int i = 0; i < n; ++i)
                ASSERT_EQ(callers[static_cast<std::size_t>(i)], std::min(2, i)) << i;
            ASSERT_EQ(t.entries.size(), 1u);
            EXPECT_EQ(t.entries[0].service, t.services[0].name);
            EXPECT_EQ(mesh.reachableFrom(t.entries[0].service).size(),
                      static_cast<std::size_t>(n - 1));
        }
    }
}

TEST(TopologyGenerator, ServicesHaveTheDocumentedShape)
{
    ScaleFreeParams params;
    params.services = 12;
    params.meanProcessing = 40;
    params.meanArrivalInterval = 100;
    params.messageDelay = 3;
    params.instancesPerVersion = 2;
    const Topology t = generateScaleFree(params, 99);
    EXPECT_EQ(t.services.front().name, "svc-00");
    EXPECT_EQ(t.services.back().name, "svc-11");
    EXPECT_DOUBLE_EQ(t.meanArrivalInterval, 100);
    EXPECT_DOUBLE_EQ(t.messageDelay, 3);
    for (const ServiceSpec& service : t.services) {
        SCOPED_TRACE(service.name);
        ASSERT_EQ(service.versions.size(), 2u);
        EXPECT_EQ(service.serving, "v1");
        EXPECT_EQ(service.versions[1].name, "v2");
        EXPECT_EQ(service.versions[1].parent, "v1");
        EXPECT_EQ(service.versions[0].instances, 2);
        EXPECT_EQ(service.versions[1].instances, 2);
        const std::vector<Step>& script = service.scriptOf("v1");
        ASSERT_FALSE(script.empty());
        EXPECT_EQ(script[0].kind, Step::Kind::Compute);
        EXPECT_EQ(script[0].duration, Distribution::exponential(40));
        for (std::size_t i = 1; i < script.size(); ++i) {
            EXPECT_EQ(script[i].kind, Step::Kind::Call);
            EXPECT_GT(script[i].probability, 0);
            EXPECT_LE(script[i].probability, 1);
        }
        EXPECT_EQ(&service.scriptOf("v2"), &script);
    }
    EXPECT_EQ(generate(2000, 1).services.back().name, "svc-1999");
    EXPECT_EQ(generate(2000, 1).services.front().name, "svc-0000");
}

TEST(TopologyGenerator, UpdatesARandomNonEntryServiceOnceWarm)
{
    std::map<std::string, int> targets;
    for (std::uint64_t seed = 0; seed < 40; ++seed) {
        const Topology t = generate(16, seed);
        ASSERT_FALSE(t.update.service.empty());
        EXPECT_NE(t.update.service, t.entries[0].service);
        EXPECT_NE(t.findService(t.update.service), nullptr);
        EXPECT_EQ(t.update.fromVersion, "v1");
        EXPECT_EQ(t.update.toVersion, "v2");
        // Warm: past 50 mean processing times and two mean transaction lengths.
        EXPECT_GE(t.update.at, 50 * 50.0);
        EXPECT_GE(t.update.at, 2 * 16 * 50.0);
        ++targets[t.update.service];
    }
    EXPECT_GE(targets.size(), 5u);                       // the target varies with the seed
    EXPECT_TRUE(generate(1, 1).update.service.empty());  // a lone entry cannot be updated
}

TEST(TopologyGenerator, ExpectedSubTransactionsStayBetweenQuarterAndTwiceN)
{
    for (int n : kSizes) {
        for (std::uint64_t seed : kSeeds) {
            const double expected = expectedSubTransactions(generate(n, seed));
            EXPECT_GE(expected, n / 4.0) << "n=" << n << " seed=" << seed;
            EXPECT_LE(expected, 2.0 * n) << "n=" << n << " seed=" << seed;
        }
    }
    // The bound must not rely on m = 2: a denser graph has many more paths.
    ScaleFreeParams dense;
    dense.services = 64;
    dense.edgesPerNewNode = 5;
    const double expected = expectedSubTransactions(generateScaleFree(dense, 3));
    EXPECT_GE(expected, 16);
    EXPECT_LE(expected, 128);
}

int maxDegree(const std::vector<std::pair<std::string, std::string>>& edges)
{
    std::map<std::string, int> degree;
    for (const auto& [from, to] : edges) {
        ++degree[from];
        ++degree[to];
    }
    int hub = 0;
    for (const auto& [name, d] : degree)
        hub = std::max(hub, d);
    return hub;
}

// The same growth, but each new node picks its older partners uniformly.
int uniformAttachmentMaxDegree(int n, std::uint64_t seed)
{
    Rng rng(seed);
    std::vector<int> degree(static_cast<std::size_t>(n), 0);
    for (int node = 1; node < n; ++node) {
        std::vector<int> chosen;
        while (static_cast<int>(chosen.size()) < std::min(2, node)) {
            const int candidate = static_cast<int>(rng() % static_cast<std::uint64_t>(node));
            if (std::find(chosen.begin(), chosen.end(), candidate) == chosen.end())
                chosen.push_back(candidate);
        }
        for (int old : chosen) {
            ++degree[static_cast<std::size_t>(old)];
            ++degree[static_cast<std::size_t>(node)];
        }
    }
    return *std::max_element(degree.begin(), degree.end());
}

TEST(TopologyGenerator, PreferentialAttachmentGrowsHubs)
{
    // N = 32, m = 2: 61 edges, mean degree 3.81. Preferential attachment grows
    // a hub of at least three times that in most graphs (about 82% of seeds),
    // clearly more than uniform attachment of the same density does.
    constexpr int kGraphs = 50;
    int withHub = 0;
    double hubSum = 0;
    double uniformHubSum = 0;
    double meanDegree = 0;
    for (std::uint64_t seed = 0; seed < kGraphs; ++seed) {
        const auto edges = generate(32, seed).toMeshModel().callEdges();
        meanDegree = 2.0 * static_cast<double>(edges.size()) / 32;
        const int hub = maxDegree(edges);
        withHub += hub >= 3 * meanDegree ? 1 : 0;
        hubSum += hub;
        uniformHubSum += uniformAttachmentMaxDegree(32, seed);
    }
    EXPECT_GE(withHub, kGraphs * 7 / 10);
    EXPECT_GE(hubSum / kGraphs, 3 * meanDegree);
    EXPECT_GE(hubSum, 1.3 * uniformHubSum);
}

TEST(TopologyGenerator, TwoThousandServicesInUnderASecond)
{
    const auto start = std::chrono::steady_clock::now();
    const Topology t = generate(2000, 5);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(t.services.size(), 2000u);
    EXPECT_LT(std::chrono::duration<double>(elapsed).count(), 1.0);
}

TEST(TopologyGenerator, OutOfRangeParametersStillGiveAValidTopology)
{
    ScaleFreeParams params;
    params.services = -3;
    params.edgesPerNewNode = 0;
    params.meanProcessing = -1;
    params.meanArrivalInterval = std::numeric_limits<double>::quiet_NaN();
    params.messageDelay = std::numeric_limits<double>::infinity();
    params.instancesPerVersion = 0;
    const Topology t = generateScaleFree(params, 1);
    EXPECT_EQ(t.services.size(), 1u);
    const auto parsed = parseTopology(toYaml(t));
    EXPECT_TRUE(parsed.ok()) << parsed.error().toString();
    EXPECT_THAT(t.name, StartsWith("scale-free-1"));
    EXPECT_THAT(t.description, HasSubstr("1 services"));

    params.services = 6;
    const auto six = parseTopology(toYaml(generateScaleFree(params, 2)));
    ASSERT_TRUE(six.ok()) << six.error().toString();
    EXPECT_EQ(six->toMeshModel().callEdges().size(), 5u);  // m clamped to 1: a tree
}

}  // namespace
}  // namespace concord::sandbox
