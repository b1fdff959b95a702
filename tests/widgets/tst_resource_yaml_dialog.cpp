#include <gtest/gtest.h>

#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>

#include "tests/support/qt_test_helpers.h"
#include "widgets/resource_yaml_dialog.h"

namespace concord::widgets {
namespace {

using Mode = ResourceYamlDialog::Mode;

constexpr int kInvalidArgument = 3;
constexpr int kAborted = 10;

const QString kYaml = QStringLiteral(
    "apiVersion: concord.io/v1alpha1\n"
    "kind: Resource\n"
    "metadata:\n"
    "  name: purifier-b204\n"
    "spec:\n"
    "  kind: AirPurifier\n"
    "  probeEnabled: false\n");

struct Fixture
{
    explicit Fixture(Mode mode) : dialog("purifier-b204", mode)
    {
        dialog.show();
        editor = dialog.findChild<QPlainTextEdit*>("resourceYaml");
        save = dialog.findChild<QPushButton*>("saveButton");
        reload = dialog.findChild<QPushButton*>("reloadButton");
    }
    QString error() const { return dialog.findChild<QLabel*>("yamlError")->text(); }

    ResourceYamlDialog dialog;
    QPlainTextEdit* editor = nullptr;
    QPushButton* save = nullptr;
    QPushButton* reload = nullptr;
};

TEST(ResourceYamlDialog, ViewShowsTheYamlReadOnly)
{
    Fixture f(Mode::View);
    ASSERT_NE(f.editor, nullptr);
    EXPECT_EQ(f.save, nullptr);
    EXPECT_FALSE(f.dialog.isLoaded());
    QSignalSpy reload(&f.dialog, &ResourceYamlDialog::reloadRequested);
    f.dialog.reload();
    ASSERT_EQ(reload.count(), 1);
    EXPECT_EQ(reload.at(0).at(0).toString(), "purifier-b204");
    f.dialog.setYaml(kYaml, 41);
    EXPECT_EQ(f.editor->toPlainText(), kYaml);
    EXPECT_TRUE(f.editor->isReadOnly());
    EXPECT_EQ(f.dialog.loadedVersion(), 41u);
}

TEST(ResourceYamlDialog, SaveSendsTheTextAndTheVersionItWasLoadedAt)
{
    Fixture f(Mode::Edit);
    ASSERT_NE(f.save, nullptr);
    EXPECT_FALSE(f.save->isEnabled());  // nothing loaded yet
    f.dialog.setYaml(kYaml, 41);
    EXPECT_FALSE(f.editor->isReadOnly());
    ASSERT_TRUE(f.save->isEnabled());
    EXPECT_FALSE(f.dialog.hasUnsavedEdit());
    f.editor->moveCursor(QTextCursor::End);
    QTest::keyClicks(f.editor, "  probe:");
    QTest::keyClick(f.editor, Qt::Key_Return);
    EXPECT_TRUE(f.dialog.hasUnsavedEdit());
    QSignalSpy saved(&f.dialog, &ResourceYamlDialog::saveRequested);
    QTest::mouseClick(f.save, Qt::LeftButton);
    ASSERT_EQ(saved.count(), 1);
    const auto request = saved.at(0).at(0).value<v1::UpdateResourceRequest>();
    EXPECT_EQ(request.id(), "purifier-b204");
    EXPECT_EQ(QString::fromStdString(request.yaml()), f.editor->toPlainText());
    EXPECT_TRUE(request.yaml().find("  probe:") != std::string::npos);
    EXPECT_EQ(request.expected_version(), 41u);
    EXPECT_FALSE(f.save->isEnabled());  // one request at a time
}

TEST(ResourceYamlDialog, InvalidArgumentShowsTheMessageAndMarksLineAndColumn)
{
    Fixture f(Mode::Edit);
    f.dialog.setYaml(kYaml, 41);
    f.editor->setPlainText(QString(kYaml).replace("false", "maybe"));
    const QString typed = f.editor->toPlainText();
    QTest::mouseClick(f.save, Qt::LeftButton);
    f.dialog.setSaveError(kInvalidArgument,
                          "<edit>:7:17: spec.probeEnabled: expected a boolean, got \"maybe\"");
    EXPECT_TRUE(f.dialog.isVisible());
    EXPECT_TRUE(f.error().contains("7:17: spec.probeEnabled: expected a boolean"));
    EXPECT_EQ(f.dialog.errorLine(), 7);
    EXPECT_EQ(f.dialog.errorColumn(), 17);
    EXPECT_EQ(f.editor->textCursor().blockNumber(), 6);
    EXPECT_EQ(f.editor->textCursor().positionInBlock(), 16);
    EXPECT_EQ(f.editor->extraSelections().size(), 1);
    EXPECT_EQ(f.editor->toPlainText(), typed);  // the edit is kept
    EXPECT_TRUE(f.save->isEnabled());           // fix it and save again
    QTest::mouseClick(f.save, Qt::LeftButton);
    EXPECT_TRUE(f.error().isEmpty());
    EXPECT_EQ(f.dialog.errorLine(), 0);
    EXPECT_TRUE(f.editor->extraSelections().isEmpty());
}

TEST(ResourceYamlDialog, YamlCppStyleLineColumnIsFoundToo)
{
    Fixture f(Mode::Edit);
    f.dialog.setYaml(kYaml, 1);
    f.dialog.setSaveError(kInvalidArgument, "yaml-cpp: error at line 3, column 2: end of map");
    EXPECT_EQ(f.dialog.errorLine(), 3);
    EXPECT_EQ(f.dialog.errorColumn(), 2);
    f.dialog.setSaveError(kInvalidArgument, "spec.kind: required");
    EXPECT_EQ(f.dialog.errorLine(), 0);
    EXPECT_TRUE(f.error().contains("spec.kind: required"));
}

TEST(ResourceYamlDialog, AbortedSaysItChangedAndReloadReplacesTheText)
{
    Fixture f(Mode::Edit);
    f.dialog.setYaml(kYaml, 41);
    f.editor->setPlainText(kYaml + "# mine\n");
    QTest::mouseClick(f.save, Qt::LeftButton);
    f.dialog.setSaveError(kAborted, "resource version 41 is stale (now 43)");
    EXPECT_TRUE(f.error().contains("changed since you opened it")) << f.error().toStdString();
    EXPECT_TRUE(f.dialog.isStaleEdit());
    EXPECT_FALSE(f.save->isEnabled());
    EXPECT_TRUE(f.editor->toPlainText().endsWith("# mine\n"));  // still there to copy
    QSignalSpy reload(&f.dialog, &ResourceYamlDialog::reloadRequested);
    QTest::mouseClick(f.reload, Qt::LeftButton);
    ASSERT_EQ(reload.count(), 1);
    f.dialog.setYaml(kYaml + "# theirs\n", 43);
    EXPECT_TRUE(f.editor->toPlainText().endsWith("# theirs\n"));
    EXPECT_EQ(f.dialog.loadedVersion(), 43u);
    EXPECT_TRUE(f.save->isEnabled());
    EXPECT_TRUE(f.error().isEmpty());
}

TEST(ResourceYamlDialog, DisconnectedKeepsTheTextAndHoldsSave)
{
    Fixture f(Mode::Edit);
    f.dialog.setYaml(kYaml, 41);
    f.dialog.setConnected(false);
    EXPECT_FALSE(f.save->isEnabled());
    EXPECT_FALSE(f.dialog.findChild<QLabel*>("yamlConnection")->isHidden());
    f.dialog.setConnected(true);
    EXPECT_TRUE(f.save->isEnabled());
    EXPECT_EQ(f.editor->toPlainText(), kYaml);
}

TEST(ResourceYamlDialog, LoadErrorIsShown)
{
    Fixture f(Mode::View);
    f.dialog.setLoadError("NOT_FOUND: no resource purifier-b204");
    EXPECT_TRUE(f.error().contains("NOT_FOUND"));
    EXPECT_FALSE(f.dialog.isLoaded());
}

}  // namespace
}  // namespace concord::widgets
