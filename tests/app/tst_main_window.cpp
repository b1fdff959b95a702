// The main window around the embedded sandbox: panels and menus, the
// language switched at run time, rules exported as YAML, the window state
// kept in QSettings, and the command line.
#include <QDockWidget>
#include <QFile>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "app/console_options.h"
#include "app/language_manager.h"
#include "console_fixture.h"
#include "widgets/connection_bar.h"

namespace concord::app::testing {
namespace {

QStringList menuTitles(const QMainWindow& window)
{
    QStringList titles;
    for (QAction* action : window.menuBar()->actions())
        titles.append(action->text());
    return titles;
}

TEST_F(ConsoleTest, StartsTheEmbeddedSandboxAndShowsItsMesh)
{
    startConsole();
    CONCORD_TRY_ASSERT(connected(), 20000);
    EXPECT_TRUE(m_window->embeddedController()->isRunning());
    EXPECT_TRUE(client()->settings().address.startsWith(QStringLiteral("127.0.0.1:")));
    CONCORD_TRY_EXPECT(versions()->rowCount() == 4, 10000);
    EXPECT_TRUE(m_window->connectionBar()->statusText().contains(QStringLiteral("embedded")));
    EXPECT_EQ(menuTitles(*m_window),
              (QStringList{QStringLiteral("&File"), QStringLiteral("&View"),
                           QStringLiteral("&Language"), QStringLiteral("&Help")}));
    for (const char* dock : {"versionsDock", "progressDock", "historyDock", "eventLogDock"})
        EXPECT_TRUE(m_window->findChild<QDockWidget*>(QString::fromLatin1(dock))) << dock;
}

TEST_F(ConsoleTest, TheLanguageSwitchesAtRunTimeAndKeepsTheData)
{
    startConsole();
    CONCORD_TRY_ASSERT(connected() && versions()->rowCount() == 4, 20000);
    m_window->setLanguage(QStringLiteral("zh_CN"));
    QCoreApplication::processEvents();  // LanguageChange is posted to the windows
    EXPECT_EQ(m_window->languageManager()->language(), QStringLiteral("zh_CN"));
    EXPECT_EQ(m_window->windowTitle(), QStringLiteral("Concord 控制台"));
    EXPECT_EQ(menuTitles(*m_window).first(), QStringLiteral("文件(&F)"));
    auto* dock = m_window->findChild<QDockWidget*>(QStringLiteral("versionsDock"));
    ASSERT_TRUE(dock);
    EXPECT_EQ(dock->windowTitle(), QStringLiteral("版本树"));
    EXPECT_EQ(
        m_window->connectionBar()->findChild<QPushButton*>(QStringLiteral("connectButton"))->text(),
        QStringLiteral("连接"));
    EXPECT_TRUE(m_window->connectionBar()->statusText().startsWith(QStringLiteral("已连接")))
        << m_window->connectionBar()->statusText().toStdString();
    // Rebuilt panels show the same models.
    EXPECT_EQ(m_window->versionTreePanel()->model(), versions());
    EXPECT_EQ(versions()->headerData(models::VersionTreeModel::Version, Qt::Horizontal).toString(),
              QStringLiteral("版本"));
    m_window->setLanguage(QStringLiteral("en"));
    QCoreApplication::processEvents();
    EXPECT_EQ(m_window->windowTitle(), QStringLiteral("Concord console"));
    EXPECT_EQ(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("en"));
}

TEST_F(ConsoleTest, ExportsEveryServicesRulesAsOneYamlStream)
{
    startConsole();
    CONCORD_TRY_ASSERT(connected(), 20000);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("rules.yaml"));
    QSignalSpy exported(m_window->session(), &ConsoleSession::rulesExported);
    m_window->session()->exportRules(path);
    CONCORD_TRY_ASSERT(exported.count() == 1, 10000);
    EXPECT_TRUE(exported.at(0).at(1).toBool()) << exported.at(0).at(2).toString().toStdString();
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const std::string text = file.readAll().toStdString();
    int virtualServices = 0;
    for (std::size_t at = 0; (at = text.find("kind: VirtualService", at)) != std::string::npos;
         ++at)
        ++virtualServices;
    EXPECT_EQ(virtualServices, 4);
    EXPECT_EQ(text.rfind("---", 0), 0u) << "one YAML stream of documents";
    EXPECT_NE(text.find("auth-service"), std::string::npos);
}

TEST_F(ConsoleTest, TheWindowArrangementIsRestored)
{
    startConsole();
    auto* dock = m_window->findChild<QDockWidget*>(QStringLiteral("eventLogDock"));
    ASSERT_TRUE(dock);
    dock->hide();
    m_window->close();
    m_window.reset();
    startConsole();
    dock = m_window->findChild<QDockWidget*>(QStringLiteral("eventLogDock"));
    ASSERT_TRUE(dock);
    EXPECT_FALSE(dock->isVisible());
}

TEST(ConsoleOptions, ParsesEveryOption)
{
    const auto parsed = parseConsoleOptions(
        {QStringLiteral("concord"), QStringLiteral("--controller"), QStringLiteral("h:7443"),
         QStringLiteral("--token"), QStringLiteral("t0k"), QStringLiteral("--tls-ca"),
         QStringLiteral("/ca.pem"), QStringLiteral("--lang"), QStringLiteral("zh_CN")});
    ASSERT_TRUE(parsed.options) << parsed.error.toStdString();
    EXPECT_EQ(parsed.options->controller, QStringLiteral("h:7443"));
    EXPECT_EQ(parsed.options->token, QStringLiteral("t0k"));
    EXPECT_TRUE(parsed.options->tls);
    EXPECT_EQ(parsed.options->tlsCa, QStringLiteral("/ca.pem"));
    EXPECT_EQ(parsed.options->language, QStringLiteral("zh_CN"));
    EXPECT_TRUE(parsed.helpText.contains(QStringLiteral("--sandbox-topology")));
}

TEST(ConsoleOptions, RejectsBadInputWithAReason)
{
    const QList<QStringList> bad = {
        {QStringLiteral("concord"), QStringLiteral("--lang"), QStringLiteral("fr")},
        {QStringLiteral("concord"), QStringLiteral("--controller"), QStringLiteral("nohost")},
        {QStringLiteral("concord"), QStringLiteral("--bogus")},
        {QStringLiteral("concord"), QStringLiteral("stray")},
        {QStringLiteral("concord"), QStringLiteral("--controller"), QStringLiteral("h:1"),
         QStringLiteral("--sandbox-topology"), QStringLiteral("x.yaml")},
    };
    for (const QStringList& args : bad) {
        const auto parsed = parseConsoleOptions(args);
        EXPECT_FALSE(parsed.options) << args.join(u' ').toStdString();
        EXPECT_FALSE(parsed.error.isEmpty()) << args.join(u' ').toStdString();
    }
}

TEST(ConsoleOptions, VersionAndHelp)
{
    EXPECT_TRUE(parseConsoleOptions({QStringLiteral("concord"), QStringLiteral("--version")})
                    .options->showVersion);
    EXPECT_TRUE(parseConsoleOptions({QStringLiteral("concord"), QStringLiteral("--help")})
                    .options->showHelp);
}

}  // namespace
}  // namespace concord::app::testing
