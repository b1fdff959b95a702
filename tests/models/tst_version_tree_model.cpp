#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>

#include "models/state_palette.h"
#include "models/version_tree_model.h"

namespace concord::models {
namespace {

constexpr qint64 kEpoch = 1'700'000'000;  // created_at of the first version

v1::Version makeVersion(const std::string& service, const std::string& name,
                        const std::string& parent, qint64 createdOffset,
                        v1::VersionState state = v1::VERSION_STATE_REGISTERED, double share = 0)
{
    v1::Version v;
    v.set_service(service);
    v.set_name(name);
    v.set_parent(parent);
    v.set_image("registry.example/" + service + ":" + name);
    v.mutable_created_at()->set_seconds(kEpoch + createdOffset);
    v.set_state(state);
    v.set_traffic_share(share);
    return v;
}

v1::Instance makeInstance(const std::string& service, const std::string& version, int n,
                          v1::InstanceState state = v1::INSTANCE_STATE_UP)
{
    v1::Instance i;
    i.set_name(service + "-" + version + "-" + std::to_string(n));
    i.set_service(service);
    i.set_version(version);
    i.set_state(state);
    return i;
}

// auth-service: v1 (root) → v2, v3 (v3 created before v2), v2 → v4; catalog: c1.
v1::MeshEvent snapshotEvent(bool complete = true)
{
    v1::MeshEvent e;
    auto* snap = e.mutable_snapshot();
    snap->set_complete(complete);
    for (const char* name : {"catalog", "auth-service"}) {
        v1::Service* s = snap->add_services();
        s->set_name(name);
    }
    snap->mutable_services(1)->add_serving_versions("v1");
    v1::VersionTree* auth = snap->add_trees();
    auth->set_service("auth-service");
    *auth->add_versions() = makeVersion("auth-service", "v1", "", 0, v1::VERSION_STATE_SERVING, 1);
    *auth->mutable_versions(0)->add_instances() = makeInstance("auth-service", "v1", 1);
    *auth->mutable_versions(0)->add_instances() = makeInstance("auth-service", "v1", 2);
    *auth->add_versions() = makeVersion("auth-service", "v2", "v1", 200);
    *auth->add_versions() = makeVersion("auth-service", "v4", "v2", 300);
    *auth->add_versions() = makeVersion("auth-service", "v3", "v1", 100);
    v1::VersionTree* catalog = snap->add_trees();
    catalog->set_service("catalog");
    *catalog->add_versions() = makeVersion("catalog", "c1", "", 0, v1::VERSION_STATE_SERVING, 1);
    return e;
}

v1::MeshEvent versionAdded(const v1::Version& v)
{
    v1::MeshEvent e;
    *e.mutable_version_added()->mutable_version() = v;
    return e;
}

v1::MeshEvent versionChanged(const v1::Version& v)
{
    v1::MeshEvent e;
    *e.mutable_version_changed()->mutable_version() = v;
    return e;
}

QString text(const QModelIndex& index, int column)
{
    return index.siblingAtColumn(column).data().toString();
}

QStringList childNames(const QAbstractItemModel& model, const QModelIndex& parent)
{
    QStringList names;
    for (int r = 0; r < model.rowCount(parent); ++r)
        names << model.index(r, 0, parent).data().toString();
    return names;
}

class VersionTreeModelTest : public ::testing::Test
{
protected:
    VersionTreeModelTest()
    {
        model.setClock([this] { return now; });
    }

