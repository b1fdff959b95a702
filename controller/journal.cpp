#include "journal.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <random>

#include "sqlite_database.h"

namespace concord::controller {

using core::Error;
using core::Result;
using core::UpdatePhase;

namespace {

// PRAGMA application_id: "CNCD", so a foreign SQLite file is never mistaken for a journal.
constexpr std::int64_t kApplicationId = 0x434E4344;
constexpr int kMaxJsonDepth = 64;
constexpr std::size_t kMaxIdLength = 128;

// migrations[i] takes the schema from version i to i + 1. Never edit a shipped
// step: append a new one and bump Journal::kSchemaVersion.
const std::vector<std::vector<const char*>>& migrations()
{
    static const std::vector<std::vector<const char*>> steps = {
        {
            "CREATE TABLE schema_version (version INTEGER NOT NULL)",
            "INSERT INTO schema_version (version) VALUES (0)",
            R"sql(CREATE TABLE updates (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                service TEXT NOT NULL,
                from_version TEXT NOT NULL,
                to_version TEXT NOT NULL,
                strategy TEXT NOT NULL,
                options TEXT NOT NULL CHECK (json_valid(options)),
                created_at INTEGER NOT NULL,
                state TEXT NOT NULL CHECK (state IN
                    ('running', 'completed', 'aborted', 'force_retired', 'timed_out')),
                finished_at INTEGER,
                metrics TEXT CHECK (metrics IS NULL OR json_valid(metrics)))
            )sql",
            // At most one unfinished update per service, whatever the code above does.
            "CREATE UNIQUE INDEX updates_running_service ON updates (service) "
            "WHERE state = 'running'",
            "CREATE INDEX updates_created ON updates (created_at, seq)",
            "CREATE INDEX updates_service_created ON updates (service, created_at, seq)",
            R"sql(CREATE TABLE transitions (
                update_id TEXT NOT NULL REFERENCES updates (id),
                seq INTEGER NOT NULL CHECK (seq > 0),
                phase INTEGER NOT NULL CHECK (phase BETWEEN 1 AND 6),
                state TEXT NOT NULL,
                at INTEGER NOT NULL,
                detail TEXT NOT NULL CHECK (json_valid(detail)),
                PRIMARY KEY (update_id, seq)) WITHOUT ROWID
            )sql",
            R"sql(CREATE TABLE actions (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                update_id TEXT REFERENCES updates (id),
                actor TEXT NOT NULL,
                role TEXT NOT NULL,
                action TEXT NOT NULL,
                reason TEXT NOT NULL,
                detail TEXT NOT NULL CHECK (json_valid(detail)),
                at INTEGER NOT NULL)
            )sql",
            "CREATE INDEX actions_update ON actions (update_id, seq)",
        },
    };
    return steps;
}

constexpr const char* kSelectUpdate = R"(
    SELECT u.id, u.service, u.from_version, u.to_version, u.strategy, u.options, u.created_at,
           u.state, u.finished_at, u.metrics, t.seq, t.phase, t.state, t.at, t.detail
    FROM updates u LEFT JOIN transitions t ON t.update_id = u.id
        AND t.seq = (SELECT MAX(seq) FROM transitions WHERE update_id = u.id)
)";

Error invalid(const SqliteDatabase& db, std::string message)
{
    return Error{db.path(), 0, 0, std::move(message)};
}

// Parses and re-serialises JSON so equal documents compare equal as text.
Result<std::string> normalizeJson(const SqliteDatabase& db, std::string_view text,
                                  std::string_view field)
{
    if (text.empty()) {
        return std::string("{}");
    }
    bool tooDeep = false;
    const nlohmann::json::parser_callback_t limitDepth =
        [&tooDeep](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
            if (depth > kMaxJsonDepth) {
                tooDeep = true;
                return false;
            }
            return true;
        };
    const auto value = nlohmann::json::parse(text, limitDepth, false);
    if (value.is_discarded() || tooDeep) {
        return invalid(db, std::string(field) +
                               (tooDeep ? " JSON is nested too deeply" : " is not valid JSON"));
    }
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<bool> checkId(const SqliteDatabase& db, std::string_view id)
{
    if (id.empty() || id.size() > kMaxIdLength) {
        return invalid(db, "update id must have 1 to 128 characters");
    }
    for (const char c : id) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return invalid(db, "update id contains a control character");
        }
    }
    return true;
}

