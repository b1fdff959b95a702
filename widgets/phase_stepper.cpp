#include "widgets/phase_stepper.h"

#include <QDateTime>
#include <QEvent>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include "models/state_palette.h"
#include "models/update_names.h"
#include "models/update_state_names.h"

namespace concord::widgets {

namespace {

constexpr int kMargin = 6;
constexpr int kLabelGap = 4;
constexpr int kLabelLines = 2;

int indexOf(v1::UpdatePhase phase)
{
    if (phase < v1::UPDATE_PHASE_DEPLOY || phase > v1::UPDATE_PHASE_RETIRE)
        return -1;
    return int(phase) - int(v1::UPDATE_PHASE_DEPLOY);
}

bool isStopped(v1::UpdateState state)
{
    return state == v1::UPDATE_STATE_ROLLING_BACK || state == v1::UPDATE_STATE_ABORTED ||
           state == v1::UPDATE_STATE_TIMED_OUT || state == v1::UPDATE_STATE_FAILED;
}

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toLocalTime().toString(QStringLiteral("HH:mm:ss"));
}

}  // namespace

PhaseStepper::PhaseStepper(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAttribute(Qt::WA_Hover);
}

QList<v1::UpdatePhase> PhaseStepper::phases()
{
    return {v1::UPDATE_PHASE_DEPLOY,         v1::UPDATE_PHASE_PIN,
            v1::UPDATE_PHASE_SWITCH_DEFAULT, v1::UPDATE_PHASE_BLOCK_AND_LOCK,
            v1::UPDATE_PHASE_SYNC_AND_DIFF,  v1::UPDATE_PHASE_DRAIN,
            v1::UPDATE_PHASE_RETIRE};
}

void PhaseStepper::setProgress(v1::UpdatePhase phase, v1::UpdateState state)
{
    if (m_phase == phase && m_state == state)
        return;
    m_phase = phase;
    m_state = state;
    if (indexOf(phase) >= 0)
        m_reached = indexOf(phase);
    else if (phase == v1::UPDATE_PHASE_INITIAL && !isStopped(state))
        m_reached = -1;
    update();
}

void PhaseStepper::setPhaseTimings(
    const google::protobuf::RepeatedPtrField<v1::PhaseTiming>& timings)
{
    m_timings.clear();
    for (const auto& timing : timings) {
        m_timings.append({timing.phase(),
                          timing.has_entered_at() ? models::timestampMs(timing.entered_at()) : 0,
                          timing.has_left_at() ? models::timestampMs(timing.left_at()) : 0});
    }
    update();
}

void PhaseStepper::reset()
{
    m_phase = v1::UPDATE_PHASE_UNSPECIFIED;
    m_state = v1::UPDATE_STATE_UNSPECIFIED;
    m_reached = -1;
    m_timings.clear();
    update();
}

void PhaseStepper::setStale(bool stale)
{
    if (m_stale == stale)
        return;
    m_stale = stale;
    update();
}

int PhaseStepper::reachedIndex() const
{
    if (indexOf(m_phase) >= 0)
        return indexOf(m_phase);
    // In ROLLBACK the timings know the last forward phase even when this
    // stepper never saw it (the console connected during the rollback).
    int reached = m_reached;
    for (const Timing& timing : m_timings)
        reached = qMax(reached, indexOf(timing.phase));
    return m_phase == v1::UPDATE_PHASE_ROLLBACK || isStopped(m_state) ? reached : m_reached;
}

v1::UpdatePhase PhaseStepper::reachedPhase() const
{
    const int reached = reachedIndex();
    return reached < 0 ? v1::UPDATE_PHASE_UNSPECIFIED : phases().at(reached);
}

PhaseStepper::StepState PhaseStepper::stepState(v1::UpdatePhase phase) const
{
    const int step = indexOf(phase);
    const int reached = reachedIndex();
    if (step < 0 || step > reached)
        return StepState::Pending;
    if (step < reached)
        return StepState::Done;
    if (m_state == v1::UPDATE_STATE_COMPLETED || m_state == v1::UPDATE_STATE_FORCE_RETIRED)
        return StepState::Done;
    return isStopped(m_state) ? StepState::Stopped : StepState::Current;
}

QString PhaseStepper::phaseToolTip(v1::UpdatePhase phase) const
{
    QStringList lines{models::phaseName(phase)};
    for (const Timing& timing : m_timings) {
        if (timing.phase != phase || timing.enteredMs == 0)
            continue;
        if (timing.leftMs == 0) {
            lines.append(tr("entered %1, current").arg(timeText(timing.enteredMs)));
        } else {
            lines.append(tr("%1 – %2 (%3)")
                             .arg(timeText(timing.enteredMs), timeText(timing.leftMs),
                                  models::updateDurationText(timing.leftMs - timing.enteredMs)));
        }
    }
    if (lines.size() == 1 && stepState(phase) == StepState::Pending)
        lines.append(tr("not reached"));
    return lines.join(QLatin1Char('\n'));
}

