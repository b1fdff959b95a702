#include "resource_store.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

#include "api_server.h"

namespace concord::controller {

using core::ErrorCode;
using core::makeError;

namespace {

std::int64_t systemUnixMs()
{
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

core::Error notFound(std::string_view id)
{
    return makeError(ErrorCode::NotFound, "resource '" + std::string(id) + "' not found");
}

}  // namespace

ResourceStore::ResourceStore(ResourceStoreOptions options)
    : m_options(std::move(options)), m_epoch(randomUuid())
{}

std::int64_t ResourceStore::nowUnixMs() const
{
    return m_options.clock ? m_options.clock() : systemUnixMs();
}

std::uint64_t ResourceStore::version() const
{
    const std::lock_guard lock(m_mutex);
    return m_version;
}

std::size_t ResourceStore::size() const
{
    const std::lock_guard lock(m_mutex);
    return m_resources.size();
}

std::uint64_t ResourceStore::commitLocked(ResourceEventType type,
                                          std::shared_ptr<core::Resource> next,
                                          const std::string& id)
{
    const std::uint64_t version = ++m_version;
    ResourcePtr stored;
    if (type == ResourceEventType::Deleted) {
        const auto it = m_resources.find(id);
        auto last = std::make_shared<core::Resource>(*it->second);
        last->resourceVersion = version;
        stored = std::move(last);
        m_resources.erase(it);
    } else {
        next->resourceVersion = version;
        stored = std::move(next);
        m_resources[id] = stored;
    }
    if (m_options.historyCapacity > 0) {
        m_history.push_back(ResourceChange{type, std::move(stored), version});
        while (m_history.size() > m_options.historyCapacity) {
            m_history.pop_front();
        }
    }
    return version;
}

void ResourceStore::notify(std::uint64_t version)
{
    const std::lock_guard lock(m_subscriberMutex);
    for (const auto& entry : m_subscribers) {
        entry.second(version);
    }
}

core::Result<core::Resource> ResourceStore::create(core::ResourceSpec spec)
{
    if (core::Status valid = core::validateResourceSpec(spec); !valid) {
        return valid.error();
    }
    auto resource = std::make_shared<core::Resource>();
    resource->spec = std::move(spec);
    resource->generation = 1;
    resource->createdAtUnixMs = nowUnixMs();
    std::uint64_t version = 0;
    {
        const std::lock_guard lock(m_mutex);
        const std::string id = resource->spec.id;
        if (m_resources.count(id) != 0) {
            return makeError(ErrorCode::AlreadyExists, "resource '" + id + "' already exists");
        }
        version = commitLocked(ResourceEventType::Added, resource, id);
    }
    notify(version);
    return *resource;
}

core::Result<core::Resource> ResourceStore::replaceSpec(
    std::string_view id, std::uint64_t expectedVersion,
    const std::function<core::Status(core::ResourceSpec&)>& edit)
{
    std::shared_ptr<core::Resource> next;
    std::uint64_t version = 0;
    {
        const std::lock_guard lock(m_mutex);
        const auto it = m_resources.find(id);
        if (it == m_resources.end()) {
            return notFound(id);
        }
        const core::Resource& current = *it->second;
        if (expectedVersion != 0 && expectedVersion != current.resourceVersion) {
            return makeError(ErrorCode::Aborted,
                             "resource '" + std::string(id) + "' is at version " +
                                 std::to_string(current.resourceVersion) + ", not the expected " +
                                 std::to_string(expectedVersion) + ": re-read it and retry");
        }
        core::ResourceSpec spec = current.spec;
        if (core::Status edited = edit(spec); !edited) {
            return edited.error();
        }
        if (spec == current.spec) {
            return current;
        }
        if (core::Status valid = core::validateResourceSpec(spec); !valid) {
            return valid.error();
        }
        next = std::make_shared<core::Resource>(current);
        next->spec = std::move(spec);
        ++next->generation;
        version = commitLocked(ResourceEventType::Modified, next, it->first);
    }
    notify(version);
    return *next;
}

core::Result<core::Resource> ResourceStore::updateSpec(core::ResourceSpec spec,
                                                       std::uint64_t expectedVersion)
{
    const std::string id = spec.id;
    return replaceSpec(id, expectedVersion, [&spec](core::ResourceSpec& stored) {
        stored = std::move(spec);
        return core::okStatus();
    });
}

core::Result<core::Resource> ResourceStore::setProbeEnabled(std::string_view id, bool enabled)
{
    return replaceSpec(id, 0, [enabled](core::ResourceSpec& stored) {
        stored.probeEnabled = enabled;
        return core::okStatus();
    });
}

core::Result<core::Resource> ResourceStore::updateStatus(std::string_view id,
                                                         core::ResourceStatus status, bool* written)
{
    if (written != nullptr) {
        *written = false;
    }
    std::shared_ptr<core::Resource> next;
    std::uint64_t version = 0;
    {
        const std::lock_guard lock(m_mutex);
        const auto it = m_resources.find(id);
        if (it == m_resources.end()) {
            return notFound(id);
        }
        if (it->second->status == status) {
            return *it->second;
        }
        next = std::make_shared<core::Resource>(*it->second);
        next->status = std::move(status);
        version = commitLocked(ResourceEventType::Modified, next, it->first);
    }
    if (written != nullptr) {
        *written = true;
    }
    notify(version);
    return *next;
}

core::Result<core::Resource> ResourceStore::remove(std::string_view id)
{
    core::Resource last;
    std::uint64_t version = 0;
    {
        const std::lock_guard lock(m_mutex);
        const auto it = m_resources.find(id);
        if (it == m_resources.end()) {
            return notFound(id);
        }
        last = *it->second;
        version = commitLocked(ResourceEventType::Deleted, nullptr, it->first);
        last.resourceVersion = version;
    }
    notify(version);
    return last;
}

ResourcePtr ResourceStore::get(std::string_view id) const
{
    const std::lock_guard lock(m_mutex);
    const auto it = m_resources.find(id);
    return it == m_resources.end() ? nullptr : it->second;
}

ResourceStore::Listing ResourceStore::list(std::string_view kind) const
{
    Listing listing;
    const std::lock_guard lock(m_mutex);
    listing.version = m_version;
    listing.resources.reserve(kind.empty() ? m_resources.size() : 0);
    for (const auto& entry : m_resources) {
        if (kind.empty() || entry.second->spec.kind == kind) {
            listing.resources.push_back(entry.second);
        }
    }
    return listing;
}

ResourceStore::Read ResourceStore::changesAfter(std::uint64_t after, std::size_t max,
                                                std::vector<ResourceChange>& out) const
{
    const std::lock_guard lock(m_mutex);
    if (after == m_version) {
        return Read::UpToDate;
    }
    if (after > m_version || m_history.empty() || m_history.front().version > after + 1) {
        return Read::Gone;
    }
    const auto first = static_cast<std::size_t>(after + 1 - m_history.front().version);
    const std::size_t end = std::min(m_history.size(), first + std::max<std::size_t>(max, 1));
    for (std::size_t i = first; i < end; ++i) {
        out.push_back(m_history[i]);
    }
    return Read::Changes;
}

ResourceStore::SubscriberId ResourceStore::subscribe(std::function<void(std::uint64_t)> callback)
{
    const std::lock_guard lock(m_subscriberMutex);
    const SubscriberId id = m_nextSubscriber++;
    m_subscribers.emplace(id, std::move(callback));
    return id;
}

void ResourceStore::unsubscribe(SubscriberId id)
{
    const std::lock_guard lock(m_subscriberMutex);
    m_subscribers.erase(id);
}

// ---------------------------------------------------------------------------
// Seeding

namespace {

// Generated at configure time from resources/sandbox/resources.yaml.
#include "builtin_sandbox_resources.inc"

struct Document
{
    std::string_view text;
    int firstLine = 1;  // of `text` in the whole stream
};

bool isBlankOrComment(std::string_view line)
{
    const std::size_t first = line.find_first_not_of(" \t\r");
    return first == std::string_view::npos || line[first] == '#';
}

// A "---" line: the marker alone, or followed by blanks and a comment.
std::optional<bool> documentMarker(std::string_view line)
{
    if (line.substr(0, 3) != "---" ||
        (line.size() > 3 && line[3] != ' ' && line[3] != '\t' && line[3] != '\r')) {
        return std::nullopt;
    }
    return isBlankOrComment(line.substr(3));
}

core::Result<std::vector<Document>> splitDocuments(std::string_view yaml, std::string_view source)
{
    std::vector<Document> documents;
    std::size_t start = 0;  // of the current document
    int startLine = 1;
    bool blank = true;
    std::size_t pos = 0;
    for (int lineNo = 1; pos <= yaml.size(); ++lineNo) {
        std::size_t end = yaml.find('\n', pos);
        const std::size_t next = end == std::string_view::npos ? yaml.size() + 1 : end + 1;
        end = std::min(end, yaml.size());
        const std::string_view line = yaml.substr(pos, end - pos);
        if (const std::optional<bool> marker = documentMarker(line)) {
            if (!*marker) {
                core::Error error = makeError(
                    ErrorCode::InvalidArgument,
                    "a document must start on the line after its '---', not on the same line");
                error.source = std::string(source);
                error.line = lineNo;
                error.column = 5;
                return error;
            }
            if (!blank) {
                documents.push_back({yaml.substr(start, pos - start), startLine});
            }
            start = std::min(next, yaml.size());
            startLine = lineNo + 1;
            blank = true;
        } else if (!isBlankOrComment(line)) {
            blank = false;
        }
        pos = next;
    }
    if (!blank) {
        documents.push_back({yaml.substr(start), startLine});
    }
    return documents;
}

}  // namespace

std::string_view builtinSandboxResources()
{
    return kBuiltinSandboxResources;
}

core::Result<std::vector<core::ResourceSpec>> parseResourceDocuments(std::string_view yaml,
                                                                     std::string_view source)
{
    auto documents = splitDocuments(yaml, source);
    if (!documents) {
        return documents.error();
    }
    std::vector<core::ResourceSpec> specs;
    std::map<std::string, int> lineOfId;
    for (const Document& document : *documents) {
        auto spec = core::parseResourceYaml(document.text, source);
        if (!spec) {
            core::Error error = spec.error();
            error.source = std::string(source);
            error.line = error.line > 0 ? error.line + document.firstLine - 1 : document.firstLine;
            return error;
        }
        const auto [it, inserted] = lineOfId.emplace(spec->id, document.firstLine);
        if (!inserted) {
            core::Error error =
                makeError(ErrorCode::AlreadyExists,
                          "spec.id: '" + spec->id + "' is already the id of the resource at line " +
                              std::to_string(it->second));
            error.source = std::string(source);
            error.line = document.firstLine;
            return error;
        }
        specs.push_back(std::move(*spec));
    }
    return specs;
}

std::vector<core::ResourceSpec> generateResources(int count)
{
    static constexpr std::array<const char*, 4> kKinds = {"AirPurifier", "Lamp", "Person",
                                                          "Sensor"};
    std::vector<core::ResourceSpec> specs;
    specs.reserve(static_cast<std::size_t>(std::max(count, 0)));
    for (int i = 0; i < count; ++i) {
        std::array<char, 32> id{};
        std::snprintf(id.data(), id.size(), "res-%05d", i + 1);
        core::ResourceSpec spec;
        spec.id = id.data();
        spec.kind = kKinds[static_cast<std::size_t>(i) % kKinds.size()];
        spec.attributes["index"] = std::to_string(i + 1);
        spec.attributes["generated"] = "true";
        spec.space.site = "campus-" + std::to_string(i % 3 + 1);
        spec.space.room = "room-" + std::to_string(i % 50 + 1);
        spec.time.timezone = "Asia/Shanghai";
        spec.probe.image = "example/probe:1.0";
        spec.probe.args = {"--kind", spec.kind};
        spec.probeEnabled = i % 2 == 0;
        specs.push_back(std::move(spec));
    }
    return specs;
}

}  // namespace concord::controller
