#include "update_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <set>

#include "proto_convert.h"
#include "update_plan.h"

namespace concord::controller {

using google::protobuf::util::TimeUtil;

namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr std::string_view kPageTokenPrefix = "h1:";

grpc::Status invalid(std::string message)
{
    return {grpc::StatusCode::INVALID_ARGUMENT, std::move(message)};
}

// The fields PlanUpdate and StartUpdate share, checked in the order of the proto.
grpc::Status toSpec(const std::string& service, const std::string& target, int strategy,
                    const v1::UpdateOptions& options, int istioApi, UpdateRequestSpec& spec)
{
    if (service.empty()) {
        return invalid("service: required");
    }
    if (target.empty()) {
        return invalid("target_version: required");
    }
    if (strategy == v1::UPDATE_STRATEGY_UNSPECIFIED) {
        return invalid("strategy: required");
    }
    if (strategy == v1::UPDATE_STRATEGY_QUIESCENCE) {
        return invalid(
            "strategy: QUIESCENCE is a benchmark baseline (concordd bench) only; "
            "use CV, BF, WF or NAIVE");
    }
    const std::optional<Strategy> parsed = strategyFromProto(strategy);
    if (!parsed) {
        return invalid("strategy: unknown value " + std::to_string(strategy));
    }
    spec.service = service;
    spec.targetVersion = target;
    spec.strategy = *parsed;
    if (options.has_straggler_ttl()) {
        const auto ms = durationToMs(options.straggler_ttl());
        if (!ms || *ms <= 0) {
            return invalid("options.straggler_ttl: must be a positive duration");
        }
        spec.options.stragglerTtlMs = *ms;
    }
    if (options.has_timeout()) {
        const auto ms = durationToMs(options.timeout());
        if (!ms || *ms < 0) {
            return invalid("options.timeout: must not be negative");
        }
        spec.options.timeoutMs = *ms;
    }
    const auto api = istioApiFromProto(istioApi);
    if (!api) {
        return invalid("istio_api_version: unknown value " + std::to_string(istioApi));
    }
    spec.options.apiVersion = *api;
    return grpc::Status::OK;
}

// INVALID_ARGUMENT when the target is what the service already serves and no
// update is running on it (the runner calls that a failed precondition).
grpc::Status checkTargetNotServing(const ApiContext& api, const UpdateRequestSpec& spec)
{
    if (api.runner.activeUpdateFor(spec.service)) {
        return grpc::Status::OK;
    }
    for (const ServiceInfo& service : api.driver.mesh().services) {
        if (service.name == spec.service && service.defaultVersion == spec.targetVersion) {
            return invalid("target_version: '" + spec.targetVersion + "' is already serving " +
                           spec.service);
        }
    }
    return grpc::Status::OK;
}

// The API's plan starts with INITIAL (the rules before the update); the
// runner's lists only the phases it runs.
void prependInitial(const ApiContext& api, const UpdateRequestSpec& spec, Plan& plan)
{
    if (!plan.phases.empty() && plan.phases.front().phase == RunPhase::Initial) {
        return;
    }
    PlannedPhase initial;
    initial.phase = RunPhase::Initial;
    initial.description = "Before the update: " + plan.fromVersion + " serves every request";
    if (auto target = resolveTarget(api.driver.mesh(), spec)) {
        initial.rulesYaml = rulesYamlFor(*target, core::UpdatePhase::Initial);
    }
    plan.phases.insert(plan.phases.begin(), std::move(initial));
}

// The progress of an update the runner no longer holds, from its journal record.
void progressFromRecord(const UpdateRecord& record, v1::UpdateProgress& out)
{
    v1::UpdateSummary summary;
    toSummary(record, "", summary);
    out.set_update_id(summary.update_id());
    out.set_service(summary.service());
    out.set_from_version(summary.from_version());
    out.set_target_version(summary.target_version());
    out.set_strategy(summary.strategy());
    out.set_phase(summary.phase());
    out.set_state(summary.state());
    out.set_inconsistent_transactions(summary.metrics().inconsistent_transactions());
    out.set_straggler_count(summary.metrics().stragglers());
    out.set_message(summary.message());
    *out.mutable_observed_at() = timestampFromUnixMs(nowUnixMs());
}

bool isTerminal(v1::UpdateState state)
{
    return state == v1::UPDATE_STATE_COMPLETED || state == v1::UPDATE_STATE_FORCE_RETIRED ||
           state == v1::UPDATE_STATE_ABORTED || state == v1::UPDATE_STATE_TIMED_OUT ||
           state == v1::UPDATE_STATE_FAILED;
}

// One WatchUpdate stream: the progress at once, then at every change of the
// update (at most one per updateMinGap), ending after a terminal state.
class UpdateWatch final : public WatchStream<v1::UpdateProgress>
{
public:
    UpdateWatch(std::shared_ptr<ApiContext> api, std::string id)
        : WatchStream(std::move(api)), m_id(std::move(id))
    {}

protected:
    Step produce(SteadyClock::time_point now) override
    {
        if (m_sent && now - m_lastSend < api().timing.updateMinGap) {
            return {};
        }
        const std::uint64_t revision = api().runner.revision();
        if (m_sent && revision == m_seenRevision) {
            return {};
        }
        m_seenRevision = revision;
        auto snapshot = api().runner.snapshot(m_id);
        if (!snapshot) {
            // Evicted from memory after finishing; the client had the final state or will
            // find it in the history.
            return {std::nullopt, m_sent ? grpc::Status::OK : toGrpcStatus(snapshot.error())};
        }
        if (m_sent && snapshot->revision == m_updateRevision) {
            return {};
        }
        m_sent = true;
        m_lastSend = now;
        m_updateRevision = snapshot->revision;
        v1::UpdateProgress progress;
        toProto(*snapshot, progress);
        if (isFinal(snapshot->state)) {
            return {std::move(progress), grpc::Status::OK};
        }
        return {std::move(progress), std::nullopt};
    }

private:
    const std::string m_id;
    bool m_sent = false;
    SteadyClock::time_point m_lastSend{};
    std::uint64_t m_seenRevision = 0;
    std::uint64_t m_updateRevision = 0;
};

// A WatchUpdate of a finished update that only the journal still knows.
class RecordWatch final : public WatchStream<v1::UpdateProgress>
{
public:
    RecordWatch(std::shared_ptr<ApiContext> api, v1::UpdateProgress progress)
        : WatchStream(std::move(api)), m_progress(std::move(progress))
    {}

protected:
    Step produce(SteadyClock::time_point) override { return {m_progress, grpc::Status::OK}; }

private:
    v1::UpdateProgress m_progress;
};

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 14695981039346656037ULL)
{
    for (const char c : text) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    return hash;
}

