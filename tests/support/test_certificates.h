#pragma once

// A CA, a server certificate for 127.0.0.1 / localhost and a client
// certificate, made with the openssl CLI in a temporary directory (the TLS
// tests of the daemon and of the console's client).

#include <filesystem>
#include <string>

namespace concord::testing {

class Certificates final
{
public:
    Certificates();
    ~Certificates();
    Certificates(const Certificates&) = delete;
    Certificates& operator=(const Certificates&) = delete;

    bool ok() const { return m_ok; }
    // ca.pem, server.pem, server.key, client.pem, client.key
    std::string path(const std::string& name) const { return (m_dir / name).string(); }
    std::string read(const std::string& name) const;

private:
    bool issue(const std::string& who);

    std::filesystem::path m_dir;
    bool m_ok = false;
};

}  // namespace concord::testing
