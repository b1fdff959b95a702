#pragma once

// Everything the controller streams and every operator action, one row each,
// oldest first. Bounded: past maximumRows() the oldest rows are removed.
// Appends are batched: rows appended within one event-loop turn are inserted
// together at the next turn (or at flush()), so a burst costs one insert.

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QString>

namespace concord::models {

class EventLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogModel)

public:
    enum Column
    {
        Time,
        Severity,
        Source,
        Message,
        ColumnCount
    };
    // Severity::Info etc. name the levels (a name before :: finds only types),
    // a plain Severity the column; SeverityLevel is the type for declarations.
    enum class Severity
    {
        Info,
        Warning,
        Error
    };
    using SeverityLevel = enum Severity;
    // int(Severity) of the row, whatever the column.
    static constexpr int SeverityRole = Qt::UserRole + 1;
    // The QDateTime of the row, whatever the column.
    static constexpr int TimestampRole = Qt::UserRole + 2;
    static constexpr int DefaultMaximumRows = 10'000;

    explicit EventLogModel(QObject* parent = nullptr);

    void append(SeverityLevel severity, const QString& source, const QString& message,
                QDateTime when = QDateTime::currentDateTime());
    // Inserts the pending rows now.
    void flush();
    int pendingCount() const { return int(m_pending.size()); }
    void clear();

    void setMaximumRows(int rows);  // at least 1; trims at once
    int maximumRows() const { return m_maximumRows; }

    static QString severityName(SeverityLevel severity);  // translated

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Entry
    {
        QDateTime when;
        SeverityLevel severity = Severity::Info;
        QString source;
        QString message;
    };
    void removeOldest(int count);

    QList<Entry> m_entries;
    QList<Entry> m_pending;
    int m_maximumRows = DefaultMaximumRows;
    bool m_flushQueued = false;
};

}  // namespace concord::models
