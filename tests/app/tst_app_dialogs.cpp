// The app's own pieces without a window: the connect dialog's validation and
// the embedded controller's failure paths.
#include <gtest/gtest.h>

#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>
#include <csignal>

#include "app/connect_dialog.h"
#include "app/embedded_controller.h"
#include "support/qt_test_helpers.h"

namespace concord::app {
namespace {

QPushButton* okButton(ConnectDialog& dialog)
{
    return dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
}

TEST(ConnectDialog, NeedsAHostAndAPortBeforeItConnects)
{
    ConnectDialog dialog({});
    auto* address = dialog.findChild<QLineEdit*>(QStringLiteral("connectAddress"));
    auto* problem = dialog.findChild<QLabel*>(QStringLiteral("connectProblem"));
    ASSERT_TRUE(address && problem);
    EXPECT_FALSE(okButton(dialog)->isEnabled());
    for (const char* bad : {"hostonly", "host:", "host:0", "host:70000", "host:http"}) {
        address->setText(QString::fromLatin1(bad));
        EXPECT_FALSE(okButton(dialog)->isEnabled()) << bad;
        EXPECT_FALSE(problem->text().isEmpty()) << bad;
    }
    address->setText(QStringLiteral("concordd.example:7443"));
    EXPECT_TRUE(okButton(dialog)->isEnabled());
    EXPECT_EQ(dialog.settings().address, QStringLiteral("concordd.example:7443"));
    EXPECT_FALSE(dialog.settings().tls);
}

TEST(ConnectDialog, ACaFileMeansTlsAndMustBeReadable)
{
    backend_clients::ConnectionSettings current;
    current.address = QStringLiteral("h:1");
    ConnectDialog dialog(current);
    auto* ca = dialog.findChild<QLineEdit*>(QStringLiteral("connectCaFile"));
    ca->setText(QStringLiteral("/nonexistent/ca.pem"));
    EXPECT_FALSE(okButton(dialog)->isEnabled());
    QTemporaryFile file;
    ASSERT_TRUE(file.open());
    ca->setText(file.fileName());
    EXPECT_TRUE(okButton(dialog)->isEnabled());
    EXPECT_TRUE(dialog.settings().tls);
    EXPECT_EQ(dialog.settings().caFile, file.fileName());
}

// --concordd first, then $CONCORD_CONCORDD, then the places a build or an
// install puts it; a candidate that is not an executable file is skipped.
TEST(EmbeddedController, FindsTheDaemonInItsOrderOfPreference)
{
    QTemporaryDir dir;
    const QString fake = dir.filePath(QStringLiteral("concordd"));
    QFile file(fake);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\n");
    file.close();
    qputenv("CONCORD_CONCORDD", fake.toLocal8Bit());
    EXPECT_NE(EmbeddedController::findConcordd(), fake);  // not executable yet: skipped
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    EXPECT_EQ(EmbeddedController::findConcordd(), QFileInfo(fake).canonicalFilePath());
    EXPECT_EQ(EmbeddedController::findConcordd(QStringLiteral(CONCORDD_BINARY)),
              QFileInfo(QStringLiteral(CONCORDD_BINARY)).canonicalFilePath());
    qunsetenv("CONCORD_CONCORDD");
    EXPECT_FALSE(EmbeddedController::findConcordd(QStringLiteral("/nonexistent")).isEmpty());
}

TEST(EmbeddedController, ADaemonThatNeverBecomesReadyFailsWithItsLog)
{
    EmbeddedController::Options options;
    options.concordd = QStringLiteral(CONCORDD_BINARY);
    options.topologyFile = QStringLiteral("/nonexistent/topology.yaml");
    EmbeddedController controller(options);
    QSignalSpy failed(&controller, &EmbeddedController::failed);
    QSignalSpy ready(&controller, &EmbeddedController::ready);
    controller.start();
    CONCORD_TRY_ASSERT(failed.count() == 1, 20000);
    EXPECT_EQ(ready.count(), 0);
    EXPECT_TRUE(failed.at(0).at(0).toString().contains(controller.logPath()));
    EXPECT_EQ(controller.restarts(), 0);  // never restarted: it would fail again
}

TEST(EmbeddedController, ServesOnLoopbackWithARandomToken)
{
    EmbeddedController::Options options;
    options.concordd = QStringLiteral(CONCORDD_BINARY);
    EmbeddedController a(options), b(options);
    QSignalSpy readyA(&a, &EmbeddedController::ready);
    a.start();
    CONCORD_TRY_ASSERT(readyA.count() == 1, 20000);
    EXPECT_TRUE(a.address().startsWith(QStringLiteral("127.0.0.1:")));
    EXPECT_GE(a.token().size(), 32);
    EXPECT_NE(a.token(), b.token());
    const qint64 pid = a.processId();
    a.stop();
    EXPECT_FALSE(a.isRunning());
    EXPECT_NE(pid, 0);
}

// The children of `parent` whose command line mentions concordd (/proc).
QList<qint64> concorddChildrenOf(qint64 parent)
{
    QList<qint64> children;
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!stat.open(QIODevice::ReadOnly) || !cmdline.open(QIODevice::ReadOnly))
            continue;
        // "pid (comm) state ppid ...": the ppid follows the closing parenthesis.
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields.at(1).toLongLong() == parent &&
            cmdline.readAll().contains("concordd"))
            children.append(pid);
    }
    return children;
}

bool alive(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    return !text.mid(text.lastIndexOf(')') + 2).startsWith('Z');
}

// A console that is killed (or crashes) takes its embedded daemon with it;
// the daemon used to live on, orphaned, serving a sandbox nobody could reach.
TEST(EmbeddedController, TheDaemonDiesWithAKilledConsole)
{
    QProcess console;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    QTemporaryDir home;
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path());
    console.setProcessEnvironment(env);
    console.start(QStringLiteral(CONCORD_BINARY),
                  {QStringLiteral("--concordd"), QStringLiteral(CONCORDD_BINARY)});
    ASSERT_TRUE(console.waitForStarted());
    QList<qint64> daemons;
    CONCORD_TRY_ASSERT(!(daemons = concorddChildrenOf(console.processId())).isEmpty(), 20000);
    ::kill(pid_t(console.processId()), SIGKILL);
    console.waitForFinished(5000);
    CONCORD_TRY_EXPECT(!alive(daemons.first()), 10000);
    if (alive(daemons.first()))
        ::kill(pid_t(daemons.first()), SIGKILL);
}

}  // namespace
}  // namespace concord::app
