// The Orchestration panel without a server: the form rejects out-of-range
// input in place (range shown, button off, nothing sent), the answers it is
// given show up in the summary, progress, table, chart and lookup.
#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QBarSet>
#include <QChart>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedBarSeries>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include "models/orchestration_instance_model.h"
#include "support/qt_test_helpers.h"
#include "widgets/orchestration_panel.h"

namespace concord::widgets {
namespace {

using backend_clients::OrchestrationDto;
using backend_clients::OrchestrationParametersDto;
using backend_clients::OrchestratorInstanceDto;
using backend_clients::RestStatus;
using Field = models::OrchestrationParameters::Field;
using P = models::OrchestrationParameters;

// `instances` instances of `count` capacity over `total` things, in order.
OrchestrationDto orchestration(int instances, int count, int total,
                               const QString& state = QStringLiteral("Ready"))
{
    OrchestrationDto dto;
    dto.resource = QStringLiteral("thing");
    dto.count = total;
    dto.state = state;
    dto.parameters = OrchestrationParametersDto{10, 100, count};
    dto.lastOrchestratedAt = QDateTime(QDate(2026, 12, 2), QTime(10, 15, 30), Qt::UTC);
    int next = 0;
    for (int i = 0; i < instances; ++i) {
        OrchestratorInstanceDto instance;
        instance.id = QStringLiteral("thing-%1").arg(i);
        instance.count = count;
        instance.used = std::min(count, std::max(0, total - next));
        for (int r = 0; r < instance.used; ++r)
            instance.resources.append(QStringLiteral("thing-%1").arg(next++, 5, 10, QChar('0')));
        instance.reloadTimes = 1;
        instance.heartbeatAgeMs = 1000;
        instance.podName = instance.id + QStringLiteral("-1");
        instance.podPhase =
            state == QLatin1String("Ready") ? QStringLiteral("Running") : QStringLiteral("Pending");
        dto.instances.append(instance);
    }
    dto.progressTotal = instances;
    dto.progressReady = state == QLatin1String("Ready") ? instances : 0;
    return dto;
}

class OrchestrationPageTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        page.setConfirmer([this](const QString&, const QString& text) {
            asked.append(text);
            return answer;
        });
        page.setAvailable(true, {});
        page.setOrchestration(orchestration(10, 501, 5000));
        page.resize(1000, 600);
        page.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&page));
    }

    QLineEdit* edit(Field field) const { return page.findChild<QLineEdit*>(P::key(field)); }
    QLabel* label(const QString& name) const { return page.findChild<QLabel*>(name); }
    QLabel* rangeLabel(Field field) const { return label(P::key(field) + "Range"); }
    QLabel* errorLabel(Field field) const { return label(P::key(field) + "Error"); }
    QPushButton* button() const
    {
        return page.findChild<QPushButton*>(QStringLiteral("reorchestrateButton"));
    }
    void type(Field field, const QString& text)
    {
        edit(field)->clear();
        QTest::keyClicks(edit(field), text);
    }
    void fill(const QString& init, const QString& max, const QString& rpi)
    {
        type(P::InitInstances, init);
        type(P::MaxInstances, max);
        type(P::ResourcePerInstance, rpi);
    }

    OrchestrationPage page{QStringLiteral("thing")};
    QAbstractItemModelTester tester{page.instanceModel(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal};
    QStringList asked;
    bool answer = true;
};

struct Rejected
{
    Field field;
    const char* text;
    const char* range;  // shown beside the field
    const char* error;  // the inline message
};

class OrchestrationFieldTest : public OrchestrationPageTest,
                               public ::testing::WithParamInterface<Rejected>
{
};

