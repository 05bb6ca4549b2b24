// Signing parameters of one run, with the defaults documented in README.md.
// YAML policies (a later issue) fill the same structure; command-line flags
// override it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/time_format.hpp"
#include "zone/denial_chain.hpp"
#include "zone/serial.hpp"

namespace zs::policy {

enum class DenialType { Nsec, Nsec3 };
using SerialMode = zone::SerialPolicy;

std::optional<SerialMode> parse_serial_mode(const std::string& text);
std::string to_string(SerialMode m);

struct SigningParams {
    std::uint8_t algorithm = 13;      // ECDSAP256SHA256
    unsigned rsa_bits = 2048;
    bool csk = false;                 // one combined key instead of KSK + ZSK
    Seconds validity = 14 * 86400;
    Seconds denial_validity = 14 * 86400;
    Seconds jitter = 12 * 3600;       // expirations spread over [validity - jitter, validity]
    Seconds inception_offset = 3600;  // inception backdated for clock skew
    std::optional<std::uint32_t> dnskey_ttl;  // default: the SOA MINIMUM-based TTL, capped at 1 h
    DenialType denial = DenialType::Nsec;
    zone::Nsec3Parameters nsec3;      // iterations 0, empty salt (RFC 9276)
    SerialMode serial = SerialMode::Increment;
    bool publish_cds = false;         // CDS and CDNSKEY for the SEP keys
};

// Checks what can be checked without the zone: returns an error text or "".
std::string check_params(const SigningParams& p);

}  // namespace zs::policy
