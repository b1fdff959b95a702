// concordd as a process: the crash test of issue 3 (kill -9 in every phase of
// every strategy, rollback included; restart on the same journal, the update
// resumes and finishes, every transition journaled once, zero inconsistent
// transactions) and a smoke test of `concordd ctl` against a running daemon.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "concord/v1/mesh.grpc.pb.h"
#include "concord/v1/update.grpc.pb.h"
#include "controller/ctl_command.h"
#include "controller/journal.h"
#include "support/concordd_process.h"

namespace concord::controller {
namespace {

namespace v1 = concord::v1;
using testing::ConcorddProcess;

constexpr const char* kToken = "0123456789abcdef0123456789abcdef-crash-test";

// Each strategy's steps in the order the runner journals them.
const std::vector<std::string> kCvSteps = {
    "deploy", "pin", "switch_default", "block_and_lock", "sync_and_diff", "drain", "retire"};
const std::vector<std::string> kBfSteps = {
    "deploy", "pin", "block_and_lock", "sync_and_diff", "drain", "switch_default", "retire"};
const std::vector<std::string> kWfSteps = {"deploy", "pin", "sync_and_diff", "drain", "retire"};

const std::vector<std::string>& stepsOf(v1::UpdateStrategy strategy)
{
    return strategy == v1::UPDATE_STRATEGY_BF   ? kBfSteps
           : strategy == v1::UPDATE_STRATEGY_WF ? kWfSteps
                                                : kCvSteps;
}

std::string strategyName(v1::UpdateStrategy strategy)
{
    return v1::UpdateStrategy_Name(strategy).substr(16);  // "UPDATE_STRATEGY_CV" -> "CV"
}

class Concordd : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_dir = std::filesystem::temp_directory_path() /
                ("tst_concordd-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        for (char& c : m_name = m_dir.filename().string())
            c = c == '/' ? '_' : c;
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
        std::ofstream(m_dir / "tokens") << kToken << " ci operator\n";
    }
    void TearDown() override
    {
        m_daemon.reset();
        if (!HasFailure())
            std::filesystem::remove_all(m_dir);
    }

    // Starts concordd on the journal of this test; `crashAt` = "<step>:<point>"
    // makes it SIGKILL itself there (the daemon's test hook).
    // `rate` > 0: root requests per second instead of the example's 40.
    std::unique_ptr<ConcorddProcess> startDaemon(const std::string& crashAt = {}, double rate = 0)
    {
        ConcorddProcess::Options options;
        options.binary = CONCORDD_BINARY;
        // Each rule change waits 150 virtual ms (the "propagation"), so every
        // phase lasts long enough to be watched; speed 5 keeps the drain short.
        options.args = {"--sandbox",
                        "--listen",
                        "127.0.0.1:0",
                        "--journal",
                        (m_dir / "journal.db").string(),
                        "--token-file",
                        (m_dir / "tokens").string(),
                        "--speed",
                        "5",
                        "--rule-propagation",
                        "150",
                        "--deploy-delay",
                        "200"};
        if (rate > 0)
            options.args.insert(options.args.end(), {"--rate", std::to_string(rate)});
        if (!crashAt.empty())
            options.extraEnv["CONCORD_TEST_CRASH_AT"] = crashAt;
        options.stderrPath = (m_dir / "concordd.log").string();
        std::string error;
        auto daemon = ConcorddProcess::start(options, error);
        EXPECT_TRUE(daemon) << error;
        return daemon;
    }

    std::unique_ptr<v1::UpdateService::Stub> updates(const ConcorddProcess& daemon)
    {
        return v1::UpdateService::NewStub(
            grpc::CreateChannel(daemon.address(), grpc::InsecureChannelCredentials()));
    }

    static void authorize(grpc::ClientContext& context)
    {
        context.AddMetadata("authorization", std::string("Bearer ") + kToken);
    }

    // `mayDie`: the daemon may kill itself (its hook) before the reply leaves;
    // then the call fails UNAVAILABLE and the id is "" — unfinishedUpdate()
    // finds it in the journal, where it was before any effect.
    std::string startUpdate(const ConcorddProcess& daemon,
                            v1::UpdateStrategy strategy = v1::UPDATE_STRATEGY_CV,
                            bool mayDie = false, const std::string& target = "v2")
    {
        grpc::ClientContext context;
        authorize(context);
        v1::StartUpdateRequest request;
        request.set_service("auth-service");
        request.set_target_version(target);
        request.set_strategy(strategy);
        v1::StartUpdateResponse response;
        const auto status = updates(daemon)->StartUpdate(&context, request, &response);
        const bool died = mayDie && status.error_code() == grpc::StatusCode::UNAVAILABLE;
        EXPECT_TRUE(status.ok() || died) << status.error_message();
        return response.update_id();
    }

