// The algorithm table, DNSKEY RDATA fields and key tags.
#include "zone/dnssec_algorithm.hpp"

#include <array>
#include <charconv>

#include "common/error.hpp"

namespace zs::zone {

namespace {

// "Use for DNSSEC Signing" from RFC 9904 Table 2; RFC 9905 moved RSASHA1 and
// RSASHA1-NSEC3-SHA1 from NOT RECOMMENDED to MUST NOT. We sign only with
// what the registry does not advise against using, and verify the same set.
constexpr std::array<AlgorithmInfo, 8> table{{
    {algorithm::RSASHA1, "RSASHA1", false, false, 2048, "MUST NOT"},
    {7, "NSEC3RSASHA1", false, false, 2048, "MUST NOT"},
    {algorithm::RSASHA256, "RSASHA256", true, true, 2048, "RECOMMENDED"},
    {algorithm::RSASHA512, "RSASHA512", false, true, 2048, "NOT RECOMMENDED"},
    {algorithm::ECDSAP256SHA256, "ECDSAP256SHA256", true, true, 0, "RECOMMENDED"},
    {algorithm::ECDSAP384SHA384, "ECDSAP384SHA384", true, true, 0, "MAY"},
    {algorithm::ED25519, "ED25519", true, true, 0, "RECOMMENDED"},
    {algorithm::ED448, "ED448", true, true, 0, "MAY"},
}};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

void require_dnskey(const Wire& rdata) {
    if (rdata.size() < 4) throw Error("DNSKEY RDATA shorter than 4 octets");
}

}  // namespace

const AlgorithmInfo* find_algorithm(std::uint8_t number) {
    for (const auto& info : table)
        if (info.number == number) return &info;
    return nullptr;
}

std::optional<std::uint8_t> parse_algorithm(std::string_view text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) {
        if (value > 255) return std::nullopt;
        return static_cast<std::uint8_t>(value);
    }
    for (const auto& info : table)
        if (iequals(text, info.mnemonic)) return info.number;
    // The registry spells 7 "RSASHA1-NSEC3-SHA1"; BIND and ldns "NSEC3RSASHA1".
    if (iequals(text, "RSASHA1-NSEC3-SHA1")) return std::uint8_t{7};
    return std::nullopt;
}

std::string algorithm_name(std::uint8_t number) {
    if (const auto* info = find_algorithm(number)) return info->mnemonic;
    return std::to_string(number);
}

Wire make_dnskey_rdata(std::uint16_t flags, std::uint8_t algorithm, const Wire& public_key) {
    Wire rdata;
    rdata.reserve(4 + public_key.size());
    put_u16(rdata, flags);
    put_u8(rdata, 3);  // Protocol: always 3 (RFC 4034 §2.1.2)
    put_u8(rdata, algorithm);
    rdata += public_key;
    return rdata;
}

std::uint16_t dnskey_flags_of(const Wire& rdata) {
    require_dnskey(rdata);
    return get_u16(rdata, 0);
}

std::uint8_t dnskey_algorithm_of(const Wire& rdata) {
    require_dnskey(rdata);
    return get_u8(rdata, 3);
}

Wire dnskey_public_key_of(const Wire& rdata) {
    require_dnskey(rdata);
    return rdata.substr(4);
}

std::uint16_t key_tag(const Wire& rdata) {
    require_dnskey(rdata);
    if (get_u8(rdata, 3) == 1) {
        // RSA/MD5 (RFC 4034 App. B.1): the most significant 16 of the least
        // significant 24 bits of the modulus, i.e. the 3rd and 2nd last octets.
        if (rdata.size() < 7) throw Error("RSAMD5 DNSKEY too short for a key tag");
        return get_u16(rdata, rdata.size() - 3);
    }
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < rdata.size(); ++i)
        sum += (i & 1) ? get_u8(rdata, i) : static_cast<std::uint32_t>(get_u8(rdata, i)) << 8;
    sum += (sum >> 16) & 0xffff;
    return static_cast<std::uint16_t>(sum & 0xffff);
}

}  // namespace zs::zone
