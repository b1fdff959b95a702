// Every rpc of concord.v1 fed thousands of randomly filled requests over real
// gRPC (every field by reflection: names the mesh knows and junk, empty and
// 64 KiB strings, unknown enum numbers, durations and timestamps out of
// range, huge counts). The daemon must answer each with a documented status —
// never INTERNAL or UNKNOWN (a handler that threw), nor RESOURCE_EXHAUSTED (a
// status too big to deliver) — name the field in every INVALID_ARGUMENT, and
// be serving afterwards with no stream left open.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <type_traits>

#include "controller/api_service.h"
#include "tst_api_fixture.h"

namespace concord::controller {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using testing::ApiStack;

class RandomRequests
{
public:
    explicit RandomRequests(std::uint32_t seed) : m_rng(seed) {}

    // Known update ids join the string pool, so abort / watch / force-retire
    // reach real updates too.
    void addKnownString(std::string text) { m_known.push_back(std::move(text)); }

    void fill(Message& message, int depth = 0)
    {
        const auto* descriptor = message.GetDescriptor();
        for (int i = 0; i < descriptor->field_count(); ++i) {
            const FieldDescriptor* field = descriptor->field(i);
            if (pick(3) == 0)
                continue;  // left unset
            const int count = field->is_repeated() ? static_cast<int>(pick(4)) : 1;
            for (int n = 0; n < count; ++n)
                setOne(message, field, depth);
        }
    }

    // Half the requests start from a valid one with one field changed (so the
    // checks past the first reach their turn), half are filled at random.
    template <typename Request>
    Request from(const Request& valid)
    {
        Request request = valid;
        if (pick(2) == 0) {
            request.Clear();
            fill(request);
        } else {
            mutateOne(request);
        }
        return request;
    }

    const std::string& lastKnown() const
    {
        static const std::string kNone;
        return m_known.empty() ? kNone : m_known.back();
    }

private:
    std::uint64_t pick(std::uint64_t bound) { return m_rng() % bound; }

    void mutateOne(Message& message)
    {
        const auto* descriptor = message.GetDescriptor();
        if (descriptor->field_count() == 0)
            return;
        const FieldDescriptor* field = descriptor->field(
            static_cast<int>(pick(static_cast<std::uint64_t>(descriptor->field_count()))));
        const auto* reflection = message.GetReflection();
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated() &&
            reflection->HasField(message, field) && pick(2) == 0) {
            mutateOne(*reflection->MutableMessage(&message, field));
        } else if (pick(4) == 0) {
            reflection->ClearField(&message, field);
        } else {
            if (!field->is_repeated())
                reflection->ClearField(&message, field);
            setOne(message, field, 0);
        }
    }

    template <typename T>
    T number()
    {
        switch (pick(6)) {
            case 0:
                return 0;
            case 1:
                return static_cast<T>(1);
            case 2:
                return std::numeric_limits<T>::max();
            case 3:
                return std::numeric_limits<T>::lowest();
            case 4:
                return static_cast<T>(-1);
            default:
                return static_cast<T>(m_rng());
        }
    }

    std::string text()
    {
        static const std::vector<std::string> kPool = {"",
                                                       "auth-service",
                                                       "portal-service",
                                                       "proc-service",
                                                       "db-service",
                                                       "v1",
                                                       "v2",
                                                       "v3",
                                                       "no-such-thing",
                                                       "Auth-Service",
                                                       "-bad-",
                                                       "a.b",
                                                       "../../etc/passwd",
                                                       std::string("nul\0inside", 10),
                                                       "ünïcödé",
                                                       " padded ",
                                                       "viewer",
                                                       "operator",
                                                       std::string(300, 'a')};
        switch (pick(8)) {
            case 0:
                if (!m_known.empty())
                    return m_known[pick(m_known.size())];
                return {};
            case 1: {
                std::string junk(pick(40), ' ');
                for (char& c : junk)
                    c = static_cast<char>(' ' + pick(95));  // printable ASCII
                return junk;
            }
            case 2:
                return pick(20) == 0 ? std::string(64 * 1024, 'x') : std::string(70, 'z');
            default:
                return kPool[pick(kPool.size())];
        }
    }

