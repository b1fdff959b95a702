#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>

#include "models/topology_model.h"
#include "tests/support/qt_test_helpers.h"
#include "widgets/topology_items.h"
#include "widgets/topology_view.h"

using concord::models::TopologyModel;
using concord::widgets::TopologyView;

namespace v1 = concord::v1;

namespace {

void addService(v1::MeshSnapshot* snapshot, const std::string& name, const std::string& ns,
                std::initializer_list<std::string> callees)
{
    v1::Service* service = snapshot->add_services();
    service->set_name(name);
    service->set_namespace_(ns);
    for (const std::string& callee : callees)
        service->add_callees(callee);
    v1::VersionTree* tree = snapshot->add_trees();
    tree->set_service(name);
    for (const char* version : {"v1", "v2"}) {
        v1::Version* v = tree->add_versions();
        v->set_service(name);
        v->set_name(version);
        v->set_state(version == std::string("v1") ? v1::VERSION_STATE_DRAINING
                                                  : v1::VERSION_STATE_SERVING);
    }
}

// portal -> auth, portal -> proc (namespace shop), proc -> db (namespace data).
v1::MeshEvent smallMesh()
{
    v1::MeshEvent event;
    v1::MeshSnapshot* snapshot = event.mutable_snapshot();
    addService(snapshot, "portal", "shop", {"auth", "proc"});
    addService(snapshot, "auth", "shop", {});
    addService(snapshot, "proc", "shop", {"db"});
    addService(snapshot, "db", "data", {});
    snapshot->set_complete(true);
    return event;
}

v1::TopologySnapshot traffic(double scale)
{
    v1::TopologySnapshot snapshot;
    auto add = [&](const char* from, const char* to, const char* toV, double rate, double err) {
        v1::TopologyEdge* e = snapshot.add_edges();
        e->set_source_service(from);
        e->set_source_version(*from ? "v2" : "");
        e->set_destination_service(to);
        e->set_destination_version(toV);
        e->set_request_rate(rate * scale);
        e->set_error_rate(err);
    };
    add("portal", "auth", "v1", 2, 0.0);
    add("portal", "auth", "v2", 8, 0.1);
    add("portal", "proc", "v2", 5, 0.0);
    add("proc", "db", "v2", 5, 0.0);
    return snapshot;
}

struct Fixture
{
    TopologyModel model;
    TopologyView view;

    Fixture()
    {
        view.resize(900, 600);
        view.show();
        view.setModel(&model);
        model.applyMeshEvent(smallMesh());
        model.applySnapshot(traffic(1));
        settle();
    }
    void settle()
    {
        EXPECT_TRUE(concord::testing::waitFor([&] { return !view.isLayoutPending(); },
                                              std::chrono::seconds(20)));
    }
    QPoint viewPointOf(const QString& service)
    {
        return view.mapFromScene(*view.servicePosition(service));
    }
};

}  // namespace

TEST(TopologyView, EmptyModelGivesAnEmptySceneWithoutCrashing)
{
    TopologyModel model;
    TopologyView view;
    view.show();
    view.setModel(&model);
    CONCORD_TRY_ASSERT(!view.isLayoutPending(), 10000);
    EXPECT_EQ(view.nodeCount(), 0);
    EXPECT_EQ(view.edgeCount(), 0);
    view.zoomIn();
    view.fitToView();
    view.selectService(QStringLiteral("nobody"));
    EXPECT_FALSE(view.servicePosition(QStringLiteral("nobody")).has_value());
}

TEST(TopologyView, LaysTheMeshOutLeftToRight)
{
    Fixture f;
    EXPECT_EQ(f.view.nodeCount(), 4);  // no ingress traffic: no ingress node
    EXPECT_EQ(f.view.edgeCount(), 3);
    const double portal = f.view.servicePosition("portal")->x();
    EXPECT_LT(portal, f.view.servicePosition("auth")->x());
    EXPECT_LT(portal, f.view.servicePosition("proc")->x());
    EXPECT_LT(f.view.servicePosition("proc")->x(), f.view.servicePosition("db")->x());
    EXPECT_GE(f.view.layoutGeneration(), 1u);
}

