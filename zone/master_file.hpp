// Reading RFC 1035 master files into records, with ldns doing the RDATA
// conversion. Directives ($ORIGIN, $TTL, $INCLUDE), relative names,
// parentheses, comments, quoted strings, RFC 3597 unknown types.
// Every error is an InputError naming FILE:LINE and what is wrong.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zone/wire.hpp"

namespace zs::zone {

struct ParsedRecord {
    Wire owner;            // lower case wire form; empty when owner_as_previous
    // Set only with MasterFileOptions::share_owners: the owner is that of
    // the previous record of the same batch (the first record of a batch
    // always has its own), and is not copied into this one.
    bool owner_as_previous = false;
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
    // Records of one owner after the first of a batch leave their owner
    // empty (ParsedRecord::owner_as_previous): one copy of each owner
    // instead of one per record (for the zone builder, which needs the
    // owner once per node).
    bool share_owners = false;
    // Tuning (tests make them small to cross boundaries often): the file is
    // read in blocks of read_block_size bytes and converted in batches of at
    // most batch_records records.
    std::size_t read_block_size = 1 << 20;
    std::size_t batch_records = 2048;
};

struct MasterFile {
    std::vector<std::string> files;      // files[0] is the top-level file
    std::vector<ParsedRecord> records;   // in file order
};

// Receives records in file order, batch by batch, on the calling thread; it
// may move from the records.
using RecordSink = std::function<void(std::vector<ParsedRecord>& batch)>;

// Reads a master file without holding all of it: the file is read block by
// block, lexed on the calling thread, converted by options.threads worker
// threads (none if threads <= 1) with a bounded number of batches in flight,
// and handed to `sink` in file order. `files` is cleared, then grows as
// $INCLUDEs are opened; it names the file_index of every record delivered.
// Throws InputError("FILE", LINE, "what is wrong") for the first error in
// file order; records before it may already have been delivered. An
// exception thrown by `sink` ends reading and passes through.
void stream_master_file(const std::string& path, const MasterFileOptions& options, std::vector<std::string>& files,
                        const RecordSink& sink);
// Same, from text in memory; `name` stands for the file name in errors.
void stream_master_text(const std::string& text, const std::string& name, const MasterFileOptions& options,
                        std::vector<std::string>& files, const RecordSink& sink);

// All records at once (tests and small uses).
// Throws InputError("FILE", LINE, "what is wrong") on the first error.
MasterFile read_master_file(const std::string& path, const MasterFileOptions& options);
// Same, from text in memory (tests); `name` stands for the file name in errors.
MasterFile read_master_text(const std::string& text, const std::string& name, const MasterFileOptions& options);

}  // namespace zs::zone
