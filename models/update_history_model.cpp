#include "models/update_history_model.h"

#include <QDateTime>
#include <QLocale>

#include "models/update_names.h"
#include "models/update_state_names.h"

namespace concord::models {

namespace {

QString text(const std::string& value)
{
    return QString::fromStdString(value);
}

QDateTime dateTime(const google::protobuf::Timestamp& timestamp)
{
    if (timestamp.seconds() == 0 && timestamp.nanos() == 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(timestampMs(timestamp));
}

QString dateTimeText(const google::protobuf::Timestamp& timestamp)
{
    const QDateTime when = dateTime(timestamp);
    return when.isValid() ? QLocale().toString(when.toLocalTime(), QLocale::ShortFormat)
                          : QString();
}

}  // namespace

UpdateHistoryModel::UpdateHistoryModel(QObject* parent) : QAbstractTableModel(parent) {}

void UpdateHistoryModel::setUpdates(const QList<v1::UpdateSummary>& updates)
{
    beginResetModel();
    m_updates = updates;
    endResetModel();
}

void UpdateHistoryModel::setUpdates(
    const google::protobuf::RepeatedPtrField<v1::UpdateSummary>& updates)
{
    setUpdates(QList<v1::UpdateSummary>(updates.begin(), updates.end()));
}

void UpdateHistoryModel::upsert(const v1::UpdateSummary& update)
{
    const int row = rowOf(text(update.update_id()));
    if (row >= 0) {
        m_updates[row] = update;
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, 0, 0);
    m_updates.prepend(update);
    endInsertRows();
}

void UpdateHistoryModel::clear()
{
    beginResetModel();
    m_updates.clear();
    endResetModel();
}

int UpdateHistoryModel::rowOf(const QString& updateId) const
{
    const std::string id = updateId.toStdString();
    for (int row = 0; row < m_updates.size(); ++row) {
        if (m_updates[row].update_id() == id)
            return row;
    }
    return -1;
}

const v1::UpdateSummary& UpdateHistoryModel::summary(int row) const
{
    return m_updates.at(row);
}

int UpdateHistoryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_updates.size());
}

int UpdateHistoryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UpdateHistoryModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const v1::UpdateSummary& update = m_updates[index.row()];
    switch (role) {
        case Qt::DisplayRole:
            return displayData(update, index.column());
        case SortRole:
            return sortData(update, index.column());
        case UpdateIdRole:
            return text(update.update_id());
        case Qt::DecorationRole:
            if (index.column() == State)
                return updateStateColor(update.state());
            return {};
        case Qt::ToolTipRole:
            if (index.column() == State && !update.message().empty())
                return text(update.message());
            return {};
        case Qt::TextAlignmentRole:
            if (index.column() >= Timeliness)
                return int(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        default:
            return {};
    }
}

QVariant UpdateHistoryModel::displayData(const v1::UpdateSummary& update, int column) const
{
    const v1::UpdateMetrics& metrics = update.metrics();
    switch (column) {
        case Id:
            return text(update.update_id());
        case Service:
            return text(update.service());
        case From:
            return text(update.from_version());
        case To:
            return text(update.target_version());
        case Strategy:
            return strategyName(update.strategy());
        case State:
            return updateStateName(update.state());
        case Requested:
            return dateTimeText(update.requested_at());
        case Finished:
            return dateTimeText(update.finished_at());
        case Timeliness:
            return updateDurationText(durationMs(metrics.timeliness()));
        case Disruption:
            return updateDurationText(durationMs(metrics.disruption()));
        case Inconsistent:
            return QString::number(metrics.inconsistent_transactions());
        case Failed:
            return QString::number(metrics.failed_transactions());
        case PeakInstances:
            return QString::number(metrics.peak_instances());
        default:
            return {};
    }
}

QVariant UpdateHistoryModel::sortData(const v1::UpdateSummary& update, int column) const
{
    const v1::UpdateMetrics& metrics = update.metrics();
    switch (column) {
        case Requested:
            return dateTime(update.requested_at());
        case Finished:
            return dateTime(update.finished_at());
        case Timeliness:
            return qlonglong(durationMs(metrics.timeliness()));
        case Disruption:
            return qlonglong(durationMs(metrics.disruption()));
        case Inconsistent:
            return qulonglong(metrics.inconsistent_transactions());
        case Failed:
            return qulonglong(metrics.failed_transactions());
        case PeakInstances:
            return metrics.peak_instances();
        default:
            return displayData(update, column);
    }
}

QVariant UpdateHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
        case Id:
            return tr("Id");
        case Service:
            return tr("Service");
        case From:
            return tr("From");
        case To:
            return tr("To");
        case Strategy:
            return tr("Strategy");
        case State:
            return tr("State");
        case Requested:
            return tr("Requested");
        case Finished:
            return tr("Finished");
        case Timeliness:
            return tr("Timeliness");
        case Disruption:
            return tr("Disruption");
        case Inconsistent:
            return tr("Inconsistent");
        case Failed:
            return tr("Failed");
        case PeakInstances:
            return tr("Peak instances");
        default:
            return {};
    }
}

}  // namespace concord::models
