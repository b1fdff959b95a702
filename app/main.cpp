// concord — the desktop console. Without --controller it starts an embedded
// concordd on the sandbox and connects to it (see app/embedded_controller.h).
#include <QApplication>
#include <QElapsedTimer>
#include <QTimer>
#include <cstdio>

#include "app/console_options.h"
#include "app/console_session.h"
#include "app/main_window.h"
#include "models/version_tree_model.h"

namespace {

// VmRSS of this process in KiB (Linux), 0 if unknown.
long residentKiB()
{
    FILE* status = std::fopen("/proc/self/status", "r");
    if (!status)
        return 0;
    char line[256];
    long kib = 0;
    while (std::fgets(line, sizeof line, status)) {
        if (std::sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    }
    std::fclose(status);
    return kib;
}

// $CONCORD_STARTUP_PROBE=1 (bench_console_startup): print when the window
// first painted and when the mesh first showed, then quit.
void installStartupProbe(concord::app::MainWindow& window, const QElapsedTimer& sinceStart)
{
    QObject::connect(&window, &concord::app::MainWindow::firstPainted, &window, [&sinceStart] {
        std::printf("concord: first-paint-ms %lld rss-kib %ld\n",
                    static_cast<long long>(sinceStart.elapsed()), residentKiB());
        std::fflush(stdout);
    });
    auto* poll = new QTimer(&window);
    QObject::connect(poll, &QTimer::timeout, &window, [&window, &sinceStart, poll] {
        if (window.session()->versions()->rowCount() == 0)
            return;
        poll->stop();
        std::printf("concord: first-data-ms %lld rss-kib %ld\n",
                    static_cast<long long>(sinceStart.elapsed()), residentKiB());
        std::fflush(stdout);
        QTimer::singleShot(0, &window, &QWidget::close);
    });
    poll->start(5);
}

}  // namespace

int main(int argc, char** argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Concord"));
    QApplication::setApplicationName(QStringLiteral("concord"));
    QApplication::setApplicationVersion(QStringLiteral(CONCORD_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.concord.Console"));

    const concord::app::ParsedOptions parsed = concord::app::parseConsoleOptions(app.arguments());
    if (!parsed.options) {
        std::fprintf(stderr, "concord: %s\n\n%s", qPrintable(parsed.error),
                     qPrintable(parsed.helpText));
        return 2;
    }
    if (parsed.options->showHelp) {
        std::printf("%s", qPrintable(parsed.helpText));
        return 0;
    }
    if (parsed.options->showVersion) {
        std::printf("concord %s (Qt %s)\n", CONCORD_VERSION, qVersion());
        return 0;
    }

    concord::app::MainWindow window(*parsed.options);
    if (qEnvironmentVariableIntValue("CONCORD_STARTUP_PROBE") == 1)
        installStartupProbe(window, sinceStart);
    window.show();
    return QApplication::exec();
}
