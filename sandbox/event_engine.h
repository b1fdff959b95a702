#pragma once

#include <chrono>
#include <cstdint>
#include <queue>
#include <vector>

namespace concord::sandbox {

// One scheduled event. The payload is interpreted by whoever schedules it
// (the Simulation dispatches on `kind`); keeping it a small POD keeps the
// heap cheap at millions of events per second.
struct Event
{
    double time = 0;
    std::uint64_t seq = 0;  // tie-break: equal times run in scheduling order
    std::uint32_t kind = 0;
    std::uint32_t a = 0;
    std::uint64_t b = 0;
};

// A deterministic discrete-event queue with a virtual clock.
class EventEngine final
{
public:
    EventEngine() = default;

    double now() const { return m_now; }
    bool empty() const { return m_queue.empty(); }
    std::size_t pending() const { return m_queue.size(); }
    std::uint64_t processed() const { return m_processed; }
    // Time of the next event; only meaningful when !empty().
    double nextTime() const { return m_queue.top().time; }

    // Schedules at an absolute time; a time in the past runs "now" (clamped).
    void schedule(double time, std::uint32_t kind, std::uint32_t a = 0, std::uint64_t b = 0);
    void scheduleIn(double delay, std::uint32_t kind, std::uint32_t a = 0, std::uint64_t b = 0)
    {
        schedule(m_now + delay, kind, a, b);
    }

    // Pops and hands every event with time <= until to `handler`, in order,
    // then advances the clock to `until`. Returns the number of events run.
    template <typename Handler>
    std::uint64_t runUntil(double until, Handler&& handler)
    {
        std::uint64_t count = 0;
        while (!m_queue.empty() && m_queue.top().time <= until) {
            const Event event = m_queue.top();
            m_queue.pop();
            m_now = event.time;
            handler(event);
            ++count;
        }
        if (until > m_now)
            m_now = until;
        m_processed += count;
        return count;
    }

    // Runs the next event only; false when there is none.
    template <typename Handler>
    bool step(Handler&& handler)
    {
        if (m_queue.empty())
            return false;
        const Event event = m_queue.top();
        m_queue.pop();
        m_now = event.time;
        handler(event);
        ++m_processed;
        return true;
    }

private:
    struct Later
    {
        bool operator()(const Event& x, const Event& y) const
        {
            return x.time > y.time || (x.time == y.time && x.seq > y.seq);
        }
    };

    std::priority_queue<Event, std::vector<Event>, Later> m_queue;
    double m_now = 0;
    std::uint64_t m_seq = 0;
    std::uint64_t m_processed = 0;
};

// Maps wall-clock time to virtual time for the real-time mode: one virtual
// unit is 1 ms of wall time divided by `speed`.
class RealTimePacer final
{
public:
    using Clock = std::chrono::steady_clock;

    explicit RealTimePacer(double virtualStart = 0, double speed = 1.0);

    // The virtual time that corresponds to `wall`.
    double virtualAt(Clock::time_point wall) const;
    double virtualNow() const { return virtualAt(Clock::now()); }
    // The wall-clock moment at which virtual time `t` is due.
    Clock::time_point wallAt(double t) const;
    double speed() const { return m_speed; }

private:
    Clock::time_point m_wallStart;
    double m_virtualStart;
    double m_speed;
};

}  // namespace concord::sandbox