TEST_P(OrchestrationFieldTest, OutOfRangeInputIsRejectedInTheFormAndNothingIsSent)
{
    const Rejected& c = GetParam();
    QSignalSpy requested(&page, &OrchestrationPage::orchestrateRequested);
    fill("10", "100", "1000");
    ASSERT_TRUE(button()->isEnabled());
    ASSERT_FALSE(errorLabel(c.field)->isVisible());

    type(c.field, QString::fromUtf8(c.text));

    EXPECT_FALSE(button()->isEnabled());
    EXPECT_TRUE(errorLabel(c.field)->isVisible());
    EXPECT_EQ(errorLabel(c.field)->text(), QString::fromUtf8(c.error));
    EXPECT_EQ(page.fieldError(c.field), QString::fromUtf8(c.error));
    EXPECT_EQ(rangeLabel(c.field)->text(), QString::fromUtf8(c.range));
    EXPECT_TRUE(edit(c.field)->toolTip().startsWith(QString::fromUtf8(c.error)));
    EXPECT_FALSE(page.parameters().has_value());
    // The value typed stays as typed: rejected, not clamped.
    EXPECT_EQ(edit(c.field)->text(), QString::fromUtf8(c.text));
    // Neither the button nor Enter sends anything.
    QTest::mouseClick(button(), Qt::LeftButton);
    QTest::keyClick(edit(c.field), Qt::Key_Return);
    EXPECT_EQ(requested.count(), 0);
    EXPECT_TRUE(asked.isEmpty());

    type(c.field, c.field == P::InitInstances ? "10" : c.field == P::MaxInstances ? "100" : "1000");
    EXPECT_TRUE(button()->isEnabled());
    EXPECT_FALSE(errorLabel(c.field)->isVisible());
}

INSTANTIATE_TEST_SUITE_P(
    EachFieldBelowAndAbove, OrchestrationFieldTest,
    ::testing::Values(
        Rejected{P::MaxInstances, "2", "(3–100)", "maxInstances must be between 3 and 100, got 2"},
        Rejected{P::MaxInstances, "101", "(3–100)",
                 "maxInstances must be between 3 and 100, got 101"},
        Rejected{P::ResourcePerInstance, "0", "(1–5000)",
                 "resourcePerInstance must be between 1 and 5000, got 0"},
        Rejected{P::ResourcePerInstance, "6000", "(1–5000)",
                 "resourcePerInstance must be between 1 and 5000, got 6000"},
        Rejected{P::InitInstances, "0", "(1–100)",
                 "initInstances must be between 1 and maxInstances (100), got 0"},
        Rejected{P::InitInstances, "101", "(1–100)",
                 "initInstances must be between 1 and maxInstances (100), got 101"},
        Rejected{P::MaxInstances, "", "(3–100)", "maxInstances is required (3–100)"},
        Rejected{P::ResourcePerInstance, "1e3", "(1–5000)",
                 "resourcePerInstance must be a whole number (1–5000), got \"1e3\""}));

TEST_F(OrchestrationPageTest, InitAboveMaxIsRejectedAndRecheckedWhenMaxChanges)
{
    fill("20", "50", "200");
    EXPECT_TRUE(button()->isEnabled());
    EXPECT_EQ(rangeLabel(P::InitInstances)->text(), "(1–50)");

    type(P::MaxInstances, "10");  // init 20 is now above it
    EXPECT_FALSE(button()->isEnabled());
    EXPECT_EQ(errorLabel(P::InitInstances)->text(),
              "initInstances must be between 1 and maxInstances (10), got 20");
    EXPECT_EQ(rangeLabel(P::InitInstances)->text(), "(1–10)");
    EXPECT_FALSE(errorLabel(P::MaxInstances)->isVisible());

    // While maxInstances itself is invalid, initInstances' bound is unknown.
    type(P::MaxInstances, "2");
    EXPECT_EQ(rangeLabel(P::InitInstances)->text(), "(1–maxInstances)");
    EXPECT_FALSE(button()->isEnabled());

    type(P::MaxInstances, "50");
    type(P::InitInstances, "60");
    EXPECT_EQ(errorLabel(P::InitInstances)->text(),
              "initInstances must be between 1 and maxInstances (50), got 60");
    EXPECT_FALSE(button()->isEnabled());
}

TEST_F(OrchestrationPageTest, EveryFieldExplainsItsRangeAndMeaning)
{
    EXPECT_TRUE(edit(P::MaxInstances)->toolTip().contains("3 to 100"));
    EXPECT_TRUE(edit(P::ResourcePerInstance)->toolTip().contains("1 to 5000"));
    EXPECT_TRUE(edit(P::InitInstances)->toolTip().contains("1 to maxInstances"));
    for (int i = 0; i < P::FieldCount; ++i)
        EXPECT_FALSE(rangeLabel(Field(i))->toolTip().isEmpty());
}

