#include <gtest/gtest.h>

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

#include "tests/support/qt_test_helpers.h"
#include "widgets/update_dialog.h"

namespace concord::widgets {
namespace {

const char* const kYaml =
    "apiVersion: networking.istio.io/v1beta1\n"
    "kind: VirtualService\n"
    "metadata:\n"
    "  name: auth-service\n"
    "---\n";

v1::UpdatePlan makePlan(v1::UpdateStrategy strategy)
{
    v1::UpdatePlan plan;
    plan.set_service("auth-service");
    plan.set_from_version("v1");
    plan.set_target_version("v2");
    plan.set_strategy(strategy);
    const std::pair<v1::UpdatePhase, bool> phases[] = {
        {v1::UPDATE_PHASE_INITIAL, true},
        {v1::UPDATE_PHASE_DEPLOY, false},
        {v1::UPDATE_PHASE_PIN, true},
    };
    for (const auto& [phase, changed] : phases) {
        v1::PlanPhase* p = plan.add_phases();
        p->set_phase(phase);
        p->set_description("phase " + std::to_string(int(phase)));
        p->set_rules_yaml(std::string(kYaml) + "# phase " + std::to_string(int(phase)) + "\n");
        p->set_rules_changed(changed);
    }
    plan.add_warnings("the old version keeps two instances");
    return plan;
}

class UpdateDialogTest : public ::testing::Test
{
protected:
    template <class T>
    T* child(const char* name)
    {
        T* w = dialog.findChild<T*>(QLatin1String(name));
        EXPECT_NE(w, nullptr) << name;
        return w;
    }

    void selectStrategy(v1::UpdateStrategy s)
    {
        auto* combo = child<QComboBox>("strategyCombo");
        const int index = combo->findData(int(s));
        ASSERT_GE(index, 0);
        combo->setCurrentIndex(index);
    }

