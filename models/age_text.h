#pragma once

// The Age column of the version tree and the Resources table: "42 s", "5 m",
// "3 h", "2 d". Kept as one number (unit × 10^12 + value) per row, so the
// once-a-second tick compares integers and repaints only rows whose text
// changed, instead of formatting every row's string.

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

namespace concord::models {

class AgeText final
{
    Q_DECLARE_TR_FUNCTIONS(AgeText)

public:
    // The bucket of something created at `createdAtSecs` (Unix seconds), seen at `now`.
    static qint64 bucket(qint64 createdAtSecs, const QDateTime& now);
    // The text of a bucket.
    static QString text(qint64 bucket);
};

}  // namespace concord::models
