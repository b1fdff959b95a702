#pragma once

// A node of an item model's tree: owns its children, knows its parent and its
// row, so tree models keep their data in one structure and never hand-roll
// index bookkeeping. Put a TreeItem* in QModelIndex::internalPointer().
//
// Rows are cached and renumbered on insert/take (O(siblings)), so row() is
// O(1) — parent() of a model is called far more often than rows change.

#include <QModelIndex>
#include <QtGlobal>
#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace concord::models {

template <class T>
class TreeItem final
{
    Q_DISABLE_COPY_MOVE(TreeItem)

public:
    using Children = std::vector<std::unique_ptr<TreeItem>>;

    TreeItem() = default;
    explicit TreeItem(T value) : m_value(std::move(value)) {}

    T& value() { return m_value; }
    const T& value() const { return m_value; }

    TreeItem* parent() const { return m_parent; }
    // Row within the parent; 0 for the root.
    int row() const { return m_row; }
    int childCount() const { return static_cast<int>(m_children.size()); }
    // nullptr when out of range.
    TreeItem* child(int row) const
    {
        return row >= 0 && row < childCount() ? m_children[static_cast<size_t>(row)].get()
                                              : nullptr;
    }
    const Children& children() const { return m_children; }

    TreeItem* insertChild(int row, std::unique_ptr<TreeItem> item)
    {
        row = std::clamp(row, 0, childCount());
        item->m_parent = this;
        TreeItem* raw = item.get();
        m_children.insert(m_children.begin() + row, std::move(item));
        renumberFrom(row);
        return raw;
    }
    TreeItem* appendChild(std::unique_ptr<TreeItem> item)
    {
        item->m_parent = this;
        item->m_row = childCount();
        m_children.push_back(std::move(item));
        return m_children.back().get();
    }
    TreeItem* appendChild(T value)
    {
        return appendChild(std::make_unique<TreeItem>(std::move(value)));
    }

    std::unique_ptr<TreeItem> takeChild(int row)
    {
        if (row < 0 || row >= childCount())
            return nullptr;
        std::unique_ptr<TreeItem> item = std::move(m_children[static_cast<size_t>(row)]);
        m_children.erase(m_children.begin() + row);
        renumberFrom(row);
        item->m_parent = nullptr;
        item->m_row = 0;
        return item;
    }
    void clearChildren() { m_children.clear(); }

    // Where `candidate` goes among children kept sorted by
    // `less(const TreeItem&, const TreeItem&)`: after its equals.
    template <class Less>
    int sortedRow(const TreeItem& candidate, Less less) const
    {
        const auto it = std::upper_bound(
            m_children.begin(), m_children.end(), candidate,
            [&](const TreeItem& a, const std::unique_ptr<TreeItem>& b) { return less(a, *b); });
        return static_cast<int>(it - m_children.begin());
    }

    // Sorts the children (stable) and renumbers them: for building a tree
    // before handing it to a model (inside a reset), never while views watch.
    template <class Less>
    void sortChildren(Less less)
    {
        std::stable_sort(m_children.begin(), m_children.end(),
                         [&](const std::unique_ptr<TreeItem>& a,
                             const std::unique_ptr<TreeItem>& b) { return less(*a, *b); });
        renumberFrom(0);
    }

    bool isAncestorOf(const TreeItem* other) const
    {
        for (const TreeItem* p = other ? other->m_parent : nullptr; p; p = p->m_parent) {
            if (p == this)
                return true;
        }
        return false;
    }

private:
    void renumberFrom(int row)
    {
        for (int i = row; i < childCount(); ++i)
            m_children[static_cast<size_t>(i)]->m_row = i;
    }

    T m_value{};
    TreeItem* m_parent = nullptr;
    int m_row = 0;
    Children m_children;
};

// The item behind `index`, or `root` for an invalid index (the model's root).
template <class T>
TreeItem<T>* treeItemFromIndex(const QModelIndex& index, TreeItem<T>* root)
{
    return index.isValid() ? static_cast<TreeItem<T>*>(index.internalPointer()) : root;
}

}  // namespace concord::models
