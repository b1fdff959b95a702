// concord-screenshot-tour — drives the real console on its embedded sandbox
// and saves the screenshots kept in docs/ (scripts/screenshots runs it under
// Xvfb): the main window in the light and the dark palette, the update
// dialog with its plan preview, an update while the old version drains, the
// console in Chinese, the console while its controller is gone, the
// Resources panel with the crash-looping probe selected, and the
// Orchestration panel while a re-orchestration starts its pods.
//
//   concord-screenshot-tour OUTPUT_DIR
#include <QApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QDockWidget>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QThread>
#include <QTreeView>
#include <csignal>
#include <cstdio>
#include <functional>

#include "app/console_session.h"
#include "app/embedded_controller.h"
#include "app/main_window.h"
#include "app/orchestration_session.h"
#include "app/theme.h"
#include "models/resource_model.h"
#include "models/update_progress_tracker.h"
#include "models/version_tree_filter_model.h"
#include "models/version_tree_model.h"
#include "widgets/orchestration_panel.h"
#include "widgets/phase_stepper.h"
#include "widgets/resources_panel.h"
#include "widgets/update_dialog.h"
#include "widgets/update_progress_panel.h"
#include "widgets/version_tree_panel.h"

namespace {

using concord::app::MainWindow;

bool waitFor(const std::function<bool()>& done, int ms)
{
    QDeadlineTimer deadline(ms);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return true;
}

void settle(int ms)
{
    waitFor([] { return false; }, ms);
}

bool save(QWidget* widget, const QDir& dir, const char* name)
{
    const QString path = dir.filePath(QString::fromLatin1(name));
    const bool ok = widget->grab().save(path);
    std::printf("%s %s\n", ok ? "saved" : "FAILED", qPrintable(path));
    return ok;
}

// The Resources dock with the crash-looping probe selected (its conditions
// and message in the details), then the progress dock in front again.
bool saveResources(MainWindow& window, const QDir& dir)
{
    const QString id = QStringLiteral("purifier-lab-2");
    auto* resources = window.session()->resources();
    const bool degraded = waitFor(
        [&] {
            const int row = resources->rowOf(id);
            return resources->isSynced() && row >= 0 &&
                   resources->healthAt(row) == concord::models::ResourceHealth::Degraded;
        },
        20000);
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("resourcesDock"));
    if (!degraded || !dock)
        return false;
    // Floated and enlarged: every column and the whole details pane in view.
    dock->raise();
    dock->setFloating(true);
    dock->resize(1400, 620);
    window.resourcesPanel()->selectResource(id);
    settle(500);
    const bool ok = save(dock, dir, "resources.png");
    dock->setFloating(false);
    if (auto* progress = window.findChild<QDockWidget*>(QStringLiteral("progressDock")))
        progress->raise();
    return ok;
}

// Typed like an operator would (a programmatic setText is not an edit, and
// the next poll would refill the field).
void typeInto(QLineEdit* edit, const QString& text)
{
    edit->selectAll();
    for (const QChar c : text) {
        QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, QString(c));
        QCoreApplication::sendEvent(edit, &press);
    }
}

// The Orchestration dock, floated: Things re-orchestrated over 26 instances
// while the new pods start (progress, Pending rows), a runIn lookup with its
// row selected, and a rejected maxInstances with its range.
bool saveOrchestration(MainWindow& window, const QDir& dir)
{
    auto* dock = window.findChild<QDockWidget*>(QStringLiteral("orchestrationDock"));
    auto* page = window.orchestrationPanel()->page(QStringLiteral("thing"));
    if (!dock || !page)
        return false;
    dock->raise();
    dock->setFloating(true);
    dock->resize(1080, 470);
    const auto ready = [page] {
        return page->orchestration() && page->orchestration()->state == QLatin1String("Ready");
    };
    if (!waitFor(ready, 20000))
        return false;
    page->setConfirmer([](const QString&, const QString&) { return true; });
    const auto field = [page](const char* name) {
        return page->findChild<QLineEdit*>(QLatin1String(name));
    };
    typeInto(field("initInstances"), QStringLiteral("5"));
    typeInto(field("maxInstances"), QStringLiteral("50"));
    typeInto(field("resourcePerInstance"), QStringLiteral("200"));
    auto* session = window.session()->orchestration();
    bool answered = false;
    QObject::connect(session, &concord::app::OrchestrationSession::orchestrateFinished, dock,
                     [&answered] { answered = true; });
    page->findChild<QPushButton*>(QStringLiteral("reorchestrateButton"))->click();
    if (!waitFor([&] { return answered; }, 10000))
        return false;
    typeInto(field("runInResourceId"), QStringLiteral("thing-02042"));
    page->findChild<QPushButton*>(QStringLiteral("runInFind"))->click();
    auto* result = page->findChild<QLabel*>(QStringLiteral("runInResult"));
    waitFor([result] { return result->text().contains(QLatin1String("runs in")); }, 5000);
    typeInto(field("maxInstances"), QStringLiteral("2"));
    settle(200);
    const bool ok = save(dock, dir, "orchestration.png");
    waitFor(ready, 20000);
    dock->setFloating(false);
    if (auto* progress = window.findChild<QDockWidget*>(QStringLiteral("progressDock")))
        progress->raise();
    return ok;
}

