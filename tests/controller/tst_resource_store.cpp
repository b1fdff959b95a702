// The Resource store: versions, generations, history and resume, conflicts,
// subscribers, concurrent writers; and the seeding of the sandbox daemon.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "controller/daemon.h"
#include "controller/daemon_options.h"
#include "controller/resource_store.h"

namespace concord::controller {
namespace {

using core::ErrorCode;

core::ResourceSpec spec(const std::string& id, const std::string& kind = "Lamp")
{
    core::ResourceSpec s;
    s.id = id;
    s.kind = kind;
    s.attributes["vendor"] = "acme";
    s.probe.image = "example/probe:1.0";
    s.probeEnabled = true;
    return s;
}

ResourceStoreOptions fixedClock(std::int64_t unixMs = 1'700'000'000'000)
{
    ResourceStoreOptions options;
    options.clock = [unixMs] { return unixMs; };
    return options;
}

TEST(ResourceStore, CreateStartsAtGenerationOneWithTheNextVersion)
{
    ResourceStore store(fixedClock());
    EXPECT_EQ(store.version(), 0u);
    auto a = store.create(spec("lamp-a"));
    ASSERT_TRUE(a.ok()) << a.error().toString();
    EXPECT_EQ(a->generation, 1);
    EXPECT_EQ(a->resourceVersion, 1u);
    EXPECT_EQ(a->createdAtUnixMs, 1'700'000'000'000);
    auto b = store.create(spec("lamp-b"));
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->resourceVersion, 2u);
    EXPECT_EQ(store.version(), 2u);
    EXPECT_EQ(store.size(), 2u);

    auto again = store.create(spec("lamp-a"));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::AlreadyExists);
    core::ResourceSpec bad = spec("Not An Id");
    bad.probe.image.clear();
    auto invalid = store.create(bad);
    ASSERT_FALSE(invalid.ok());
    EXPECT_EQ(invalid.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(invalid.error().message.find("spec.id"), std::string::npos);
    EXPECT_NE(invalid.error().message.find("spec.probe.image"), std::string::npos);
    EXPECT_EQ(store.version(), 2u) << "failed writes change nothing";
}

TEST(ResourceStore, TheGenerationMovesOnlyWhenTheSpecReallyChanges)
{
    ResourceStore store;
    ASSERT_TRUE(store.create(spec("lamp-a")).ok());
    auto same = store.updateSpec(spec("lamp-a"));
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->generation, 1);
    EXPECT_EQ(same->resourceVersion, 1u);
    EXPECT_EQ(store.version(), 1u);

    core::ResourceSpec changed = spec("lamp-a");
    changed.probe.image = "example/probe:2.0";
    auto updated = store.updateSpec(changed);
    ASSERT_TRUE(updated.ok());
    EXPECT_EQ(updated->generation, 2);
    EXPECT_EQ(updated->resourceVersion, 2u);
    EXPECT_EQ(store.get("lamp-a")->spec.probe.image, "example/probe:2.0");

    core::ResourceStatus status;
    status.observedGeneration = 2;
    status.probe.name = "lamp-a-probe";
    bool written = false;
    auto withStatus = store.updateStatus("lamp-a", status, &written);
    ASSERT_TRUE(withStatus.ok());
    EXPECT_TRUE(written);
    EXPECT_EQ(withStatus->generation, 2) << "a status write is not a spec change";
    EXPECT_EQ(withStatus->resourceVersion, 3u);
    EXPECT_EQ(withStatus->spec.probe.image, "example/probe:2.0");
    auto again = store.updateStatus("lamp-a", status, &written);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(written);
    EXPECT_EQ(again->resourceVersion, 3u);

