#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

#include "models/resource_filter_model.h"
#include "models/resource_model.h"
#include "tests/support/qt_test_helpers.h"
#include "widgets/resources_panel.h"

namespace concord::widgets {
namespace {

using models::ResourceHealth;
using models::ResourceModel;

v1::Resource resource(const std::string& id, const std::string& kind, ResourceHealth health)
{
    v1::Resource r;
    v1::ResourceSpec* spec = r.mutable_spec();
    spec->set_id(id);
    spec->set_kind(kind);
    (*spec->mutable_attributes())["capacity"] = "40 m³/h";
    (*spec->mutable_attributes())["vendor"] = "Xiaomi";
    spec->mutable_space()->set_site("HQ");
    spec->mutable_space()->set_room("B-204");
    spec->mutable_time()->set_timezone("Asia/Shanghai");
    spec->mutable_time()->set_available_from("08:00");
    spec->mutable_time()->set_available_until("18:00");
    spec->mutable_probe()->set_image("registry.example/probe:1.2");
    spec->mutable_probe()->add_command("/probe");
    spec->mutable_probe()->add_args("--interval=5s");
    spec->set_probe_enabled(health != ResourceHealth::Disabled);
    r.set_generation(3);
    r.mutable_status()->set_observed_generation(3);
    const auto add = [&](v1::ConditionType type, ResourceHealth when, const char* reason,
                         const char* message) {
        v1::Condition* c = r.mutable_status()->add_conditions();
        c->set_type(type);
        c->set_status(health == when ? v1::CONDITION_STATUS_TRUE : v1::CONDITION_STATUS_FALSE);
        c->set_reason(reason);
        c->set_message(health == when ? message : "");
        c->mutable_last_transition_time()->set_seconds(1'700'000'000);
    };
    add(v1::CONDITION_TYPE_AVAILABLE, ResourceHealth::Available, "ProbeRunning", "probe is up");
    add(v1::CONDITION_TYPE_PROGRESSING, ResourceHealth::Progressing, "ProbeDeploying",
        "rolling out");
    add(v1::CONDITION_TYPE_DEGRADED, ResourceHealth::Degraded, "ProbeFailed",
        "CrashLoopBackOff: exit code 1");
    if (health != ResourceHealth::Disabled) {
        r.mutable_status()->mutable_probe()->set_name(id + "-probe");
        r.mutable_status()->mutable_probe()->set_spec_hash("0123456789abcdef");
        r.mutable_status()->mutable_probe()->set_phase(
            health == ResourceHealth::Degraded ? v1::PROBE_PHASE_FAILED : v1::PROBE_PHASE_RUNNING);
    }
    return r;
}

v1::ResourceEvent event(v1::ResourceEvent::Type type, const v1::Resource& r = {})
{
    v1::ResourceEvent e;
    e.set_type(type);
    if (r.has_spec())
        *e.mutable_resource() = r;
    return e;
}

struct Fixture
{
    ResourceModel model;
    ResourcesPanel panel;
    QTableView* table = nullptr;
    QStringList asked;

    Fixture()
    {
        panel.setModel(&model);
        panel.setActionsEnabled(true);
        panel.setConfirmer([this](const QString&, const QString& text) {
            asked.append(text);
            return answer;
        });
        panel.resize(1200, 500);
        panel.show();
        table = panel.findChild<QTableView*>("resourceTable");
        model.apply(event(v1::ResourceEvent::TYPE_ADDED,
                          resource("purifier-b204", "AirPurifier", ResourceHealth::Degraded)));
        model.apply(event(v1::ResourceEvent::TYPE_ADDED,
                          resource("alice", "Person", ResourceHealth::Disabled)));
        model.apply(event(v1::ResourceEvent::TYPE_ADDED,
                          resource("lamp-7", "Lamp", ResourceHealth::Available)));
        model.apply(event(v1::ResourceEvent::TYPE_SYNCED));
        model.flush();
    }
    QStringList shownIds() const
    {
        QStringList ids;
        for (int row = 0; row < table->model()->rowCount(); ++row)
            ids.append(table->model()->index(row, ResourceModel::Id).data().toString());
        return ids;
    }
    void clickRow(const QString& id)
    {
        const int row = int(shownIds().indexOf(id));
        ASSERT_GE(row, 0) << id.toStdString();
        const QModelIndex index = table->model()->index(row, ResourceModel::Kind);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(index).center());
    }
    QString label(const char* name) const
    {
        auto* l = panel.findChild<QLabel*>(name);
        return l ? l->text() : QStringLiteral("<no %1>").arg(QLatin1String(name));
    }
    QPushButton* button(const char* name) const { return panel.findChild<QPushButton*>(name); }

    bool answer = true;
};

TEST(ResourcesPanel, TableSortedByIdUnderTheModelTester)
{
    Fixture f;
    ASSERT_NE(f.table, nullptr);
    QAbstractItemModelTester tester(f.table->model(),
                                    QAbstractItemModelTester::FailureReportingMode::Fatal);
    EXPECT_EQ(f.shownIds(), QStringList({"alice", "lamp-7", "purifier-b204"}));
    // (No translator in this test: the English plural is "resource(s)".)
    EXPECT_TRUE(f.label("resourceCount").startsWith("3 resource"));
    // The header sorts: Status descending puts the degraded one first.
    f.table->sortByColumn(ResourceModel::Status, Qt::DescendingOrder);
    EXPECT_EQ(f.shownIds().first(), "purifier-b204");
}

TEST(ResourcesPanel, KindComboListsTheKindsSeenAndFilters)
{
    Fixture f;
    auto* kind = f.panel.findChild<QComboBox*>("resourceKind");
    ASSERT_NE(kind, nullptr);
    QStringList items;
    for (int i = 0; i < kind->count(); ++i)
        items.append(kind->itemText(i));
    EXPECT_EQ(items, QStringList({"All kinds", "AirPurifier", "Lamp", "Person"}));
    kind->setCurrentIndex(kind->findText("Person"));
    EXPECT_EQ(f.shownIds(), QStringList({"alice"}));
    EXPECT_TRUE(f.label("resourceCount").startsWith("1 of 3 resource"));
    // A new kind appears in the combo; the chosen one stays chosen.
    f.model.apply(event(v1::ResourceEvent::TYPE_ADDED,
                        resource("robot-1", "Robot", ResourceHealth::Available)));
    f.model.flush();
    EXPECT_GE(kind->findText("Robot"), 0);
    EXPECT_EQ(kind->currentText(), "Person");
    EXPECT_EQ(f.shownIds(), QStringList({"alice"}));
}

TEST(ResourcesPanel, ConditionComboAndTextFilter)
{
    Fixture f;
    auto* condition = f.panel.findChild<QComboBox*>("resourceCondition");
    auto* text = f.panel.findChild<QLineEdit*>("resourceFilter");
    ASSERT_TRUE(condition && text);
    condition->setCurrentIndex(condition->findText("Degraded"));
    EXPECT_EQ(f.shownIds(), QStringList({"purifier-b204"}));
    condition->setCurrentIndex(0);
    QTest::keyClicks(text, "LAMP");
    EXPECT_EQ(f.shownIds(), QStringList({"lamp-7"}));
}

TEST(ResourcesPanel, DetailsShowSpecProbeAndStatus)
{
    Fixture f;
    QSignalSpy selected(&f.panel, &ResourcesPanel::selectedResourceChanged);
    f.clickRow("purifier-b204");
    EXPECT_EQ(f.panel.selectedId(), "purifier-b204");
    ASSERT_EQ(selected.count(), 1);
    EXPECT_EQ(f.label("detailTitle"), "purifier-b204 · AirPurifier");
    EXPECT_TRUE(f.label("detailStatus").contains("Degraded"));
    EXPECT_TRUE(f.label("detailStatus").contains("CrashLoopBackOff: exit code 1"));
    EXPECT_EQ(f.label("detailAttributes"), "capacity = 40 m³/h\nvendor = Xiaomi");
    EXPECT_EQ(f.label("detailPlace"), "site HQ · room B-204");
    EXPECT_EQ(f.label("detailTime"), "08:00–18:00 (Asia/Shanghai)");
    EXPECT_EQ(f.label("detailImage"), "registry.example/probe:1.2");
    EXPECT_EQ(f.label("detailCommand"), "/probe");
    EXPECT_EQ(f.label("detailArgs"), "--interval=5s");
    EXPECT_EQ(f.label("detailProbeEnabled"), "yes");
    EXPECT_EQ(f.label("detailGeneration"), "observed 3 of 3");
    EXPECT_EQ(f.label("detailDeployment"), "purifier-b204-probe (spec 0123456789abcdef)");
    EXPECT_EQ(f.label("detailPhase"), "failed");
    auto* conditions = f.panel.findChild<QTableWidget*>("resourceConditions");
    ASSERT_NE(conditions, nullptr);
    ASSERT_EQ(conditions->rowCount(), 3);
    EXPECT_EQ(conditions->item(2, 0)->text(), "Degraded");
    EXPECT_EQ(conditions->item(2, 1)->text(), "True");
    EXPECT_EQ(conditions->item(2, 2)->text(), "ProbeFailed");
    EXPECT_EQ(conditions->item(2, 3)->text(), "CrashLoopBackOff: exit code 1");
    EXPECT_FALSE(conditions->item(2, 4)->text().isEmpty());
}

TEST(ResourcesPanel, LiveChangesToTheSelectedRowRefreshTheDetails)
{
    Fixture f;
    f.clickRow("alice");
    EXPECT_EQ(f.label("detailProbeEnabled"), "no");
    v1::Resource r = resource("alice", "Person", ResourceHealth::Progressing);
    r.set_generation(4);  // the controller has not observed the toggle yet
    f.model.apply(event(v1::ResourceEvent::TYPE_MODIFIED, r));
    f.model.flush();
    EXPECT_EQ(f.label("detailProbeEnabled"), "yes");
    EXPECT_EQ(f.label("detailGeneration"),
              "observed 3 of 4 — the controller has not caught up yet");
    EXPECT_TRUE(f.label("detailStatus").contains("Progressing"));
}

TEST(ResourcesPanel, SelectionSurvivesAResetAndGoesOnceTheSnapshotLacksIt)
{
    Fixture f;
    f.clickRow("lamp-7");
    f.model.apply(event(v1::ResourceEvent::TYPE_RESET));
    f.model.apply(
        event(v1::ResourceEvent::TYPE_ADDED, resource("lamp-7", "Lamp", ResourceHealth::Degraded)));
    f.model.apply(
        event(v1::ResourceEvent::TYPE_ADDED, resource("zed", "Lamp", ResourceHealth::Available)));
    f.model.flush();
    EXPECT_EQ(f.panel.selectedId(), "lamp-7");
    EXPECT_EQ(f.table->selectionModel()->currentIndex().data(ResourceModel::IdRole).toString(),
              "lamp-7");
    EXPECT_TRUE(f.label("detailStatus").contains("Degraded"));
    // A RESET alone: the fresh snapshot may bring it back, the panel waits.
    f.model.apply(event(v1::ResourceEvent::TYPE_RESET));
    f.model.flush();
    EXPECT_EQ(f.panel.selectedId(), "lamp-7");
    EXPECT_EQ(f.label("detailTitle"), "Select a resource to see its spec and status.");
    EXPECT_FALSE(f.button("editResourceButton")->isEnabled());
    f.model.apply(event(v1::ResourceEvent::TYPE_ADDED,
                        resource("lamp-7", "Lamp", ResourceHealth::Available)));
    f.model.flush();
    EXPECT_EQ(f.table->selectionModel()->currentIndex().data(ResourceModel::IdRole).toString(),
              "lamp-7");
    EXPECT_EQ(f.label("detailTitle"), "lamp-7 · Lamp");
    // Gone for good once the snapshot is complete without it.
    QSignalSpy selected(&f.panel, &ResourcesPanel::selectedResourceChanged);
    f.model.apply(event(v1::ResourceEvent::TYPE_RESET));
    f.model.flush();
    f.model.apply(
        event(v1::ResourceEvent::TYPE_ADDED, resource("zed", "Lamp", ResourceHealth::Available)));
    f.model.apply(event(v1::ResourceEvent::TYPE_SYNCED));
    f.model.flush();
    EXPECT_TRUE(f.panel.selectedId().isEmpty());
    ASSERT_EQ(selected.count(), 1);
    EXPECT_TRUE(selected.at(0).at(0).toString().isEmpty());
}

TEST(ResourcesPanel, ToggleProbeAsksForTheOppositeState)
{
    Fixture f;
    QSignalSpy toggle(&f.panel, &ResourcesPanel::probeToggleRequested);
    QPushButton* button = f.button("toggleProbeButton");
    ASSERT_NE(button, nullptr);
    EXPECT_FALSE(button->isEnabled());  // nothing selected
    f.clickRow("alice");
    EXPECT_EQ(button->text(), "Enable probe");
    ASSERT_TRUE(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    ASSERT_EQ(toggle.count(), 1);
    EXPECT_EQ(toggle.at(0).at(0).toString(), "alice");
    EXPECT_TRUE(toggle.at(0).at(1).toBool());
    f.clickRow("lamp-7");
    EXPECT_EQ(button->text(), "Disable probe");
    QTest::mouseClick(button, Qt::LeftButton);
    ASSERT_EQ(toggle.count(), 2);
    EXPECT_FALSE(toggle.at(1).at(1).toBool());
}

TEST(ResourcesPanel, EnablingAProbeWithoutAnImageIsNotOffered)
{
    Fixture f;
    v1::Resource r = resource("bare", "Lamp", ResourceHealth::Disabled);
    r.mutable_spec()->mutable_probe()->clear_image();
    f.model.apply(event(v1::ResourceEvent::TYPE_ADDED, r));
    f.model.flush();
    f.clickRow("bare");
    EXPECT_FALSE(f.button("toggleProbeButton")->isEnabled());
    EXPECT_EQ(f.label("detailImage"), "—");
    EXPECT_TRUE(f.button("editResourceButton")->isEnabled());
}

TEST(ResourcesPanel, ViewerAndStaleDisableTheActions)
{
    Fixture f;
    f.clickRow("lamp-7");
    f.panel.setActionsEnabled(false, "viewer token");
    for (const char* name : {"toggleProbeButton", "editResourceButton", "deleteResourceButton"}) {
        EXPECT_FALSE(f.button(name)->isEnabled()) << name;
        EXPECT_EQ(f.button(name)->toolTip(), "viewer token") << name;
    }
    EXPECT_TRUE(f.button("viewYamlButton")->isEnabled());  // reading is fine
    f.panel.setActionsEnabled(true);
    EXPECT_TRUE(f.button("editResourceButton")->isEnabled());
    f.panel.setStale(true);
    EXPECT_FALSE(f.button("editResourceButton")->isEnabled());
    EXPECT_FALSE(f.panel.findChild<QLabel*>("resourcesStaleLabel")->isHidden());
    EXPECT_EQ(f.label("detailTitle"), "lamp-7 · Lamp");  // the last data stays
}

TEST(ResourcesPanel, DeleteAsksFirst)
{
    Fixture f;
    QSignalSpy deleted(&f.panel, &ResourcesPanel::deleteRequested);
    f.clickRow("lamp-7");
    f.answer = false;
    QTest::mouseClick(f.button("deleteResourceButton"), Qt::LeftButton);
    ASSERT_EQ(f.asked.size(), 1);
    EXPECT_TRUE(f.asked.first().contains("lamp-7"));
    EXPECT_EQ(deleted.count(), 0);
    f.answer = true;
    QTest::mouseClick(f.button("deleteResourceButton"), Qt::LeftButton);
    ASSERT_EQ(deleted.count(), 1);
    EXPECT_EQ(deleted.at(0).at(0).toString(), "lamp-7");
}

TEST(ResourcesPanel, EditViewAndDoubleClickAskForTheYaml)
{
    Fixture f;
    QSignalSpy edit(&f.panel, &ResourcesPanel::editRequested);
    QSignalSpy view(&f.panel, &ResourcesPanel::viewYamlRequested);
    f.clickRow("alice");
    QTest::mouseClick(f.button("editResourceButton"), Qt::LeftButton);
    QTest::mouseClick(f.button("viewYamlButton"), Qt::LeftButton);
    const QModelIndex index = f.table->model()->index(0, ResourceModel::Kind);
    QTest::mouseDClick(f.table->viewport(), Qt::LeftButton, {},
                       f.table->visualRect(index).center());
    ASSERT_EQ(edit.count(), 1);
    EXPECT_EQ(edit.at(0).at(0).toString(), "alice");
    EXPECT_EQ(view.count(), 2);
}

}  // namespace
}  // namespace concord::widgets
