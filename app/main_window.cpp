#include "app/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>

#include "app/connect_dialog.h"
#include "app/console_session.h"
#include "app/embedded_controller.h"
#include "app/language_manager.h"
#include "app/orchestration_session.h"
#include "app/theme.h"
#include "models/resource_model.h"
#include "models/topology_model.h"
#include "models/version_tree_model.h"
#include "widgets/connection_bar.h"
#include "widgets/event_log_panel.h"
#include "widgets/orchestration_panel.h"
#include "widgets/register_version_dialog.h"
#include "widgets/resources_panel.h"
#include "widgets/topology_view.h"
#include "widgets/update_dialog.h"
#include "widgets/update_history_panel.h"
#include "widgets/update_progress_panel.h"
#include "widgets/version_tree_panel.h"

namespace concord::app {

using backend_clients::CallStatus;
using backend_clients::ConnectionSettings;
using backend_clients::ConnectionState;

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

}  // namespace

MainWindow::MainWindow(const ConsoleOptions& options, QWidget* parent)
    : QMainWindow(parent),
      m_options(options),
      m_session(new ConsoleSession(this)),
      m_languages(new LanguageManager(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/concord.svg")));
    setDockOptions(AnimatedDocks | AllowTabbedDocks | AllowNestedDocks);
    // The version trees run the full height on the left; progress, history
    // and the log share the bottom under the topology.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    m_languages->setLanguage(options.language.isEmpty() ? LanguageManager::initialLanguage()
                                                        : options.language);

    m_connectionBar = new widgets::ConnectionBar(m_session->client(), this);
    auto* bar = new QToolBar(this);
    bar->setObjectName(QStringLiteral("connectionToolBar"));
    bar->setMovable(false);
    bar->addWidget(m_connectionBar);
    addToolBar(Qt::TopToolBarArea, bar);
    connect(m_connectionBar, &widgets::ConnectionBar::connectRequested, this,
            [this](const ConnectionSettings& s) { m_session->client()->connectTo(s); });

    m_statusServer = new QLabel(this);
    statusBar()->addPermanentWidget(m_statusServer);
    connect(m_session, &ConsoleSession::notice, this,
            [this](const QString& text) { statusBar()->showMessage(text, 10000); });
    connect(m_session->client(), &backend_clients::ControllerClient::serverInfoChanged, this,
            [this](const v1::GetServerInfoResponse& info) {
                m_statusServer->setText(
                    tr("concordd %1 · API %2 · %3")
                        .arg(q(info.server_version()), q(info.api_version()), q(info.mesh_name())));
            });
    connect(m_session, &ConsoleSession::rulesExported, this,
            [this](const QString& path, bool ok, const QString& message) {
                if (ok)
                    statusBar()->showMessage(tr("Rules exported to %1").arg(path), 10000);
                else
                    QMessageBox::warning(
                        this, tr("Export rules"),
                        tr("Could not export the rules to %1:\n%2").arg(path, message));
            });

    buildPanels();
    buildMenus();
    retranslateUi();
    resize(1400, 860);
    restoreSettings();
    installEventFilter(this);
    startController(options);
}

MainWindow::~MainWindow()
{
    // Dialogs first: they may still reference the session's models.
    delete m_updateDialog.data();
    delete m_registerDialog.data();
    delete m_resourceDialog.data();
    // The daemon goes before the session it reports to.
    delete m_embedded;
    // Panels go while this is still a MainWindow: a panel being destroyed
    // may still signal the slots that connect it to the others.
    destroyPanels();
}

// --- controller ------------------------------------------------------------

void MainWindow::startController(const ConsoleOptions& options)
{
    if (!options.controller.isEmpty()) {
        ConnectionSettings s;
        s.address = options.controller;
        s.token = options.token;
        s.tls = options.tls;
        s.caFile = options.tlsCa;
        m_session->client()->connectTo(s);
        return;
    }
    connectToEmbedded();
}