    // The one unfinished update in the journal (with the daemon gone).
    std::string unfinishedUpdate()
    {
        auto journal = Journal::open((m_dir / "journal.db").string());
        EXPECT_TRUE(journal.ok()) << journal.error().toString();
        if (!journal.ok())
            return {};
        const auto unfinished = (*journal)->unfinished();
        EXPECT_TRUE(unfinished.ok() && unfinished->size() == 1);
        return unfinished.ok() && unfinished->size() == 1 ? unfinished->front().id : std::string();
    }

    // Reads an update's WatchUpdate stream into `messages` until `stop` holds
    // for one (then cancels it and returns nullopt) or the stream ends (its status).
    std::optional<grpc::Status> watchUntil(
        const ConcorddProcess& daemon, const std::string& id,
        const std::function<bool(const v1::UpdateProgress&)>& stop,
        std::vector<v1::UpdateProgress>& messages)
    {
        grpc::ClientContext context;
        authorize(context);
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
        v1::WatchUpdateRequest request;
        request.set_update_id(id);
        auto stub = updates(daemon);
        auto reader = stub->WatchUpdate(&context, request);
        v1::UpdateProgress progress;
        while (reader->Read(&progress)) {
            messages.push_back(progress);
            if (stop(progress)) {
                context.TryCancel();
                reader->Finish();
                return std::nullopt;
            }
        }
        return reader->Finish();
    }

    // Watches an update to its end; returns every progress message.
    std::vector<v1::UpdateProgress> watch(const ConcorddProcess& daemon, const std::string& id)
    {
        std::vector<v1::UpdateProgress> messages;
        const auto status = watchUntil(
            daemon, id, [](const auto&) { return false; }, messages);
        EXPECT_TRUE(status && status->ok()) << (status ? status->error_message() : "");
        return messages;
    }

    // Waits on a WatchUpdate stream until the update reaches `phase`.
    bool waitForPhase(const ConcorddProcess& daemon, const std::string& id, v1::UpdatePhase phase)
    {
        std::vector<v1::UpdateProgress> messages;
        return !watchUntil(
            daemon, id, [phase](const auto& progress) { return progress.phase() == phase; },
            messages);
    }

    // The states of an update's journaled transitions, in seq order.
    std::vector<std::string> journaledSteps(const std::string& id)
    {
        auto journal = Journal::open((m_dir / "journal.db").string());
        EXPECT_TRUE(journal.ok()) << journal.error().toString();
        if (!journal.ok())
            return {};
        const auto transitions = (*journal)->transitions(id);
        EXPECT_TRUE(transitions.ok());
        std::vector<std::string> steps;
        std::int64_t seq = 0;
        for (const auto& t : *transitions) {
            EXPECT_EQ(t.seq, ++seq);
            const auto detail = nlohmann::json::parse(t.detailJson);
            steps.push_back(t.state + (detail.contains("rollback")
                                           ? "/" + detail["rollback"].get<std::string>()
                                           : std::string()));
        }
        return steps;
    }

    grpc::Status abortUpdate(const ConcorddProcess& daemon, const std::string& id)
    {
        grpc::ClientContext context;
        authorize(context);
        v1::AbortUpdateRequest request;
        request.set_update_id(id);
        request.set_reason("crash test");
        v1::AbortUpdateResponse response;
        return updates(daemon)->AbortUpdate(&context, request, &response);
    }

    // The VirtualService and DestinationRule in force for auth-service.
    std::string rules(const ConcorddProcess& daemon)
    {
        grpc::ClientContext context;
        authorize(context);
        v1::GetRulesRequest request;
        request.set_service("auth-service");
        v1::GetRulesResponse response;
        const auto status =
            v1::MeshService::NewStub(
                grpc::CreateChannel(daemon.address(), grpc::InsecureChannelCredentials()))
                ->GetRules(&context, request, &response);
        EXPECT_TRUE(status.ok()) << status.error_message();
        return response.rules_yaml();
    }

    void expectKilledByItsHook(std::unique_ptr<ConcorddProcess>& daemon, const std::string& at)
    {
        const auto status = daemon->wait(std::chrono::seconds(60));
        ASSERT_TRUE(status) << "concordd did not reach " << at;
        ASSERT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL) << *status;
        daemon.reset();
    }

