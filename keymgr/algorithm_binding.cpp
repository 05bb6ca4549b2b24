#include "keymgr/algorithm_binding.hpp"

#include "common/error.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::keymgr {

namespace alg = zone::algorithm;

hsm::KeySpec key_spec_for(std::uint8_t algorithm, unsigned rsa_bits) {
    switch (algorithm) {
        case alg::RSASHA256:
        case alg::RSASHA512: return {hsm::KeyType::Rsa, rsa_bits};
        case alg::ECDSAP256SHA256: return {hsm::KeyType::EcP256, 0};
        case alg::ECDSAP384SHA384: return {hsm::KeyType::EcP384, 0};
        case alg::ED25519: return {hsm::KeyType::Ed25519, 0};
        case alg::ED448: return {hsm::KeyType::Ed448, 0};
    }
    throw Error("DNSSEC algorithm " + std::to_string(algorithm) + " is not supported for signing");
}

hsm::SignScheme sign_scheme_for(std::uint8_t algorithm) {
    switch (algorithm) {
        case alg::RSASHA256: return hsm::SignScheme::RsaPkcs1Sha256;
        case alg::RSASHA512: return hsm::SignScheme::RsaPkcs1Sha512;
        case alg::ECDSAP256SHA256: return hsm::SignScheme::EcdsaSha256;
        case alg::ECDSAP384SHA384: return hsm::SignScheme::EcdsaSha384;
        case alg::ED25519: return hsm::SignScheme::Ed25519;
        case alg::ED448: return hsm::SignScheme::Ed448;
    }
    throw Error("DNSSEC algorithm " + std::to_string(algorithm) + " is not supported for signing");
}

unsigned key_bits_of(std::uint8_t algorithm, const std::string& dnskey_rdata) {
    constexpr std::uint8_t kRsaSha1Nsec3 = 7;
    if (algorithm != alg::RSASHA1 && algorithm != kRsaSha1Nsec3 && algorithm != alg::RSASHA256 &&
        algorithm != alg::RSASHA512)
        return 0;
    // RDATA: flags (2), protocol, algorithm, then the key: exponent length in
    // one octet, or 0 and two octets; exponent; modulus.
    constexpr std::size_t kKeyStart = 4;
    const auto* p = reinterpret_cast<const unsigned char*>(dnskey_rdata.data());
    const std::size_t size = dnskey_rdata.size();
    if (size <= kKeyStart) return 0;
    std::size_t pos = kKeyStart;
    std::size_t exponent_size = p[pos++];
    if (exponent_size == 0) {
        if (size < pos + 2) return 0;
        exponent_size = (std::size_t{p[pos]} << 8) | p[pos + 1];
        pos += 2;
    }
    pos += exponent_size;
    while (pos < size && p[pos] == 0) ++pos;  // leading zero octets
    if (pos >= size) return 0;
    unsigned bits = static_cast<unsigned>(size - pos) * 8;
    for (unsigned char top = p[pos]; (top & 0x80) == 0; top = static_cast<unsigned char>(top << 1)) --bits;
    return bits;
}

}  // namespace zs::keymgr