std::string generateId()
{
    std::random_device device;
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < bytes.size(); i += 4) {
        const std::uint32_t word = device();
        for (std::size_t k = 0; k < 4; ++k) {
            bytes[i + k] = static_cast<std::uint8_t>(word >> (8 * k));
        }
    }
    bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
    bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
    std::string id;
    char hex[3];
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            id += '-';
        }
        std::snprintf(hex, sizeof hex, "%02x", bytes[i]);
        id += hex;
    }
    return id;
}

Result<std::vector<UpdateRecord>> readUpdates(SqliteDatabase& db, SqliteStatement& stmt)
{
    std::vector<UpdateRecord> updates;
    for (;;) {
        auto row = stmt.step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return updates;
        }
        UpdateRecord u;
        u.id = stmt.text(0);
        u.service = stmt.text(1);
        u.fromVersion = stmt.text(2);
        u.toVersion = stmt.text(3);
        u.strategy = stmt.text(4);
        u.optionsJson = stmt.text(5);
        u.createdAtUnixMs = stmt.int64(6);
        const auto state = updateStateFromString(stmt.text(7));
        if (!state) {
            return db.error("reading update " + u.id, "unknown state '" + stmt.text(7) + "'");
        }
        u.state = *state;
        if (!stmt.isNull(8)) {
            u.finishedAtUnixMs = stmt.int64(8);
        }
        if (!stmt.isNull(9)) {
            u.metricsJson = stmt.text(9);
        }
        if (!stmt.isNull(10)) {
            u.lastTransition = Transition{stmt.int64(10), static_cast<UpdatePhase>(stmt.int64(11)),
                                          stmt.text(12), stmt.int64(13), stmt.text(14)};
        }
        updates.push_back(std::move(u));
    }
}

Result<std::optional<UpdateRecord>> firstOf(Result<std::vector<UpdateRecord>> updates)
{
    if (!updates) {
        return updates.error();
    }
    if (updates->empty()) {
        return std::optional<UpdateRecord>();
    }
    return std::optional<UpdateRecord>(std::move(updates->front()));
}

