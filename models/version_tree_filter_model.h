#pragma once

// Filters the version trees by a text typed by the operator: a version shows
// when its name or image contains the text (case-insensitive), with its
// ancestors; a service whose name contains it shows all its versions.
//
// Which nodes pass is worked out once per filter text (and again after a
// source change), in one pass over the tree: QSortFilterProxyModel's own
// recursive filtering asks for every row's whole subtree, which is quadratic
// on a deep version tree. A new text resets the proxy instead of removing rows
// one range at a time (each removal walks every persistent index of the view).

#include <QList>
#include <QSet>
#include <QSortFilterProxyModel>

namespace concord::models {

class VersionTreeFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VersionTreeFilterModel)

public:
    explicit VersionTreeFilterModel(QObject* parent = nullptr);

    // Meant for a VersionTreeModel (its indexes' internal pointers identify
    // nodes between changes).
    void setSourceModel(QAbstractItemModel* source) override;
    QString filterText() const { return m_text; }

public slots:
    void setFilterText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool matches(const QModelIndex& sourceIndex) const;
    bool collectAccepted(const QModelIndex& sourceParent) const;

    QString m_text;
    QList<QMetaObject::Connection> m_sourceConnections;
    mutable QSet<const void*> m_accepted;  // nodes shown under m_text
    mutable bool m_dirty = true;
};

}  // namespace concord::models
