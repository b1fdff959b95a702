// The mission, through the GUI on the embedded sandbox: click Auth's v2
// node, start a CV update, watch the stepper reach retire and the DiffSet
// series drain to 0; the tree shows v2 serving and v1 retired, and the
// controller reports zero inconsistent transactions.
#include <QComboBox>
#include <QLineSeries>
#include <QPushButton>

#include "console_fixture.h"
#include "models/update_history_model.h"
#include "models/update_progress_tracker.h"
#include "widgets/phase_stepper.h"
#include "widgets/update_dialog.h"
#include "widgets/update_progress_panel.h"

namespace concord::app::testing {
namespace {

const QString kAuth = QStringLiteral("auth-service");

TEST_F(ConsoleTest, AConsistentUpdateOfAuthFromTheVersionTree)
{
    startConsole();
    CONCORD_TRY_ASSERT(connected(), 20000);
    CONCORD_TRY_ASSERT(viewIndex(kAuth, QStringLiteral("v2")).isValid(), 10000);
    EXPECT_EQ(stateOf(kAuth, QStringLiteral("v1")), v1::VERSION_STATE_SERVING);

    doubleClickVersion(kAuth, QStringLiteral("v2"));
    CONCORD_TRY_ASSERT(m_window->updateDialog() && m_window->updateDialog()->isVisible(), 5000);
    widgets::UpdateDialog* dialog = m_window->updateDialog();
    auto* strategy = dialog->findChild<QComboBox*>(QStringLiteral("strategyCombo"));
    ASSERT_TRUE(strategy);
    EXPECT_EQ(strategy->currentData().toInt(), int(v1::UPDATE_STRATEGY_CV));
    // The preview comes from the controller's plan, phase by phase.
    CONCORD_TRY_ASSERT(dialog->currentPlan().phases_size() >= 5, 10000);
    auto* start = dialog->findChild<QPushButton*>(QStringLiteral("startButton"));
    ASSERT_TRUE(start);
    CONCORD_TRY_ASSERT(start->isEnabled(), 5000);
    QTest::mouseClick(start, Qt::LeftButton);
    CONCORD_TRY_ASSERT(m_window->updateDialog() == nullptr, 10000);  // accepted, closed

    widgets::UpdateProgressPanel* progress = m_window->updateProgressPanel();
    CONCORD_TRY_ASSERT(!progress->currentUpdateId().isEmpty(), 10000);
    const QString id = progress->currentUpdateId();
    double peak = 0;
    const bool finished = concord::testing::waitFor(
        [&] {
            for (const QPointF& p : progress->diffSetSeries()->points())
                peak = std::max(peak, p.y());
            return progress->stepper()->state() == v1::UPDATE_STATE_COMPLETED;
        },
        std::chrono::seconds(90));
    ASSERT_TRUE(finished) << "phase " << progress->stepper()->currentPhase() << ", state "
                          << progress->stepper()->state();
    EXPECT_EQ(progress->stepper()->currentPhase(), v1::UPDATE_PHASE_RETIRE);
    ASSERT_GT(progress->diffSetSeries()->count(), 0);
    EXPECT_GT(peak, 0) << "the DiffSet never had anything to drain";
    EXPECT_EQ(progress->diffSetSeries()->points().last().y(), 0);

    CONCORD_TRY_EXPECT(stateOf(kAuth, QStringLiteral("v2")) == v1::VERSION_STATE_SERVING, 10000);
    CONCORD_TRY_EXPECT(stateOf(kAuth, QStringLiteral("v1")) == v1::VERSION_STATE_RETIRED, 10000);

    const auto& latest = m_window->session()->updates()->latest(id);
    EXPECT_EQ(latest.state(), v1::UPDATE_STATE_COMPLETED);
    EXPECT_EQ(latest.inconsistent_transactions(), 0u);
    // The history (from the controller's journal) agrees.
    auto* history = m_window->session()->history();
    CONCORD_TRY_ASSERT(history->rowOf(id) >= 0 && history->summary(history->rowOf(id)).state() ==
                                                      v1::UPDATE_STATE_COMPLETED,
                       10000);
    EXPECT_EQ(history->summary(history->rowOf(id)).metrics().inconsistent_transactions(), 0u);
}

}  // namespace
}  // namespace concord::app::testing