TEST(TopologyView, RatesRefreshInPlaceWithoutANewLayout)
{
    Fixture f;
    const quint64 generation = f.view.layoutGeneration();
    auto* edge = f.view.edgeItemBetween("portal", "auth");
    ASSERT_NE(edge, nullptr);
    EXPECT_DOUBLE_EQ(edge->rate(), 10);
    EXPECT_NEAR(edge->errorRatio(), 0.08, 1e-9);
    EXPECT_EQ(edge->label(), QStringLiteral("10.0 rps · 8.0%"));

    f.model.applySnapshot(traffic(3));
    EXPECT_FALSE(f.view.isLayoutPending());
    QTest::qWait(50);
    EXPECT_EQ(f.view.layoutGeneration(), generation);
    EXPECT_EQ(f.view.edgeItemBetween("portal", "auth"), edge);  // the same item
    EXPECT_DOUBLE_EQ(edge->rate(), 30);
    EXPECT_EQ(edge->label(), QStringLiteral("30.0 rps · 8.0%"));

    // Badges follow the live shares: auth v1 gets 20%, v2 80%, v1 draining.
    auto* auth = f.view.nodeItemForService("auth");
    ASSERT_EQ(auth->badgeCount(), 2);
    EXPECT_TRUE(auth->badgeText(0).startsWith(QStringLiteral("v1 20%")));
    EXPECT_TRUE(auth->badgeText(0).contains(QStringLiteral("⟳")));
    EXPECT_EQ(auth->badgeText(1), QStringLiteral("v2 80%"));
}

TEST(TopologyView, StructureChangeKeepsTheOldSceneUntilTheNewLayout)
{
    Fixture f;
    const quint64 generation = f.view.layoutGeneration();
    QSignalSpy applied(&f.view, &TopologyView::layoutApplied);
    v1::MeshEvent added;
    added.mutable_service_added()->set_name("cache");
    added.mutable_service_added()->set_namespace_("data");
    f.model.applyMeshEvent(added);
    EXPECT_TRUE(f.view.isLayoutPending());
    EXPECT_EQ(f.view.nodeCount(), 4);  // still the old picture
    CONCORD_TRY_ASSERT(applied.size() == 1, 20000);
    EXPECT_GT(f.view.layoutGeneration(), generation);
    EXPECT_EQ(f.view.nodeCount(), 5);
    EXPECT_TRUE(f.view.servicePosition("cache").has_value());
}

TEST(TopologyView, ClickingANodeSelectsTheServiceAndSyncingBackDoesNotEcho)
{
    Fixture f;
    QSignalSpy selected(&f.view, &TopologyView::serviceSelected);
    f.view.fitToView();
    QTest::mouseClick(f.view.viewport(), Qt::LeftButton, {}, f.viewPointOf("proc"));
    ASSERT_EQ(selected.size(), 1);
    EXPECT_EQ(selected.at(0).at(0).toString(), QStringLiteral("proc"));
    EXPECT_EQ(f.view.selectedService(), QStringLiteral("proc"));

    // The version tree selects another service: no signal back.
    f.view.selectService("db");
    EXPECT_EQ(selected.size(), 1);
    EXPECT_EQ(f.view.selectedService(), QStringLiteral("db"));
    EXPECT_TRUE(f.view.nodeItemForService("db")->isSelected());
    EXPECT_FALSE(f.view.nodeItemForService("proc")->isSelected());

    // The selection survives a re-layout, still without a signal.
    f.view.setNamespaceCollapsed("shop", true);
    f.settle();
    EXPECT_TRUE(f.view.nodeItemForService("db")->isSelected());
    EXPECT_EQ(selected.size(), 1);
}

TEST(TopologyView, NamespacesCollapseIntoGroupsAndExpandAgain)
{
    Fixture f;
    f.view.setNamespaceCollapsed("shop", true);
    EXPECT_TRUE(f.view.isNamespaceCollapsed("shop"));
    f.settle();
    // shop (3 services) is one group; db stays; calls inside shop vanish.
    EXPECT_EQ(f.view.nodeCount(), 2);
    EXPECT_EQ(f.view.edgeCount(), 1);
    auto* group = f.view.nodeItemForService("portal");
    ASSERT_NE(group, nullptr);
    EXPECT_TRUE(group->isGroup());
    EXPECT_EQ(f.view.nodeItemForService("auth"), group);
    auto* edge = f.view.edgeItemBetween("proc", "db");  // group -> db
    ASSERT_NE(edge, nullptr);
    EXPECT_DOUBLE_EQ(edge->rate(), 5);

    f.view.setNamespaceCollapsed("shop", false);
    f.settle();
    EXPECT_EQ(f.view.nodeCount(), 4);
    EXPECT_FALSE(f.view.nodeItemForService("auth")->isGroup());
}

