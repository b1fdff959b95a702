// Losing the controller: kill -9 the embedded concordd. The console says
// "reconnecting", keeps the last data visible and greyed, keeps the open
// dialog's input, and recovers every stream when the daemon is back.
#include <QPushButton>
#include <QSpinBox>
#include <csignal>

#include "console_fixture.h"
#include "models/state_palette.h"
#include "models/topology_model.h"
#include "models/update_progress_tracker.h"
#include "widgets/connection_bar.h"
#include "widgets/update_dialog.h"

namespace concord::app::testing {
namespace {

const QString kAuth = QStringLiteral("auth-service");

TEST_F(ConsoleTest, KillingTheControllerKeepsTheDataAndRecoversEveryStream)
{
    startConsole();
    CONCORD_TRY_ASSERT(connected(), 20000);
    CONCORD_TRY_ASSERT(viewIndex(kAuth, QStringLiteral("v2")).isValid(), 10000);
    const int services = versions()->rowCount();
    ASSERT_GT(services, 0);

    // An open dialog with the operator's input in it.
    doubleClickVersion(kAuth, QStringLiteral("v2"));
    CONCORD_TRY_ASSERT(m_window->updateDialog(), 5000);
    QPointer<widgets::UpdateDialog> dialog = m_window->updateDialog();
    auto* ttl = dialog->findChild<QSpinBox*>(QStringLiteral("stragglerTtl"));
    auto* start = dialog->findChild<QPushButton*>(QStringLiteral("startButton"));
    ASSERT_TRUE(ttl && start);
    ttl->setValue(77);
    CONCORD_TRY_ASSERT(start->isEnabled(), 10000);

    int meshEvents = 0;
    int snapshots = 0;
    QObject::connect(client(), &backend_clients::ControllerClient::meshEvent,
                     [&] { ++meshEvents; });
    QObject::connect(client(), &backend_clients::ControllerClient::topologySnapshot,
                     [&] { ++snapshots; });

    const qint64 pid = m_window->embeddedController()->processId();
    ASSERT_GT(pid, 0);
    ::kill(pid_t(pid), SIGKILL);

    CONCORD_TRY_ASSERT(client()->state() == backend_clients::ConnectionState::Reconnecting, 10000);
    EXPECT_TRUE(m_window->connectionBar()->statusText().contains(QStringLiteral("Reconnecting")))
        << m_window->connectionBar()->statusText().toStdString();
    // The last data stays, greyed.
    EXPECT_EQ(versions()->rowCount(), services);
    EXPECT_TRUE(versions()->isStale());
    EXPECT_TRUE(m_window->session()->topology()->isStale());
    const QModelIndex v1Index = versions()->indexOf(kAuth, QStringLiteral("v1"));
    EXPECT_EQ(v1Index.data(Qt::ForegroundRole).value<QBrush>().color(),
              models::staleColor(models::versionStateColor(v1::VERSION_STATE_SERVING)));
    // The dialog keeps its input but cannot start.
    ASSERT_TRUE(dialog);
    EXPECT_EQ(ttl->value(), 77);
    EXPECT_FALSE(start->isEnabled());

    // The embedded controller is restarted on the same port; all streams resume.
    const int meshBefore = meshEvents;
    const int snapshotsBefore = snapshots;
    CONCORD_TRY_ASSERT(connected(), 30000);
    EXPECT_EQ(m_window->embeddedController()->restarts(), 1);
    CONCORD_TRY_EXPECT(meshEvents > meshBefore && snapshots > snapshotsBefore, 15000);
    CONCORD_TRY_EXPECT(!versions()->isStale(), 5000);
    EXPECT_FALSE(m_window->session()->topology()->isStale());
    EXPECT_EQ(versions()->rowCount(), services);
    ASSERT_TRUE(dialog);
    EXPECT_EQ(ttl->value(), 77);
    CONCORD_TRY_EXPECT(start->isEnabled(), 10000);
    EXPECT_TRUE(m_window->connectionBar()->statusText().contains(QStringLiteral("Connected")));
}

}  // namespace
}  // namespace concord::app::testing

namespace concord::app::testing {
namespace {

// An update survives the controller's death: the restarted daemon resumes it
// from its journal and the console's watch of it resumes with the stream.
TEST_F(ConsoleTest, AnUpdateWatchedAcrossAControllerCrashIsFollowedToTheEnd)
{
    // Real-time-ish pacing so the kill lands mid-update.
    startConsole({QStringLiteral("--speed"), QStringLiteral("2"),
                  QStringLiteral("--rule-propagation"), QStringLiteral("300"),
                  QStringLiteral("--deploy-delay"), QStringLiteral("300")});
    CONCORD_TRY_ASSERT(connected(), 20000);
    CONCORD_TRY_ASSERT(viewIndex(kAuth, QStringLiteral("v2")).isValid(), 10000);
    v1::StartUpdateRequest request;
    request.set_service("auth-service");
    request.set_target_version("v2");
    request.set_strategy(v1::UPDATE_STRATEGY_CV);
    QString id;
    m_window->session()->startUpdate(
        request, [&](const backend_clients::CallStatus& status, const QString& started) {
            ASSERT_TRUE(status.ok()) << status.toString().toStdString();
            id = started;
        });
    CONCORD_TRY_ASSERT(!id.isEmpty(), 10000);
    auto* tracker = m_window->session()->updates();
    CONCORD_TRY_ASSERT(tracker->latest(id).phase() >= v1::UPDATE_PHASE_PIN, 20000);
    ASSERT_NE(tracker->latest(id).state(), v1::UPDATE_STATE_COMPLETED);

    ::kill(pid_t(m_window->embeddedController()->processId()), SIGKILL);
    CONCORD_TRY_ASSERT(client()->state() == backend_clients::ConnectionState::Reconnecting, 10000);
    EXPECT_TRUE(client()->watchedUpdates().contains(id));
    CONCORD_TRY_ASSERT(connected(), 30000);
    CONCORD_TRY_ASSERT(tracker->latest(id).state() == v1::UPDATE_STATE_COMPLETED, 90000);
    EXPECT_EQ(tracker->latest(id).inconsistent_transactions(), 0u);
    CONCORD_TRY_EXPECT(stateOf(kAuth, QStringLiteral("v2")) == v1::VERSION_STATE_SERVING, 10000);
    CONCORD_TRY_EXPECT(stateOf(kAuth, QStringLiteral("v1")) == v1::VERSION_STATE_RETIRED, 10000);
}

}  // namespace
}  // namespace concord::app::testing
