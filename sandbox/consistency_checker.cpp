#include "consistency_checker.h"

#include <algorithm>

namespace concord::sandbox {

bool ConsistencyChecker::check(const TransactionRecord& record)
{
    ++m_checked;
    // Transactions touch a handful of services: a quadratic scan beats hashing.
    const auto& visits = record.visits;
    for (std::size_t i = 0; i < visits.size(); ++i) {
        for (std::size_t j = i + 1; j < visits.size(); ++j) {
            if (visits[i].service != visits[j].service || visits[i].version == visits[j].version)
                continue;
            ++m_inconsistent;
            countServices(visits);
            if (m_violations.size() < kMaxKeptViolations) {
                const std::uint32_t service = visits[i].service;
                Violation violation{record.id, serviceName(service), {}};
                std::vector<std::uint32_t> seen;
                for (const Visit& visit : visits) {
                    if (visit.service != service ||
                        std::find(seen.begin(), seen.end(), visit.version) != seen.end())
                        continue;
                    seen.push_back(visit.version);
                    violation.versions.push_back(versionName(service, visit.version));
                }
                m_violations.push_back(std::move(violation));
            }
            return false;
        }
    }
    return true;
}

// Off the hot path: only for a transaction already found inconsistent.
void ConsistencyChecker::countServices(const std::vector<Visit>& visits)
{
    std::vector<std::uint32_t> counted;
    for (std::size_t i = 0; i < visits.size(); ++i) {
        const std::uint32_t service = visits[i].service;
        if (std::find(counted.begin(), counted.end(), service) != counted.end())
            continue;
        const bool mixed =
            std::any_of(visits.begin() + static_cast<std::ptrdiff_t>(i) + 1, visits.end(),
                        [&](const Visit& other) {
                            return other.service == service && other.version != visits[i].version;
                        });
        if (!mixed)
            continue;
        counted.push_back(service);
        if (service >= m_byService.size())
            m_byService.resize(service + 1, 0);
        ++m_byService[service];
    }
}

std::string ConsistencyChecker::serviceName(std::uint32_t service) const
{
    if (service < m_names.size() && !m_names[service].empty())
        return m_names[service][0];
    return "#" + std::to_string(service);
}

std::string ConsistencyChecker::versionName(std::uint32_t service, std::uint32_t version) const
{
    if (service < m_names.size() && version + 1 < m_names[service].size())
        return m_names[service][version + 1];
    return "#" + std::to_string(version);
}

}  // namespace concord::sandbox
