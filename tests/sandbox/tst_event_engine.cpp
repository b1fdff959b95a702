#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "sandbox/event_engine.h"

using concord::sandbox::Event;
using concord::sandbox::EventEngine;
using concord::sandbox::RealTimePacer;

TEST(EventEngine, RunsEventsInTimeOrderAndEqualTimesInSchedulingOrder)
{
    EventEngine engine;
    engine.schedule(5, 1);
    engine.schedule(1, 2);
    engine.schedule(5, 3);
    engine.schedule(3, 4);
    std::vector<std::uint32_t> order;
    engine.runUntil(10, [&](const Event& e) { order.push_back(e.kind); });
    EXPECT_EQ(order, (std::vector<std::uint32_t>{2, 4, 1, 3}));
    EXPECT_DOUBLE_EQ(engine.now(), 10);
    EXPECT_EQ(engine.processed(), 4u);
}

TEST(EventEngine, StopsAtTheHorizonAndKeepsLaterEvents)
{
    EventEngine engine;
    engine.schedule(2, 1);
    engine.schedule(7, 2);
    int ran = 0;
    engine.runUntil(5, [&](const Event&) { ++ran; });
    EXPECT_EQ(ran, 1);
    EXPECT_DOUBLE_EQ(engine.now(), 5);
    ASSERT_FALSE(engine.empty());
    EXPECT_DOUBLE_EQ(engine.nextTime(), 7);
}

TEST(EventEngine, HandlersMayScheduleAndThePastIsClampedToNow)
{
    EventEngine engine;
    engine.schedule(1, 0);
    std::vector<double> times;
    engine.runUntil(100, [&](const Event& e) {
        times.push_back(engine.now());
        if (e.kind == 0) {
            engine.scheduleIn(2, 1);
            engine.schedule(-50, 2);  // in the past: runs now, not before now
        }
    });
    EXPECT_EQ(times, (std::vector<double>{1, 1, 3}));
}

TEST(EventEngine, StepRunsOneEvent)
{
    EventEngine engine;
    engine.schedule(4, 9, 7, 11);
    Event seen;
    EXPECT_TRUE(engine.step([&](const Event& e) { seen = e; }));
    EXPECT_EQ(seen.kind, 9u);
    EXPECT_EQ(seen.a, 7u);
    EXPECT_EQ(seen.b, 11u);
    EXPECT_FALSE(engine.step([](const Event&) {}));
}

TEST(RealTimePacer, MapsWallClockToVirtualTimeAtTheGivenSpeed)
{
    const RealTimePacer pacer(1000, 2.0);
    const auto due = pacer.wallAt(1100);  // 100 virtual units at 2x = 50 ms
    EXPECT_NEAR(pacer.virtualAt(due), 1100, 1e-6);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double now = pacer.virtualNow();
    EXPECT_GE(now, 1040);
    EXPECT_LT(now, 1000 + 2 * 2000);  // generous upper bound for a loaded machine
}
