// Wire compatibility with Envoy (issue 6): docs/tracemgr.md's field table
// against the compiled subsets, both ways; then the real sidecar driven by
// messages encoded by hand from the documented field numbers, sent by method
// path through gRPC's generic stub, with replies decoded without a schema —
// so nothing here trusts the generated classes the sidecar itself uses.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "envoy/service/accesslog/v3/als.pb.h"
#include "envoy/service/auth/v3/external_auth.pb.h"
#include "tracemanager/authz_policy.h"
#include "tracemanager/gateway_state.h"
#include "tracemanager/trace_recorder.h"
#include "tracemgr_fixture.h"

namespace concord::tracemanager {
namespace {

namespace pb = google::protobuf;
using testing::RunningTraceManager;
using testing::TempDir;
using testing::testOptions;

// ---- the table --------------------------------------------------------------

struct DocumentedField
{
    std::string message;
    std::string field;
    int number;
};

std::vector<DocumentedField> documentedFields()
{
    std::ifstream in(std::string(CONCORD_SOURCE_DIR) + "/docs/tracemgr.md");
    EXPECT_TRUE(in.good());
    const std::regex row(
        R"(^\| `((?:envoy|google\.rpc)\.[A-Za-z0-9_.]+)` \| `([a-z0-9_]+)` \| ([0-9]+) \|)");
    std::vector<DocumentedField> fields;
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, row)) {
            fields.push_back({m[1], m[2], std::stoi(m[3])});
        }
    }
    return fields;
}

// Every file of the subset, reached through a message of each so the linker
// keeps them.
std::vector<const pb::FileDescriptor*> subsetFiles()
{
    return {envoy::service::auth::v3::CheckRequest::descriptor()->file(),
            envoy::service::auth::v3::AttributeContext::descriptor()->file(),
            envoy::config::core::v3::HeaderValue::descriptor()->file(),
            envoy::type::v3::HttpStatus::descriptor()->file(),
            google::rpc::Status::descriptor()->file(),
            envoy::service::accesslog::v3::StreamAccessLogsMessage::descriptor()->file(),
            envoy::data::accesslog::v3::HTTPAccessLogEntry::descriptor()->file()};
}

void collectFields(const pb::Descriptor& message, std::set<std::string>& out)
{
    if (message.options().map_entry()) {
        return;
    }
    for (int i = 0; i < message.field_count(); ++i) {
        out.insert(message.full_name() + "." + message.field(i)->name());
    }
    for (int i = 0; i < message.nested_type_count(); ++i) {
        collectFields(*message.nested_type(i), out);
    }
}

TEST(WireCompat, EveryDocumentedFieldHasItsEnvoyNumber)
{
    const std::vector<DocumentedField> fields = documentedFields();
    ASSERT_GT(fields.size(), 40U) << "the table in docs/tracemgr.md was not found";
    for (const DocumentedField& doc : fields) {
        SCOPED_TRACE(doc.message + "." + doc.field);
        const pb::Descriptor* message =
            pb::DescriptorPool::generated_pool()->FindMessageTypeByName(doc.message);
        ASSERT_NE(message, nullptr);
        const pb::FieldDescriptor* field = message->FindFieldByName(doc.field);
        ASSERT_NE(field, nullptr);
        EXPECT_EQ(field->number(), doc.number);
    }
}

TEST(WireCompat, EveryFieldOfTheSubsetIsDocumented)
{
    std::set<std::string> documented;
    for (const DocumentedField& doc : documentedFields()) {
        documented.insert(doc.message + "." + doc.field);
    }
    std::set<std::string> declared;
    for (const pb::FileDescriptor* file : subsetFiles()) {
        for (int i = 0; i < file->message_type_count(); ++i) {
            collectFields(*file->message_type(i), declared);
        }
    }
    for (const std::string& field : declared) {
        EXPECT_TRUE(documented.contains(field)) << field << " is missing from docs/tracemgr.md";
    }
    EXPECT_EQ(declared.size(), documented.size());
}

