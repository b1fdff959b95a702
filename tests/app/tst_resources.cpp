// The Resources panel on the embedded sandbox (a real concordd and its example
// Resources): they appear with their status, the crash-looping probe shows
// Degraded with its message, Toggle probe walks a Resource through
// Progressing to Available, the YAML editor shows a syntax error's
// line:column without losing the text and a valid edit changes the row,
// Delete removes it; a viewer's token reads but cannot act.
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTextBlock>
#include <csignal>

#include "console_fixture.h"
#include "models/resource_filter_model.h"
#include "models/resource_model.h"
#include "support/concordd_process.h"
#include "widgets/resource_yaml_dialog.h"
#include "widgets/resources_panel.h"

namespace concord::app::testing {
namespace {

using models::ResourceHealth;
using models::ResourceModel;

const QStringList kSeeded = {"purifier-lobby",  "purifier-lab-2", "lamp-hall-1",
                             "lamp-hall-2",     "person-alice",   "person-bob",
                             "sensor-co2-hall", "printer-floor-3"};

bool logContains(const models::EventLogModel& log, const QString& text)
{
    for (int row = 0; row < log.rowCount(); ++row) {
        if (log.index(row, models::EventLogModel::Message).data().toString().contains(text))
            return true;
    }
    return false;
}

class ResourcesTest : public ConsoleTest
{
protected:
    ResourceModel* resources() const { return m_window->session()->resources(); }
    widgets::ResourcesPanel* panel() const { return m_window->resourcesPanel(); }

    // The console connected, the seeded Resources synced, both models tested.
    void startAndSync()
    {
        startConsole();
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
            resources(), QAbstractItemModelTester::FailureReportingMode::Fatal));
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
            panel()->filterModel(), QAbstractItemModelTester::FailureReportingMode::Fatal));
        CONCORD_TRY_ASSERT(connected() && resources()->isSynced(), 20000);
    }

    ResourceHealth health(const QString& id) const
    {
        const int row = resources()->rowOf(id);
        return row < 0 ? ResourceHealth::Unknown : resources()->healthAt(row);
    }

    // Clicks the Resource's row in the panel's table, like an operator.
    void clickResource(const QString& id)
    {
        QTableView* view = panel()->view();
        const int row = resources()->rowOf(id);
        ASSERT_GE(row, 0) << id.toStdString();
        const QModelIndex index =
            panel()->filterModel()->mapFromSource(resources()->index(row, ResourceModel::Kind));
        ASSERT_TRUE(index.isValid());
        view->scrollTo(index);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
        ASSERT_EQ(panel()->selectedId(), id);
    }

    QPushButton* button(const char* name) const { return panel()->findChild<QPushButton*>(name); }
    QString label(const char* name) const { return panel()->findChild<QLabel*>(name)->text(); }

    // Opens the editor from the panel and waits for GetResource's YAML.
    QPointer<widgets::ResourceYamlDialog> openEditor(const QString& id)
    {
        clickResource(id);
        QTest::mouseClick(button("editResourceButton"), Qt::LeftButton);
        QPointer<widgets::ResourceYamlDialog> dialog = m_window->resourceDialog();
        EXPECT_TRUE(dialog);
        if (dialog)
            EXPECT_TRUE(concord::testing::waitFor([&] { return dialog && dialog->isLoaded(); }));
        return dialog;
    }
};

// Types `text` in place of the first occurrence of `find` in the editor.
void typeOver(QPlainTextEdit* editor, const QString& find, const QString& text)
{
    QTextCursor cursor = editor->document()->find(find);
    ASSERT_FALSE(cursor.isNull()) << find.toStdString();
    editor->setTextCursor(cursor);
    QTest::keyClicks(editor, text);
}

