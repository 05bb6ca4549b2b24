#include "signer/signature_reuse.hpp"

namespace zs::signer {

namespace {

std::uint32_t u32_at(std::string_view b, std::size_t pos) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(b[pos])) << 24 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[pos + 1])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[pos + 2])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(b[pos + 3]));
}

std::uint16_t u16_at(std::string_view b, std::size_t pos) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(b[pos]) << 8 | static_cast<unsigned char>(b[pos + 1]));
}

// A 32-bit RRSIG time as the absolute time nearest to `now` (RFC 4034
// §3.1.5: serial number arithmetic).
UnixTime near(UnixTime now, std::uint32_t t) {
    return now + static_cast<std::int32_t>(t - static_cast<std::uint32_t>(now));
}

}  // namespace

std::optional<UnixTime> reusable_rrsig(std::string_view rdata, const WantedRrsig& wanted, const ReuseRules& rules) {
    // Fixed header: type covered, algorithm, labels, original TTL,
    // expiration, inception, key tag (18 octets), then the signer's name.
    const std::size_t signer_size = wanted.signer ? wanted.signer->size() : 0;
    if (rdata.size() <= 18 + signer_size) return std::nullopt;
    if (u16_at(rdata, 0) != wanted.type_covered || static_cast<std::uint8_t>(rdata[2]) != wanted.algorithm ||
        static_cast<std::uint8_t>(rdata[3]) != wanted.labels || u32_at(rdata, 4) != wanted.original_ttl ||
        u16_at(rdata, 16) != wanted.key_tag || !wanted.signer || rdata.substr(18, signer_size) != *wanted.signer)
        return std::nullopt;
    const UnixTime expiration = near(rules.now, u32_at(rdata, 8));
    const UnixTime inception = near(rules.now, u32_at(rdata, 12));
    const Seconds validity = wanted.denial ? rules.denial_validity : rules.validity;
    if (inception > rules.now) return std::nullopt;                  // not valid yet
    if (expiration - rules.now <= rules.refresh) return std::nullopt;  // due for refresh
    if (expiration > rules.now + validity) return std::nullopt;       // longer than allowed now
    return expiration;
}

}  // namespace zs::signer