TEST(WireCompat, ServicesAndEnumValuesMatchEnvoys)
{
    const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
    const pb::MethodDescriptor* check =
        pool->FindMethodByName("envoy.service.auth.v3.Authorization.Check");
    ASSERT_NE(check, nullptr);
    EXPECT_EQ(check->input_type()->full_name(), "envoy.service.auth.v3.CheckRequest");
    EXPECT_EQ(check->output_type()->full_name(), "envoy.service.auth.v3.CheckResponse");
    const pb::MethodDescriptor* logs =
        pool->FindMethodByName("envoy.service.accesslog.v3.AccessLogService.StreamAccessLogs");
    ASSERT_NE(logs, nullptr);
    EXPECT_TRUE(logs->client_streaming());
    EXPECT_FALSE(logs->server_streaming());
    EXPECT_EQ(envoy::type::v3::ServiceUnavailable, 503);
    EXPECT_EQ(envoy::data::accesslog::v3::DownstreamEnd, 6);
    EXPECT_EQ(envoy::data::accesslog::v3::DownstreamPeriodic, 5);
    EXPECT_EQ(envoy::data::accesslog::v3::NotSet, 0);
}

// ---- hand-encoded messages -----------------------------------------------------

// Protobuf wire format (protobuf.dev/programming-guides/encoding): a tag is
// (number << 3 | wire type); 0 = varint, 2 = length-delimited.
class Wire final
{
public:
    Wire& varint(int number, std::uint64_t value)
    {
        key(number, 0);
        raw(value);
        return *this;
    }
    Wire& bytes(int number, std::string_view value)
    {
        key(number, 2);
        raw(value.size());
        m_out.append(value);
        return *this;
    }
    Wire& message(int number, const Wire& inner) { return bytes(number, inner.m_out); }
    // A map<string, string> entry: key = 1, value = 2.
    Wire& mapEntry(int number, std::string_view key, std::string_view value)
    {
        return message(number, Wire().bytes(1, key).bytes(2, value));
    }
    const std::string& str() const { return m_out; }

private:
    void key(int number, int type) { raw((static_cast<std::uint64_t>(number) << 3) | type); }
    void raw(std::uint64_t v)
    {
        do {
            m_out.push_back(static_cast<char>((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
            v >>= 7;
        } while (v != 0);
    }
    std::string m_out;
};

grpc::ByteBuffer toBuffer(const std::string& bytes)
{
    grpc::Slice slice(bytes);
    return grpc::ByteBuffer(&slice, 1);
}

std::string fromBuffer(const grpc::ByteBuffer& buffer)
{
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(buffer.Dump(&slices).ok());
    std::string out;
    for (const grpc::Slice& s : slices) {
        out.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return out;
}

// Field `number` of a schema-less parse, as a nested set (length-delimited).
// (UnknownFieldSet is not copyable, hence the shared_ptr.)
std::shared_ptr<pb::UnknownFieldSet> nested(const pb::UnknownFieldSet& set, int number)
{
    auto out = std::make_shared<pb::UnknownFieldSet>();
    for (int i = 0; i < set.field_count(); ++i) {
        if (set.field(i).number() == number &&
            set.field(i).type() == pb::UnknownField::TYPE_LENGTH_DELIMITED) {
            EXPECT_TRUE(out->ParseFromString(set.field(i).length_delimited()));
            return out;
        }
    }
    ADD_FAILURE() << "no field " << number;
    return out;
}

std::optional<std::uint64_t> varintField(const pb::UnknownFieldSet& set, int number)
{
    for (int i = 0; i < set.field_count(); ++i) {
        if (set.field(i).number() == number &&
            set.field(i).type() == pb::UnknownField::TYPE_VARINT) {
            return set.field(i).varint();
        }
    }
    return std::nullopt;
}

bool hasField(const pb::UnknownFieldSet& set, int number)
{
    for (int i = 0; i < set.field_count(); ++i) {
        if (set.field(i).number() == number) {
            return true;
        }
    }
    return false;
}

// A raw call by method path: what Envoy's gRPC client does.
std::string rawUnary(RunningTraceManager& tm, const std::string& method, const std::string& body)
{
    grpc::GenericStub stub(tm.authzChannel());
    grpc::CompletionQueue cq;
    grpc::ClientContext context;
    auto call = stub.PrepareUnaryCall(&context, method, toBuffer(body), &cq);
    call->StartCall();
    grpc::ByteBuffer reply;
    grpc::Status status;
    call->Finish(&reply, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(cq.Next(&tag, &ok));
    EXPECT_TRUE(status.ok()) << status.error_message();
    return fromBuffer(reply);
}

void rawClientStream(RunningTraceManager& tm, const std::string& method,
                     const std::vector<std::string>& messages)
{
    grpc::GenericStub stub(tm.authzChannel());
    grpc::CompletionQueue cq;
    grpc::ClientContext context;
    void* tag = nullptr;
    bool ok = false;
    auto call = stub.PrepareCall(&context, method, &cq);
    call->StartCall(reinterpret_cast<void*>(1));
    ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
    for (const std::string& message : messages) {
        call->Write(toBuffer(message), reinterpret_cast<void*>(2));
        ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
    }
    call->WritesDone(reinterpret_cast<void*>(3));
    ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
    grpc::ByteBuffer reply;
    call->Read(&reply, reinterpret_cast<void*>(4));  // the empty response
    ASSERT_TRUE(cq.Next(&tag, &ok));
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(5));
    ASSERT_TRUE(cq.Next(&tag, &ok));
    EXPECT_TRUE(status.ok()) << status.error_message();
}

constexpr char kCheck[] = "/envoy.service.auth.v3.Authorization/Check";
constexpr char kLogs[] = "/envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs";

// CheckRequest{attributes(1){request(4){http(2){...}}}}
std::string checkWith(const Wire& http)
{
    return Wire().message(1, Wire().message(4, Wire().message(2, http))).str();
}

TEST(WireCompat, AHandEncodedCheckIsAllowedAndItsTraceIdRecorded)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    // headers (3) as map entries, plus fields the sidecar only logs.
    const std::string reply =
        rawUnary(tm, kCheck,
                 checkWith(Wire()
                               .bytes(1, "req-1")
                               .bytes(2, "GET")
                               .mapEntry(3, "x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124")
                               .bytes(4, "/token")
                               .bytes(5, "auth-service")));
    pb::UnknownFieldSet response;
    ASSERT_TRUE(response.ParseFromString(reply));
    // status (1) is present; its code is 0 (OK), which proto3 leaves off the wire.
    ASSERT_TRUE(hasField(response, 1));
    EXPECT_EQ(varintField(*nested(response, 1), 1).value_or(0), 0U) << "status.code";
    EXPECT_FALSE(hasField(response, 2)) << "no denied_response";
    EXPECT_TRUE(hasField(response, 3)) << "ok_response";
    // header_map (13){headers(1){key(1), value(2)}} and raw_value (3).
    rawUnary(tm, kCheck,
             checkWith(Wire().message(
                 13, Wire()
                         .message(1, Wire().bytes(1, "x-b3-traceid").bytes(2, "00000000000000a1"))
                         .message(1, Wire().bytes(1, "user-agent").bytes(3, "curl")))));
    rawUnary(
        tm, kCheck,
        checkWith(Wire().message(
            13, Wire().message(1, Wire().bytes(1, "x-b3-traceid").bytes(3, "00000000000000a2")))));
    TraceRecorder& recorder = *tm.server().recorder();
    EXPECT_TRUE(recorder.contains({0x463ac35c9f6413adULL, 0x48485a3953bb6124ULL}));
    EXPECT_TRUE(recorder.contains({0, 0xa1}));
    EXPECT_TRUE(recorder.contains({0, 0xa2}));
    EXPECT_EQ(recorder.size(), 3U);
}

// Envoy passes header bytes through as they came (envoyproxy/envoy#5141);
// with `string` fields one such value would fail the parse of the whole
// Check, and Envoy would answer the request per its failure mode.
TEST(WireCompat, NonUtf8HeaderValuesAndPathsDoNotFailTheCheck)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    const std::string reply = rawUnary(
        tm, kCheck,
        checkWith(
            Wire()
                .bytes(4, "/caf\xe9?q=\xff")
                .mapEntry(3, "user-agent", "bad\xc3(agent")
                .mapEntry(3, "x-b3-traceid", "00000000000000e1")
                .message(13, Wire().message(1, Wire().bytes(1, "referer").bytes(2, "\xfe\xff")))));
    pb::UnknownFieldSet response;
    ASSERT_TRUE(response.ParseFromString(reply));
    EXPECT_FALSE(hasField(response, 2)) << "denied";
    EXPECT_TRUE(tm.server().recorder()->contains({0, 0xe1}));
}

TEST(WireCompat, AHandDecodedDenialIsA503ThatEnvoyUnderstands)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir));
    tm.server().policy()->setBlocking(true, {"auth-service-v1"});
    const std::string reply =
        rawUnary(tm, kCheck, checkWith(Wire().mapEntry(3, "x-b3-traceid", "00000000000000b1")));
    pb::UnknownFieldSet response;
    ASSERT_TRUE(response.ParseFromString(reply));
    EXPECT_NE(varintField(*nested(response, 1), 1).value_or(0), 0U) << "status.code must deny";
    const auto denied = nested(response, 2);
    EXPECT_EQ(varintField(*nested(*denied, 1), 1).value_or(0), 503U)
        << "denied_response.status.code";
    const auto header = nested(*nested(*denied, 2), 1);  // headers[0].header
    ASSERT_TRUE(hasField(*header, 1));
    EXPECT_FALSE(tm.server().recorder()->contains({0, 0xb1}));
    // The pin header (x-version), comma-separated pins, lets a request through.
    rawUnary(tm, kCheck,
             checkWith(Wire()
                           .mapEntry(3, "x-b3-traceid", "00000000000000b2")
                           .mapEntry(3, "x-version", "portal-v1,auth-service-v1")));
    EXPECT_TRUE(tm.server().recorder()->contains({0, 0xb2}));
}