// Identifies a GetHistory filter, so a page token cannot be reused with other filters.
std::string filterKey(const v1::GetHistoryRequest& request)
{
    std::vector<int> states(request.states().begin(), request.states().end());
    std::sort(states.begin(), states.end());
    std::string text = request.service() + '\n' + std::to_string(request.strategy()) + '\n';
    for (const int state : states) {
        text += std::to_string(state) + ',';
    }
    text += '\n' + request.finished_after().SerializeAsString() + '\n' +
            request.finished_before().SerializeAsString() + '\n' +
            std::to_string(request.has_finished_after()) +
            std::to_string(request.has_finished_before());
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(text)));
    return hex;
}

bool validTimestamp(const google::protobuf::Timestamp& t)
{
    return t.seconds() >= TimeUtil::kTimestampMinSeconds &&
           t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 &&
           t.nanos() < 1'000'000'000;
}

grpc::Status validateHistory(const v1::GetHistoryRequest& request)
{
    if (request.page_size() < 0) {
        return invalid("page_size: must not be negative");
    }
    if (request.strategy() != v1::UPDATE_STRATEGY_UNSPECIFIED &&
        !v1::UpdateStrategy_IsValid(request.strategy())) {
        return invalid("strategy: unknown value " + std::to_string(request.strategy()));
    }
    for (const int state : request.states()) {
        if (!isTerminal(static_cast<v1::UpdateState>(state))) {
            return invalid("states: " + std::to_string(state) + " is not a terminal state");
        }
    }
    if (request.has_finished_after() && !validTimestamp(request.finished_after())) {
        return invalid("finished_after: not a valid timestamp");
    }
    if (request.has_finished_before() && !validTimestamp(request.finished_before())) {
        return invalid("finished_before: not a valid timestamp");
    }
    if (request.has_finished_after() && request.has_finished_before() &&
        request.finished_after() > request.finished_before()) {
        return invalid("finished_after: after finished_before");
    }
    return grpc::Status::OK;
}

