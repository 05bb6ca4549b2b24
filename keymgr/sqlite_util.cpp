#include "keymgr/sqlite_util.hpp"

#include <sqlite3.h>

namespace zs::keymgr {

void throw_sqlite_error(sqlite3* db, const std::string& path, const std::string& what) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    throw Error("key database " + path + ": " + what + ": " + message);
}

void sqlite_exec(sqlite3* db, const std::string& path, const std::string& sql, const std::string& what) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : sqlite3_errmsg(db);
        sqlite3_free(message);
        throw Error("key database " + path + ": " + what + ": " + text);
    }
}

Statement::Statement(sqlite3* db, const std::string& path, std::string_view sql, std::string what)
    : db_(db), path_(path), what_(std::move(what)) {
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
        throw_sqlite_error(db_, path_, what_ + ": cannot prepare statement");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), path_(std::move(other.path_)), what_(std::move(other.what_)), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) throw_sqlite_error(db_, path_, what_ + ": cannot bind parameter");
    return *this;
}

Statement& Statement::bind(int index, const std::string& text) {
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        throw_sqlite_error(db_, path_, what_ + ": cannot bind parameter");
    return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
    if (value) return bind(index, *value);
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) throw_sqlite_error(db_, path_, what_ + ": cannot bind parameter");
    return *this;
}

Statement& Statement::bind_blob(int index, const void* data, std::size_t size) {
    // A zero-length blob, not NULL, for empty data.
    static const char kEmpty = 0;
    if (sqlite3_bind_blob(stmt_, index, size ? data : &kEmpty, static_cast<int>(size), SQLITE_TRANSIENT) != SQLITE_OK)
        throw_sqlite_error(db_, path_, what_ + ": cannot bind parameter");
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_sqlite_error(db_, path_, what_);
}

void Statement::run() {
    if (step()) throw Error("key database " + path_ + ": " + what_ + ": statement returned rows where none were expected");
}

std::int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<std::int64_t> Statement::column_optional_int64(int column) const {
    if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(stmt_, column);
}

std::string Statement::column_text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)) : std::string();
}

std::string Statement::column_blob(int column) const {
    const void* data = sqlite3_column_blob(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
}

}  // namespace zs::keymgr
