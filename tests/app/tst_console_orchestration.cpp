// The Orchestration panel against the real embedded concordd, which serves
// the orchestrator REST API over 5,000 seeded Things and 800 Rules
// (orchestrated at start with init 10 / max 100 / rpi 1000): the seeded
// orchestration shows; out-of-range parameters are rejected in the form and
// never sent; valid ones re-orchestrate with progress until every pod runs; a
// second request while Orchestrating shows the server's 409; "which instance
// runs X" selects the row; polling follows the panel's visibility.
#include <QBarSet>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>

#include "app/orchestration_session.h"
#include "console_fixture.h"
#include "models/event_log_model.h"
#include "models/orchestration_instance_model.h"
#include "widgets/orchestration_panel.h"

namespace concord::app::testing {
namespace {

using models::OrchestrationInstanceModel;
using P = models::OrchestrationParameters;

bool logContains(const models::EventLogModel& log, const QString& text)
{
    for (int row = 0; row < log.rowCount(); ++row) {
        if (log.index(row, models::EventLogModel::Message).data().toString().contains(text))
            return true;
    }
    return false;
}

// Real time, so a fresh orchestration stays Orchestrating for the pods' 2 s start.
QStringList realTimeSandbox()
{
    return {QStringLiteral("--speed"), QStringLiteral("1")};
}

class OrchestrationTest : public ConsoleTest
{
protected:
    void startWithPanel(QStringList sandboxArgs = realTimeSandbox())
    {
        startConsole(std::move(sandboxArgs));
        // The panels are rebuilt once the language is installed: wait for
        // the connection before holding on to any of them.
        ASSERT_TRUE(
            concord::testing::waitFor([&] { return connected() && orchestration()->isAvailable(); },
                                      std::chrono::seconds(20)));
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
            things()->instanceModel(), QAbstractItemModelTester::FailureReportingMode::Fatal));
        panel()->setConfirmer([this](const QString&, const QString& text) {
            m_asked.append(text);
            return true;
        });
        showPanel();
    }

    widgets::OrchestrationPanel* panel() const { return m_window->orchestrationPanel(); }
    widgets::OrchestrationPage* things() const { return panel()->page(QStringLiteral("thing")); }
    OrchestrationSession* orchestration() const { return m_window->session()->orchestration(); }
    QDockWidget* dock(const char* name) const
    {
        return m_window->findChild<QDockWidget*>(QLatin1String(name));
    }
    void showPanel() const { dock("orchestrationDock")->raise(); }

    template <class T>
    T* child(const char* name) const
    {
        return things()->findChild<T*>(QLatin1String(name));
    }
    void type(P::Field field, const QString& text) const
    {
        auto* edit = things()->findChild<QLineEdit*>(P::key(field));
        edit->clear();
        QTest::keyClicks(edit, text);
    }
    QString message() const { return child<QLabel>("orchestrateMessage")->text(); }

    bool seededShown() const
    {
        const auto o = things()->orchestration();
        return o && o->state == QLatin1String("Ready") && o->instances.size() == 10 &&
               things()->instanceModel()->rowCount() == 10;
    }
    bool allRunning(int instances) const
    {
        const auto o = things()->orchestration();
        if (!o || o->state != QLatin1String("Ready") || o->instances.size() != instances)
            return false;
        return std::all_of(o->instances.begin(), o->instances.end(),
                           [](const auto& i) { return i.podPhase == QLatin1String("Running"); });
    }

    QStringList m_asked;
};

TEST_F(OrchestrationTest, TheThingsTabShowsTheSeededOrchestration)
{
    startWithPanel();
    ASSERT_TRUE(orchestration()->isAvailable());
    EXPECT_EQ(panel()->tabs()->currentWidget(), things());
    CONCORD_TRY_ASSERT(seededShown(), 10000);
    const auto seeded = *things()->orchestration();
    EXPECT_EQ(seeded.count, 5000);
    // 5000 / 1000 + 1 = 6 < initInstances 10: ten instances of 5000 / 10 + 1,
    // filled in order (9 × 501, then the remaining 491).
    auto* model = things()->instanceModel();
    for (int row = 0; row < model->rowCount(); ++row) {
        EXPECT_EQ(model->index(row, OrchestrationInstanceModel::Load).data().toString(),
                  row < 9 ? "501 / 501" : "491 / 501");
        EXPECT_TRUE(model->index(row, OrchestrationInstanceModel::Pod)
                        .data()
                        .toString()
                        .endsWith("(Running)"));
    }
    EXPECT_EQ(things()->usedSet()->count(), 10);
    const QString summary = child<QLabel>("orchestrationSummary")->text();
    EXPECT_TRUE(summary.startsWith("Ready · 5,000 ")) << summary.toStdString();
    EXPECT_EQ(things()->findChild<QLineEdit*>(P::key(P::MaxInstances))->text(), "100");

    // The Rules tab reads its own: 800 rules, also over ten instances.
    panel()->setCurrentResource(QStringLiteral("rule"));
    EXPECT_EQ(orchestration()->watchedResource(), "rule");
    widgets::OrchestrationPage* rules = panel()->page(QStringLiteral("rule"));
    CONCORD_TRY_EXPECT(rules->orchestration() && rules->instanceModel()->rowCount() == 10, 10000);
    EXPECT_EQ(rules->orchestration()->count, 800);
}