TEST(TopologyView, BigMeshesStartCollapsed)
{
    Fixture f;
    f.view.setCollapseThreshold(3);  // 4 services > 3
    f.settle();
    EXPECT_TRUE(f.view.isNamespaceCollapsed("shop"));
    EXPECT_TRUE(f.view.isNamespaceCollapsed("data"));
    EXPECT_EQ(f.view.nodeCount(), 2);
    // The operator's choice wins over the default.
    f.view.setNamespaceCollapsed("data", false);
    f.settle();
    EXPECT_EQ(f.view.nodeCount(), 2);
    EXPECT_FALSE(f.view.nodeItemForService("db")->isGroup());
    f.view.setCollapseThreshold(300);
    f.settle();
    EXPECT_EQ(f.view.nodeCount(), 4);
}

TEST(TopologyView, StaleGreysAndSelfLoopsAndUnknownServicesDoNotCrash)
{
    Fixture f;
    f.model.setStale(true);
    EXPECT_TRUE(f.view.isStale());
    f.view.grab();  // paints every item in the stale colours
    f.model.setStale(false);
    EXPECT_FALSE(f.view.isStale());

    v1::TopologySnapshot odd = traffic(1);
    v1::TopologyEdge* loop = odd.add_edges();
    loop->set_source_service("proc");
    loop->set_destination_service("proc");
    loop->set_request_rate(1);
    v1::TopologyEdge* ghost = odd.add_edges();
    ghost->set_source_service("ghost");
    ghost->set_destination_service("db");
    ghost->set_request_rate(1);
    v1::TopologyEdge* ingress = odd.add_edges();
    ingress->set_destination_service("portal");
    ingress->set_request_rate(4);
    f.model.applySnapshot(odd);
    f.settle();
    EXPECT_EQ(f.view.nodeCount(), 5);  // + the ingress
    EXPECT_EQ(f.view.edgeCount(), 5);  // + the loop and the ingress edge
    ASSERT_NE(f.view.edgeItemBetween("proc", "proc"), nullptr);
    ASSERT_NE(f.view.edgeItemBetween("", "portal"), nullptr);
    EXPECT_DOUBLE_EQ(f.view.edgeItemBetween("", "portal")->rate(), 4);
    f.view.grab();
}

TEST(TopologyView, ZoomChangesTheScaleWithinBounds)
{
    Fixture f;
    const double before = f.view.transform().m11();
    f.view.zoomIn();
    EXPECT_GT(f.view.transform().m11(), before);
    f.view.zoomOut();
    f.view.zoomOut();
    EXPECT_LT(f.view.transform().m11(), before);
    for (int i = 0; i < 100; ++i)
        f.view.zoomIn();
    EXPECT_LE(f.view.transform().m11(), 8.0 + 1e-9);
    auto* edge = f.view.edgeItemBetween("portal", "auth");
    EXPECT_TRUE(edge->isVisible());

    // Zoomed far out the edges are drawn by one overview item instead.
    for (int i = 0; i < 30; ++i)
        f.view.zoomOut();
    EXPECT_LT(f.view.transform().m11(), concord::widgets::TopologyDetailScale);
    EXPECT_FALSE(edge->isVisible());
    f.model.applySnapshot(traffic(2));  // refreshes under the overview
    EXPECT_DOUBLE_EQ(edge->rate(), 20);
    f.view.grab();
    for (int i = 0; i < 30; ++i)
        f.view.zoomIn();
    EXPECT_TRUE(edge->isVisible());
}

namespace {

bool sceneFullyVisible(const TopologyView& view)
{
    const QRect shown = view.mapFromScene(view.scene()->sceneRect()).boundingRect();
    return view.viewport()->rect().adjusted(-2, -2, 2, 2).contains(shown);
}

}  // namespace

// The view keeps the whole mesh in sight through resizes until the operator
// zooms; "fit" brings that back.
TEST(TopologyView, StaysFittedThroughResizesUntilTheOperatorZooms)
{
    Fixture f;
    f.view.resize(300, 120);
    QCoreApplication::processEvents();
    EXPECT_TRUE(sceneFullyVisible(f.view));
    f.view.resize(1200, 700);
    QCoreApplication::processEvents();
    EXPECT_TRUE(sceneFullyVisible(f.view));
    f.view.zoomIn();
    f.view.zoomIn();
    f.view.zoomIn();
    f.view.resize(300, 120);
    QCoreApplication::processEvents();
    EXPECT_FALSE(sceneFullyVisible(f.view));
    f.view.fitToView();
    QCoreApplication::processEvents();  // the scroll bars go, the view refits
    EXPECT_TRUE(sceneFullyVisible(f.view));
}