    QDateTime now = QDateTime::fromSecsSinceEpoch(kEpoch + 3600 * 24 * 3, Qt::UTC);
    VersionTreeModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
};

TEST_F(VersionTreeModelTest, SnapshotOrdersServicesByNameAndChildrenByCreationTime)
{
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.applyMeshEvent(snapshotEvent());
    EXPECT_EQ(resets.count(), 1);
    EXPECT_EQ(childNames(model, {}), (QStringList{"auth-service", "catalog"}));
    const QModelIndex auth = model.index(0, 0);
    EXPECT_EQ(childNames(model, auth), QStringList{"v1"});
    const QModelIndex v1 = model.index(0, 0, auth);
    EXPECT_EQ(childNames(model, v1), (QStringList{"v3", "v2"}));
    EXPECT_EQ(childNames(model, model.index(1, 0, v1)), QStringList{"v4"});
    EXPECT_EQ(model.index(1, 0, v1).data(VersionTreeModel::ParentVersionRole).toString(), "v1");
}

TEST_F(VersionTreeModelTest, TiesOnCreationTimeAreOrderedByName)
{
    v1::MeshEvent e = snapshotEvent();
    auto* tree = e.mutable_snapshot()->mutable_trees(0);
    *tree->add_versions() = makeVersion("auth-service", "b", "v1", 100);
    *tree->add_versions() = makeVersion("auth-service", "a", "v1", 100);
    model.applyMeshEvent(e);
    const QModelIndex v1 = model.indexOf("auth-service", "v1");
    EXPECT_EQ(childNames(model, v1), (QStringList{"a", "b", "v3", "v2"}));
}

TEST_F(VersionTreeModelTest, SnapshotInPartsResetsOnceWhenComplete)
{
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    v1::MeshEvent first = snapshotEvent(false);
    first.mutable_snapshot()->mutable_services()->RemoveLast();
    first.mutable_snapshot()->mutable_trees()->RemoveLast();
    v1::MeshEvent second;
    second.mutable_snapshot()->set_complete(true);
    *second.mutable_snapshot()->add_services() = snapshotEvent().snapshot().services(1);
    *second.mutable_snapshot()->add_trees() = snapshotEvent().snapshot().trees(1);
    model.applyMeshEvent(first);
    EXPECT_EQ(resets.count(), 0);
    EXPECT_EQ(model.rowCount(), 0);
    model.applyMeshEvent(second);
    EXPECT_EQ(resets.count(), 1);
    EXPECT_EQ(childNames(model, {}), (QStringList{"auth-service", "catalog"}));
    EXPECT_TRUE(model.indexOf("catalog", "c1").isValid());
}

TEST_F(VersionTreeModelTest, SecondSnapshotReplacesTheTree)
{
    model.applyMeshEvent(snapshotEvent());
    v1::MeshEvent e;
    e.mutable_snapshot()->set_complete(true);
    e.mutable_snapshot()->add_services()->set_name("payments");
    model.applyMeshEvent(e);
    EXPECT_EQ(childNames(model, {}), QStringList{"payments"});
    EXPECT_FALSE(model.indexOf("auth-service").isValid());
}

TEST_F(VersionTreeModelTest, ServiceAddedAndRemoved)
{
    model.applyMeshEvent(snapshotEvent());
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    v1::MeshEvent add;
    add.mutable_service_added()->set_name("billing");
    model.applyMeshEvent(add);
    ASSERT_EQ(inserted.count(), 1);
    EXPECT_EQ(inserted[0][1].toInt(), 1);
    EXPECT_EQ(childNames(model, {}), (QStringList{"auth-service", "billing", "catalog"}));
    EXPECT_TRUE(model.index(1, 0).data(VersionTreeModel::IsServiceRole).toBool());

    v1::MeshEvent remove;
    remove.set_service_removed("auth-service");
    model.applyMeshEvent(remove);
    ASSERT_EQ(removed.count(), 1);
    EXPECT_EQ(removed[0][1].toInt(), 0);
    EXPECT_EQ(childNames(model, {}), (QStringList{"billing", "catalog"}));
    EXPECT_FALSE(model.indexOf("auth-service", "v1").isValid());
    remove.set_service_removed("nope");
    model.applyMeshEvent(remove);
    EXPECT_EQ(removed.count(), 1);
}

TEST_F(VersionTreeModelTest, ServiceChangedUpdatesTheServiceRow)
{
    model.applyMeshEvent(snapshotEvent());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    v1::MeshEvent e;
    v1::Service* service = e.mutable_service_changed();
    service->set_name("auth-service");
    service->add_serving_versions("v1");
    service->add_serving_versions("v2");
    model.applyMeshEvent(e);
    const QModelIndex auth = model.indexOf("auth-service");
    ASSERT_EQ(changed.count(), 1);
    EXPECT_EQ(changed[0][0].value<QModelIndex>(), auth);
    EXPECT_EQ(text(auth, VersionTreeModel::State), "serving v1, v2");
    service->set_active_update_id("u-1");
    model.applyMeshEvent(e);
    EXPECT_EQ(text(auth, VersionTreeModel::State), "updating");
    EXPECT_EQ(model.rowCount(auth), 1);  // the tree is untouched
}

TEST_F(VersionTreeModelTest, VersionAddedInsertsAtSortedPositionUnderParent)
{
    model.applyMeshEvent(snapshotEvent());
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    // Created between v3 (100) and v2 (200).
    model.applyMeshEvent(versionAdded(makeVersion("auth-service", "v5", "v1", 150)));
    ASSERT_EQ(inserted.count(), 1);
    const QModelIndex v1 = model.indexOf("auth-service", "v1");
    EXPECT_EQ(inserted[0][0].value<QModelIndex>(), v1);
    EXPECT_EQ(inserted[0][1].toInt(), 1);
    EXPECT_EQ(childNames(model, v1), (QStringList{"v3", "v5", "v2"}));
    EXPECT_EQ(model.indexOf("auth-service", "v5").parent(), v1);
    // The same version again is a change, not a second row.
    model.applyMeshEvent(versionAdded(makeVersion("auth-service", "v5", "v1", 150)));
    EXPECT_EQ(inserted.count(), 1);
}

TEST_F(VersionTreeModelTest, VersionBeforeItsParentMovesUnderItWhenTheParentArrives)
{
    model.applyMeshEvent(snapshotEvent());
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    model.applyMeshEvent(versionAdded(makeVersion("auth-service", "v7", "v6", 600)));
    const QModelIndex auth = model.indexOf("auth-service");
    EXPECT_EQ(model.indexOf("auth-service", "v7").parent(), auth);
    model.applyMeshEvent(versionAdded(makeVersion("auth-service", "v6", "v4", 500)));
    EXPECT_EQ(moved.count(), 1);
    const QModelIndex v6 = model.indexOf("auth-service", "v6");
    EXPECT_EQ(v6.parent(), model.indexOf("auth-service", "v4"));
    EXPECT_EQ(model.indexOf("auth-service", "v7").parent(), v6);
    EXPECT_EQ(childNames(model, auth), QStringList{"v1"});
}

TEST_F(VersionTreeModelTest, VersionOfAnUnknownServiceCreatesTheService)
{
    model.applyMeshEvent(snapshotEvent());
    model.applyMeshEvent(versionAdded(makeVersion("zeta", "z1", "", 0)));
    EXPECT_EQ(childNames(model, {}), (QStringList{"auth-service", "catalog", "zeta"}));
    EXPECT_EQ(model.indexOf("zeta", "z1").parent(), model.indexOf("zeta"));
}

TEST_F(VersionTreeModelTest, VersionChangedUpdatesItsRowOnly)
{
    model.applyMeshEvent(snapshotEvent());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    v1::Version v2 = makeVersion("auth-service", "v2", "v1", 200, v1::VERSION_STATE_SERVING, 0.8);
    v2.set_image("registry.example/auth:2.0.1");
    model.applyMeshEvent(versionChanged(v2));
    const QModelIndex index = model.indexOf("auth-service", "v2");
    ASSERT_GE(changed.count(), 1);
    EXPECT_EQ(changed[0][0].value<QModelIndex>(), index.siblingAtColumn(0));
    EXPECT_EQ(changed[0][1].value<QModelIndex>(),
              index.siblingAtColumn(VersionTreeModel::ColumnCount - 1));
    EXPECT_EQ(text(index, VersionTreeModel::State), "serving 80%");
    EXPECT_EQ(text(index, VersionTreeModel::Traffic), "80 %");
    EXPECT_EQ(text(index, VersionTreeModel::Image), "registry.example/auth:2.0.1");
    EXPECT_EQ(index.data(VersionTreeModel::StateRole).toInt(), int(v1::VERSION_STATE_SERVING));
    EXPECT_EQ(
        index.siblingAtColumn(VersionTreeModel::State).data(Qt::ForegroundRole).value<QColor>(),
        versionStateColor(v1::VERSION_STATE_SERVING));

    v1::Version draining =
        makeVersion("auth-service", "v1", "", 0, v1::VERSION_STATE_DRAINING, 0.2);
    model.applyMeshEvent(versionChanged(draining));
    EXPECT_EQ(text(model.indexOf("auth-service", "v1"), VersionTreeModel::State), "draining 20%");
    v1::Version retired = makeVersion("auth-service", "v3", "v1", 100, v1::VERSION_STATE_RETIRED);
    model.applyMeshEvent(versionChanged(retired));
    EXPECT_EQ(text(model.indexOf("auth-service", "v3"), VersionTreeModel::State), "retired");
}

TEST_F(VersionTreeModelTest, InstancesUpAndDownChangeTheCount)
{
    model.applyMeshEvent(snapshotEvent());
    const QModelIndex v2 = model.indexOf("auth-service", "v2");
    const QModelIndex auth = model.indexOf("auth-service");
    EXPECT_EQ(text(v2, VersionTreeModel::Instances), "0");
    EXPECT_EQ(text(auth, VersionTreeModel::Instances), "2");
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    v1::MeshEvent up;
    *up.mutable_instance_up()->mutable_instance() = makeInstance("auth-service", "v2", 1);
    model.applyMeshEvent(up);
    *up.mutable_instance_up()->mutable_instance() = makeInstance("auth-service", "v2", 2);
    model.applyMeshEvent(up);
    model.applyMeshEvent(up);  // the same instance twice counts once
    EXPECT_EQ(text(v2, VersionTreeModel::Instances), "2");
    EXPECT_EQ(text(auth, VersionTreeModel::Instances), "4");
    ASSERT_FALSE(changed.isEmpty());
    EXPECT_EQ(changed[0][0].value<QModelIndex>(), v2.siblingAtColumn(VersionTreeModel::Instances));
    EXPECT_EQ(model.versionAt(v2)->instances_size(), 2);

    v1::MeshEvent down;
    *down.mutable_instance_down()->mutable_instance() =
        makeInstance("auth-service", "v2", 1, v1::INSTANCE_STATE_DOWN);
    model.applyMeshEvent(down);
    EXPECT_EQ(text(v2, VersionTreeModel::Instances), "1");
    EXPECT_EQ(model.versionAt(v2)->instances(0).name(), "auth-service-v2-2");
}

TEST_F(VersionTreeModelTest, IndexOfVersionAtAndRoles)
{
    model.applyMeshEvent(snapshotEvent());
    const QModelIndex auth = model.indexOf("auth-service");
    ASSERT_TRUE(auth.isValid());
    EXPECT_EQ(model.versionAt(auth), nullptr);
    EXPECT_EQ(model.serviceAt(auth)->serving_versions(0), "v1");
    EXPECT_EQ(auth.data(VersionTreeModel::VersionRole).toString(), QString());
    EXPECT_EQ(auth.data(VersionTreeModel::ServiceRole).toString(), "auth-service");
    EXPECT_EQ(text(auth, VersionTreeModel::State), "serving v1");
    const QModelIndex v4 = model.indexOf("auth-service", "v4");
    ASSERT_NE(model.versionAt(v4), nullptr);
    EXPECT_EQ(model.versionAt(v4)->name(), "v4");
    EXPECT_EQ(v4.data(VersionTreeModel::ServiceRole).toString(), "auth-service");
    EXPECT_EQ(v4.data(VersionTreeModel::CreatedAtRole).toDateTime(),
              QDateTime::fromSecsSinceEpoch(kEpoch + 300, Qt::UTC));
    EXPECT_FALSE(v4.data(VersionTreeModel::IsServiceRole).toBool());
    EXPECT_FALSE(model.indexOf("auth-service", "v9").isValid());
    EXPECT_FALSE(model.indexOf("nope").isValid());
    EXPECT_EQ(model.versionAt({}), nullptr);
}

TEST_F(VersionTreeModelTest, StaleGreysEverythingAndEmitsForEveryRow)
{
    model.applyMeshEvent(snapshotEvent());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setStale(true);
    EXPECT_TRUE(model.isStale());
    // One range per parent with children: root, auth-service, v1, v2, catalog.
    EXPECT_EQ(changed.count(), 5);
    const QModelIndex v1 = model.indexOf("auth-service", "v1");
    EXPECT_EQ(v1.siblingAtColumn(VersionTreeModel::State).data(Qt::ForegroundRole).value<QColor>(),
              staleColor(versionStateColor(v1::VERSION_STATE_SERVING)));
    EXPECT_TRUE(v1.siblingAtColumn(VersionTreeModel::Image).data(Qt::ForegroundRole).isValid());
    EXPECT_EQ(text(v1, VersionTreeModel::Version), "v1");  // data kept
    model.setStale(true);
    EXPECT_EQ(changed.count(), 5);
    model.setStale(false);
    EXPECT_FALSE(v1.siblingAtColumn(VersionTreeModel::Image).data(Qt::ForegroundRole).isValid());
}

TEST_F(VersionTreeModelTest, AgeFollowsTheInjectedClock)
{
    model.applyMeshEvent(snapshotEvent());
    const QModelIndex v1 = model.indexOf("auth-service", "v1");
    const QModelIndex v4 = model.indexOf("auth-service", "v4");
    EXPECT_EQ(text(v1, VersionTreeModel::Age), "3 d");
    now = QDateTime::fromSecsSinceEpoch(kEpoch + 5 * 60 + 10, Qt::UTC);
    EXPECT_EQ(text(v1, VersionTreeModel::Age), "5 m");
    EXPECT_EQ(text(v4, VersionTreeModel::Age), "10 s");
    now = QDateTime::fromSecsSinceEpoch(kEpoch + 3 * 3600 + 5, Qt::UTC);
    EXPECT_EQ(text(v1, VersionTreeModel::Age), "3 h");

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.refreshAges();
    ASSERT_FALSE(changed.isEmpty());
    for (const QList<QVariant>& args : changed) {
        EXPECT_EQ(args[0].value<QModelIndex>().column(), VersionTreeModel::Age);
        EXPECT_EQ(args[1].value<QModelIndex>().column(), VersionTreeModel::Age);
    }
    changed.clear();
    model.refreshAges();  // nothing moved: silent
    EXPECT_EQ(changed.count(), 0);
}

TEST_F(VersionTreeModelTest, TrafficShareFromTopology)
{
    model.applyMeshEvent(snapshotEvent());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setTrafficShare("auth-service", "v1", 0.25);
    const QModelIndex v1 = model.indexOf("auth-service", "v1");
    EXPECT_EQ(text(v1, VersionTreeModel::Traffic), "25 %");
    EXPECT_EQ(text(v1, VersionTreeModel::State), "serving 25%");
    EXPECT_EQ(changed.count(), 1);
    model.setTrafficShare("auth-service", "v1", 0.25);
    EXPECT_EQ(changed.count(), 1);
}

TEST_F(VersionTreeModelTest, LiveUpdatesKeepTheModelConsistent)
{
    model.applyMeshEvent(snapshotEvent());
    // A burst of mixed deltas; the tester (Fatal) checks every step.
    for (int i = 0; i < 60; ++i) {
        const std::string name = "n" + std::to_string(i);
        const std::string parent = i % 3 == 0 ? "v1" : "n" + std::to_string(i / 2);
        model.applyMeshEvent(versionAdded(makeVersion("auth-service", name, parent, 1000 - i)));
        if (i % 5 == 0) {
            model.applyMeshEvent(versionChanged(
                makeVersion("auth-service", name, parent, 1000 - i, v1::VERSION_STATE_DEPLOYING)));
        }
        if (i % 7 == 0) {
            v1::MeshEvent up;
            *up.mutable_instance_up()->mutable_instance() = makeInstance("auth-service", name, i);
            model.applyMeshEvent(up);
        }
    }
    v1::MeshEvent add;
    add.mutable_service_added()->set_name("aaa");
    model.applyMeshEvent(add);
    v1::MeshEvent remove;
    remove.set_service_removed("catalog");
    model.applyMeshEvent(remove);
    model.applyMeshEvent(snapshotEvent());
    EXPECT_EQ(childNames(model, {}), (QStringList{"auth-service", "catalog"}));
    EXPECT_FALSE(model.indexOf("auth-service", "n3").isValid());
}

TEST_F(VersionTreeModelTest, HeadersAreTheColumns)
{
    EXPECT_EQ(model.columnCount(), VersionTreeModel::ColumnCount);
    EXPECT_EQ(model.headerData(VersionTreeModel::Version, Qt::Horizontal).toString(), "Version");
    EXPECT_EQ(model.headerData(VersionTreeModel::Traffic, Qt::Horizontal).toString(), "Traffic");
}

}  // namespace
}  // namespace concord::models
