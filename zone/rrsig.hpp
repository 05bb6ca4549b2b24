// RRSIG RDATA and the data a signature covers (RFC 4034 §3.1.8.1, §6).
#pragma once

#include <cstdint>
#include <string>

#include "zone/wire.hpp"
#include "zone/zone_model.hpp"

namespace zs::zone {

struct RrsigFields {
    std::uint16_t type_covered = 0;
    std::uint8_t algorithm = 0;
    std::uint8_t labels = 0;
    std::uint32_t original_ttl = 0;
    std::uint32_t expiration = 0;
    std::uint32_t inception = 0;
    std::uint16_t key_tag = 0;
    Wire signer;     // lower case wire name
    Wire signature;
};

// The RDATA up to (not including) the signature field.
void append_rrsig_header(Wire& out, const RrsigFields& f);
Wire encode_rrsig_rdata(const RrsigFields& f);
// Throws zs::Error on truncated RDATA.
RrsigFields decode_rrsig_rdata(const Wire& rdata);
// The same into existing fields, reusing their buffers (the verifier
// decodes every signature of the zone).
void decode_rrsig_rdata(const Wire& rdata, RrsigFields& fields);

// Signed data (RFC 4034 §3.1.8.1): the RRSIG header, then every RR of the set
// in canonical form: owner (lower case, a wildcard left unexpanded), type,
// class, Original TTL, RDLENGTH, RDATA, sorted by canonical RDATA. The
// RRset's RDATA is already canonical and sorted in the zone model.
// `out` is cleared first (callers reuse its buffer).
void build_signed_data(Wire& out, const RrsigFields& header, const Wire& owner, std::uint16_t rclass,
                       const RRset& rrset);

// RFC 1982 serial arithmetic on 32-bit times: is a before b?
bool serial_lt(std::uint32_t a, std::uint32_t b);

}  // namespace zs::zone
