#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>

#include "models/resource_filter_model.h"
#include "models/resource_model.h"

namespace concord::models {
namespace {

v1::Resource resource(const std::string& id, const std::string& kind, ResourceHealth health,
                      std::int64_t generation = 1)
{
    v1::Resource r;
    r.mutable_spec()->set_id(id);
    r.mutable_spec()->set_kind(kind);
    r.mutable_spec()->set_probe_enabled(health != ResourceHealth::Disabled);
    r.set_generation(generation);
    r.mutable_status()->set_observed_generation(generation);
    const auto add = [&](v1::ConditionType type, ResourceHealth when) {
        v1::Condition* c = r.mutable_status()->add_conditions();
        c->set_type(type);
        c->set_status(health == when ? v1::CONDITION_STATUS_TRUE : v1::CONDITION_STATUS_FALSE);
    };
    add(v1::CONDITION_TYPE_AVAILABLE, ResourceHealth::Available);
    add(v1::CONDITION_TYPE_PROGRESSING, ResourceHealth::Progressing);
    add(v1::CONDITION_TYPE_DEGRADED, ResourceHealth::Degraded);
    return r;
}

struct Fixture
{
    ResourceModel model;
    ResourceFilterModel filter;
    QAbstractItemModelTester sourceTester{&model,
                                          QAbstractItemModelTester::FailureReportingMode::Fatal};
    QAbstractItemModelTester tester{&filter, QAbstractItemModelTester::FailureReportingMode::Fatal};

    Fixture()
    {
        filter.setSourceModel(&model);
        add(resource("purifier-lobby", "AirPurifier", ResourceHealth::Available, 4));
        add(resource("purifier-b204", "AirPurifier", ResourceHealth::Degraded, 2));
        add(resource("alice", "Person", ResourceHealth::Disabled, 1));
        add(resource("bob", "Person", ResourceHealth::Progressing, 7));
        add(resource("lamp-7", "Lamp", ResourceHealth::Available, 3));
        model.flush();
    }
    void add(const v1::Resource& r)
    {
        v1::ResourceEvent e;
        e.set_type(v1::ResourceEvent::TYPE_ADDED);
        *e.mutable_resource() = r;
        model.apply(e);
    }
    QStringList shownIds() const
    {
        QStringList ids;
        for (int row = 0; row < filter.rowCount(); ++row)
            ids.append(filter.index(row, ResourceModel::Id).data().toString());
        return ids;
    }
};

TEST(ResourceFilterModel, ShowsEverythingByDefault)
{
    Fixture f;
    EXPECT_EQ(f.filter.rowCount(), 5);
    EXPECT_EQ(f.filter.sortRole(), int(ResourceModel::SortRole));
}

TEST(ResourceFilterModel, FiltersByKind)
{
    Fixture f;
    f.filter.setKind("Person");
    f.filter.sort(ResourceModel::Id);
    EXPECT_EQ(f.shownIds(), QStringList({"alice", "bob"}));
    f.filter.setKind({});
    EXPECT_EQ(f.filter.rowCount(), 5);
}

TEST(ResourceFilterModel, FiltersByStatus)
{
    Fixture f;
    f.filter.sort(ResourceModel::Id);
    f.filter.setHealth(ResourceHealth::Available);
    EXPECT_EQ(f.shownIds(), QStringList({"lamp-7", "purifier-lobby"}));
    f.filter.setHealth(ResourceHealth::Degraded);
    EXPECT_EQ(f.shownIds(), QStringList({"purifier-b204"}));
    f.filter.setHealth(std::nullopt);
    EXPECT_EQ(f.filter.rowCount(), 5);
}

TEST(ResourceFilterModel, FreeTextMatchesTheIdOnly)
{
    Fixture f;
    f.filter.sort(ResourceModel::Id);
    f.filter.setFilterText("  PURIFIER ");
    EXPECT_EQ(f.shownIds(), QStringList({"purifier-b204", "purifier-lobby"}));
    f.filter.setFilterText("Person");  // a kind, not an id
    EXPECT_TRUE(f.shownIds().isEmpty());
}

TEST(ResourceFilterModel, FiltersCombine)
{
    Fixture f;
    f.filter.setKind("AirPurifier");
    f.filter.setHealth(ResourceHealth::Available);
    EXPECT_EQ(f.shownIds(), QStringList({"purifier-lobby"}));
    f.filter.setFilterText("b204");
    EXPECT_TRUE(f.shownIds().isEmpty());
}

TEST(ResourceFilterModel, LiveChangesMoveRowsInAndOut)
{
    Fixture f;
    f.filter.setHealth(ResourceHealth::Degraded);
    ASSERT_EQ(f.shownIds(), QStringList({"purifier-b204"}));
    v1::ResourceEvent e;
    e.set_type(v1::ResourceEvent::TYPE_MODIFIED);
    *e.mutable_resource() = resource("bob", "Person", ResourceHealth::Degraded, 7);
    f.model.apply(e);
    *e.mutable_resource() = resource("purifier-b204", "AirPurifier", ResourceHealth::Available, 2);
    f.model.apply(e);
    f.model.flush();
    EXPECT_EQ(f.shownIds(), QStringList({"bob"}));
}

TEST(ResourceFilterModel, SortsNumbersAsNumbers)
{
    Fixture f;
    f.filter.sort(ResourceModel::Generation, Qt::DescendingOrder);
    EXPECT_EQ(f.shownIds(),
              QStringList({"bob", "purifier-lobby", "lamp-7", "purifier-b204", "alice"}));
    // Status sorts by how much attention it asks for: degraded last ascending.
    f.filter.sort(ResourceModel::Status, Qt::AscendingOrder);
    EXPECT_EQ(f.shownIds().first(), "alice");
    EXPECT_EQ(f.shownIds().last(), "purifier-b204");
}

}  // namespace
}  // namespace concord::models
