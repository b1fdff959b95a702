#include "models/resource_filter_model.h"

#include "models/resource_model.h"

namespace concord::models {

ResourceFilterModel::ResourceFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ResourceModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void ResourceFilterModel::setKind(const QString& kind)
{
    if (m_kind == kind)
        return;
    m_kind = kind;
    invalidateFilter();
}

void ResourceFilterModel::setHealth(std::optional<ResourceHealth> health)
{
    if (m_health == health)
        return;
    m_health = health;
    invalidateFilter();
}

void ResourceFilterModel::setFilterText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (m_text == trimmed)
        return;
    m_text = trimmed;
    invalidateFilter();
}

bool ResourceFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex first = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_kind.isEmpty() && first.data(ResourceModel::KindRole).toString() != m_kind)
        return false;
    if (m_health && first.data(ResourceModel::HealthRole).toInt() != int(*m_health))
        return false;
    return m_text.isEmpty() ||
           first.data(ResourceModel::IdRole).toString().contains(m_text, Qt::CaseInsensitive);
}

}  // namespace concord::models