    void expectFinishedConsistently(const std::vector<v1::UpdateProgress>& messages,
                                    v1::UpdateState state = v1::UPDATE_STATE_COMPLETED)
    {
        ASSERT_FALSE(messages.empty());
        const auto& last = messages.back();
        EXPECT_EQ(last.state(), state) << last.message();
        for (const auto& m : messages)
            EXPECT_EQ(m.inconsistent_transactions(), 0u) << m.message();
        if (state != v1::UPDATE_STATE_COMPLETED)
            return;
        EXPECT_EQ(last.diff_set_size(), 0u);
        std::uint64_t previous = UINT64_MAX;
        for (const auto& m : messages) {
            // WF's sets stay open (ids may join), so only a locked DiffSet is monotone.
            if (m.phase() != v1::UPDATE_PHASE_DRAIN || m.strategy() == v1::UPDATE_STRATEGY_WF)
                continue;
            EXPECT_LE(m.diff_set_size(), previous) << "a locked DiffSet only shrinks";
            previous = m.diff_set_size();
        }
    }

    void stopDaemon(std::unique_ptr<ConcorddProcess>& daemon)
    {
        daemon->terminate();
        const auto status = daemon->wait(std::chrono::seconds(10));
        ASSERT_TRUE(status) << "concordd did not exit on SIGTERM";
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
            << "exit status " << *status << "\n"
            << testing::readTextFile((m_dir / "concordd.log").string());
        daemon.reset();
    }

    std::filesystem::path m_dir;
    std::string m_name;
    std::unique_ptr<ConcorddProcess> m_daemon;
};

// Kills the daemon (SIGKILL, from its own hook) right after it journaled a
// step, and in another run right after the step's effect, for every step of
// every strategy; each time a fresh daemon on the same journal finishes the
// update.
using CrashPoint = std::tuple<v1::UpdateStrategy, std::string, std::string>;

class ConcorddCrash : public Concordd, public ::testing::WithParamInterface<CrashPoint>
{
};

TEST_P(ConcorddCrash, ResumesAndCompletesAfterKill9)
{
    const auto& [strategy, step, point] = GetParam();
    // WF needs moments with no transaction on v1: at the example's 40 root
    // requests per second they hardly come, so its daemons run at 0.5 per second.
    const double rate = strategy == v1::UPDATE_STRATEGY_WF ? 0.5 : 0;
    auto first = startDaemon(step + ":" + point, rate);
    ASSERT_TRUE(first);
    std::string id = startUpdate(*first, strategy, true);
    expectKilledByItsHook(first, step + ":" + point);
    if (id.empty())
        id = unfinishedUpdate();
    ASSERT_FALSE(id.empty());

    auto second = startDaemon({}, rate);
    ASSERT_TRUE(second);
    expectFinishedConsistently(watch(*second, id));
    EXPECT_EQ(rules(*second).find("auth-service-v1"), std::string::npos) << "v1 retired";
    stopDaemon(second);

    EXPECT_EQ(journaledSteps(id), stepsOf(strategy)) << "every transition exactly once";
}

std::vector<CrashPoint> everyCrashPoint()
{
    std::vector<CrashPoint> points;
    for (const auto strategy :
         {v1::UPDATE_STRATEGY_CV, v1::UPDATE_STRATEGY_BF, v1::UPDATE_STRATEGY_WF})
        for (const auto& step : stepsOf(strategy))
            for (const char* point : {"journaled", "applied"})
                points.emplace_back(strategy, step, point);
    return points;
}

INSTANTIATE_TEST_SUITE_P(EveryStep, ConcorddCrash, ::testing::ValuesIn(everyCrashPoint()),
                         [](const auto& info) {
                             return strategyName(std::get<0>(info.param)) + "_" +
                                    std::get<1>(info.param) + "_" + std::get<2>(info.param);
                         });

// Aborted while draining, killed in the rollback (at its first step, journaled
// or applied): the next daemon finishes the rollback — the update ends
// ABORTED, the rules route only to v1 again, each rollback step journaled once.
class ConcorddRollbackCrash
    : public Concordd,
      public ::testing::WithParamInterface<std::tuple<v1::UpdateStrategy, std::string>>
{
};

