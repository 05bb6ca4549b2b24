// First stage of reading a master file: splits the text into entries (one
// per resource record) and handles everything that depends on what came
// before: directives, $INCLUDE, owner inheritance, TTL defaults, line numbers.
// Sequential by nature. Entries are handed over in batches that own all the
// text they refer to, so the RDATA of a batch can be converted on another
// thread (see rdata_parser.hpp) while the lexer reads on.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zone/master_file.hpp"
#include "zone/master_scanner.hpp"
#include "zone/wire.hpp"

namespace zs::zone {

struct Entry {
    std::string_view owner_text;   // as written; relative to origins[origin_index]
    std::uint32_t origin_index = 0;
    std::uint32_t first_token = 0;  // RDATA tokens: tokens[first_token, first_token + token_count)
    std::uint32_t token_count = 0;
    std::uint32_t ttl = 0;
    std::uint16_t type = 0;
    std::uint32_t file_index = 0;  // counts every file opened so far, [0] = top level
    std::uint32_t line = 0;
};

// Consecutive entries with everything they point to. Entries with the same
// owner text and origin share one owner_text view.
struct LexedBatch {
    std::string arena;                   // bytes of every token and owner text; never regrown
    std::vector<Wire> origins;           // origin_index of the entries points here
    std::vector<Token> tokens;
    std::vector<Entry> entries;          // in file order
    std::vector<std::string> new_files;  // files opened since the previous batch, in file_index order
};

using LexedBatchSink = std::function<void(LexedBatch&& batch)>;

// Reads the file from disk (and what it includes) block by block, giving the
// batches to `sink` in file order. On a lexing error, the entries before it
// are given first, then the InputError is thrown. Exceptions from `sink`
// pass through unchanged.
void lex_master_file_stream(const std::string& path, const MasterFileOptions& options, const LexedBatchSink& sink);
// Same for text in memory; `name` is the file name used in errors and the
// base for relative $INCLUDE paths.
void lex_master_text_stream(std::string_view text, const std::string& name, const MasterFileOptions& options,
                            const LexedBatchSink& sink);

// All of a file's entries at once (tests that look at entries).
struct LexedMasterFile {
    std::vector<std::string> files;                    // display names, [0] = top level
    std::vector<std::unique_ptr<std::string>> texts;   // the batches' arenas; tokens point into them
    std::vector<Wire> origins;
    std::vector<Token> tokens;
    std::vector<Entry> entries;                        // in file order
    // The lexing error that stopped reading, if any. Entries before it are
    // complete, so an earlier RDATA error can still be reported first.
    std::exception_ptr error;
};

LexedMasterFile lex_master_file(const std::string& path, const MasterFileOptions& options);
LexedMasterFile lex_master_text(std::string text, const std::string& name, const MasterFileOptions& options);

// BIND-style TTL: "3600", "1h30m", "2d" (units s m h d w, any case).
// Returns false on bad syntax; value may exceed 32 bits (caller range-checks).
bool parse_ttl_text(std::string_view text, std::uint64_t& value);
constexpr std::uint32_t max_ttl = 0x7fffffff;  // RFC 2181 §8

}  // namespace zs::zone
