#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>

#include "models/resource_model.h"

namespace concord::models {
namespace {

const QDateTime kNow = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);

void setCondition(v1::Resource& r, v1::ConditionType type, v1::ConditionStatus status,
                  const std::string& reason = {}, const std::string& message = {})
{
    v1::Condition* c = r.mutable_status()->add_conditions();
    c->set_type(type);
    c->set_status(status);
    c->set_reason(reason);
    c->set_message(message);
}

// A Resource as the controller reports it once reconciled.
v1::Resource resource(const std::string& id, const std::string& kind = "AirPurifier",
                      ResourceHealth health = ResourceHealth::Disabled)
{
    v1::Resource r;
    r.mutable_spec()->set_id(id);
    r.mutable_spec()->set_kind(kind);
    r.mutable_spec()->mutable_space()->set_room("B-204");
    r.mutable_spec()->mutable_probe()->set_image("concord/probe:1");
    r.set_generation(2);
    r.mutable_status()->set_observed_generation(2);
    r.mutable_created_at()->set_seconds(kNow.toSecsSinceEpoch() - 7200);
    const bool on = health != ResourceHealth::Disabled;
    r.mutable_spec()->set_probe_enabled(on);
    const auto is = [&](ResourceHealth h) {
        return health == h ? v1::CONDITION_STATUS_TRUE : v1::CONDITION_STATUS_FALSE;
    };
    setCondition(r, v1::CONDITION_TYPE_AVAILABLE, is(ResourceHealth::Available),
                 on ? "ProbeRunning" : "ProbeDisabled");
    setCondition(r, v1::CONDITION_TYPE_PROGRESSING, is(ResourceHealth::Progressing),
                 "ProbeDeploying", health == ResourceHealth::Progressing ? "rolling out" : "");
    setCondition(r, v1::CONDITION_TYPE_DEGRADED, is(ResourceHealth::Degraded), "ProbeFailed",
                 health == ResourceHealth::Degraded ? "back-off restarting" : "");
    r.mutable_status()->mutable_probe()->set_phase(
        health == ResourceHealth::Available  ? v1::PROBE_PHASE_RUNNING
        : health == ResourceHealth::Degraded ? v1::PROBE_PHASE_FAILED
        : on                                 ? v1::PROBE_PHASE_PENDING
                                             : v1::PROBE_PHASE_NONE);
    return r;
}

v1::ResourceEvent event(v1::ResourceEvent::Type type, const v1::Resource& r = {})
{
    v1::ResourceEvent e;
    e.set_type(type);
    if (type != v1::ResourceEvent::TYPE_SYNCED && type != v1::ResourceEvent::TYPE_RESET)
        *e.mutable_resource() = r;
    return e;
}

v1::ResourceEvent added(const v1::Resource& r)
{
    return event(v1::ResourceEvent::TYPE_ADDED, r);
}
v1::ResourceEvent modified(const v1::Resource& r)
{
    return event(v1::ResourceEvent::TYPE_MODIFIED, r);
}
v1::ResourceEvent deleted(const v1::Resource& r)
{
    return event(v1::ResourceEvent::TYPE_DELETED, r);
}

struct Fixture
{
    ResourceModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
    Fixture()
    {
        model.setClock([] { return kNow; });
    }
    QString cell(const QString& id, int column) const
    {
        return model.index(model.rowOf(id), column).data().toString();
    }
    void load(int count)
    {
        for (int i = 0; i < count; ++i)
            model.apply(added(resource("r-" + std::to_string(i))));
        model.apply(event(v1::ResourceEvent::TYPE_SYNCED));
        model.flush();
    }
};

TEST(ResourceModel, ShowsEveryColumn)
{
    Fixture f;
    f.model.apply(added(resource("purifier-1", "AirPurifier", ResourceHealth::Available)));
    f.model.flush();
    ASSERT_EQ(f.model.rowCount(), 1);
    EXPECT_EQ(f.model.columnCount(), ResourceModel::ColumnCount);
    EXPECT_EQ(f.cell("purifier-1", ResourceModel::Id), "purifier-1");
    EXPECT_EQ(f.cell("purifier-1", ResourceModel::Kind), "AirPurifier");
    EXPECT_EQ(f.cell("purifier-1", ResourceModel::Probe), "on");
    EXPECT_EQ(f.cell("purifier-1", ResourceModel::Status), "Available");
    EXPECT_EQ(f.cell("purifier-1", ResourceModel::Phase), "running");
    EXPECT_EQ(f.cell("purifier-1", ResourceModel::Room), "B-204");
    EXPECT_EQ(f.cell("purifier-1", ResourceModel::Generation), "2/2");
    EXPECT_EQ(f.cell("purifier-1", ResourceModel::Age), "2 h");
    const QModelIndex status = f.model.index(0, ResourceModel::Status);
    EXPECT_EQ(status.data(Qt::DecorationRole).value<QColor>(),
              resourceHealthColor(ResourceHealth::Available));
    EXPECT_EQ(status.data(ResourceModel::IdRole).toString(), "purifier-1");
    EXPECT_EQ(status.data(ResourceModel::KindRole).toString(), "AirPurifier");
    EXPECT_TRUE(status.data(ResourceModel::ProbeEnabledRole).toBool());
    const auto raw = status.data(ResourceModel::ResourceRole).value<v1::Resource>();
    EXPECT_EQ(raw.spec().id(), "purifier-1");
    EXPECT_EQ(raw.status().conditions_size(), 3);
    EXPECT_EQ(f.model.headerData(ResourceModel::Phase, Qt::Horizontal).toString(), "Probe phase");
}

TEST(ResourceModel, HealthFoldsConditionsProbeAndGeneration)
{
    EXPECT_EQ(ResourceModel::healthOf(resource("a", "K", ResourceHealth::Available)),
              ResourceHealth::Available);
    EXPECT_EQ(ResourceModel::healthOf(resource("a", "K", ResourceHealth::Progressing)),
              ResourceHealth::Progressing);
    EXPECT_EQ(ResourceModel::healthOf(resource("a", "K", ResourceHealth::Degraded)),
              ResourceHealth::Degraded);
    EXPECT_EQ(ResourceModel::healthOf(resource("a", "K", ResourceHealth::Disabled)),
              ResourceHealth::Disabled);
    // A failure outranks the rollout that keeps retrying it.
    v1::Resource both = resource("a", "K", ResourceHealth::Degraded);
    both.mutable_status()->mutable_conditions(1)->set_status(v1::CONDITION_STATUS_TRUE);
    EXPECT_EQ(ResourceModel::healthOf(both), ResourceHealth::Degraded);
    // A spec change not observed yet is in progress, whatever the old status says.
    v1::Resource ahead = resource("a", "K", ResourceHealth::Degraded);
    ahead.set_generation(3);
    EXPECT_EQ(ResourceModel::healthOf(ahead), ResourceHealth::Progressing);
    // Enabled, observed, nothing true: the controller cannot tell yet.
    v1::Resource unknown = resource("a", "K", ResourceHealth::Available);
    unknown.mutable_status()->mutable_conditions(0)->set_status(v1::CONDITION_STATUS_UNKNOWN);
    EXPECT_EQ(ResourceModel::healthOf(unknown), ResourceHealth::Unknown);
    EXPECT_EQ(ResourceModel::statusMessage(resource("a", "K", ResourceHealth::Degraded)),
              "back-off restarting");
    EXPECT_EQ(ResourceModel::statusMessage(resource("a", "K", ResourceHealth::Available)), "");
}

TEST(ResourceModel, SnapshotIsOneResetAtTheNextTurn)
{
    Fixture f;
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy synced(&f.model, &ResourceModel::synced);
    QSignalSpy kinds(&f.model, &ResourceModel::kindsChanged);
    for (int i = 0; i < 500; ++i)
        f.model.apply(added(resource("r-" + std::to_string(i), i % 2 ? "Person" : "Lamp")));
    f.model.apply(event(v1::ResourceEvent::TYPE_SYNCED));
    EXPECT_EQ(f.model.rowCount(), 0);
    EXPECT_EQ(f.model.pendingCount(), 501);
    EXPECT_FALSE(f.model.isSynced());
    QCoreApplication::processEvents();
    EXPECT_EQ(f.model.rowCount(), 500);
    EXPECT_EQ(reset.count(), 1);
    EXPECT_EQ(inserted.count(), 0);
    EXPECT_EQ(synced.count(), 1);
    EXPECT_TRUE(f.model.isSynced());
    EXPECT_EQ(kinds.count(), 1);
    EXPECT_EQ(f.model.kinds(), QStringList({"Lamp", "Person"}));
    EXPECT_EQ(f.model.rowOf("r-321"), 321);
    EXPECT_EQ(f.model.rowOf("r-nope"), -1);
}

TEST(ResourceModel, LiveAddsLandAsOneInsertAtTheEnd)
{
    Fixture f;
    f.load(3);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    for (int i = 3; i < 103; ++i)
        f.model.apply(added(resource("r-" + std::to_string(i))));
    f.model.flush();
    EXPECT_EQ(f.model.rowCount(), 103);
    ASSERT_EQ(inserted.count(), 1);
    EXPECT_EQ(inserted.at(0).at(1).toInt(), 3);
    EXPECT_EQ(inserted.at(0).at(2).toInt(), 102);
    EXPECT_EQ(reset.count(), 0);
    EXPECT_EQ(f.model.rowOf("r-102"), 102);
}

TEST(ResourceModel, ModifiedUpdatesTheRowInPlaceAndReportsTheTransition)
{
    Fixture f;
    f.load(5);
    QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);
    QSignalSpy health(&f.model, &ResourceModel::healthChanged);
    v1::Resource r = resource("r-2", "AirPurifier", ResourceHealth::Progressing);
    r.set_generation(3);
    f.model.apply(modified(r));
    f.model.apply(modified(resource("r-2", "AirPurifier", ResourceHealth::Available)));
    f.model.flush();
    ASSERT_EQ(changed.count(), 1);  // two events, one row: one dataChanged
    EXPECT_EQ(changed.at(0).at(0).toModelIndex().row(), 2);
    EXPECT_EQ(f.cell("r-2", ResourceModel::Status), "Available");
    EXPECT_EQ(f.model.rowCount(), 5);
    // ... but each transition is reported, in order.
    ASSERT_EQ(health.count(), 2);
    EXPECT_EQ(health.at(0).at(0).toString(), "r-2");
    EXPECT_EQ(health.at(0).at(1).value<ResourceHealth>(), ResourceHealth::Disabled);
    EXPECT_EQ(health.at(0).at(2).value<ResourceHealth>(), ResourceHealth::Progressing);
    EXPECT_EQ(health.at(1).at(1).value<ResourceHealth>(), ResourceHealth::Progressing);
    EXPECT_EQ(health.at(1).at(2).value<ResourceHealth>(), ResourceHealth::Available);
}

