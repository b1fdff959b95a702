#pragma once

#include <QMetaType>
#include <QString>

namespace concord::backend_clients {

// Where the console's controller is and how to authenticate to it.
struct ConnectionSettings
{
    QString address;  // host:port
    bool tls = false;
    QString caFile;  // PEM bundle that signs the server's certificate; empty = system roots
    QString token;   // bearer token (viewer or operator)

    bool operator==(const ConnectionSettings&) const = default;
};

enum class ConnectionState
{
    Disconnected,  // never connected, or disconnected on purpose
    Connecting,    // first attempt
    Connected,
    Reconnecting,  // lost; the next attempt is counting down
    Failed,        // gave up: bad credentials, bad TLS material, bad address
};

}  // namespace concord::backend_clients

Q_DECLARE_METATYPE(concord::backend_clients::ConnectionSettings)
Q_DECLARE_METATYPE(concord::backend_clients::ConnectionState)
