#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace concord::app {

// What `concord [options]` was asked to do.
struct ConsoleOptions
{
    QString controller;       // host:port of a remote concordd; empty = embedded sandbox
    QString token;            // bearer token for it ($CONCORD_TOKEN if not given)
    QString tlsCa;            // CA bundle; given = TLS
    bool tls = false;         // --tls without a CA file: the system roots
    QString sandboxTopology;  // topology YAML for the embedded sandbox
    QString language;         // "en", "zh_CN"; empty = the saved choice or the system's
    QString concorddPath;     // --concordd: the daemon binary for the embedded sandbox
    QStringList sandboxArgs;  // extra `concordd serve` flags (tests: --speed, delays)
    bool showVersion = false;
    bool showHelp = false;
};

struct ParsedOptions
{
    std::optional<ConsoleOptions> options;  // nullopt: `error` says why
    QString error;
    QString helpText;
};

// Parses the console's command line (arguments[0] is the program).
ParsedOptions parseConsoleOptions(const QStringList& arguments);

}  // namespace concord::app
