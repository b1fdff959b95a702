#pragma once

// The console's main window: the live topology in the middle, the version
// trees, update progress, history and event log in dockable panels (their
// arrangement saved in QSettings), the connection bar on top, and the menus.
// It owns the ConsoleSession (client + models) and, without --controller,
// the embedded concordd it connects to.

#include <QMainWindow>
#include <QPointer>

#include "app/console_options.h"
#include "widgets/register_version_dialog.h"
#include "widgets/resource_yaml_dialog.h"
#include "widgets/update_dialog.h"

class QActionGroup;
class QDockWidget;
class QLabel;

namespace concord::widgets {
class ConnectionBar;
class EventLogPanel;
class OrchestrationPanel;
class ResourcesPanel;
class TopologyView;
class UpdateHistoryPanel;
class UpdateProgressPanel;
class VersionTreePanel;
}  // namespace concord::widgets

namespace concord::app {

class ConsoleSession;
class EmbeddedController;
class LanguageManager;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const ConsoleOptions& options, QWidget* parent = nullptr);
    ~MainWindow() override;

    ConsoleSession* session() const { return m_session; }
    EmbeddedController* embeddedController() const { return m_embedded; }
    LanguageManager* languageManager() const { return m_languages; }

    widgets::ConnectionBar* connectionBar() const { return m_connectionBar; }
    widgets::VersionTreePanel* versionTreePanel() const { return m_versionPanel; }
    widgets::TopologyView* topologyView() const { return m_topologyView; }
    widgets::UpdateProgressPanel* updateProgressPanel() const { return m_progressPanel; }
    widgets::UpdateHistoryPanel* updateHistoryPanel() const { return m_historyPanel; }
    widgets::EventLogPanel* eventLogPanel() const { return m_eventLogPanel; }
    widgets::ResourcesPanel* resourcesPanel() const { return m_resourcesPanel; }
    widgets::OrchestrationPanel* orchestrationPanel() const { return m_orchestrationPanel; }
    // The update dialog while it is open (tests drive it).
    widgets::UpdateDialog* updateDialog() const { return m_updateDialog; }
    widgets::RegisterVersionDialog* registerDialog() const { return m_registerDialog; }
    widgets::ResourceYamlDialog* resourceDialog() const { return m_resourceDialog; }

    void setLanguage(const QString& language);

public slots:
    void openUpdateDialog(const QString& service, const QString& targetVersion);
    void openRegisterDialog(const QString& service, const QString& parentVersion);
    // A Resource's YAML, read-only or to edit (one dialog at a time).
    void openResourceYaml(const QString& id, widgets::ResourceYamlDialog::Mode mode);

signals:
    // Emitted once, after the window first painted (start-up benchmark).
    void firstPainted();

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void startController(const ConsoleOptions& options);
    void connectToEmbedded();
    void buildPanels();
    void destroyPanels();
    void buildMenus();
    void wirePanels();
    void wireResources();
    void refreshResourceActions();
    void connectResourceDialog(widgets::ResourceYamlDialog* dialog);
    QDockWidget* addDock(const QString& objectName, const QString& title, QWidget* content,
                         Qt::DockWidgetArea area);
    void retranslateUi();
    void showConnectDialog();
    void exportRules();
    void showAbout();
    void restoreSettings();
    void saveSettings() const;

    ConsoleOptions m_options;
    ConsoleSession* m_session;
    LanguageManager* m_languages;
    EmbeddedController* m_embedded = nullptr;

    widgets::ConnectionBar* m_connectionBar = nullptr;
    widgets::TopologyView* m_topologyView = nullptr;
    widgets::VersionTreePanel* m_versionPanel = nullptr;
    widgets::UpdateProgressPanel* m_progressPanel = nullptr;
    widgets::UpdateHistoryPanel* m_historyPanel = nullptr;
    widgets::EventLogPanel* m_eventLogPanel = nullptr;
    widgets::ResourcesPanel* m_resourcesPanel = nullptr;
    widgets::OrchestrationPanel* m_orchestrationPanel = nullptr;
    QList<QDockWidget*> m_docks;
    QPointer<widgets::UpdateDialog> m_updateDialog;
    QPointer<widgets::RegisterVersionDialog> m_registerDialog;
    QPointer<widgets::ResourceYamlDialog> m_resourceDialog;

    QMenu* m_fileMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_panelsMenu = nullptr;
    QMenu* m_themeMenu = nullptr;
    QMenu* m_languageMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QAction* m_connectAction = nullptr;
    QAction* m_embeddedAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_zoomInAction = nullptr;
    QAction* m_zoomOutAction = nullptr;
    QAction* m_fitAction = nullptr;
    QAction* m_lightAction = nullptr;
    QAction* m_darkAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QActionGroup* m_languageGroup = nullptr;
    QLabel* m_statusServer = nullptr;
    bool m_painted = false;
    bool m_defaultDockSizes = false;  // no saved arrangement: size the docks when shown
    bool m_rebuilding = false;
};

}  // namespace concord::app