void MainWindow::connectToEmbedded()
{
    if (!m_embedded) {
        EmbeddedController::Options o;
        o.concordd = m_options.concorddPath;
        o.topologyFile = m_options.sandboxTopology;
        o.extraArgs = m_options.sandboxArgs;
        m_embedded = new EmbeddedController(o, this);
        connect(m_embedded, &EmbeddedController::ready, this,
                [this](const QString& address, const QString& token) {
                    ConnectionSettings s;
                    s.address = address;
                    s.token = token;
                    // A restarted embedded daemon comes back on the same address:
                    // the client's own reconnect finds it.
                    if (m_session->client()->settings() == s &&
                        m_session->client()->state() == ConnectionState::Reconnecting) {
                        m_session->client()->reconnectNow();
                        return;
                    }
                    m_session->client()->connectTo(s);
                    m_connectionBar->setEmbedded(true);
                });
        connect(m_embedded, &EmbeddedController::failed, this, [this](const QString& reason) {
            m_session->logAction(tr("Embedded controller failed: %1").arg(reason));
            QMessageBox::critical(
                this, tr("Embedded controller"),
                tr("The embedded sandbox controller could not start:\n%1").arg(reason));
        });
        connect(m_embedded, &EmbeddedController::exitedUnexpectedly, this,
                [this](const QString& reason) {
                    m_session->logAction(tr("%1; restarting it").arg(reason));
                });
        m_embedded->start();
        return;
    }
    if (!m_embedded->address().isEmpty()) {
        ConnectionSettings s;
        s.address = m_embedded->address();
        s.token = m_embedded->token();
        m_session->client()->connectTo(s);
        m_connectionBar->setEmbedded(true);
    }
}

// --- panels ------------------------------------------------------------------

QDockWidget* MainWindow::addDock(const QString& objectName, const QString& title, QWidget* content,
                                 Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(content);
    addDockWidget(area, dock);
    m_docks.append(dock);
    return dock;
}

void MainWindow::buildPanels()
{
    m_topologyView = new widgets::TopologyView(this);
    m_topologyView->setObjectName(QStringLiteral("topologyView"));
    m_topologyView->setModel(m_session->topology());
    setCentralWidget(m_topologyView);

    m_versionPanel = new widgets::VersionTreePanel(this);
    m_versionPanel->setModel(m_session->versions());
    m_progressPanel = new widgets::UpdateProgressPanel(this);
    m_progressPanel->setTracker(m_session->updates());
    m_historyPanel = new widgets::UpdateHistoryPanel(this);
    m_historyPanel->setModel(m_session->history());
    m_eventLogPanel = new widgets::EventLogPanel(this);
    m_eventLogPanel->setModel(m_session->eventLog());
    m_resourcesPanel = new widgets::ResourcesPanel(this);
    m_resourcesPanel->setModel(m_session->resources());

    addDock(QStringLiteral("versionsDock"), tr("Version trees"), m_versionPanel,
            Qt::LeftDockWidgetArea);
    QDockWidget* progress = addDock(QStringLiteral("progressDock"), tr("Update progress"),
                                    m_progressPanel, Qt::BottomDockWidgetArea);
    QDockWidget* history = addDock(QStringLiteral("historyDock"), tr("Update history"),
                                   m_historyPanel, Qt::BottomDockWidgetArea);
    QDockWidget* log = addDock(QStringLiteral("eventLogDock"), tr("Event log"), m_eventLogPanel,
                               Qt::BottomDockWidgetArea);
    tabifyDockWidget(progress, history);
    tabifyDockWidget(history, log);
    QDockWidget* resources = addDock(QStringLiteral("resourcesDock"), tr("Resources"),
                                     m_resourcesPanel, Qt::BottomDockWidgetArea);
    tabifyDockWidget(log, resources);
    m_orchestrationPanel = new widgets::OrchestrationPanel(this);
    QDockWidget* orchestration = addDock(QStringLiteral("orchestrationDock"), tr("Orchestration"),
                                         m_orchestrationPanel, Qt::BottomDockWidgetArea);
    tabifyDockWidget(resources, orchestration);
    m_session->orchestration()->attach(m_orchestrationPanel);
    progress->raise();
    wirePanels();
}

void MainWindow::destroyPanels()
{
    for (QDockWidget* dock : std::as_const(m_docks)) {
        removeDockWidget(dock);
        delete dock;
    }
    m_docks.clear();
    delete m_topologyView;
    m_topologyView = nullptr;
}

