#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "controller/journal.h"

namespace fs = std::filesystem;
using namespace concord::controller;
using concord::core::UpdatePhase;
using ::testing::HasSubstr;

namespace {

class JournalTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        static std::atomic<int> counter{0};
        m_dir = fs::temp_directory_path() /
                ("tst_journal-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        m_path = (m_dir / "journal.db").string();
    }
    void TearDown() override { fs::remove_all(m_dir); }

    std::unique_ptr<Journal> open()
    {
        auto journal = Journal::open(m_path);
        EXPECT_TRUE(journal.ok()) << (journal ? "" : journal.error().toString());
        return journal ? std::move(*journal) : nullptr;
    }

    // Runs SQL on the closed journal behind the Journal's back.
    void rawExec(const std::string& path, const std::string& sql)
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        char* message = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
        EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
        sqlite3_free(message);
        sqlite3_close(db);
    }

    fs::path m_dir;
    std::string m_path;
};

UpdateRecord makeUpdate(std::string service, std::string id = {}, std::int64_t createdAt = 0)
{
    UpdateRecord u;
    u.id = std::move(id);
    u.service = std::move(service);
    u.fromVersion = "v1";
    u.toVersion = "v2";
    u.strategy = "cv";
    u.optionsJson = R"({"ttl": 30, "rate": 5})";
    u.createdAtUnixMs = createdAt;
    return u;
}

Transition step(std::int64_t seq, UpdatePhase phase, std::string state = "enter",
                std::string detail = "{}")
{
    return Transition{seq, phase, std::move(state), 0, std::move(detail)};
}

template <typename T>
T take(concord::core::Result<T> result)
{
    EXPECT_TRUE(result.ok()) << (result ? "" : result.error().toString());
    return result ? std::move(*result) : T{};
}

template <typename T>
std::string errorOf(const concord::core::Result<T>& result)
{
    EXPECT_FALSE(result.ok());
    return result ? std::string("<no error>") : result.error().toString();
}

TEST_F(JournalTest, RoundTrip)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    const std::string id = take(journal->beginUpdate(makeUpdate("auth-service", "u-1", 1000)));
    EXPECT_EQ(id, "u-1");
    EXPECT_TRUE(take(journal->recordTransition(id, step(1, UpdatePhase::NewVersionOnline))));
    EXPECT_TRUE(take(journal->recordTransition(
        id,
        Transition{2, UpdatePhase::SwitchDefault, "rules-applied", 2000, R"({"b":1,"a":[2]})"})));
    EXPECT_TRUE(take(journal->finishUpdate(id, UpdateState::Completed, R"({"diff": 0})")));

    const auto u = take(journal->update(id));
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->service, "auth-service");
    EXPECT_EQ(u->fromVersion, "v1");
    EXPECT_EQ(u->toVersion, "v2");
    EXPECT_EQ(u->strategy, "cv");
    EXPECT_EQ(u->optionsJson, R"({"rate":5,"ttl":30})");  // normalised
    EXPECT_EQ(u->createdAtUnixMs, 1000);
    EXPECT_EQ(u->state, UpdateState::Completed);
    ASSERT_TRUE(u->finishedAtUnixMs.has_value());
    EXPECT_GT(*u->finishedAtUnixMs, 1'600'000'000'000);
    EXPECT_EQ(u->metricsJson, std::optional<std::string>(R"({"diff":0})"));
    ASSERT_TRUE(u->lastTransition.has_value());
    EXPECT_EQ(u->lastTransition->seq, 2);

    const auto ts = take(journal->transitions(id));
    ASSERT_EQ(ts.size(), 2u);
    EXPECT_EQ(ts[0].seq, 1);
    EXPECT_EQ(ts[0].phase, UpdatePhase::NewVersionOnline);
    EXPECT_EQ(ts[0].state, "enter");
    EXPECT_EQ(ts[0].detailJson, "{}");
    EXPECT_EQ(ts[1].phase, UpdatePhase::SwitchDefault);
    EXPECT_EQ(ts[1].state, "rules-applied");
    EXPECT_EQ(ts[1].atUnixMs, 2000);
    EXPECT_EQ(ts[1].detailJson, R"({"a":[2],"b":1})");
    EXPECT_FALSE(take(journal->update("nope")).has_value());
    EXPECT_THAT(errorOf(journal->transitions("nope")), HasSubstr("unknown update 'nope'"));
}

