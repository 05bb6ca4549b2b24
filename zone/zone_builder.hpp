// From parsed records to the zone model, enforcing the input rules of
// checklist rules 24-28: one SOA at the apex, NS at the apex, nothing out of
// zone, CNAME beside other data, data below a DNAME, mixed TTLs, duplicates,
// DNSSEC records in the input.
#pragma once

#include <string>
#include <vector>

#include "zone/master_file.hpp"
#include "zone/zone_model.hpp"

namespace zs::zone {

struct BuildOptions {
    // false (signing input): RRSIG/NSEC/NSEC3/NSEC3PARAM are removed with a
    // warning. true (verifying a signed zone): they are kept; RRSIGs are
    // attached to the RRset they cover, NSEC3 records go to nsec3_nodes.
    bool keep_dnssec_records = false;
};

struct BuildResult {
    Zone zone;
    std::vector<std::string> warnings;  // "FILE:LINE: warning text"
    // Only with keep_dnssec_records: defects of a signed zone that the model
    // cannot hold (an RRSIG whose TTL differs from the RRset's, an RRSIG
    // covering a type absent at its owner). `zonesigner verify` reports them.
    std::vector<std::string> problems;
    std::size_t duplicates_removed = 0;
};

// Throws InputError naming FILE:LINE on a rule violation.
BuildResult build_zone(MasterFile&& input, const Wire& origin, const BuildOptions& options = {});

// Reads and builds in one pass: records are grouped as they are read
// (stream_master_file), so no list of all records is ever held. The origin
// is read_options.origin. Throws the first error in file order, whether a
// reading error or a rule violation found while grouping; rules that need
// the whole zone (apex, DS, DNAME) are checked at the end, as build_zone does.
BuildResult build_zone_from_file(const std::string& path, const MasterFileOptions& read_options,
                                 const BuildOptions& options = {});
// Same from text in memory; `name` stands for the file name in errors.
BuildResult build_zone_from_text(const std::string& text, const std::string& name,
                                 const MasterFileOptions& read_options, const BuildOptions& options = {});

}  // namespace zs::zone
