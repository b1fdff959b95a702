// route() on the phase-3 auth-service rules (DESIGN.md §3) with a handful of
// distinct pin values, as the simulator calls it for every sub-request.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "sandbox/router.h"

namespace {

using namespace concord;
using Kind = core::StringMatch::Kind;

core::HttpRoute pinnedRoute(const std::string& version)
{
    core::HttpMatchRequest match;
    match.headers["x-version"] = {Kind::Regex,
                                  R"((.*,)?\s*auth-service-)" + version + R"(\s*(,.*)?)"};
    core::HttpRoute route;
    route.match = {match};
    route.route = {{"auth-service", version, std::nullopt, std::nullopt, {}}};
    return route;
}

core::RuleSet phase3Rules()
{
    core::RuleSet rules;
    rules.virtualService.name = "auth-service";
    rules.virtualService.hosts = {"auth-service"};
    core::HttpRoute fallback;
    fallback.route = {{"auth-service", "v2", std::nullopt, std::nullopt, {}}};
    fallback.route[0].headers.response.add["x-version"] = "auth-service-v2";
    rules.virtualService.http = {pinnedRoute("v1"), pinnedRoute("v2"), fallback};
    rules.destinationRule.name = "auth-service";
    rules.destinationRule.host = "auth-service";
    rules.destinationRule.subsets = {{"v1", {{"version", "v1"}}}, {"v2", {{"version", "v2"}}}};
    return rules;
}

// Requests as the simulator sends them: trace id, pin header, a couple of others.
std::vector<sandbox::HeaderList> requests()
{
    const std::vector<std::string> pins = {
        "", "portal-service-v1", "portal-service-v1,auth-service-v1",
        "portal-service-v1,auth-service-v2", "portal-service-v1,proc-service-v1,auth-service-v1"};
    std::vector<sandbox::HeaderList> out;
    for (const auto& pin : pins) {
        sandbox::HeaderList h{{"x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124"},
                              {":authority", "auth-service"}};
        if (!pin.empty()) {
            h.emplace_back("x-version", pin);
        }
        out.push_back(std::move(h));
    }
    return out;
}

// Routes the phase-3 rules round-robin over a few pin values; `route` is one
// of the Router's two entry points.
template <typename Route>
void routePhase3(benchmark::State& state, Route route)
{
    sandbox::Router router;
    if (!router.apply(phase3Rules()).ok()) {
        state.SkipWithError("apply failed");
        return;
    }
    const auto reqs = requests();
    sandbox::Rng rng(1);
    std::size_t i = 0;
    for (auto _ : state) {
        route(router, reqs[i], rng);
        i = i + 1 == reqs.size() ? 0 : i + 1;
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_RoutePhase3(benchmark::State& state)
{
    routePhase3(state, [](const sandbox::Router& router, const auto& headers, sandbox::Rng& rng) {
        auto d = router.route("auth-service", headers, rng);
        benchmark::DoNotOptimize(d);
    });
}
BENCHMARK(BM_RoutePhase3);

// The copy-free variant the simulator uses.
void BM_RouteRefPhase3(benchmark::State& state)
{
    routePhase3(state, [](const sandbox::Router& router, const auto& headers, sandbox::Rng& rng) {
        const auto& d = router.routeRef("auth-service", headers, rng);
        benchmark::DoNotOptimize(&d);
    });
}
BENCHMARK(BM_RouteRefPhase3);

void BM_RouteUnmanaged(benchmark::State& state)
{
    sandbox::Router router;
    (void)router.apply(phase3Rules());
    const auto reqs = requests();
    sandbox::Rng rng(1);
    for (auto _ : state) {
        auto d = router.route("db-service", reqs[0], rng);
        benchmark::DoNotOptimize(d);
    }
}
BENCHMARK(BM_RouteUnmanaged);

}  // namespace

BENCHMARK_MAIN();