TEST_F(ResourcesTest, TheSeededResourcesAppearWithTheirStatus)
{
    startAndSync();
    for (const QString& id : kSeeded)
        EXPECT_GE(resources()->rowOf(id), 0) << id.toStdString();
    EXPECT_EQ(panel()->filterModel()->rowCount(), resources()->rowCount());
    EXPECT_TRUE(resources()->kinds().contains("AirPurifier"));
    CONCORD_TRY_EXPECT(health("purifier-lobby") == ResourceHealth::Available, 10000);
    CONCORD_TRY_EXPECT(health("lamp-hall-2") == ResourceHealth::Disabled, 10000);
    const int row = resources()->rowOf("lamp-hall-2");
    EXPECT_EQ(resources()->index(row, ResourceModel::Probe).data().toString(), "off");
    EXPECT_EQ(resources()->index(row, ResourceModel::Room).data().toString(), "hall");
    CONCORD_TRY_EXPECT(logContains(*m_window->session()->eventLog(), QStringLiteral("Resources: ")),
                       2000);
}

TEST_F(ResourcesTest, TheCrashLoopingProbeShowsDegradedWithItsMessage)
{
    startAndSync();
    CONCORD_TRY_ASSERT(health("purifier-lab-2") == ResourceHealth::Degraded, 15000);
    clickResource("purifier-lab-2");
    EXPECT_TRUE(label("detailStatus").contains("Degraded"));
    const QString message = ResourceModel::statusMessage(*resources()->resource("purifier-lab-2"));
    EXPECT_FALSE(message.isEmpty());
    EXPECT_TRUE(label("detailStatus").contains(message.toHtmlEscaped())) << message.toStdString();
    EXPECT_EQ(label("detailPhase"), "failed");
    auto* conditions = panel()->findChild<QTableWidget*>("resourceConditions");
    ASSERT_EQ(conditions->rowCount(), 3);
    EXPECT_EQ(conditions->item(2, 0)->text(), "Degraded");
    EXPECT_EQ(conditions->item(2, 1)->text(), "True");
    EXPECT_EQ(conditions->item(2, 2)->text(), "ProbeFailed");
    EXPECT_EQ(conditions->item(2, 3)->text(), message);
    // The table says it too, in the status colour.
    const int row = resources()->rowOf("purifier-lab-2");
    EXPECT_EQ(resources()->index(row, ResourceModel::Status).data().toString(), "Degraded");
}

TEST_F(ResourcesTest, ToggleProbeGoesProgressingThenAvailable)
{
    startAndSync();
    const QString id = QStringLiteral("lamp-hall-2");
    CONCORD_TRY_ASSERT(health(id) == ResourceHealth::Disabled, 10000);
    QList<ResourceHealth> seen;
    QObject::connect(resources(), &ResourceModel::healthChanged,
                     [&](const QString& changed, ResourceHealth, ResourceHealth to) {
                         if (changed == id)
                             seen.append(to);
                     });
    clickResource(id);
    QPushButton* toggle = button("toggleProbeButton");
    EXPECT_EQ(toggle->text(), "Enable probe");
    ASSERT_TRUE(toggle->isEnabled());
    QTest::mouseClick(toggle, Qt::LeftButton);
    CONCORD_TRY_ASSERT(health(id) == ResourceHealth::Available, 15000);
    ASSERT_GE(seen.size(), 2);
    EXPECT_EQ(seen.first(), ResourceHealth::Progressing);
    EXPECT_EQ(seen.last(), ResourceHealth::Available);
    EXPECT_EQ(label("detailProbeEnabled"), "yes");
    EXPECT_EQ(label("detailPhase"), "running");
    EXPECT_EQ(toggle->text(), "Disable probe");
    const auto& log = *m_window->session()->eventLog();
    CONCORD_TRY_EXPECT(logContains(log, "Enable the probe of resource lamp-hall-2"), 2000);
    EXPECT_TRUE(logContains(log, "Resource lamp-hall-2: Progressing → Available"));

    // And back off: Disabled once the controller removed the Deployment.
    QTest::mouseClick(toggle, Qt::LeftButton);
    CONCORD_TRY_EXPECT(health(id) == ResourceHealth::Disabled, 15000);
    EXPECT_EQ(label("detailPhase"), "none");
}