TEST_F(JournalTest, GeneratesUuidIds)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    const std::string a = take(journal->beginUpdate(makeUpdate("a")));
    const std::string b = take(journal->beginUpdate(makeUpdate("b")));
    const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    EXPECT_TRUE(std::regex_match(a, uuid)) << a;
    EXPECT_TRUE(std::regex_match(b, uuid)) << b;
    EXPECT_NE(a, b);
    EXPECT_THAT(errorOf(journal->beginUpdate(makeUpdate("c", a))), HasSubstr("already exists"));
}

TEST_F(JournalTest, RejectsInvalidRecords)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    auto noService = makeUpdate("");
    EXPECT_THAT(errorOf(journal->beginUpdate(noService)), HasSubstr("service must not be empty"));
    auto badOptions = makeUpdate("s");
    badOptions.optionsJson = "{not json";
    EXPECT_THAT(errorOf(journal->beginUpdate(badOptions)), HasSubstr("options is not valid JSON"));
    auto deep = makeUpdate("s");
    deep.optionsJson = std::string(100000, '[') + std::string(100000, ']');
    EXPECT_THAT(errorOf(journal->beginUpdate(deep)), HasSubstr("nested too deeply"));
    EXPECT_THAT(errorOf(journal->beginUpdate(makeUpdate("s", std::string("a\nb")))),
                HasSubstr("control character"));
    EXPECT_TRUE(take(journal->history({})).updates.empty());  // nothing half-written

    const std::string id = take(journal->beginUpdate(makeUpdate("s")));
    EXPECT_THAT(errorOf(journal->recordTransition(id, step(0, UpdatePhase::Initial))),
                HasSubstr("seq must be positive"));
    EXPECT_THAT(errorOf(journal->recordTransition(id, step(1, static_cast<UpdatePhase>(9)))),
                HasSubstr("not a phase"));
    EXPECT_THAT(errorOf(journal->recordTransition(id, step(1, UpdatePhase::Initial, ""))),
                HasSubstr("state must not be empty"));
    EXPECT_THAT(errorOf(journal->recordTransition(id, step(1, UpdatePhase::Initial, "x", "[1,"))),
                HasSubstr("not valid JSON"));
    EXPECT_THAT(errorOf(journal->recordTransition("ghost", step(1, UpdatePhase::Initial))),
                HasSubstr("unknown update 'ghost'"));
    EXPECT_TRUE(take(journal->transitions(id)).empty());
}

TEST_F(JournalTest, ReplayOfTheSameTransitionIsIdempotent)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    const std::string id = take(journal->beginUpdate(makeUpdate("auth")));
    Transition t{1, UpdatePhase::BlockAndLock, "locked", 5000, R"({"sets": 3, "ok": true})"};
    EXPECT_TRUE(take(journal->recordTransition(id, t)));
    // After a crash the runner replays the step: a new timestamp, same JSON differently spelled.
    Transition replay{1, UpdatePhase::BlockAndLock, "locked", 9000, R"({ "ok":true,"sets":3 })"};
    EXPECT_FALSE(take(journal->recordTransition(id, replay)));
    EXPECT_FALSE(take(journal->recordTransition(id, t)));
    const auto ts = take(journal->transitions(id));
    ASSERT_EQ(ts.size(), 1u);
    EXPECT_EQ(ts[0].atUnixMs, 5000);  // the first record wins
    EXPECT_TRUE(take(journal->recordTransition(id, step(2, UpdatePhase::SyncAndDiff))));
    // Replaying an old step after newer ones is still a replay, not an error.
    EXPECT_FALSE(take(journal->recordTransition(id, t)));
    EXPECT_EQ(take(journal->transitions(id)).size(), 2u);
}

