#pragma once

// The sandbox's store of Resources (DESIGN.md §7) — what the API server of
// Kubernetes is for the Resource CRD in a cluster: objects keyed by id, a
// store-wide resource version bumped by every change, and a bounded history
// of changes so watches resume where they left off.
//
// Objects are immutable once stored (shared_ptr<const Resource>): a change
// stores a new object, so snapshots and history events share them and a
// 10,000-Resource snapshot costs 10,000 pointers, not copies.
//
// Thread-safe. Subscribers are called after every change, on the writer's
// thread, with no lock of the store held; they should only notify (wake a
// condition variable or a stream pump) and must neither write to the store
// nor (un)subscribe.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/resource.h"
#include "core/result.h"

namespace concord::controller {

using ResourcePtr = std::shared_ptr<const core::Resource>;

enum class ResourceEventType
{
    Added,
    Modified,  // spec or status
    Deleted,   // `resource` is its last state, at the deletion's version
};

struct ResourceChange
{
    ResourceEventType type = ResourceEventType::Added;
    ResourcePtr resource;
    std::uint64_t version = 0;  // the store version this change produced
};

struct ResourceStoreOptions
{
    std::size_t historyCapacity = 50'000;  // changes kept for resuming watches
    std::function<std::int64_t()> clock;   // Unix ms for createdAt; empty = the system clock
};

class ResourceStore final
{
public:
    explicit ResourceStore(ResourceStoreOptions options = {});
    ResourceStore(const ResourceStore&) = delete;
    ResourceStore& operator=(const ResourceStore&) = delete;

    // Versions are comparable only within one epoch (a UUID drawn per store,
    // i.e. per daemon process).
    const std::string& epoch() const { return m_epoch; }
    std::uint64_t version() const;

    // InvalidArgument (validateResourceSpec), AlreadyExists. Generation 1.
    core::Result<core::Resource> create(core::ResourceSpec spec);
    // Replaces the spec of the Resource `spec.id`. NotFound; Aborted when
    // `expectedVersion` is not 0 and not the Resource's resourceVersion;
    // InvalidArgument. A spec equal to the stored one changes nothing (no
    // new version, generation kept); any other bumps the generation.
    core::Result<core::Resource> updateSpec(core::ResourceSpec spec,
                                            std::uint64_t expectedVersion = 0);
    // updateSpec() of the stored spec with probeEnabled = `enabled`, atomically.
    core::Result<core::Resource> setProbeEnabled(std::string_view id, bool enabled);
    // The controller's side: replaces the status (generation kept). NotFound.
    // An equal status changes nothing; `written` tells which it was.
    core::Result<core::Resource> updateStatus(std::string_view id, core::ResourceStatus status,
                                              bool* written = nullptr);
    // NotFound. Returns the last state.
    core::Result<core::Resource> remove(std::string_view id);

    ResourcePtr get(std::string_view id) const;
    struct Listing
    {
        std::vector<ResourcePtr> resources;  // by id
        std::uint64_t version = 0;           // the store version they are at
    };
    Listing list(std::string_view kind = {}) const;  // empty kind = every Resource
    std::size_t size() const;

    enum class Read
    {
        Changes,   // `out` holds the next changes after `after` (at most `max`)
        UpToDate,  // nothing after `after` yet
        Gone,      // the changes after `after` are no longer kept (or never were): relist
    };
    Read changesAfter(std::uint64_t after, std::size_t max, std::vector<ResourceChange>& out) const;

    using SubscriberId = std::uint64_t;
    // `callback(version)` after every change. unsubscribe() returns once no
    // call of it is running, so the callback may capture what the caller owns.
    SubscriberId subscribe(std::function<void(std::uint64_t)> callback);
    void unsubscribe(SubscriberId id);

private:
    // Stores `next` (or deletes `id` when null) as one change, under m_mutex.
    std::uint64_t commitLocked(ResourceEventType type, std::shared_ptr<core::Resource> next,
                               const std::string& id);
    void notify(std::uint64_t version);
    core::Result<core::Resource> replaceSpec(
        std::string_view id, std::uint64_t expectedVersion,
        const std::function<core::Status(core::ResourceSpec&)>& edit);
    std::int64_t nowUnixMs() const;

    const ResourceStoreOptions m_options;
    const std::string m_epoch;
    mutable std::mutex m_mutex;
    std::map<std::string, ResourcePtr, std::less<>> m_resources;
    std::deque<ResourceChange> m_history;  // the last historyCapacity changes, by version
    std::uint64_t m_version = 0;

    // Held while subscribers are called, so unsubscribe() can wait for them.
    std::mutex m_subscriberMutex;
    std::map<SubscriberId, std::function<void(std::uint64_t)>> m_subscribers;
    SubscriberId m_nextSubscriber = 1;
};

// --- Seeding the store at daemon start

// resources/sandbox/resources.yaml, compiled into concordd.
std::string_view builtinSandboxResources();

// A multi-document YAML stream of Resource manifests ("---" lines between
// them), each read with core::parseResourceYaml. Errors carry `source` and
// the line:column in the whole stream; an id twice is an error too.
core::Result<std::vector<core::ResourceSpec>> parseResourceDocuments(std::string_view yaml,
                                                                     std::string_view source);

// `count` synthetic Resources (air purifiers, lamps, people, sensors; every
// other one with its probe enabled), ids "res-00001"… — for scale tests and
// benchmarks. Deterministic.
std::vector<core::ResourceSpec> generateResources(int count);

}  // namespace concord::controller
