#pragma once

// The seven phases of an update in a row — deploy, pin, switch default,
// block & lock, sync & diff, drain, retire — each done, current or pending,
// painted from the palette plus the update state's colour, so it reads on
// light and dark themes. Rolling back, aborted, timed out, failed, completed
// and force-retired each have their own look; hovering a phase shows when it
// was entered and left.

#include <QList>
#include <QWidget>

#include "concord/v1/update.pb.h"

namespace concord::widgets {

class PhaseStepper final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PhaseStepper)

public:
    enum class StepState
    {
        Pending,
        Current,
        Done,
        Stopped
    };

    explicit PhaseStepper(QWidget* parent = nullptr);

    // The phases drawn, in order (DEPLOY … RETIRE).
    static QList<v1::UpdatePhase> phases();

    // ROLLBACK keeps the last forward phase reached marked (from the timings
    // when given, else from the previous call).
    void setProgress(v1::UpdatePhase phase, v1::UpdateState state);
    void setPhaseTimings(const google::protobuf::RepeatedPtrField<v1::PhaseTiming>& timings);
    // Back to "nothing reached" (another update is shown).
    void reset();
    // Greyed while the controller is unreachable.
    void setStale(bool stale);
    bool isStale() const { return m_stale; }

    v1::UpdatePhase currentPhase() const { return m_phase; }
    v1::UpdateState state() const { return m_state; }
    // The last of phases() the update entered; UNSPECIFIED before DEPLOY.
    v1::UpdatePhase reachedPhase() const;
    StepState stepState(v1::UpdatePhase phase) const;
    // The tooltip of a step: its name and timings.
    QString phaseToolTip(v1::UpdatePhase phase) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Timing
    {
        v1::UpdatePhase phase = v1::UPDATE_PHASE_UNSPECIFIED;
        qint64 enteredMs = 0;
        qint64 leftMs = 0;  // 0 while current
    };
    int reachedIndex() const;
    int stepAt(const QPoint& position) const;
    QRect stepRect(int step) const;
    QColor stepColor(StepState state) const;
    void paintStep(QPainter& painter, int step, StepState state) const;

    v1::UpdatePhase m_phase = v1::UPDATE_PHASE_UNSPECIFIED;
    v1::UpdateState m_state = v1::UPDATE_STATE_UNSPECIFIED;
    int m_reached = -1;  // index into phases()
    QList<Timing> m_timings;
    bool m_stale = false;
};

}  // namespace concord::widgets
