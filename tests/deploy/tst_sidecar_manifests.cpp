// deploy/sidecar/: the concord-tracemgr sidecar manifests agree with the
// sidecar and with each other — the container's args are valid tracemgr
// options; the socket is in the shared volume istio-proxy mounts too; the
// EnvoyFilter's cluster points at that socket; ports, probes and selectors
// line up; the gateway logs the trace header the sidecar reads.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tracemanager/tracemgr_options.h"

namespace concord {
namespace {

using tracemanager::Mode;
using tracemanager::TraceManagerOptions;

const std::filesystem::path kSidecarDir = std::filesystem::path(CONCORD_DEPLOY_DIR) / "sidecar";

YAML::Node findKind(const std::vector<YAML::Node>& docs, const std::string& kind)
{
    for (const YAML::Node& doc : docs) {
        if (doc["kind"].as<std::string>() == kind) {
            return doc;
        }
    }
    ADD_FAILURE() << "no " << kind;
    return {};
}

YAML::Node container(const YAML::Node& deployment, const std::string& name)
{
    for (const YAML::Node& c : deployment["spec"]["template"]["spec"]["containers"]) {
        if (c["name"].as<std::string>() == name) {
            return c;
        }
    }
    ADD_FAILURE() << "no container " << name;
    return {};
}

int portOf(const std::string& listen)
{
    return std::stoi(listen.substr(listen.rfind(':') + 1));
}

// Every value of `key` anywhere under `node`.
void collect(const YAML::Node& node, const std::string& key, std::vector<YAML::Node>& out)
{
    if (node.IsMap()) {
        for (const auto& entry : node) {
            if (entry.first.as<std::string>() == key) {
                out.push_back(entry.second);
            }
            collect(entry.second, key, out);
        }
    } else if (node.IsSequence()) {
        for (const YAML::Node& item : node) {
            collect(item, key, out);
        }
    }
}

void checkManifest(const std::string& file, Mode expectedMode)
{
    SCOPED_TRACE(file);
    const std::vector<YAML::Node> docs = YAML::LoadAllFromFile((kSidecarDir / file).string());
    const YAML::Node deployment = findKind(docs, "Deployment");
    const YAML::Node filter = findKind(docs, "EnvoyFilter");
    const YAML::Node sidecar = container(deployment, "concord-tracemgr");

    const auto args = sidecar["args"].as<std::vector<std::string>>();
    const auto parsed = tracemanager::parseTraceManagerOptions(args, {});
    ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
    const TraceManagerOptions& options = parsed.value();
    EXPECT_EQ(options.mode, expectedMode);

    // The socket lives in the shared volume, mounted at the same path in
    // istio-proxy (Istio's userVolumeMount annotation is JSON, so YAML).
    const std::string socketDir = std::filesystem::path(options.authzSocket).parent_path().string();
    ASSERT_EQ(sidecar["volumeMounts"].size(), 1U);
    EXPECT_EQ(sidecar["volumeMounts"][0]["mountPath"].as<std::string>(), socketDir);
    const std::string volume = sidecar["volumeMounts"][0]["name"].as<std::string>();
    const YAML::Node annotations = deployment["spec"]["template"]["metadata"]["annotations"];
    const YAML::Node proxyMount =
        YAML::Load(annotations["sidecar.istio.io/userVolumeMount"].as<std::string>());
    EXPECT_EQ(proxyMount[volume]["mountPath"].as<std::string>(), socketDir);
    EXPECT_TRUE(YAML::Load(annotations["sidecar.istio.io/userVolume"].as<std::string>())[volume]);

    // The EnvoyFilter's cluster reaches that socket and the filters use it.
    std::vector<YAML::Node> pipes;
    collect(filter, "pipe", pipes);
    ASSERT_EQ(pipes.size(), 1U);
    EXPECT_EQ(pipes[0]["path"].as<std::string>(), options.authzSocket);
    std::vector<YAML::Node> clusterNames;
    collect(filter, "cluster_name", clusterNames);
    ASSERT_FALSE(clusterNames.empty());
    for (const YAML::Node& name : clusterNames) {
        EXPECT_EQ(name.as<std::string>(), "concord-tracemgr");
    }

    // Selector, ports and probes.
    const YAML::Node labels = deployment["spec"]["template"]["metadata"]["labels"];
    for (const auto& label : filter["spec"]["workloadSelector"]["labels"]) {
        EXPECT_EQ(labels[label.first.as<std::string>()].as<std::string>(),
                  label.second.as<std::string>());
    }
    std::vector<int> ports;
    for (const YAML::Node& port : sidecar["ports"]) {
        ports.push_back(port["containerPort"].as<int>());
    }
    EXPECT_EQ(ports,
              (std::vector<int>{portOf(options.controlListen), portOf(options.metricsListen)}));
    EXPECT_EQ(sidecar["readinessProbe"]["httpGet"]["port"].as<int>(),
              portOf(options.metricsListen));
    EXPECT_EQ(sidecar["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
    if (const YAML::Node grace =
            deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]) {
        EXPECT_GT(grace.as<int>(), options.drainTimeout.count());
    }

    // The gateway's access log must carry the header the sidecar reads.
    std::vector<YAML::Node> logged;
    collect(filter, "additional_request_headers_to_log", logged);
    if (expectedMode == Mode::Gateway) {
        ASSERT_EQ(logged.size(), 1U);
        const auto headers = logged[0].as<std::vector<std::string>>();
        EXPECT_NE(std::find(headers.begin(), headers.end(),
                            std::string(core::headerName(options.traceHeader))),
                  headers.end());
    } else {
        EXPECT_TRUE(logged.empty());
    }
}

TEST(SidecarManifests, InstanceSidecarAndItsExtAuthzFilterAgree)
{
    checkManifest("instance.yaml", Mode::Instance);
}

TEST(SidecarManifests, GatewaySidecarAndItsAccessLogFilterAgree)
{
    checkManifest("gateway.yaml", Mode::Gateway);
}

}  // namespace
}  // namespace concord
