// The Concord API's conventions, checked on its descriptors: the generated
// pool (what the binaries link) and the build's descriptor set, which keeps the
// .proto comments — the documentation is part of the contract.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "concord/v1/mesh.pb.h"
#include "concord/v1/resource.pb.h"
#include "concord/v1/server.pb.h"
#include "concord/v1/topology.pb.h"
#include "concord/v1/tracemgr.pb.h"
#include "concord/v1/update.pb.h"

namespace concord::v1 {
namespace {

namespace pb = google::protobuf;

// One message per file, so every generated file is linked in and registered.
std::vector<const pb::FileDescriptor*> generatedFiles()
{
    return {Version::descriptor()->file(), GetServerInfoResponse::descriptor()->file(),
            TopologyEdge::descriptor()->file(), UpdateProgress::descriptor()->file(),
            ResourceEvent::descriptor()->file(), LockResponse::descriptor()->file()};
}

// "UpdatePhase" -> "UPDATE_PHASE"
std::string upperSnake(const std::string& camel)
{
    std::string out;
    for (std::size_t i = 0; i < camel.size(); ++i) {
        const auto c = static_cast<unsigned char>(camel[i]);
        if (i > 0 && std::isupper(c)) {
            out += '_';
        }
        out += static_cast<char>(std::toupper(c));
    }
    return out;
}

bool isLowerSnake(const std::string& name)
{
    return !name.empty() && std::islower(static_cast<unsigned char>(name.front())) &&
           std::all_of(name.begin(), name.end(), [](char c) {
               const auto u = static_cast<unsigned char>(c);
               return std::islower(u) || std::isdigit(u) || c == '_';
           });
}

void checkEnum(const pb::EnumDescriptor& e)
{
    SCOPED_TRACE(e.full_name());
    const std::string prefix = upperSnake(e.name()) + "_";
    ASSERT_GT(e.value_count(), 0);
    EXPECT_EQ(e.value(0)->number(), 0);
    EXPECT_EQ(e.value(0)->name(), prefix + "UNSPECIFIED");
    for (int i = 0; i < e.value_count(); ++i) {
        EXPECT_EQ(e.value(i)->name().rfind(prefix, 0), 0U) << e.value(i)->name();
    }
}

void checkMessage(const pb::Descriptor& m)
{
    SCOPED_TRACE(m.full_name());
    for (int i = 0; i < m.field_count(); ++i) {
        EXPECT_TRUE(isLowerSnake(m.field(i)->name())) << m.field(i)->name();
    }
    for (int i = 0; i < m.enum_type_count(); ++i) {
        checkEnum(*m.enum_type(i));
    }
    for (int i = 0; i < m.nested_type_count(); ++i) {
        if (!m.nested_type(i)->options().map_entry()) {
            checkMessage(*m.nested_type(i));
        }
    }
}

TEST(ProtoConventions, GeneratedFilesFollowTheDesignGuide)
{
    for (const pb::FileDescriptor* file : generatedFiles()) {
        SCOPED_TRACE(file->name());
        EXPECT_EQ(file->package(), "concord.v1");
        EXPECT_EQ(file->syntax(), pb::FileDescriptor::SYNTAX_PROTO3);
        for (int i = 0; i < file->enum_type_count(); ++i) {
            checkEnum(*file->enum_type(i));
        }
        for (int i = 0; i < file->message_type_count(); ++i) {
            checkMessage(*file->message_type(i));
        }
        for (int s = 0; s < file->service_count(); ++s) {
            const pb::ServiceDescriptor* service = file->service(s);
            for (int i = 0; i < service->method_count(); ++i) {
                const pb::MethodDescriptor* method = service->method(i);
                SCOPED_TRACE(method->full_name());
                // A request and a response message of its own per rpc.
                EXPECT_EQ(method->input_type()->name(), method->name() + "Request");
                if (!method->server_streaming()) {
                    EXPECT_EQ(method->output_type()->name(), method->name() + "Response");
                }
                EXPECT_FALSE(method->client_streaming());
            }
        }
    }
}

TEST(ProtoConventions, ServicesTheClientsNeedExist)
{
    const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
    for (const char* name :
         {"concord.v1.MeshService.ListServices", "concord.v1.MeshService.GetVersionTree",
          "concord.v1.MeshService.RegisterVersion", "concord.v1.MeshService.WatchMesh",
          "concord.v1.TopologyService.WatchTopology", "concord.v1.UpdateService.PlanUpdate",
          "concord.v1.UpdateService.StartUpdate", "concord.v1.UpdateService.WatchUpdate",
          "concord.v1.UpdateService.AbortUpdate", "concord.v1.UpdateService.ForceRetire",
          "concord.v1.UpdateService.ListUpdates", "concord.v1.UpdateService.GetHistory",
          "concord.v1.ServerService.GetServerInfo", "concord.v1.ResourceService.ListResources",
          "concord.v1.ResourceService.GetResource", "concord.v1.ResourceService.WatchResources",
          "concord.v1.ResourceService.CreateResource", "concord.v1.ResourceService.UpdateResource",
          "concord.v1.ResourceService.DeleteResource",
          "concord.v1.ResourceService.SetProbeEnabled", "concord.v1.TraceManagerService.Lock",
          "concord.v1.TraceManagerService.Unlock", "concord.v1.TraceManagerService.Snapshot",
          "concord.v1.TraceManagerService.SetMode", "concord.v1.TraceManagerService.GetStats",
          "concord.v1.TraceManagerService.PushSnapshot",
          "concord.v1.TraceManagerService.WatchDiffSet",
          "concord.v1.TraceManagerService.DropDiffSet"}) {
        EXPECT_NE(pool->FindMethodByName(name), nullptr) << name;
    }
    for (const char* name :
         {"concord.v1.MeshService.WatchMesh", "concord.v1.TopologyService.WatchTopology",
          "concord.v1.UpdateService.WatchUpdate", "concord.v1.ResourceService.WatchResources",
          "concord.v1.TraceManagerService.Snapshot", "concord.v1.TraceManagerService.WatchDiffSet"}) {
        const pb::MethodDescriptor* method = pool->FindMethodByName(name);
        ASSERT_NE(method, nullptr) << name;
        EXPECT_TRUE(method->server_streaming()) << name;
    }
}

pb::FileDescriptorSet loadDescriptorSet()
{
    pb::FileDescriptorSet set;
    std::ifstream in(CONCORD_DESCRIPTOR_SET, std::ios::binary);
    EXPECT_TRUE(in.good()) << CONCORD_DESCRIPTOR_SET;
    EXPECT_TRUE(set.ParseFromIstream(&in));
    return set;
}

bool isConcordFile(const pb::FileDescriptorProto& file)
{
    return file.package() == "concord.v1";
}

TEST(ProtoConventions, DescriptorSetCoversEveryProtoFileOfTheSourceTree)
{
    std::set<std::string> onDisk;
    for (const auto& entry : std::filesystem::directory_iterator(CONCORD_PROTO_SOURCE_DIR)) {
        if (entry.path().extension() == ".proto") {
            onDisk.insert("concord/v1/" + entry.path().filename().string());
        }
    }
    const pb::FileDescriptorSet descriptorSet = loadDescriptorSet();
    std::set<std::string> inSet;
    for (const pb::FileDescriptorProto& file : descriptorSet.file()) {
        if (isConcordFile(file)) {
            inSet.insert(file.name());
        }
    }
    EXPECT_EQ(inSet, onDisk) << "list every .proto in CONCORD_PROTOS (proto/CMakeLists.txt)";
    std::set<std::string> linked;
    for (const pb::FileDescriptor* file : generatedFiles()) {
        linked.insert(file->name());
    }
    EXPECT_EQ(linked, onDisk) << "reference a message of every file in generatedFiles()";
}

// Every message, field, enum, enum value, service and rpc carries a leading
// comment in the .proto source.
TEST(ProtoConventions, EveryElementIsDocumented)
{
    const pb::FileDescriptorSet set = loadDescriptorSet();
    pb::DescriptorPool pool;
    for (const pb::FileDescriptorProto& file : set.file()) {
        ASSERT_NE(pool.BuildFile(file), nullptr) << file.name();
    }
    int checked = 0;
    auto expectDoc = [&checked](const auto& descriptor) {
        pb::SourceLocation location;
        ASSERT_TRUE(descriptor.GetSourceLocation(&location)) << descriptor.full_name();
        const std::string& doc = location.leading_comments;
        EXPECT_TRUE(std::any_of(doc.begin(), doc.end(),
                                [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
            << descriptor.full_name() << " has no leading comment";
        ++checked;
    };
    auto checkEnumDocs = [&](const pb::EnumDescriptor& e) {
        expectDoc(e);
        for (int i = 0; i < e.value_count(); ++i) {
            expectDoc(*e.value(i));
        }
    };
    std::function<void(const pb::Descriptor&)> checkMessageDocs = [&](const pb::Descriptor& m) {
        expectDoc(m);
        for (int i = 0; i < m.field_count(); ++i) {
            expectDoc(*m.field(i));
        }
        for (int i = 0; i < m.enum_type_count(); ++i) {
            checkEnumDocs(*m.enum_type(i));
        }
        for (int i = 0; i < m.nested_type_count(); ++i) {
            if (!m.nested_type(i)->options().map_entry()) {
                checkMessageDocs(*m.nested_type(i));
            }
        }
    };
    for (const pb::FileDescriptorProto& proto : set.file()) {
        if (!isConcordFile(proto)) {
            continue;
        }
        const pb::FileDescriptor* file = pool.FindFileByName(proto.name());
        ASSERT_NE(file, nullptr);
        for (int i = 0; i < file->enum_type_count(); ++i) {
            checkEnumDocs(*file->enum_type(i));
        }
        for (int i = 0; i < file->message_type_count(); ++i) {
            checkMessageDocs(*file->message_type(i));
        }
        for (int s = 0; s < file->service_count(); ++s) {
            expectDoc(*file->service(s));
            for (int i = 0; i < file->service(s)->method_count(); ++i) {
                expectDoc(*file->service(s)->method(i));
            }
        }
    }
    EXPECT_GT(checked, 200);  // the walk really visited the API
}

}  // namespace
}  // namespace concord::v1