    auto missing = store.updateSpec(spec("nope"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_EQ(store.updateStatus("nope", status).error().code, ErrorCode::NotFound);
}

TEST(ResourceStore, AStaleExpectedVersionIsAborted)
{
    ResourceStore store;
    ASSERT_TRUE(store.create(spec("lamp-a")).ok());
    core::ResourceSpec next = spec("lamp-a");
    next.attributes["vendor"] = "other";
    auto first = store.updateSpec(next, 1);
    ASSERT_TRUE(first.ok()) << first.error().toString();
    EXPECT_EQ(first->resourceVersion, 2u);

    next.attributes["vendor"] = "third";
    auto stale = store.updateSpec(next, 1);
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(stale.error().code, ErrorCode::Aborted);
    EXPECT_NE(stale.error().message.find("version 2"), std::string::npos) << stale.error().message;
    EXPECT_EQ(store.get("lamp-a")->spec.attributes.at("vendor"), "other");
    EXPECT_TRUE(store.updateSpec(next, 2).ok());
    EXPECT_TRUE(store.updateSpec(spec("lamp-a"), 0).ok()) << "0 = no check";
}

TEST(ResourceStore, SetProbeEnabledIsASpecChangeAndIsValidated)
{
    ResourceStore store;
    ASSERT_TRUE(store.create(spec("lamp-a")).ok());
    auto off = store.setProbeEnabled("lamp-a", false);
    ASSERT_TRUE(off.ok());
    EXPECT_FALSE(off->spec.probeEnabled);
    EXPECT_EQ(off->generation, 2);
    EXPECT_EQ(store.setProbeEnabled("lamp-a", false)->generation, 2) << "unchanged";

    core::ResourceSpec noImage = spec("sensor-b", "Sensor");
    noImage.probe.image.clear();
    noImage.probeEnabled = false;
    ASSERT_TRUE(store.create(noImage).ok());
    const std::uint64_t before = store.version();
    auto on = store.setProbeEnabled("sensor-b", true);
    ASSERT_FALSE(on.ok());
    EXPECT_EQ(on.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(on.error().message.find("spec.probe.image"), std::string::npos);
    EXPECT_EQ(store.version(), before);
    EXPECT_EQ(store.setProbeEnabled("nope", true).error().code, ErrorCode::NotFound);
}

TEST(ResourceStore, ListIsByIdAndFiltersByKind)
{
    ResourceStore store;
    for (const char* id : {"lamp-c", "person-a", "lamp-a", "lamp-b"}) {
        ASSERT_TRUE(store.create(spec(id, id[0] == 'p' ? "Person" : "Lamp")).ok());
    }
    const ResourceStore::Listing all = store.list();
    ASSERT_EQ(all.resources.size(), 4u);
    EXPECT_EQ(all.version, 4u);
    EXPECT_EQ(all.resources[0]->spec.id, "lamp-a");
    EXPECT_EQ(all.resources[3]->spec.id, "person-a");
    const ResourceStore::Listing lamps = store.list("Lamp");
    ASSERT_EQ(lamps.resources.size(), 3u);
    EXPECT_EQ(store.list("Robot").resources.size(), 0u);
}

TEST(ResourceStore, DeleteReturnsTheLastStateAndIsInTheHistory)
{
    ResourceStore store;
    ASSERT_TRUE(store.create(spec("lamp-a")).ok());
    auto removed = store.remove("lamp-a");
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(removed->spec.id, "lamp-a");
    EXPECT_EQ(removed->resourceVersion, 2u);
    EXPECT_EQ(store.get("lamp-a"), nullptr);
    EXPECT_EQ(store.remove("lamp-a").error().code, ErrorCode::NotFound);

    std::vector<ResourceChange> changes;
    ASSERT_EQ(store.changesAfter(0, 10, changes), ResourceStore::Read::Changes);
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0].type, ResourceEventType::Added);
    EXPECT_EQ(changes[0].version, 1u);
    EXPECT_EQ(changes[1].type, ResourceEventType::Deleted);
    EXPECT_EQ(changes[1].version, 2u);
    EXPECT_EQ(changes[1].resource->spec.id, "lamp-a");
    EXPECT_EQ(changes[1].resource->resourceVersion, 2u);
}

TEST(ResourceStore, TheHistoryResumesAfterAVersionUntilItIsGone)
{
    ResourceStoreOptions options;
    options.historyCapacity = 5;
    ResourceStore store(options);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(store.create(spec("lamp-" + std::to_string(i))).ok());
    }
    std::vector<ResourceChange> changes;
    EXPECT_EQ(store.changesAfter(3, 10, changes), ResourceStore::Read::UpToDate);
    EXPECT_EQ(store.changesAfter(4, 10, changes), ResourceStore::Read::Gone) << "the future";
    ASSERT_EQ(store.changesAfter(1, 1, changes), ResourceStore::Read::Changes);
    ASSERT_EQ(changes.size(), 1u) << "at most max";
    EXPECT_EQ(changes[0].version, 2u);
    EXPECT_EQ(changes[0].resource->spec.id, "lamp-1");

    for (int i = 0; i < 4; ++i) {  // versions 4…7: the history keeps 3…7
        ASSERT_TRUE(store.setProbeEnabled("lamp-0", i % 2 == 1).ok());
    }
    changes.clear();
    EXPECT_EQ(store.changesAfter(1, 10, changes), ResourceStore::Read::Gone);
    ASSERT_EQ(store.changesAfter(2, 10, changes), ResourceStore::Read::Changes);
    ASSERT_EQ(changes.size(), 5u);
    for (std::size_t i = 0; i < changes.size(); ++i) {
        EXPECT_EQ(changes[i].version, 3 + i);
    }
    EXPECT_EQ(changes[1].type, ResourceEventType::Modified);
    EXPECT_EQ(changes[1].resource->generation, 2);
    EXPECT_FALSE(changes[1].resource->spec.probeEnabled);
    EXPECT_TRUE(changes[2].resource->spec.probeEnabled);
}