bool matches(const v1::GetHistoryRequest& request, const v1::UpdateSummary& summary)
{
    if (!isTerminal(summary.state())) {
        return false;
    }
    if (request.strategy() != v1::UPDATE_STRATEGY_UNSPECIFIED &&
        summary.strategy() != request.strategy()) {
        return false;
    }
    if (!request.states().empty() && std::find(request.states().begin(), request.states().end(),
                                               summary.state()) == request.states().end()) {
        return false;
    }
    if (request.has_finished_after() && summary.finished_at() < request.finished_after()) {
        return false;
    }
    if (request.has_finished_before() && !(summary.finished_at() < request.finished_before())) {
        return false;
    }
    return true;
}

}  // namespace

grpc::ServerUnaryReactor* UpdateServiceImpl::PlanUpdate(grpc::CallbackServerContext* context,
                                                        const v1::PlanUpdateRequest* request,
                                                        v1::PlanUpdateResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        const auto caller = authorize(*m_api, *context, Role::Viewer, "PlanUpdate", denied);
        if (!caller) {
            return denied;
        }
        UpdateRequestSpec spec;
        grpc::Status status =
            toSpec(request->service(), request->target_version(), request->strategy(),
                   request->options(), request->istio_api_version(), spec);
        if (!status.ok()) {
            return status;
        }
        if (status = checkTargetNotServing(*m_api, spec); !status.ok()) {
            return status;
        }
        spec.naiveAcknowledged = true;  // a plan of NAIVE is allowed; it warns
        spec.actor = caller->name;
        spec.role = std::string(toString(caller->role));
        auto plan = m_api->runner.plan(spec);
        if (!plan) {
            return toGrpcStatus(plan.error());
        }
        prependInitial(*m_api, spec, *plan);
        toProto(*plan, *response->mutable_plan());
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* UpdateServiceImpl::StartUpdate(grpc::CallbackServerContext* context,
                                                         const v1::StartUpdateRequest* request,
                                                         v1::StartUpdateResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        const auto caller = authorize(*m_api, *context, Role::Operator, "StartUpdate", denied);
        if (!caller) {
            return denied;
        }
        UpdateRequestSpec spec;
        grpc::Status status =
            toSpec(request->service(), request->target_version(), request->strategy(),
                   request->options(), v1::ISTIO_API_VERSION_UNSPECIFIED, spec);
        if (!status.ok()) {
            return status;
        }
        if (spec.strategy == Strategy::Naive && !request->naive_acknowledged()) {
            return invalid(
                "naive_acknowledged: must be true for NAIVE, which lets transactions "
                "mix versions");
        }
        if (status = checkTargetNotServing(*m_api, spec); !status.ok()) {
            return status;
        }
        spec.naiveAcknowledged = request->naive_acknowledged();
        spec.actor = caller->name;
        spec.role = std::string(toString(caller->role));
        auto id = m_api->runner.startUpdate(spec);
        if (!id) {
            return toGrpcStatus(id.error());
        }
        m_api->logLine("'" + caller->name + "' started update " + *id + " of " + spec.service +
                       " to " + spec.targetVersion + " (" + std::string(toString(spec.strategy)) +
                       ")");
        response->set_update_id(*id);
        return grpc::Status::OK;
    });
}

grpc::ServerWriteReactor<v1::UpdateProgress>* UpdateServiceImpl::WatchUpdate(
    grpc::CallbackServerContext* context, const v1::WatchUpdateRequest* request)
{
    using Failed = FailedStream<v1::UpdateProgress>;
    try {
        grpc::Status denied;
        if (!authorize(*m_api, *context, Role::Viewer, "WatchUpdate", denied)) {
            return new Failed(denied);
        }
        if (request->update_id().empty()) {
            return new Failed(invalid("update_id: required"));
        }
        if (m_api->runner.snapshot(request->update_id())) {
            return openStream(m_api, std::make_shared<UpdateWatch>(m_api, request->update_id()));
        }
        auto record = m_api->journal.update(request->update_id());
        if (record && *record && (*record)->state != UpdateState::Running) {
            v1::UpdateProgress progress;
            progressFromRecord(**record, progress);
            return openStream(m_api, std::make_shared<RecordWatch>(m_api, std::move(progress)));
        }
        return new Failed(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                       "update '" + request->update_id() + "' not found"));
    } catch (const std::exception& e) {
        return new Failed(
            grpc::Status(grpc::StatusCode::INTERNAL, std::string("internal error: ") + e.what()));
    }
}

