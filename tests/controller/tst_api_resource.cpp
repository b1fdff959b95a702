// ResourceService over real gRPC on loopback: a real ApiServer with a
// ResourceStore, the reconciler on the stack's running SandboxDriver.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <regex>
#include <set>

#include "concord/v1/resource.grpc.pb.h"
#include "controller/resource_reconciler.h"
#include "controller/resource_store.h"
#include "tst_api_fixture.h"

namespace concord::controller {
namespace {

using testing::ApiStack;
using testing::kOperatorToken;
using testing::kViewerToken;
using Stub = v1::ResourceService::Stub;

v1::ResourceSpec lamp(const std::string& id, bool enabled = true)
{
    v1::ResourceSpec spec;
    spec.set_id(id);
    spec.set_kind("Lamp");
    (*spec.mutable_attributes())["vendor"] = "acme";
    spec.mutable_space()->set_room("hall");
    spec.mutable_space()->set_latitude(31.5);
    spec.mutable_probe()->set_image("example/probe:1.0");
    spec.mutable_probe()->add_args("--zigbee");
    spec.set_probe_enabled(enabled);
    return spec;
}

const char* const kPersonYaml = R"(apiVersion: concord.io/v1alpha1
kind: Resource
metadata:
  name: person-alice
spec:
  id: person-alice
  kind: Person
  space:
    room: lab-2
  probe:
    image: example/probe-badge:1.0
  probeEnabled: false
)";

// The ApiStack (example mesh, running at speed 20) with a ResourceStore and,
// when asked, the reconciler on its driver.
class ResourceApi
{
public:
    explicit ResourceApi(bool reconcile = true, ResourceStoreOptions storeOptions = {})
        : store(std::make_shared<ResourceStore>(std::move(storeOptions))),
          stack(withStore(store)),
          stub(v1::ResourceService::NewStub(stack.channel()))
    {
        if (reconcile) {
            reconciler = std::make_unique<ResourceReconciler>(*store, stack.driver());
            reconciler->start();
        }
    }
    ~ResourceApi() { reconciler.reset(); }  // before the stack's driver goes

    grpc::Status create(const v1::ResourceSpec& spec, v1::Resource* out = nullptr,
                        const char* token = kOperatorToken)
    {
        v1::CreateResourceRequest request;
        *request.mutable_spec() = spec;
        v1::CreateResourceResponse response;
        const grpc::Status status =
            stub->CreateResource(ApiStack::context(token).get(), request, &response);
        if (out != nullptr) {
            *out = response.resource();
        }
        return status;
    }

