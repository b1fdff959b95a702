// Fuzzes the topology reader: any input is parsed without crashing; an
// accepted topology must survive toYaml -> parseTopology exactly. Because few
// mutated inputs are valid topologies, the input is also used as free text
// (name, description, image) of a fixed valid topology, which must round-trip
// whenever it is well-formed UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/yaml_tree.h"
#include "sandbox/topology.h"

using namespace concord::sandbox;

namespace {

bool sameSteps(const std::vector<Step>& a, const std::vector<Step>& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].kind != b[i].kind || !(a[i].duration == b[i].duration) ||
            a[i].service != b[i].service || a[i].bound != b[i].bound ||
            a[i].probability != b[i].probability)
            return false;
    }
    return true;
}

bool sameService(const ServiceSpec& a, const ServiceSpec& b)
{
    if (a.name != b.name || a.group != b.group || a.serving != b.serving ||
        a.failOnMixedVersions != b.failOnMixedVersions || a.versions.size() != b.versions.size())
        return false;
    for (std::size_t v = 0; v < a.versions.size(); ++v) {
        const VersionSpec& x = a.versions[v];
        const VersionSpec& y = b.versions[v];
        if (x.name != y.name || x.parent != y.parent || x.image != y.image ||
            x.instances != y.instances || !sameSteps(x.script, y.script))
            return false;
    }
    return true;
}

bool sameTopology(const Topology& a, const Topology& b)
{
    if (a.name != b.name || a.description != b.description || a.pinHeader != b.pinHeader ||
        a.traceHeader != b.traceHeader || a.meanArrivalInterval != b.meanArrivalInterval ||
        a.messageDelay != b.messageDelay || a.retries != b.retries ||
        a.entries.size() != b.entries.size() || a.services.size() != b.services.size() ||
        a.update.service != b.update.service || a.update.fromVersion != b.update.fromVersion ||
        a.update.toVersion != b.update.toVersion || a.update.at != b.update.at)
        return false;
    for (std::size_t e = 0; e < a.entries.size(); ++e) {
        if (a.entries[e].service != b.entries[e].service ||
            a.entries[e].weight != b.entries[e].weight)
            return false;
    }
    for (std::size_t s = 0; s < a.services.size(); ++s) {
        if (!sameService(a.services[s], b.services[s]))
            return false;
    }
    return true;
}

[[noreturn]] void fail(const char* what, const std::string& yaml)
{
    std::fprintf(stderr, "%s\n%s\n", what, yaml.c_str());
    std::abort();
}

void checkRoundTrip(const Topology& topology)
{
    const std::string yaml = toYaml(topology);
    const auto again = parseTopology(yaml, "<round-trip>");
    if (!again.ok())
        fail(("round trip rejected: " + again.error().toString()).c_str(), yaml);
    if (!sameTopology(topology, *again))
        fail("round trip changed the topology", yaml);
    if (toYaml(*again) != yaml)
        fail("toYaml is not stable", yaml);
}

// Exercises what the sandbox does with an accepted topology.
void use(const Topology& topology)
{
    const auto mesh = topology.toMeshModel();
    if (mesh.services().size() != topology.services.size())
        std::abort();
    Rng rng(1);
    for (const ServiceSpec& service : topology.services) {
        for (const VersionSpec& version : service.versions) {
            for (const Step& step : service.scriptOf(version.name)) {
                if (!(step.duration.sample(rng) >= 0))
                    std::abort();
            }
        }
    }
}

const Topology& baseTopology()
{
    static const Topology base = *parseTopology(R"(name: base
entries: [{service: a}]
services:
  - name: a
    versions: [{name: v1, image: img, script: [{compute: 1}, {call: b}]}]
  - name: b
    versions: [{name: v1}]
)");
    return base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto parsed = parseTopology(input, "<fuzz>");
    if (parsed.ok()) {
        checkRoundTrip(*parsed);
        use(*parsed);
    } else if (parsed.error().message.empty()) {
        std::abort();
    }

    if (concord::core::isValidUtf8(input) && size <= 4096) {
        Topology text = baseTopology();
        text.name = input.empty() ? std::string("x") : std::string(input);
        text.description = std::string(input);
        text.services[0].versions[0].image = std::string(input);
        checkRoundTrip(text);
    }
    return 0;
}