TEST(ResourceStore, EachStoreHasItsOwnEpoch)
{
    const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    ResourceStore a;
    ResourceStore b;
    EXPECT_TRUE(std::regex_match(a.epoch(), uuid)) << a.epoch();
    EXPECT_NE(a.epoch(), b.epoch());
}

TEST(ResourceStore, SubscribersHearEveryChangeUntilTheyUnsubscribe)
{
    ResourceStore store;
    std::vector<std::uint64_t> heard;
    const auto id = store.subscribe([&heard](std::uint64_t v) { heard.push_back(v); });
    ASSERT_TRUE(store.create(spec("lamp-a")).ok());
    ASSERT_TRUE(store.updateSpec(spec("lamp-a")).ok());  // no change: no call
    ASSERT_TRUE(store.setProbeEnabled("lamp-a", false).ok());
    ASSERT_TRUE(store.remove("lamp-a").ok());
    EXPECT_EQ(heard, (std::vector<std::uint64_t>{1, 2, 3}));
    store.unsubscribe(id);
    ASSERT_TRUE(store.create(spec("lamp-b")).ok());
    EXPECT_EQ(heard.size(), 3u);
}

TEST(ResourceStore, UnsubscribeWaitsForARunningCallback)
{
    ResourceStore store;
    std::atomic<bool> entered{false};
    std::atomic<bool> left{false};
    const auto id = store.subscribe([&](std::uint64_t) {
        entered = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        left = true;
    });
    std::thread writer([&] { ASSERT_TRUE(store.create(spec("lamp-a")).ok()); });
    while (!entered) {
        std::this_thread::yield();
    }
    store.unsubscribe(id);
    EXPECT_TRUE(left) << "unsubscribe returned while the callback still ran";
    writer.join();
}

TEST(ResourceStore, ConcurrentWritersGetDistinctContiguousVersions)
{
    ResourceStore store;
    constexpr int kThreads = 8;
    constexpr int kUpdates = 200;
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
        writers.emplace_back([&store, t] {
            const std::string id = "lamp-" + std::to_string(t);
            ASSERT_TRUE(store.create(spec(id)).ok());
            for (int i = 0; i < kUpdates; ++i) {
                core::ResourceSpec next = spec(id);
                next.attributes["step"] = std::to_string(i);
                ASSERT_TRUE(store.updateSpec(next).ok());
                core::ResourceStatus status;
                status.observedGeneration = i + 1;
                ASSERT_TRUE(store.updateStatus(id, status).ok());
            }
        });
    }
    for (std::thread& writer : writers) {
        writer.join();
    }
    const std::uint64_t total = kThreads * (1 + 2 * kUpdates);
    EXPECT_EQ(store.version(), total);
    std::vector<ResourceChange> changes;
    std::uint64_t after = 0;
    while (store.changesAfter(after, 1000, changes) == ResourceStore::Read::Changes) {
        after = changes.back().version;
    }
    ASSERT_EQ(changes.size(), total);
    std::map<std::string, std::uint64_t> lastVersion;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        EXPECT_EQ(changes[i].version, i + 1);
        EXPECT_EQ(changes[i].resource->resourceVersion, i + 1);
        auto& last = lastVersion[changes[i].resource->spec.id];
        EXPECT_LT(last, changes[i].version);
        last = changes[i].version;
    }
    for (int t = 0; t < kThreads; ++t) {
        const ResourcePtr r = store.get("lamp-" + std::to_string(t));
        ASSERT_NE(r, nullptr);
        EXPECT_EQ(r->generation, 1 + kUpdates);
        EXPECT_EQ(r->spec.attributes.at("step"), std::to_string(kUpdates - 1));
        EXPECT_EQ(r->status.observedGeneration, kUpdates);
    }
}

// --- seeding

TEST(ResourceSeeding, TheBuiltInExamplesParse)
{
    auto specs = parseResourceDocuments(builtinSandboxResources(), "<built-in>");
    ASSERT_TRUE(specs.ok()) << specs.error().toString();
    ASSERT_GE(specs->size(), 8u);
    std::set<std::string> kinds;
    int disabled = 0;
    int crashloop = 0;
    for (const core::ResourceSpec& s : *specs) {
        kinds.insert(s.kind);
        disabled += s.probeEnabled ? 0 : 1;
        crashloop += s.probeEnabled && s.probe.image.find(":crashloop") != std::string::npos;
    }
    EXPECT_TRUE(kinds.count("AirPurifier") && kinds.count("Lamp") && kinds.count("Person"));
    EXPECT_GE(disabled, 2);
    EXPECT_EQ(crashloop, 1);
    const auto person = std::find_if(specs->begin(), specs->end(),
                                     [](const auto& s) { return s.kind == "Person"; });
    EXPECT_FALSE(person->space.room.empty());
}