void MainWindow::wirePanels()
{
    auto* client = m_session->client();
    connect(m_versionPanel, &widgets::VersionTreePanel::updateRequested, this,
            &MainWindow::openUpdateDialog);
    connect(m_versionPanel, &widgets::VersionTreePanel::registerChildRequested, this,
            &MainWindow::openRegisterDialog);
    // Selection follows the operator in both directions; the panels do not
    // re-emit for a programmatic selection, so this cannot loop.
    connect(
        m_versionPanel, &widgets::VersionTreePanel::currentVersionChanged, m_topologyView,
        [this](const QString& service, const QString&) { m_topologyView->selectService(service); });
    connect(m_topologyView, &widgets::TopologyView::serviceSelected, m_versionPanel,
            &widgets::VersionTreePanel::selectService);
    connect(m_progressPanel, &widgets::UpdateProgressPanel::abortRequested, m_session,
            &ConsoleSession::abortUpdate);
    connect(m_progressPanel, &widgets::UpdateProgressPanel::forceRetireRequested, m_session,
            &ConsoleSession::forceRetire);
    auto stale = [this](ConnectionState state) {
        const bool isStale =
            state != ConnectionState::Connected && m_session->versions()->rowCount() > 0;
        m_versionPanel->setStale(isStale);
        m_topologyView->setStale(isStale);
        m_progressPanel->setStale(isStale);
        m_historyPanel->setStale(isStale);
    };
    connect(client, &backend_clients::ControllerClient::stateChanged, this, stale);
    stale(client->state());
    wireResources();
}

void MainWindow::wireResources()
{
    using widgets::ResourcesPanel;
    using Mode = widgets::ResourceYamlDialog::Mode;
    connect(m_resourcesPanel, &ResourcesPanel::probeToggleRequested, m_session,
            &ConsoleSession::setProbeEnabled);
    connect(m_resourcesPanel, &ResourcesPanel::deleteRequested, m_session,
            &ConsoleSession::deleteResource);
    connect(m_resourcesPanel, &ResourcesPanel::editRequested, this,
            [this](const QString& id) { openResourceYaml(id, Mode::Edit); });
    connect(m_resourcesPanel, &ResourcesPanel::viewYamlRequested, this,
            [this](const QString& id) { openResourceYaml(id, Mode::View); });
    auto* client = m_session->client();
    connect(client, &backend_clients::ControllerClient::stateChanged, m_resourcesPanel,
            [this] { refreshResourceActions(); });
    connect(client, &backend_clients::ControllerClient::serverInfoChanged, m_resourcesPanel,
            [this] { refreshResourceActions(); });
    refreshResourceActions();
}

// Acting on Resources, and re-orchestrating, needs the controller and an operator's token.
void MainWindow::refreshResourceActions()
{
    auto* client = m_session->client();
    const bool connected = client->state() == ConnectionState::Connected;
    const bool isOperator = client->serverInfo().caller_role() == v1::ROLE_OPERATOR;
    m_resourcesPanel->setStale(!connected && m_session->resources()->rowCount() > 0);
    m_resourcesPanel->setActionsEnabled(
        connected && isOperator,
        !connected ? tr("The controller is unreachable.")
                   : tr("Your token is a viewer's: it can read Resources, not change them."));
    // Unreachable is the orchestration session's to say (setAvailable).
    if (m_orchestrationPanel)
        m_orchestrationPanel->setMayOrchestrate(
            !connected || isOperator,
            tr("Your token is a viewer's: it can look at orchestrations, not re-orchestrate."));
}

// --- menus -------------------------------------------------------------------

