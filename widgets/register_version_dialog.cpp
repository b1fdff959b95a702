#include "widgets/register_version_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace concord::widgets {

namespace {

constexpr int kMaxLabelLength = 63;

}  // namespace

RegisterVersionDialog::RegisterVersionDialog(const QString& service, const QStringList& versions,
                                             const QString& parentVersion, QWidget* parent)
    : QDialog(parent), m_service(service), m_versions(versions)
{
    setObjectName(QStringLiteral("registerVersionDialog"));
    setWindowTitle(tr("Register child version"));

    auto* serviceEdit = new QLineEdit(service);
    serviceEdit->setObjectName(QStringLiteral("versionService"));
    serviceEdit->setReadOnly(true);
    m_parent = new QComboBox;
    m_parent->setObjectName(QStringLiteral("parentVersion"));
    m_parent->addItems(versions);
    m_parent->setCurrentIndex(std::max(0, int(versions.indexOf(parentVersion))));
    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("versionName"));
    m_name->setPlaceholderText(tr("e.g. v3"));
    m_name->setMaxLength(kMaxLabelLength + 1);  // one more, so "too long" can be said
    m_image = new QLineEdit;
    m_image->setObjectName(QStringLiteral("versionImage"));
    m_image->setPlaceholderText(tr("e.g. registry.example/%1:3.0.0").arg(service));

    auto* form = new QFormLayout;
    form->addRow(tr("Service:"), serviceEdit);
    form->addRow(tr("Parent version:"), m_parent);
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Image:"), m_image);

    m_validation = new QLabel;
    m_validation->setObjectName(QStringLiteral("registerValidation"));
    m_validation->setWordWrap(true);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("registerError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d32f2f;"));
    m_error->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Register"));
    // OK asks the app; the dialog closes only when the controller agreed.
    connect(buttons, &QDialogButtonBox::accepted, this, &RegisterVersionDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_validation);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_name, &QLineEdit::textChanged, this, &RegisterVersionDialog::validate);
    connect(m_image, &QLineEdit::textChanged, this, &RegisterVersionDialog::validate);
    connect(m_parent, &QComboBox::currentIndexChanged, this, &RegisterVersionDialog::validate);
    validate();
    m_name->setFocus();
}

RegisterVersionDialog::~RegisterVersionDialog() = default;

bool RegisterVersionDialog::isDns1123Label(const QString& name)
{
    static const QRegularExpression label(QStringLiteral("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    return name.size() <= kMaxLabelLength && label.match(name).hasMatch();
}

QString RegisterVersionDialog::validationError() const
{
    const QString name = m_name->text();
    const QString image = m_image->text();
    if (m_parent->currentIndex() < 0)
        return tr("The service has no version to derive from.");
    if (name.isEmpty())
        return tr("Enter a name for the new version.");
    if (name.size() > kMaxLabelLength)
        return tr("The name is longer than %1 characters.").arg(kMaxLabelLength);
    if (!isDns1123Label(name))
        return tr(
            "The name must be lowercase letters, digits and '-', starting and ending with "
            "a letter or digit.");
    if (m_versions.contains(name))
        return tr("%1 already has a version named %2.").arg(m_service, name);
    if (image.isEmpty())
        return tr("Enter the container image.");
    if (image.contains(QRegularExpression(QStringLiteral("\\s"))))
        return tr("The image must not contain spaces.");
    return {};
}

v1::RegisterVersionRequest RegisterVersionDialog::request() const
{
    v1::RegisterVersionRequest request;
    request.set_service(m_service.toStdString());
    request.set_parent(m_parent->currentText().toStdString());
    request.set_name(m_name->text().toStdString());
    request.set_image(m_image->text().toStdString());
    return request;
}

void RegisterVersionDialog::setError(const QString& message)
{
    m_error->setText(tr("Not registered: %1").arg(message));
    m_error->show();
    validate();
}

void RegisterVersionDialog::validate()
{
    const QString error = validationError();
    m_validation->setText(error);
    m_validation->setVisible(!error.isEmpty());
    m_ok->setEnabled(error.isEmpty());
}

void RegisterVersionDialog::submit()
{
    if (!validationError().isEmpty())
        return;
    m_error->hide();
    emit registerRequested(request());
}

}  // namespace concord::widgets