QSize PhaseStepper::sizeHint() const
{
    const QFontMetrics metrics = fontMetrics();
    int widest = 0;
    for (const v1::UpdatePhase phase : phases())
        widest = qMax(widest, metrics.horizontalAdvance(models::phaseName(phase)));
    const int diameter = metrics.height() * 3 / 2;
    const int cell = qMax(widest + 2 * kMargin, diameter + 4 * kMargin);
    return {cell * int(phases().size()), minimumSizeHint().height()};
}

QSize PhaseStepper::minimumSizeHint() const
{
    const QFontMetrics metrics = fontMetrics();
    const int diameter = metrics.height() * 3 / 2;
    const int height = 2 * kMargin + diameter + kLabelGap + kLabelLines * metrics.lineSpacing();
    return {int(phases().size()) * (diameter + 2 * kMargin), height};
}

QRect PhaseStepper::stepRect(int step) const
{
    const int count = int(phases().size());
    const int left = width() * step / count;
    return QRect(left, 0, width() * (step + 1) / count - left, height());
}

int PhaseStepper::stepAt(const QPoint& position) const
{
    for (int step = 0; step < phases().size(); ++step) {
        if (stepRect(step).contains(position))
            return step;
    }
    return -1;
}

QColor PhaseStepper::stepColor(StepState state) const
{
    QColor color;
    switch (state) {
        case StepState::Done:
            color = models::updateStateColor(m_state == v1::UPDATE_STATE_FORCE_RETIRED
                                                 ? v1::UPDATE_STATE_FORCE_RETIRED
                                                 : v1::UPDATE_STATE_COMPLETED);
            break;
        case StepState::Current:
            color = palette().color(QPalette::Highlight);
            break;
        case StepState::Stopped:
            color = models::updateStateColor(m_state);
            break;
        case StepState::Pending:
            color = palette().color(QPalette::Mid);
            break;
    }
    return m_stale || !isEnabled() ? models::staleColor(color) : color;
}

bool PhaseStepper::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int step = stepAt(help->pos());
        if (step < 0) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), phaseToolTip(phases().at(step)), this,
                               stepRect(step));
        }
        return true;
    }
    return QWidget::event(event);
}

void PhaseStepper::paintEvent(QPaintEvent* /*event*/)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QList<v1::UpdatePhase> all = phases();
    const int diameter = fontMetrics().height() * 3 / 2;
    const int centreY = kMargin + diameter / 2;
    // Connectors first, so the circles sit on top of them.
    for (int step = 0; step + 1 < all.size(); ++step) {
        const StepState next = stepState(all.at(step + 1));
        const QColor color =
            stepColor(next == StepState::Pending ? StepState::Pending : StepState::Done);
        painter.setPen(QPen(color, 2));
        painter.drawLine(stepRect(step).center().x() + diameter / 2, centreY,
                         stepRect(step + 1).center().x() - diameter / 2, centreY);
    }
    for (int step = 0; step < all.size(); ++step)
        paintStep(painter, step, stepState(all.at(step)));
}

void PhaseStepper::paintStep(QPainter& painter, int step, StepState state) const
{
    const QRect cell = stepRect(step);
    const int diameter = fontMetrics().height() * 3 / 2;
    const QRectF circle(cell.center().x() - diameter / 2.0, kMargin, diameter, diameter);
    const QColor color = stepColor(state);
    const QColor mark = palette().color(QPalette::Base);
    const QRectF inner =
        circle.adjusted(diameter * 0.3, diameter * 0.3, -diameter * 0.3, -diameter * 0.3);

    painter.setPen(QPen(color, 2));
    painter.setBrush(state == StepState::Pending ? palette().brush(QPalette::Base) : color);
    if (state == StepState::Current)
        painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(circle.adjusted(1, 1, -1, -1));
    painter.setPen(QPen(mark, 2, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    if (state == StepState::Current) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        painter.drawEllipse(inner);
    } else if (state == StepState::Done) {
        QPainterPath check;
        check.moveTo(inner.left(), inner.center().y());
        check.lineTo(inner.center().x() - inner.width() * 0.1, inner.bottom());
        check.lineTo(inner.right(), inner.top());
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(check);
    } else if (state == StepState::Stopped && m_state == v1::UPDATE_STATE_ROLLING_BACK) {
        painter.setBrush(Qt::NoBrush);
        painter.drawArc(inner, 90 * 16, 270 * 16);  // a "going back" arc
    } else if (state == StepState::Stopped) {
        painter.drawLine(inner.topLeft(), inner.bottomRight());
        painter.drawLine(inner.topRight(), inner.bottomLeft());
    }

    QFont font = painter.font();
    font.setBold(state == StepState::Current || state == StepState::Stopped);
    painter.setFont(font);
    // Greyed alike when stale: a darker "pending" would read as the live part.
    const bool greyed = m_stale || !isEnabled();
    painter.setPen(greyed ? palette().color(QPalette::Disabled, QPalette::WindowText)
                          : palette().color(state == StepState::Pending ? QPalette::PlaceholderText
                                                                        : QPalette::WindowText));
    const QRect label(cell.left() + 2, int(circle.bottom()) + kLabelGap, cell.width() - 4,
                      kLabelLines * fontMetrics().lineSpacing());
    painter.drawText(label, Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap,
                     models::phaseName(phases().at(step)));
}

}  // namespace concord::widgets
