#pragma once

// The version trees of the mesh: a filter box, the tree (one top-level row per
// service), the details of the selected node and the actions on it — update
// to this version (forward or back: a rollback is an update to an older node)
// and register a child version. The panel only asks; the app opens the
// dialogs and talks to the controller.

#include <QPersistentModelIndex>
#include <QSet>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeView;

namespace concord::models {
class VersionTreeFilterModel;
class VersionTreeModel;
}  // namespace concord::models

namespace concord::widgets {

class VersionTreePanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(VersionTreePanel)

public:
    explicit VersionTreePanel(QWidget* parent = nullptr);
    ~VersionTreePanel() override;

    // The panel filters through its own proxy; it does not own `model`.
    void setModel(models::VersionTreeModel* model);
    models::VersionTreeModel* model() const { return m_model; }
    models::VersionTreeFilterModel* filterModel() const { return m_filter; }
    QTreeView* treeView() const { return m_view; }

    QString currentService() const { return m_currentService; }
    QString currentVersion() const { return m_currentVersion; }
    bool isStale() const { return m_stale; }

public slots:
    // Select and scroll to a node without emitting currentVersionChanged, so
    // another view can sync with the panel without loops. A node hidden by
    // the filter is not selected.
    void selectService(const QString& service);
    void selectVersion(const QString& service, const QString& version);
    // While the controller is unreachable the data stays, the actions don't.
    void setStale(bool stale);

signals:
    void updateRequested(const QString& service, const QString& version);
    // On a service row the parent is its serving version (else its root).
    void registerChildRequested(const QString& service, const QString& parentVersion);
    // `version` is empty when a service row is selected; both are empty when
    // nothing is.
    void currentVersionChanged(const QString& service, const QString& version);

private:
    void buildUi();
    void connectView();
    void onCurrentChanged(const QModelIndex& proxyIndex);
    void onSourceDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight);
    void onProxyReset();
    void onRowsInserted(const QModelIndex& parent, int first, int last);
    void restoreExpansion();
    void scheduleRestoreExpansion();
    void restoreCurrent();
    void showContextMenu(const QPoint& pos);
    void onDoubleClicked(const QModelIndex& proxyIndex);
    void requestUpdate();
    void requestRegister();
    void refreshDetails();
    void refreshActions();
    void clearDetails();
    void resizeColumns();
    QString expansionKey(const QModelIndex& proxyIndex) const;
    QString registerParentFor(const QString& service) const;
    bool canUpdate() const;
    bool canRegister() const;

    models::VersionTreeModel* m_model = nullptr;
    models::VersionTreeFilterModel* m_filter = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    QTreeView* m_view = nullptr;
    QWidget* m_details = nullptr;
    QLabel* m_staleLabel = nullptr;
    QLabel* m_serviceLabel = nullptr;
    QLabel* m_versionLabel = nullptr;
    QLabel* m_parentLabel = nullptr;
    QLabel* m_imageLabel = nullptr;
    QLabel* m_createdLabel = nullptr;
    QLabel* m_stateLabel = nullptr;
    QLabel* m_instancesLabel = nullptr;
    QLabel* m_trafficLabel = nullptr;
    QPushButton* m_updateButton = nullptr;
    QPushButton* m_registerButton = nullptr;
    QAction* m_updateAction = nullptr;
    QAction* m_registerAction = nullptr;

    QString m_currentService;
    QString m_currentVersion;
    QPersistentModelIndex m_currentSource;
    QSet<QString> m_collapsed;  // nodes the operator collapsed; all others expand
    bool m_syncing = false;     // selecting programmatically: no currentVersionChanged
    bool m_restoring = false;   // expanding programmatically: not the operator
    bool m_restorePending = false;
    bool m_columnsSized = false;
    bool m_stale = false;
};

}  // namespace concord::widgets
