#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QColor>
#include <QPersistentModelIndex>
#include <QSignalSpy>

#include "models/orchestration_instance_model.h"

namespace concord::models {
namespace {

using backend_clients::OrchestratorInstanceDto;
using M = OrchestrationInstanceModel;

OrchestratorInstanceDto instance(const QString& id, int used, int count, int firstResource = 0,
                                 const QString& phase = QStringLiteral("Running"))
{
    OrchestratorInstanceDto dto;
    dto.id = id;
    dto.used = used;
    dto.count = count;
    for (int i = 0; i < used; ++i)
        dto.resources.append(QStringLiteral("thing-%1").arg(firstResource + i, 5, 10, QChar('0')));
    dto.reloadTimes = 1;
    dto.heartbeatAgeMs = 1200;
    dto.heartbeat = QDateTime(QDate(2026, 12, 2), QTime(10, 15, 31), Qt::UTC);
    dto.podName = id + QStringLiteral("-1");
    dto.podPhase = phase;
    return dto;
}

QString cell(const M& model, int row, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(row, column), role).toString();
}

struct Fixture
{
    M model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
};

TEST(OrchestrationInstanceModel, ShowsLoadResourcesReloadsHeartbeatAndPod)
{
    Fixture f;
    f.model.setInstances({instance("thing-0", 501, 501), instance("thing-1", 3, 501, 501)});
    ASSERT_EQ(f.model.rowCount(), 2);
    EXPECT_EQ(f.model.columnCount(), M::ColumnCount);
    EXPECT_EQ(cell(f.model, 0, M::Id), "thing-0");
    EXPECT_EQ(cell(f.model, 0, M::Load), "501 / 501");
    EXPECT_DOUBLE_EQ(f.model.index(0, M::Load).data(M::FillRatioRole).toDouble(), 1.0);
    EXPECT_NEAR(f.model.index(1, M::Id).data(M::FillRatioRole).toDouble(), 3.0 / 501, 1e-9);
    EXPECT_EQ(cell(f.model, 0, M::Resources), "501: thing-00000, thing-00001, …");
    EXPECT_EQ(cell(f.model, 1, M::Resources), "3: thing-00501, thing-00502, …");
    OrchestratorInstanceDto two = instance("thing-2", 2, 501, 504);
    f.model.setInstances({instance("thing-0", 501, 501), instance("thing-1", 3, 501, 501), two});
    EXPECT_EQ(cell(f.model, 2, M::Resources), "2: thing-00504, thing-00505");
    EXPECT_EQ(cell(f.model, 0, M::ReloadTimes), "1");
    EXPECT_EQ(cell(f.model, 0, M::Heartbeat), "1 s ago");
    EXPECT_EQ(cell(f.model, 0, M::Pod), "thing-0-1 (Running)");
    EXPECT_EQ(cell(f.model, 1, M::Pod, M::InstanceIdRole), "thing-1");
}

TEST(OrchestrationInstanceModel, ResourceTooltipListsEveryIdAsRanges)
{
    Fixture f;
    OrchestratorInstanceDto gappy = instance("thing-0", 501, 501);
    gappy.resources.removeAt(100);  // thing-00100 deleted
    gappy.resources.append(QStringLiteral("thing-09000"));
    f.model.setInstances({gappy});
    const QString tip = cell(f.model, 0, M::Resources, Qt::ToolTipRole);
    EXPECT_TRUE(tip.startsWith("501 ")) << tip.toStdString();
    EXPECT_EQ(tip.section('\n', 1),
              "thing-00000 – thing-00099, thing-00101 – thing-00500, thing-09000");
}

TEST(OrchestrationInstanceModel, IdRangesJoinOnlyConsecutiveNumbersOfOnePrefix)
{
    EXPECT_EQ(M::idRanges({"a-1", "a-2", "a-3", "b-4", "a-5", "a-6", "x"}),
              QStringList({"a-1 – a-3", "b-4", "a-5", "a-6", "x"}));
    EXPECT_EQ(M::idRanges({"rule-9", "rule-10", "rule-11"}), QStringList({"rule-9 – rule-11"}));
    // A zero-padded id keeps its width: 099 → 0100 is not a run.
    EXPECT_EQ(M::idRanges({"t-098", "t-099", "t-0100"}), QStringList({"t-098", "t-099", "t-0100"}));
}

TEST(OrchestrationInstanceModel, PhaseAndStaleHeartbeatAreColoured)
{
    Fixture f;
    OrchestratorInstanceDto silent = instance("thing-2", 1, 10, 0, QStringLiteral("Unknown"));
    silent.heartbeatAgeMs = 91'000;
    f.model.setInstances({instance("thing-0", 1, 10, 0, QStringLiteral("Running")),
                          instance("thing-1", 1, 10, 0, QStringLiteral("Pending")), silent,
                          instance("thing-3", 1, 10, 0, QStringLiteral("Failed"))});
    const auto phase = [&](int row) {
        return f.model.index(row, M::Pod).data(Qt::DecorationRole).value<QColor>();
    };
    EXPECT_EQ(phase(0), QColor(0x2e, 0xa0, 0x43));
    EXPECT_EQ(phase(1), QColor(0xe0, 0x8a, 0x00));
    EXPECT_EQ(phase(2), QColor(0xd3, 0x2f, 0x2f));
    EXPECT_EQ(phase(3), QColor(0xd3, 0x2f, 0x2f));
    EXPECT_FALSE(f.model.index(0, M::Heartbeat).data(Qt::ForegroundRole).isValid());
    EXPECT_FALSE(f.model.index(0, M::Heartbeat).data(M::StaleHeartbeatRole).toBool());
    EXPECT_TRUE(f.model.index(2, M::Heartbeat).data(M::StaleHeartbeatRole).toBool());
    EXPECT_EQ(f.model.index(2, M::Heartbeat).data(Qt::ForegroundRole).value<QColor>(),
              QColor(0xd3, 0x2f, 0x2f));
    EXPECT_EQ(cell(f.model, 2, M::Heartbeat), "91 s ago");
    EXPECT_TRUE(cell(f.model, 2, M::Heartbeat, Qt::ToolTipRole).contains("missed the 90 s window"));
}

TEST(OrchestrationInstanceModel, AgeTextGrowsItsUnit)
{
    EXPECT_EQ(M::ageText(0), "0 s ago");
    EXPECT_EQ(M::ageText(12'400), "12 s ago");
    EXPECT_EQ(M::ageText(119'999), "119 s ago");
    EXPECT_EQ(M::ageText(180'000), "3 min ago");
    EXPECT_EQ(M::ageText(3 * 3600'000), "3 h ago");
}

TEST(OrchestrationInstanceModel, PollsUpdateChangedRowsInPlaceWithoutReset)
{
    Fixture f;
    f.model.setInstances({instance("thing-0", 5, 10), instance("thing-1", 5, 10, 5),
                          instance("thing-2", 5, 10, 10), instance("thing-3", 5, 10, 15)});
    const QPersistentModelIndex third = f.model.index(2, M::Id);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);

    // The same answer again: nothing moves.
    f.model.setInstances({instance("thing-0", 5, 10), instance("thing-1", 5, 10, 5),
                          instance("thing-2", 5, 10, 10), instance("thing-3", 5, 10, 15)});
    EXPECT_EQ(changed.count(), 0);

    // thing-1's heartbeat and thing-3's pod moved.
    OrchestratorInstanceDto beat = instance("thing-1", 5, 10, 5);
    beat.heartbeatAgeMs = 200;
    OrchestratorInstanceDto failed = instance("thing-3", 5, 10, 15, QStringLiteral("Failed"));
    f.model.setInstances(
        {instance("thing-0", 5, 10), beat, instance("thing-2", 5, 10, 10), failed});
    EXPECT_EQ(reset.count(), 0);
    EXPECT_EQ(inserted.count(), 0);
    EXPECT_EQ(removed.count(), 0);
    ASSERT_EQ(changed.count(), 2);  // two runs: row 1, row 3 — rows 0 and 2 untouched
    EXPECT_EQ(changed.at(0).at(0).toModelIndex().row(), 1);
    EXPECT_EQ(changed.at(0).at(1).toModelIndex().row(), 1);
    EXPECT_EQ(changed.at(1).at(0).toModelIndex().row(), 3);
    EXPECT_EQ(changed.at(1).at(1).toModelIndex().column(), M::ColumnCount - 1);
    EXPECT_EQ(cell(f.model, 1, M::Heartbeat), "0 s ago");
    EXPECT_EQ(cell(f.model, 3, M::Pod), "thing-3-1 (Failed)");
    EXPECT_EQ(third.row(), 2);
}

TEST(OrchestrationInstanceModel, AddedInstancesAreInsertedAndGoneOnesRemoved)
{
    Fixture f;
    f.model.setInstances(
        {instance("thing-0", 5, 10), instance("thing-1", 5, 10), instance("thing-2", 5, 10)});
    const QPersistentModelIndex last = f.model.index(2, M::Id);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);

    f.model.setInstances({instance("thing-0", 5, 10), instance("thing-2", 5, 10),
                          instance("thing-3", 1, 10), instance("thing-4", 1, 10)});
    EXPECT_EQ(reset.count(), 0);
    ASSERT_EQ(removed.count(), 1);
    EXPECT_EQ(removed.at(0).at(1).toInt(), 1);
    EXPECT_EQ(removed.at(0).at(2).toInt(), 1);
    ASSERT_EQ(inserted.count(), 1);  // one run for both new instances
    EXPECT_EQ(inserted.at(0).at(1).toInt(), 2);
    EXPECT_EQ(inserted.at(0).at(2).toInt(), 3);
    ASSERT_EQ(f.model.rowCount(), 4);
    EXPECT_EQ(f.model.rowOf(QStringLiteral("thing-4")), 3);
    EXPECT_EQ(f.model.rowOf(QStringLiteral("thing-1")), -1);
    EXPECT_EQ(last.row(), 1);  // the view's index follows its instance

    f.model.setInstances({});
    EXPECT_EQ(f.model.rowCount(), 0);
    EXPECT_EQ(reset.count(), 0);
}

TEST(OrchestrationInstanceModel, ClearRemovesEveryRow)
{
    Fixture f;
    f.model.setInstances({instance("rule-0", 1, 2), instance("rule-1", 1, 2)});
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    f.model.clear();
    EXPECT_EQ(f.model.rowCount(), 0);
    EXPECT_EQ(removed.count(), 1);
    f.model.clear();
    EXPECT_EQ(removed.count(), 1);
}

}  // namespace
}  // namespace concord::models
