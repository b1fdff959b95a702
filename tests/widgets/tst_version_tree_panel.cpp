#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include "models/version_tree_filter_model.h"
#include "models/version_tree_model.h"
#include "tests/support/qt_test_helpers.h"
#include "widgets/version_tree_panel.h"

namespace concord::widgets {
namespace {

using models::VersionTreeModel;

v1::Version makeVersion(const std::string& service, const std::string& name,
                        const std::string& parent, qint64 created, v1::VersionState state)
{
    v1::Version v;
    v.set_service(service);
    v.set_name(name);
    v.set_parent(parent);
    v.set_image("registry.example/" + service + ":" + name);
    v.mutable_created_at()->set_seconds(1'700'000'000 + created);
    v.set_state(state);
    return v;
}

// auth-service: v1 (serving, 2 instances) → v2 → v3; catalog: c1 (serving).
v1::MeshEvent snapshot()
{
    v1::MeshEvent e;
    auto* snap = e.mutable_snapshot();
    snap->set_complete(true);
    snap->add_services()->set_name("auth-service");
    snap->mutable_services(0)->add_serving_versions("v1");
    snap->add_services()->set_name("catalog");
    auto* auth = snap->add_trees();
    auth->set_service("auth-service");
    *auth->add_versions() = makeVersion("auth-service", "v1", "", 0, v1::VERSION_STATE_SERVING);
    auth->mutable_versions(0)->set_traffic_share(1.0);
    for (int i = 1; i <= 2; ++i) {
        v1::Instance* instance = auth->mutable_versions(0)->add_instances();
        instance->set_name("auth-v1-" + std::to_string(i));
        instance->set_state(v1::INSTANCE_STATE_UP);
    }
    *auth->add_versions() = makeVersion("auth-service", "v2", "v1", 10, v1::VERSION_STATE_RETIRED);
    *auth->add_versions() =
        makeVersion("auth-service", "v3", "v2", 20, v1::VERSION_STATE_REGISTERED);
    auto* catalog = snap->add_trees();
    catalog->set_service("catalog");
    *catalog->add_versions() = makeVersion("catalog", "c1", "", 0, v1::VERSION_STATE_SERVING);
    return e;
}

class VersionTreePanelTest : public ::testing::Test
{
protected:
    VersionTreePanelTest()
    {
        panel.resize(900, 700);
        panel.setModel(&model);
        model.applyMeshEvent(snapshot());
        panel.show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(&panel));
        view = panel.findChild<QTreeView*>("versionTree");
        updateButton = panel.findChild<QPushButton*>("updateButton");
        registerButton = panel.findChild<QPushButton*>("registerButton");
    }

    QModelIndex proxyIndex(const QString& service, const QString& version = {})
    {
        return panel.filterModel()->mapFromSource(model.indexOf(service, version));
    }

    void clickRow(const QModelIndex& index)
    {
        view->scrollTo(index);
        const QRect rect = view->visualRect(index);
        ASSERT_TRUE(rect.isValid());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    }

    // What a user's double-click delivers: a click, then the double-click.
    void doubleClickRow(const QModelIndex& index)
    {
        clickRow(index);
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
    }

    QString detail(const char* name)
    {
        auto* label = panel.findChild<QLabel*>(QLatin1String(name));
        return label ? label->text() : QStringLiteral("<missing>");
    }

    VersionTreeModel model;
    VersionTreePanel panel;
    QTreeView* view = nullptr;
    QPushButton* updateButton = nullptr;
    QPushButton* registerButton = nullptr;
};

TEST_F(VersionTreePanelTest, EverythingExpandedByDefault)
{
    ASSERT_EQ(panel.treeView(), view);
    EXPECT_TRUE(view->isExpanded(proxyIndex("auth-service")));
    EXPECT_TRUE(view->isExpanded(proxyIndex("auth-service", "v1")));
    EXPECT_TRUE(view->isExpanded(proxyIndex("auth-service", "v2")));
    EXPECT_TRUE(view->visualRect(proxyIndex("auth-service", "v3")).isValid());
    EXPECT_FALSE(updateButton->isEnabled());  // nothing selected
    EXPECT_FALSE(registerButton->isEnabled());
}

TEST_F(VersionTreePanelTest, ClickingAVersionShowsDetailsAndEmits)
{
    QSignalSpy current(&panel, &VersionTreePanel::currentVersionChanged);
    clickRow(proxyIndex("auth-service", "v1"));
    ASSERT_EQ(current.count(), 1);
    EXPECT_EQ(current[0][0].toString(), "auth-service");
    EXPECT_EQ(current[0][1].toString(), "v1");
    EXPECT_EQ(detail("detailVersion"), "v1");
    EXPECT_EQ(detail("detailImage"), "registry.example/auth-service:v1");
    EXPECT_EQ(detail("detailState"), "serving");
    EXPECT_TRUE(detail("detailInstances").contains("auth-v1-1"));
    EXPECT_TRUE(detail("detailInstances").contains("auth-v1-2"));
    EXPECT_EQ(detail("detailTraffic"), "100 %");
    EXPECT_FALSE(updateButton->isEnabled());  // serving already
    EXPECT_TRUE(registerButton->isEnabled());

    clickRow(proxyIndex("auth-service", "v3"));
    ASSERT_EQ(current.count(), 2);
    EXPECT_EQ(detail("detailParent"), "v2");
    EXPECT_TRUE(updateButton->isEnabled());

    clickRow(proxyIndex("catalog"));
    ASSERT_EQ(current.count(), 3);
    EXPECT_EQ(current[2][0].toString(), "catalog");
    EXPECT_EQ(current[2][1].toString(), QString());
    EXPECT_FALSE(updateButton->isEnabled());  // a service row
    EXPECT_EQ(detail("detailService"), "catalog");
}

TEST_F(VersionTreePanelTest, UpdateFromButtonDoubleClickAndAction)
{
    QSignalSpy update(&panel, &VersionTreePanel::updateRequested);
    clickRow(proxyIndex("auth-service", "v2"));  // retired: a rollback target
    QTest::mouseClick(updateButton, Qt::LeftButton);
    ASSERT_EQ(update.count(), 1);
    EXPECT_EQ(update[0][0].toString(), "auth-service");
    EXPECT_EQ(update[0][1].toString(), "v2");

    doubleClickRow(proxyIndex("auth-service", "v3"));
    ASSERT_EQ(update.count(), 2);
    EXPECT_EQ(update[1][1].toString(), "v3");

    auto* action = panel.findChild<QAction*>("updateAction");
    ASSERT_NE(action, nullptr);
    action->trigger();
    EXPECT_EQ(update.count(), 3);

    // Double-click on the serving version does nothing.
    doubleClickRow(proxyIndex("auth-service", "v1"));
    EXPECT_EQ(update.count(), 3);
}

TEST_F(VersionTreePanelTest, RegisterChildFromVersionAndServiceRows)
{
    QSignalSpy reg(&panel, &VersionTreePanel::registerChildRequested);
    clickRow(proxyIndex("auth-service", "v3"));
    QTest::mouseClick(registerButton, Qt::LeftButton);
    ASSERT_EQ(reg.count(), 1);
    EXPECT_EQ(reg[0][0].toString(), "auth-service");
    EXPECT_EQ(reg[0][1].toString(), "v3");
    clickRow(proxyIndex("auth-service"));
    panel.findChild<QAction*>("registerAction")->trigger();
    ASSERT_EQ(reg.count(), 2);
    EXPECT_EQ(reg[1][1].toString(), "v1");  // the serving version
}

TEST_F(VersionTreePanelTest, SelectVersionDoesNotEmit)
{
    QSignalSpy current(&panel, &VersionTreePanel::currentVersionChanged);
    panel.selectVersion("auth-service", "v3");
    EXPECT_EQ(current.count(), 0);
    EXPECT_EQ(panel.currentVersion(), "v3");
    EXPECT_EQ(view->currentIndex().siblingAtColumn(0), proxyIndex("auth-service", "v3"));
    EXPECT_EQ(detail("detailVersion"), "v3");
    EXPECT_TRUE(updateButton->isEnabled());
    panel.selectService("catalog");
    EXPECT_EQ(current.count(), 0);
    EXPECT_EQ(panel.currentService(), "catalog");
    EXPECT_EQ(panel.currentVersion(), QString());
    panel.selectVersion("auth-service", "nope");
    EXPECT_EQ(panel.currentService(), "catalog");
    // A click afterwards on the same row is no change either.
    clickRow(proxyIndex("catalog"));
    EXPECT_EQ(current.count(), 0);
}

TEST_F(VersionTreePanelTest, StaleDisablesActionsButKeepsData)
{
    clickRow(proxyIndex("auth-service", "v3"));
    ASSERT_TRUE(updateButton->isEnabled());
    panel.setStale(true);
    EXPECT_FALSE(updateButton->isEnabled());
    EXPECT_FALSE(registerButton->isEnabled());
    EXPECT_FALSE(panel.findChild<QAction*>("updateAction")->isEnabled());
    EXPECT_EQ(detail("detailVersion"), "v3");
    EXPECT_EQ(panel.filterModel()->rowCount(), 2);
    QSignalSpy update(&panel, &VersionTreePanel::updateRequested);
    doubleClickRow(proxyIndex("auth-service", "v3"));
    EXPECT_EQ(update.count(), 0);
    panel.setStale(false);
    EXPECT_TRUE(updateButton->isEnabled());
}

TEST_F(VersionTreePanelTest, FilterTypingNarrowsTheTree)
{
    auto* filter = panel.findChild<QLineEdit*>("versionFilter");
    ASSERT_NE(filter, nullptr);
    QTest::keyClicks(filter, "c1");
    EXPECT_EQ(panel.filterModel()->rowCount(), 1);
    EXPECT_EQ(panel.filterModel()->index(0, 0).data().toString(), "catalog");
    EXPECT_TRUE(view->isExpanded(proxyIndex("catalog")));
    filter->clear();
    EXPECT_EQ(panel.filterModel()->rowCount(), 2);
    EXPECT_TRUE(view->isExpanded(proxyIndex("auth-service", "v2")));
}

TEST_F(VersionTreePanelTest, LiveChangesKeepExpansionSelectionAndDetails)
{
    QAbstractItemModelTester tester(panel.filterModel(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    clickRow(proxyIndex("auth-service", "v3"));
    clickRow(proxyIndex("auth-service", "v1"));
    view->collapse(proxyIndex("auth-service", "v2"));
    ASSERT_FALSE(view->isExpanded(proxyIndex("auth-service", "v2")));
    QSignalSpy current(&panel, &VersionTreePanel::currentVersionChanged);

    v1::MeshEvent up;
    v1::Instance* instance = up.mutable_instance_up()->mutable_instance();
    instance->set_name("auth-v1-3");
    instance->set_service("auth-service");
    instance->set_version("v1");
    model.applyMeshEvent(up);
    EXPECT_TRUE(detail("detailInstances").contains("auth-v1-3"));

    v1::MeshEvent added;
    *added.mutable_version_added()->mutable_version() =
        makeVersion("auth-service", "v4", "v1", 30, v1::VERSION_STATE_REGISTERED);
    model.applyMeshEvent(added);
    EXPECT_TRUE(view->isExpanded(proxyIndex("auth-service", "v4")));

    ASSERT_FALSE(view->isExpanded(proxyIndex("auth-service", "v2")));
    model.applyMeshEvent(snapshot());  // a reconnect: full reset
    EXPECT_FALSE(view->isExpanded(proxyIndex("auth-service", "v2")));
    EXPECT_TRUE(view->isExpanded(proxyIndex("auth-service", "v1")));
    EXPECT_EQ(view->currentIndex().siblingAtColumn(0), proxyIndex("auth-service", "v1"));
    EXPECT_EQ(current.count(), 0);

    v1::MeshEvent removed;
    removed.set_service_removed("auth-service");
    model.applyMeshEvent(removed);
    EXPECT_NE(panel.currentService(), "auth-service");
    EXPECT_GE(current.count(), 1);
}

}  // namespace
}  // namespace concord::widgets