TEST(ResourceModel, ChangesToScatteredRowsAreRunsOfDataChanged)
{
    Fixture f;
    f.load(10);
    QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);
    for (const int i : {1, 2, 3, 7})
        f.model.apply(
            modified(resource("r-" + std::to_string(i), "Lamp", ResourceHealth::Available)));
    f.model.flush();
    ASSERT_EQ(changed.count(), 2);
    EXPECT_EQ(changed.at(0).at(0).toModelIndex().row(), 1);
    EXPECT_EQ(changed.at(0).at(1).toModelIndex().row(), 3);
    EXPECT_EQ(changed.at(1).at(0).toModelIndex().row(), 7);
    EXPECT_EQ(f.model.kinds(), QStringList({"AirPurifier", "Lamp"}));
}

TEST(ResourceModel, DeletedRemovesRowsAndKeepsLookupsRight)
{
    Fixture f;
    f.load(6);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    f.model.apply(deleted(resource("r-1")));
    f.model.apply(deleted(resource("r-2")));
    f.model.apply(deleted(resource("r-4")));
    f.model.apply(deleted(resource("never-existed")));
    f.model.flush();
    EXPECT_EQ(removed.count(), 2);  // rows 1..2 and row 4
    ASSERT_EQ(f.model.rowCount(), 3);
    EXPECT_EQ(f.model.rowOf("r-0"), 0);
    EXPECT_EQ(f.model.rowOf("r-3"), 1);
    EXPECT_EQ(f.model.rowOf("r-5"), 2);
    EXPECT_EQ(f.model.rowOf("r-4"), -1);
    EXPECT_EQ(f.cell("r-5", ResourceModel::Id), "r-5");
}