int fail(const char* what)
{
    std::fprintf(stderr, "concord-screenshot-tour: %s\n", what);
    return 1;
}

}  // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc != 2)
        return fail("usage: concord-screenshot-tour OUTPUT_DIR");
    const QDir out(QString::fromLocal8Bit(argv[1]));
    QStandardPaths::setTestModeEnabled(true);  // never the operator's own settings
    QSettings().clear();
    QApplication::setFont(QFont(QStringLiteral("Noto Sans"), 9));
    concord::app::applyTheme(concord::app::Theme::Light);

    concord::app::ConsoleOptions options;
    options.language = QStringLiteral("en");
    // Twice the wall clock: the drain is still long enough to catch.
    options.sandboxArgs = {QStringLiteral("--speed"), QStringLiteral("2")};
    MainWindow window(options);
    window.resize(1500, 940);
    window.show();
    auto* versions = window.session()->versions();
    if (!waitFor(
            [&] {
                return versions->indexOf(QStringLiteral("auth-service"), QStringLiteral("v2"))
                    .isValid();
            },
            20000))
        return fail("the mesh never arrived");
    settle(3000);  // a few topology refreshes and a laid-out graph
    save(&window, out, "main-window-light.png");
    if (!saveResources(window, out))
        return fail("the Resources never showed the crash-looping probe");
    if (!saveOrchestration(window, out))
        return fail("the Orchestration panel never re-orchestrated");

    window.openUpdateDialog(QStringLiteral("auth-service"), QStringLiteral("v2"));
    auto* dialog = window.updateDialog();
    if (!dialog || !waitFor([&] { return dialog->currentPlan().phases_size() > 0; }, 10000))
        return fail("no plan for the update dialog");
    dialog->resize(900, 640);
    settle(300);
    save(dialog, out, "update-dialog.png");
    auto* start = dialog->findChild<QPushButton*>(QStringLiteral("startButton"));
    if (!start)
        return fail("no Start button");
    start->click();

    auto* progress = window.updateProgressPanel();
    const bool draining = waitFor(
        [&] {
            const auto* series = progress->diffSetSeries();
            return progress->stepper()->currentPhase() == concord::v1::UPDATE_PHASE_DRAIN &&
                   series->count() > 4 && series->points().last().y() > 0;
        },
        60000);
    if (!draining)
        return fail("never caught the drain");
    settle(1500);
    save(&window, out, "draining-update.png");

    if (!waitFor(
            [&] { return progress->stepper()->state() == concord::v1::UPDATE_STATE_COMPLETED; },
            90000))
        return fail("the update did not complete");
    settle(500);
    window.setLanguage(QStringLiteral("zh_CN"));
    settle(1500);
    save(&window, out, "main-window-zh_CN.png");
    window.setLanguage(QStringLiteral("en"));

    // Losing the controller: the last data stays, greyed, and a countdown runs.
    ::kill(pid_t(window.embeddedController()->processId()), SIGKILL);
    auto* client = window.session()->client();
    if (!waitFor(
            [&] {
                return client->state() == concord::backend_clients::ConnectionState::Reconnecting;
            },
            10000))
        return fail("never saw the controller go");
    settle(200);
    save(&window, out, "reconnecting.png");
    if (!waitFor(
            [&] { return client->state() == concord::backend_clients::ConnectionState::Connected; },
            30000))
        return fail("the controller did not come back");

    concord::app::applyTheme(concord::app::Theme::Dark);
    settle(1500);
    save(&window, out, "main-window-dark.png");
    window.close();
    return 0;
}
