#pragma once

// The old version's instances of a running update with their TraceidSet sizes
// and lock state. Each progress message replaces the list; rows are diffed by
// instance name so views keep selection and scroll position between ticks.

#include <QAbstractTableModel>
#include <QList>
#include <QSet>
#include <QString>

#include "concord/v1/update.pb.h"

namespace concord::models {

class OldInstanceModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OldInstanceModel)

public:
    enum Column
    {
        Name,
        TraceIdSetSize,
        Locked,
        ColumnCount
    };
    // Raw values for sorting proxies (qulonglong size, bool locked).
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit OldInstanceModel(QObject* parent = nullptr);

    // New names are appended, gone names removed, changed rows reported with
    // dataChanged; never a reset.
    void setInstances(const google::protobuf::RepeatedPtrField<v1::OldInstance>& instances);
    void clear();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString name;
        quint64 traceIdSetSize = 0;
        bool locked = false;
    };
    void removeRowsNotIn(const QSet<QString>& names);

    QList<Row> m_rows;
};

}  // namespace concord::models
