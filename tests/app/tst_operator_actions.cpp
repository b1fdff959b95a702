// Operator actions from the main window against the embedded sandbox:
// registering a child version from the tree, aborting a running update from
// the progress panel, and force-retiring a draining one. Each reaches the
// controller, is logged, and shows up in the views.
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>

#include "console_fixture.h"
#include "models/event_log_model.h"
#include "models/update_progress_tracker.h"
#include "widgets/register_version_dialog.h"
#include "widgets/update_progress_panel.h"

namespace concord::app::testing {
namespace {

const QString kAuth = QStringLiteral("auth-service");

bool logContains(const models::EventLogModel& log, const QString& text)
{
    for (int row = 0; row < log.rowCount(); ++row) {
        if (log.index(row, models::EventLogModel::Message).data().toString().contains(text))
            return true;
    }
    return false;
}

// Paced so an update is still running when the operator acts on it.
QStringList slowSandbox()
{
    return {QStringLiteral("--speed"),
            QStringLiteral("1"),
            QStringLiteral("--rule-propagation"),
            QStringLiteral("400"),
            QStringLiteral("--deploy-delay"),
            QStringLiteral("400")};
}

QString startUpdate(MainWindow& window, v1::UpdateStrategy strategy)
{
    v1::StartUpdateRequest request;
    request.set_service("auth-service");
    request.set_target_version("v2");
    request.set_strategy(strategy);
    QString id;
    window.session()->startUpdate(
        request, [&](const backend_clients::CallStatus& status, const QString& started) {
            EXPECT_TRUE(status.ok()) << status.toString().toStdString();
            id = started;
        });
    concord::testing::waitFor([&] { return !id.isEmpty(); }, std::chrono::seconds(10));
    return id;
}

// A console on the paced sandbox with a CV update of auth running; the
// progress panel's confirmations are answered yes, their text kept in `asked`.
class OperatorActionTest : public ConsoleTest
{
protected:
    QString startPacedUpdateAnsweringYes(QString& asked)
    {
        startConsole(slowSandbox());
        if (!concord::testing::waitFor(
                [&] { return connected() && viewIndex(kAuth, QStringLiteral("v2")).isValid(); },
                std::chrono::seconds(20)))
            return {};
        m_window->updateProgressPanel()->setConfirmer(
            [&asked](const QString&, const QString& text) {
                asked = text;
                return true;
            });
        return startUpdate(*m_window, v1::UPDATE_STRATEGY_CV);
    }
};

TEST_F(ConsoleTest, RegistersAChildVersionFromTheTree)
{
    startConsole();
    CONCORD_TRY_ASSERT(connected() && versions()->indexOf(QStringLiteral("db-service")).isValid(),
                       20000);
    m_window->openRegisterDialog(QStringLiteral("db-service"), QStringLiteral("v1"));
    QPointer<widgets::RegisterVersionDialog> dialog = m_window->registerDialog();
    ASSERT_TRUE(dialog);
    auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("versionName"));
    auto* image = dialog->findChild<QLineEdit*>(QStringLiteral("versionImage"));
    ASSERT_TRUE(name && image);
    QTest::keyClicks(name, QStringLiteral("v2"));
    QTest::keyClicks(image, QStringLiteral("concord/db:2.0"));
    QPushButton* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    ASSERT_TRUE(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    CONCORD_TRY_ASSERT(!dialog, 10000);  // accepted once the controller said yes
    CONCORD_TRY_EXPECT(
        stateOf(QStringLiteral("db-service"), QStringLiteral("v2")) == v1::VERSION_STATE_REGISTERED,
        10000);
    const QModelIndex v2 = versions()->indexOf(QStringLiteral("db-service"), QStringLiteral("v2"));
    EXPECT_EQ(v2.parent(), versions()->indexOf(QStringLiteral("db-service"), QStringLiteral("v1")));
    CONCORD_TRY_EXPECT(logContains(*m_window->session()->eventLog(), QStringLiteral("Register")),
                       2000);
}

TEST_F(OperatorActionTest, AbortFromTheProgressPanelRollsBack)
{
    QString asked;
    const QString id = startPacedUpdateAnsweringYes(asked);
    ASSERT_FALSE(id.isEmpty());
    widgets::UpdateProgressPanel* panel = m_window->updateProgressPanel();
    auto* abort = panel->findChild<QPushButton*>(QStringLiteral("abortButton"));
    ASSERT_TRUE(abort);
    CONCORD_TRY_ASSERT(panel->currentUpdateId() == id && abort->isEnabled(), 20000);
    QTest::mouseClick(abort, Qt::LeftButton);
    EXPECT_FALSE(asked.isEmpty());
    auto* tracker = m_window->session()->updates();
    CONCORD_TRY_ASSERT(tracker->latest(id).state() == v1::UPDATE_STATE_ABORTED, 60000);
    EXPECT_EQ(tracker->latest(id).inconsistent_transactions(), 0u);
    CONCORD_TRY_EXPECT(stateOf(kAuth, QStringLiteral("v1")) == v1::VERSION_STATE_SERVING, 10000);
    CONCORD_TRY_EXPECT(
        logContains(*m_window->session()->eventLog(), QStringLiteral("Abort update")), 2000);
}

// At wall-clock speed the CV drain lasts seconds: long enough to force it.
TEST_F(OperatorActionTest, ForceRetireNamesTheRiskAndEndsTheDrain)
{
    QString asked;
    const QString id = startPacedUpdateAnsweringYes(asked);
    ASSERT_FALSE(id.isEmpty());
    widgets::UpdateProgressPanel* panel = m_window->updateProgressPanel();
    auto* force = panel->findChild<QPushButton*>(QStringLiteral("forceRetireButton"));
    ASSERT_TRUE(force);
    CONCORD_TRY_ASSERT(force->isEnabled(), 60000);  // enabled in the drain only
    QTest::mouseClick(force, Qt::LeftButton);
    EXPECT_TRUE(asked.contains(QStringLiteral("two versions"))) << asked.toStdString();
    auto* tracker = m_window->session()->updates();
    CONCORD_TRY_ASSERT(tracker->latest(id).state() == v1::UPDATE_STATE_FORCE_RETIRED, 30000);
    CONCORD_TRY_EXPECT(stateOf(kAuth, QStringLiteral("v1")) == v1::VERSION_STATE_RETIRED, 10000);
    CONCORD_TRY_EXPECT(
        logContains(*m_window->session()->eventLog(), QStringLiteral("force-retired")), 5000);
}

}  // namespace
}  // namespace concord::app::testing
