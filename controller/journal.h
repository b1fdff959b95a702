#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/rule_generator.h"

namespace concord::controller {

class SqliteDatabase;

// Life of an update in the journal: Running until finishUpdate() gives it one
// of the final states.
enum class UpdateState
{
    Running,
    Completed,
    Aborted,
    ForceRetired,  // retired with stragglers left: a possible violation
    TimedOut,
};

// "running", "completed", "aborted", "force_retired", "timed_out".
std::string_view toString(UpdateState state);
std::optional<UpdateState> updateStateFromString(std::string_view text);

// What an operator asked for (stored as "start", "abort", "force_retire",
// "register_version").
enum class ActionKind
{
    Start,
    Abort,
    ForceRetire,
    RegisterVersion,
};

std::string_view toString(ActionKind kind);
std::optional<ActionKind> actionKindFromString(std::string_view text);

// Milliseconds since the Unix epoch — every timestamp in the journal.
std::int64_t nowUnixMs();

// One step of an update's state machine. `seq` is assigned by the runner:
// 1, 2, 3, … per update without gaps, so a replay after a crash names the
// same step with the same number.
struct Transition
{
    std::int64_t seq = 0;
    core::UpdatePhase phase = core::UpdatePhase::Initial;
    std::string state;              // runner-defined step, e.g. "enter", "rules-applied"
    std::int64_t atUnixMs = 0;      // 0 = now (when recorded)
    std::string detailJson = "{}";  // any JSON; "" = {}
};

struct UpdateRecord
{
    std::string id;  // empty in beginUpdate() = generate a UUID (v4 format)
    std::string service;
    std::string fromVersion;
    std::string toVersion;
    std::string strategy;              // "cv", "bf", "wf", …
    std::string optionsJson = "{}";    // any JSON; "" = {}
    std::int64_t createdAtUnixMs = 0;  // 0 = now
    // Filled by the journal on reads; ignored by beginUpdate().
    UpdateState state = UpdateState::Running;
    std::optional<std::int64_t> finishedAtUnixMs;
    std::optional<std::string> metricsJson;
    std::optional<Transition> lastTransition;  // its seq is also the transition count
};

struct Action
{
    std::int64_t seq = 0;  // assigned by the journal, increasing
    std::optional<std::string> updateId;
    std::string actor;  // token name, "local", …
    std::string role;   // "operator", …
    ActionKind kind = ActionKind::Start;
    std::string reason;
    std::string detailJson = "{}";  // e.g. the version registered; "" = {}
    std::int64_t atUnixMs = 0;      // 0 = now
};

struct HistoryFilter
{
    std::optional<std::string> service;
    std::optional<UpdateState> state;
    int limit = 50;  // 1 … kMaxPageSize
    // Cursor: only updates older than this one (a HistoryPage::nextBefore).
    std::optional<std::string> before;
};

struct HistoryPage
{
    std::vector<UpdateRecord> updates;      // newest first
    std::optional<std::string> nextBefore;  // set when older updates remain
};

struct ActionFilter
{
    std::optional<std::string> updateId;
    int limit = 50;                         // 1 … kMaxPageSize
    std::optional<std::int64_t> beforeSeq;  // only actions with a smaller seq
};

struct JournalOptions
{
    int busyTimeoutMs = 5000;  // how long open() waits for another process's lock
};

// The controller's update journal (DESIGN §4, issue 3): every update, phase
// transition and operator action, persisted in SQLite before it takes effect.
//
// Durability: WAL with synchronous=FULL, so when a record* / begin / finish
// call returns successfully the record is on disk and survives kill -9 (and a
// power cut). One process owns a journal at a time: the connection holds an
// exclusive lock for its lifetime, and a second open() fails with an error.
//
// Thread safety: every method may be called from any thread; one connection
// is shared and each call holds an internal mutex for its whole duration.
//
// Errors are core::Error with the journal's path as `source`. Callers that
// must tell NOT_FOUND from FAILED_PRECONDITION look the update up first
// (update(), unfinishedFor()).
class Journal final
{
public:
    static constexpr int kSchemaVersion = 1;
    static constexpr int kMaxPageSize = 1000;

    // Opens or creates the journal: checks integrity, refuses a file that is
    // not a Concord journal or has a newer schema, migrates an older one.
    static core::Result<std::unique_ptr<Journal>> open(const std::string& path,
                                                       const JournalOptions& options = {});
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    // Records a new Running update and returns its id. Fails when the service
    // already has an unfinished update, the id exists, or a field is invalid.
    core::Result<std::string> beginUpdate(const UpdateRecord& update);

    // true = recorded; false = this seq was already recorded with the same
    // phase, state and detail (a replay; the first timestamp is kept). A
    // different content for a recorded seq, a gap in the sequence, or a
    // finished / unknown update is an error.
    core::Result<bool> recordTransition(const std::string& updateId, const Transition& transition);

    // Gives a Running update its final state. true = done now; false = it
    // already had this final state (the first metrics are kept); another
    // final state or an unknown id is an error.
    core::Result<bool> finishUpdate(const std::string& updateId, UpdateState state,
                                    std::string_view metricsJson);

    // Appends an operator action and returns its seq.
    core::Result<std::int64_t> recordAction(const Action& action);

    // Running updates, oldest first, each with its last transition — what
    // concordd resumes on start.
    core::Result<std::vector<UpdateRecord>> unfinished();
    core::Result<std::optional<UpdateRecord>> unfinishedFor(std::string_view service);
    core::Result<std::optional<UpdateRecord>> update(std::string_view updateId);
    core::Result<HistoryPage> history(const HistoryFilter& filter);
    // Every transition of an update by seq; an unknown id is an error.
    core::Result<std::vector<Transition>> transitions(std::string_view updateId);
    // Newest first.
    core::Result<std::vector<Action>> actions(const ActionFilter& filter);

    const std::string& path() const;

private:
    explicit Journal(std::unique_ptr<SqliteDatabase> db);

    std::mutex m_mutex;
    std::unique_ptr<SqliteDatabase> m_db;
};

}  // namespace concord::controller