    std::shared_ptr<ResourceStore> store;
    ApiStack stack;
    std::unique_ptr<Stub> stub;
    std::unique_ptr<ResourceReconciler> reconciler;

private:
    static ApiServerOptions withStore(std::shared_ptr<ResourceStore> store)
    {
        ApiServerOptions options = testing::fastOptions();
        options.resources = std::move(store);
        return options;
    }
};

const v1::Condition* findCondition(const v1::Resource& r, v1::ConditionType type)
{
    for (const v1::Condition& c : r.status().conditions()) {
        if (c.type() == type) {
            return &c;
        }
    }
    return nullptr;
}

bool conditionIs(const v1::Resource& r, v1::ConditionType type, v1::ConditionStatus status)
{
    const v1::Condition* c = findCondition(r, type);
    return c != nullptr && c->status() == status;
}

TEST(ApiResource, CreateGetListRoundTripTheSpec)
{
    ResourceApi api(false);
    v1::Resource created;
    ASSERT_TRUE(api.create(lamp("lamp-b"), &created).ok());
    EXPECT_EQ(created.generation(), 1);
    EXPECT_EQ(created.resource_version(), 1u);
    EXPECT_GT(created.created_at().seconds(), 1'600'000'000);
    EXPECT_EQ(created.spec().attributes().at("vendor"), "acme");
    EXPECT_TRUE(created.spec().space().has_latitude());
    EXPECT_FALSE(created.spec().space().has_longitude());
    ASSERT_TRUE(api.create(lamp("lamp-a")).ok());
    v1::CreateResourceRequest fromYaml;
    fromYaml.set_yaml(kPersonYaml);
    v1::CreateResourceResponse person;
    ASSERT_TRUE(api.stub->CreateResource(ApiStack::context().get(), fromYaml, &person).ok());
    EXPECT_EQ(person.resource().spec().kind(), "Person");
    EXPECT_EQ(person.resource().spec().space().room(), "lab-2");

    v1::GetResourceRequest get;
    get.set_id("lamp-b");
    v1::GetResourceResponse got;
    ASSERT_TRUE(api.stub->GetResource(ApiStack::context(kViewerToken).get(), get, &got).ok());
    EXPECT_EQ(got.resource().spec().SerializeAsString(), created.spec().SerializeAsString());
    EXPECT_NE(got.yaml().find("kind: Resource"), std::string::npos) << got.yaml();
    EXPECT_NE(got.yaml().find("name: lamp-b"), std::string::npos) << got.yaml();

    v1::ListResourcesResponse all;
    ASSERT_TRUE(api.stub->ListResources(ApiStack::context(kViewerToken).get(), {}, &all).ok());
    ASSERT_EQ(all.resources_size(), 3);
    EXPECT_EQ(all.resources(0).spec().id(), "lamp-a");
    EXPECT_EQ(all.resources(2).spec().id(), "person-alice");
    EXPECT_EQ(all.version(), 3u);
    v1::ListResourcesRequest people;
    people.set_kind("Person");
    v1::ListResourcesResponse listed;
    ASSERT_TRUE(api.stub->ListResources(ApiStack::context().get(), people, &listed).ok());
    ASSERT_EQ(listed.resources_size(), 1);
    EXPECT_EQ(listed.resources(0).spec().id(), "person-alice");
}

TEST(ApiResource, CreateRejectsBadInputWithTheFieldAndPosition)
{
    ResourceApi api(false);
    v1::CreateResourceRequest request;
    v1::CreateResourceResponse response;
    grpc::Status status = api.stub->CreateResource(ApiStack::context().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("source:", 0), 0u) << status.error_message();

    request.set_yaml("apiVersion: concord.io/v1alpha1\nkind: Resource\nmetadata: [unclosed\n");
    status = api.stub->CreateResource(ApiStack::context().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("yaml:", 0), 0u) << status.error_message();
    std::regex lineColumn("^yaml:[0-9]+:[0-9]+: .*");
    EXPECT_TRUE(std::regex_match(status.error_message(), lineColumn)) << status.error_message();

    request.set_yaml(std::string(kPersonYaml) + "  extra: 1\n");
    status = api.stub->CreateResource(ApiStack::context().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(status.error_message().find("yaml:13:"), std::string::npos) << status.error_message();

    v1::ResourceSpec bad = lamp("Bad Id");
    bad.mutable_probe()->clear_image();
    status = api.create(bad);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("spec.", 0), 0u) << status.error_message();
    EXPECT_NE(status.error_message().find("spec.probe.image"), std::string::npos);

    ASSERT_TRUE(api.create(lamp("lamp-a")).ok());
    EXPECT_EQ(api.create(lamp("lamp-a")).error_code(), grpc::StatusCode::ALREADY_EXISTS);
    EXPECT_EQ(api.store->size(), 1u);
}

TEST(ApiResource, UpdateChecksTheIdTheVersionAndBumpsTheGeneration)
{
    ResourceApi api(false);
    v1::Resource created;
    ASSERT_TRUE(api.create(lamp("lamp-a"), &created).ok());
    const auto update = [&](const std::string& id, const v1::ResourceSpec* spec,
                            const std::string* yaml, std::uint64_t expected,
                            v1::Resource* out = nullptr) {
        v1::UpdateResourceRequest request;
        request.set_id(id);
        if (spec != nullptr) {
            *request.mutable_spec() = *spec;
        }
        if (yaml != nullptr) {
            request.set_yaml(*yaml);
        }
        request.set_expected_version(expected);
        v1::UpdateResourceResponse response;
        const grpc::Status status =
            api.stub->UpdateResource(ApiStack::context().get(), request, &response);
        if (out != nullptr) {
            *out = response.resource();
        }
        return status;
    };
    v1::ResourceSpec next = lamp("lamp-a");
    next.mutable_probe()->set_image("example/probe:2.0");
    v1::Resource updated;
    ASSERT_TRUE(update("lamp-a", &next, nullptr, created.resource_version(), &updated).ok());
    EXPECT_EQ(updated.generation(), 2);
    EXPECT_EQ(updated.spec().probe().image(), "example/probe:2.0");

    grpc::Status status = update("lamp-a", &next, nullptr, created.resource_version());
    EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << status.error_message();
    status = update("", &next, nullptr, 0);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("id:", 0), 0u) << status.error_message();
    status = update("lamp-other", &next, nullptr, 0);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("spec.id:", 0), 0u) << status.error_message();
    status = update("lamp-a", nullptr, nullptr, 0);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("source:", 0), 0u) << status.error_message();
    v1::ResourceSpec ghost = lamp("ghost");
    EXPECT_EQ(update("ghost", &ghost, nullptr, 0).error_code(), grpc::StatusCode::NOT_FOUND);

    const std::string yaml = kPersonYaml;
    status = update("lamp-a", nullptr, &yaml, 0);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("yaml:", 0), 0u) << status.error_message();
    v1::CreateResourceRequest person;
    person.set_yaml(yaml);
    v1::CreateResourceResponse ignored;
    ASSERT_TRUE(api.stub->CreateResource(ApiStack::context().get(), person, &ignored).ok());
    std::string moved = yaml;
    moved.replace(moved.find("lab-2"), 5, "lobby");
    ASSERT_TRUE(update("person-alice", nullptr, &moved, 0, &updated).ok());
    EXPECT_EQ(updated.spec().space().room(), "lobby");
    EXPECT_EQ(updated.generation(), 2);
}

