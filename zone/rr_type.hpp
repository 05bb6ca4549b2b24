// RR type and class numbers the signer treats specially.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zs::zone {

namespace rrtype {
constexpr std::uint16_t A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28,
                        SRV = 33, NAPTR = 35, DNAME = 39, DS = 43, SSHFP = 44, RRSIG = 46, NSEC = 47,
                        DNSKEY = 48, NSEC3 = 50, NSEC3PARAM = 51, TLSA = 52, CDS = 59, CDNSKEY = 60,
                        SVCB = 64, HTTPS = 65, CAA = 257;
}
constexpr std::uint16_t class_IN = 1;

// Mnemonic ("AAAA") or "TYPE12345" (RFC 3597) for unknown types.
std::string type_to_text(std::uint16_t type);
// Inverse of type_to_text: mnemonic (any case) or "TYPE12345"; nullopt if neither.
std::optional<std::uint16_t> type_from_text(std::string_view text);
// True if the type has a known presentation format (an ldns descriptor).
bool is_known_type(std::uint16_t type);

// Types that only the signer may produce: removed from input (rule 27).
inline bool is_signer_generated(std::uint16_t t) {
    return t == rrtype::RRSIG || t == rrtype::NSEC || t == rrtype::NSEC3 || t == rrtype::NSEC3PARAM;
}

}  // namespace zs::zone
