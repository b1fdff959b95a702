#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "core/mesh_model.h"

namespace concord::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

Version version(std::string name, std::string parent, std::int64_t createdAt)
{
    Version v;
    v.name = std::move(name);
    v.parent = std::move(parent);
    v.createdAt = createdAt;
    return v;
}

std::vector<std::string> names(const std::vector<const Version*>& versions)
{
    std::vector<std::string> out;
    for (const Version* v : versions)
        out.push_back(v->name);
    return out;
}

TEST(VersionTree, ChildrenAreOrderedByCreationTimeThenName)
{
    VersionTree tree;
    ASSERT_TRUE(tree.add(version("v1", "", 0)).ok());
    ASSERT_TRUE(tree.add(version("v3", "v1", 30)).ok());
    ASSERT_TRUE(tree.add(version("v2b", "v1", 20)).ok());
    ASSERT_TRUE(tree.add(version("v2a", "v1", 20)).ok());
    EXPECT_THAT(names(tree.children("v1")), ElementsAre("v2a", "v2b", "v3"));
    EXPECT_THAT(names(tree.children("v3")), IsEmpty());
    EXPECT_THAT(names(tree.children("nope")), IsEmpty());
}

TEST(VersionTree, PreorderVisitsChildrenInCreationOrder)
{
    VersionTree tree;
    ASSERT_TRUE(tree.add(version("v1", "", 1)).ok());
    ASSERT_TRUE(tree.add(version("v2", "v1", 5)).ok());
    ASSERT_TRUE(tree.add(version("v1.1", "v1", 2)).ok());
    ASSERT_TRUE(tree.add(version("v2.1", "v2", 6)).ok());
    ASSERT_TRUE(tree.add(version("v1.1.1", "v1.1", 3)).ok());
    EXPECT_THAT(names(tree.preorder()), ElementsAre("v1", "v1.1", "v1.1.1", "v2", "v2.1"));
    EXPECT_EQ(tree.size(), 5u);
    ASSERT_NE(tree.root(), nullptr);
    EXPECT_EQ(tree.root()->name, "v1");
}

TEST(VersionTree, AncestryRunsFromTheVersionToTheRoot)
{
    VersionTree tree;
    ASSERT_TRUE(tree.add(version("v1", "", 0)).ok());
    ASSERT_TRUE(tree.add(version("v2", "v1", 1)).ok());
    ASSERT_TRUE(tree.add(version("v3", "v2", 2)).ok());
    EXPECT_THAT(names(tree.ancestry("v3")), ElementsAre("v3", "v2", "v1"));
    EXPECT_THAT(names(tree.ancestry("v1")), ElementsAre("v1"));
    EXPECT_THAT(names(tree.ancestry("v9")), IsEmpty());
}

TEST(VersionTree, AncestryStopsOnAParentLoopMadeThroughFind)
{
    VersionTree tree;
    ASSERT_TRUE(tree.add(version("v1", "", 0)).ok());
    ASSERT_TRUE(tree.add(version("v2", "v1", 1)).ok());
    tree.find("v1")->parent = "v2";  // corrupt on purpose
    EXPECT_LE(tree.ancestry("v2").size(), 2u);
    EXPECT_LE(tree.preorder().size(), 2u);
}

TEST(VersionTree, RejectsDuplicateUnknownParentSecondRootAndEmptyName)
{
    VersionTree tree;
    ASSERT_TRUE(tree.add(version("v1", "", 0)).ok());

    const auto duplicate = tree.add(version("v1", "", 1));
    ASSERT_FALSE(duplicate.ok());
    EXPECT_THAT(duplicate.error().message, HasSubstr("duplicate"));

    const auto orphan = tree.add(version("v2", "v0", 1));
    ASSERT_FALSE(orphan.ok());
    EXPECT_THAT(orphan.error().message, HasSubstr("unknown parent 'v0'"));

    const auto secondRoot = tree.add(version("v2", "", 1));
    ASSERT_FALSE(secondRoot.ok());
    EXPECT_THAT(secondRoot.error().message, HasSubstr("root"));

    EXPECT_FALSE(tree.add(version("", "v1", 1)).ok());
    EXPECT_EQ(tree.size(), 1u);
    EXPECT_EQ(tree.find("v2"), nullptr);
}

TEST(VersionTree, FindReturnsAMutableVersion)
{
    VersionTree tree;
    ASSERT_TRUE(tree.add(version("v1", "", 0)).ok());
    tree.find("v1")->state = VersionState::Serving;
    EXPECT_EQ(tree.versions().front().state, VersionState::Serving);
    EXPECT_EQ(toString(VersionState::Serving), "serving");
    EXPECT_EQ(toString(VersionState::Registered), "registered");
    EXPECT_EQ(toString(VersionState::Draining), "draining");
}

