#pragma once

// Filters the version trees by a text typed by the operator: a version shows
// when its name or image contains the text (case-insensitive), with its
// ancestors; a service whose name contains it shows all its versions.

#include <QSortFilterProxyModel>

namespace concord::models {

class VersionTreeFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VersionTreeFilterModel)

public:
    explicit VersionTreeFilterModel(QObject* parent = nullptr);

    QString filterText() const { return m_text; }

public slots:
    void setFilterText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
};

}  // namespace concord::models
