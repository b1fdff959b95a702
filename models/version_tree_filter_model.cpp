#include "models/version_tree_filter_model.h"

#include "models/version_tree_model.h"

namespace concord::models {

VersionTreeFilterModel::VersionTreeFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

// Our connections come before the base class's, so the cache is marked stale
// before the proxy re-filters the changed rows.
void VersionTreeFilterModel::setSourceModel(QAbstractItemModel* source)
{
    for (const QMetaObject::Connection& c : std::as_const(m_sourceConnections))
        disconnect(c);
    m_sourceConnections.clear();
    m_dirty = true;
    if (source) {
        auto markDirty = [this] { m_dirty = true; };
        m_sourceConnections = {
            connect(source, &QAbstractItemModel::rowsAboutToBeInserted, this, markDirty),
            connect(source, &QAbstractItemModel::rowsInserted, this, markDirty),
            connect(source, &QAbstractItemModel::rowsAboutToBeRemoved, this, markDirty),
            connect(source, &QAbstractItemModel::rowsRemoved, this, markDirty),
            connect(source, &QAbstractItemModel::rowsMoved, this, markDirty),
            connect(source, &QAbstractItemModel::modelReset, this, markDirty),
            connect(source, &QAbstractItemModel::layoutChanged, this, markDirty),
            connect(source, &QAbstractItemModel::dataChanged, this,
                    [this](const QModelIndex& topLeft, const QModelIndex& bottomRight) {
                        // The Age column ticks; only names and images filter.
                        if (topLeft.column() <= VersionTreeModel::Image &&
                            bottomRight.column() >= VersionTreeModel::Version)
                            m_dirty = true;
                    }),
        };
    }
    QSortFilterProxyModel::setSourceModel(source);
}

void VersionTreeFilterModel::setFilterText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    beginResetModel();
    m_text = trimmed;
    m_dirty = true;
    endResetModel();
}

bool VersionTreeFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_text.isEmpty())
        return true;
    if (m_dirty) {
        m_accepted.clear();
        collectAccepted({});
        m_dirty = false;
    }
    return m_accepted.contains(sourceModel()->index(sourceRow, 0, sourceParent).internalPointer());
}

// The service name is on every row, so a matching service keeps its whole
// tree without a special case.
bool VersionTreeFilterModel::matches(const QModelIndex& index) const
{
    auto contains = [&](const QVariant& value) {
        return value.toString().contains(m_text, Qt::CaseInsensitive);
    };
    if (contains(index.data(VersionTreeModel::ServiceRole)))
        return true;
    if (index.data(VersionTreeModel::IsServiceRole).toBool())
        return false;
    return contains(index.data(VersionTreeModel::VersionRole)) ||
           contains(index.siblingAtColumn(VersionTreeModel::Image).data());
}

// Depth first: a node is shown when it matches or a descendant does.
bool VersionTreeFilterModel::collectAccepted(const QModelIndex& parent) const
{
    const QAbstractItemModel* source = sourceModel();
    bool any = false;
    for (int row = 0; row < source->rowCount(parent); ++row) {
        const QModelIndex index = source->index(row, 0, parent);
        const bool descendant = source->hasChildren(index) && collectAccepted(index);
        if (descendant || matches(index)) {
            m_accepted.insert(index.internalPointer());
            any = true;
        }
    }
    return any;
}

}  // namespace concord::models