MeshModel meshOf(std::initializer_list<const char*> services)
{
    MeshModel mesh;
    for (const char* name : services) {
        Service service;
        service.name = name;
        EXPECT_TRUE(mesh.addService(std::move(service)).ok());
    }
    return mesh;
}

TEST(MeshModel, CallersAndCalleesFollowTheEdges)
{
    MeshModel mesh = meshOf({"portal", "auth", "proc", "db"});
    ASSERT_TRUE(mesh.addCallEdge("portal", "auth").ok());
    ASSERT_TRUE(mesh.addCallEdge("portal", "proc").ok());
    ASSERT_TRUE(mesh.addCallEdge("proc", "auth").ok());
    ASSERT_TRUE(mesh.addCallEdge("proc", "db").ok());
    ASSERT_TRUE(mesh.addCallEdge("portal", "auth").ok());  // repeated: ignored
    EXPECT_EQ(mesh.callEdges().size(), 4u);
    EXPECT_THAT(mesh.callees("portal"), ElementsAre("auth", "proc"));
    EXPECT_THAT(mesh.callers("auth"), ElementsAre("portal", "proc"));
    EXPECT_THAT(mesh.callers("portal"), IsEmpty());
    EXPECT_THAT(mesh.callees("db"), IsEmpty());
    EXPECT_THAT(mesh.reachableFrom("portal"), UnorderedElementsAre("auth", "proc", "db"));
    EXPECT_THAT(mesh.reachableFrom("proc"), UnorderedElementsAre("auth", "db"));
    EXPECT_THAT(mesh.reachableFrom("db"), IsEmpty());
    EXPECT_THAT(mesh.reachableFrom("unknown"), IsEmpty());
}

TEST(MeshModel, ReachableIncludesTheStartOnlyOnACycle)
{
    MeshModel mesh = meshOf({"a", "b", "c", "d", "self"});
    ASSERT_TRUE(mesh.addCallEdge("a", "b").ok());
    ASSERT_TRUE(mesh.addCallEdge("b", "c").ok());
    ASSERT_TRUE(mesh.addCallEdge("c", "a").ok());
    ASSERT_TRUE(mesh.addCallEdge("c", "d").ok());
    ASSERT_TRUE(mesh.addCallEdge("self", "self").ok());
    EXPECT_THAT(mesh.reachableFrom("a"), UnorderedElementsAre("a", "b", "c", "d"));
    EXPECT_THAT(mesh.reachableFrom("d"), IsEmpty());
    EXPECT_THAT(mesh.reachableFrom("self"), ElementsAre("self"));
}

TEST(MeshModel, RejectsDuplicateServicesAndEdgesToUnknownServices)
{
    MeshModel mesh = meshOf({"a", "b"});
    Service again;
    again.name = "a";
    const auto duplicate = mesh.addService(again);
    ASSERT_FALSE(duplicate.ok());
    EXPECT_THAT(duplicate.error().message, HasSubstr("duplicate service 'a'"));
    EXPECT_FALSE(mesh.addService(Service{}).ok());

    const auto unknownTo = mesh.addCallEdge("a", "zzz");
    ASSERT_FALSE(unknownTo.ok());
    EXPECT_THAT(unknownTo.error().message, HasSubstr("zzz"));
    EXPECT_FALSE(mesh.addCallEdge("zzz", "a").ok());
    EXPECT_TRUE(mesh.callEdges().empty());
    EXPECT_EQ(mesh.services().size(), 2u);
}

TEST(MeshModel, FindServiceSeesItsVersions)
{
    MeshModel mesh;
    Service auth;
    auth.name = "auth";
    auth.ns = "security";
    ASSERT_TRUE(auth.versions.add(version("v1", "", 0)).ok());
    ASSERT_TRUE(mesh.addService(std::move(auth)).ok());
    ASSERT_NE(mesh.findService("auth"), nullptr);
    EXPECT_EQ(mesh.findService("auth")->ns, "security");
    EXPECT_NE(mesh.findService("auth")->versions.find("v1"), nullptr);
    EXPECT_EQ(mesh.findService("nope"), nullptr);
    mesh.findService("auth")->versions.find("v1")->instances = 3;
    EXPECT_EQ(mesh.services().front().versions.find("v1")->instances, 3);
}

TEST(MeshModel, ScalesToThousandsOfServices)
{
    MeshModel mesh;
    for (int i = 0; i < 5000; ++i) {
        Service service;
        service.name = "svc-" + std::to_string(i);
        ASSERT_TRUE(mesh.addService(std::move(service)).ok());
    }
    for (int i = 1; i < 5000; ++i)
        ASSERT_TRUE(
            mesh.addCallEdge("svc-" + std::to_string(i - 1), "svc-" + std::to_string(i)).ok());
    EXPECT_EQ(mesh.reachableFrom("svc-0").size(), 4999u);
    EXPECT_EQ(mesh.findService("svc-4321")->name, "svc-4321");
}

}  // namespace
}  // namespace concord::core
