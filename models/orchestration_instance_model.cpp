#include "models/orchestration_instance_model.h"

#include <QHash>
#include <QLocale>
#include <QRegularExpression>

namespace concord::models {

namespace {

using backend_clients::OrchestratorInstanceDto;

const QColor kGreen(0x2e, 0xa0, 0x43);
const QColor kAmber(0xe0, 0x8a, 0x00);
const QColor kRed(0xd3, 0x2f, 0x2f);

// A tooltip names at most this many ids or ranges of ids, this many a line.
constexpr int kTooltipEntries = 64;
constexpr int kTooltipEntriesPerLine = 4;

bool sameInstance(const OrchestratorInstanceDto& a, const OrchestratorInstanceDto& b)
{
    return a.used == b.used && a.count == b.count && a.resources == b.resources &&
           a.reloadTimes == b.reloadTimes && a.heartbeat == b.heartbeat &&
           a.heartbeatAgeMs == b.heartbeatAgeMs && a.podName == b.podName &&
           a.podPhase == b.podPhase && a.recreations == b.recreations;
}

double fillRatio(const OrchestratorInstanceDto& row)
{
    return row.count > 0 ? double(row.used) / double(row.count) : 0.0;
}

bool isStale(const OrchestratorInstanceDto& row)
{
    return row.heartbeatAgeMs > OrchestrationInstanceModel::kHeartbeatWindowMs;
}

struct SplitId
{
    QString prefix;
    qlonglong number = -1;
    qsizetype width = 0;
    bool padded = false;  // "00042": the next id keeps the width
};

SplitId splitId(const QString& id)
{
    static const QRegularExpression trailingDigits(QStringLiteral("^(.*?)(\\d+)$"));
    const QRegularExpressionMatch match = trailingDigits.match(id);
    if (!match.hasMatch())
        return {id};
    const QString digits = match.captured(2);
    return {match.captured(1), digits.toLongLong(), digits.size(),
            digits.size() > 1 && digits.startsWith(QLatin1Char('0'))};
}

}  // namespace

OrchestrationInstanceModel::OrchestrationInstanceModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void OrchestrationInstanceModel::setInstances(const QList<OrchestratorInstanceDto>& instances)
{
    QHash<QString, const OrchestratorInstanceDto*> incoming;
    incoming.reserve(instances.size());
    for (const auto& instance : instances)
        incoming.insert(instance.id, &instance);
    removeRowsNotIn(QSet<QString>(incoming.keyBegin(), incoming.keyEnd()));

    QList<int> changed;
    QSet<QString> present;
    for (int row = 0; row < m_rows.size(); ++row) {
        OrchestratorInstanceDto& current = m_rows[row];
        present.insert(current.id);
        const OrchestratorInstanceDto& next = *incoming.value(current.id);
        if (sameInstance(current, next))
            continue;
        current = next;
        changed.append(row);
    }
    emitChangedRuns(changed);

    QList<OrchestratorInstanceDto> added;
    for (const auto& instance : instances) {
        if (present.contains(instance.id))
            continue;
        present.insert(instance.id);  // a duplicated id in one answer gives one row
        added.append(instance);
    }
    if (added.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + added.size() - 1));
    m_rows.append(added);
    endInsertRows();
}

// One dataChanged per contiguous run of changed rows: a poll where every
// heartbeat moved is one signal, not one per row.
void OrchestrationInstanceModel::emitChangedRuns(const QList<int>& rows)
{
    for (qsizetype i = 0; i < rows.size();) {
        qsizetype last = i;
        while (last + 1 < rows.size() && rows[last + 1] == rows[last] + 1)
            ++last;
        emit dataChanged(index(rows[i], 0), index(rows[last], ColumnCount - 1));
        i = last + 1;
    }
}

void OrchestrationInstanceModel::removeRowsNotIn(const QSet<QString>& ids)
{
    // Backwards, one signal per contiguous run of gone rows.
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        if (ids.contains(m_rows[row].id)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !ids.contains(m_rows[first - 1].id))
            --first;
        beginRemoveRows({}, first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
}

void OrchestrationInstanceModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    endRemoveRows();
}

int OrchestrationInstanceModel::rowOf(const QString& instanceId) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].id == instanceId)
            return row;
    }
    return -1;
}

const OrchestratorInstanceDto& OrchestrationInstanceModel::instance(int row) const
{
    return m_rows.at(row);
}

int OrchestrationInstanceModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OrchestrationInstanceModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant OrchestrationInstanceModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const OrchestratorInstanceDto& row = m_rows[index.row()];
    const int column = index.column();
    switch (role) {
        case Qt::DisplayRole:
            return displayData(row, column);
        case SortRole:
            return sortData(row, column);
        case Qt::ToolTipRole:
            return toolTip(row, column);
        case FillRatioRole:
            return fillRatio(row);
        case InstanceIdRole:
            return row.id;
        case StaleHeartbeatRole:
            return isStale(row);
        case Qt::DecorationRole:
            return column == Pod ? QVariant(podPhaseColor(row.podPhase)) : QVariant();
        case Qt::ForegroundRole:
            return column == Heartbeat && isStale(row) ? QVariant(kRed) : QVariant();
        case Qt::TextAlignmentRole:
            if (column == Load || column == ReloadTimes || column == Heartbeat)
                return int(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        default:
            return {};
    }
}

