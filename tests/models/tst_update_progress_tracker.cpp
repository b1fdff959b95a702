#include <gtest/gtest.h>

#include <QSignalSpy>
#include <cmath>

#include "models/update_progress_tracker.h"

namespace concord::models {
namespace {

constexpr qint64 kStart = 1'700'000'000;

// A progress message observed `ms` after kStart.
v1::UpdateProgress progress(const char* id, qint64 ms, quint64 completed, quint64 diff,
                            v1::UpdateState state = v1::UPDATE_STATE_RUNNING)
{
    v1::UpdateProgress message;
    message.set_update_id(id);
    message.set_service("auth");
    message.set_phase(v1::UPDATE_PHASE_DRAIN);
    message.set_state(state);
    message.set_completed_count(completed);
    message.set_diff_set_size(diff);
    message.mutable_observed_at()->set_seconds(kStart + ms / 1000);
    message.mutable_observed_at()->set_nanos(int(ms % 1000) * 1'000'000);
    return message;
}

TEST(UpdateProgressTracker, KeepsLatestPerUpdateAndSignals)
{
    UpdateProgressTracker tracker;
    QSignalSpy added(&tracker, &UpdateProgressTracker::updateAdded);
    QSignalSpy changed(&tracker, &UpdateProgressTracker::progressChanged);
    tracker.apply(progress("u1", 0, 0, 40));
    tracker.apply(progress("u2", 100, 0, 5));
    tracker.apply(progress("u1", 200, 3, 37));
    tracker.apply(progress("", 300, 0, 0));  // no id: ignored
    EXPECT_EQ(added.count(), 2);
    EXPECT_EQ(changed.count(), 3);
    EXPECT_EQ(changed.at(2).at(0).toString(), "u1");
    EXPECT_EQ(tracker.latest("u1").diff_set_size(), 37u);
    EXPECT_EQ(tracker.latest("u2").diff_set_size(), 5u);
    EXPECT_EQ(tracker.latest("unknown").update_id(), "");
    EXPECT_TRUE(tracker.contains("u2"));
    EXPECT_EQ(tracker.updates(), QStringList({"u1", "u2"}));
    EXPECT_EQ(tracker.activeUpdates(), QStringList({"u1", "u2"}));
}

TEST(UpdateProgressTracker, DiffSeriesInSecondsSinceTheFirstPhase)
{
    UpdateProgressTracker tracker;
    v1::UpdateProgress first = progress("u1", 4000, 0, 40);
    v1::PhaseTiming* deploy = first.add_phase_timings();
    deploy->set_phase(v1::UPDATE_PHASE_DEPLOY);
    deploy->mutable_entered_at()->set_seconds(kStart + 1);  // the update began 3 s earlier
    tracker.apply(first);
    tracker.apply(progress("u1", 5500, 10, 30));
    tracker.apply(progress("u1", 5000, 11, 29));  // the daemon clock stepped back
    const QList<QPointF> diff = tracker.diffSeries("u1");
    ASSERT_EQ(diff.size(), 3);
    EXPECT_DOUBLE_EQ(diff[0].x(), 3.0);
    EXPECT_DOUBLE_EQ(diff[0].y(), 40.0);
    EXPECT_DOUBLE_EQ(diff[1].x(), 4.5);
    EXPECT_DOUBLE_EQ(diff[1].y(), 30.0);
    EXPECT_DOUBLE_EQ(diff[2].x(), 4.5);  // never backwards
    EXPECT_TRUE(tracker.diffSeries("unknown").isEmpty());
}

TEST(UpdateProgressTracker, RateFromCumulativeDeltas)
{
    UpdateProgressTracker tracker;
    tracker.apply(progress("u1", 0, 0, 100));
    EXPECT_TRUE(tracker.rateSeries("u1").isEmpty());  // one sample is no rate
    tracker.apply(progress("u1", 1000, 10, 90));
    tracker.apply(progress("u1", 1500, 30, 70));
    const QList<QPointF> rate = tracker.rateSeries("u1");
    ASSERT_EQ(rate.size(), 2);
    EXPECT_DOUBLE_EQ(rate[0].x(), 1.0);
    EXPECT_DOUBLE_EQ(rate[0].y(), 10.0);
    EXPECT_DOUBLE_EQ(rate[1].x(), 1.5);
    EXPECT_DOUBLE_EQ(rate[1].y(), 40.0);  // 20 in half a second
}

TEST(UpdateProgressTracker, EqualTimestampsAddUpIntoTheNextRate)
{
    UpdateProgressTracker tracker;
    tracker.apply(progress("u1", 0, 0, 100));
    tracker.apply(progress("u1", 1000, 10, 90));
    tracker.apply(progress("u1", 1000, 15, 85));  // same instant: no division by zero
    EXPECT_EQ(tracker.rateSeries("u1").size(), 1);
    EXPECT_EQ(tracker.diffSeries("u1").size(), 3);
    tracker.apply(progress("u1", 2000, 25, 75));
    const QList<QPointF> rate = tracker.rateSeries("u1");
    ASSERT_EQ(rate.size(), 2);
    EXPECT_DOUBLE_EQ(rate[1].y(), 15.0);  // 25 - 10 over the second since 1000 ms
    for (const QPointF& point : rate)
        EXPECT_TRUE(std::isfinite(point.y()));
}

TEST(UpdateProgressTracker, CounterRestartStartsOverInsteadOfANegativeRate)
{
    UpdateProgressTracker tracker;
    tracker.apply(progress("u1", 0, 0, 100));
    tracker.apply(progress("u1", 1000, 50, 50));
    tracker.apply(progress("u1", 2000, 4, 46));  // controller restarted: counter from 0
    EXPECT_EQ(tracker.rateSeries("u1").size(), 1);
    tracker.apply(progress("u1", 3000, 12, 38));
    const QList<QPointF> rate = tracker.rateSeries("u1");
    ASSERT_EQ(rate.size(), 2);
    EXPECT_DOUBLE_EQ(rate[1].x(), 3.0);
    EXPECT_DOUBLE_EQ(rate[1].y(), 8.0);
    for (const QPointF& point : rate)
        EXPECT_GE(point.y(), 0.0);
}

TEST(UpdateProgressTracker, TerminalStateFinishesOnce)
{
    UpdateProgressTracker tracker;
    QSignalSpy finished(&tracker, &UpdateProgressTracker::updateFinished);
    tracker.apply(progress("u1", 0, 0, 10));
    tracker.apply(progress("u2", 0, 0, 10));
    tracker.apply(progress("u1", 500, 0, 10, v1::UPDATE_STATE_ROLLING_BACK));
    EXPECT_EQ(finished.count(), 0);
    tracker.apply(progress("u1", 900, 0, 0, v1::UPDATE_STATE_ABORTED));
    tracker.apply(progress("u1", 900, 0, 0, v1::UPDATE_STATE_ABORTED));  // resent on rewatch
    ASSERT_EQ(finished.count(), 1);
    EXPECT_EQ(finished.at(0).at(0).toString(), "u1");
    EXPECT_EQ(tracker.activeUpdates(), QStringList({"u2"}));
    tracker.apply(progress("u2", 900, 0, 0, v1::UPDATE_STATE_COMPLETED));
    EXPECT_EQ(finished.count(), 2);
    EXPECT_TRUE(tracker.activeUpdates().isEmpty());
    EXPECT_EQ(tracker.updates().size(), 2);

    QSignalSpy cleared(&tracker, &UpdateProgressTracker::cleared);
    tracker.clear();
    EXPECT_EQ(cleared.count(), 1);
    EXPECT_TRUE(tracker.updates().isEmpty());
}

}  // namespace
}  // namespace concord::models
