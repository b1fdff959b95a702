#include <gtest/gtest.h>

#include <QAbstractItemModelTester>

#include "models/version_tree_filter_model.h"
#include "models/version_tree_model.h"

namespace concord::models {
namespace {

v1::Version makeVersion(const std::string& service, const std::string& name,
                        const std::string& parent, qint64 created, const std::string& image)
{
    v1::Version v;
    v.set_service(service);
    v.set_name(name);
    v.set_parent(parent);
    v.set_image(image);
    v.mutable_created_at()->set_seconds(1'700'000'000 + created);
    v.set_state(v1::VERSION_STATE_REGISTERED);
    return v;
}

// auth-service: v1 → v2 → v3 (image "auth:3-beta"); catalog: c1 → c2.
v1::MeshEvent snapshot()
{
    v1::MeshEvent e;
    auto* snap = e.mutable_snapshot();
    snap->set_complete(true);
    snap->add_services()->set_name("auth-service");
    snap->add_services()->set_name("catalog");
    auto* auth = snap->add_trees();
    auth->set_service("auth-service");
    *auth->add_versions() = makeVersion("auth-service", "v1", "", 0, "reg/auth:1");
    *auth->add_versions() = makeVersion("auth-service", "v2", "v1", 10, "reg/auth:2");
    *auth->add_versions() = makeVersion("auth-service", "v3", "v2", 20, "reg/auth:3-BETA");
    auto* catalog = snap->add_trees();
    catalog->set_service("catalog");
    *catalog->add_versions() = makeVersion("catalog", "c1", "", 0, "reg/catalog:1");
    *catalog->add_versions() = makeVersion("catalog", "c2", "c1", 10, "reg/catalog:2");
    return e;
}

// Every visible node as "service/version" (service rows as "service"), depth first.
QStringList visible(const QAbstractItemModel& model, const QModelIndex& parent = {})
{
    QStringList out;
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex index = model.index(r, 0, parent);
        const QString version = index.data(VersionTreeModel::VersionRole).toString();
        const QString service = index.data(VersionTreeModel::ServiceRole).toString();
        out << (version.isEmpty() ? service : service + "/" + version);
        out << visible(model, index);
    }
    return out;
}

class VersionTreeFilterModelTest : public ::testing::Test
{
protected:
    VersionTreeFilterModelTest()
    {
        filter.setSourceModel(&model);
        model.applyMeshEvent(snapshot());
    }

    VersionTreeModel model;
    VersionTreeFilterModel filter;
    QAbstractItemModelTester tester{&filter, QAbstractItemModelTester::FailureReportingMode::Fatal};
};

TEST_F(VersionTreeFilterModelTest, EmptyFilterShowsEverything)
{
    EXPECT_EQ(visible(filter),
              (QStringList{"auth-service", "auth-service/v1", "auth-service/v2", "auth-service/v3",
                           "catalog", "catalog/c1", "catalog/c2"}));
}

TEST_F(VersionTreeFilterModelTest, VersionMatchKeepsItsAncestors)
{
    filter.setFilterText("c2");
    EXPECT_EQ(visible(filter), (QStringList{"catalog", "catalog/c1", "catalog/c2"}));
    filter.setFilterText("V2");  // case-insensitive
    EXPECT_EQ(visible(filter), (QStringList{"auth-service", "auth-service/v1", "auth-service/v2"}));
}

TEST_F(VersionTreeFilterModelTest, ImageMatchesCaseInsensitively)
{
    filter.setFilterText("beta");
    EXPECT_EQ(visible(filter), (QStringList{"auth-service", "auth-service/v1", "auth-service/v2",
                                            "auth-service/v3"}));
}

TEST_F(VersionTreeFilterModelTest, ServiceMatchShowsAllItsVersions)
{
    filter.setFilterText("CATA");
    EXPECT_EQ(visible(filter), (QStringList{"catalog", "catalog/c1", "catalog/c2"}));
    filter.setFilterText("nothing-like-this");
    EXPECT_TRUE(visible(filter).isEmpty());
    filter.setFilterText("  ");
    EXPECT_EQ(visible(filter).size(), 7);
}

TEST_F(VersionTreeFilterModelTest, LiveUpdatesUnderAFilter)
{
    filter.setFilterText("beta");
    v1::MeshEvent add;
    *add.mutable_version_added()->mutable_version() =
        makeVersion("catalog", "c3", "c2", 30, "reg/catalog:3-beta");
    model.applyMeshEvent(add);
    EXPECT_EQ(visible(filter),
              (QStringList{"auth-service", "auth-service/v1", "auth-service/v2", "auth-service/v3",
                           "catalog", "catalog/c1", "catalog/c2", "catalog/c3"}));
    v1::MeshEvent changed;
    *changed.mutable_version_changed()->mutable_version() =
        makeVersion("auth-service", "v3", "v2", 20, "reg/auth:3");
    model.applyMeshEvent(changed);
    EXPECT_EQ(visible(filter), (QStringList{"catalog", "catalog/c1", "catalog/c2", "catalog/c3"}));
    v1::MeshEvent removed;
    removed.set_service_removed("catalog");
    model.applyMeshEvent(removed);
    EXPECT_TRUE(visible(filter).isEmpty());
    model.applyMeshEvent(snapshot());
    EXPECT_EQ(visible(filter).size(), 4);
}

}  // namespace
}  // namespace concord::models
