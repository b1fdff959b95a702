#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTest>

#include "models/event_log_filter_model.h"
#include "models/event_log_model.h"
#include "tests/support/qt_test_helpers.h"
#include "widgets/event_log_panel.h"

namespace concord::widgets {
namespace {

using models::EventLogModel;

const QDateTime kWhen(QDate(2024, 5, 1), QTime(9, 30, 0));

struct Fixture
{
    EventLogModel model;
    EventLogPanel panel;
    QTableView* table = nullptr;

    Fixture()
    {
        panel.setModel(&model);
        panel.resize(800, 300);
        panel.show();
        table = panel.findChild<QTableView*>("eventTable");
        model.append(EventLogModel::Severity::Info, "mesh", "auth v2 registered", kWhen);
        model.append(EventLogModel::Severity::Warning, "update", "straggler 0af3", kWhen);
        model.append(EventLogModel::Severity::Error, "operator", "abort refused", kWhen);
        model.flush();
    }
    QString shownMessage(int row) const
    {
        return table->model()->index(row, EventLogModel::Message).data().toString();
    }
};

TEST(EventLogPanel, ObjectNamesAndNewestAtTheBottom)
{
    Fixture f;
    EXPECT_EQ(f.panel.objectName(), "eventLogPanel");
    ASSERT_NE(f.table, nullptr);
    ASSERT_NE(f.panel.findChild<QLineEdit*>("eventFilter"), nullptr);
    ASSERT_NE(f.panel.findChild<QComboBox*>("eventSeverity"), nullptr);
    QAbstractItemModelTester tester(f.table->model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    ASSERT_EQ(f.table->model()->rowCount(), 3);
    EXPECT_EQ(f.shownMessage(2), "abort refused");
}

TEST(EventLogPanel, FiltersByTypedTextAndSeverity)
{
    Fixture f;
    QAbstractItemModelTester tester(f.table->model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    auto* filter = f.panel.findChild<QLineEdit*>("eventFilter");
    QTest::keyClicks(filter, "STRAGGLER");
    ASSERT_EQ(f.table->model()->rowCount(), 1);
    EXPECT_EQ(f.shownMessage(0), "straggler 0af3");
    filter->clear();
    EXPECT_EQ(f.table->model()->rowCount(), 3);

    auto* severity = f.panel.findChild<QComboBox*>("eventSeverity");
    severity->setCurrentIndex(1);  // warnings and errors
    EXPECT_EQ(f.table->model()->rowCount(), 2);
    severity->setCurrentIndex(2);  // errors only
    ASSERT_EQ(f.table->model()->rowCount(), 1);
    EXPECT_EQ(f.shownMessage(0), "abort refused");
    f.model.append(EventLogModel::Severity::Info, "mesh", "hidden");
    f.model.append(EventLogModel::Severity::Error, "update", "driver failed");
    f.model.flush();
    ASSERT_EQ(f.table->model()->rowCount(), 2);
    EXPECT_EQ(f.shownMessage(1), "driver failed");
}

TEST(EventLogPanel, CopiesSelectedRowsAsTabSeparatedText)
{
    Fixture f;
    QApplication::clipboard()->clear();
    QItemSelectionModel* selection = f.table->selectionModel();
    selection->select(f.table->model()->index(0, 0),
                      QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection->select(f.table->model()->index(2, 0),
                      QItemSelectionModel::Select | QItemSelectionModel::Rows);
    const QString time = kWhen.toString(Qt::ISODateWithMs);
    const QString expected =
        time + "\tinfo\tmesh\tauth v2 registered\n" + time + "\terror\toperator\tabort refused";

    ASSERT_TRUE(f.table->actions().contains(f.panel.copyAction()));  // the context menu
    EXPECT_EQ(f.table->contextMenuPolicy(), Qt::ActionsContextMenu);
    f.panel.copyAction()->trigger();
    EXPECT_EQ(QApplication::clipboard()->text(), expected);

    QApplication::clipboard()->clear();
    f.panel.activateWindow();
    f.table->setFocus();
    ASSERT_TRUE(QTest::qWaitForWindowActive(&f.panel));
    QTest::keySequence(f.table, QKeySequence::Copy);  // Ctrl+C
    CONCORD_TRY_EXPECT(QApplication::clipboard()->text() == expected, 2000);

    // Without a selection Copy takes every shown row.
    selection->clearSelection();
    QApplication::clipboard()->clear();
    QTest::mouseClick(f.panel.findChild<QPushButton*>("eventCopy"), Qt::LeftButton);
    EXPECT_EQ(QApplication::clipboard()->text().split('\n').size(), 3);
}

TEST(EventLogPanel, FollowsNewRowsOnlyAtTheBottom)
{
    Fixture f;
    for (int i = 0; i < 300; ++i)
        f.model.append(EventLogModel::Severity::Info, "mesh", QString::number(i));
    f.model.flush();
    QScrollBar* bar = f.table->verticalScrollBar();
    CONCORD_TRY_ASSERT(bar->maximum() > 0, 2000);
    f.table->scrollToBottom();
    CONCORD_TRY_ASSERT(bar->value() == bar->maximum(), 2000);

    f.model.append(EventLogModel::Severity::Info, "mesh", "newest");
    f.model.flush();
    CONCORD_TRY_EXPECT(bar->value() == bar->maximum() && bar->maximum() > 0, 2000);

    bar->setValue(0);  // the operator scrolls up to read
    f.model.append(EventLogModel::Severity::Info, "mesh", "newer still");
    f.model.flush();
    QCoreApplication::processEvents();
    EXPECT_EQ(bar->value(), 0);
}

TEST(EventLogPanel, ClearEmptiesTheLog)
{
    Fixture f;
    QTest::mouseClick(f.panel.findChild<QPushButton*>("eventClear"), Qt::LeftButton);
    EXPECT_EQ(f.model.rowCount(), 0);
    EXPECT_EQ(f.table->model()->rowCount(), 0);
}

}  // namespace
}  // namespace concord::widgets
