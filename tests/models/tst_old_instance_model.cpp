#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QColor>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <tuple>
#include <vector>

#include "models/old_instance_model.h"

namespace concord::models {
namespace {

using Instances = google::protobuf::RepeatedPtrField<v1::OldInstance>;

Instances instances(const std::vector<std::tuple<const char*, quint64, bool>>& rows)
{
    Instances result;
    for (const auto& [name, size, locked] : rows) {
        v1::OldInstance* instance = result.Add();
        instance->set_name(name);
        instance->set_traceid_set_size(size);
        instance->set_locked(locked);
    }
    return result;
}

QString cell(const OldInstanceModel& model, int row, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(row, column), role).toString();
}

struct Fixture
{
    OldInstanceModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
};

TEST(OldInstanceModel, FirstListInsertsRowsInOrder)
{
    Fixture f;
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    f.model.setInstances(instances({{"auth-v1-0", 12, false}, {"auth-v1-1", 7, false}}));
    ASSERT_EQ(f.model.rowCount(), 2);
    EXPECT_EQ(f.model.columnCount(), OldInstanceModel::ColumnCount);
    EXPECT_EQ(inserted.count(), 1);
    EXPECT_EQ(cell(f.model, 0, OldInstanceModel::Name), "auth-v1-0");
    EXPECT_EQ(cell(f.model, 0, OldInstanceModel::TraceIdSetSize), "12");
    EXPECT_EQ(cell(f.model, 1, OldInstanceModel::Name), "auth-v1-1");
    EXPECT_EQ(cell(f.model, 1, OldInstanceModel::Locked), "open");
}

TEST(OldInstanceModel, LiveTicksDiffByNameWithoutReset)
{
    Fixture f;
    f.model.setInstances(instances({{"a", 1, false}, {"b", 2, false}, {"c", 3, false}}));
    const QPersistentModelIndex c = f.model.index(2, OldInstanceModel::Name);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);

    f.model.setInstances(instances({{"d", 9, true}, {"c", 3, false}, {"a", 5, true}}));

    EXPECT_EQ(reset.count(), 0);
    ASSERT_EQ(removed.count(), 1);
    EXPECT_EQ(removed.at(0).at(1).toInt(), 1);  // b
    EXPECT_EQ(removed.at(0).at(2).toInt(), 1);
    ASSERT_EQ(inserted.count(), 1);
    EXPECT_EQ(changed.count(), 1);
    ASSERT_EQ(f.model.rowCount(), 3);
    EXPECT_EQ(cell(f.model, 0, OldInstanceModel::Name), "a");
    EXPECT_EQ(cell(f.model, 0, OldInstanceModel::TraceIdSetSize), "5");
    EXPECT_EQ(cell(f.model, 0, OldInstanceModel::Locked), "locked");
    EXPECT_EQ(cell(f.model, 1, OldInstanceModel::Name), "c");
    EXPECT_EQ(cell(f.model, 2, OldInstanceModel::Name), "d");
    ASSERT_TRUE(c.isValid());
    EXPECT_EQ(c.row(), 1);  // the view's index follows its instance
}

TEST(OldInstanceModel, UnchangedTickEmitsNothing)
{
    Fixture f;
    f.model.setInstances(instances({{"a", 1, true}}));
    QSignalSpy changed(&f.model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    f.model.setInstances(instances({{"a", 1, true}}));
    EXPECT_EQ(changed.count(), 0);
    EXPECT_EQ(inserted.count(), 0);
}

TEST(OldInstanceModel, RemovesContiguousRunsAndEverything)
{
    Fixture f;
    f.model.setInstances(
        instances({{"a", 1, false}, {"b", 1, false}, {"c", 1, false}, {"d", 1, false}}));
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    f.model.setInstances(instances({{"a", 1, false}, {"d", 1, false}}));
    EXPECT_EQ(removed.count(), 1);  // b and c in one run
    ASSERT_EQ(f.model.rowCount(), 2);
    EXPECT_EQ(cell(f.model, 1, OldInstanceModel::Name), "d");
    f.model.setInstances(Instances());  // retired
    EXPECT_EQ(f.model.rowCount(), 0);
    f.model.setInstances(instances({{"x", 1, false}, {"x", 2, false}}));
    EXPECT_EQ(f.model.rowCount(), 1);  // a duplicated name is one row
    f.model.clear();
    EXPECT_EQ(f.model.rowCount(), 0);
}

TEST(OldInstanceModel, LockStateHasTextColourAndTooltip)
{
    Fixture f;
    f.model.setInstances(instances({{"a", 1, false}, {"b", 1, true}}));
    const QVariant open = f.model.index(0, OldInstanceModel::Locked).data(Qt::DecorationRole);
    const QVariant locked = f.model.index(1, OldInstanceModel::Locked).data(Qt::DecorationRole);
    ASSERT_TRUE(open.canConvert<QColor>());
    ASSERT_TRUE(locked.canConvert<QColor>());
    EXPECT_NE(open.value<QColor>(), locked.value<QColor>());
    EXPECT_FALSE(cell(f.model, 1, OldInstanceModel::Locked, Qt::ToolTipRole).isEmpty());
    EXPECT_EQ(f.model.headerData(OldInstanceModel::TraceIdSetSize, Qt::Horizontal).toString(),
              "TraceidSet");
}

}  // namespace
}  // namespace concord::models
