#pragma once

// The console's memory of the updates it watches: the latest UpdateProgress
// per update id and, per update, the series the progress chart draws — the
// DiffSet size over time and the completed transactions per second derived
// from the cumulative completed_count. Series only grow, so a view can append
// the points past the ones it already shows.

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>

#include "concord/v1/update.pb.h"

namespace concord::models {

class UpdateProgressTracker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpdateProgressTracker)

public:
    explicit UpdateProgressTracker(QObject* parent = nullptr);

    // Messages of several updates may interleave; each is kept by update_id
    // (ignored when empty).
    void apply(const v1::UpdateProgress& progress);
    // Forgets every update (e.g. when switching controllers).
    void clear();

    bool contains(const QString& updateId) const;
    // The last message applied; a default instance for an unknown id.
    const v1::UpdateProgress& latest(const QString& updateId) const;
    // x: seconds since the update's first phase was entered (or, without
    // timings, since its first message); y: DiffSet size.
    QList<QPointF> diffSeries(const QString& updateId) const;
    // x as above; y: completed transactions per second since the previous
    // message with a later observed_at.
    QList<QPointF> rateSeries(const QString& updateId) const;
    // Unfinished updates, in the order they were first seen (newest last).
    QStringList activeUpdates() const;
    // Every update, in the order it was first seen.
    QStringList updates() const;

signals:
    void updateAdded(const QString& updateId);
    void progressChanged(const QString& updateId);
    // Once per update, when a terminal state is applied.
    void updateFinished(const QString& updateId);
    void cleared();

private:
    struct Track
    {
        v1::UpdateProgress latest;
        qint64 startMs = 0;
        // The sample the next rate is computed against.
        qint64 rateBaseMs = 0;
        quint64 rateBaseCount = 0;
        QList<QPointF> diff;
        QList<QPointF> rate;
        bool finished = false;
    };
    static qint64 observedMs(const v1::UpdateProgress& progress);
    static qint64 startMsOf(const v1::UpdateProgress& progress, qint64 observed);
    static void appendRate(Track& track, qint64 observed, quint64 completed, double x);

    QHash<QString, Track> m_tracks;
    QStringList m_order;
};

}  // namespace concord::models