// Switching to a dark palette at run time recolours the scene.
TEST(TopologyView, FollowsAPaletteChange)
{
    Fixture f;
    const auto background = [&] {
        return f.view.viewport()->grab().toImage().pixelColor(2, 2).lightness();
    };
    EXPECT_GT(background(), 200);
    QPalette dark = f.view.palette();
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
    dark.setColor(QPalette::Text, QColor(0xdf, 0xe1, 0xe5));
    f.view.setPalette(dark);
    QCoreApplication::processEvents();
    EXPECT_LT(background(), 60);
    const auto* node = f.view.nodeItemForService(QStringLiteral("portal"));
    ASSERT_TRUE(node);
    const QPoint at = f.view.mapFromScene(node->scenePos());
    const QColor fill = f.view.viewport()->grab().toImage().pixelColor(at + QPoint(0, 4));
    EXPECT_LT(fill.lightness(), 100) << "node fill stayed light: " << fill.name().toStdString();
}

// Every edge item shows its own edge's rate, the ingress edge included.
TEST(TopologyView, EachEdgeShowsItsOwnRate)
{
    TopologyModel model;
    TopologyView view;
    view.resize(900, 600);
    view.show();
    view.setModel(&model);
    model.applyMeshEvent(smallMesh());
    v1::TopologySnapshot snapshot;
    auto add = [&](const char* from, const char* to, double rate) {
        v1::TopologyEdge* e = snapshot.add_edges();
        e->set_source_service(from);
        e->set_source_version(*from ? "v1" : "");
        e->set_destination_service(to);
        e->set_destination_version("v1");
        e->set_request_rate(rate);
    };
    add("", "portal", 35);
    add("portal", "auth", 37);
    add("portal", "proc", 34);
    add("proc", "db", 36);
    for (int i = 0; i < 3; ++i) {
        model.applySnapshot(snapshot);
        ASSERT_TRUE(concord::testing::waitFor([&] { return !view.isLayoutPending(); },
                                              std::chrono::seconds(20)));
    }
    ASSERT_TRUE(view.edgeItemBetween(QString(), QStringLiteral("portal")));
    EXPECT_DOUBLE_EQ(view.edgeItemBetween(QString(), QStringLiteral("portal"))->rate(), 35);
    EXPECT_DOUBLE_EQ(view.edgeItemBetween(QStringLiteral("portal"), QStringLiteral("auth"))->rate(),
                     37);
    EXPECT_DOUBLE_EQ(view.edgeItemBetween(QStringLiteral("portal"), QStringLiteral("proc"))->rate(),
                     34);
    EXPECT_DOUBLE_EQ(view.edgeItemBetween(QStringLiteral("proc"), QStringLiteral("db"))->rate(),
                     36);
}

// The label's box holds the widest label in the UI font (it was 100 units
// wide and clipped "41.8 rps · 0.0%" to "1.8 rps · 0.0" under X).
TEST(TopologyView, AnEdgeLabelFitsItsBox)
{
    QFont font;
    font.setPointSizeF(7.5);
    const QString widest =
        QCoreApplication::translate("concord::widgets::TopologyItems", "%1 rps · %2%")
            .arg(QStringLiteral("12345.6"), QStringLiteral("100.0"));
    EXPECT_LE(QFontMetricsF(font).horizontalAdvance(widest),
              concord::widgets::TopologyEdgeItem::LabelWidth);
}

// Ranks are far enough apart that no edge label disappears under a node
// (at 0.9 in, "34.5 rps" under X read "4.5 rps": the node hid the "3").
TEST(TopologyView, NoEdgeLabelIsHiddenUnderANode)
{
    Fixture f;
    QFont font;
    font.setPointSizeF(7.5);
    const QFontMetricsF metrics(font);
    int checked = 0;
    for (QGraphicsItem* item : f.view.scene()->items()) {
        const auto* edge = dynamic_cast<concord::widgets::TopologyEdgeItem*>(item);
        if (!edge)
            continue;
        const double width = metrics.horizontalAdvance(edge->label());
        const QRectF text(edge->labelPosition() - QPointF(width / 2, 14), QSizeF(width, 14));
        for (QGraphicsItem* other : f.view.scene()->items()) {
            if (dynamic_cast<concord::widgets::TopologyNodeItem*>(other))
                EXPECT_FALSE(other->sceneBoundingRect().intersects(text))
                    << edge->label().toStdString();
        }
        ++checked;
    }
    EXPECT_GE(checked, 3);
}
