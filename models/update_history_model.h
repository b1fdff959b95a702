#pragma once

// Updates with their metrics, newest first: GetHistory fills it (reset) and
// every update that finishes while the console runs is upserted.

#include <QAbstractTableModel>
#include <QList>
#include <QString>

#include "concord/v1/update.pb.h"

namespace concord::models {

class UpdateHistoryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpdateHistoryModel)

public:
    enum Column
    {
        Id,
        Service,
        From,
        To,
        Strategy,
        State,
        Requested,
        Finished,
        Timeliness,
        Disruption,
        Inconsistent,
        Failed,
        PeakInstances,
        ColumnCount
    };
    // Raw values for sorting proxies: numbers as numbers, times as QDateTime.
    static constexpr int SortRole = Qt::UserRole + 1;
    // The update id of the row, whatever the column.
    static constexpr int UpdateIdRole = Qt::UserRole + 2;

    explicit UpdateHistoryModel(QObject* parent = nullptr);

    void setUpdates(const QList<v1::UpdateSummary>& updates);  // newest first; a reset
    void setUpdates(const google::protobuf::RepeatedPtrField<v1::UpdateSummary>& updates);
    // Replaces the row with the same update id, or inserts it at the top.
    void upsert(const v1::UpdateSummary& update);
    void clear();

    // -1 when absent.
    int rowOf(const QString& updateId) const;
    const v1::UpdateSummary& summary(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVariant displayData(const v1::UpdateSummary& update, int column) const;
    QVariant sortData(const v1::UpdateSummary& update, int column) const;

    QList<v1::UpdateSummary> m_updates;
};

}  // namespace concord::models