TEST_F(JournalTest, ConflictingReplayIsAnError)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    const std::string id = take(journal->beginUpdate(makeUpdate("auth")));
    ASSERT_TRUE(take(
        journal->recordTransition(id, step(1, UpdatePhase::SwitchDefault, "enter", R"({"v":1})"))));
    for (const auto& other : {step(1, UpdatePhase::BlockAndLock, "enter", R"({"v":1})"),
                              step(1, UpdatePhase::SwitchDefault, "done", R"({"v":1})"),
                              step(1, UpdatePhase::SwitchDefault, "enter", R"({"v":2})")}) {
        EXPECT_THAT(errorOf(journal->recordTransition(id, other)),
                    HasSubstr("transition 1 of update '" + id +
                              "' is already recorded with different content"));
    }
    EXPECT_THAT(errorOf(journal->recordTransition(id, step(3, UpdatePhase::Retired))),
                HasSubstr("out of order: the next is 2"));
    const auto ts = take(journal->transitions(id));
    ASSERT_EQ(ts.size(), 1u);
    EXPECT_EQ(ts[0].detailJson, R"({"v":1})");
}

TEST_F(JournalTest, OneUnfinishedUpdatePerService)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    const std::string first = take(journal->beginUpdate(makeUpdate("auth")));
    auto second = makeUpdate("auth");
    second.toVersion = "v3";
    const std::string error = errorOf(journal->beginUpdate(second));
    EXPECT_THAT(error, HasSubstr("service 'auth' already has an unfinished update '" + first));
    EXPECT_THAT(error, HasSubstr(m_path));
    EXPECT_TRUE(journal->beginUpdate(makeUpdate("db")).ok());  // other services run in parallel
    ASSERT_TRUE(take(journal->unfinishedFor("auth")).has_value());
    EXPECT_EQ(take(journal->unfinishedFor("auth"))->id, first);

    EXPECT_TRUE(take(journal->finishUpdate(first, UpdateState::Aborted, "")));
    EXPECT_FALSE(take(journal->unfinishedFor("auth")).has_value());
    const std::string next = take(journal->beginUpdate(second));
    EXPECT_EQ(take(journal->unfinishedFor("auth"))->id, next);
}

TEST_F(JournalTest, PartialUniqueIndexGuardsTheFileToo)
{
    {
        auto journal = open();
        ASSERT_TRUE(journal);
        ASSERT_TRUE(journal->beginUpdate(makeUpdate("auth", "a")).ok());
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(m_path.c_str(), &db), SQLITE_OK);
    const char* insert =
        "INSERT INTO updates (id, service, from_version, to_version, strategy, options, "
        "created_at, state) VALUES ('b', 'auth', 'v1', 'v2', 'cv', '{}', 1, 'running')";
    EXPECT_EQ(sqlite3_exec(db, insert, nullptr, nullptr, nullptr), SQLITE_CONSTRAINT);
    EXPECT_THAT(sqlite3_errmsg(db), HasSubstr("UNIQUE"));
    sqlite3_close(db);
}

TEST_F(JournalTest, FinishUpdate)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    const std::string id = take(journal->beginUpdate(makeUpdate("auth")));
    EXPECT_THAT(errorOf(journal->finishUpdate(id, UpdateState::Running, "")),
                HasSubstr("needs a final state"));
    EXPECT_THAT(errorOf(journal->finishUpdate(id, UpdateState::Completed, "nope")),
                HasSubstr("metrics is not valid JSON"));
    EXPECT_THAT(errorOf(journal->finishUpdate("ghost", UpdateState::Completed, "")),
                HasSubstr("unknown update 'ghost'"));
    EXPECT_TRUE(take(journal->finishUpdate(id, UpdateState::ForceRetired, R"({"stragglers":2})")));
    EXPECT_FALSE(take(journal->finishUpdate(id, UpdateState::ForceRetired, R"({"other":1})")));
    EXPECT_THAT(errorOf(journal->finishUpdate(id, UpdateState::Completed, "")),
                HasSubstr("is already force_retired, cannot make it completed"));
    EXPECT_EQ(take(journal->update(id))->metricsJson,
              std::optional<std::string>(R"({"stragglers":2})"));
    EXPECT_THAT(errorOf(journal->recordTransition(id, step(1, UpdatePhase::Retired))),
                HasSubstr("the update is already force_retired"));
}