TEST(ResourceModel, OneBatchMixingEveryKindOfEvent)
{
    Fixture f;
    f.load(4);
    QSignalSpy kinds(&f.model, &ResourceModel::kindsChanged);
    f.model.apply(added(resource("new-1", "Person")));
    f.model.apply(deleted(resource("new-1")));  // came and went
    f.model.apply(added(resource("new-2", "Person")));
    f.model.apply(deleted(resource("r-0")));
    f.model.apply(added(resource("r-0", "Lamp")));  // deleted and recreated
    f.model.apply(modified(resource("r-3", "AirPurifier", ResourceHealth::Degraded)));
    f.model.apply(deleted(resource("r-2")));
    f.model.flush();
    ASSERT_EQ(f.model.rowCount(), 4);
    EXPECT_EQ(f.model.rowOf("new-1"), -1);
    EXPECT_GE(f.model.rowOf("new-2"), 0);
    EXPECT_EQ(f.cell("r-0", ResourceModel::Kind), "Lamp");
    EXPECT_EQ(f.cell("r-3", ResourceModel::Status), "Degraded");
    EXPECT_EQ(f.model.rowOf("r-2"), -1);
    for (int row = 0; row < f.model.rowCount(); ++row)
        EXPECT_EQ(f.model.rowOf(f.model.index(row, 0).data().toString()), row);
    EXPECT_EQ(f.model.kinds(), QStringList({"AirPurifier", "Lamp", "Person"}));
    EXPECT_EQ(kinds.count(), 1);
}

