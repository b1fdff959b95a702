// Cold start of the console with its embedded sandbox (issue 4): time from
// exec to the first painted window and to the first mesh data shown, and the
// console's resident memory then. Each run is a new `concord` process with
// fresh settings and a new embedded concordd. Baseline in the same run: the
// same binary with --version (process start and Qt's libraries, no window).
//
//   bench_console_startup [--runs N] [--quick]
//   QT_QPA_PLATFORM=xcb xvfb-run -a bench_console_startup     (a real X server)
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "console_bench.h"

namespace {

struct Run
{
    double firstPaintMs = 0;
    double firstDataMs = 0;
    double rssMiB = 0;
};

using concord::bench::median;

QProcessEnvironment freshEnvironment(const QTemporaryDir& home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Offscreen unless told otherwise (xvfb-run with QT_QPA_PLATFORM=xcb paints for real).
    if (!env.contains(QStringLiteral("QT_QPA_PLATFORM")))
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("CONCORD_STARTUP_PROBE"), QStringLiteral("1"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_STATE_HOME"), home.filePath(QStringLiteral("state")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    return env;
}

// Times from the bench's side: exec of `concord` to each probe line.
bool runOnce(Run& run)
{
    QTemporaryDir home;
    QProcess console;
    console.setProcessEnvironment(freshEnvironment(home));
    console.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer sinceExec;
    sinceExec.start();
    console.start(QStringLiteral(CONCORD_BINARY),
                  {QStringLiteral("--lang"), QStringLiteral("en"), QStringLiteral("--concordd"),
                   QStringLiteral(CONCORDD_BINARY)});
    static const QRegularExpression paint(QStringLiteral("first-paint-ms \\d+ rss-kib (\\d+)"));
    static const QRegularExpression data(QStringLiteral("first-data-ms \\d+ rss-kib (\\d+)"));
    QString out;
    bool painted = false;
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        console.waitForReadyRead(50);
        out += QString::fromUtf8(console.readAllStandardOutput());
        if (!painted && paint.match(out).hasMatch()) {
            painted = true;
            run.firstPaintMs = double(sinceExec.elapsed());
        }
        if (const auto d = data.match(out); d.hasMatch()) {
            run.firstDataMs = double(sinceExec.elapsed());
            run.rssMiB = d.captured(1).toDouble() / 1024.0;
            console.waitForFinished(10000);
            return painted;
        }
        if (console.state() == QProcess::NotRunning)
            break;
    }
    console.kill();
    console.waitForFinished(1000);
    std::fprintf(stderr, "unexpected output: %s\n", qPrintable(out));
    return false;
}

double baselineMs()
{
    QElapsedTimer timer;
    timer.start();
    QProcess version;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!env.contains(QStringLiteral("QT_QPA_PLATFORM")))
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    version.setProcessEnvironment(env);
    version.start(QStringLiteral(CONCORD_BINARY), {QStringLiteral("--version")});
    version.waitForFinished(10000);
    return double(timer.elapsed());
}

}  // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int runs = 7;
    const QStringList args = app.arguments();
    if (args.contains(QStringLiteral("--quick")))
        runs = 3;
    if (const qsizetype at = args.indexOf(QStringLiteral("--runs"));
        at >= 0 && at + 1 < args.size())
        runs = std::max(1, args.at(at + 1).toInt());

    std::vector<double> paint, data, rss, base;
    for (int i = 0; i < runs; ++i) {
        base.push_back(baselineMs());
        Run run;
        if (!runOnce(run))
            return 1;
        paint.push_back(run.firstPaintMs);
        data.push_back(run.firstDataMs);
        rss.push_back(run.rssMiB);
    }
    const double mPaint = median(paint), mData = median(data), mRss = median(rss);
    const double mBase = median(base);
    std::printf("| measure (median of %d cold starts) | value | target |\n|---|---|---|\n", runs);
    std::printf("| baseline: `concord --version` | %.0f ms | |\n", mBase);
    std::printf("| exec → first painted window | %.0f ms (%.1f× baseline) | ≤ 1000 ms |\n", mPaint,
                mPaint / mBase);
    std::printf("| exec → mesh shown (embedded concordd up, first snapshot) | %.0f ms | |\n",
                mData);
    std::printf("| console RSS with the mesh shown | %.1f MiB | ≤ 200 MB |\n", mRss);
    const bool ok = mPaint <= 1000 && mRss <= 200;
    std::printf("\n%s\n", ok ? "targets met" : "TARGET MISSED");
    return ok ? 0 : 1;
}