TEST_P(ConcorddRollbackCrash, FinishesTheRollbackAfterKill9)
{
    const auto& [strategy, point] = GetParam();
    // At the example's full rate the drain lasts (WF's never ends on its own),
    // so the abort comes while it runs.
    auto first = startDaemon("rollback:" + point);
    ASSERT_TRUE(first);
    const std::string id = startUpdate(*first, strategy);
    ASSERT_TRUE(waitForPhase(*first, id, v1::UPDATE_PHASE_DRAIN));
    // The abort is journaled before its effect; the hook may kill the daemon
    // before the reply leaves, so the call's status is not checked.
    abortUpdate(*first, id);
    expectKilledByItsHook(first, "rollback:" + point);

    auto second = startDaemon();
    ASSERT_TRUE(second);
    expectFinishedConsistently(watch(*second, id), v1::UPDATE_STATE_ABORTED);
    const std::string yaml = rules(*second);
    EXPECT_EQ(yaml.find("auth-service-v2"), std::string::npos) << yaml;
    EXPECT_NE(yaml.find("auth-service-v1"), std::string::npos) << yaml;
    stopDaemon(second);

    // The steps up to the drain, then the strategy's rollback, each once.
    const auto& steps = stepsOf(strategy);
    std::vector<std::string> expected(steps.begin(),
                                      std::find(steps.begin(), steps.end(), "drain") + 1);
    const std::vector<std::string> rollback =
        strategy == v1::UPDATE_STRATEGY_CV
            ? std::vector<std::string>{"rollback/repin", "rollback/block_new", "rollback/drain_new",
                                       "rollback/restore"}
        : strategy == v1::UPDATE_STRATEGY_WF
            ? std::vector<std::string>{"rollback/cancel", "rollback/restore"}
            : std::vector<std::string>{"rollback/restore"};
    expected.insert(expected.end(), rollback.begin(), rollback.end());
    EXPECT_EQ(journaledSteps(id), expected);
}

INSTANTIATE_TEST_SUITE_P(EveryStrategy, ConcorddRollbackCrash,
                         ::testing::Combine(::testing::Values(v1::UPDATE_STRATEGY_CV,
                                                              v1::UPDATE_STRATEGY_BF,
                                                              v1::UPDATE_STRATEGY_WF),
                                            ::testing::Values("journaled", "applied")),
                         [](const auto& info) {
                             return strategyName(std::get<0>(info.param)) + "_" +
                                    std::get<1>(info.param);
                         });

// kill -9 from outside while the DiffSet drains under live traffic.
TEST_F(Concordd, ResumesAfterAnExternalKill9WhileDraining)
{
    auto first = startDaemon();
    ASSERT_TRUE(first);
    const std::string id = startUpdate(*first);
    ASSERT_TRUE(waitForPhase(*first, id, v1::UPDATE_PHASE_DRAIN)) << "never saw the drain";
    first->kill9();
    ASSERT_TRUE(first->wait(std::chrono::seconds(10)));
    first.reset();

    auto second = startDaemon();
    ASSERT_TRUE(second);
    expectFinishedConsistently(watch(*second, id));
    stopDaemon(second);
    EXPECT_EQ(journaledSteps(id), kCvSteps);
}

// The mesh a restarted daemon serves is where its journal says the finished
// updates left it (the sandbox itself starts from the topology file): the
// console showed v1 serving again after its embedded daemon was restarted.
TEST_F(Concordd, ARestartKeepsWhatFinishedUpdatesDid)
{
    auto first = startDaemon();
    ASSERT_TRUE(first);
    const std::string id = startUpdate(*first);
    expectFinishedConsistently(watch(*first, id));
    const std::string finalRules = rules(*first);
    stopDaemon(first);

    auto second = startDaemon();
    ASSERT_TRUE(second);
    grpc::ClientContext context;
    authorize(context);
    v1::GetVersionTreeRequest request;
    request.set_service("auth-service");
    v1::GetVersionTreeResponse tree;
    ASSERT_TRUE(v1::MeshService::NewStub(
                    grpc::CreateChannel(second->address(), grpc::InsecureChannelCredentials()))
                    ->GetVersionTree(&context, request, &tree)
                    .ok());
    std::map<std::string, v1::VersionState> states;
    for (const v1::Version& v : tree.tree().versions())
        states[v.name()] = v.state();
    EXPECT_EQ(states["v2"], v1::VERSION_STATE_SERVING);
    EXPECT_EQ(states["v1"], v1::VERSION_STATE_RETIRED);
    EXPECT_EQ(rules(*second), finalRules);
    // And a rollback, an update to the older node, starts from there.
    const std::string back = startUpdate(*second, v1::UPDATE_STRATEGY_CV, false, "v1");
    expectFinishedConsistently(watch(*second, back));
    stopDaemon(second);
}

