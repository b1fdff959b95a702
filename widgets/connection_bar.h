#pragma once

// The strip at the top of the main window: which controller, how (TLS,
// token), and the connection's state — connected, reconnecting with a
// countdown and "Retry now", or failed with the reason.

#include <QWidget>

#include "backend_clients/controller_client.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace concord::widgets {

class ConnectionBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionBar)

public:
    explicit ConnectionBar(backend_clients::ControllerClient* client, QWidget* parent = nullptr);

    // "embedded sandbox" instead of an address the operator typed.
    void setEmbedded(bool embedded);
    QString statusText() const;

signals:
    // The operator pressed Connect with these settings.
    void connectRequested(const concord::backend_clients::ConnectionSettings& settings);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void showState(backend_clients::ConnectionState state, const QString& reason);
    void showCountdown(int secondsLeft);
    void fillFromClient();

    backend_clients::ControllerClient* m_client;
    QLineEdit* m_address;
    QCheckBox* m_tls;
    QLineEdit* m_token;
    QPushButton* m_connect;
    QLabel* m_dot;
    QLabel* m_status;
    QPushButton* m_retry;
    QLabel* m_label;
    bool m_embedded = false;
};

}  // namespace concord::widgets
