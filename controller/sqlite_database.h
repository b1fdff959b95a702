#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace concord::controller {

class SqliteDatabase;

// One prepared statement; finalized on destruction. Parameters are bound by
// 1-based index, text is copied (SQLITE_TRANSIENT) so callers may pass views.
class SqliteStatement final
{
public:
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&&) = delete;
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;
    ~SqliteStatement();

    SqliteStatement& bind(int index, std::string_view text);
    SqliteStatement& bind(int index, std::int64_t value);
    SqliteStatement& bindNull(int index);
    SqliteStatement& bindOptional(int index, const std::optional<std::string>& text);
    SqliteStatement& bindOptional(int index, std::optional<std::int64_t> value);

    // Runs to the next row: true = a row is available, false = done.
    core::Result<bool> step();
    // Runs a statement that yields no rows of interest to completion.
    core::Result<bool> run();

    std::string text(int column) const;
    std::int64_t int64(int column) const;
    bool isNull(int column) const;

private:
    friend class SqliteDatabase;
    SqliteStatement(SqliteDatabase& db, sqlite3_stmt* stmt) : m_db(&db), m_stmt(stmt) {}

    SqliteDatabase* m_db;
    sqlite3_stmt* m_stmt;
    bool m_bindFailed = false;
};

// Owns one sqlite3 connection (closed on destruction). Not thread-safe by
// itself: the owner serialises access (the connection is opened NOMUTEX).
class SqliteDatabase final
{
public:
    static core::Result<std::unique_ptr<SqliteDatabase>> open(const std::string& path);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    core::Result<SqliteStatement> prepare(std::string_view sql);
    // Runs constant SQL (pragmas, DDL, BEGIN/COMMIT) — never data: data goes
    // through prepare() and bound parameters.
    core::Result<bool> exec(const char* sql);
    void setBusyTimeout(int milliseconds);
    bool readOnly() const;
    bool inTransaction() const;
    bool lastErrorIsBusy() const;  // another connection holds the lock

    // An Error naming the database file, with `what` and SQLite's message.
    core::Error error(std::string_view what) const;
    core::Error error(std::string_view what, std::string_view detail) const;
    const std::string& path() const { return m_path; }

private:
    SqliteDatabase(sqlite3* db, std::string path) : m_db(db), m_path(std::move(path)) {}

    sqlite3* m_db;
    std::string m_path;
};

// BEGIN on construction (see begin()), ROLLBACK on destruction unless
// commit() succeeded — so every early error return leaves the file unchanged.
class SqliteTransaction final
{
public:
    static core::Result<SqliteTransaction> begin(SqliteDatabase& db, const char* beginSql);
    SqliteTransaction(SqliteTransaction&& other) noexcept;
    SqliteTransaction& operator=(SqliteTransaction&&) = delete;
    ~SqliteTransaction();

    core::Result<bool> commit();

private:
    explicit SqliteTransaction(SqliteDatabase& db) : m_db(&db) {}
    SqliteDatabase* m_db;
};

}  // namespace concord::controller
