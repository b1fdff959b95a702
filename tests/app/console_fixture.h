#pragma once

// The whole console on its embedded sandbox (a real concordd child), for the
// GUI tests: settings isolated per test, English, the sandbox sped up so an
// update drains in seconds.

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <memory>

#include "app/console_session.h"
#include "app/embedded_controller.h"
#include "app/main_window.h"
#include "models/event_log_model.h"
#include "models/update_history_model.h"
#include "models/version_tree_filter_model.h"
#include "models/version_tree_model.h"
#include "support/qt_test_helpers.h"
#include "widgets/version_tree_panel.h"

namespace concord::app::testing {

class ConsoleTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        // Settings of this test process only: ctest runs GUI tests in
        // parallel, and one's clear() must not reach another's saved state.
        ASSERT_TRUE(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings().clear();
    }
    void TearDown() override
    {
        m_testers.clear();
        m_window.reset();
        QSettings().clear();
    }

    void startConsole(QStringList sandboxArgs = {
                          QStringLiteral("--speed"), QStringLiteral("5"),
                          QStringLiteral("--rule-propagation"), QStringLiteral("100"),
                          QStringLiteral("--deploy-delay"), QStringLiteral("100")})
    {
        ConsoleOptions options;
        options.concorddPath = QStringLiteral(CONCORDD_BINARY);
        options.language = QStringLiteral("en");
        options.sandboxArgs = std::move(sandboxArgs);
        m_window = std::make_unique<MainWindow>(options);
        // Every GUI test doubles as a model test on live data from a real
        // controller: any inconsistent signal aborts it.
        m_testers.clear();
        ConsoleSession* session = m_window->session();
        for (QAbstractItemModel* model : std::initializer_list<QAbstractItemModel*>{
                 session->versions(), session->history(), session->eventLog()})
            m_testers.push_back(std::make_unique<QAbstractItemModelTester>(
                model, QAbstractItemModelTester::FailureReportingMode::Fatal));
        m_window->show();
    }

    backend_clients::ControllerClient* client() const { return m_window->session()->client(); }
    models::VersionTreeModel* versions() const { return m_window->session()->versions(); }

    bool connected() const
    {
        return client()->state() == backend_clients::ConnectionState::Connected;
    }

    // The version's row in the panel's tree view (through its filter proxy).
    QModelIndex viewIndex(const QString& service, const QString& version) const
    {
        const QModelIndex source = versions()->indexOf(service, version);
        return m_window->versionTreePanel()->filterModel()->mapFromSource(source);
    }

    v1::VersionState stateOf(const QString& service, const QString& version) const
    {
        const QModelIndex index = versions()->indexOf(service, version);
        return index.isValid()
                   ? v1::VersionState(index.data(models::VersionTreeModel::StateRole).toInt())
                   : v1::VERSION_STATE_UNSPECIFIED;
    }

    // Clicks the node like an operator: scroll to it, click, double-click.
    void doubleClickVersion(const QString& service, const QString& version)
    {
        QTreeView* view = m_window->versionTreePanel()->treeView();
        const QModelIndex index = viewIndex(service, version);
        ASSERT_TRUE(index.isValid());
        view->scrollTo(index);
        const QPoint at = view->visualRect(index).center();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, at);
    }

    QTemporaryDir m_settingsDir;
    std::unique_ptr<MainWindow> m_window;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
};

}  // namespace concord::app::testing