// A 7-line manifest, plus `extra` lines.
std::string manifest(const std::string& id, const std::string& extra = "")
{
    return "apiVersion: concord.io/v1alpha1\nkind: Resource\nmetadata:\n  name: " + id +
           "\nspec:\n  id: " + id + "\n  kind: Lamp\n" + extra;
}

TEST(ResourceSeeding, ErrorsNameTheLineInTheWholeStream)
{
    const std::string broken = manifest("lamp-b", "  probeEnabled: perhaps\n");
    auto parsed = parseResourceDocuments("# comment\n---\n" + manifest("lamp-a") + "---\n" + broken,
                                         "r.yaml");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().source, "r.yaml");
    EXPECT_EQ(parsed.error().line, 18) << parsed.error().toString();  // 2 + 7 + 1 + 8
    EXPECT_GT(parsed.error().column, 0);
    EXPECT_NE(parsed.error().toString().find("r.yaml:18:"), std::string::npos);
    EXPECT_NE(parsed.error().message.find("spec.probeEnabled"), std::string::npos);

    auto twice =
        parseResourceDocuments(manifest("lamp-a") + "---\n" + manifest("lamp-a"), "r.yaml");
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().line, 9);
    EXPECT_NE(twice.error().message.find("'lamp-a'"), std::string::npos);

    auto sameLine = parseResourceDocuments("--- {a: 1}\n", "r.yaml");
    ASSERT_FALSE(sameLine.ok());
    EXPECT_EQ(sameLine.error().line, 1);

    auto two = parseResourceDocuments(
        "---\n" + manifest("lamp-a") + "--- # two\n\n---\n" + manifest("lamp-c"), "r.yaml");
    ASSERT_TRUE(two.ok()) << two.error().toString();
    ASSERT_EQ(two->size(), 2u) << "an empty document is skipped";
    EXPECT_EQ((*two)[1].id, "lamp-c");
    auto empty = parseResourceDocuments("", "r.yaml");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
}

TEST(ResourceSeeding, GeneratedResourcesAreValidAndUnique)
{
    const std::vector<core::ResourceSpec> specs = generateResources(1000);
    ASSERT_EQ(specs.size(), 1000u);
    ResourceStore store;
    for (const core::ResourceSpec& s : specs) {
        ASSERT_TRUE(store.create(s).ok()) << s.id;
    }
    EXPECT_EQ(store.size(), 1000u);
    EXPECT_EQ(specs.front().id, "res-00001");
    EXPECT_EQ(generateResources(3)[2], specs[2]) << "deterministic";
}

TEST(ResourceSeeding, TheDaemonTakesAFileOrACountNotBoth)
{
    std::ostringstream err;
    bool help = false;
    auto file = parseDaemonOptions({"--resources", "devices.yaml"}, err, help);
    ASSERT_TRUE(file.has_value()) << err.str();
    EXPECT_EQ(file->resourcesFile, "devices.yaml");
    EXPECT_EQ(file->generateResources, 0);
    auto count = parseDaemonOptions({"--generate-resources", "10000"}, err, help);
    ASSERT_TRUE(count.has_value()) << err.str();
    EXPECT_EQ(count->generateResources, 10000);
    EXPECT_TRUE(count->resourcesFile.empty());

    for (const std::vector<std::string>& bad :
         {std::vector<std::string>{"--resources", "a.yaml", "--generate-resources", "3"},
          {"--generate-resources", "0"},
          {"--generate-resources", "100001"},
          {"--generate-resources", "many"},
          {"--resources"}}) {
        err.str("");
        EXPECT_FALSE(parseDaemonOptions(bad, err, help).has_value()) << bad[0];
        EXPECT_NE(err.str().find(bad.size() == 1 ? "--resources" : "resources"), std::string::npos)
            << err.str();
    }
}

TEST(ResourceSeeding, ABadResourcesFileStopsTheDaemonAtStart)
{
    const auto dir =
        std::filesystem::temp_directory_path() / ("concord-seed-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "devices.yaml").string();
    std::ofstream(path) << manifest("lamp-a", "  probeEnabled: perhaps\n");
    DaemonOptions options;
    options.resourcesFile = path;
    options.listen = "127.0.0.1:0";
    options.journalPath = (dir / "journal.db").string();
    options.tokenOut = (dir / "token").string();
    std::ostringstream out;
    EXPECT_EQ(runDaemon(options, out), 1);
    EXPECT_TRUE(out.str().empty()) << "it must not have started serving";
    EXPECT_FALSE(std::filesystem::exists(dir / "journal.db")) << "nothing opened before the check";
    options.resourcesFile = (dir / "missing.yaml").string();
    EXPECT_EQ(runDaemon(options, out), 1);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace concord::controller