    void setOne(Message& m, const FieldDescriptor* f, int depth)
    {
        const auto* r = m.GetReflection();
        const bool rep = f->is_repeated();
        switch (f->cpp_type()) {
            case FieldDescriptor::CPPTYPE_INT32:
                rep ? r->AddInt32(&m, f, number<std::int32_t>())
                    : r->SetInt32(&m, f, number<std::int32_t>());
                break;
            case FieldDescriptor::CPPTYPE_INT64:
                rep ? r->AddInt64(&m, f, number<std::int64_t>())
                    : r->SetInt64(&m, f, number<std::int64_t>());
                break;
            case FieldDescriptor::CPPTYPE_UINT32:
                rep ? r->AddUInt32(&m, f, number<std::uint32_t>())
                    : r->SetUInt32(&m, f, number<std::uint32_t>());
                break;
            case FieldDescriptor::CPPTYPE_UINT64:
                rep ? r->AddUInt64(&m, f, number<std::uint64_t>())
                    : r->SetUInt64(&m, f, number<std::uint64_t>());
                break;
            case FieldDescriptor::CPPTYPE_DOUBLE:
            case FieldDescriptor::CPPTYPE_FLOAT: {
                const double values[] = {0, -1, 1e300, std::numeric_limits<double>::quiet_NaN(),
                                         0.5};
                const double v = values[pick(5)];
                if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE)
                    rep ? r->AddDouble(&m, f, v) : r->SetDouble(&m, f, v);
                else
                    rep ? r->AddFloat(&m, f, static_cast<float>(v))
                        : r->SetFloat(&m, f, static_cast<float>(v));
                break;
            }
            case FieldDescriptor::CPPTYPE_BOOL:
                rep ? r->AddBool(&m, f, pick(2) == 1) : r->SetBool(&m, f, pick(2) == 1);
                break;
            case FieldDescriptor::CPPTYPE_ENUM: {
                // Declared values most of the time; proto3 enums are open, so
                // unknown numbers arrive as they are.
                const auto* e = f->enum_type();
                const int v =
                    pick(4) == 0 ? static_cast<int>(pick(200)) - 100
                                 : e->value(static_cast<int>(
                                                pick(static_cast<std::uint64_t>(e->value_count()))))
                                       ->number();
                rep ? r->AddEnumValue(&m, f, v) : r->SetEnumValue(&m, f, v);
                break;
            }
            case FieldDescriptor::CPPTYPE_STRING:
                rep ? r->AddString(&m, f, text()) : r->SetString(&m, f, text());
                break;
            case FieldDescriptor::CPPTYPE_MESSAGE:
                if (depth < 3)
                    fill(rep ? *r->AddMessage(&m, f) : *r->MutableMessage(&m, f), depth + 1);
                break;
        }
    }

    std::mt19937_64 m_rng;
    std::vector<std::string> m_known;
};

// What a daemon may answer a request, however malformed: never a crash in a
// handler (INTERNAL, UNKNOWN) nor "not implemented"; a timeout would mean a
// handler hung.
void expectDocumentedStatus(const grpc::Status& status, const std::string& method,
                            const Message& request)
{
    const auto code = status.error_code();
    EXPECT_NE(code, grpc::StatusCode::INTERNAL) << method << ": " << status.error_message() << "\n"
                                                << request.ShortDebugString();
    EXPECT_NE(code, grpc::StatusCode::UNKNOWN) << method << ": " << status.error_message();
    EXPECT_NE(code, grpc::StatusCode::UNIMPLEMENTED) << method;
    EXPECT_NE(code, grpc::StatusCode::DEADLINE_EXCEEDED) << method << " hung";
    EXPECT_NE(code, grpc::StatusCode::UNAUTHENTICATED) << method;
    // Requests stay far below the 4 MiB message limit; this would be a status
    // too big to deliver (an echo of a long field).
    EXPECT_NE(code, grpc::StatusCode::RESOURCE_EXHAUSTED)
        << method << ": " << status.error_message();
    if (code == grpc::StatusCode::INVALID_ARGUMENT) {
        // "field: reason", the field possibly dotted (options.straggler_ttl) or indexed.
        static const std::regex kFieldFirst(R"(^[a-z_]+(\.[a-z_]+)*(\[[0-9]+\])?: .+)");
        EXPECT_TRUE(std::regex_search(status.error_message(), kFieldFirst))
            << method << ": '" << status.error_message() << "'";
    }
}

