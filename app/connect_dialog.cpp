#include "app/connect_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace concord::app {

ConnectDialog::ConnectDialog(const backend_clients::ConnectionSettings& current, QWidget* parent)
    : QDialog(parent),
      m_address(new QLineEdit(current.address, this)),
      m_tls(new QCheckBox(tr("Use TLS"), this)),
      m_caFile(new QLineEdit(current.caFile, this)),
      m_token(new QLineEdit(current.token, this)),
      m_problem(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("connectDialog"));
    setWindowTitle(tr("Connect to a controller"));
    m_address->setObjectName(QStringLiteral("connectAddress"));
    m_address->setPlaceholderText(tr("host:port, e.g. concordd.example.com:7443"));
    m_tls->setChecked(current.tls);
    m_caFile->setObjectName(QStringLiteral("connectCaFile"));
    m_caFile->setPlaceholderText(tr("system root certificates"));
    m_token->setObjectName(QStringLiteral("connectToken"));
    m_token->setEchoMode(QLineEdit::Password);
    m_problem->setObjectName(QStringLiteral("connectProblem"));
    m_problem->setStyleSheet(QStringLiteral("color: #d32f2f"));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));

    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(browse);
    auto* form = new QFormLayout(this);
    form->addRow(tr("Address:"), m_address);
    form->addRow(QString(), m_tls);
    form->addRow(tr("CA certificates:"), caRow);
    form->addRow(tr("Token:"), m_token);
    form->addRow(m_problem);
    form->addRow(m_buttons);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("CA certificates"), {}, tr("PEM files (*.pem *.crt);;All files (*)"));
        if (!file.isEmpty())
            m_caFile->setText(file);
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit* edit : {m_address, m_caFile, m_token})
        connect(edit, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(m_tls, &QCheckBox::toggled, this, &ConnectDialog::validate);
    validate();
}

backend_clients::ConnectionSettings ConnectDialog::settings() const
{
    backend_clients::ConnectionSettings s;
    s.address = m_address->text().trimmed();
    s.caFile = m_caFile->text().trimmed();
    s.tls = m_tls->isChecked() || !s.caFile.isEmpty();
    s.token = m_token->text().trimmed();
    return s;
}

void ConnectDialog::validate()
{
    QString problem;
    const QString address = m_address->text().trimmed();
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const int port = colon > 0 ? address.mid(colon + 1).toInt(&portOk) : 0;
    if (address.isEmpty())
        problem = tr("Enter the controller's host:port.");
    else if (colon <= 0 || !portOk || port <= 0 || port > 65535)
        problem = tr("The address needs a port between 1 and 65535 (host:port).");
    else if (!m_caFile->text().trimmed().isEmpty() &&
             !QFileInfo(m_caFile->text().trimmed()).isReadable())
        problem = tr("The CA file cannot be read.");
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

}  // namespace concord::app
