#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QChartView>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>
#include <QValueAxis>

#include "models/old_instance_model.h"
#include "models/state_palette.h"
#include "models/straggler_model.h"
#include "models/update_history_model.h"
#include "models/update_progress_tracker.h"
#include "tests/support/qt_test_helpers.h"
#include "widgets/phase_stepper.h"
#include "widgets/update_history_panel.h"
#include "widgets/update_progress_panel.h"

namespace concord::widgets {
namespace {

constexpr qint64 kStart = 1'700'000'000;

struct Step
{
    v1::UpdatePhase phase;
    v1::UpdateState state;
    qint64 ms;
    quint64 diff;
    quint64 completed;
};

v1::UpdateProgress progress(const char* id, const Step& step)
{
    v1::UpdateProgress message;
    message.set_update_id(id);
    message.set_service("auth");
    message.set_from_version("v1");
    message.set_target_version("v2");
    message.set_strategy(v1::UPDATE_STRATEGY_CV);
    message.set_phase(step.phase);
    message.set_state(step.state);
    message.set_diff_set_size(step.diff);
    message.set_completed_count(step.completed);
    message.mutable_observed_at()->set_seconds(kStart + step.ms / 1000);
    message.mutable_observed_at()->set_nanos(int(step.ms % 1000) * 1'000'000);
    const bool locked = step.phase >= v1::UPDATE_PHASE_BLOCK_AND_LOCK;
    if (step.phase < v1::UPDATE_PHASE_RETIRE) {
        for (const char* name : {"auth-v1-0", "auth-v1-1"}) {
            v1::OldInstance* instance = message.add_old_instances();
            instance->set_name(name);
            instance->set_traceid_set_size(locked ? 40 : 20 + quint64(step.ms) / 100);
            instance->set_locked(locked);
        }
    }
    if (step.phase == v1::UPDATE_PHASE_DRAIN && step.diff > 0 && step.diff <= 30) {
        v1::Straggler* straggler = message.add_stragglers();
        straggler->set_trace_id("0af3c29d5e7b1a44");
        straggler->mutable_age()->set_seconds(61 + step.ms / 1000);
        message.set_straggler_count(5);
    }
    message.set_inconsistent_transactions(0);
    message.set_message("phase " + std::to_string(step.phase));
    return message;
}

// deploy … retire with a DiffSet draining 60 → 0.
QList<Step> cvSequence()
{
    using S = Step;
    QList<Step> steps{
        S{v1::UPDATE_PHASE_DEPLOY, v1::UPDATE_STATE_RUNNING, 0, 0, 0},
        S{v1::UPDATE_PHASE_PIN, v1::UPDATE_STATE_RUNNING, 500, 0, 0},
        S{v1::UPDATE_PHASE_SWITCH_DEFAULT, v1::UPDATE_STATE_RUNNING, 1000, 0, 0},
        S{v1::UPDATE_PHASE_BLOCK_AND_LOCK, v1::UPDATE_STATE_RUNNING, 1500, 0, 0},
        S{v1::UPDATE_PHASE_SYNC_AND_DIFF, v1::UPDATE_STATE_RUNNING, 2000, 60, 0},
    };
    for (int i = 1; i <= 6; ++i) {
        steps.append(S{v1::UPDATE_PHASE_DRAIN, v1::UPDATE_STATE_RUNNING, 2000 + 500 * i,
                       quint64(60 - 10 * i), quint64(10 * i)});
    }
    steps.append(S{v1::UPDATE_PHASE_RETIRE, v1::UPDATE_STATE_RUNNING, 5500, 0, 60});
    steps.append(S{v1::UPDATE_PHASE_RETIRE, v1::UPDATE_STATE_COMPLETED, 6000, 0, 60});
    return steps;
}

struct Fixture
{
    models::UpdateProgressTracker tracker;
    UpdateProgressPanel panel;
    QList<std::pair<QString, QString>> asked;
    bool answer = false;
    QAbstractItemModelTester oldTester{panel.oldInstanceModel(),
                                       QAbstractItemModelTester::FailureReportingMode::Fatal};
    QAbstractItemModelTester stragglerTester{panel.stragglerModel(),
                                             QAbstractItemModelTester::FailureReportingMode::Fatal};