// "ListServicesRequest" → "ListServices".
std::string methodOf(const Message& request)
{
    const std::string& name = request.GetDescriptor()->name();
    return name.substr(0, name.size() - std::string_view("Request").size());
}

// One unary call with a request derived from `valid`; the response if it succeeded.
template <typename Stub, typename Request, typename Response>
std::optional<Response> unary(RandomRequests& random, Stub& stub,
                              grpc::Status (Stub::*call)(grpc::ClientContext*, const Request&,
                                                         Response*),
                              const std::type_identity_t<Request>& valid = {})
{
    const Request request = random.from(valid);
    Response response;
    const grpc::Status status = (stub.*call)(ApiStack::context().get(), request, &response);
    expectDocumentedStatus(status, methodOf(request), request);
    return status.ok() ? std::optional<Response>(std::move(response)) : std::nullopt;
}

// Opens a server stream and reads its first message, which every stream sends
// at once; a stream that fails must fail with a documented status.
template <typename Stub, typename Request, typename Response>
void stream(RandomRequests& random, Stub& stub,
            std::unique_ptr<grpc::ClientReader<Response>> (Stub::*open)(grpc::ClientContext*,
                                                                        const Request&),
            const std::type_identity_t<Request>& valid = {})
{
    const Request request = random.from(valid);
    auto context = ApiStack::context(testing::kOperatorToken, 5000);
    auto reader = (stub.*open)(context.get(), request);
    Response response;
    if (reader->Read(&response)) {
        context->TryCancel();
        reader->Finish();
        return;
    }
    expectDocumentedStatus(reader->Finish(), methodOf(request), request);
}

