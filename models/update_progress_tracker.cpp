#include "models/update_progress_tracker.h"

#include <QDateTime>

#include "models/update_state_names.h"

namespace concord::models {

UpdateProgressTracker::UpdateProgressTracker(QObject* parent) : QObject(parent) {}

qint64 UpdateProgressTracker::observedMs(const v1::UpdateProgress& progress)
{
    // A message without observed_at is placed at its arrival.
    if (!progress.has_observed_at())
        return QDateTime::currentMSecsSinceEpoch();
    return timestampMs(progress.observed_at());
}

qint64 UpdateProgressTracker::startMsOf(const v1::UpdateProgress& progress, qint64 observed)
{
    // The first phase's entry, so a console that connects mid-update still
    // shows times since the update started.
    for (const auto& timing : progress.phase_timings()) {
        if (timing.has_entered_at())
            return qMin(observed, timestampMs(timing.entered_at()));
    }
    return observed;
}

void UpdateProgressTracker::apply(const v1::UpdateProgress& progress)
{
    const QString id = QString::fromStdString(progress.update_id());
    if (id.isEmpty())
        return;
    const qint64 observed = observedMs(progress);
    const bool added = !m_tracks.contains(id);
    Track& track = m_tracks[id];
    if (added) {
        m_order.append(id);
        track.startMs = startMsOf(progress, observed);
        track.rateBaseMs = observed;
        track.rateBaseCount = progress.completed_count();
    }
    track.latest = progress;

    double x = double(observed - track.startMs) / 1000.0;
    if (!track.diff.isEmpty())
        x = qMax(x, track.diff.last().x());  // a clock step back must not fold the line
    track.diff.append(QPointF(x, double(progress.diff_set_size())));
    if (!added)
        appendRate(track, observed, progress.completed_count(), x);

    const bool finishedNow = !track.finished && isTerminalUpdateState(progress.state());
    track.finished = track.finished || finishedNow;
    if (added)
        emit updateAdded(id);
    emit progressChanged(id);
    if (finishedNow)
        emit updateFinished(id);
}

void UpdateProgressTracker::appendRate(Track& track, qint64 observed, quint64 completed, double x)
{
    if (completed < track.rateBaseCount) {
        // The counter restarted (controller restart): a delta across it would
        // mix two counters, so start over from this sample.
        track.rateBaseMs = observed;
        track.rateBaseCount = completed;
        return;
    }
    if (observed <= track.rateBaseMs)
        return;  // same instant: keep the base, the next later sample covers both
    const double seconds = double(observed - track.rateBaseMs) / 1000.0;
    track.rate.append(QPointF(x, double(completed - track.rateBaseCount) / seconds));
    track.rateBaseMs = observed;
    track.rateBaseCount = completed;
}

void UpdateProgressTracker::clear()
{
    m_tracks.clear();
    m_order.clear();
    emit cleared();
}

bool UpdateProgressTracker::contains(const QString& updateId) const
{
    return m_tracks.contains(updateId);
}

const v1::UpdateProgress& UpdateProgressTracker::latest(const QString& updateId) const
{
    const auto it = m_tracks.constFind(updateId);
    return it == m_tracks.cend() ? v1::UpdateProgress::default_instance() : it->latest;
}

QList<QPointF> UpdateProgressTracker::diffSeries(const QString& updateId) const
{
    const auto it = m_tracks.constFind(updateId);
    return it == m_tracks.cend() ? QList<QPointF>() : it->diff;
}

QList<QPointF> UpdateProgressTracker::rateSeries(const QString& updateId) const
{
    const auto it = m_tracks.constFind(updateId);
    return it == m_tracks.cend() ? QList<QPointF>() : it->rate;
}

QStringList UpdateProgressTracker::activeUpdates() const
{
    QStringList active;
    for (const QString& id : m_order) {
        if (!m_tracks[id].finished)
            active.append(id);
    }
    return active;
}

QStringList UpdateProgressTracker::updates() const
{
    return m_order;
}

}  // namespace concord::models
