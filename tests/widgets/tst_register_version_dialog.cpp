#include <gtest/gtest.h>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include "widgets/register_version_dialog.h"

namespace concord::widgets {
namespace {

class RegisterVersionDialogTest : public ::testing::Test
{
protected:
    RegisterVersionDialogTest()
    {
        dialog.show();
        name = dialog.findChild<QLineEdit*>("versionName");
        image = dialog.findChild<QLineEdit*>("versionImage");
        parent = dialog.findChild<QComboBox*>("parentVersion");
        ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        validation = dialog.findChild<QLabel*>("registerValidation");
    }

    void type(QLineEdit* edit, const QString& text)
    {
        edit->clear();
        QTest::keyClicks(edit, text);
    }

    RegisterVersionDialog dialog{"auth-service", {"v1", "v2", "v3"}, "v2"};
    QLineEdit* name = nullptr;
    QLineEdit* image = nullptr;
    QComboBox* parent = nullptr;
    QPushButton* ok = nullptr;
    QLabel* validation = nullptr;
};

TEST_F(RegisterVersionDialogTest, ParentPreselectedAndOkDisabledUntilValid)
{
    ASSERT_TRUE(name && image && parent && ok && validation);
    EXPECT_EQ(dialog.objectName(), "registerVersionDialog");
    EXPECT_EQ(parent->currentText(), "v2");
    EXPECT_EQ(parent->count(), 3);
    EXPECT_FALSE(ok->isEnabled());
    EXPECT_FALSE(validation->text().isEmpty());
    type(name, "v4");
    EXPECT_FALSE(ok->isEnabled());  // no image yet
    type(image, "registry.example/auth:4.0.0");
    EXPECT_TRUE(ok->isEnabled());
    EXPECT_TRUE(validation->isHidden());
}

TEST_F(RegisterVersionDialogTest, NameMustBeAFreshDns1123Label)
{
    type(image, "registry.example/auth:4");
    for (const char* bad : {"V4", "-v4", "v4-", "v_4", "v.4"}) {
        type(name, bad);
        EXPECT_FALSE(ok->isEnabled()) << bad;
        EXPECT_FALSE(validation->text().isEmpty()) << bad;
    }
    type(name, QString(64, QLatin1Char('a')));
    EXPECT_FALSE(ok->isEnabled());
    EXPECT_TRUE(validation->text().contains("63"));
    type(name, "v3");
    EXPECT_FALSE(ok->isEnabled());
    EXPECT_TRUE(validation->text().contains("already"));
    type(name, "v3-hotfix");
    EXPECT_TRUE(ok->isEnabled());
    EXPECT_TRUE(RegisterVersionDialog::isDns1123Label(QString(63, QLatin1Char('a'))));
}

TEST_F(RegisterVersionDialogTest, ImageMustNotContainSpaces)
{
    type(name, "v4");
    type(image, "registry.example/auth 4");
    EXPECT_FALSE(ok->isEnabled());
    EXPECT_TRUE(validation->text().contains("spaces"));
}

TEST_F(RegisterVersionDialogTest, OkEmitsTheRequestAndErrorsKeepInput)
{
    QSignalSpy requested(&dialog, &RegisterVersionDialog::registerRequested);
    parent->setCurrentIndex(0);
    type(name, "v4");
    type(image, "registry.example/auth:4");
    QTest::mouseClick(ok, Qt::LeftButton);
    ASSERT_EQ(requested.count(), 1);
    const auto request = requested[0][0].value<v1::RegisterVersionRequest>();
    EXPECT_EQ(request.service(), "auth-service");
    EXPECT_EQ(request.parent(), "v1");
    EXPECT_EQ(request.name(), "v4");
    EXPECT_EQ(request.image(), "registry.example/auth:4");
    EXPECT_TRUE(dialog.isVisible());  // the app accepts once the controller agreed

    dialog.setError("ALREADY_EXISTS: v4");
    auto* error = dialog.findChild<QLabel*>("registerError");
    ASSERT_NE(error, nullptr);
    EXPECT_TRUE(error->isVisible());
    EXPECT_TRUE(error->text().contains("ALREADY_EXISTS"));
    EXPECT_EQ(name->text(), "v4");
    EXPECT_EQ(image->text(), "registry.example/auth:4");
    EXPECT_EQ(parent->currentText(), "v1");
    EXPECT_TRUE(dialog.isVisible());
}

}  // namespace
}  // namespace concord::widgets