void MainWindow::buildMenus()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_connectAction = m_fileMenu->addAction(QString(), this, &MainWindow::showConnectDialog);
    m_connectAction->setShortcut(QKeySequence(tr("Ctrl+K")));
    m_connectAction->setIcon(QIcon(QStringLiteral(":/icons/connect.svg")));
    m_embeddedAction = m_fileMenu->addAction(QString(), this, &MainWindow::connectToEmbedded);
    m_exportAction = m_fileMenu->addAction(QString(), this, &MainWindow::exportRules);
    m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));
    m_exportAction->setIcon(QIcon(QStringLiteral(":/icons/export.svg")));
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString(), this, &QWidget::close);
    m_quitAction->setShortcut(QKeySequence::Quit);

    m_viewMenu = menuBar()->addMenu(QString());
    m_zoomInAction = m_viewMenu->addAction(QString(), this, [this] { m_topologyView->zoomIn(); });
    m_zoomInAction->setShortcut(QKeySequence::ZoomIn);
    m_zoomInAction->setIcon(QIcon(QStringLiteral(":/icons/zoom-in.svg")));
    m_zoomOutAction = m_viewMenu->addAction(QString(), this, [this] { m_topologyView->zoomOut(); });
    m_zoomOutAction->setShortcut(QKeySequence::ZoomOut);
    m_zoomOutAction->setIcon(QIcon(QStringLiteral(":/icons/zoom-out.svg")));
    m_fitAction = m_viewMenu->addAction(QString(), this, [this] { m_topologyView->fitToView(); });
    m_fitAction->setShortcut(QKeySequence(tr("Ctrl+0")));
    m_fitAction->setIcon(QIcon(QStringLiteral(":/icons/fit.svg")));
    m_viewMenu->addSeparator();
    m_panelsMenu = m_viewMenu->addMenu(QString());
    m_themeMenu = m_viewMenu->addMenu(QString());
    auto* themes = new QActionGroup(this);
    m_lightAction = m_themeMenu->addAction(QString());
    m_darkAction = m_themeMenu->addAction(QString());
    for (QAction* action : {m_lightAction, m_darkAction}) {
        action->setCheckable(true);
        themes->addAction(action);
    }
    m_darkAction->setChecked(QSettings().value(QStringLiteral("ui/theme")).toString() ==
                             QLatin1String("dark"));
    m_lightAction->setChecked(!m_darkAction->isChecked());
    connect(themes, &QActionGroup::triggered, this, [this](QAction* action) {
        const Theme theme = action == m_darkAction ? Theme::Dark : Theme::Light;
        applyTheme(theme);
        QSettings().setValue(QStringLiteral("ui/theme"), themeName(theme));
    });

    m_languageMenu = menuBar()->addMenu(QString());
    m_languageGroup = new QActionGroup(this);
    for (const QString& language : LanguageManager::available()) {
        QAction* action = m_languageMenu->addAction(LanguageManager::nativeName(language));
        action->setCheckable(true);
        action->setData(language);
        action->setChecked(language == m_languages->language());
        m_languageGroup->addAction(action);
    }
    connect(m_languageGroup, &QActionGroup::triggered, this,
            [this](QAction* action) { setLanguage(action->data().toString()); });

    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(QString(), this, &MainWindow::showAbout);
}

