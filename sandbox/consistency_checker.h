#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace_id.h"

namespace concord::sandbox {

// One sub-transaction as recorded by the sandbox: which version of which
// service served it, as indices into the checker's name tables (the sandbox
// checks millions of transactions; comparing strings would dominate).
struct Visit
{
    std::uint32_t service = 0;
    std::uint32_t version = 0;
};

// The record of one finished distributed transaction.
struct TransactionRecord
{
    core::TraceId id;
    std::vector<Visit> visits;  // in the order the sub-transactions started
    bool failed = false;
};

// A transaction is version-consistent iff no two of its sub-transactions ran
// on different versions of the same service (DESIGN.md §1).
class ConsistencyChecker final
{
public:
    // names[service][0] is the service name, names[service][1 + v] its versions;
    // used only to report violations readably.
    explicit ConsistencyChecker(std::vector<std::vector<std::string>> names = {})
        : m_names(std::move(names))
    {}

    struct Violation
    {
        core::TraceId id;
        std::string service;
        std::vector<std::string> versions;  // the distinct versions seen, first-seen order
    };

    // Checks one transaction; returns true when it is consistent.
    bool check(const TransactionRecord& record);

    std::uint64_t checked() const { return m_checked; }
    std::uint64_t inconsistent() const { return m_inconsistent; }
    // Per service index: the inconsistent transactions that ran two versions
    // of that service (one transaction may count for several services, and
    // once for each). An update is answerable for its own service's count
    // only: other services may be updated meanwhile, naively.
    const std::vector<std::uint64_t>& inconsistentByService() const { return m_byService; }
    // The first violations found (kept up to a cap so memory stays bounded).
    const std::vector<Violation>& violations() const { return m_violations; }

    static constexpr std::size_t kMaxKeptViolations = 100;

private:
    std::uint64_t m_checked = 0;
    std::uint64_t m_inconsistent = 0;
    std::vector<std::uint64_t> m_byService;
    std::vector<Violation> m_violations;
    std::vector<std::vector<std::string>> m_names;

    void countServices(const std::vector<Visit>& visits);
    std::string serviceName(std::uint32_t service) const;
    std::string versionName(std::uint32_t service, std::uint32_t version) const;
};

}  // namespace concord::sandbox