// HTTPAccessLogEntry{common_properties(1){response_flags(16), access_log_type(33)},
//                    request(3){request_id(9), request_headers(13)}, response(4){response_code(1)}}
Wire logEntry(std::string_view traceId, int accessLogType, int flagNumber, int responseCode)
{
    Wire common;
    if (flagNumber != 0) {
        common.message(16, Wire().varint(flagNumber, 1));
    }
    if (accessLogType != 0) {
        common.varint(33, static_cast<std::uint64_t>(accessLogType));
    }
    Wire entry;
    entry.message(1, common);
    entry.message(3, Wire().bytes(9, "req").mapEntry(13, "x-b3-traceid", traceId));
    if (responseCode != 0) {
        entry.message(
            4, Wire().message(1, Wire().varint(1, static_cast<std::uint64_t>(responseCode))));
    }
    return entry;
}

TEST(WireCompat, HandEncodedAccessLogsCompleteTransactionsWhateverTheOutcome)
{
    TempDir dir;
    RunningTraceManager tm(testOptions(dir, Mode::Gateway));
    const Wire identifier =
        Wire()
            .message(1, Wire().bytes(1, "router~10.0.0.1~gw").bytes(2, "gateway"))
            .bytes(2, "concord");
    Wire batch;  // http_logs(2){log_entry(1)...}
    batch
        .message(1, logEntry("00000000000000c1", 6, 0, 200))   // DownstreamEnd, 200
        .message(1, logEntry("00000000000000c2", 0, 0, 503))   // NotSet (older Envoy), 5xx
        .message(1, logEntry("00000000000000c3", 6, 15, 0))    // DC, no response
        .message(1, logEntry("00000000000000c4", 6, 28, 0))    // DR
        .message(1, logEntry("00000000000000c5", 6, 3, 504))   // UT
        .message(1, logEntry("00000000000000c6", 6, 17, 408))  // SI
        .message(1, logEntry("00000000000000c7", 6, 23, 0))    // DT
        .message(1, logEntry("00000000000000c8", 6, 20, 0))    // UMSDR
        .message(1, logEntry("00000000000000c9", 6, 4, 0))     // LR
        .message(1, logEntry("00000000000000ca", 6, 5, 0))     // UR
        .message(1, logEntry("00000000000000d1", 5, 0, 0))     // DownstreamPeriodic: not final
        .message(1, logEntry("00000000000000d2", 4, 0, 0));    // DownstreamStart: not final
    rawClientStream(
        tm, kLogs,
        {Wire().message(1, identifier).message(2, batch).str(),
         Wire().message(2, Wire().message(1, logEntry("00000000000000cb", 9, 0, 200))).str()});
    const GatewayState& gateway = *tm.server().gateway();
    for (std::uint64_t lo = 0xc1; lo <= 0xca; ++lo) {
        EXPECT_TRUE(gateway.completedContains({0, lo})) << std::hex << lo;
    }
    EXPECT_FALSE(gateway.completedContains({0, 0xd1}));
    EXPECT_FALSE(gateway.completedContains({0, 0xd2}));
    EXPECT_FALSE(gateway.completedContains({0, 0xcb})) << "an UpstreamEnd entry is one attempt";
    const TraceCounters& c = tm.server().counters();
    const auto outcome = [&](CompletionOutcome o) {
        return c.completionsByOutcome[static_cast<std::size_t>(o)].load();
    };
    EXPECT_EQ(c.completions.load(), 10U);
    EXPECT_EQ(outcome(CompletionOutcome::Response), 1U);
    EXPECT_EQ(outcome(CompletionOutcome::ServerError), 1U);
    EXPECT_EQ(outcome(CompletionOutcome::DownstreamDisconnect), 2U);
    EXPECT_EQ(outcome(CompletionOutcome::Timeout), 4U);
    EXPECT_EQ(outcome(CompletionOutcome::Reset), 2U);
    EXPECT_EQ(c.accessLogEntriesIgnored.load(), 3U);
}

}  // namespace
}  // namespace concord::tracemanager
