// Reading RFC 1035 master files into records, with ldns doing the RDATA
// conversion. Directives ($ORIGIN, $TTL, $INCLUDE), relative names,
// parentheses, comments, quoted strings, RFC 3597 unknown types.
// Every error is an InputError naming FILE:LINE and what is wrong.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zone/wire.hpp"

namespace zs::zone {

struct ParsedRecord {
    Wire owner;            // lower case wire form
    std::uint16_t type = 0;
    std::uint16_t rclass = 0;
    std::uint32_t ttl = 0;
    Wire rdata;            // wire form; embedded names lower-cased for RFC 4034 §6.2 types
    std::uint32_t file_index = 0;  // index into MasterFile::files
    std::uint32_t line = 0;        // line where the record starts
};

struct MasterFileOptions {
    Wire origin;                 // initial $ORIGIN (the zone name), lower case wire
    std::uint32_t default_ttl = 3600;  // used until $TTL or the SOA says otherwise
    unsigned max_include_depth = 8;
    unsigned threads = 1;        // RDATA conversion may run in parallel
};

struct MasterFile {
    std::vector<std::string> files;      // files[0] is the top-level file
    std::vector<ParsedRecord> records;   // in file order
};

// Throws InputError("FILE", LINE, "what is wrong") on the first error.
MasterFile read_master_file(const std::string& path, const MasterFileOptions& options);
// Same, from text in memory (tests); `name` stands for the file name in errors.
MasterFile read_master_text(const std::string& text, const std::string& name, const MasterFileOptions& options);

}  // namespace zs::zone