TEST(ResourceModel, ManyScatteredDeletesBecomeOneReset)
{
    Fixture f;
    f.load(1000);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    for (int i = 0; i < 1000; i += 2)
        f.model.apply(deleted(resource("r-" + std::to_string(i))));
    f.model.flush();
    EXPECT_EQ(f.model.rowCount(), 500);
    EXPECT_EQ(reset.count(), 1);
    EXPECT_EQ(removed.count(), 0);
    EXPECT_EQ(f.model.rowOf("r-999"), 499);
}

TEST(ResourceModel, ResetForgetsEverythingAndTheFreshSnapshotFollows)
{
    Fixture f;
    f.load(5);
    ASSERT_TRUE(f.model.isSynced());
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    QSignalSpy health(&f.model, &ResourceModel::healthChanged);
    f.model.apply(modified(resource("r-1", "Lamp", ResourceHealth::Available)));  // dropped
    f.model.apply(event(v1::ResourceEvent::TYPE_RESET));
    f.model.apply(added(resource("r-1", "Person", ResourceHealth::Degraded)));
    f.model.apply(added(resource("z-9", "Person")));
    f.model.flush();
    EXPECT_FALSE(f.model.isSynced());
    EXPECT_EQ(reset.count(), 1);
    ASSERT_EQ(f.model.rowCount(), 2);
    EXPECT_EQ(f.cell("r-1", ResourceModel::Status), "Degraded");
    EXPECT_EQ(f.model.rowOf("r-0"), -1);
    EXPECT_EQ(f.model.kinds(), QStringList({"Person"}));
    EXPECT_EQ(health.count(), 0);  // a snapshot is no transition
    f.model.apply(event(v1::ResourceEvent::TYPE_SYNCED));
    f.model.flush();
    EXPECT_TRUE(f.model.isSynced());
}