// Without a token file the daemon writes its generated operator token for
// its owner only, even over a world-readable leftover of an earlier write.
TEST_F(Concordd, TheGeneratedTokenIsReadableByItsOwnerOnly)
{
    const auto tokenPath = m_dir / "run" / "token";
    std::filesystem::create_directories(tokenPath.parent_path());
    std::ofstream(tokenPath.string() + ".tmp") << "stale\n";
    std::filesystem::permissions(
        tokenPath.string() + ".tmp",
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
            std::filesystem::perms::group_read | std::filesystem::perms::others_read);
    ConcorddProcess::Options options;
    options.binary = CONCORDD_BINARY;
    options.args = {"--listen",    "127.0.0.1:0",     "--journal", (m_dir / "journal.db").string(),
                    "--token-out", tokenPath.string()};
    options.extraEnv["CONCORD_TOKEN"] = "";  // a random one
    options.stderrPath = (m_dir / "concordd.log").string();
    std::string error;
    auto daemon = ConcorddProcess::start(options, error);
    ASSERT_TRUE(daemon) << error;
    const auto perms = std::filesystem::status(tokenPath).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::string token = testing::readTextFile(tokenPath.string());
    ASSERT_FALSE(token.empty());
    token.pop_back();  // the newline
    EXPECT_EQ(token.size(), 64u);
    EXPECT_EQ(testing::readTextFile((m_dir / "concordd.log").string()).find(token),
              std::string::npos)
        << "the token is never logged";
    std::ostringstream out, err;
    EXPECT_EQ(
        runCtlCommand({"--controller", daemon->address(), "--token", token, "info"}, out, err), 0)
        << err.str();
    stopDaemon(daemon);
}

int ctl(std::vector<std::string> args, const ConcorddProcess& daemon, std::string& out)
{
    // First, so a test's own --token (given later) wins.
    args.insert(args.begin(), {"--controller", daemon.address(), "--token", kToken});
    std::ostringstream o, e;
    const int code = runCtlCommand(args, o, e);
    out = o.str() + e.str();
    return code;
}

TEST_F(Concordd, CtlDrivesAnUpdateEndToEnd)
{
    auto daemon = startDaemon();
    ASSERT_TRUE(daemon);
    std::string out;
    ASSERT_EQ(ctl({"info"}, *daemon, out), 0) << out;
    EXPECT_NE(out.find("driver sandbox"), std::string::npos) << out;
    EXPECT_NE(out.find("you are ci (operator)"), std::string::npos) << out;
    ASSERT_EQ(ctl({"services"}, *daemon, out), 0) << out;
    EXPECT_NE(out.find("auth-service"), std::string::npos) << out;
    ASSERT_EQ(ctl({"plan", "auth-service", "v2"}, *daemon, out), 0) << out;
    EXPECT_NE(out.find("kind: VirtualService"), std::string::npos) << out;
    EXPECT_NE(out.find("auth-service-v2"), std::string::npos) << out;

    ASSERT_EQ(ctl({"start", "auth-service", "v2"}, *daemon, out), 0) << out;
    const std::string id = out.substr(0, out.find('\n'));
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(ctl({"start", "auth-service", "v2"}, *daemon, out), 1);
    EXPECT_NE(out.find("FAILED_PRECONDITION"), std::string::npos) << out;
    ASSERT_EQ(ctl({"watch", id}, *daemon, out), 0) << out;
    EXPECT_NE(out.find("retire completed"), std::string::npos) << out;
    EXPECT_NE(out.find("inconsistent=0"), std::string::npos) << out;
    ASSERT_EQ(ctl({"history"}, *daemon, out), 0) << out;
    EXPECT_NE(out.find(id), std::string::npos) << out;
    ASSERT_EQ(ctl({"rules", "auth-service"}, *daemon, out), 0) << out;
    EXPECT_EQ(out.find("auth-service-v1"), std::string::npos) << "v1 retired:\n" << out;

    EXPECT_EQ(ctl({"abort", "no-such-update"}, *daemon, out), 1);
    EXPECT_NE(out.find("NOT_FOUND"), std::string::npos) << out;
    EXPECT_EQ(ctl({"info", "--token", "wrong-token-wrong-token"}, *daemon, out), 1);
    EXPECT_NE(out.find("UNAUTHENTICATED"), std::string::npos) << out;
    stopDaemon(daemon);
}

}  // namespace
}  // namespace concord::controller