TEST(ApiResource, DeleteAndSetProbeEnabled)
{
    ResourceApi api(false);
    ASSERT_TRUE(api.create(lamp("lamp-a")).ok());
    v1::SetProbeEnabledRequest toggle;
    v1::SetProbeEnabledResponse toggled;
    EXPECT_EQ(api.stub->SetProbeEnabled(ApiStack::context().get(), toggle, &toggled).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
    toggle.set_id("lamp-a");
    toggle.set_enabled(false);
    ASSERT_TRUE(api.stub->SetProbeEnabled(ApiStack::context().get(), toggle, &toggled).ok());
    EXPECT_FALSE(toggled.resource().spec().probe_enabled());
    EXPECT_EQ(toggled.resource().generation(), 2);
    toggle.set_id("ghost");
    EXPECT_EQ(api.stub->SetProbeEnabled(ApiStack::context().get(), toggle, &toggled).error_code(),
              grpc::StatusCode::NOT_FOUND);

    v1::ResourceSpec imageless = lamp("lamp-b", false);
    imageless.mutable_probe()->clear_image();
    ASSERT_TRUE(api.create(imageless).ok());
    toggle.set_id("lamp-b");
    toggle.set_enabled(true);
    const grpc::Status noImage =
        api.stub->SetProbeEnabled(ApiStack::context().get(), toggle, &toggled);
    EXPECT_EQ(noImage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_NE(noImage.error_message().find("spec.probe.image"), std::string::npos);

    v1::DeleteResourceRequest remove;
    v1::DeleteResourceResponse removed;
    EXPECT_EQ(api.stub->DeleteResource(ApiStack::context().get(), remove, &removed).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
    remove.set_id("lamp-a");
    ASSERT_TRUE(api.stub->DeleteResource(ApiStack::context().get(), remove, &removed).ok());
    EXPECT_EQ(api.stub->DeleteResource(ApiStack::context().get(), remove, &removed).error_code(),
              grpc::StatusCode::NOT_FOUND);
    v1::GetResourceRequest get;
    get.set_id("lamp-a");
    v1::GetResourceResponse got;
    EXPECT_EQ(api.stub->GetResource(ApiStack::context().get(), get, &got).error_code(),
              grpc::StatusCode::NOT_FOUND);
    get.set_id("");
    EXPECT_EQ(api.stub->GetResource(ApiStack::context().get(), get, &got).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(ApiResource, AViewerReadsButCannotChangeAndNoTokenIsRefused)
{
    ResourceApi api(false);
    ASSERT_TRUE(api.create(lamp("lamp-a")).ok());
    EXPECT_EQ(api.create(lamp("lamp-b"), nullptr, kViewerToken).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(api.create(lamp("lamp-b"), nullptr, nullptr).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(api.create(lamp("lamp-b"), nullptr, "not-a-known-token-at-all").error_code(),
              grpc::StatusCode::UNAUTHENTICATED);

    v1::UpdateResourceRequest update;
    update.set_id("lamp-a");
    *update.mutable_spec() = lamp("lamp-a", false);
    v1::UpdateResourceResponse updated;
    EXPECT_EQ(api.stub->UpdateResource(ApiStack::context(kViewerToken).get(), update, &updated)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    v1::DeleteResourceRequest remove;
    remove.set_id("lamp-a");
    v1::DeleteResourceResponse removed;
    EXPECT_EQ(api.stub->DeleteResource(ApiStack::context(kViewerToken).get(), remove, &removed)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    v1::SetProbeEnabledRequest toggle;
    toggle.set_id("lamp-a");
    v1::SetProbeEnabledResponse toggled;
    EXPECT_EQ(api.stub->SetProbeEnabled(ApiStack::context(kViewerToken).get(), toggle, &toggled)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(api.store->size(), 1u);
    EXPECT_TRUE(api.store->get("lamp-a")->spec.probeEnabled);

    v1::ListResourcesResponse list;
    EXPECT_TRUE(api.stub->ListResources(ApiStack::context(kViewerToken).get(), {}, &list).ok());
    EXPECT_EQ(api.stub->ListResources(ApiStack::context(nullptr).get(), {}, &list).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    v1::GetResourceRequest get;
    get.set_id("lamp-a");
    v1::GetResourceResponse got;
    EXPECT_EQ(api.stub->GetResource(ApiStack::context(nullptr).get(), get, &got).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    auto ctx = ApiStack::context(nullptr);
    auto reader = api.stub->WatchResources(ctx.get(), {});
    v1::ResourceEvent event;
    EXPECT_FALSE(reader->Read(&event));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// Reads events until one of `type` (inclusive); false when the stream ended first.
bool readUntil(grpc::ClientReader<v1::ResourceEvent>& reader, v1::ResourceEvent::Type type,
               std::vector<v1::ResourceEvent>& out)
{
    v1::ResourceEvent event;
    while (reader.Read(&event)) {
        out.push_back(event);
        if (event.type() == type) {
            return true;
        }
    }
    return false;
}

TEST(ApiResource, WatchSendsTheSnapshotThenSyncedThenLiveChanges)
{
    ResourceApi api(false);
    ASSERT_TRUE(api.create(lamp("lamp-b")).ok());
    ASSERT_TRUE(api.create(lamp("lamp-a")).ok());
    auto ctx = ApiStack::context(kViewerToken);
    auto reader = api.stub->WatchResources(ctx.get(), {});
    std::vector<v1::ResourceEvent> events;
    ASSERT_TRUE(readUntil(*reader, v1::ResourceEvent::TYPE_SYNCED, events));
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].type(), v1::ResourceEvent::TYPE_ADDED);
    EXPECT_EQ(events[0].resource().spec().id(), "lamp-a");
    EXPECT_EQ(events[1].resource().spec().id(), "lamp-b");
    EXPECT_EQ(events[2].version(), 2u);
    EXPECT_FALSE(events[2].has_resource());
    for (const v1::ResourceEvent& e : events) {
        EXPECT_EQ(e.epoch(), api.store->epoch());
    }

    ASSERT_TRUE(api.create(lamp("lamp-c")).ok());
    v1::SetProbeEnabledRequest toggle;
    toggle.set_id("lamp-a");
    v1::SetProbeEnabledResponse toggled;
    ASSERT_TRUE(api.stub->SetProbeEnabled(ApiStack::context().get(), toggle, &toggled).ok());
    v1::DeleteResourceRequest remove;
    remove.set_id("lamp-b");
    v1::DeleteResourceResponse removed;
    ASSERT_TRUE(api.stub->DeleteResource(ApiStack::context().get(), remove, &removed).ok());

    v1::ResourceEvent event;
    ASSERT_TRUE(reader->Read(&event));
    EXPECT_EQ(event.type(), v1::ResourceEvent::TYPE_ADDED);
    EXPECT_EQ(event.resource().spec().id(), "lamp-c");
    EXPECT_EQ(event.version(), 3u);
    ASSERT_TRUE(reader->Read(&event));
    EXPECT_EQ(event.type(), v1::ResourceEvent::TYPE_MODIFIED);
    EXPECT_FALSE(event.resource().spec().probe_enabled());
    EXPECT_EQ(event.resource().resource_version(), 4u);
    ASSERT_TRUE(reader->Read(&event));
    EXPECT_EQ(event.type(), v1::ResourceEvent::TYPE_DELETED);
    EXPECT_EQ(event.resource().spec().id(), "lamp-b");
    EXPECT_EQ(event.version(), 5u);
    ctx->TryCancel();
}

TEST(ApiResource, WatchResumesAfterAVersionOrResetsOnAnotherEpoch)
{
    ResourceApi api(false);
    for (const char* id : {"lamp-a", "lamp-b", "lamp-c"}) {
        ASSERT_TRUE(api.create(lamp(id)).ok());
    }
    v1::WatchResourcesRequest request;
    request.set_epoch(api.store->epoch());
    request.set_resume_after_version(1);
    {
        auto ctx = ApiStack::context(kViewerToken);
        auto reader = api.stub->WatchResources(ctx.get(), request);
        std::vector<v1::ResourceEvent> events;
        ASSERT_TRUE(readUntil(*reader, v1::ResourceEvent::TYPE_SYNCED, events));
        ASSERT_EQ(events.size(), 3u) << "versions 2 and 3, then SYNCED";
        EXPECT_EQ(events[0].resource().spec().id(), "lamp-b");
        EXPECT_EQ(events[0].version(), 2u);
        EXPECT_EQ(events[1].resource().spec().id(), "lamp-c");
        EXPECT_EQ(events[2].version(), 3u);
        ctx->TryCancel();
    }
    request.set_epoch("another-daemon's-epoch");
    {
        auto ctx = ApiStack::context(kViewerToken);
        auto reader = api.stub->WatchResources(ctx.get(), request);
        std::vector<v1::ResourceEvent> events;
        ASSERT_TRUE(readUntil(*reader, v1::ResourceEvent::TYPE_SYNCED, events));
        ASSERT_EQ(events.size(), 5u) << "RESET, three ADDED, SYNCED";
        EXPECT_EQ(events[0].type(), v1::ResourceEvent::TYPE_RESET);
        EXPECT_EQ(events[1].type(), v1::ResourceEvent::TYPE_ADDED);
        EXPECT_EQ(events[1].resource().spec().id(), "lamp-a");
        EXPECT_EQ(events[4].version(), 3u);
        ctx->TryCancel();
    }
    request.set_epoch(api.store->epoch());
    request.set_resume_after_version(99);  // never existed here
    {
        auto ctx = ApiStack::context(kViewerToken);
        auto reader = api.stub->WatchResources(ctx.get(), request);
        v1::ResourceEvent event;
        ASSERT_TRUE(reader->Read(&event));
        EXPECT_EQ(event.type(), v1::ResourceEvent::TYPE_RESET);
        ctx->TryCancel();
    }
    request.set_epoch("");
    request.set_resume_after_version(2);
    auto ctx = ApiStack::context(kViewerToken);
    auto reader = api.stub->WatchResources(ctx.get(), request);
    v1::ResourceEvent event;
    EXPECT_FALSE(reader->Read(&event));
    const grpc::Status status = reader->Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(status.error_message().rfind("resume_after_version:", 0), 0u);
}

TEST(ApiResource, AReaderThatFallsPastTheHistoryIsReset)
{
    ResourceStoreOptions small;
    small.historyCapacity = 10;
    ResourceApi api(false, small);
    ASSERT_TRUE(api.create(lamp("lamp-a")).ok());
    auto ctx = ApiStack::context(kViewerToken, 30'000);
    auto reader = api.stub->WatchResources(ctx.get(), {});
    std::vector<v1::ResourceEvent> events;
    ASSERT_TRUE(readUntil(*reader, v1::ResourceEvent::TYPE_SYNCED, events));
    // Far more changes than the history keeps, faster than one stream sends them.
    for (int i = 0; i < 20'000; ++i) {
        ASSERT_TRUE(api.store->setProbeEnabled("lamp-a", i % 2 == 1).ok());
    }
    // The stream must come out of it with the final state, by way of a RESET.
    const std::uint64_t last = api.store->version();
    bool reset = false;
    std::int64_t generation = 0;
    v1::ResourceEvent event;
    while (reader->Read(&event)) {
        reset = reset || event.type() == v1::ResourceEvent::TYPE_RESET;
        if (event.has_resource()) {
            generation = event.resource().generation();
        }
        if (event.version() == last && event.type() != v1::ResourceEvent::TYPE_RESET &&
            event.type() != v1::ResourceEvent::TYPE_ADDED) {
            break;  // the last change itself, or the SYNCED of a snapshot at it
        }
    }
    EXPECT_TRUE(reset);
    EXPECT_EQ(event.version(), last);
    EXPECT_EQ(generation, 20'001);
    ctx->TryCancel();
}

TEST(ApiResource, AProbeToggleShowsOnTheStreamAsProgressingThenAvailable)
{
    ResourceApi api(true);
    ASSERT_TRUE(api.create(lamp("lamp-a", false)).ok());
    ASSERT_TRUE(testing::waitUntil(
        [&] { return api.store->get("lamp-a")->status.observedGeneration == 1; }, 5000));
    auto ctx = ApiStack::context(kViewerToken);
    auto reader = api.stub->WatchResources(ctx.get(), {});
    std::vector<v1::ResourceEvent> events;
    ASSERT_TRUE(readUntil(*reader, v1::ResourceEvent::TYPE_SYNCED, events));
    ASSERT_TRUE(conditionIs(events[0].resource(), v1::CONDITION_TYPE_AVAILABLE,
                            v1::CONDITION_STATUS_FALSE));
    EXPECT_EQ(findCondition(events[0].resource(), v1::CONDITION_TYPE_AVAILABLE)->reason(),
              "ProbeDisabled");

    v1::SetProbeEnabledRequest toggle;
    toggle.set_id("lamp-a");
    toggle.set_enabled(true);
    v1::SetProbeEnabledResponse toggled;
    ASSERT_TRUE(api.stub->SetProbeEnabled(ApiStack::context().get(), toggle, &toggled).ok());
    bool progressing = false;
    bool available = false;
    v1::ResourceEvent event;
    while (!available && reader->Read(&event)) {
        ASSERT_EQ(event.type(), v1::ResourceEvent::TYPE_MODIFIED);
        const v1::Resource& r = event.resource();
        if (conditionIs(r, v1::CONDITION_TYPE_PROGRESSING, v1::CONDITION_STATUS_TRUE)) {
            progressing = true;
            EXPECT_EQ(r.status().probe().phase(), v1::PROBE_PHASE_PENDING);
        }
        if (conditionIs(r, v1::CONDITION_TYPE_AVAILABLE, v1::CONDITION_STATUS_TRUE)) {
            available = true;
            EXPECT_TRUE(progressing) << "Available before Progressing";
            EXPECT_EQ(r.status().probe().phase(), v1::PROBE_PHASE_RUNNING);
            EXPECT_EQ(r.status().observed_generation(), 2);
            EXPECT_EQ(r.status().probe().name(), "lamp-a-probe");
            EXPECT_EQ(r.status().conditions(0).type(), v1::CONDITION_TYPE_AVAILABLE);
            EXPECT_GT(r.status().conditions(0).last_transition_time().seconds(), 0);
        }
    }
    EXPECT_TRUE(available);
    ctx->TryCancel();
}

TEST(ApiResource, ShutdownEndsAWatchWithUnavailable)
{
    ResourceApi api(false);
    auto ctx = ApiStack::context(kViewerToken);
    auto reader = api.stub->WatchResources(ctx.get(), {});
    std::vector<v1::ResourceEvent> events;
    ASSERT_TRUE(readUntil(*reader, v1::ResourceEvent::TYPE_SYNCED, events));
    EXPECT_EQ(events.size(), 1u) << "an empty store: SYNCED alone";
    api.stack.server().shutdown();
    v1::ResourceEvent event;
    EXPECT_FALSE(reader->Read(&event));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(ApiResource, WithoutAStoreTheServiceIsNotServed)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    auto stub = v1::ResourceService::NewStub(stack.channel());
    v1::ListResourcesResponse list;
    EXPECT_EQ(stub->ListResources(ApiStack::context().get(), {}, &list).error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
}

// Every object of a 10,000-Resource snapshot, in id order; the time it took
// goes to the test's output (the console's bar: 10k in ≤ 2 s).
TEST(ApiResource, ATenThousandResourceSnapshotStreamsInOrder)
{
    ResourceApi api(false);
    for (const core::ResourceSpec& spec : generateResources(10'000)) {
        ASSERT_TRUE(api.store->create(spec).ok());
    }
    const auto start = std::chrono::steady_clock::now();
    auto ctx = ApiStack::context(kViewerToken, 60'000);
    auto reader = api.stub->WatchResources(ctx.get(), {});
    std::vector<v1::ResourceEvent> events;
    events.reserve(10'001);
    ASSERT_TRUE(readUntil(*reader, v1::ResourceEvent::TYPE_SYNCED, events));
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(events.size(), 10'001u);
    for (std::size_t i = 0; i + 1 < events.size(); ++i) {
        ASSERT_EQ(events[i].type(), v1::ResourceEvent::TYPE_ADDED);
        if (i > 0) {
            ASSERT_LT(events[i - 1].resource().spec().id(), events[i].resource().spec().id());
        }
    }
    std::printf("[ timing ] WatchResources snapshot of 10000 resources: %.1f ms\n", ms);
    RecordProperty("snapshot_10k_ms", std::to_string(ms));
    ctx->TryCancel();
}

}  // namespace
}  // namespace concord::controller