Result<std::optional<UpdateRecord>> findUpdate(SqliteDatabase& db, std::string_view id)
{
    auto stmt = db.prepare(std::string(kSelectUpdate) + "WHERE u.id = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bind(1, id);
    return firstOf(readUpdates(db, *stmt));
}

Result<std::optional<UpdateRecord>> findUnfinished(SqliteDatabase& db, std::string_view service)
{
    auto stmt =
        db.prepare(std::string(kSelectUpdate) + "WHERE u.state = 'running' AND u.service = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bind(1, service);
    return firstOf(readUpdates(db, *stmt));
}

Result<std::optional<Transition>> findTransition(SqliteDatabase& db, std::string_view id,
                                                 std::int64_t seq)
{
    auto stmt = db.prepare(
        "SELECT phase, state, at, detail FROM transitions WHERE update_id = ?1 AND seq = ?2");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bind(1, id).bind(2, seq);
    auto row = stmt->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return std::optional<Transition>();
    }
    return std::optional<Transition>(Transition{seq, static_cast<UpdatePhase>(stmt->int64(0)),
                                                stmt->text(1), stmt->int64(2), stmt->text(3)});
}

Error unknownUpdate(const SqliteDatabase& db, std::string_view id)
{
    return invalid(db, "unknown update '" + std::string(id) + "'");
}

Result<bool> checkLimit(const SqliteDatabase& db, int limit)
{
    if (limit < 1 || limit > Journal::kMaxPageSize) {
        return invalid(db, "limit must be between 1 and " + std::to_string(Journal::kMaxPageSize));
    }
    return true;
}

// Runs before the file is identified: nothing here may write to it.
Result<bool> configureLocking(SqliteDatabase& db, const JournalOptions& options)
{
    db.setBusyTimeout(options.busyTimeoutMs);
    if (db.readOnly()) {
        return db.error("cannot open the journal", "the file is read-only");
    }
    // Exclusive: one concordd per journal, and no -shm file next to it.
    return db.exec("PRAGMA locking_mode = EXCLUSIVE");
}

Result<bool> configureDurability(SqliteDatabase& db)
{
    auto mode = db.prepare("PRAGMA journal_mode = WAL");
    if (!mode) {
        return mode.error();
    }
    auto row = mode->step();
    if (!row) {
        return db.error("cannot open the journal");
    }
    if (!*row || mode->text(0) != "wal") {
        return db.error("cannot open the journal", "WAL mode is not available");
    }
    // FULL: a commit is on disk when it returns — the journal's whole point.
    for (const char* pragma : {"PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"}) {
        if (auto ok = db.exec(pragma); !ok) {
            return ok.error();
        }
    }
    return true;
}

Result<bool> checkIntegrity(SqliteDatabase& db)
{
    auto stmt = db.prepare("PRAGMA integrity_check(5)");
    if (!stmt) {
        return db.error("integrity check failed");
    }
    std::string problems;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return db.error("integrity check failed");
        }
        if (!*row) {
            break;
        }
        const std::string line = stmt->text(0);
        if (line != "ok") {
            problems += (problems.empty() ? "" : "; ") + line;
        }
    }
    if (!problems.empty()) {
        return db.error("integrity check failed", problems);
    }
    return true;
}

Result<std::int64_t> scalar(SqliteDatabase& db, const char* sql)
{
    auto stmt = db.prepare(sql);
    if (!stmt) {
        return stmt.error();
    }
    auto row = stmt->step();
    if (!row) {
        return row.error();
    }
    if (!*row) {
        return db.error("reading the journal", std::string("no result for ") + sql);
    }
    return stmt->int64(0);
}

Result<bool> migrate(SqliteDatabase& db, int from)
{
    const auto& steps = migrations();
    for (int version = from; version < Journal::kSchemaVersion; ++version) {
        for (const char* sql : steps[static_cast<std::size_t>(version)]) {
            if (auto ok = db.exec(sql); !ok) {
                return ok.error();
            }
        }
        auto stmt = db.prepare("UPDATE schema_version SET version = ?1");
        if (!stmt) {
            return stmt.error();
        }
        if (auto ok = stmt->bind(1, std::int64_t{version + 1}).run(); !ok) {
            return ok.error();
        }
    }
    return true;
}

// The schema version of an intact Concord journal (0 = a new, empty file), or
// an error for a foreign file or a newer schema. Reads only.
Result<int> identify(SqliteDatabase& db)
{
    if (auto ok = checkIntegrity(db); !ok) {
        return ok.error();
    }
    const auto appId = scalar(db, "PRAGMA application_id");
    const auto objects = scalar(db, "SELECT COUNT(*) FROM sqlite_schema");
    if (!appId || !objects) {
        return db.error("cannot open the journal");
    }
    if (*appId == 0 && *objects == 0) {
        return 0;
    }
    if (*appId != kApplicationId) {
        return db.error("cannot open the journal", "not a Concord journal (a foreign SQLite file)");
    }
    const auto version = scalar(db, "SELECT version FROM schema_version");
    if (!version) {
        return version.error();
    }
    if (*version < 1) {
        return db.error("cannot open the journal",
                        "invalid schema version " + std::to_string(*version));
    }
    if (*version > Journal::kSchemaVersion) {
        return db.error("cannot open the journal", "schema version " + std::to_string(*version) +
                                                       " is newer than this concordd supports (" +
                                                       std::to_string(Journal::kSchemaVersion) +
                                                       "); use a newer concordd");
    }
    return static_cast<int>(*version);
}

