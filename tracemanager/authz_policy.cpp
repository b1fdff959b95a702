#include "authz_policy.h"

#include <mutex>

namespace concord::tracemanager {

namespace {

std::string_view trimSpaces(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

}  // namespace

AuthzPolicy::AuthzPolicy(Config config, TraceRecorder* recorder, TraceCounters& counters)
    : m_config(std::move(config)), m_recorder(recorder), m_counters(counters)
{}

AuthzPolicy::Verdict AuthzPolicy::decide(const HeaderLookup& headers)
{
    {
        const std::shared_lock guard(m_modeMutex);
        if (m_blocking) {
            bool pinned = false;
            headers(m_config.pinHeader, [&](std::string_view value) {
                pinned = pinned || pinMatches(value, m_allowedPins);
            });
            if (!pinned) {
                // Step 4: the caller's retry takes the new default route, so
                // this transaction never used the old version — do not
                // record it.
                bump(m_counters.checksBlocked);
                return Verdict::Block;
            }
        }
    }
    bump(m_counters.checksAllowed);
    if (m_recorder != nullptr) {
        recordTraceId(headers);
    }
    return Verdict::Allow;
}

void AuthzPolicy::recordTraceId(const HeaderLookup& headers)
{
    std::optional<core::TraceIdParse> parse;
    headers(core::headerName(m_config.traceHeader), [&](std::string_view value) {
        if (!parse || !parse->id) {  // the first well-formed value wins
            parse = core::parseTraceId(m_config.traceHeader, value);
        }
    });
    if (!parse) {
        bump(m_counters.traceIdsMissing);
        return;
    }
    if (!parse->id) {
        m_counters.countMalformed(parse->error);
        return;
    }
    switch (m_recorder->record(*parse->id)) {
        case TraceRecorder::Outcome::Recorded:
            bump(m_counters.idsRecorded);
            break;
        case TraceRecorder::Outcome::AlreadyPresent:
            bump(m_counters.idsAlreadyPresent);
            break;
        case TraceRecorder::Outcome::Locked:
            bump(m_counters.idsNotRecordedLocked);
            break;
        case TraceRecorder::Outcome::Invalid:  // the parsers reject all-zero ids already
            m_counters.countMalformed(core::TraceIdError::AllZero);
            break;
    }
}

void AuthzPolicy::setBlocking(bool blocking, std::vector<std::string> allowedPins)
{
    const std::unique_lock guard(m_modeMutex);
    m_blocking = blocking;
    m_allowedPins = blocking ? std::move(allowedPins) : std::vector<std::string>{};
}

bool AuthzPolicy::isBlocking() const
{
    const std::shared_lock guard(m_modeMutex);
    return m_blocking;
}

std::vector<std::string> AuthzPolicy::allowedPins() const
{
    const std::shared_lock guard(m_modeMutex);
    return m_allowedPins;
}

bool AuthzPolicy::pinMatches(std::string_view headerValue, const std::vector<std::string>& allowed)
{
    while (true) {
        const std::size_t comma = headerValue.find(',');
        const std::string_view pin = trimSpaces(headerValue.substr(0, comma));
        for (const std::string& candidate : allowed) {
            if (!pin.empty() && pin == candidate) {
                return true;
            }
        }
        if (comma == std::string_view::npos) {
            return false;
        }
        headerValue.remove_prefix(comma + 1);
    }
}

}  // namespace concord::tracemanager