TEST_F(OrchestrationPageTest, ValidParametersAreConfirmedWithThePlanThenRequestedOnce)
{
    QSignalSpy requested(&page, &OrchestrationPage::orchestrateRequested);
    fill("5", "50", "200");
    auto* preview = label(QStringLiteral("planPreview"));
    EXPECT_TRUE(preview->text().contains("26 instance")) << preview->text().toStdString();
    ASSERT_TRUE(button()->isEnabled());
    QTest::mouseClick(button(), Qt::LeftButton);
    ASSERT_EQ(asked.size(), 1);
    EXPECT_TRUE(asked.first().contains("26 instance")) << asked.first().toStdString();
    ASSERT_EQ(requested.count(), 1);
    EXPECT_EQ(requested.at(0).at(0).toString(), "thing");
    const auto sent = requested.at(0).at(1).value<OrchestrationParametersDto>();
    EXPECT_EQ(sent.initInstances, 5);
    EXPECT_EQ(sent.maxInstances, 50);
    EXPECT_EQ(sent.resourcePerInstance, 200);
    // Until the answer comes, a second click cannot send it twice.
    EXPECT_FALSE(button()->isEnabled());
    page.setOrchestrateResult(RestStatus{200, {}}, orchestration(26, 200, 5000, "Orchestrating"));
    EXPECT_TRUE(button()->isEnabled());
}

TEST_F(OrchestrationPageTest, DecliningTheConfirmationSendsNothing)
{
    QSignalSpy requested(&page, &OrchestrationPage::orchestrateRequested);
    answer = false;
    fill("5", "50", "200");
    QTest::mouseClick(button(), Qt::LeftButton);
    EXPECT_EQ(asked.size(), 1);
    EXPECT_EQ(requested.count(), 0);
    EXPECT_TRUE(button()->isEnabled());
}

TEST_F(OrchestrationPageTest, APlanTheOrchestratorWouldRefuseIsSaidButLeftToTheServer)
{
    fill("10", "100", "1");  // 5000 / 1 + 1 instances > 100
    auto* preview = label(QStringLiteral("planPreview"));
    EXPECT_TRUE(preview->text().contains("require instances more than the max: 5001/100"))
        << preview->text().toStdString();
    // The parameters are each valid: the server gives the authoritative answer.
    EXPECT_TRUE(button()->isEnabled());
}

TEST_F(OrchestrationPageTest, TheServersRefusalIsShown)
{
    QSignalSpy requested(&page, &OrchestrationPage::orchestrateRequested);
    fill("5", "50", "200");
    QTest::mouseClick(button(), Qt::LeftButton);
    ASSERT_EQ(requested.count(), 1);
    page.setOrchestrateResult(RestStatus{409, "an orchestration of thing is already running"}, {});
    auto* message = label(QStringLiteral("orchestrateMessage"));
    EXPECT_TRUE(message->isVisible());
    EXPECT_TRUE(message->text().contains("409: an orchestration of thing is already running"))
        << message->text().toStdString();
    EXPECT_TRUE(button()->isEnabled());               // the operator may try again
    EXPECT_EQ(page.instanceModel()->rowCount(), 10);  // a refusal changes nothing shown
}

TEST_F(OrchestrationPageTest, WithoutAnOrchestratorNothingCanBeAsked)
{
    page.setAvailable(false, QStringLiteral("the controller is unreachable"));
    EXPECT_FALSE(button()->isEnabled());
    auto* note = label(QStringLiteral("orchestratorNote"));
    EXPECT_TRUE(note->isVisible());
    EXPECT_TRUE(note->text().contains("the controller is unreachable"));
    QTest::keyClicks(page.findChild<QLineEdit*>(QStringLiteral("runInResourceId")), "thing-1");
    EXPECT_FALSE(page.findChild<QPushButton*>(QStringLiteral("runInFind"))->isEnabled());
    page.setAvailable(true, {});
    EXPECT_TRUE(button()->isEnabled());
    EXPECT_FALSE(note->isVisible());
}