// BEGIN EXCLUSIVE, with a clear message when another process holds the file.
Result<SqliteTransaction> lockFile(SqliteDatabase& db)
{
    auto tx = SqliteTransaction::begin(db, "BEGIN EXCLUSIVE");
    if (!tx && db.lastErrorIsBusy()) {
        return db.error("cannot lock the journal (is another concordd using it?)");
    }
    if (!tx) {
        return db.error("cannot open the journal");
    }
    return tx;
}

}  // namespace

std::string_view toString(UpdateState state)
{
    switch (state) {
        case UpdateState::Running:
            return "running";
        case UpdateState::Completed:
            return "completed";
        case UpdateState::Aborted:
            return "aborted";
        case UpdateState::ForceRetired:
            return "force_retired";
        case UpdateState::TimedOut:
            return "timed_out";
    }
    return "unknown";
}

std::optional<UpdateState> updateStateFromString(std::string_view text)
{
    for (auto state : {UpdateState::Running, UpdateState::Completed, UpdateState::Aborted,
                       UpdateState::ForceRetired, UpdateState::TimedOut}) {
        if (toString(state) == text) {
            return state;
        }
    }
    return std::nullopt;
}

std::string_view toString(ActionKind kind)
{
    switch (kind) {
        case ActionKind::Start:
            return "start";
        case ActionKind::Abort:
            return "abort";
        case ActionKind::ForceRetire:
            return "force_retire";
        case ActionKind::RegisterVersion:
            return "register_version";
    }
    return "unknown";
}

std::optional<ActionKind> actionKindFromString(std::string_view text)
{
    for (auto kind : {ActionKind::Start, ActionKind::Abort, ActionKind::ForceRetire,
                      ActionKind::RegisterVersion}) {
        if (toString(kind) == text) {
            return kind;
        }
    }
    return std::nullopt;
}

std::int64_t nowUnixMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Journal::Journal(std::unique_ptr<SqliteDatabase> db) : m_db(std::move(db)) {}

Journal::~Journal() = default;

const std::string& Journal::path() const
{
    return m_db->path();
}

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path,
                                               const JournalOptions& options)
{
    auto db = SqliteDatabase::open(path);
    if (!db) {
        return db.error();
    }
    SqliteDatabase& conn = **db;
    if (auto ok = configureLocking(conn, options); !ok) {
        return ok.error();
    }
    // Identify the file before changing anything in it (a foreign file stays untouched).
    auto version = [&conn]() -> Result<int> {
        auto tx = lockFile(conn);
        if (!tx) {
            return tx.error();
        }
        return identify(conn);  // read-only: the guard's rollback is all it needs
    }();
    if (!version) {
        return version.error();
    }
    if (auto ok = configureDurability(conn); !ok) {
        return ok.error();
    }
    if (*version < kSchemaVersion) {
        auto tx = lockFile(conn);
        if (!tx) {
            return tx.error();
        }
        if (*version == 0) {
            // kApplicationId; a pragma takes no bound parameters.
            if (auto ok = conn.exec("PRAGMA application_id = 1129202500"); !ok) {
                return ok.error();
            }
        }
        if (auto ok = migrate(conn, *version); !ok) {
            return ok.error();
        }
        if (auto ok = tx->commit(); !ok) {
            return ok.error();
        }
    }
    return std::unique_ptr<Journal>(new Journal(std::move(*db)));
}

