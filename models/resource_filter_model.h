#pragma once

// Filters and sorts the Resources table: by kind, by status (the health
// ResourceModel folds the conditions into) and by free text in the id
// (case-insensitive). Sorts by ResourceModel::SortRole. Kept apart from
// ResourceModel so several views can filter one model differently.

#include <QSortFilterProxyModel>
#include <optional>

#include "models/state_palette.h"

namespace concord::models {

class ResourceFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ResourceFilterModel)

public:
    explicit ResourceFilterModel(QObject* parent = nullptr);

    // Empty: every kind.
    void setKind(const QString& kind);
    QString kind() const { return m_kind; }
    // nullopt: every status.
    void setHealth(std::optional<ResourceHealth> health);
    std::optional<ResourceHealth> health() const { return m_health; }
    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_kind;
    std::optional<ResourceHealth> m_health;
    QString m_text;
};

}  // namespace concord::models
