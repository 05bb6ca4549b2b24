// When a signature made by an earlier signing may be published again
// (incremental re-signing). A pure function: no clock, no files.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/time_format.hpp"
#include "zone/wire.hpp"

namespace zs::signer {

struct ReuseRules {
    UnixTime now = 0;
    Seconds refresh = 0;          // re-sign when less validity than this is left
    Seconds validity = 0;         // the longest validity allowed now
    Seconds denial_validity = 0;  // the same for NSEC and NSEC3 RRsets
};

// What the new signature would say besides times and signature bytes.
struct WantedRrsig {
    std::uint16_t type_covered = 0;
    std::uint8_t algorithm = 0;
    std::uint8_t labels = 0;
    std::uint32_t original_ttl = 0;
    std::uint16_t key_tag = 0;
    const zone::Wire* signer = nullptr;  // the zone's apex, lower case
    bool denial = false;                 // NSEC or NSEC3
};

// The cached RRSIG RDATA is reusable when it is the signature that would
// be made now (same type covered, algorithm, labels, original TTL, key tag
// and signer name), it is already valid, it stays valid for more than the
// refresh time, and it does not outlive the validity allowed now (a
// shortened validity re-signs). The RRset data itself is matched by the
// caller (by digest). Returns the absolute expiration when reusable.
std::optional<UnixTime> reusable_rrsig(std::string_view rdata, const WantedRrsig& wanted, const ReuseRules& rules);

}  // namespace zs::signer