    UpdateDialog dialog{"auth-service", "v1", "v2"};
};

TEST_F(UpdateDialogTest, DefaultsAreCvAndThirtySeconds)
{
    EXPECT_EQ(dialog.objectName(), "updateDialog");
    EXPECT_EQ(dialog.strategy(), v1::UPDATE_STRATEGY_CV);
    EXPECT_EQ(child<QSpinBox>("stragglerTtl")->value(), 30);
    EXPECT_EQ(child<QSpinBox>("stragglerTtl")->minimum(), 1);
    EXPECT_EQ(child<QSpinBox>("stragglerTtl")->maximum(), 3600);
    const v1::StartUpdateRequest request = dialog.startRequest();
    EXPECT_EQ(request.service(), "auth-service");
    EXPECT_EQ(request.target_version(), "v2");
    EXPECT_EQ(request.strategy(), v1::UPDATE_STRATEGY_CV);
    EXPECT_EQ(request.options().straggler_ttl().seconds(), 30);
    EXPECT_FALSE(request.options().has_timeout());
    EXPECT_FALSE(request.naive_acknowledged());
    EXPECT_TRUE(child<QPushButton>("startButton")->isEnabled());
}

TEST_F(UpdateDialogTest, NaiveHiddenUntilUnsafeTickedAndNeedsAcknowledgement)
{
    auto* combo = child<QComboBox>("strategyCombo");
    EXPECT_EQ(combo->count(), 3);
    EXPECT_LT(combo->findData(int(v1::UPDATE_STRATEGY_NAIVE)), 0);
    dialog.show();
    QTest::mouseClick(child<QCheckBox>("unsafeStrategies"), Qt::LeftButton);
    ASSERT_GE(combo->findData(int(v1::UPDATE_STRATEGY_NAIVE)), 0);
    selectStrategy(v1::UPDATE_STRATEGY_NAIVE);
    auto* warning = child<QLabel>("naiveWarning");
    auto* ack = child<QCheckBox>("naiveAcknowledge");
    auto* start = child<QPushButton>("startButton");
    EXPECT_TRUE(warning->isVisible());
    EXPECT_TRUE(ack->isVisible());
    EXPECT_FALSE(start->isEnabled());
    QSignalSpy started(&dialog, &UpdateDialog::startRequested);
    QTest::mouseClick(start, Qt::LeftButton);
    EXPECT_EQ(started.count(), 0);
    // On the box itself: a checkbox is hit on its indicator and text only.
    QTest::mouseClick(ack, Qt::LeftButton, {}, QPoint(6, ack->height() / 2));
    ASSERT_TRUE(ack->isChecked());
    EXPECT_TRUE(start->isEnabled());
    QTest::mouseClick(start, Qt::LeftButton);
    ASSERT_EQ(started.count(), 1);
    const auto request = started[0][0].value<v1::StartUpdateRequest>();
    EXPECT_EQ(request.strategy(), v1::UPDATE_STRATEGY_NAIVE);
    EXPECT_TRUE(request.naive_acknowledged());

    // Hiding unsafe strategies again falls back to CV.
    dialog.setStartError("x");
    QTest::mouseClick(child<QCheckBox>("unsafeStrategies"), Qt::LeftButton);
    EXPECT_EQ(dialog.strategy(), v1::UPDATE_STRATEGY_CV);
    EXPECT_FALSE(warning->isVisible());
    EXPECT_LT(combo->findData(int(v1::UPDATE_STRATEGY_NAIVE)), 0);
}

TEST_F(UpdateDialogTest, PlanRequestedOnceWhenShownAndDebounced)
{
    QSignalSpy planned(&dialog, &UpdateDialog::planRequested);
    dialog.show();
    CONCORD_TRY_ASSERT(planned.count() == 1, 2000);
    EXPECT_EQ(planned[0][0].value<v1::PlanUpdateRequest>().strategy(), v1::UPDATE_STRATEGY_CV);
    planned.clear();

    QElapsedTimer clock;
    clock.start();
    selectStrategy(v1::UPDATE_STRATEGY_BF);
    auto* ttl = child<QSpinBox>("stragglerTtl");
    ttl->setValue(40);
    ttl->setValue(45);
    selectStrategy(v1::UPDATE_STRATEGY_WF);
    EXPECT_EQ(planned.count(), 0);  // nothing before the debounce
    CONCORD_TRY_ASSERT(planned.count() == 1, 2000);
    EXPECT_GE(clock.elapsed(), 100);
    const auto request = planned[0][0].value<v1::PlanUpdateRequest>();
    EXPECT_EQ(request.strategy(), v1::UPDATE_STRATEGY_WF);
    EXPECT_EQ(request.options().straggler_ttl().seconds(), 45);
    EXPECT_EQ(request.service(), "auth-service");
    EXPECT_EQ(request.target_version(), "v2");
    QTest::qWait(300);
    EXPECT_EQ(planned.count(), 1);  // one request for the burst
}

TEST_F(UpdateDialogTest, SetPlanFillsThePreviewWithHighlightedYaml)
{
    dialog.setPlan(makePlan(v1::UPDATE_STRATEGY_CV));
    ASSERT_TRUE(dialog.hasPlan());
    EXPECT_EQ(dialog.currentPlan().phases_size(), 3);
    auto* phases = child<QListWidget>("planPhases");
    ASSERT_EQ(phases->count(), 3);
    EXPECT_EQ(phases->item(0)->text(), "1. initial");
    EXPECT_EQ(phases->item(1)->text(), "2. deploy (rules unchanged)");
    EXPECT_EQ(phases->item(2)->text(), "3. pin");
    EXPECT_EQ(phases->item(2)->toolTip(), "phase 3");
    EXPECT_TRUE(dialog.findChild<QWidget*>("planPreview") != nullptr);
    EXPECT_FALSE(child<QLabel>("planWarnings")->isHidden());
    EXPECT_TRUE(child<QLabel>("planWarnings")->text().contains("two instances"));

    auto* yaml = child<QPlainTextEdit>("phaseYaml");
    EXPECT_TRUE(yaml->isReadOnly());
    EXPECT_TRUE(yaml->toPlainText().startsWith("apiVersion:"));
    EXPECT_TRUE(yaml->toPlainText().contains("# phase 1"));
    EXPECT_TRUE(QFontInfo(yaml->font()).fixedPitch());
    // The highlighter formatted the first line's key.
    EXPECT_FALSE(yaml->document()->firstBlock().layout()->formats().isEmpty());

    phases->setCurrentRow(2);
    EXPECT_TRUE(yaml->toPlainText().contains("# phase 3"));
    phases->setCurrentRow(1);
    EXPECT_TRUE(child<QLabel>("phaseDescription")->text().contains("rules unchanged"));
}

TEST_F(UpdateDialogTest, PlansForAnotherStrategyAreIgnored)
{
    dialog.setPlan(makePlan(v1::UPDATE_STRATEGY_BF));
    EXPECT_FALSE(dialog.hasPlan());
    EXPECT_EQ(child<QListWidget>("planPhases")->count(), 0);
    dialog.setPlan(makePlan(v1::UPDATE_STRATEGY_CV));
    EXPECT_TRUE(dialog.hasPlan());
    selectStrategy(v1::UPDATE_STRATEGY_WF);  // the CV plan no longer applies
    EXPECT_FALSE(dialog.hasPlan());
    EXPECT_EQ(child<QListWidget>("planPhases")->count(), 0);
    v1::UpdatePlan other = makePlan(v1::UPDATE_STRATEGY_WF);
    other.set_target_version("v9");
    dialog.setPlan(other);
    EXPECT_FALSE(dialog.hasPlan());
}

TEST_F(UpdateDialogTest, PlanErrorIsShown)
{
    dialog.show();
    dialog.setPlanError("NOT_FOUND: no version v2");
    EXPECT_TRUE(child<QLabel>("planStatus")->text().contains("no version v2"));
}

TEST_F(UpdateDialogTest, CopyPutsThePhaseYamlOnTheClipboard)
{
    QGuiApplication::clipboard()->setText("before");
    dialog.setPlan(makePlan(v1::UPDATE_STRATEGY_CV));
    child<QListWidget>("planPhases")->setCurrentRow(2);
    QTest::mouseClick(child<QPushButton>("copyYaml"), Qt::LeftButton);
    EXPECT_EQ(QGuiApplication::clipboard()->text().toStdString(),
              dialog.currentPlan().phases(2).rules_yaml());
}

TEST_F(UpdateDialogTest, StartErrorKeepsEveryInput)
{
    dialog.show();
    selectStrategy(v1::UPDATE_STRATEGY_WF);
    child<QSpinBox>("stragglerTtl")->setValue(90);
    child<QSpinBox>("updateTimeout")->setValue(120);
    QSignalSpy started(&dialog, &UpdateDialog::startRequested);
    auto* start = child<QPushButton>("startButton");
    QTest::mouseClick(start, Qt::LeftButton);
    ASSERT_EQ(started.count(), 1);
    const auto request = started[0][0].value<v1::StartUpdateRequest>();
    EXPECT_EQ(request.options().straggler_ttl().seconds(), 90);
    EXPECT_EQ(request.options().timeout().seconds(), 120);
    EXPECT_FALSE(start->isEnabled());  // no second request while the first is in flight
    QTest::mouseClick(start, Qt::LeftButton);
    EXPECT_EQ(started.count(), 1);

    dialog.setStartError("FAILED_PRECONDITION: an update is running");
    EXPECT_TRUE(dialog.isVisible());
    EXPECT_EQ(dialog.result(), 0);
    auto* error = child<QLabel>("startError");
    EXPECT_TRUE(error->isVisible());
    EXPECT_TRUE(error->text().contains("an update is running"));
    EXPECT_EQ(dialog.strategy(), v1::UPDATE_STRATEGY_WF);
    EXPECT_EQ(child<QSpinBox>("stragglerTtl")->value(), 90);
    EXPECT_EQ(child<QSpinBox>("updateTimeout")->value(), 120);
    EXPECT_TRUE(start->isEnabled());
    QTest::mouseClick(start, Qt::LeftButton);
    EXPECT_EQ(started.count(), 2);
}

TEST_F(UpdateDialogTest, DisconnectKeepsInputAndReplansOnReconnect)
{
    QSignalSpy planned(&dialog, &UpdateDialog::planRequested);
    dialog.show();
    CONCORD_TRY_ASSERT(planned.count() == 1, 2000);
    selectStrategy(v1::UPDATE_STRATEGY_BF);
    child<QSpinBox>("stragglerTtl")->setValue(77);
    dialog.setConnected(false);
    auto* start = child<QPushButton>("startButton");
    EXPECT_FALSE(start->isEnabled());
    EXPECT_TRUE(child<QLabel>("connectionStatus")->isVisible());
    QTest::qWait(300);
    EXPECT_EQ(planned.count(), 1);  // nobody to ask while disconnected
    EXPECT_EQ(dialog.strategy(), v1::UPDATE_STRATEGY_BF);
    EXPECT_EQ(child<QSpinBox>("stragglerTtl")->value(), 77);
    EXPECT_TRUE(child<QSpinBox>("stragglerTtl")->isEnabled());

    dialog.setConnected(true);
    EXPECT_TRUE(start->isEnabled());
    EXPECT_FALSE(child<QLabel>("connectionStatus")->isVisible());
    CONCORD_TRY_ASSERT(planned.count() == 2, 2000);
    EXPECT_EQ(planned[1][0].value<v1::PlanUpdateRequest>().strategy(), v1::UPDATE_STRATEGY_BF);
    EXPECT_EQ(planned[1][0].value<v1::PlanUpdateRequest>().options().straggler_ttl().seconds(), 77);
}

TEST_F(UpdateDialogTest, RollbackTargetAndEmptyFromVersion)
{
    UpdateDialog rollback("auth-service", "", "v1");
    EXPECT_EQ(rollback.startRequest().target_version(), "v1");
    auto* title = rollback.findChild<QLabel*>("updateTitle");
    ASSERT_NE(title, nullptr);
    EXPECT_EQ(title->text(), "Update auth-service to v1");
}

}  // namespace
}  // namespace concord::widgets
