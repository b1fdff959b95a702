#include "widgets/connection_bar.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace concord::widgets {

using backend_clients::ConnectionState;

namespace {

QString dot(const QColor& color)
{
    return QStringLiteral("<span style='color:%1; font-size:14pt'>&#9679;</span>")
        .arg(color.name());
}

}  // namespace

ConnectionBar::ConnectionBar(backend_clients::ControllerClient* client, QWidget* parent)
    : QWidget(parent),
      m_client(client),
      m_address(new QLineEdit(this)),
      m_tls(new QCheckBox(this)),
      m_token(new QLineEdit(this)),
      m_connect(new QPushButton(this)),
      m_dot(new QLabel(this)),
      m_status(new QLabel(this)),
      m_retry(new QPushButton(this)),
      m_label(new QLabel(this))
{
    setObjectName(QStringLiteral("connectionBar"));
    m_address->setObjectName(QStringLiteral("controllerAddress"));
    m_address->setMinimumWidth(160);
    m_tls->setObjectName(QStringLiteral("controllerTls"));
    m_token->setObjectName(QStringLiteral("controllerToken"));
    m_token->setEchoMode(QLineEdit::Password);
    m_connect->setObjectName(QStringLiteral("connectButton"));
    m_status->setObjectName(QStringLiteral("connectionStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_retry->hide();

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->addWidget(m_label);
    layout->addWidget(m_address);
    layout->addWidget(m_tls);
    layout->addWidget(m_token);
    layout->addWidget(m_connect);
    layout->addSpacing(12);
    layout->addWidget(m_dot);
    layout->addWidget(m_status, 1);
    layout->addWidget(m_retry);

    connect(m_connect, &QPushButton::clicked, this, [this] {
        backend_clients::ConnectionSettings s = m_client->settings();
        s.address = m_address->text().trimmed();
        s.tls = m_tls->isChecked();
        s.token = m_token->text();
        m_embedded = false;
        emit connectRequested(s);
    });
    connect(m_address, &QLineEdit::returnPressed, m_connect, &QPushButton::click);
    connect(m_retry, &QPushButton::clicked, m_client,
            &backend_clients::ControllerClient::reconnectNow);
    connect(m_client, &backend_clients::ControllerClient::stateChanged, this,
            &ConnectionBar::showState);
    connect(m_client, &backend_clients::ControllerClient::reconnectCountdown, this,
            &ConnectionBar::showCountdown);
    connect(m_client, &backend_clients::ControllerClient::serverInfoChanged, this,
            [this] { showState(m_client->state(), m_client->stateReason()); });
    retranslateUi();
}

void ConnectionBar::retranslateUi()
{
    m_label->setText(tr("Controller:"));
    m_address->setPlaceholderText(tr("host:port"));
    m_tls->setText(tr("TLS"));
    m_token->setPlaceholderText(tr("token"));
    m_connect->setText(tr("Connect"));
    m_retry->setText(tr("Retry now"));
    showState(m_client->state(), m_client->stateReason());
}

void ConnectionBar::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void ConnectionBar::setEmbedded(bool embedded)
{
    m_embedded = embedded;
    fillFromClient();
    showState(m_client->state(), m_client->stateReason());
}

QString ConnectionBar::statusText() const
{
    return m_status->text();
}

void ConnectionBar::fillFromClient()
{
    const auto& s = m_client->settings();
    m_address->setText(s.address);
    m_tls->setChecked(s.tls);
    m_token->setText(s.token);
}

void ConnectionBar::showState(ConnectionState state, const QString& reason)
{
    if (state == ConnectionState::Connecting || state == ConnectionState::Connected)
        fillFromClient();
    m_retry->setVisible(state == ConnectionState::Reconnecting || state == ConnectionState::Failed);
    const QString where = m_embedded
                              ? tr("the embedded sandbox (%1)").arg(m_client->settings().address)
                              : m_client->settings().address;
    switch (state) {
        case ConnectionState::Disconnected:
            m_dot->setText(dot(Qt::gray));
            m_status->setText(tr("Not connected"));
            break;
        case ConnectionState::Connecting:
            m_dot->setText(dot(QColor(0x3d, 0x8e, 0xd8)));
            m_status->setText(tr("Connecting to %1…").arg(where));
            break;
        case ConnectionState::Connected: {
            const auto& info = m_client->serverInfo();
            const QString role =
                info.caller_role() == v1::ROLE_OPERATOR ? tr("operator") : tr("viewer");
            m_dot->setText(dot(QColor(0x2e, 0xa0, 0x43)));
            m_status->setText(tr("Connected to %1 — %2, as %3")
                                  .arg(where, QString::fromStdString(info.mesh_name()), role));
            break;
        }
        case ConnectionState::Reconnecting:
            showCountdown(m_client->reconnectSecondsLeft());
            break;
        case ConnectionState::Failed:
            m_dot->setText(dot(QColor(0xd3, 0x2f, 0x2f)));
            m_status->setText(tr("Failed: %1").arg(reason));
            break;
    }
}

void ConnectionBar::showCountdown(int secondsLeft)
{
    if (m_client->state() != ConnectionState::Reconnecting)
        return;
    m_dot->setText(dot(QColor(0xe0, 0x8a, 0x00)));
    m_status->setText(
        tr("Reconnecting in %n s — %1", nullptr, secondsLeft).arg(m_client->stateReason()));
}

}  // namespace concord::widgets
