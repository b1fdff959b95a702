#include "topology_service.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "proto_convert.h"

namespace concord::controller {

namespace {

constexpr double kMinPeriodMs = 100;
constexpr double kMaxPeriodMs = 60'000;

// One WatchTopology stream: a snapshot at once, then one per period, each over
// the time since the previous one (the stream's own edgeStats cursor).
class TopologyWatch final : public WatchStream<v1::TopologySnapshot>
{
public:
    TopologyWatch(std::shared_ptr<ApiContext> api, std::chrono::milliseconds period,
                  std::set<std::string> services)
        : WatchStream(std::move(api)), m_period(period), m_services(std::move(services))
    {}

protected:
    Step produce(SteadyClock::time_point now) override
    {
        if (m_sent && now < m_next) {
            return {};
        }
        std::vector<EdgeStats> edges = api().driver.edgeStats(m_cursor);
        v1::TopologySnapshot snapshot;
        *snapshot.mutable_observed_at() = timestampFromUnixMs(nowUnixMs());
        const double windowMs =
            m_sent ? std::chrono::duration<double, std::milli>(now - m_last).count() : 0;
        *snapshot.mutable_window() = durationFromMs(windowMs);
        std::sort(edges.begin(), edges.end(), [](const EdgeStats& a, const EdgeStats& b) {
            return std::tie(a.sourceService, a.sourceVersion, a.destinationService,
                            a.destinationVersion) < std::tie(b.sourceService, b.sourceVersion,
                                                             b.destinationService,
                                                             b.destinationVersion);
        });
        for (const EdgeStats& edge : edges) {
            if (!m_services.empty() && m_services.count(edge.sourceService) == 0 &&
                m_services.count(edge.destinationService) == 0) {
                continue;
            }
            if (edge.requestRate <= 0) {
                continue;  // only edges that carried requests in the window
            }
            toProto(edge, *snapshot.add_edges());
        }
        // Keep the cadence (the pump visits late by up to a tick, which must not
        // accumulate), but a stream that fell a whole period behind starts
        // afresh rather than catching up with a backlog.
        m_next = m_sent && now < m_next + m_period ? m_next + m_period : now + m_period;
        m_sent = true;
        m_last = now;
        return {std::move(snapshot), std::nullopt};
    }

private:
    const std::chrono::milliseconds m_period;
    const std::set<std::string> m_services;
    std::uint64_t m_cursor = 0;
    bool m_sent = false;
    SteadyClock::time_point m_last{};
    SteadyClock::time_point m_next{};
};

}  // namespace

grpc::ServerWriteReactor<v1::TopologySnapshot>* TopologyServiceImpl::WatchTopology(
    grpc::CallbackServerContext* context, const v1::WatchTopologyRequest* request)
{
    using Failed = FailedStream<v1::TopologySnapshot>;
    try {
        grpc::Status denied;
        if (!authorize(*m_api, *context, Role::Viewer, "WatchTopology", denied)) {
            return new Failed(denied);
        }
        std::chrono::milliseconds period = m_api->timing.topologyDefault;
        if (request->has_period()) {
            const auto ms = durationToMs(request->period());
            if (!ms || *ms < kMinPeriodMs || *ms > kMaxPeriodMs) {
                return new Failed(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                               "period: must be between 100 ms and 60 s"));
            }
            period = std::chrono::milliseconds(static_cast<std::int64_t>(*ms));
        }
        std::set<std::string> known;
        for (const ServiceInfo& service : m_api->driver.mesh().services) {
            known.insert(service.name);
        }
        std::set<std::string> services;
        for (const std::string& service : request->services()) {
            if (known.count(service) == 0) {
                return new Failed(grpc::Status(grpc::StatusCode::NOT_FOUND,
                                               "services: service '" + service + "' not found"));
            }
            services.insert(service);
        }
        return openStream(m_api,
                          std::make_shared<TopologyWatch>(m_api, period, std::move(services)));
    } catch (const std::exception& e) {
        return new Failed(
            grpc::Status(grpc::StatusCode::INTERNAL, std::string("internal error: ") + e.what()));
    }
}

}  // namespace concord::controller
