#pragma once

#include <QDialog>

#include "backend_clients/connection_settings.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QDialogButtonBox;

namespace concord::app {

// File → Connect…: a remote controller's address, TLS (with an optional CA
// bundle) and token, checked before the dialog can be accepted.
class ConnectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDialog)

public:
    explicit ConnectDialog(const backend_clients::ConnectionSettings& current,
                           QWidget* parent = nullptr);

    backend_clients::ConnectionSettings settings() const;

private:
    void validate();

    QLineEdit* m_address;
    QCheckBox* m_tls;
    QLineEdit* m_caFile;
    QLineEdit* m_token;
    QLabel* m_problem;
    QDialogButtonBox* m_buttons;
};

}  // namespace concord::app
