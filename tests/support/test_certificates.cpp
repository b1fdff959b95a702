#include "support/test_certificates.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace concord::testing {

namespace {

bool run(const std::string& command)
{
    return std::system(command.c_str()) == 0;
}

const std::string kQuiet = " >/dev/null 2>&1";

}  // namespace

Certificates::Certificates()
{
    static std::atomic<int> counter{0};
    m_dir = std::filesystem::temp_directory_path() /
            ("concord-tls-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(m_dir);
    const std::string d = m_dir.string();
    std::ofstream(m_dir / "server.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                           "extendedKeyUsage=serverAuth\n";
    std::ofstream(m_dir / "client.ext") << "extendedKeyUsage=clientAuth\n";
    m_ok = run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=concord-test-ca"
               " -keyout " +
               d + "/ca.key -out " + d + "/ca.pem" + kQuiet) &&
           issue("server") && issue("client");
}

Certificates::~Certificates()
{
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
}

std::string Certificates::read(const std::string& name) const
{
    std::ifstream in(path(name));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool Certificates::issue(const std::string& who)
{
    const std::string d = m_dir.string();
    return run("openssl req -newkey rsa:2048 -nodes -subj /CN=" + who + " -keyout " + d + "/" +
               who + ".key -out " + d + "/" + who + ".csr" + kQuiet) &&
           run("openssl x509 -req -in " + d + "/" + who + ".csr -CA " + d + "/ca.pem -CAkey " + d +
               "/ca.key -CAcreateserial -days 2 -extfile " + d + "/" + who + ".ext -out " + d +
               "/" + who + ".pem" + kQuiet);
}

}  // namespace concord::testing