grpc::ServerUnaryReactor* UpdateServiceImpl::AbortUpdate(grpc::CallbackServerContext* context,
                                                         const v1::AbortUpdateRequest* request,
                                                         v1::AbortUpdateResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        const auto caller = authorize(*m_api, *context, Role::Operator, "AbortUpdate", denied);
        if (!caller) {
            return denied;
        }
        if (request->update_id().empty()) {
            return invalid("update_id: required");
        }
        if (request->reason().empty()) {
            return invalid("reason: required");
        }
        auto snapshot = m_api->runner.abort(request->update_id(), caller->name,
                                            toString(caller->role), request->reason());
        if (!snapshot) {
            return toGrpcStatus(snapshot.error());
        }
        m_api->logLine("'" + caller->name + "' aborted update " + request->update_id());
        toSummary(*snapshot, *response->mutable_update());
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* UpdateServiceImpl::ForceRetire(grpc::CallbackServerContext* context,
                                                         const v1::ForceRetireRequest* request,
                                                         v1::ForceRetireResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        const auto caller = authorize(*m_api, *context, Role::Operator, "ForceRetire", denied);
        if (!caller) {
            return denied;
        }
        if (request->update_id().empty()) {
            return invalid("update_id: required");
        }
        if (request->reason().empty()) {
            return invalid("reason: required");
        }
        if (!request->acknowledge_possible_violations()) {
            return invalid(
                "acknowledge_possible_violations: must be true: transactions still "
                "in the DiffSet may see both versions");
        }
        auto violations = m_api->runner.forceRetire(request->update_id(), caller->name,
                                                    toString(caller->role), request->reason());
        if (!violations) {
            return toGrpcStatus(violations.error());
        }
        m_api->logLine("'" + caller->name + "' force-retired update " + request->update_id());
        response->set_possible_violations(*violations);
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* UpdateServiceImpl::ListUpdates(grpc::CallbackServerContext* context,
                                                         const v1::ListUpdatesRequest* request,
                                                         v1::ListUpdatesResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        if (!authorize(*m_api, *context, Role::Viewer, "ListUpdates", denied)) {
            return denied;
        }
        for (const UpdateSnapshot& snapshot : m_api->runner.list(request->service())) {
            if (!isFinal(snapshot.state)) {
                toSummary(snapshot, *response->add_updates());
            }
        }
        return grpc::Status::OK;
    });
}

grpc::ServerUnaryReactor* UpdateServiceImpl::GetHistory(grpc::CallbackServerContext* context,
                                                        const v1::GetHistoryRequest* request,
                                                        v1::GetHistoryResponse* response)
{
    return runUnary(context, [&] {
        grpc::Status denied;
        if (!authorize(*m_api, *context, Role::Viewer, "GetHistory", denied)) {
            return denied;
        }
        if (grpc::Status status = validateHistory(*request); !status.ok()) {
            return status;
        }
        return history(*request, *response);
    });
}

grpc::Status UpdateServiceImpl::history(const v1::GetHistoryRequest& request,
                                        v1::GetHistoryResponse& response)
{
    const int pageSize =
        request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
    const std::string key = filterKey(request);
    HistoryFilter filter;
    filter.limit = Journal::kMaxPageSize;
    if (!request.service().empty()) {
        filter.service = request.service();
    }
    if (!request.page_token().empty()) {
        const std::string& token = request.page_token();
        const std::string prefix = std::string(kPageTokenPrefix) + key + ":";
        if (token.rfind(prefix, 0) != 0 || token.size() == prefix.size()) {
            return invalid("page_token: not a token of this query (the filters changed?)");
        }
        filter.before = token.substr(prefix.size());
    }
    std::string lastId;
    for (;;) {
        auto page = m_api->journal.history(filter);
        if (!page) {
            return filter.before && response.updates_size() == 0 && lastId.empty()
                       ? invalid("page_token: unknown")
                       : toGrpcStatus(page.error());
        }
        for (const UpdateRecord& record : page->updates) {
            if (record.state == UpdateState::Running) {
                continue;
            }
            v1::UpdateSummary summary;
            if (auto snapshot = m_api->runner.snapshot(record.id);
                snapshot && isFinal(snapshot->state)) {
                toSummary(*snapshot, summary);
            } else {
                toSummary(record, "", summary);
            }
            if (!matches(request, summary)) {
                continue;
            }
            if (response.updates_size() == pageSize) {
                response.set_next_page_token(std::string(kPageTokenPrefix) + key + ":" + lastId);
                return grpc::Status::OK;
            }
            lastId = record.id;
            *response.add_updates() = std::move(summary);
        }
        if (!page->nextBefore) {
            return grpc::Status::OK;
        }
        filter.before = page->nextBefore;
    }
}

}  // namespace concord::controller