Result<std::string> Journal::beginUpdate(const UpdateRecord& update)
{
    const std::lock_guard lock(m_mutex);
    SqliteDatabase& db = *m_db;
    const std::array<std::pair<const std::string*, const char*>, 4> required{{
        {&update.service, "service"},
        {&update.fromVersion, "from version"},
        {&update.toVersion, "to version"},
        {&update.strategy, "strategy"},
    }};
    for (const auto& [value, name] : required) {
        if (value->empty()) {
            return invalid(db, std::string(name) + " must not be empty");
        }
    }
    std::string id = update.id;
    try {
        if (id.empty()) {
            id = generateId();
        }
    } catch (const std::exception& e) {  // std::random_device without an entropy source
        return invalid(db, std::string("cannot generate an update id: ") + e.what());
    }
    if (auto ok = checkId(db, id); !ok) {
        return ok.error();
    }
    auto options = normalizeJson(db, update.optionsJson, "options");
    if (!options) {
        return options.error();
    }
    auto tx = SqliteTransaction::begin(db, "BEGIN IMMEDIATE");
    if (!tx) {
        return tx.error();
    }
    auto running = findUnfinished(db, update.service);
    if (!running) {
        return running.error();
    }
    if (*running) {
        const UpdateRecord& other = **running;
        return invalid(db, "service '" + update.service + "' already has an unfinished update '" +
                               other.id + "' (" + other.fromVersion + " -> " + other.toVersion +
                               ", " + other.strategy + ")");
    }
    auto existing = findUpdate(db, id);
    if (!existing) {
        return existing.error();
    }
    if (*existing) {
        return invalid(db, "an update with id '" + id + "' already exists");
    }
    auto stmt = db.prepare(
        "INSERT INTO updates (id, service, from_version, to_version, strategy, options, "
        "created_at, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'running')");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bind(1, id).bind(2, update.service).bind(3, update.fromVersion);
    stmt->bind(4, update.toVersion).bind(5, update.strategy).bind(6, *options);
    stmt->bind(7, update.createdAtUnixMs != 0 ? update.createdAtUnixMs : nowUnixMs());
    if (auto ok = stmt->run(); !ok) {
        return ok.error();
    }
    if (auto ok = tx->commit(); !ok) {
        return ok.error();
    }
    return id;
}

