// First stage of reading a master file: splits the text into entries (one
// per resource record) and handles everything that depends on what came
// before: directives, $INCLUDE, owner inheritance, TTL defaults, line numbers.
// Sequential by nature; the RDATA of each entry is converted afterwards, in
// parallel (see rdata_parser.hpp).
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zone/master_file.hpp"
#include "zone/wire.hpp"

namespace zs::zone {

// One field of an entry. For a quoted string, text is what lies between the
// quotes (escapes left as written); otherwise the raw characters.
struct Token {
    std::string_view text;
    bool quoted = false;
};

struct Entry {
    std::string_view owner_text;   // as written; relative to origins[origin_index]
    std::uint32_t origin_index = 0;
    std::uint32_t first_token = 0;  // RDATA tokens: tokens[first_token, first_token + token_count)
    std::uint32_t token_count = 0;
    std::uint32_t ttl = 0;
    std::uint16_t type = 0;
    std::uint32_t file_index = 0;
    std::uint32_t line = 0;
};

struct LexedMasterFile {
    std::vector<std::string> files;                    // display names, [0] = top level
    std::vector<std::unique_ptr<std::string>> texts;   // file contents; tokens point into them
    std::vector<Wire> origins;                         // every $ORIGIN in effect at some point
    std::vector<Token> tokens;
    std::vector<Entry> entries;                        // in file order
    // The lexing error that stopped reading, if any. Entries before it are
    // complete, so an earlier RDATA error can still be reported first.
    std::exception_ptr error;
};

// Reads the file from disk (and what it includes).
LexedMasterFile lex_master_file(const std::string& path, const MasterFileOptions& options);
// Lexes text held in memory; `name` is the file name used in errors and the
// base for relative $INCLUDE paths.
LexedMasterFile lex_master_text(std::string text, const std::string& name, const MasterFileOptions& options);

// BIND-style TTL: "3600", "1h30m", "2d" (units s m h d w, any case).
// Returns false on bad syntax; value may exceed 32 bits (caller range-checks).
bool parse_ttl_text(std::string_view text, std::uint64_t& value);
constexpr std::uint32_t max_ttl = 0x7fffffff;  // RFC 2181 §8

}  // namespace zs::zone
