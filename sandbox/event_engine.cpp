#include "event_engine.h"

#include <algorithm>

namespace concord::sandbox {

void EventEngine::schedule(double time, std::uint32_t kind, std::uint32_t a, std::uint64_t b)
{
    m_queue.push(Event{std::max(time, m_now), m_seq++, kind, a, b});
}

RealTimePacer::RealTimePacer(double virtualStart, double speed)
    : m_wallStart(Clock::now()), m_virtualStart(virtualStart), m_speed(speed > 0 ? speed : 1.0)
{}

double RealTimePacer::virtualAt(Clock::time_point wall) const
{
    const std::chrono::duration<double, std::milli> elapsed = wall - m_wallStart;
    return m_virtualStart + elapsed.count() * m_speed;
}

RealTimePacer::Clock::time_point RealTimePacer::wallAt(double t) const
{
    const std::chrono::duration<double, std::milli> offset((t - m_virtualStart) / m_speed);
    return m_wallStart + std::chrono::duration_cast<Clock::duration>(offset);
}

}  // namespace concord::sandbox
