// The connection bar follows the client's state: connecting, reconnecting
// with a countdown and "Retry now", failed with the reason; Connect sends
// what the operator typed.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>
#include <QTranslator>

#include "support/qt_test_helpers.h"
#include "widgets/connection_bar.h"

namespace concord::widgets {
namespace {

using backend_clients::ConnectionSettings;
using backend_clients::ConnectionState;
using backend_clients::ControllerClient;

// A loopback port nobody listens on.
QString deadAddress()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    return QStringLiteral("127.0.0.1:%1").arg(server.serverPort());
}

TEST(ConnectionBar, AnUnreachableControllerCountsDownToTheNextAttempt)
{
    ControllerClient client;
    client.setReconnectBackoff(std::chrono::seconds(3), std::chrono::seconds(3));
    ConnectionBar bar(&client);
    bar.show();
    auto* retry = bar.findChild<QPushButton*>(QStringLiteral("retryButton"));
    ASSERT_TRUE(retry);
    EXPECT_TRUE(retry->isHidden());
    ConnectionSettings s;
    s.address = deadAddress();
    client.connectTo(s);
    EXPECT_TRUE(bar.statusText().startsWith(QStringLiteral("Connecting to")))
        << bar.statusText().toStdString();
    CONCORD_TRY_ASSERT(client.state() == ConnectionState::Reconnecting, 10000);
    EXPECT_TRUE(bar.statusText().contains(QStringLiteral("Reconnecting in 3 s")))
        << bar.statusText().toStdString();
    EXPECT_TRUE(bar.statusText().contains(QStringLiteral("UNAVAILABLE")))
        << bar.statusText().toStdString();
    EXPECT_FALSE(retry->isHidden());
    CONCORD_TRY_EXPECT(bar.statusText().contains(QStringLiteral("Reconnecting in 2 s")), 3000);
    // The address field shows where it is trying.
    EXPECT_EQ(bar.findChild<QLineEdit*>(QStringLiteral("controllerAddress"))->text(), s.address);
}

TEST(ConnectionBar, AFailureShowsItsReason)
{
    ControllerClient client;
    ConnectionBar bar(&client);
    ConnectionSettings s;
    s.address = QStringLiteral("127.0.0.1:1");
    s.tls = true;
    s.caFile = QStringLiteral("/nonexistent/ca.pem");
    client.connectTo(s);
    EXPECT_TRUE(bar.statusText().startsWith(QStringLiteral("Failed:")))
        << bar.statusText().toStdString();
    EXPECT_TRUE(bar.statusText().contains(QStringLiteral("/nonexistent/ca.pem")));
}

TEST(ConnectionBar, ConnectSendsWhatTheOperatorTyped)
{
    ControllerClient client;
    ConnectionBar bar(&client);
    QSignalSpy requested(&bar, &ConnectionBar::connectRequested);
    auto* address = bar.findChild<QLineEdit*>(QStringLiteral("controllerAddress"));
    auto* token = bar.findChild<QLineEdit*>(QStringLiteral("controllerToken"));
    auto* tls = bar.findChild<QCheckBox*>(QStringLiteral("controllerTls"));
    ASSERT_TRUE(address && token && tls);
    EXPECT_EQ(token->echoMode(), QLineEdit::Password);
    QTest::keyClicks(address, QStringLiteral("concordd.example:7443"));
    QTest::keyClicks(token, QStringLiteral("s3cret-token"));
    tls->setChecked(true);
    QTest::mouseClick(bar.findChild<QPushButton*>(QStringLiteral("connectButton")), Qt::LeftButton);
    ASSERT_EQ(requested.count(), 1);
    const auto s = requested.at(0).at(0).value<ConnectionSettings>();
    EXPECT_EQ(s.address, QStringLiteral("concordd.example:7443"));
    EXPECT_EQ(s.token, QStringLiteral("s3cret-token"));
    EXPECT_TRUE(s.tls);
}

}  // namespace
}  // namespace concord::widgets

namespace concord::widgets {
namespace {

// A translator installed at run time renames the bar's labels in place.
TEST(ConnectionBar, FollowsALanguageChange)
{
    class Upper final : public QTranslator
    {
    public:
        QString translate(const char* context, const char* source, const char*, int) const override
        {
            if (QLatin1String(context) != QLatin1String("concord::widgets::ConnectionBar"))
                return {};
            return QString::fromUtf8(source).toUpper();
        }
        bool isEmpty() const override { return false; }
    };
    ControllerClient client;
    ConnectionBar bar(&client);
    auto* connect = bar.findChild<QPushButton*>(QStringLiteral("connectButton"));
    ASSERT_TRUE(connect);
    EXPECT_EQ(connect->text(), QStringLiteral("Connect"));
    Upper upper;
    QCoreApplication::installTranslator(&upper);
    QCoreApplication::processEvents();
    EXPECT_EQ(connect->text(), QStringLiteral("CONNECT"));
    EXPECT_EQ(bar.statusText(), QStringLiteral("NOT CONNECTED"));
    QCoreApplication::removeTranslator(&upper);
    QCoreApplication::processEvents();
    EXPECT_EQ(connect->text(), QStringLiteral("Connect"));
}

}  // namespace
}  // namespace concord::widgets