TEST_F(JournalTest, UnfinishedSurvivesReopen)
{
    std::string a;
    std::string c;
    {
        auto journal = open();
        ASSERT_TRUE(journal);
        a = take(journal->beginUpdate(makeUpdate("auth", "", 10)));
        const std::string b = take(journal->beginUpdate(makeUpdate("db", "", 20)));
        c = take(journal->beginUpdate(makeUpdate("proc", "", 30)));
        for (std::int64_t seq = 1; seq <= 4; ++seq) {
            ASSERT_TRUE(journal
                            ->recordTransition(a, step(seq, static_cast<UpdatePhase>(seq + 1),
                                                       "s" + std::to_string(seq)))
                            .ok());
        }
        ASSERT_TRUE(journal->recordTransition(b, step(1, UpdatePhase::NewVersionOnline)).ok());
        ASSERT_TRUE(journal->finishUpdate(b, UpdateState::Completed, "{}").ok());
    }
    auto journal = open();
    ASSERT_TRUE(journal);
    const auto pending = take(journal->unfinished());
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].id, a);
    ASSERT_TRUE(pending[0].lastTransition.has_value());
    EXPECT_EQ(pending[0].lastTransition->seq, 4);
    EXPECT_EQ(pending[0].lastTransition->phase, UpdatePhase::SyncAndDiff);
    EXPECT_EQ(pending[0].lastTransition->state, "s4");
    EXPECT_EQ(pending[0].state, UpdateState::Running);
    EXPECT_EQ(pending[1].id, c);
    EXPECT_FALSE(pending[1].lastTransition.has_value());
    // The resumed runner continues where it stopped.
    EXPECT_TRUE(take(journal->recordTransition(a, step(5, UpdatePhase::Retired))));
}

TEST_F(JournalTest, HistoryIsPaginatedNewestFirstAndFiltered)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    // Nine updates; 3 and 4 share a timestamp, so the cursor must break ties.
    const std::int64_t times[] = {100, 200, 300, 300, 500, 600, 700, 800, 900};
    std::vector<std::string> ids;
    for (int i = 0; i < 9; ++i) {
        const std::string service = (i % 2 == 0) ? "auth" : "db";
        ids.push_back(
            take(journal->beginUpdate(makeUpdate(service, "u" + std::to_string(i), times[i]))));
        if (i < 7) {
            const auto state = (i % 3 == 0) ? UpdateState::Aborted : UpdateState::Completed;
            ASSERT_TRUE(journal->finishUpdate(ids.back(), state, "{}").ok());
        }
    }
    std::vector<std::string> seen;
    HistoryFilter filter;
    filter.limit = 2;
    for (int page = 0; page < 10; ++page) {
        const auto result = take(journal->history(filter));
        EXPECT_LE(result.updates.size(), 2u);
        for (const auto& u : result.updates) {
            seen.push_back(u.id);
        }
        if (!result.nextBefore) {
            break;
        }
        filter.before = result.nextBefore;
    }
    EXPECT_EQ(seen,
              (std::vector<std::string>{"u8", "u7", "u6", "u5", "u4", "u3", "u2", "u1", "u0"}));

    const auto ids_of = [&](HistoryFilter f) {
        std::vector<std::string> out;
        for (const auto& u : take(journal->history(f)).updates) {
            out.push_back(u.id);
        }
        return out;
    };
    HistoryFilter byService;
    byService.service = "db";
    EXPECT_EQ(ids_of(byService), (std::vector<std::string>{"u7", "u5", "u3", "u1"}));
    HistoryFilter aborted;
    aborted.state = UpdateState::Aborted;
    EXPECT_EQ(ids_of(aborted), (std::vector<std::string>{"u6", "u3", "u0"}));
    HistoryFilter both = aborted;
    both.service = "auth";
    both.before = "u6";
    EXPECT_EQ(ids_of(both), (std::vector<std::string>{"u0"}));
    HistoryFilter running;
    running.state = UpdateState::Running;
    EXPECT_EQ(ids_of(running), (std::vector<std::string>{"u8", "u7"}));
    HistoryFilter exact;
    exact.limit = 9;
    EXPECT_FALSE(take(journal->history(exact)).nextBefore.has_value());

    HistoryFilter bad;
    bad.limit = 0;
    EXPECT_THAT(errorOf(journal->history(bad)), HasSubstr("limit must be between 1 and 1000"));
    bad.limit = Journal::kMaxPageSize + 1;
    EXPECT_FALSE(journal->history(bad).ok());
    HistoryFilter unknownCursor;
    unknownCursor.before = "ghost";
    EXPECT_THAT(errorOf(journal->history(unknownCursor)), HasSubstr("unknown update 'ghost'"));
}

