#pragma once

// The stragglers of an update: trace ids that stay in the DiffSet longer than
// the TTL, oldest (largest age) first. The controller lists at most 100 of
// them; totalCount() is the full number it reports. Rows are diffed by trace
// id so views keep their selection between ticks.

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QString>

#include "concord/v1/update.pb.h"

namespace concord::models {

class StragglerModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StragglerModel)

public:
    enum Column
    {
        TraceId,
        Age,
        ColumnCount
    };
    // Raw values for sorting proxies (QString trace id, qlonglong age in ms).
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit StragglerModel(QObject* parent = nullptr);

    // Gone trace ids removed, ages updated in place, rows re-sorted by age
    // (layoutChanged, only when the order changes), new ids inserted at their
    // place; never a reset.
    void setStragglers(const google::protobuf::RepeatedPtrField<v1::Straggler>& stragglers);
    void clear();

    // straggler_count of the progress: may exceed rowCount().
    void setTotalCount(quint64 count);
    quint64 totalCount() const { return m_totalCount; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    void totalCountChanged(quint64 count);

private:
    struct Row
    {
        QString traceId;
        qint64 ageMs = 0;
    };
    void removeGone(const QHash<QString, qint64>& incoming);
    void updateAges(const QHash<QString, qint64>& incoming);
    void restoreOrder();
    void insertSorted(const Row& row);

    QList<Row> m_rows;
    quint64 m_totalCount = 0;
};

}  // namespace concord::models
