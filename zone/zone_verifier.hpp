// Checks a signed zone before it is published (and for `zonesigner verify`):
// structure fully (every checklist rule that can be checked on the output),
// signatures cryptographically with OpenSSL and the DNSKEYs as published.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "zone/zone_model.hpp"

namespace zs::zone {

enum class VerifyMode {
    Full,       // every signature
    Sample,     // every DNSKEY RRset signature, the first signatures of every key, >= 1% of the rest
    Structure,  // no cryptography
};

struct VerifyOptions {
    VerifyMode mode = VerifyMode::Sample;
    UnixTime now = 0;             // signatures must be valid at this time
    double sample_fraction = 0.01;
    std::uint64_t sample_seed = 0;
    unsigned threads = 1;
    std::size_t max_problems = 20;  // stop collecting after this many
};

struct VerifyReport {
    std::vector<std::string> problems;  // "owner TYPE: what is wrong"
    std::size_t rrsets_checked = 0;
    std::size_t signatures_verified = 0;  // cryptographically
    bool ok() const { return problems.empty(); }
};

VerifyReport verify_zone(const Zone& zone, const VerifyOptions& options);

}  // namespace zs::zone
