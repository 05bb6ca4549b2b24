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

}  // namespace zs::keymgr