TEST(ResourceModel, ResetAloneEmptiesTheModel)
{
    Fixture f;
    f.load(3);
    f.model.apply(event(v1::ResourceEvent::TYPE_RESET));
    f.model.flush();
    EXPECT_EQ(f.model.rowCount(), 0);
    EXPECT_TRUE(f.model.kinds().isEmpty());
    f.load(2);
    EXPECT_EQ(f.model.rowCount(), 2);
}

TEST(ResourceModel, AgesTickWithTheClock)
{
    Fixture f;
    f.load(3);
    EXPECT_EQ(f.cell("r-0", ResourceModel::Age), "2 h");
    QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);
    f.model.setClock([] { return kNow.addSecs(60); });  // same bucket
    EXPECT_EQ(changed.count(), 0);
    f.model.setClock([] { return kNow.addDays(3); });
    ASSERT_EQ(changed.count(), 1);
    EXPECT_EQ(changed.at(0).at(0).toModelIndex().column(), int(ResourceModel::Age));
    EXPECT_EQ(changed.at(0).at(1).toModelIndex().row(), 2);
    EXPECT_EQ(f.cell("r-0", ResourceModel::Age), "3 d");
}

TEST(ResourceModel, SortRoleHoldsRawValues)
{
    Fixture f;
    v1::Resource r = resource("a", "K", ResourceHealth::Degraded);
    r.set_generation(12);
    r.mutable_status()->set_observed_generation(12);
    f.model.apply(added(r));
    f.model.flush();
    const auto sort = [&](int column) {
        return f.model.index(0, column).data(ResourceModel::SortRole);
    };
    EXPECT_EQ(sort(ResourceModel::Generation).toLongLong(), 12);
    EXPECT_EQ(sort(ResourceModel::Status).toInt(), int(ResourceHealth::Degraded));
    EXPECT_EQ(sort(ResourceModel::Id).toString(), "a");
    EXPECT_EQ(f.model.index(0, ResourceModel::Status).data(Qt::ToolTipRole).toString(),
              "back-off restarting");
}

TEST(ResourceModel, StaleGreysEveryRow)
{
    Fixture f;
    f.load(3);
    QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);
    const QColor live =
        f.model.index(0, ResourceModel::Status).data(Qt::DecorationRole).value<QColor>();
    f.model.setStale(true);
    ASSERT_EQ(changed.count(), 1);
    EXPECT_EQ(changed.at(0).at(1).toModelIndex().row(), 2);
    EXPECT_NE(f.model.index(0, ResourceModel::Status).data(Qt::DecorationRole).value<QColor>(),
              live);
    EXPECT_TRUE(f.model.index(0, ResourceModel::Id).data(Qt::ForegroundRole).isValid());
}

TEST(ResourceModel, ClearForgetsPendingEventsToo)
{
    Fixture f;
    f.load(3);
    f.model.apply(added(resource("late")));
    f.model.clear();
    QCoreApplication::processEvents();
    EXPECT_EQ(f.model.rowCount(), 0);
    EXPECT_FALSE(f.model.isSynced());
    EXPECT_EQ(f.model.pendingCount(), 0);
}

// 10,000 ADDED events in one turn (the snapshot of the bench) then 10,000
// live ones: each lands in one operation, well inside the 2 s the panel has.
TEST(ResourceModel, TenThousandEventsLandFast)
{
    Fixture f;
    std::vector<v1::ResourceEvent> events;
    for (int i = 0; i < 10'000; ++i)
        events.push_back(added(resource("bulk-" + std::to_string(i))));
    QElapsedTimer timer;
    timer.start();
    for (const auto& e : events)
        f.model.apply(e);
    f.model.flush();
    EXPECT_EQ(f.model.rowCount(), 10'000);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    for (int i = 0; i < 10'000; ++i)
        f.model.apply(added(resource("more-" + std::to_string(i))));
    f.model.flush();
    EXPECT_EQ(f.model.rowCount(), 20'000);
    EXPECT_EQ(inserted.count(), 1);
    EXPECT_LT(timer.elapsed(), 2000);
    EXPECT_EQ(f.model.rowOf("more-9999"), 19'999);
}

}  // namespace
}  // namespace concord::models