void MainWindow::retranslateUi()
{
    setWindowTitle(tr("Concord console"));
    m_fileMenu->setTitle(tr("&File"));
    m_connectAction->setText(tr("&Connect…"));
    m_embeddedAction->setText(tr("Use the &embedded sandbox"));
    m_exportAction->setText(tr("&Export rules as YAML…"));
    m_quitAction->setText(tr("&Quit"));
    m_viewMenu->setTitle(tr("&View"));
    m_zoomInAction->setText(tr("Zoom &in"));
    m_zoomOutAction->setText(tr("Zoom &out"));
    m_fitAction->setText(tr("&Fit the topology"));
    m_panelsMenu->setTitle(tr("&Panels"));
    m_themeMenu->setTitle(tr("&Theme"));
    m_lightAction->setText(tr("&Light"));
    m_darkAction->setText(tr("&Dark"));
    m_languageMenu->setTitle(tr("&Language"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About Concord"));
    m_panelsMenu->clear();
    for (QDockWidget* dock : std::as_const(m_docks))
        m_panelsMenu->addAction(dock->toggleViewAction());
}

// Panels are rebuilt in the new language (their models keep every row; the
// arrangement and selection are restored), menus are retitled in place.
void MainWindow::setLanguage(const QString& language)
{
    if (!m_languages->setLanguage(language))
        return;
    for (QAction* action : m_languageGroup->actions())
        action->setChecked(action->data().toString() == language);
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange && m_fileMenu && !m_rebuilding) {
        m_rebuilding = true;
        const QByteArray state = saveState();
        const int topologyHeight = m_topologyView->height();
        destroyPanels();
        buildPanels();
        restoreState(state);
        // The new topology view starts small; give it back its height.
        m_topologyView->setMinimumHeight(topologyHeight);
        QTimer::singleShot(0, m_topologyView,
                           [view = m_topologyView] { view->setMinimumHeight(120); });
        retranslateUi();
        m_connectionBar->setEmbedded(m_embedded && m_session->client()->settings().address ==
                                                       m_embedded->address());
        m_rebuilding = false;
    }
    QMainWindow::changeEvent(event);
}

// --- dialogs -----------------------------------------------------------------

void MainWindow::openUpdateDialog(const QString& service, const QString& targetVersion)
{
    if (m_updateDialog) {
        m_updateDialog->raise();
        m_updateDialog->activateWindow();
        return;
    }
    auto* client = m_session->client();
    auto* dialog =
        new widgets::UpdateDialog(service, m_session->servingVersion(service), targetVersion, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_updateDialog = dialog;
    connect(dialog, &widgets::UpdateDialog::planRequested, this,
            [client, dialog = QPointer(dialog)](const v1::PlanUpdateRequest& request) {
                client->planUpdate(
                    request, [dialog](const CallStatus& status, const v1::PlanUpdateResponse& r) {
                        if (!dialog)
                            return;
                        if (status.ok())
                            dialog->setPlan(r.plan());
                        else
                            dialog->setPlanError(status.toString());
                    });
            });
    connect(dialog, &widgets::UpdateDialog::startRequested, this,
            [this, dialog = QPointer(dialog)](const v1::StartUpdateRequest& request) {
                m_session->startUpdate(request, [this, dialog](const CallStatus& status,
                                                               const QString& id) {
                    if (!dialog)
                        return;
                    if (!status.ok()) {
                        dialog->setStartError(status.toString());
                        return;
                    }
                    statusBar()->showMessage(tr("Update %1 started").arg(id), 10000);
                    if (QDockWidget* dock = findChild<QDockWidget*>(QStringLiteral("progressDock")))
                        dock->raise();
                    dialog->accept();
                });
            });
    connect(client, &backend_clients::ControllerClient::stateChanged, dialog,
            [dialog](ConnectionState state) {
                dialog->setConnected(state == ConnectionState::Connected);
            });
    dialog->setConnected(client->state() == ConnectionState::Connected);
    dialog->open();
}

void MainWindow::openRegisterDialog(const QString& service, const QString& parentVersion)
{
    if (m_registerDialog) {
        m_registerDialog->raise();
        return;
    }
    QStringList existing;
    const QModelIndex serviceIndex = m_session->versions()->indexOf(service);
    std::function<void(const QModelIndex&)> collect = [&](const QModelIndex& parent) {
        for (int row = 0; row < m_session->versions()->rowCount(parent); ++row) {
            const QModelIndex index = m_session->versions()->index(row, 0, parent);
            existing.append(index.data(models::VersionTreeModel::VersionRole).toString());
            collect(index);
        }
    };
    if (serviceIndex.isValid())
        collect(serviceIndex);
    auto* dialog = new widgets::RegisterVersionDialog(service, existing, parentVersion, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_registerDialog = dialog;
    connect(dialog, &widgets::RegisterVersionDialog::registerRequested, this,
            [this, dialog = QPointer(dialog)](const v1::RegisterVersionRequest& request) {
                m_session->registerVersion(request, [dialog](const CallStatus& status) {
                    if (!dialog)
                        return;
                    if (status.ok())
                        dialog->accept();
                    else
                        dialog->setError(status.toString());
                });
            });
    dialog->open();
}

void MainWindow::openResourceYaml(const QString& id, widgets::ResourceYamlDialog::Mode mode)
{
    using widgets::ResourceYamlDialog;
    if (m_resourceDialog) {
        const bool same = m_resourceDialog->resourceId() == id && m_resourceDialog->mode() == mode;
        // An edit in progress is never thrown away for another dialog.
        const bool editing = m_resourceDialog->hasUnsavedEdit();
        if (same || editing) {
            m_resourceDialog->raise();
            m_resourceDialog->activateWindow();
            return;
        }
        m_resourceDialog->close();
    }
    auto* dialog = new ResourceYamlDialog(id, mode, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_resourceDialog = dialog;
    connectResourceDialog(dialog);
    // Reading stays beside the panel; an edit has the operator's attention.
    if (mode == ResourceYamlDialog::Mode::Edit)
        dialog->open();
    else
        dialog->show();
    dialog->reload();
}

// The dialog asks (GetResource, UpdateResource); the answers go back to it
// unless it was closed meanwhile.
void MainWindow::connectResourceDialog(widgets::ResourceYamlDialog* dialog)
{
    using widgets::ResourceYamlDialog;
    auto* client = m_session->client();
    connect(dialog, &ResourceYamlDialog::reloadRequested, this,
            [client, dialog = QPointer(dialog)](const QString& resourceId) {
                client->getResource(resourceId, [dialog](const CallStatus& status,
                                                         const v1::GetResourceResponse& r) {
                    if (!dialog)
                        return;
                    if (status.ok())
                        dialog->setYaml(q(r.yaml()), r.resource().resource_version());
                    else
                        dialog->setLoadError(status.toString());
                });
            });
    connect(dialog, &ResourceYamlDialog::saveRequested, this,
            [this, dialog = QPointer(dialog)](const v1::UpdateResourceRequest& request) {
                m_session->updateResource(request, [this, dialog](const CallStatus& status) {
                    if (!dialog)
                        return;
                    if (!status.ok()) {
                        dialog->setSaveError(status.code, status.message);
                        return;
                    }
                    statusBar()->showMessage(tr("Resource %1 saved").arg(dialog->resourceId()),
                                             10000);
                    dialog->accept();
                });
            });
    connect(client, &backend_clients::ControllerClient::stateChanged, dialog,
            [dialog](ConnectionState state) {
                dialog->setConnected(state == ConnectionState::Connected);
            });
    dialog->setConnected(client->state() == ConnectionState::Connected);
}

void MainWindow::showConnectDialog()
{
    auto* dialog = new ConnectDialog(m_session->client()->settings(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_connectionBar->setEmbedded(false);
        m_session->logAction(tr("Connect to %1").arg(dialog->settings().address));
        m_session->client()->connectTo(dialog->settings());
    });
    dialog->open();
}

void MainWindow::exportRules()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export rules as YAML"),
                                                      QStringLiteral("concord-rules.yaml"),
                                                      tr("YAML files (*.yaml *.yml)"));
    if (!path.isEmpty())
        m_session->exportRules(path);
}

void MainWindow::showAbout()
{
    const auto& info = m_session->client()->serverInfo();
    QMessageBox::about(
        this, tr("About Concord"),
        tr("<h3>Concord %1</h3><p>Version-consistent dynamic updates of microservices on "
           "Kubernetes and Istio: no request ever sees two versions of one service.</p>"
           "<p>Controller: %2 (concordd %3, API %4)</p><p>Qt %5</p>")
            .arg(QStringLiteral(CONCORD_VERSION),
                 m_session->client()->settings().address.toHtmlEscaped(),
                 q(info.server_version()).toHtmlEscaped(), q(info.api_version()).toHtmlEscaped(),
                 QString::fromLatin1(qVersion())));
}

// --- settings and events ---------------------------------------------------------

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray())) {
        // First start: room for the trees' columns, the topology gets half
        // the height. Docks take sizes only once the window is laid out.
        m_defaultDockSizes = true;
    }
    applyTheme(themeFromName(settings.value(QStringLiteral("ui/theme")).toString()));
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (!m_defaultDockSizes)
        return;
    m_defaultDockSizes = false;
    // First start: the trees get a third of the width, the bottom panels a
    // little under half the height. Docks take sizes only once laid out.
    QTimer::singleShot(0, this, [this] {
        resizeDocks({m_docks.first()}, {width() / 3}, Qt::Horizontal);
        // resizeDocks() does not move the bottom docks here (Qt 6.4); a
        // passing minimum height on the topology does, then it is released.
        m_topologyView->setMinimumHeight(height() / 2 - 60);
        QTimer::singleShot(0, this, [this] { m_topologyView->setMinimumHeight(120); });
    });
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == this && event->type() == QEvent::Paint && !m_painted) {
        m_painted = true;
        QMetaObject::invokeMethod(this, &MainWindow::firstPainted, Qt::QueuedConnection);
    }
    return QMainWindow::eventFilter(watched, event);
}

}  // namespace concord::app
