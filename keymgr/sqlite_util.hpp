// Thin RAII over the SQLite C API for the key database: a prepared statement
// that finalizes itself, and errors that name the database file, what was
// being done and what SQLite said.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace zs::keymgr {

// "key database PATH: WHAT: <sqlite3_errmsg>"
[[noreturn]] void throw_sqlite_error(sqlite3* db, const std::string& path, const std::string& what);

// Runs SQL without results (several statements allowed); throws
// "key database PATH: WHAT: <message>" on failure.
void sqlite_exec(sqlite3* db, const std::string& path, const std::string& sql, const std::string& what);

class Statement {
public:
    // `path` and `what` (a short description: "add key") are for error texts:
    // "key database PATH: WHAT: <sqlite3_errmsg>".
    Statement(sqlite3* db, const std::string& path, std::string_view sql, std::string what);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameters are numbered from 1, as in SQL "?1".
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, const std::string& text);
    Statement& bind(int index, std::optional<std::int64_t> value);  // NULL when unset
    Statement& bind_blob(int index, const void* data, std::size_t size);

    // Advances to the next row; false when done. Throws on error.
    bool step();
    // Executes a statement that returns no rows.
    void run();

    std::int64_t column_int64(int column) const;
    std::optional<std::int64_t> column_optional_int64(int column) const;
    std::string column_text(int column) const;
    std::string column_blob(int column) const;

private:
    sqlite3* db_;
    std::string path_;
    std::string what_;
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace zs::keymgr
