#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QSignalSpy>

#include "models/event_log_filter_model.h"
#include "models/event_log_model.h"

namespace concord::models {
namespace {

using Severity = EventLogModel::SeverityLevel;

QString message(const QAbstractItemModel& model, int row)
{
    return model.index(row, EventLogModel::Message).data().toString();
}

struct Fixture
{
    EventLogModel model;
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::Fatal};
};

TEST(EventLogModel, AppendsShowAllColumns)
{
    Fixture f;
    const QDateTime when(QDate(2024, 5, 1), QTime(12, 34, 56, 789));
    f.model.append(EventLogModel::Severity::Warning, "update", "drain is slow", when);
    f.model.flush();
    ASSERT_EQ(f.model.rowCount(), 1);
    EXPECT_EQ(f.model.columnCount(), EventLogModel::ColumnCount);
    EXPECT_EQ(f.model.index(0, EventLogModel::Time).data().toString(), "12:34:56.789");
    EXPECT_EQ(f.model.index(0, EventLogModel::Severity).data().toString(), "warning");
    EXPECT_EQ(f.model.index(0, EventLogModel::Source).data().toString(), "update");
    EXPECT_EQ(message(f.model, 0), "drain is slow");
    EXPECT_EQ(f.model.index(0, EventLogModel::Message).data(EventLogModel::SeverityRole).toInt(),
              int(EventLogModel::Severity::Warning));
    EXPECT_EQ(f.model.index(0, 0).data(EventLogModel::TimestampRole).toDateTime(), when);
}

TEST(EventLogModel, BurstIsOneInsertAtTheNextEventLoopTurn)
{
    Fixture f;
    QSignalSpy inserted(&f.model, &QAbstractItemModel::rowsInserted);
    for (int i = 0; i < 100; ++i)
        f.model.append(EventLogModel::Severity::Info, "mesh", QString::number(i));
    EXPECT_EQ(f.model.rowCount(), 0);
    EXPECT_EQ(f.model.pendingCount(), 100);
    QCoreApplication::processEvents();
    EXPECT_EQ(f.model.rowCount(), 100);
    ASSERT_EQ(inserted.count(), 1);
    EXPECT_EQ(inserted.at(0).at(1).toInt(), 0);
    EXPECT_EQ(inserted.at(0).at(2).toInt(), 99);
    EXPECT_EQ(message(f.model, 99), "99");  // newest at the bottom
}

TEST(EventLogModel, BoundedRemovesTheOldestRows)
{
    Fixture f;
    f.model.setMaximumRows(5);
    QSignalSpy removed(&f.model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&f.model, &QAbstractItemModel::modelReset);
    for (int i = 0; i < 4; ++i)
        f.model.append(EventLogModel::Severity::Info, "s", QString::number(i));
    f.model.flush();
    for (int i = 4; i < 8; ++i)
        f.model.append(EventLogModel::Severity::Info, "s", QString::number(i));
    f.model.flush();
    ASSERT_EQ(f.model.rowCount(), 5);
    EXPECT_EQ(message(f.model, 0), "3");
    EXPECT_EQ(message(f.model, 4), "7");
    ASSERT_EQ(removed.count(), 1);
    EXPECT_EQ(removed.at(0).at(2).toInt(), 2);  // rows 0..2 went
    EXPECT_EQ(reset.count(), 0);

    for (int i = 8; i < 20; ++i)  // a burst larger than the bound
        f.model.append(EventLogModel::Severity::Info, "s", QString::number(i));
    f.model.flush();
    ASSERT_EQ(f.model.rowCount(), 5);
    EXPECT_EQ(message(f.model, 0), "15");
    EXPECT_EQ(message(f.model, 4), "19");

    f.model.setMaximumRows(2);
    EXPECT_EQ(f.model.rowCount(), 2);
    EXPECT_EQ(message(f.model, 0), "18");
    f.model.clear();
    EXPECT_EQ(f.model.rowCount(), 0);
    EXPECT_EQ(EventLogModel::DefaultMaximumRows, 10'000);
}

TEST(EventLogModel, DefaultBoundIsTenThousand)
{
    Fixture f;
    EXPECT_EQ(f.model.maximumRows(), 10'000);
    for (int i = 0; i < 10'050; ++i)
        f.model.append(EventLogModel::Severity::Info, "s", QString::number(i));
    f.model.flush();
    EXPECT_EQ(f.model.rowCount(), 10'000);
    EXPECT_EQ(message(f.model, 0), "50");
}

TEST(EventLogFilterModel, FiltersByTextInAnyColumnAndMinimumSeverity)
{
    Fixture f;
    EventLogFilterModel filter;
    filter.setSourceModel(&f.model);
    QAbstractItemModelTester filterTester(&filter,
                                          QAbstractItemModelTester::FailureReportingMode::Fatal);
    f.model.append(EventLogModel::Severity::Info, "mesh", "auth v2 registered");
    f.model.append(EventLogModel::Severity::Warning, "update", "straggler 0af3 is old");
    f.model.append(EventLogModel::Severity::Error, "operator", "abort refused");
    f.model.flush();
    EXPECT_EQ(filter.rowCount(), 3);

    filter.setFilterText("UPDATE");  // case-insensitive, matches the source column
    ASSERT_EQ(filter.rowCount(), 1);
    EXPECT_EQ(message(filter, 0), "straggler 0af3 is old");
    filter.setFilterText("auth");
    ASSERT_EQ(filter.rowCount(), 1);
    EXPECT_EQ(message(filter, 0), "auth v2 registered");
    filter.setFilterText("error");  // the severity column's text
    EXPECT_EQ(filter.rowCount(), 1);

    filter.setFilterText({});
    filter.setMinimumSeverity(EventLogModel::Severity::Warning);
    EXPECT_EQ(filter.rowCount(), 2);
    EXPECT_EQ(filter.minimumSeverity(), EventLogModel::Severity::Warning);
    filter.setMinimumSeverity(EventLogModel::Severity::Error);
    ASSERT_EQ(filter.rowCount(), 1);
    EXPECT_EQ(message(filter, 0), "abort refused");

    // Live appends pass through the filter.
    f.model.append(EventLogModel::Severity::Info, "mesh", "noise");
    f.model.append(EventLogModel::Severity::Error, "update", "driver failed");
    f.model.flush();
    ASSERT_EQ(filter.rowCount(), 2);
    EXPECT_EQ(message(filter, 1), "driver failed");

    // And bounded removal.
    f.model.setMaximumRows(1);
    ASSERT_EQ(filter.rowCount(), 1);
    EXPECT_EQ(message(filter, 0), "driver failed");
    f.model.clear();
    EXPECT_EQ(filter.rowCount(), 0);
}

}  // namespace
}  // namespace concord::models
