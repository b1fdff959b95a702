#include "sqlite_database.h"

#include <sqlite3.h>

#include <cstring>
#include <limits>

namespace concord::controller {

using core::Error;
using core::Result;

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : m_db(other.m_db), m_stmt(other.m_stmt), m_bindFailed(other.m_bindFailed)
{
    other.m_stmt = nullptr;
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text)
{
    if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
        sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK) {
        m_bindFailed = true;
    }
    return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value)
{
    if (sqlite3_bind_int64(m_stmt, index, value) != SQLITE_OK) {
        m_bindFailed = true;
    }
    return *this;
}

SqliteStatement& SqliteStatement::bindNull(int index)
{
    if (sqlite3_bind_null(m_stmt, index) != SQLITE_OK) {
        m_bindFailed = true;
    }
    return *this;
}

SqliteStatement& SqliteStatement::bindOptional(int index, const std::optional<std::string>& text)
{
    return text ? bind(index, std::string_view(*text)) : bindNull(index);
}

SqliteStatement& SqliteStatement::bindOptional(int index, std::optional<std::int64_t> value)
{
    return value ? bind(index, *value) : bindNull(index);
}

Result<bool> SqliteStatement::step()
{
    if (m_bindFailed) {
        return m_db->error("binding a parameter", "value too large or out of memory");
    }
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    return m_db->error("executing a statement");
}

Result<bool> SqliteStatement::run()
{
    for (;;) {
        auto row = step();
        if (!row) {
            return row.error();
        }
        if (!*row) {
            return true;
        }
    }
}

std::string SqliteStatement::text(int column) const
{
    const auto* data = sqlite3_column_text(m_stmt, column);
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size))
                : std::string();
}

std::int64_t SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::string& path)
{
    sqlite3* raw = nullptr;
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    // The handle exists even on failure (unless out of memory) and must be closed.
    std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(raw, path));
    if (rc != SQLITE_OK) {
        return raw ? db->error("cannot open the journal")
                   : Error{path, 0, 0, "cannot open the journal: out of memory"};
    }
    sqlite3_extended_result_codes(raw, 1);
    return db;
}

SqliteDatabase::~SqliteDatabase()
{
    sqlite3_close_v2(m_db);
}

Result<SqliteStatement> SqliteDatabase::prepare(std::string_view sql)
{
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
        return error("preparing a statement");
    }
    if (!stmt) {
        return error("preparing a statement", "empty SQL");
    }
    return SqliteStatement(*this, stmt);
}

Result<bool> SqliteDatabase::exec(const char* sql)
{
    auto stmt = prepare(sql);
    if (!stmt) {
        return stmt.error();
    }
    return stmt->run();
}

void SqliteDatabase::setBusyTimeout(int milliseconds)
{
    sqlite3_busy_timeout(m_db, milliseconds);
}

bool SqliteDatabase::readOnly() const
{
    return sqlite3_db_readonly(m_db, "main") == 1;
}

bool SqliteDatabase::inTransaction() const
{
    return sqlite3_get_autocommit(m_db) == 0;
}

bool SqliteDatabase::lastErrorIsBusy() const
{
    return (sqlite3_extended_errcode(m_db) & 0xff) == SQLITE_BUSY;
}

Error SqliteDatabase::error(std::string_view what) const
{
    const int code = sqlite3_extended_errcode(m_db);
    std::string detail = sqlite3_errmsg(m_db);
    if (detail != sqlite3_errstr(code)) {
        detail += std::string(" (") + sqlite3_errstr(code) + ")";
    }
    // For open and I/O failures the OS reason ("Permission denied", "Is a directory") helps most.
    const int primary = code & 0xff;
    if ((primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR) && sqlite3_system_errno(m_db)) {
        detail += std::string(": ") + std::strerror(sqlite3_system_errno(m_db));
    }
    return error(what, detail);
}

Error SqliteDatabase::error(std::string_view what, std::string_view detail) const
{
    return Error{m_path, 0, 0, std::string(what) + ": " + std::string(detail)};
}

Result<SqliteTransaction> SqliteTransaction::begin(SqliteDatabase& db, const char* beginSql)
{
    auto begun = db.exec(beginSql);
    if (!begun) {
        return begun.error();
    }
    return SqliteTransaction(db);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& other) noexcept : m_db(other.m_db)
{
    other.m_db = nullptr;
}

SqliteTransaction::~SqliteTransaction()
{
    // After a failed COMMIT SQLite may already have rolled back by itself.
    if (m_db && m_db->inTransaction()) {
        (void)m_db->exec("ROLLBACK");
    }
}

Result<bool> SqliteTransaction::commit()
{
    auto committed = m_db->exec("COMMIT");
    if (committed) {
        m_db = nullptr;
    }
    return committed;
}

}  // namespace concord::controller
