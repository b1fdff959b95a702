#pragma once

// The event log: everything the controller streams and every operator action,
// newest at the bottom (following new rows while scrolled to the bottom),
// filtered by text and minimum severity; Ctrl+C, the context menu and the
// Copy button put the selected rows (all shown rows without a selection) on
// the clipboard as tab-separated text.

#include <QWidget>

class QAction;
class QComboBox;
class QLineEdit;
class QPushButton;
class QTableView;

namespace concord::models {
class EventLogFilterModel;
class EventLogModel;
}  // namespace concord::models

namespace concord::widgets {

class EventLogPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogPanel)

public:
    explicit EventLogPanel(QWidget* parent = nullptr);

    void setModel(models::EventLogModel* model);  // not owned
    models::EventLogModel* model() const { return m_model; }
    models::EventLogFilterModel* filterModel() const { return m_filter; }
    QTableView* view() const { return m_view; }
    QAction* copyAction() const { return m_copy; }

    // The text Copy puts on the clipboard.
    QString selectedText() const;

public slots:
    void copySelection();
    void clearLog();

private:
    void onRowsAboutToBeInserted();
    void onRowsInserted();

    models::EventLogModel* m_model = nullptr;
    models::EventLogFilterModel* m_filter = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    QComboBox* m_severity = nullptr;
    QTableView* m_view = nullptr;
    QAction* m_copy = nullptr;
    QPushButton* m_copyButton = nullptr;
    QPushButton* m_clearButton = nullptr;
    bool m_followBottom = true;
};

}  // namespace concord::widgets