Result<bool> Journal::recordTransition(const std::string& updateId, const Transition& transition)
{
    const std::lock_guard lock(m_mutex);
    SqliteDatabase& db = *m_db;
    const auto phase = static_cast<int>(transition.phase);
    if (transition.seq < 1) {
        return invalid(db, "transition seq must be positive");
    }
    if (phase < static_cast<int>(UpdatePhase::Initial) ||
        phase > static_cast<int>(UpdatePhase::Retired)) {
        return invalid(db, "transition phase " + std::to_string(phase) + " is not a phase");
    }
    if (transition.state.empty()) {
        return invalid(db, "transition state must not be empty");
    }
    auto detail = normalizeJson(db, transition.detailJson, "transition detail");
    if (!detail) {
        return detail.error();
    }
    auto tx = SqliteTransaction::begin(db, "BEGIN IMMEDIATE");
    if (!tx) {
        return tx.error();
    }
    auto update = findUpdate(db, updateId);
    if (!update || !*update) {
        return !update ? update.error() : unknownUpdate(db, updateId);
    }
    auto recorded = findTransition(db, updateId, transition.seq);
    if (!recorded) {
        return recorded.error();
    }
    const std::string label =
        "transition " + std::to_string(transition.seq) + " of update '" + updateId + "'";
    if (*recorded) {
        const Transition& old = **recorded;
        if (old.phase == transition.phase && old.state == transition.state &&
            old.detailJson == *detail) {
            return false;  // a replay of what is on disk already
        }
        return invalid(db, label + " is already recorded with different content (phase " +
                               std::string(core::toString(old.phase)) + ", state '" + old.state +
                               "')");
    }
    const UpdateRecord& u = **update;
    if (u.state != UpdateState::Running) {
        return invalid(db, label + ": the update is already " + std::string(toString(u.state)));
    }
    const std::int64_t expected = u.lastTransition ? u.lastTransition->seq + 1 : 1;
    if (transition.seq != expected) {
        return invalid(db, label + " is out of order: the next is " + std::to_string(expected));
    }
    auto stmt = db.prepare(
        "INSERT INTO transitions (update_id, seq, phase, state, at, detail) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bind(1, updateId).bind(2, transition.seq).bind(3, std::int64_t{phase});
    stmt->bind(4, transition.state).bind(6, *detail);
    stmt->bind(5, transition.atUnixMs != 0 ? transition.atUnixMs : nowUnixMs());
    if (auto ok = stmt->run(); !ok) {
        return ok.error();
    }
    if (auto ok = tx->commit(); !ok) {
        return ok.error();
    }
    return true;
}

Result<bool> Journal::finishUpdate(const std::string& updateId, UpdateState state,
                                   std::string_view metricsJson)
{
    const std::lock_guard lock(m_mutex);
    SqliteDatabase& db = *m_db;
    if (state == UpdateState::Running) {
        return invalid(db, "finishUpdate needs a final state, not running");
    }
    auto metrics = normalizeJson(db, metricsJson, "metrics");
    if (!metrics) {
        return metrics.error();
    }
    auto tx = SqliteTransaction::begin(db, "BEGIN IMMEDIATE");
    if (!tx) {
        return tx.error();
    }
    auto update = findUpdate(db, updateId);
    if (!update || !*update) {
        return !update ? update.error() : unknownUpdate(db, updateId);
    }
    const UpdateState current = (*update)->state;
    if (current == state) {
        return false;
    }
    if (current != UpdateState::Running) {
        return invalid(db, "update '" + updateId + "' is already " +
                               std::string(toString(current)) + ", cannot make it " +
                               std::string(toString(state)));
    }
    auto stmt =
        db.prepare("UPDATE updates SET state = ?2, finished_at = ?3, metrics = ?4 WHERE id = ?1");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bind(1, updateId).bind(2, toString(state)).bind(3, nowUnixMs()).bind(4, *metrics);
    if (auto ok = stmt->run(); !ok) {
        return ok.error();
    }
    if (auto ok = tx->commit(); !ok) {
        return ok.error();
    }
    return true;
}

Result<std::int64_t> Journal::recordAction(const Action& action)
{
    const std::lock_guard lock(m_mutex);
    SqliteDatabase& db = *m_db;
    if (action.actor.empty() || action.role.empty()) {
        return invalid(db, "an action needs an actor and a role");
    }
    auto detail = normalizeJson(db, action.detailJson, "action detail");
    if (!detail) {
        return detail.error();
    }
    auto tx = SqliteTransaction::begin(db, "BEGIN IMMEDIATE");
    if (!tx) {
        return tx.error();
    }
    if (action.updateId) {
        auto update = findUpdate(db, *action.updateId);
        if (!update || !*update) {
            return !update ? update.error() : unknownUpdate(db, *action.updateId);
        }
    }
    auto stmt = db.prepare(
        "INSERT INTO actions (update_id, actor, role, action, reason, detail, at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING seq");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bindOptional(1, action.updateId).bind(2, action.actor).bind(3, action.role);
    stmt->bind(4, toString(action.kind)).bind(5, action.reason).bind(6, *detail);
    stmt->bind(7, action.atUnixMs != 0 ? action.atUnixMs : nowUnixMs());
    auto row = stmt->step();
    if (!row || !*row) {
        return !row ? row.error() : db.error("recording an action", "no seq returned");
    }
    const std::int64_t seq = stmt->int64(0);
    if (auto ok = stmt->run(); !ok) {
        return ok.error();
    }
    if (auto ok = tx->commit(); !ok) {
        return ok.error();
    }
    return seq;
}

Result<std::vector<UpdateRecord>> Journal::unfinished()
{
    const std::lock_guard lock(m_mutex);
    auto stmt =
        m_db->prepare(std::string(kSelectUpdate) + "WHERE u.state = 'running' ORDER BY u.seq");
    if (!stmt) {
        return stmt.error();
    }
    return readUpdates(*m_db, *stmt);
}

Result<std::optional<UpdateRecord>> Journal::unfinishedFor(std::string_view service)
{
    const std::lock_guard lock(m_mutex);
    return findUnfinished(*m_db, service);
}

Result<std::optional<UpdateRecord>> Journal::update(std::string_view updateId)
{
    const std::lock_guard lock(m_mutex);
    return findUpdate(*m_db, updateId);
}

Result<HistoryPage> Journal::history(const HistoryFilter& filter)
{
    const std::lock_guard lock(m_mutex);
    SqliteDatabase& db = *m_db;
    if (auto ok = checkLimit(db, filter.limit); !ok) {
        return ok.error();
    }
    std::optional<std::int64_t> cursorTime;
    std::optional<std::int64_t> cursorSeq;
    if (filter.before) {
        auto stmt = db.prepare("SELECT created_at, seq FROM updates WHERE id = ?1");
        if (!stmt) {
            return stmt.error();
        }
        auto row = stmt->bind(1, *filter.before).step();
        if (!row || !*row) {
            return !row ? row.error() : unknownUpdate(db, *filter.before);
        }
        cursorTime = stmt->int64(0);
        cursorSeq = stmt->int64(1);
    }
    auto stmt = db.prepare(std::string(kSelectUpdate) + R"(
        WHERE (?1 IS NULL OR u.service = ?1) AND (?2 IS NULL OR u.state = ?2)
          AND (?3 IS NULL OR u.created_at < ?3 OR (u.created_at = ?3 AND u.seq < ?4))
        ORDER BY u.created_at DESC, u.seq DESC LIMIT ?5)");
    if (!stmt) {
        return stmt.error();
    }
    std::optional<std::string> state;
    if (filter.state) {
        state = std::string(toString(*filter.state));
    }
    stmt->bindOptional(1, filter.service).bindOptional(2, state);
    stmt->bindOptional(3, cursorTime).bindOptional(4, cursorSeq);
    stmt->bind(5, std::int64_t{filter.limit} + 1);  // one more tells whether a next page exists
    auto updates = readUpdates(db, *stmt);
    if (!updates) {
        return updates.error();
    }
    HistoryPage page{std::move(*updates), std::nullopt};
    if (page.updates.size() > static_cast<std::size_t>(filter.limit)) {
        page.updates.pop_back();
        page.nextBefore = page.updates.back().id;
    }
    return page;
}

Result<std::vector<Transition>> Journal::transitions(std::string_view updateId)
{
    const std::lock_guard lock(m_mutex);
    SqliteDatabase& db = *m_db;
    auto update = findUpdate(db, updateId);
    if (!update || !*update) {
        return !update ? update.error() : unknownUpdate(db, updateId);
    }
    auto stmt = db.prepare(
        "SELECT seq, phase, state, at, detail FROM transitions WHERE update_id = ?1 "
        "ORDER BY seq");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bind(1, updateId);
    std::vector<Transition> result;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return result;
        }
        result.push_back(Transition{stmt->int64(0), static_cast<UpdatePhase>(stmt->int64(1)),
                                    stmt->text(2), stmt->int64(3), stmt->text(4)});
    }
}