QVariant OrchestrationInstanceModel::displayData(const OrchestratorInstanceDto& row,
                                                 int column) const
{
    switch (column) {
        case Id:
            return row.id;
        case Load:
            return tr("%1 / %2").arg(row.used).arg(row.count);
        case Resources: {
            const QStringList first = row.resources.mid(0, kListedResources);
            const bool more = row.resources.size() > kListedResources;
            return tr("%1: %2%3")
                .arg(row.resources.size())
                .arg(first.join(QStringLiteral(", ")), more ? QStringLiteral(", …") : QString());
        }
        case ReloadTimes:
            return row.reloadTimes;
        case Heartbeat:
            return ageText(row.heartbeatAgeMs);
        case Pod:
            return tr("%1 (%2)").arg(row.podName, podPhaseName(row.podPhase));
        default:
            return {};
    }
}

QVariant OrchestrationInstanceModel::sortData(const OrchestratorInstanceDto& row, int column) const
{
    switch (column) {
        case Id:
            return row.id;
        case Load:
            return row.used;
        case Resources:
            return int(row.resources.size());
        case ReloadTimes:
            return row.reloadTimes;
        case Heartbeat:
            return row.heartbeatAgeMs;
        case Pod:
            return row.podPhase;
        default:
            return {};
    }
}

QVariant OrchestrationInstanceModel::toolTip(const OrchestratorInstanceDto& row, int column) const
{
    switch (column) {
        case Load:
            return tr("%1 of %2 resource slots used (%3 %)")
                .arg(row.used)
                .arg(row.count)
                .arg(qRound(fillRatio(row) * 100));
        case Resources: {
            QStringList ranges = idRanges(row.resources);
            const qsizetype hidden = std::max<qsizetype>(0, ranges.size() - kTooltipEntries);
            ranges = ranges.mid(0, kTooltipEntries);
            QStringList lines;
            for (qsizetype i = 0; i < ranges.size(); i += kTooltipEntriesPerLine)
                lines.append(ranges.mid(i, kTooltipEntriesPerLine).join(QStringLiteral(", ")));
            if (hidden > 0)
                lines.append(tr("… and %n more", nullptr, int(hidden)));
            return tr("%n resource(s):", nullptr, int(row.resources.size())) + QLatin1Char('\n') +
                   lines.join(QLatin1Char('\n'));
        }
        case ReloadTimes:
            return tr("The instance reloaded its resource set %n time(s)", nullptr,
                      row.reloadTimes);
        case Heartbeat: {
            const QString when =
                row.heartbeat.isValid()
                    ? QLocale().toString(row.heartbeat.toLocalTime(), QLocale::LongFormat)
                    : tr("never");
            return isStale(row) ? tr("Last heartbeat %1: missed the %2 s window, the orchestrator "
                                     "recreates the instance")
                                      .arg(when)
                                      .arg(kHeartbeatWindowMs / 1000)
                                : tr("Last heartbeat %1").arg(when);
        }
        case Pod:
            return tr("Pod %1: %2; recreated %n time(s)", nullptr, row.recreations)
                .arg(row.podName, podPhaseName(row.podPhase));
        default:
            return {};
    }
}

QVariant OrchestrationInstanceModel::headerData(int section, Qt::Orientation orientation,
                                                int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
        case Id:
            return tr("Instance");
        case Load:
            return tr("Used / count");
        case Resources:
            return tr("Resources");
        case ReloadTimes:
            return tr("Reloads");
        case Heartbeat:
            return tr("Heartbeat");
        case Pod:
            return tr("Pod");
        default:
            return {};
    }
}

QString OrchestrationInstanceModel::ageText(qint64 ms)
{
    const qint64 seconds = std::max<qint64>(0, ms) / 1000;
    if (seconds < 120)
        return tr("%n s ago", nullptr, int(seconds));
    if (seconds < 120 * 60)
        return tr("%n min ago", nullptr, int(seconds / 60));
    return tr("%n h ago", nullptr, int(seconds / 3600));
}

QColor OrchestrationInstanceModel::podPhaseColor(const QString& phase)
{
    if (phase == QLatin1String("Running"))
        return kGreen;
    if (phase == QLatin1String("Pending"))
        return kAmber;
    return kRed;
}

QString OrchestrationInstanceModel::podPhaseName(const QString& phase)
{
    if (phase == QLatin1String("Running"))
        return tr("Running");
    if (phase == QLatin1String("Pending"))
        return tr("Pending");
    if (phase == QLatin1String("Succeeded"))
        return tr("Succeeded");
    if (phase == QLatin1String("Failed"))
        return tr("Failed");
    if (phase == QLatin1String("Unknown"))
        return tr("Unknown");
    return phase;  // a phase this console does not know: as the server says it
}

QStringList OrchestrationInstanceModel::idRanges(const QStringList& ids)
{
    QStringList ranges;
    auto flush = [&ranges](const QString& first, const QString& last, qlonglong length) {
        if (length >= 3)
            ranges.append(tr("%1 – %2").arg(first, last));
        else if (length == 2)
            ranges << first << last;
        else
            ranges << first;
    };
    QString first;
    QString last;
    SplitId previous;
    qlonglong length = 0;
    for (const QString& id : ids) {
        const SplitId split = splitId(id);
        const bool continues =
            length > 0 && split.number >= 0 && previous.number >= 0 &&
            split.prefix == previous.prefix &&
            (split.width == previous.width || (!split.padded && !previous.padded)) &&
            split.number == previous.number + 1;
        if (!continues) {
            if (length > 0)
                flush(first, last, length);
            first = id;
            length = 0;
        }
        last = id;
        previous = split;
        ++length;
    }
    if (length > 0)
        flush(first, last, length);
    return ranges;
}

}  // namespace concord::models