TEST_F(JournalTest, OperatorActions)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    const std::string id = take(journal->beginUpdate(makeUpdate("auth")));
    Action start{0, id, "alice", "operator", ActionKind::Start, "", R"({"strategy":"cv"})", 0};
    Action add{0,
               std::nullopt,
               "bob",
               "operator",
               ActionKind::RegisterVersion,
               "new tree node",
               R"({"service":"auth","version":"v3"})",
               1234};
    Action abort{0, id, "alice", "operator", ActionKind::Abort, "too slow", "", 0};
    const auto s1 = take(journal->recordAction(start));
    const auto s2 = take(journal->recordAction(add));
    const auto s3 = take(journal->recordAction(abort));
    EXPECT_LT(s1, s2);
    EXPECT_LT(s2, s3);
    Action ghost = abort;
    ghost.updateId = "ghost";
    EXPECT_THAT(errorOf(journal->recordAction(ghost)), HasSubstr("unknown update 'ghost'"));
    Action anonymous = abort;
    anonymous.actor.clear();
    EXPECT_THAT(errorOf(journal->recordAction(anonymous)), HasSubstr("needs an actor"));

    const auto all = take(journal->actions({}));
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].seq, s3);
    EXPECT_EQ(all[0].kind, ActionKind::Abort);
    EXPECT_EQ(all[0].reason, "too slow");
    EXPECT_EQ(all[0].detailJson, "{}");
    EXPECT_EQ(all[1].kind, ActionKind::RegisterVersion);
    EXPECT_FALSE(all[1].updateId.has_value());
    EXPECT_EQ(all[1].actor, "bob");
    EXPECT_EQ(all[1].atUnixMs, 1234);
    EXPECT_EQ(all[1].detailJson, R"({"service":"auth","version":"v3"})");
    ActionFilter forUpdate;
    forUpdate.updateId = id;
    const auto mine = take(journal->actions(forUpdate));
    ASSERT_EQ(mine.size(), 2u);
    EXPECT_EQ(mine[1].kind, ActionKind::Start);
    EXPECT_EQ(mine[1].role, "operator");
    forUpdate.beforeSeq = s3;
    EXPECT_EQ(take(journal->actions(forUpdate)).size(), 1u);
}

TEST_F(JournalTest, SafeFromSeveralThreads)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    constexpr int kThreads = 4;
    constexpr int kSteps = 25;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const auto id = journal->beginUpdate(makeUpdate("svc" + std::to_string(t)));
            if (!id) {
                ++failures;
                return;
            }
            for (int seq = 1; seq <= kSteps; ++seq) {
                const auto phase = static_cast<UpdatePhase>(1 + seq % 6);
                if (!journal->recordTransition(*id, step(seq, phase)).ok() ||
                    !journal->history({}).ok()) {
                    ++failures;
                }
            }
            if (!journal->finishUpdate(*id, UpdateState::Completed, "{}").ok()) {
                ++failures;
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(failures.load(), 0);
    const auto page = take(journal->history({}));
    ASSERT_EQ(page.updates.size(), static_cast<std::size_t>(kThreads));
    for (const auto& u : page.updates) {
        EXPECT_EQ(u.state, UpdateState::Completed);
        ASSERT_TRUE(u.lastTransition.has_value());
        EXPECT_EQ(u.lastTransition->seq, kSteps);
        EXPECT_EQ(take(journal->transitions(u.id)).size(), static_cast<std::size_t>(kSteps));
    }
}

struct WriterRun
{
    std::set<long long> acked;
    bool killed = false;
    int exitCode = -1;
};

