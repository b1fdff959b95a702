#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>

#include "models/update_history_model.h"

namespace concord::models {
namespace {

v1::UpdateSummary summary(const char* id, v1::UpdateState state, int timelinessSeconds)
{
    v1::UpdateSummary update;
    update.set_update_id(id);
    update.set_service("auth");
    update.set_from_version("v1");
    update.set_target_version("v2");
    update.set_strategy(v1::UPDATE_STRATEGY_CV);
    update.set_state(state);
    update.mutable_requested_at()->set_seconds(1'700'000'000);
    update.mutable_finished_at()->set_seconds(1'700'000'000 + timelinessSeconds);
    update.mutable_metrics()->mutable_timeliness()->set_seconds(timelinessSeconds);
    update.mutable_metrics()->mutable_disruption()->set_nanos(250'000'000);
    update.mutable_metrics()->set_inconsistent_transactions(0);
    update.mutable_metrics()->set_failed_transactions(3);
    update.mutable_metrics()->set_peak_instances(6);
    return update;
}

QString cell(const QAbstractItemModel& model, int row, int column)
{
    return model.index(row, column).data().toString();
}

struct Fixture
{
    UpdateHistoryModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
};

TEST(UpdateHistoryModel, SetUpdatesResetsAndShowsMetrics)
{
    Fixture f;
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    f.model.setUpdates(QList<v1::UpdateSummary>{summary("u2", v1::UPDATE_STATE_COMPLETED, 12),
                                                summary("u1", v1::UPDATE_STATE_ABORTED, 75)});
    EXPECT_EQ(reset.count(), 1);
    ASSERT_EQ(f.model.rowCount(), 2);
    EXPECT_EQ(f.model.columnCount(), UpdateHistoryModel::ColumnCount);
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::Id), "u2");
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::Service), "auth");
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::From), "v1");
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::To), "v2");
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::Strategy), "CV");
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::State), "completed");
    EXPECT_EQ(cell(f.model, 1, UpdateHistoryModel::State), "aborted");
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::Timeliness), "12.0 s");
    EXPECT_EQ(cell(f.model, 1, UpdateHistoryModel::Timeliness), "1 min 15 s");
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::Disruption), "250 ms");
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::Failed), "3");
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::Inconsistent), "0");
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::PeakInstances), "6");
    EXPECT_FALSE(cell(f.model, 0, UpdateHistoryModel::Requested).isEmpty());
    EXPECT_FALSE(cell(f.model, 0, UpdateHistoryModel::Finished).isEmpty());

    google::protobuf::RepeatedPtrField<v1::UpdateSummary> page;
    *page.Add() = summary("u9", v1::UPDATE_STATE_FAILED, 1);
    f.model.setUpdates(page);
    ASSERT_EQ(f.model.rowCount(), 1);
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::State), "failed");
}

TEST(UpdateHistoryModel, UpsertInsertsNewestFirstOrUpdatesInPlace)
{
    Fixture f;
    f.model.setUpdates(QList<v1::UpdateSummary>{summary("u1", v1::UPDATE_STATE_COMPLETED, 5)});
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);

    f.model.upsert(summary("u2", v1::UPDATE_STATE_RUNNING, 0));
    ASSERT_EQ(f.model.rowCount(), 2);
    EXPECT_EQ(inserted.count(), 1);
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::Id), "u2");
    EXPECT_EQ(f.model.rowOf("u1"), 1);

    f.model.upsert(summary("u2", v1::UPDATE_STATE_FORCE_RETIRED, 30));
    EXPECT_EQ(f.model.rowCount(), 2);
    EXPECT_EQ(inserted.count(), 1);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(cell(f.model, 0, UpdateHistoryModel::State), "force-retired");
    EXPECT_EQ(f.model.summary(0).metrics().timeliness().seconds(), 30);
    EXPECT_EQ(f.model.rowOf("nope"), -1);
    EXPECT_EQ(f.model.index(1, UpdateHistoryModel::Service)
                  .data(UpdateHistoryModel::UpdateIdRole)
                  .toString(),
              "u1");
    f.model.clear();
    EXPECT_EQ(f.model.rowCount(), 0);
}

TEST(UpdateHistoryModel, SortsNumericallyThroughAProxy)
{
    Fixture f;
    f.model.setUpdates(QList<v1::UpdateSummary>{summary("a", v1::UPDATE_STATE_COMPLETED, 9),
                                                summary("b", v1::UPDATE_STATE_COMPLETED, 75),
                                                summary("c", v1::UPDATE_STATE_COMPLETED, 10)});
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&f.model);
    proxy.setSortRole(UpdateHistoryModel::SortRole);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::Fatal);
    proxy.sort(UpdateHistoryModel::Timeliness, Qt::DescendingOrder);
    // As text "9.0 s" would sort above "75" and "10"; as durations it is last.
    EXPECT_EQ(cell(proxy, 0, UpdateHistoryModel::Id), "b");
    EXPECT_EQ(cell(proxy, 1, UpdateHistoryModel::Id), "c");
    EXPECT_EQ(cell(proxy, 2, UpdateHistoryModel::Id), "a");
    f.model.upsert(summary("d", v1::UPDATE_STATE_COMPLETED, 20));  // live insert, sorted in
    EXPECT_EQ(cell(proxy, 1, UpdateHistoryModel::Id), "d");
}

}  // namespace
}  // namespace concord::models