TEST_F(ResourcesTest, ASyntaxErrorShowsLineAndColumnAndKeepsTheEdit)
{
    startAndSync();
    QPointer<widgets::ResourceYamlDialog> dialog = openEditor("lamp-hall-1");
    ASSERT_TRUE(dialog && dialog->isLoaded());
    QPlainTextEdit* editor = dialog->editor();
    EXPECT_TRUE(editor->toPlainText().contains("lamp-hall-1"));
    typeOver(editor, "probeEnabled: true", "probeEnabled: [oops");
    const QString typed = editor->toPlainText();
    QTest::mouseClick(dialog->findChild<QPushButton*>("saveButton"), Qt::LeftButton);
    CONCORD_TRY_ASSERT(!dialog->errorText().isEmpty(), 10000);
    EXPECT_TRUE(dialog->isVisible());
    EXPECT_GT(dialog->errorLine(), 0) << dialog->errorText().toStdString();
    EXPECT_GT(dialog->errorColumn(), 0) << dialog->errorText().toStdString();
    EXPECT_TRUE(dialog->errorText().contains(
        QStringLiteral("%1:%2").arg(dialog->errorLine()).arg(dialog->errorColumn())))
        << dialog->errorText().toStdString();
    EXPECT_EQ(editor->toPlainText(), typed);
    EXPECT_EQ(editor->textCursor().blockNumber(), dialog->errorLine() - 1);
    EXPECT_EQ(resources()->resource("lamp-hall-1")->spec().probe_enabled(), true);
}

TEST_F(ResourcesTest, AValidEditChangesTheRow)
{
    startAndSync();
    const QString id = QStringLiteral("lamp-hall-1");
    const std::int64_t generation = resources()->resource(id)->generation();
    QPointer<widgets::ResourceYamlDialog> dialog = openEditor(id);
    ASSERT_TRUE(dialog && dialog->isLoaded());
    typeOver(dialog->editor(), "room: hall", "room: hall-east");
    QTest::mouseClick(dialog->findChild<QPushButton*>("saveButton"), Qt::LeftButton);
    CONCORD_TRY_ASSERT(!dialog, 10000);  // accepted once the controller agreed
    CONCORD_TRY_ASSERT(resources()->resource(id)->spec().space().room() == "hall-east", 10000);
    const int row = resources()->rowOf(id);
    EXPECT_EQ(resources()->index(row, ResourceModel::Room).data().toString(), "hall-east");
    EXPECT_GT(resources()->resource(id)->generation(), generation);
    EXPECT_EQ(label("detailPlace"), "site campus-north · room hall-east");
    EXPECT_TRUE(logContains(*m_window->session()->eventLog(), "Update resource lamp-hall-1"));
}

TEST_F(ResourcesTest, DeleteAsksThenTheRowGoes)
{
    startAndSync();
    QString asked;
    panel()->setConfirmer([&](const QString&, const QString& text) {
        asked = text;
        return true;
    });
    clickResource("printer-floor-3");
    QTest::mouseClick(button("deleteResourceButton"), Qt::LeftButton);
    EXPECT_TRUE(asked.contains("printer-floor-3"));
    CONCORD_TRY_ASSERT(resources()->rowOf("printer-floor-3") < 0, 10000);
    EXPECT_NE(panel()->selectedId(), "printer-floor-3");
    EXPECT_TRUE(logContains(*m_window->session()->eventLog(), "Delete resource printer-floor-3"));
}

TEST_F(ResourcesTest, TheDockIsAPanelAndSurvivesALanguageChange)
{
    startAndSync();
    auto* dock = m_window->findChild<QDockWidget*>(QStringLiteral("resourcesDock"));
    ASSERT_TRUE(dock);
    EXPECT_EQ(dock->windowTitle(), "Resources");
    EXPECT_EQ(dock->widget(), panel());
    bool inMenu = false;
    for (const QMenu* menu : m_window->findChildren<QMenu*>())
        inMenu = inMenu || menu->actions().contains(dock->toggleViewAction());
    EXPECT_TRUE(inMenu);
    const QPointer<widgets::ResourcesPanel> before = panel();
    m_window->setLanguage(QStringLiteral("zh_CN"));
    CONCORD_TRY_ASSERT(!before, 5000);  // rebuilt in the new language
    ASSERT_TRUE(panel());
    EXPECT_EQ(panel()->model(), resources());
    EXPECT_EQ(panel()->filterModel()->rowCount(), resources()->rowCount());
    EXPECT_TRUE(panel()->actionsEnabled());  // wired again
    // Where it was: tabbed with the bottom panels.
    dock = m_window->findChild<QDockWidget*>(QStringLiteral("resourcesDock"));
    ASSERT_TRUE(dock);
    EXPECT_TRUE(m_window->tabifiedDockWidgets(dock).contains(
        m_window->findChild<QDockWidget*>(QStringLiteral("eventLogDock"))));
    m_window->setLanguage(QStringLiteral("en"));
}