TEST_F(OrchestrationTest, OutOfRangeIsRejectedThenValidParametersReorchestrate)
{
    startWithPanel();
    CONCORD_TRY_ASSERT(seededShown(), 20000);
    const int seededReloads = things()->orchestration()->instances.first().reloadTimes;
    QSignalSpy requested(panel(), &widgets::OrchestrationPanel::orchestrateRequested);
    QSignalSpy answered(orchestration(), &OrchestrationSession::orchestrateFinished);
    auto* button = child<QPushButton>("reorchestrateButton");
    ASSERT_TRUE(button->isEnabled());

    // Out of range: rejected in the form, the range beside the field, nothing sent.
    type(P::MaxInstances, "2");
    EXPECT_FALSE(button->isEnabled());
    EXPECT_EQ(child<QLabel>("maxInstancesRange")->text(), "(3–100)");
    EXPECT_EQ(things()->fieldError(P::MaxInstances),
              "maxInstances must be between 3 and 100, got 2");
    type(P::MaxInstances, "50");
    type(P::ResourcePerInstance, "6000");
    EXPECT_FALSE(button->isEnabled());
    EXPECT_EQ(child<QLabel>("resourcePerInstanceRange")->text(), "(1–5000)");
    EXPECT_EQ(things()->fieldError(P::ResourcePerInstance),
              "resourcePerInstance must be between 1 and 5000, got 6000");
    QTest::mouseClick(button, Qt::LeftButton);
    EXPECT_EQ(requested.count(), 0);
    EXPECT_TRUE(m_asked.isEmpty());
    EXPECT_FALSE(logContains(*m_window->session()->eventLog(), "Re-orchestrate thing"));

    // Valid: 5000 / 200 + 1 = 26 instances.
    type(P::InitInstances, "5");
    type(P::ResourcePerInstance, "200");
    ASSERT_TRUE(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    ASSERT_EQ(requested.count(), 1);
    ASSERT_EQ(m_asked.size(), 1);
    EXPECT_TRUE(m_asked.first().contains("26 instance")) << m_asked.first().toStdString();
    CONCORD_TRY_ASSERT(answered.count() == 1, 10000);
    EXPECT_TRUE(message().contains("26 instances")) << message().toStdString();
    auto* progress = child<QProgressBar>("orchestrationProgress");
    ASSERT_EQ(things()->orchestration()->state, "Orchestrating");
    EXPECT_TRUE(progress->isVisible());
    EXPECT_EQ(progress->maximum(), 26);
    EXPECT_TRUE(progress->text().endsWith("/ 26 instances ready"))
        << progress->text().toStdString();

    // Again while the new pods are still starting: the server's 409.
    ASSERT_TRUE(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    CONCORD_TRY_ASSERT(answered.count() == 2, 10000);
    EXPECT_TRUE(message().contains("409: an orchestration of thing is already running"))
        << message().toStdString();

    // Every pod runs within a few seconds; the table follows in place.
    CONCORD_TRY_ASSERT(allRunning(26), 20000);
    CONCORD_TRY_EXPECT(things()->instanceModel()->rowCount() == 26 && !progress->isVisible(), 5000);
    EXPECT_EQ(things()->usedSet()->count(), 26);
    const auto done = *things()->orchestration();
    EXPECT_GT(done.instances.first().reloadTimes, seededReloads);
    for (const auto& instance : done.instances)
        EXPECT_GE(instance.reloadTimes, 1) << instance.id.toStdString();
    auto* model = things()->instanceModel();
    EXPECT_EQ(model->index(0, OrchestrationInstanceModel::Load).data().toString(), "200 / 200");
    const auto* log = m_window->session()->eventLog();
    EXPECT_TRUE(logContains(*log,
                            "Re-orchestrate thing: initInstances 5, maxInstances 50, "
                            "resourcePerInstance 200"));
    EXPECT_TRUE(logContains(*log, "409: an orchestration of thing is already running"));
    CONCORD_TRY_EXPECT(logContains(*log, "The orchestration of thing is ready"), 5000);
}

TEST_F(OrchestrationTest, MoreInstancesThanTheMaxIsTheServersRefusal)
{
    startWithPanel();
    CONCORD_TRY_ASSERT(seededShown(), 20000);
    QSignalSpy answered(orchestration(), &OrchestrationSession::orchestrateFinished);
    type(P::ResourcePerInstance, "1");  // 5001 instances over maxInstances 100
    auto* button = child<QPushButton>("reorchestrateButton");
    ASSERT_TRUE(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    CONCORD_TRY_ASSERT(answered.count() == 1, 10000);
    EXPECT_TRUE(message().contains("400: require instances more than the max: 5001/100"))
        << message().toStdString();
    EXPECT_EQ(things()->instanceModel()->rowCount(), 10);  // nothing changed
    EXPECT_TRUE(logContains(*m_window->session()->eventLog(), "5001/100"));
}

TEST_F(OrchestrationTest, RunInLookupFindsTheInstanceAndSelectsItsRow)
{
    startWithPanel();
    CONCORD_TRY_ASSERT(seededShown(), 20000);
    auto* id = child<QLineEdit>("runInResourceId");
    auto* result = child<QLabel>("runInResult");
    QTest::keyClicks(id, "thing-00042");
    QTest::mouseClick(child<QPushButton>("runInFind"), Qt::LeftButton);
    CONCORD_TRY_ASSERT(result->text() == "thing-00042 runs in thing-0", 10000);
    QTableView* view = things()->instanceView();
    const QModelIndexList selected = view->selectionModel()->selectedRows();
    ASSERT_EQ(selected.size(), 1);
    EXPECT_EQ(selected.first().data(OrchestrationInstanceModel::InstanceIdRole).toString(),
              "thing-0");

    id->clear();
    QTest::keyClicks(id, "thing-99999");
    QTest::keyClick(id, Qt::Key_Return);
    CONCORD_TRY_ASSERT(result->text().startsWith("404: "), 10000);
}

TEST_F(OrchestrationTest, NothingIsPolledWhileThePanelIsBehindAnotherTab)
{
    startConsole(realTimeSandbox());  // the Orchestration tab is not the current one
    CONCORD_TRY_ASSERT(connected() && orchestration()->isAvailable(), 20000);
    QTest::qWait(2500);
    EXPECT_TRUE(orchestration()->watchedResource().isEmpty());
    EXPECT_EQ(orchestration()->pollCount(), 0);
    showPanel();
    CONCORD_TRY_EXPECT(orchestration()->watchedResource() == "thing", 2000);
    CONCORD_TRY_EXPECT(seededShown(), 5000);
}

TEST_F(OrchestrationTest, ThePanelRebuiltInAnotherLanguageShowsTheSameAndPollsOn)
{
    startWithPanel();
    CONCORD_TRY_ASSERT(seededShown(), 20000);
    const QPointer<widgets::OrchestrationPanel> before = panel();
    m_window->setLanguage(QStringLiteral("zh_CN"));
    CONCORD_TRY_ASSERT(!before && panel(), 5000);
    // At once from what the session knows, before any new read.
    EXPECT_EQ(things()->instanceModel()->rowCount(), 10);
    CONCORD_TRY_EXPECT(orchestration()->watchedResource() == "thing", 3000);
    const int polls = orchestration()->pollCount();
    CONCORD_TRY_EXPECT(orchestration()->pollCount() > polls, 5000);
    m_window->setLanguage(QStringLiteral("en"));
}

TEST_F(OrchestrationTest, PollsOnlyWhileThePanelIsShown)
{
    startWithPanel();
    CONCORD_TRY_ASSERT(seededShown(), 20000);
    // Shown: about one GET every 2 s.
    const int shown = orchestration()->pollCount();
    QTest::qWait(4500);
    const int polled = orchestration()->pollCount() - shown;
    EXPECT_GE(polled, 2);
    EXPECT_LE(polled, 3);

    // Behind another tab of the dock area: none.
    dock("eventLogDock")->raise();
    CONCORD_TRY_ASSERT(orchestration()->watchedResource().isEmpty(), 2000);
    CONCORD_TRY_ASSERT(!orchestration()->isPolling(), 3000);
    const int hidden = orchestration()->pollCount();
    QTest::qWait(3000);
    EXPECT_EQ(orchestration()->pollCount(), hidden);

    // Shown again: at once.
    showPanel();
    CONCORD_TRY_EXPECT(orchestration()->pollCount() > hidden, 1000);

    // Disconnected: none, and the panel says why.
    client()->disconnectFromController();
    CONCORD_TRY_ASSERT(!orchestration()->isAvailable() && !orchestration()->isPolling(), 3000);
    const int disconnected = orchestration()->pollCount();
    QTest::qWait(2500);
    EXPECT_EQ(orchestration()->pollCount(), disconnected);
    EXPECT_FALSE(child<QPushButton>("reorchestrateButton")->isEnabled());
    EXPECT_TRUE(child<QLabel>("orchestratorNote")->isVisible());
}

}  // namespace
}  // namespace concord::app::testing