TEST(ApiRobustness, RandomRequestsToEveryRpcGetDocumentedStatuses)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    const auto mesh = stack.mesh();
    const auto topology = stack.topology();
    const auto updates = stack.updates();
    const auto info = stack.info();
    RandomRequests random(20261201);

    v1::GetVersionTreeRequest tree;
    tree.set_service("auth-service");
    v1::RegisterVersionRequest add;
    add.set_service("auth-service");
    add.set_name("v9");
    add.set_parent("v1");
    add.set_image("concord/auth:9");
    v1::GetRulesRequest rules;
    rules.set_service("auth-service");
    v1::PlanUpdateRequest plan;
    plan.set_service("auth-service");
    plan.set_target_version("v2");
    plan.set_strategy(v1::UPDATE_STRATEGY_CV);
    v1::StartUpdateRequest start;
    start.set_service("auth-service");
    start.set_target_version("v2");
    start.set_strategy(v1::UPDATE_STRATEGY_CV);
    v1::GetHistoryRequest history;
    history.set_page_size(10);
    v1::WatchTopologyRequest watchTopology;
    *watchTopology.mutable_period() = google::protobuf::util::TimeUtil::MillisecondsToDuration(200);

    for (int round = 0; round < 1000 && !::testing::Test::HasFailure(); ++round) {
        v1::AbortUpdateRequest abort;
        abort.set_update_id(random.lastKnown());
        abort.set_reason("robustness");
        v1::ForceRetireRequest force;
        force.set_update_id(random.lastKnown());
        force.set_reason("robustness");
        force.set_acknowledge_possible_violations(true);
        v1::WatchUpdateRequest watchUpdate;
        watchUpdate.set_update_id(random.lastKnown());

        using MeshStub = v1::MeshService::Stub;
        using UpdateStub = v1::UpdateService::Stub;
        unary(random, *mesh, &MeshStub::ListServices);
        unary(random, *mesh, &MeshStub::GetVersionTree, tree);
        unary(random, *mesh, &MeshStub::RegisterVersion, add);
        unary(random, *mesh, &MeshStub::GetRules, rules);
        unary(random, *updates, &UpdateStub::PlanUpdate, plan);
        if (const auto started = unary(random, *updates, &UpdateStub::StartUpdate, start))
            random.addKnownString(started->update_id());
        unary(random, *updates, &UpdateStub::AbortUpdate, abort);
        unary(random, *updates, &UpdateStub::ForceRetire, force);
        unary(random, *updates, &UpdateStub::ListUpdates);
        unary(random, *updates, &UpdateStub::GetHistory, history);
        unary(random, *info, &v1::ServerService::Stub::GetServerInfo);
        stream(random, *mesh, &MeshStub::WatchMesh);
        stream(random, *topology, &v1::TopologyService::Stub::WatchTopology, watchTopology);
        stream(random, *updates, &UpdateStub::WatchUpdate, watchUpdate);
    }

    // Still serving, every stream released, and no update the junk started
    // mixed versions — but those allowed to: a naive one, a force-retired one
    // (its DiffSet was not empty), and one of the same service after such a
    // one (the broken transactions of the earlier may finish in its time).
    v1::GetServerInfoResponse served;
    EXPECT_TRUE(info->GetServerInfo(ApiStack::context().get(), {}, &served).ok());
    EXPECT_TRUE(testing::waitUntil([&] { return stack.server().openStreams() == 0; }, 3000));
    std::set<std::string> tainted;
    for (const UpdateSnapshot& update : stack.runner().list({})) {  // oldest first
        if (update.strategy == Strategy::Naive || update.state == RunState::ForceRetired)
            tainted.insert(update.service);
        else if (!tainted.count(update.service))
            EXPECT_EQ(update.inconsistentTransactions, 0U) << update.id << " " << update.message;
    }
}

}  // namespace
}  // namespace concord::controller

namespace concord::controller {
namespace {

// An error that echoes a 64 KiB field still reaches the client with its own
// code (gRPC refuses a status message past its metadata limit).
TEST(ApiRobustness, AnEchoOfAHugeFieldKeepsItsStatusCode)
{
    ApiStack stack;
    ASSERT_TRUE(stack.ok());
    v1::GetVersionTreeRequest request;
    request.set_service(std::string(64 * 1024, 'x'));
    v1::GetVersionTreeResponse response;
    const grpc::Status status =
        stack.mesh()->GetVersionTree(ApiStack::context().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
    EXPECT_LE(status.error_message().size(), 1100U);
    EXPECT_NE(status.error_message().find("more bytes)"), std::string::npos);

    v1::WatchUpdateRequest watch;
    watch.set_update_id(std::string(64 * 1024, 'y'));
    auto context = ApiStack::context();
    auto reader = stack.updates()->WatchUpdate(context.get(), watch);
    v1::UpdateProgress progress;
    EXPECT_FALSE(reader->Read(&progress));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(ApiRobustness, BoundedStatusCutsOnACharacterBoundary)
{
    const grpc::Status shortStatus(grpc::StatusCode::NOT_FOUND, "service 'x' not found");
    EXPECT_EQ(boundedStatus(shortStatus).error_message(), shortStatus.error_message());
    std::string text(kMaxStatusMessageBytes - 1, 'a');
    text += "ü and more";  // the cut falls inside the two bytes of ü
    const grpc::Status cut = boundedStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, text));
    EXPECT_EQ(cut.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(cut.error_message(),
              std::string(kMaxStatusMessageBytes - 1, 'a') + "… (11 more bytes)");
}

}  // namespace
}  // namespace concord::controller
