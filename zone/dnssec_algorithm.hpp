// Everything about DNSSEC algorithms in one place: numbers and names, the
// DNSKEY public key encodings (RFC 3110, 6605, 8080), key tags (RFC 4034
// App. B), DS digests, and software verification of signatures with OpenSSL
// (used for pre-publication checks: never through the signing backend).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/encoding.hpp"
#include "zone/wire.hpp"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace zs::zone {

namespace algorithm {
constexpr std::uint8_t RSASHA1 = 5, RSASHA256 = 8, RSASHA512 = 10, ECDSAP256SHA256 = 13, ECDSAP384SHA384 = 14,
                       ED25519 = 15, ED448 = 16;
}

struct AlgorithmInfo {
    std::uint8_t number;
    const char* mnemonic;      // "ECDSAP256SHA256"
    bool recommended_for_signing;  // IANA "DNSSEC signing" column (RFC 9904)
    bool supported;            // we can sign and verify it
    unsigned default_bits;     // RSA modulus bits; 0 for fixed-size keys
    // The IANA "Use for DNSSEC Signing" value itself (RFC 9904 Table 2, as
    // amended by RFC 9905): "RECOMMENDED", "MAY", "NOT RECOMMENDED", "MUST NOT".
    // recommended_for_signing is true for RECOMMENDED and MAY.
    const char* use_for_signing;
};

const AlgorithmInfo* find_algorithm(std::uint8_t number);
// Accepts "13", "ECDSAP256SHA256", "ecdsap256sha256", "ED25519"...; nullopt if unknown.
std::optional<std::uint8_t> parse_algorithm(std::string_view text);
std::string algorithm_name(std::uint8_t number);

namespace dnskey_flags {
constexpr std::uint16_t ZONE = 0x0100, SEP = 0x0001, REVOKE = 0x0080;
constexpr std::uint16_t ZSK = ZONE, KSK = ZONE | SEP;
}

// DNSKEY RDATA: flags, protocol 3, algorithm, public key field.
Wire make_dnskey_rdata(std::uint16_t flags, std::uint8_t algorithm, const Wire& public_key);
std::uint16_t dnskey_flags_of(const Wire& dnskey_rdata);
std::uint8_t dnskey_algorithm_of(const Wire& dnskey_rdata);
Wire dnskey_public_key_of(const Wire& dnskey_rdata);
// RFC 4034 Appendix B.
std::uint16_t key_tag(const Wire& dnskey_rdata);

// Converts a DER SubjectPublicKeyInfo (what signers return) into the DNSKEY
// public key field for the algorithm, and back. Throws zs::Error on a key
// that does not fit the algorithm.
Wire public_key_from_spki(std::uint8_t algorithm, const Bytes& spki_der);
Bytes spki_from_public_key(std::uint8_t algorithm, const Wire& public_key);

namespace digest_type {
constexpr std::uint8_t SHA256 = 2, SHA384 = 4;
}
// DS RDATA for a DNSKEY at owner (wire, lower case).
Wire make_ds_rdata(const Wire& owner, const Wire& dnskey_rdata, std::uint8_t digest);

// A public key ready for repeated verification (thread-safe after construction).
class PublicKeyVerifier {
public:
    PublicKeyVerifier(std::uint8_t algorithm, const Wire& public_key);
    ~PublicKeyVerifier();
    PublicKeyVerifier(PublicKeyVerifier&&) noexcept;
    PublicKeyVerifier& operator=(PublicKeyVerifier&&) noexcept;
    // data: the signed data of RFC 4034 §3.1.8.1; signature: as in the RRSIG.
    bool verify(const void* data, std::size_t size, const Wire& signature) const;
    std::uint8_t algorithm() const { return algorithm_; }

private:
    std::uint8_t algorithm_;
    EVP_PKEY* key_ = nullptr;
    // Initialised once for verification with key_; verify() works on a copy,
    // so no call fetches algorithms from the provider again.
    EVP_MD_CTX* initialised_ = nullptr;
};

}  // namespace zs::zone
