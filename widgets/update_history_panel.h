#pragma once

// Finished updates with their metrics in a sortable table, and the selected
// update's remaining metrics (held and rejected requests, stragglers,
// possible violations) below it. Greyed while the controller is unreachable.

#include <QWidget>

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace concord::models {
class UpdateHistoryModel;
}  // namespace concord::models

namespace concord::widgets {

class UpdateHistoryPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpdateHistoryPanel)

public:
    explicit UpdateHistoryPanel(QWidget* parent = nullptr);

    void setModel(models::UpdateHistoryModel* model);  // not owned
    models::UpdateHistoryModel* model() const { return m_model; }

    void setStale(bool stale);
    bool isStale() const { return m_stale; }

    QTableView* view() const { return m_view; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    // The update id of the selected row; empty without a selection.
    QString selectedUpdateId() const;
    QString detailsText() const;

signals:
    void selectedUpdateChanged(const QString& updateId);

private:
    void refreshDetails();

    models::UpdateHistoryModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_details = nullptr;
    QString m_selectedId;
    bool m_stale = false;
};

}  // namespace concord::widgets
