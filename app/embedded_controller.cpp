#include "app/embedded_controller.h"

#include <sys/prctl.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <csignal>

namespace concord::app {

namespace {

QString randomToken()
{
    QByteArray bytes(24, Qt::Uninitialized);
    QRandomGenerator::system()->generate(bytes.begin(), bytes.end());
    return QString::fromLatin1(bytes.toHex());
}

bool isExecutable(const QString& path)
{
    const QFileInfo info(path);
    return !path.isEmpty() && info.isFile() && info.isExecutable();
}

}  // namespace

EmbeddedController::EmbeddedController(Options options, QObject* parent)
    : QObject(parent),
      m_options(std::move(options)),
      m_dir(QDir::tempPath() + QStringLiteral("/concord-embedded-XXXXXX")),
      m_token(randomToken())
{
    m_restartTimer.setSingleShot(true);
    connect(&m_restartTimer, &QTimer::timeout, this, &EmbeddedController::launch);
}

EmbeddedController::~EmbeddedController()
{
    stop();
}

QString EmbeddedController::findConcordd(const QString& preferred)
{
    const QString appDir = QCoreApplication::applicationDirPath();
    const QStringList candidates = {
        preferred,
        qEnvironmentVariable("CONCORD_CONCORDD"),
        appDir + QStringLiteral("/concordd"),
        appDir + QStringLiteral("/../controller/concordd"),
#ifdef CONCORDD_BUILD_PATH
        QStringLiteral(CONCORDD_BUILD_PATH),
#endif
        QStandardPaths::findExecutable(QStringLiteral("concordd")),
    };
    for (const QString& candidate : candidates) {
        if (isExecutable(candidate))
            return QFileInfo(candidate).canonicalFilePath();
    }
    return {};
}

void EmbeddedController::start()
{
    m_stopping = false;
    m_binary = findConcordd(m_options.concordd);
    if (m_binary.isEmpty()) {
        emit failed(tr("cannot find the concordd binary (use --concordd or $CONCORD_CONCORDD)"));
        return;
    }
    if (!m_dir.isValid()) {
        emit failed(tr("cannot create a temporary directory: %1").arg(m_dir.errorString()));
        return;
    }
    launch();
}

QString EmbeddedController::logPath() const
{
    return m_dir.filePath(QStringLiteral("concordd.log"));
}

void EmbeddedController::launch()
{
    if (m_process) {
        m_process->deleteLater();
        m_process = nullptr;
    }
    m_stdout.clear();
    // After a restart the daemon must come back where the client looks.
    const QString listen = m_address.isEmpty() ? QStringLiteral("127.0.0.1:0") : m_address;
    QStringList args = {QStringLiteral("serve"),       QStringLiteral("--sandbox"),
                        QStringLiteral("--listen"),    listen,
                        QStringLiteral("--journal"),   m_dir.filePath(QStringLiteral("journal.db")),
                        QStringLiteral("--token-out"), m_dir.filePath(QStringLiteral("token"))};
    if (!m_options.topologyFile.isEmpty())
        args << QStringLiteral("--topology") << m_options.topologyFile;
    args << m_options.extraArgs;

    m_process = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CONCORD_TOKEN"), m_token);
    m_process->setProcessEnvironment(env);
    m_process->setStandardErrorFile(logPath(), QIODevice::Append);
    // The daemon must not outlive a console that is killed or crashes: the
    // kernel sends it SIGTERM (a clean shutdown) when the console dies.
    const pid_t console = ::getpid();
    m_process->setChildProcessModifier([console] {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != console)  // died before prctl took effect
            ::_exit(1);
    });
    connect(m_process, &QProcess::readyReadStandardOutput, this, &EmbeddedController::readStdout);
    connect(m_process, &QProcess::finished, this, &EmbeddedController::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            emit failed(tr("cannot start %1: %2").arg(m_binary, m_process->errorString()));
    });
    m_process->start(m_binary, args);
}

void EmbeddedController::readStdout()
{
    m_stdout += m_process->readAllStandardOutput();
    static const QByteArray kReady = QByteArrayLiteral("concordd: serving on ");
    const qsizetype at = m_stdout.indexOf(kReady);
    if (at < 0)
        return;
    const qsizetype end = m_stdout.indexOf('\n', at);
    if (end < 0)
        return;
    m_address =
        QString::fromLatin1(m_stdout.mid(at + kReady.size(), end - at - kReady.size())).trimmed();
    m_stdout.clear();
    emit ready(m_address, m_token);
}

void EmbeddedController::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (m_stopping)
        return;
    const QString reason = status == QProcess::CrashExit
                               ? tr("the embedded controller was killed")
                               : tr("the embedded controller exited with status %1").arg(exitCode);
    emit exitedUnexpectedly(reason);
    if (m_address.isEmpty()) {
        // It never became ready: restarting would fail the same way.
        emit failed(tr("%1 (log: %2)").arg(reason, logPath()));
        return;
    }
    ++m_restarts;
    m_restartTimer.start(std::min(500 * m_restarts, 5000));
}

qint64 EmbeddedController::processId() const
{
    return m_process ? m_process->processId() : 0;
}

bool EmbeddedController::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

void EmbeddedController::stop()
{
    m_stopping = true;
    m_restartTimer.stop();
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    // Waiting below still reads the child's output: nothing may be emitted
    // to owners that are being torn down.
    m_process->disconnect(this);
    m_process->terminate();
    if (!m_process->waitForFinished(3000)) {
        m_process->kill();
        m_process->waitForFinished(1000);
    }
}

}  // namespace concord::app