TEST_F(OrchestrationPageTest, AViewerMayLookUpButNotReorchestrate)
{
    page.setMayOrchestrate(false, QStringLiteral("viewer token"));
    EXPECT_FALSE(button()->isEnabled());
    EXPECT_EQ(button()->toolTip(), QStringLiteral("viewer token"));
    QTest::keyClicks(page.findChild<QLineEdit*>(QStringLiteral("runInResourceId")), "thing-1");
    EXPECT_TRUE(page.findChild<QPushButton*>(QStringLiteral("runInFind"))->isEnabled());
    page.setMayOrchestrate(true);
    EXPECT_TRUE(button()->isEnabled());
}

TEST_F(OrchestrationPageTest, ProgressShowsReadyOfTotalWhileOrchestrating)
{
    auto* progress = page.findChild<QProgressBar*>(QStringLiteral("orchestrationProgress"));
    ASSERT_TRUE(progress);
    EXPECT_FALSE(progress->isVisible());
    OrchestrationDto running = orchestration(26, 200, 5000, "Orchestrating");
    running.progressReady = 10;
    page.setOrchestration(running);
    EXPECT_TRUE(progress->isVisible());
    EXPECT_EQ(progress->maximum(), 26);
    EXPECT_EQ(progress->value(), 10);
    EXPECT_EQ(progress->text(), "10 / 26 instances ready");
    EXPECT_TRUE(label(QStringLiteral("orchestrationSummary"))->text().startsWith("Orchestrating"));
    page.setOrchestration(orchestration(26, 200, 5000));
    EXPECT_FALSE(progress->isVisible());
}

TEST_F(OrchestrationPageTest, SummaryNamesStateCountAndLastOrchestration)
{
    const QString summary = label(QStringLiteral("orchestrationSummary"))->text();
    EXPECT_TRUE(summary.startsWith("Ready · ")) << summary.toStdString();
    EXPECT_TRUE(summary.contains("5,000")) << summary.toStdString();
    const QString when = QDateTime(QDate(2026, 12, 2), QTime(10, 15, 30), Qt::UTC)
                             .toLocalTime()
                             .toString("yyyy-MM-dd HH:mm:ss");
    EXPECT_TRUE(summary.contains(when)) << summary.toStdString();
    page.setPollError(RestStatus{503, "unavailable"});
    auto* note = label(QStringLiteral("orchestratorNote"));
    EXPECT_TRUE(note->isVisible());
    EXPECT_TRUE(note->text().contains("503: unavailable"));
    page.setOrchestration(orchestration(10, 501, 5000));
    EXPECT_FALSE(note->isVisible());
}

TEST_F(OrchestrationPageTest, TheFormFollowsTheOrchestrationUntilTheOperatorTypes)
{
    EXPECT_EQ(edit(P::ResourcePerInstance)->text(), "501");
    OrchestrationDto next = orchestration(26, 200, 5000);
    next.parameters = OrchestrationParametersDto{5, 50, 200};
    page.setOrchestration(next);
    EXPECT_EQ(edit(P::MaxInstances)->text(), "50");
    QTest::keyClicks(edit(P::MaxInstances), "0");  // "500": out of range, and kept
    page.setOrchestration(orchestration(10, 501, 5000));
    EXPECT_EQ(edit(P::MaxInstances)->text(), "500");
    EXPECT_FALSE(button()->isEnabled());
}

TEST_F(OrchestrationPageTest, TheChartHasOneBarPerInstanceUpdatedInPlace)
{
    QChart* chart = page.chart();
    QBarSet* used = page.usedSet();
    QBarSet* free = page.freeSet();
    ASSERT_EQ(chart->series().size(), 1);
    ASSERT_EQ(used->count(), 10);
    ASSERT_EQ(free->count(), 10);
    EXPECT_EQ(used->at(0), 501.0);
    EXPECT_EQ(free->at(0), 0.0);
    EXPECT_EQ(used->at(9), 5000.0 - 9 * 501);
    EXPECT_EQ(free->at(9), 501.0 - (5000 - 9 * 501));

    page.setOrchestration(orchestration(26, 200, 5000));
    EXPECT_EQ(used->count(), 26);
    EXPECT_EQ(free->count(), 26);
    EXPECT_EQ(used->at(0), 200.0);
    EXPECT_EQ(used->at(25), 0.0);  // 25 × 200 = 5000: the last one is empty
    EXPECT_EQ(free->at(25), 200.0);

    page.setOrchestration(orchestration(6, 1000, 5000));
    EXPECT_EQ(used->count(), 6);
    EXPECT_EQ(page.instanceModel()->rowCount(), 6);
    // The same chart, series and sets throughout.
    EXPECT_EQ(page.chart(), chart);
    EXPECT_EQ(page.usedSet(), used);
    ASSERT_EQ(chart->series().size(), 1);
    EXPECT_EQ(static_cast<QStackedBarSeries*>(chart->series().first())->barSets().size(), 2);
}

