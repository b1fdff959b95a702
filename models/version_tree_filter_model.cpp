#include "models/version_tree_filter_model.h"

#include "models/version_tree_model.h"

namespace concord::models {

VersionTreeFilterModel::VersionTreeFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void VersionTreeFilterModel::setFilterText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    m_text = trimmed;
    invalidateFilter();
}

bool VersionTreeFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_text.isEmpty())
        return true;
    const QAbstractItemModel* source = sourceModel();
    const QModelIndex index = source->index(sourceRow, VersionTreeModel::Version, sourceParent);
    auto matches = [&](const QVariant& value) {
        return value.toString().contains(m_text, Qt::CaseInsensitive);
    };
    // The service name is on every row, so a matching service keeps its
    // whole tree without walking up.
    if (matches(index.data(VersionTreeModel::ServiceRole)))
        return true;
    if (index.data(VersionTreeModel::IsServiceRole).toBool())
        return false;
    return matches(index.data(VersionTreeModel::VersionRole)) ||
           matches(source->index(sourceRow, VersionTreeModel::Image, sourceParent).data());
}

}  // namespace concord::models