    Fixture()
    {
        panel.setTracker(&tracker);
        panel.setConfirmer([this](const QString& title, const QString& text) {
            asked.append({title, text});
            return answer;
        });
        panel.resize(900, 700);
        panel.show();
    }
    template <class T>
    T* child(const char* name)
    {
        T* found = panel.findChild<T*>(QString::fromLatin1(name));
        EXPECT_NE(found, nullptr) << name;
        return found;
    }
    // Feeds steps [from, to) of the sequence.
    void feed(const QList<Step>& steps, qsizetype from, qsizetype to, const char* id = "u1")
    {
        for (qsizetype i = from; i < to; ++i)
            tracker.apply(progress(id, steps[i]));
    }
};

TEST(UpdateProgressPanel, ObjectNames)
{
    Fixture f;
    EXPECT_EQ(f.panel.objectName(), "updateProgressPanel");
    for (const char* name : {"updateSelector", "updateHeader", "phaseStepper", "diffSetChart",
                             "oldInstances", "stragglers", "abortButton", "forceRetireButton"})
        EXPECT_NE(f.panel.findChild<QWidget*>(QString::fromLatin1(name)), nullptr) << name;
    EXPECT_EQ(f.panel.stepper(), f.child<PhaseStepper>("phaseStepper"));
    EXPECT_EQ(f.panel.diffSetSeries()->name(), "DiffSet size");
    EXPECT_EQ(f.panel.rateSeries()->name(), "completed / s");
    EXPECT_TRUE(f.panel.currentUpdateId().isEmpty());
    EXPECT_FALSE(f.child<QPushButton>("abortButton")->isEnabled());
}

TEST(UpdateProgressPanel, FollowsAnUpdateFromDeployToRetire)
{
    Fixture f;
    const QList<Step> steps = cvSequence();
    auto* header = f.child<QLabel>("updateHeader");
    auto* abort = f.child<QPushButton>("abortButton");
    auto* forceRetire = f.child<QPushButton>("forceRetireButton");
    auto* oldView = f.child<QTableView>("oldInstances");
    auto* stragglerView = f.child<QTableView>("stragglers");

    f.feed(steps, 0, 1);
    EXPECT_EQ(f.panel.currentUpdateId(), "u1");
    EXPECT_EQ(f.child<QComboBox>("updateSelector")->count(), 1);
    EXPECT_TRUE(header->text().contains("auth: v1 → v2 · CV · running"))
        << header->text().toStdString();
    EXPECT_EQ(f.panel.stepper()->currentPhase(), v1::UPDATE_PHASE_DEPLOY);
    EXPECT_TRUE(abort->isEnabled());
    EXPECT_FALSE(forceRetire->isEnabled());
    EXPECT_EQ(oldView->model()->rowCount(), 2);

    QSignalSpy replaced(f.panel.diffSetSeries(), &QXYSeries::pointsReplaced);
    f.feed(steps, 1, 7);  // into the drain, DiffSet 40
    EXPECT_EQ(f.panel.stepper()->currentPhase(), v1::UPDATE_PHASE_DRAIN);
    EXPECT_EQ(f.panel.stepper()->stepState(v1::UPDATE_PHASE_SYNC_AND_DIFF),
              PhaseStepper::StepState::Done);
    EXPECT_TRUE(forceRetire->isEnabled());
    EXPECT_EQ(oldView->model()->index(0, models::OldInstanceModel::Locked).data().toString(),
              "locked");
    EXPECT_EQ(f.panel.diffSetSeries()->count(), 7);
    EXPECT_DOUBLE_EQ(f.panel.diffSetSeries()->at(6).y(), 40.0);
    EXPECT_TRUE(header->text().contains("DiffSet: 40")) << header->text().toStdString();

    f.feed(steps, 7, 10);  // DiffSet 30 … 10: stragglers appear
    EXPECT_EQ(stragglerView->model()->rowCount(), 1);
    EXPECT_EQ(stragglerView->model()->index(0, 0).data().toString(), "0af3c29d5e7b1a44");
    EXPECT_TRUE(f.child<QLabel>("stragglerCount")->text().startsWith("5 straggler"))
        << f.child<QLabel>("stragglerCount")->text().toStdString();

    f.feed(steps, 10, steps.size());
    EXPECT_EQ(f.panel.stepper()->currentPhase(), v1::UPDATE_PHASE_RETIRE);
    EXPECT_EQ(f.panel.stepper()->state(), v1::UPDATE_STATE_COMPLETED);
    EXPECT_EQ(f.panel.stepper()->stepState(v1::UPDATE_PHASE_RETIRE), PhaseStepper::StepState::Done);
    QLineSeries* diff = f.panel.diffSetSeries();
    ASSERT_EQ(diff->count(), steps.size());
    EXPECT_DOUBLE_EQ(diff->at(diff->count() - 1).y(), 0.0);
    EXPECT_DOUBLE_EQ(diff->at(diff->count() - 1).x(), 6.0);
    EXPECT_EQ(replaced.count(), 0);  // appended live, never rebuilt
    ASSERT_GT(f.panel.rateSeries()->count(), 0);
    EXPECT_DOUBLE_EQ(f.panel.rateSeries()->at(5).y(), 20.0);  // 10 per half second in the drain
    EXPECT_EQ(stragglerView->model()->rowCount(), 0);
    EXPECT_EQ(oldView->model()->rowCount(), 0);
    EXPECT_FALSE(abort->isEnabled());
    EXPECT_FALSE(forceRetire->isEnabled());
    EXPECT_TRUE(header->text().contains("completed"));
}

// Six value labels in a plot too short for them are all drawn as "…".
TEST(UpdateProgressPanel, AShortChartKeepsItsValueLabelsReadable)
{
    Fixture f;
    auto* view = f.child<QChartView>("diffSetChart");
    const auto leftInterval = [view] {
        const auto axes = view->chart()->axes(Qt::Vertical);
        return qobject_cast<QValueAxis*>(axes.first())->tickInterval();
    };
    f.feed(cvSequence(), 0, 7);
    view->setFixedHeight(600);
    CONCORD_TRY_EXPECT(leftInterval() == 20.0, 2000);  // 0, 20, … 100: a fifth of the range
    view->setFixedHeight(120);
    CONCORD_TRY_EXPECT(leftInterval() == 50.0, 2000);  // 0, 50, 100
    view->setFixedHeight(600);
    CONCORD_TRY_EXPECT(leftInterval() == 20.0, 2000);
}

TEST(UpdateProgressPanel, AbortAsksAndEmitsOnlyWhenConfirmed)
{
    Fixture f;
    const QList<Step> steps = cvSequence();
    f.feed(steps, 0, 3);
    QSignalSpy aborts(&f.panel, &UpdateProgressPanel::abortRequested);
    auto* abort = f.child<QPushButton>("abortButton");
    auto* reason = f.child<QLineEdit>("actionReason");
    QTest::keyClicks(reason, "wrong target");

    f.answer = false;
    QTest::mouseClick(abort, Qt::LeftButton);
    ASSERT_EQ(f.asked.size(), 1);
    EXPECT_TRUE(f.asked[0].second.contains("auth")) << f.asked[0].second.toStdString();
    EXPECT_EQ(aborts.count(), 0);
    EXPECT_EQ(reason->text(), "wrong target");  // the operator's input survives a cancel

    f.answer = true;
    QTest::mouseClick(abort, Qt::LeftButton);
    ASSERT_EQ(aborts.count(), 1);
    EXPECT_EQ(aborts.at(0).at(0).toString(), "u1");
    EXPECT_EQ(aborts.at(0).at(1).toString(), "wrong target");

    reason->clear();
    QTest::mouseClick(abort, Qt::LeftButton);
    ASSERT_EQ(aborts.count(), 2);
    EXPECT_FALSE(aborts.at(1).at(1).toString().isEmpty());  // the controller needs a reason
}

TEST(UpdateProgressPanel, ForceRetireNamesThePossibleViolations)
{
    Fixture f;
    const QList<Step> steps = cvSequence();
    f.feed(steps, 0, 8);  // draining, DiffSet 30, 5 stragglers
    QSignalSpy retires(&f.panel, &UpdateProgressPanel::forceRetireRequested);
    auto* forceRetire = f.child<QPushButton>("forceRetireButton");
    ASSERT_TRUE(forceRetire->isEnabled());

    f.answer = false;
    QTest::mouseClick(forceRetire, Qt::LeftButton);
    ASSERT_EQ(f.asked.size(), 1);
    const QString text = f.asked[0].second;
    EXPECT_TRUE(text.contains("30 transaction")) << text.toStdString();
    EXPECT_TRUE(text.contains("still in flight may see two versions")) << text.toStdString();
    EXPECT_TRUE(text.contains("stragglers: 5")) << text.toStdString();
    EXPECT_EQ(retires.count(), 0);

    f.answer = true;
    QTest::mouseClick(forceRetire, Qt::LeftButton);
    ASSERT_EQ(retires.count(), 1);
    EXPECT_EQ(retires.at(0).at(0).toString(), "u1");
}

TEST(UpdateProgressPanel, StaleKeepsTheDataGreyedAndDisablesActions)
{
    Fixture f;
    const QList<Step> steps = cvSequence();
    f.feed(steps, 0, 9);
    auto* abort = f.child<QPushButton>("abortButton");
    auto* oldView = f.child<QTableView>("oldInstances");
    const QColor text = oldView->palette().color(QPalette::Active, QPalette::Text);
    const QColor series = f.panel.diffSetSeries()->color();

    f.panel.setStale(true);
    EXPECT_TRUE(f.panel.isStale());
    EXPECT_FALSE(abort->isEnabled());
    EXPECT_FALSE(f.child<QPushButton>("forceRetireButton")->isEnabled());
    EXPECT_TRUE(f.panel.stepper()->isStale());
    EXPECT_TRUE(f.child<QLabel>("staleNote")->isVisible());
    EXPECT_EQ(oldView->palette().color(QPalette::Active, QPalette::Text),
              oldView->palette().color(QPalette::Disabled, QPalette::Text));
    EXPECT_NE(oldView->palette().color(QPalette::Active, QPalette::Text), text);
    EXPECT_EQ(f.panel.diffSetSeries()->color(), models::staleColor(series));
    // The last data stays.
    EXPECT_EQ(oldView->model()->rowCount(), 2);
    EXPECT_EQ(f.panel.diffSetSeries()->count(), 9);
    EXPECT_EQ(f.panel.stepper()->currentPhase(), v1::UPDATE_PHASE_DRAIN);

    f.panel.setStale(false);
    EXPECT_TRUE(abort->isEnabled());
    EXPECT_EQ(oldView->palette().color(QPalette::Active, QPalette::Text), text);
    EXPECT_EQ(f.panel.diffSetSeries()->color(), series);
    EXPECT_FALSE(f.child<QLabel>("staleNote")->isVisible());
}

TEST(UpdateProgressPanel, SelectsTheNewestActiveUpdateAndLetsTheOperatorSwitch)
{
    Fixture f;
    const QList<Step> steps = cvSequence();
    f.feed(steps, 0, 3, "u1");
    f.feed(steps, 0, 1, "u2");
    EXPECT_EQ(f.panel.currentUpdateId(), "u2");
    auto* selector = f.child<QComboBox>("updateSelector");
    ASSERT_EQ(selector->count(), 2);

    selector->setCurrentIndex(selector->findData("u1"));
    EXPECT_EQ(f.panel.currentUpdateId(), "u1");
    EXPECT_EQ(f.panel.stepper()->currentPhase(), v1::UPDATE_PHASE_SWITCH_DEFAULT);
    EXPECT_EQ(f.panel.diffSetSeries()->count(), 3);  // u1's series, not u2's
    f.feed(steps, 1, 4, "u2");                       // u2's progress leaves the u1 view alone
    EXPECT_EQ(f.panel.currentUpdateId(), "u1");
    EXPECT_EQ(f.panel.diffSetSeries()->count(), 3);

    // A finished update arriving (history replay) does not steal the view.
    f.feed(steps, steps.size() - 1, steps.size(), "u0");
    EXPECT_EQ(f.panel.currentUpdateId(), "u1");
    EXPECT_EQ(selector->count(), 3);

    f.tracker.clear();
    EXPECT_TRUE(f.panel.currentUpdateId().isEmpty());
    EXPECT_EQ(selector->count(), 0);
    EXPECT_EQ(f.panel.diffSetSeries()->count(), 0);
}

TEST(UpdateProgressPanel, TrackerSetLateShowsWhatItKnows)
{
    models::UpdateProgressTracker tracker;
    const QList<Step> steps = cvSequence();
    for (qsizetype i = 0; i < 7; ++i)
        tracker.apply(progress("u1", steps[i]));
    UpdateProgressPanel panel;
    panel.setTracker(&tracker);
    EXPECT_EQ(panel.currentUpdateId(), "u1");
    EXPECT_EQ(panel.diffSetSeries()->count(), 7);
    EXPECT_EQ(panel.stepper()->currentPhase(), v1::UPDATE_PHASE_DRAIN);
    panel.setTracker(nullptr);
    EXPECT_TRUE(panel.currentUpdateId().isEmpty());
}

v1::UpdateSummary summary(const char* id, int timelinessSeconds, quint64 held)
{
    v1::UpdateSummary update;
    update.set_update_id(id);
    update.set_service("auth");
    update.set_state(v1::UPDATE_STATE_COMPLETED);
    update.set_requested_by("ops");
    update.mutable_requested_at()->set_seconds(kStart + timelinessSeconds);
    update.mutable_metrics()->mutable_timeliness()->set_seconds(timelinessSeconds);
    update.mutable_metrics()->set_held_requests(held);
    update.mutable_metrics()->set_rejected_requests(7);
    update.mutable_metrics()->set_stragglers(2);
    update.mutable_metrics()->set_possible_violations(1);
    return update;
}

TEST(UpdateHistoryPanel, SortsAndShowsTheSelectedUpdatesMetrics)
{
    models::UpdateHistoryModel model;
    UpdateHistoryPanel panel;
    panel.setModel(&model);
    panel.show();
    QAbstractItemModelTester tester(panel.proxy(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setUpdates(
        QList<v1::UpdateSummary>{summary("a", 9, 1), summary("b", 75, 2), summary("c", 10, 3)});
    auto* view = panel.findChild<QTableView*>("updateHistory");
    ASSERT_EQ(view, panel.view());
    ASSERT_EQ(view->model()->rowCount(), 3);
    const auto id = [view](int row) {
        return view->model()->index(row, models::UpdateHistoryModel::Id).data().toString();
    };
    EXPECT_EQ(id(0), "b");  // newest requested first

    // The operator clicks the Timeliness header: ascending by duration, not by text.
    const int timeliness = models::UpdateHistoryModel::Timeliness;
    view->sortByColumn(timeliness, Qt::AscendingOrder);
    EXPECT_EQ(id(0), "a");
    EXPECT_EQ(id(1), "c");
    EXPECT_EQ(id(2), "b");

    QSignalSpy selected(&panel, &UpdateHistoryPanel::selectedUpdateChanged);
    const QRect cell = view->visualRect(view->model()->index(1, timeliness));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
    EXPECT_EQ(panel.selectedUpdateId(), "c");
    ASSERT_EQ(selected.count(), 1);
    const QString details = panel.findChild<QLabel*>("updateDetails")->text();
    EXPECT_TRUE(details.contains("held requests 3")) << details.toStdString();
    EXPECT_TRUE(details.contains("rejected requests 7")) << details.toStdString();
    EXPECT_TRUE(details.contains("stragglers 2")) << details.toStdString();
    EXPECT_TRUE(details.contains("possible violations 1")) << details.toStdString();

    v1::UpdateSummary updated = summary("c", 10, 42);  // live upsert of the selected row
    model.upsert(updated);
    EXPECT_TRUE(panel.detailsText().contains("held requests 42"));
    model.upsert(summary("d", 1, 0));
    EXPECT_EQ(view->model()->rowCount(), 4);
    EXPECT_EQ(panel.selectedUpdateId(), "c");

    panel.setStale(true);
    EXPECT_TRUE(panel.isStale());
    EXPECT_EQ(view->palette().color(QPalette::Active, QPalette::Text),
              view->palette().color(QPalette::Disabled, QPalette::Text));
    EXPECT_EQ(view->model()->rowCount(), 4);
    panel.setStale(false);
    EXPECT_NE(view->palette().color(QPalette::Active, QPalette::Text),
              view->palette().color(QPalette::Disabled, QPalette::Text));
}

}  // namespace
}  // namespace concord::widgets