TEST_F(OrchestrationPageTest, RunInAnswerSelectsTheInstancesRow)
{
    QSignalSpy requested(&page, &OrchestrationPage::runInRequested);
    auto* id = page.findChild<QLineEdit*>(QStringLiteral("runInResourceId"));
    auto* find = page.findChild<QPushButton*>(QStringLiteral("runInFind"));
    EXPECT_FALSE(find->isEnabled());
    QTest::keyClicks(id, "thing-00600");
    ASSERT_TRUE(find->isEnabled());
    QTest::mouseClick(find, Qt::LeftButton);
    ASSERT_EQ(requested.count(), 1);
    EXPECT_EQ(requested.at(0).at(0).toString(), "thing");
    EXPECT_EQ(requested.at(0).at(1).toString(), "thing-00600");

    page.setRunInResult("thing-00600", RestStatus{200, {}}, "thing-1");
    EXPECT_EQ(label(QStringLiteral("runInResult"))->text(), "thing-00600 runs in thing-1");
    const QModelIndexList selected = page.instanceView()->selectionModel()->selectedRows();
    ASSERT_EQ(selected.size(), 1);
    EXPECT_EQ(selected.first().row(), 1);

    page.setRunInResult("thing-99999", RestStatus{404, "unknown thing 'thing-99999'"}, {});
    EXPECT_EQ(label(QStringLiteral("runInResult"))->text(), "404: unknown thing 'thing-99999'");
}

TEST(OrchestrationPanel, ThingsAndRulesTabsTellWhichTypeIsWatched)
{
    OrchestrationPanel panel;
    QTabWidget* tabs = panel.tabs();
    ASSERT_EQ(tabs->count(), 2);
    EXPECT_EQ(tabs->tabText(0), "Things");
    EXPECT_EQ(tabs->tabText(1), "Rules");
    ASSERT_TRUE(panel.page("thing") && panel.page("rule"));
    EXPECT_FALSE(panel.page("widget"));

    QSignalSpy watched(&panel, &OrchestrationPanel::watchedResourceChanged);
    EXPECT_TRUE(panel.watchedResource().isEmpty());  // not shown yet: nothing to poll
    panel.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
    ASSERT_GE(watched.count(), 1);
    EXPECT_EQ(watched.last().at(0).toString(), "thing");
    tabs->setCurrentIndex(1);
    EXPECT_EQ(watched.last().at(0).toString(), "rule");
    panel.hide();
    EXPECT_EQ(watched.last().at(0).toString(), "");
    EXPECT_TRUE(panel.watchedResource().isEmpty());
}

TEST(OrchestrationPanel, RequestsCarryTheirResourceType)
{
    OrchestrationPanel panel;
    panel.setConfirmer([](const QString&, const QString&) { return true; });
    panel.setAvailable(true, {});
    QSignalSpy requested(&panel, &OrchestrationPanel::orchestrateRequested);
    OrchestrationPage* rules = panel.page("rule");
    for (const auto& [key, text] :
         {std::pair{"initInstances", "3"}, std::pair{"maxInstances", "10"},
          std::pair{"resourcePerInstance", "100"}})
        QTest::keyClicks(rules->findChild<QLineEdit*>(key), text);
    QTest::mouseClick(rules->findChild<QPushButton*>("reorchestrateButton"), Qt::LeftButton);
    ASSERT_EQ(requested.count(), 1);
    EXPECT_EQ(requested.at(0).at(0).toString(), "rule");
}

}  // namespace
}  // namespace concord::widgets
