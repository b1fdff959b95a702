#include "widgets/resource_yaml_dialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTextBlock>
#include <QVBoxLayout>

#include "widgets/yaml_highlighter.h"

namespace concord::widgets {

namespace {

// gRPC status codes the dialog tells apart.
constexpr int kInvalidArgument = 3;
constexpr int kNotFound = 5;
constexpr int kAborted = 10;

const QString kErrorStyle = QStringLiteral("color: #d32f2f;");

QLabel* messageLabel(const char* objectName)
{
    auto* label = new QLabel;
    label->setObjectName(QLatin1String(objectName));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(kErrorStyle);
    label->hide();
    return label;
}

// "<edit>:7:5: spec.probeEnabled: expected a boolean"
// (core::parseResourceYaml), or yaml-cpp's "line 7, column 5"; {0, 0} when the
// message names no place.
std::pair<int, int> lineColumnOf(const QString& message)
{
    static const QRegularExpression sourceForm(QStringLiteral(R"((?:^|:)(\d+):(\d+)(?=:|\s|$))"));
    static const QRegularExpression proseForm(QStringLiteral(R"(line (\d+), column (\d+))"));
    for (const QRegularExpression* form : {&sourceForm, &proseForm}) {
        const QRegularExpressionMatch match = form->match(message);
        if (match.hasMatch())
            return {match.captured(1).toInt(), match.captured(2).toInt()};
    }
    return {0, 0};
}

}  // namespace

ResourceYamlDialog::ResourceYamlDialog(const QString& resourceId, Mode mode, QWidget* parent)
    : QDialog(parent), m_id(resourceId), m_mode(mode)
{
    setObjectName(QStringLiteral("resourceYamlDialog"));
    setWindowTitle(mode == Mode::Edit ? tr("Edit resource %1").arg(resourceId)
                                      : tr("Resource %1").arg(resourceId));

    m_editor = new QPlainTextEdit;
    m_editor->setObjectName(QStringLiteral("resourceYaml"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setReadOnly(true);  // until the YAML is there
    m_editor->setPlaceholderText(tr("Loading…"));
    m_highlighter = new YamlHighlighter(m_editor->document());

    m_error = messageLabel("yamlError");
    m_connection = messageLabel("yamlConnection");
    m_connection->setText(
        tr("The controller is unreachable. Your text is kept; "
           "Save is possible again once it "
           "is back."));

    auto* buttons = new QDialogButtonBox;
    m_reload = buttons->addButton(tr("Reload"), QDialogButtonBox::ResetRole);
    m_reload->setObjectName(QStringLiteral("reloadButton"));
    if (mode == Mode::Edit) {
        m_save = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
        m_save->setObjectName(QStringLiteral("saveButton"));
        m_save->setShortcut(QKeySequence::Save);
        buttons->addButton(QDialogButtonBox::Cancel);
    } else {
        buttons->addButton(QDialogButtonBox::Close);
    }
    // Save is answered asynchronously: the app accepts once the controller agreed.
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_reload, &QPushButton::clicked, this, &ResourceYamlDialog::reload);
    if (m_save)
        connect(m_save, &QPushButton::clicked, this, &ResourceYamlDialog::save);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_connection);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    refreshButtons();
    resize(720, 640);
}

ResourceYamlDialog::~ResourceYamlDialog() = default;

QString ResourceYamlDialog::text() const
{
    return m_editor->toPlainText();
}

bool ResourceYamlDialog::hasUnsavedEdit() const
{
    return m_mode == Mode::Edit && m_editor->document()->isModified();
}

QString ResourceYamlDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

v1::UpdateResourceRequest ResourceYamlDialog::updateRequest() const
{
    v1::UpdateResourceRequest request;
    request.set_id(m_id.toStdString());
    request.set_yaml(text().toStdString());
    request.set_expected_version(m_version);
    return request;
}

void ResourceYamlDialog::reload()
{
    emit reloadRequested(m_id);
}

void ResourceYamlDialog::setYaml(const QString& yaml, quint64 resourceVersion)
{
    m_editor->setPlainText(yaml);
    m_editor->document()->setModified(false);
    m_editor->setReadOnly(m_mode == Mode::View);
    m_version = resourceVersion;
    m_loaded = true;
    m_staleEdit = false;
    clearError();
    refreshButtons();
}

void ResourceYamlDialog::setLoadError(const QString& message)
{
    showError(tr("Could not load the resource: %1").arg(message));
    refreshButtons();
}

void ResourceYamlDialog::save()
{
    if (!m_save || !m_save->isEnabled())
        return;
    m_saving = true;
    clearError();
    refreshButtons();
    emit saveRequested(updateRequest());
}

void ResourceYamlDialog::setSaveError(int code, const QString& message)
{
    m_saving = false;
    switch (code) {
        case kInvalidArgument: {
            showError(tr("The controller refused the manifest: %1").arg(message));
            const auto [line, column] = lineColumnOf(message);
            markErrorAt(line, column);
            break;
        }
        case kAborted:
            m_staleEdit = true;
            showError(tr("%1 changed since you opened it. Reload to edit the current "
                         "version (this "
                         "discards your changes; copy them first to keep them).")
                          .arg(m_id));
            m_reload->setFocus();
            break;
        case kNotFound:
            showError(tr("%1 no longer exists: it was deleted since you opened it.").arg(m_id));
            break;
        default:
            showError(tr("Could not save: %1").arg(message));
            break;
    }
    refreshButtons();
}

void ResourceYamlDialog::setConnected(bool connected)
{
    m_connected = connected;
    m_connection->setVisible(!connected && m_mode == Mode::Edit);
    refreshButtons();
}

void ResourceYamlDialog::showError(const QString& text)
{
    m_error->setText(text);
    m_error->show();
}

// The cursor goes to the place the controller named, its line marked, so the
// operator fixes it without counting lines.
void ResourceYamlDialog::markErrorAt(int line, int column)
{
    m_errorLine = line;
    m_errorColumn = column;
    const QTextBlock block = m_editor->document()->findBlockByNumber(line - 1);
    if (line <= 0 || !block.isValid())
        return;
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                        std::clamp(column - 1, 0, std::max(0, block.length() - 1)));
    m_editor->setTextCursor(cursor);
    m_editor->ensureCursorVisible();
    QTextEdit::ExtraSelection marker;
    marker.cursor = cursor;
    marker.format.setBackground(QColor(0xd3, 0x2f, 0x2f, 60));
    marker.format.setProperty(QTextFormat::FullWidthSelection, true);
    m_editor->setExtraSelections({marker});
    m_editor->setFocus();
}

void ResourceYamlDialog::clearError()
{
    m_error->clear();
    m_error->hide();
    m_errorLine = 0;
    m_errorColumn = 0;
    m_editor->setExtraSelections({});
}

void ResourceYamlDialog::refreshButtons()
{
    if (m_save)
        m_save->setEnabled(m_loaded && m_connected && !m_saving && !m_staleEdit);
    m_reload->setEnabled(m_connected && !m_saving);
}

}  // namespace concord::widgets
