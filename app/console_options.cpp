#include "app/console_options.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace concord::app {

ParsedOptions parseConsoleOptions(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "concord::app",
        "Concord console: version-consistent updates of microservices. Without --controller it "
        "starts an embedded controller on the sandbox."));
    const QCommandLineOption helpOption(
        {QStringLiteral("h"), QStringLiteral("help")},
        QCoreApplication::translate("concord::app", "Show this help and exit."));
    const QCommandLineOption versionOption(
        {QStringLiteral("v"), QStringLiteral("version")},
        QCoreApplication::translate("concord::app", "Show the version and exit."));
    const QCommandLineOption controllerOption(
        QStringLiteral("controller"),
        QCoreApplication::translate("concord::app", "Connect to the concordd at <host:port>."),
        QStringLiteral("host:port"));
    const QCommandLineOption tokenOption(
        QStringLiteral("token"),
        QCoreApplication::translate("concord::app",
                                    "Bearer token for the controller (default: $CONCORD_TOKEN)."),
        QStringLiteral("token"));
    const QCommandLineOption tlsOption(
        QStringLiteral("tls"), QCoreApplication::translate(
                                   "concord::app", "Use TLS with the system's root certificates."));
    const QCommandLineOption tlsCaOption(
        QStringLiteral("tls-ca"),
        QCoreApplication::translate("concord::app",
                                    "Use TLS, trusting the CA certificates in <file> (PEM)."),
        QStringLiteral("file"));
    const QCommandLineOption topologyOption(
        QStringLiteral("sandbox-topology"),
        QCoreApplication::translate("concord::app",
                                    "Topology YAML for the embedded sandbox (default: the "
                                    "example system)."),
        QStringLiteral("file"));
    const QCommandLineOption langOption(
        QStringLiteral("lang"),
        QCoreApplication::translate("concord::app", "User interface language: en or zh_CN."),
        QStringLiteral("language"));
    const QCommandLineOption concorddOption(
        QStringLiteral("concordd"),
        QCoreApplication::translate("concord::app",
                                    "The concordd binary for the embedded sandbox."),
        QStringLiteral("path"));
    parser.addOptions({helpOption, versionOption, controllerOption, tokenOption, tlsOption,
                       tlsCaOption, topologyOption, langOption, concorddOption});

    ParsedOptions result;
    result.helpText = parser.helpText();
    if (!parser.parse(arguments)) {
        result.error = parser.errorText();
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.error = QCoreApplication::translate("concord::app", "unexpected argument '%1'")
                           .arg(parser.positionalArguments().first());
        return result;
    }
    ConsoleOptions o;
    o.showHelp = parser.isSet(helpOption);
    o.showVersion = parser.isSet(versionOption);
    o.controller = parser.value(controllerOption).trimmed();
    o.token = parser.isSet(tokenOption) ? parser.value(tokenOption)
                                        : qEnvironmentVariable("CONCORD_TOKEN");
    o.tlsCa = parser.value(tlsCaOption);
    o.tls = parser.isSet(tlsOption) || !o.tlsCa.isEmpty();
    o.sandboxTopology = parser.value(topologyOption);
    o.language = parser.value(langOption);
    o.concorddPath = parser.value(concorddOption);
    if (!o.language.isEmpty() && o.language != QLatin1String("en") &&
        o.language != QLatin1String("zh_CN")) {
        result.error =
            QCoreApplication::translate("concord::app", "unknown language '%1' (use en or zh_CN)")
                .arg(o.language);
        return result;
    }
    if (parser.isSet(controllerOption) && !o.controller.contains(QLatin1Char(':'))) {
        result.error =
            QCoreApplication::translate("concord::app", "--controller needs host:port, got '%1'")
                .arg(o.controller);
        return result;
    }
    if (!o.controller.isEmpty() && !o.sandboxTopology.isEmpty()) {
        result.error = QCoreApplication::translate(
            "concord::app",
            "--sandbox-topology is for the embedded sandbox, not with --controller");
        return result;
    }
    result.options = o;
    return result;
}

}  // namespace concord::app
