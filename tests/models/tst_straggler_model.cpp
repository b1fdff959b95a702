#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <utility>
#include <vector>

#include "models/straggler_model.h"

namespace concord::models {
namespace {

using Stragglers = google::protobuf::RepeatedPtrField<v1::Straggler>;

// (trace id, age in seconds)
Stragglers stragglers(const std::vector<std::pair<const char*, int>>& rows)
{
    Stragglers result;
    for (const auto& [id, seconds] : rows) {
        v1::Straggler* straggler = result.Add();
        straggler->set_trace_id(id);
        straggler->mutable_age()->set_seconds(seconds);
    }
    return result;
}

QStringList ids(const StragglerModel& model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row, StragglerModel::TraceId).data().toString());
    return result;
}

struct Fixture
{
    StragglerModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
};

TEST(StragglerModel, SortedByAgeDescending)
{
    Fixture f;
    f.model.setStragglers(stragglers({{"aa", 61}, {"bb", 90}, {"cc", 75}}));
    EXPECT_EQ(ids(f.model), QStringList({"bb", "cc", "aa"}));
    EXPECT_EQ(f.model.index(0, StragglerModel::Age).data(StragglerModel::SortRole).toLongLong(),
              90'000);
    EXPECT_EQ(f.model.index(0, StragglerModel::Age).data().toString(), "1 min 30 s");
}

TEST(StragglerModel, TicksUpdateAgesInPlaceAndInsertNewAtTheirPlace)
{
    Fixture f;
    f.model.setStragglers(stragglers({{"aa", 61}, {"bb", 90}}));
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    QSignalSpy layout(&f.model, &QAbstractItemModel::layoutChanged);
    QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);

    f.model.setStragglers(stragglers({{"aa", 62}, {"bb", 91}, {"cc", 80}, {"dd", 60}}));
    EXPECT_EQ(ids(f.model), QStringList({"bb", "cc", "aa", "dd"}));
    EXPECT_EQ(reset.count(), 0);
    EXPECT_EQ(layout.count(), 0);
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(inserted.count(), 2);

    f.model.setStragglers(stragglers({{"aa", 63}, {"dd", 61}}));  // bb, cc drained
    EXPECT_EQ(ids(f.model), QStringList({"aa", "dd"}));
    EXPECT_EQ(removed.count(), 1);
    EXPECT_EQ(reset.count(), 0);
}

TEST(StragglerModel, ReorderKeepsPersistentIndexes)
{
    Fixture f;
    f.model.setStragglers(stragglers({{"aa", 70}, {"bb", 65}}));
    const QPersistentModelIndex bb = f.model.index(1, StragglerModel::TraceId);
    QSignalSpy layout(&f.model, &QAbstractItemModel::layoutChanged);
    // A controller restart may report fresh ages: bb is now older.
    f.model.setStragglers(stragglers({{"aa", 1}, {"bb", 80}}));
    EXPECT_EQ(layout.count(), 1);
    EXPECT_EQ(ids(f.model), QStringList({"bb", "aa"}));
    ASSERT_TRUE(bb.isValid());
    EXPECT_EQ(bb.row(), 0);
    EXPECT_EQ(bb.data().toString(), "bb");
}

TEST(StragglerModel, TotalCountIsSeparateFromTheList)
{
    Fixture f;
    QSignalSpy total(&f.model, &StragglerModel::totalCountChanged);
    f.model.setStragglers(stragglers({{"aa", 70}}));
    f.model.setTotalCount(250);
    f.model.setTotalCount(250);
    EXPECT_EQ(f.model.totalCount(), 250u);
    EXPECT_EQ(f.model.rowCount(), 1);
    EXPECT_EQ(total.count(), 1);
    f.model.clear();
    EXPECT_EQ(f.model.rowCount(), 0);
    EXPECT_EQ(f.model.totalCount(), 0u);
    EXPECT_EQ(total.count(), 2);
}

}  // namespace
}  // namespace concord::models
