#pragma once

// The concordd the console starts when it is given no controller: a child
// process (QProcess: fork+exec, never a fork of this gRPC-initialised
// process) serving the sandbox on a loopback port with a random operator
// token and a journal in a private temporary directory. If the child dies it
// is restarted on the same port and journal, so the console reconnects to it
// like to any controller that came back.

#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>

namespace concord::app {

class EmbeddedController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmbeddedController)

public:
    struct Options
    {
        QString concordd;      // binary; empty = findConcordd()
        QString topologyFile;  // empty = the built-in example system
        QStringList extraArgs;
    };

    explicit EmbeddedController(Options options, QObject* parent = nullptr);
    ~EmbeddedController() override;  // stops the child (SIGTERM, then SIGKILL)

    void start();
    void stop();

    QString address() const { return m_address; }  // "127.0.0.1:PORT" once ready
    QString token() const { return m_token; }
    qint64 processId() const;
    bool isRunning() const;
    int restarts() const { return m_restarts; }
    QString logPath() const;  // the daemon's stderr

    // The daemon binary: --concordd, $CONCORD_CONCORDD, next to the console,
    // the build tree, then $PATH. Empty when none is found.
    static QString findConcordd(const QString& preferred = {});

signals:
    void ready(const QString& address, const QString& token);
    void failed(const QString& reason);
    void exitedUnexpectedly(const QString& reason);

private:
    void launch();
    void readStdout();
    void onFinished(int exitCode, QProcess::ExitStatus status);

    Options m_options;
    QTemporaryDir m_dir;
    QProcess* m_process = nullptr;
    QString m_binary;
    QString m_token;
    QString m_address;
    QByteArray m_stdout;
    QTimer m_restartTimer;
    bool m_stopping = false;
    int m_restarts = 0;
};

}  // namespace concord::app