TEST_F(ResourcesTest, LosingTheControllerGreysTheResourcesUntilTheyAreBack)
{
    startAndSync();
    clickResource("purifier-lobby");
    const int rows = resources()->rowCount();
    ::kill(pid_t(m_window->embeddedController()->processId()), SIGKILL);
    CONCORD_TRY_ASSERT(client()->state() == backend_clients::ConnectionState::Reconnecting, 10000);
    EXPECT_EQ(resources()->rowCount(), rows);  // the last data stays
    EXPECT_TRUE(resources()->isStale());
    EXPECT_TRUE(panel()->isStale());
    EXPECT_FALSE(button("toggleProbeButton")->isEnabled());
    EXPECT_FALSE(button("editResourceButton")->isEnabled());
    // The restarted daemon is a new epoch: a RESET and a fresh snapshot.
    CONCORD_TRY_ASSERT(connected() && resources()->isSynced(), 30000);
    EXPECT_FALSE(resources()->isStale());
    EXPECT_FALSE(panel()->isStale());
    EXPECT_EQ(resources()->rowCount(), rows);
    EXPECT_EQ(panel()->selectedId(), "purifier-lobby");
    EXPECT_TRUE(button("toggleProbeButton")->isEnabled());
}

// A concordd of its own with a viewer's token: the Resources show, no action is offered.
TEST_F(ResourcesTest, AViewerReadsButCannotAct)
{
    const QString tokens = m_settingsDir.filePath("tokens.txt");
    QFile file(tokens);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("viewer-token-0123456789 vera viewer\n");
    file.close();
    std::string error;
    auto daemon = concord::testing::ConcorddProcess::start(
        {CONCORDD_BINARY,
         {"--sandbox", "--listen", "127.0.0.1:0", "--token-file", tokens.toStdString(),
          "--orchestrator-listen", "off", "--journal", m_settingsDir.filePath("j").toStdString()},
         {},
         m_settingsDir.filePath("concordd.log").toStdString()},
        error);
    ASSERT_TRUE(daemon) << error;
    ConsoleOptions options;
    options.language = QStringLiteral("en");
    options.controller = QString::fromStdString(daemon->address());
    options.token = QStringLiteral("viewer-token-0123456789");
    m_window = std::make_unique<MainWindow>(options);
    m_window->show();
    CONCORD_TRY_ASSERT(connected() && resources()->isSynced() && resources()->rowCount() > 0,
                       20000);
    CONCORD_TRY_ASSERT(client()->serverInfo().caller_role() == v1::ROLE_VIEWER, 5000);
    clickResource("lamp-hall-2");
    EXPECT_FALSE(panel()->actionsEnabled());
    for (const char* name : {"toggleProbeButton", "editResourceButton", "deleteResourceButton"})
        EXPECT_FALSE(button(name)->isEnabled()) << name;
    EXPECT_TRUE(button("viewYamlButton")->isEnabled());
    QTest::mouseClick(button("viewYamlButton"), Qt::LeftButton);
    QPointer<widgets::ResourceYamlDialog> dialog = m_window->resourceDialog();
    ASSERT_TRUE(dialog);
    CONCORD_TRY_ASSERT(dialog && dialog->isLoaded(), 10000);
    EXPECT_TRUE(dialog->editor()->isReadOnly());
    EXPECT_TRUE(dialog->text().contains("lamp-hall-2"));
    m_window.reset();
}

}  // namespace
}  // namespace concord::app::testing