// Runs journal_crash_writer; with killAfter > 0 sends SIGKILL once that many
// transitions have been acknowledged.
WriterRun runWriter(const std::string& path, const std::string& id, long long last,
                    std::size_t killAfter)
{
    WriterRun run;
    int fds[2];
    if (::pipe(fds) != 0) {
        ADD_FAILURE() << "pipe failed";
        return run;
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        const std::string lastText = std::to_string(last);
        ::execl(CONCORD_JOURNAL_CRASH_WRITER, CONCORD_JOURNAL_CRASH_WRITER, path.c_str(),
                id.c_str(), lastText.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(fds[1]);
    std::string buffer;
    char chunk[4096];
    for (;;) {
        const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
        if (n <= 0) {
            break;  // EOF: the writer is gone (and every ack it wrote has been read)
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
        std::size_t newline;
        while ((newline = buffer.find('\n')) != std::string::npos) {
            run.acked.insert(std::stoll(buffer.substr(0, newline)));
            buffer.erase(0, newline + 1);
        }
        if (killAfter > 0 && !run.killed && run.acked.size() >= killAfter) {
            ::kill(pid, SIGKILL);
            run.killed = true;
        }
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (run.killed) {
        EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    } else if (WIFEXITED(status)) {
        run.exitCode = WEXITSTATUS(status);
    }
    return run;
}

TEST_F(JournalTest, AcknowledgedTransitionsSurviveKill9)
{
    const std::string id = "crash";
    {
        auto journal = open();
        ASSERT_TRUE(journal);
        ASSERT_TRUE(journal->beginUpdate(makeUpdate("auth", id)).ok());
    }
    constexpr long long kEndless = 1'000'000'000;
    long long highestAcked = 0;
    for (const std::size_t killAfter : {5u, 17u, 40u}) {
        const WriterRun run = runWriter(m_path, id, kEndless, killAfter);
        ASSERT_TRUE(run.killed);
        ASSERT_FALSE(run.acked.empty());
        EXPECT_GT(*run.acked.begin(), highestAcked);  // resumed after what was on disk
        highestAcked = *run.acked.rbegin();

        // Reopening recovers the WAL and runs integrity_check; it must pass.
        auto journal = open();
        ASSERT_TRUE(journal);
        const auto ts = take(journal->transitions(id));
        ASSERT_GE(ts.size(), static_cast<std::size_t>(highestAcked));
        ASSERT_LT(ts.size(), static_cast<std::size_t>(kEndless));
        for (std::size_t i = 0; i < ts.size(); ++i) {  // each seq exactly once, no gaps
            ASSERT_EQ(ts[i].seq, static_cast<long long>(i + 1));
            EXPECT_EQ(ts[i].detailJson, "{\"n\":" + std::to_string(i + 1) + "}");
        }
        highestAcked = static_cast<long long>(ts.size());
    }
    // A final writer resumes and finishes normally.
    const WriterRun last = runWriter(m_path, id, highestAcked + 3, 0);
    EXPECT_EQ(last.exitCode, 0);
    EXPECT_EQ(last.acked,
              (std::set<long long>{highestAcked + 1, highestAcked + 2, highestAcked + 3}));
    auto journal = open();
    ASSERT_TRUE(journal);
    EXPECT_EQ(take(journal->transitions(id)).size(), static_cast<std::size_t>(highestAcked + 3));
}

TEST_F(JournalTest, GarbageFileIsAClearError)
{
    {
        std::ofstream out(m_path, std::ios::binary);
        for (int i = 0; i < 8192; ++i) {
            out.put(static_cast<char>((i * 7919) % 251));
        }
    }
    const auto journal = Journal::open(m_path);
    EXPECT_THAT(errorOf(journal), HasSubstr("file is not a database"));
    EXPECT_THAT(errorOf(journal), HasSubstr(m_path));
}

TEST_F(JournalTest, CorruptPageFailsTheIntegrityCheck)
{
    {
        auto journal = open();
        ASSERT_TRUE(journal);
        for (int i = 0; i < 40; ++i) {
            const auto id = take(journal->beginUpdate(makeUpdate("s" + std::to_string(i))));
            ASSERT_TRUE(
                journal
                    ->recordTransition(id, step(1, UpdatePhase::Initial, "x",
                                                R"({"pad":")" + std::string(200, 'p') + "\"}"))
                    .ok());
        }
    }
    const auto size = fs::file_size(m_path);
    ASSERT_GT(size, 4u * 4096u);
    {
        // Scribble over the middle of every page after the first (the header stays valid).
        std::fstream file(m_path, std::ios::binary | std::ios::in | std::ios::out);
        for (std::uintmax_t page = 4096; page + 4096 <= size; page += 4096) {
            file.seekp(static_cast<std::streamoff>(page + 8));
            for (int i = 0; i < 64; ++i) {
                file.put(static_cast<char>(0xA5 ^ i));
            }
        }
    }
    const auto journal = Journal::open(m_path);
    EXPECT_FALSE(journal.ok());
    const std::string error = errorOf(journal);
    EXPECT_TRUE(error.find("integrity check failed") != std::string::npos ||
                error.find("malformed") != std::string::npos)
        << error;
}

TEST_F(JournalTest, NewerSchemaIsRefused)
{
    {
        auto journal = open();
        ASSERT_TRUE(journal);
    }
    rawExec(m_path, "UPDATE schema_version SET version = 99");
    EXPECT_THAT(errorOf(Journal::open(m_path)),
                HasSubstr("schema version 99 is newer than this concordd supports (1)"));
}

TEST_F(JournalTest, SchemaIsVersionedAndNotMigratedTwice)
{
    {
        auto journal = open();
        ASSERT_TRUE(journal);
        ASSERT_TRUE(journal->beginUpdate(makeUpdate("auth", "keep")).ok());
    }
    auto journal = open();  // a second open finds version 1 and must leave the data alone
    ASSERT_TRUE(journal);
    EXPECT_TRUE(take(journal->update("keep")).has_value());
    journal.reset();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(m_path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "SELECT version, (SELECT COUNT(*) FROM schema_version) "
                                 "FROM schema_version",
                                 -1, &stmt, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(stmt, 0), Journal::kSchemaVersion);
    EXPECT_EQ(sqlite3_column_int(stmt, 1), 1);
    sqlite3_finalize(stmt);
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

TEST_F(JournalTest, ForeignSqliteFileIsRefused)
{
    rawExec(m_path, "CREATE TABLE photos (id INTEGER); INSERT INTO photos VALUES (1)");
    EXPECT_THAT(errorOf(Journal::open(m_path)), HasSubstr("not a Concord journal"));
    rawExec(m_path, "SELECT COUNT(*) FROM photos");  // left untouched
}

TEST_F(JournalTest, UnwritableLocationsAreClearErrors)
{
    EXPECT_THAT(errorOf(Journal::open((m_dir / "missing" / "journal.db").string())),
                HasSubstr("cannot open the journal"));
    EXPECT_THAT(errorOf(Journal::open(m_dir.string())), HasSubstr("cannot open the journal"));
    // procfs refuses new files even to root.
    EXPECT_THAT(errorOf(Journal::open("/proc/self/concord-journal.db")),
                HasSubstr("cannot open the journal"));
}

TEST_F(JournalTest, ReadOnlyFileIsAClearError)
{
    {
        auto journal = open();
        ASSERT_TRUE(journal);
    }
    fs::permissions(m_path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    if (::geteuid() != 0) {
        EXPECT_THAT(errorOf(Journal::open(m_path)), HasSubstr("read-only"));
        return;
    }
    // Root ignores file permissions (and CI runs as root): check as "nobody"
    // in a child process.
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0)
            ::_exit(3);
        const auto result = Journal::open(m_path);
        const bool clear =
            !result.ok() && result.error().message.find("read-only") != std::string::npos;
        ::_exit(clear ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no clear read-only error; 3: could not drop root";
}

TEST_F(JournalTest, SecondOpenOfTheSameJournalFails)
{
    auto journal = open();
    ASSERT_TRUE(journal);
    JournalOptions quick;
    quick.busyTimeoutMs = 50;
    EXPECT_THAT(errorOf(Journal::open(m_path, quick)), HasSubstr("another concordd"));
    journal.reset();
    EXPECT_TRUE(Journal::open(m_path, quick).ok());
}

}  // namespace