Result<std::vector<Action>> Journal::actions(const ActionFilter& filter)
{
    const std::lock_guard lock(m_mutex);
    SqliteDatabase& db = *m_db;
    if (auto ok = checkLimit(db, filter.limit); !ok) {
        return ok.error();
    }
    auto stmt = db.prepare(
        "SELECT seq, update_id, actor, role, action, reason, detail, at FROM actions "
        "WHERE (?1 IS NULL OR update_id = ?1) AND (?2 IS NULL OR seq < ?2) "
        "ORDER BY seq DESC LIMIT ?3");
    if (!stmt) {
        return stmt.error();
    }
    stmt->bindOptional(1, filter.updateId).bindOptional(2, filter.beforeSeq);
    stmt->bind(3, std::int64_t{filter.limit});
    std::vector<Action> result;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return result;
        }
        const auto kind = actionKindFromString(stmt->text(4));
        if (!kind) {
            return db.error("reading an action", "unknown action '" + stmt->text(4) + "'");
        }
        Action a{stmt->int64(0), std::nullopt,  stmt->text(2), stmt->text(3),
                 *kind,          stmt->text(5), stmt->text(6), stmt->int64(7)};
        if (!stmt->isNull(1)) {
            a.updateId = stmt->text(1);
        }
        result.push_back(std::move(a));
    }
}

}  // namespace concord::controller
