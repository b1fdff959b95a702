#include <gtest/gtest.h>

#include <QImage>
#include <QPalette>

#include "models/state_palette.h"
#include "models/update_state_names.h"
#include "widgets/phase_stepper.h"

namespace concord::widgets {
namespace {

using Step = PhaseStepper::StepState;

// A pixel inside the circle of `step`, off its mark: the circle's fill.
QColor fillOf(PhaseStepper& stepper, int step)
{
    const QImage image = stepper.grab().toImage();
    const int count = int(PhaseStepper::phases().size());
    const int x = stepper.width() * (2 * step + 1) / (2 * count);
    const int diameter = stepper.fontMetrics().height() * 3 / 2;
    const int y = 6 + diameter / 5;
    return image.pixelColor(int(x * image.devicePixelRatio()), int(y * image.devicePixelRatio()));
}

bool near(const QColor& a, const QColor& b)
{
    return std::abs(a.red() - b.red()) < 24 && std::abs(a.green() - b.green()) < 24 &&
           std::abs(a.blue() - b.blue()) < 24;
}

TEST(PhaseStepper, SevenPhasesInOrder)
{
    const QList<v1::UpdatePhase> phases = PhaseStepper::phases();
    ASSERT_EQ(phases.size(), 7);
    EXPECT_EQ(phases.first(), v1::UPDATE_PHASE_DEPLOY);
    EXPECT_EQ(phases.last(), v1::UPDATE_PHASE_RETIRE);
}

TEST(PhaseStepper, DoneCurrentPending)
{
    PhaseStepper stepper;
    EXPECT_EQ(stepper.stepState(v1::UPDATE_PHASE_DEPLOY), Step::Pending);
    stepper.setProgress(v1::UPDATE_PHASE_DRAIN, v1::UPDATE_STATE_RUNNING);
    EXPECT_EQ(stepper.currentPhase(), v1::UPDATE_PHASE_DRAIN);
    EXPECT_EQ(stepper.state(), v1::UPDATE_STATE_RUNNING);
    EXPECT_EQ(stepper.stepState(v1::UPDATE_PHASE_DEPLOY), Step::Done);
    EXPECT_EQ(stepper.stepState(v1::UPDATE_PHASE_SYNC_AND_DIFF), Step::Done);
    EXPECT_EQ(stepper.stepState(v1::UPDATE_PHASE_DRAIN), Step::Current);
    EXPECT_EQ(stepper.stepState(v1::UPDATE_PHASE_RETIRE), Step::Pending);

    stepper.setProgress(v1::UPDATE_PHASE_RETIRE, v1::UPDATE_STATE_COMPLETED);
    EXPECT_EQ(stepper.currentPhase(), v1::UPDATE_PHASE_RETIRE);
    EXPECT_EQ(stepper.state(), v1::UPDATE_STATE_COMPLETED);
    for (const v1::UpdatePhase phase : PhaseStepper::phases())
        EXPECT_EQ(stepper.stepState(phase), Step::Done) << phase;

    stepper.reset();
    EXPECT_EQ(stepper.reachedPhase(), v1::UPDATE_PHASE_UNSPECIFIED);
}

TEST(PhaseStepper, RollbackStopsAtTheLastForwardPhase)
{
    PhaseStepper stepper;
    stepper.setProgress(v1::UPDATE_PHASE_BLOCK_AND_LOCK, v1::UPDATE_STATE_RUNNING);
    stepper.setProgress(v1::UPDATE_PHASE_ROLLBACK, v1::UPDATE_STATE_ROLLING_BACK);
    EXPECT_EQ(stepper.currentPhase(), v1::UPDATE_PHASE_ROLLBACK);
    EXPECT_EQ(stepper.reachedPhase(), v1::UPDATE_PHASE_BLOCK_AND_LOCK);
    EXPECT_EQ(stepper.stepState(v1::UPDATE_PHASE_SWITCH_DEFAULT), Step::Done);
    EXPECT_EQ(stepper.stepState(v1::UPDATE_PHASE_BLOCK_AND_LOCK), Step::Stopped);
    EXPECT_EQ(stepper.stepState(v1::UPDATE_PHASE_SYNC_AND_DIFF), Step::Pending);

    // A console that connects during the rollback learns the phase from the timings.
    PhaseStepper late;
    google::protobuf::RepeatedPtrField<v1::PhaseTiming> timings;
    for (const v1::UpdatePhase phase : {v1::UPDATE_PHASE_INITIAL, v1::UPDATE_PHASE_DEPLOY,
                                        v1::UPDATE_PHASE_PIN, v1::UPDATE_PHASE_ROLLBACK})
        timings.Add()->set_phase(phase);
    late.setPhaseTimings(timings);
    late.setProgress(v1::UPDATE_PHASE_ROLLBACK, v1::UPDATE_STATE_ABORTED);
    EXPECT_EQ(late.reachedPhase(), v1::UPDATE_PHASE_PIN);
    EXPECT_EQ(late.stepState(v1::UPDATE_PHASE_PIN), Step::Stopped);
}

TEST(PhaseStepper, TooltipShowsTimings)
{
    PhaseStepper stepper;
    google::protobuf::RepeatedPtrField<v1::PhaseTiming> timings;
    v1::PhaseTiming* drain = timings.Add();
    drain->set_phase(v1::UPDATE_PHASE_DRAIN);
    drain->mutable_entered_at()->set_seconds(1'700'000'000);
    drain->mutable_left_at()->set_seconds(1'700'000'012);
    v1::PhaseTiming* retire = timings.Add();
    retire->set_phase(v1::UPDATE_PHASE_RETIRE);
    retire->mutable_entered_at()->set_seconds(1'700'000'012);
    stepper.setPhaseTimings(timings);
    stepper.setProgress(v1::UPDATE_PHASE_RETIRE, v1::UPDATE_STATE_RUNNING);
    const QString drainTip = stepper.phaseToolTip(v1::UPDATE_PHASE_DRAIN);
    EXPECT_TRUE(drainTip.startsWith("drain")) << drainTip.toStdString();
    EXPECT_TRUE(drainTip.contains("12.0 s")) << drainTip.toStdString();
    EXPECT_TRUE(stepper.phaseToolTip(v1::UPDATE_PHASE_RETIRE).contains("current"));
    EXPECT_TRUE(stepper.phaseToolTip(v1::UPDATE_PHASE_PIN).contains("pin"));
}

TEST(PhaseStepper, SizeHintFitsTheLabels)
{
    PhaseStepper stepper;
    const QSize hint = stepper.sizeHint();
    EXPECT_GE(hint.width(), 7 * stepper.fontMetrics().horizontalAdvance("switch default"));
    EXPECT_GE(hint.height(), stepper.fontMetrics().height() * 3);
    EXPECT_LE(stepper.minimumSizeHint().width(), hint.width());
}

TEST(PhaseStepper, PaintsStatesOnLightAndDarkPalettes)
{
    for (const bool dark : {false, true}) {
        PhaseStepper stepper;
        QPalette palette = stepper.palette();
        palette.setColor(QPalette::Base, dark ? QColor(0x20, 0x20, 0x20) : Qt::white);
        palette.setColor(QPalette::Window,
                         dark ? QColor(0x30, 0x30, 0x30) : QColor(0xf0, 0xf0, 0xf0));
        stepper.setPalette(palette);
        stepper.resize(stepper.sizeHint());
        stepper.setProgress(v1::UPDATE_PHASE_DRAIN, v1::UPDATE_STATE_RUNNING);
        const QColor done = models::updateStateColor(v1::UPDATE_STATE_COMPLETED);
        EXPECT_TRUE(near(fillOf(stepper, 0), done)) << dark;
        EXPECT_TRUE(near(fillOf(stepper, 6), palette.color(QPalette::Base))) << dark;

        stepper.setProgress(v1::UPDATE_PHASE_ROLLBACK, v1::UPDATE_STATE_FAILED);
        EXPECT_TRUE(near(fillOf(stepper, 5), models::updateStateColor(v1::UPDATE_STATE_FAILED)));

        stepper.setStale(true);
        EXPECT_TRUE(stepper.isStale());
        EXPECT_TRUE(near(fillOf(stepper, 0), models::staleColor(done))) << dark;
        EXPECT_FALSE(near(fillOf(stepper, 0), done)) << dark;
    }
}

}  // namespace
}  // namespace concord::widgets
