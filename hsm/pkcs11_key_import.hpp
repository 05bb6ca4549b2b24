// The parts of a private key that C_CreateObject needs, taken from a DER
// PKCS#8 PrivateKeyInfo with OpenSSL: RSA's modulus, exponents, primes and
// CRT values; an EC key's scalar and public point; an Ed25519 key's raw
// private and public halves. The secret parts are wiped when the object goes.
#pragma once

#include "common/encoding.hpp"
#include "hsm/signer.hpp"

namespace zs::hsm::pkcs11 {

struct PrivateKeyParts {
    PrivateKeyParts() = default;
    ~PrivateKeyParts();
    PrivateKeyParts(const PrivateKeyParts&) = delete;
    PrivateKeyParts& operator=(const PrivateKeyParts&) = delete;

    KeyType type = KeyType::EcP256;
    // RSA (big-endian, no leading zeros).
    Bytes modulus, public_exponent;
    Bytes private_exponent, prime1, prime2, exponent1, exponent2, coefficient;  // secret
    // EC and Ed25519: CKA_VALUE of the private key (the scalar padded to the
    // curve's size, or the raw Ed25519 key) and the public point (P-256/384
    // uncompressed, Ed25519 raw 32 octets).
    Bytes value;  // secret
    Bytes point;
};

// Throws zs::Error for bytes that are not a PKCS#8 key, a key type this
// layer does not use, or a private key whose parts do not belong together.
void read_private_key_parts(const Bytes& pkcs8_der, PrivateKeyParts& parts);

// CKA_EC_POINT: the point in a DER OCTET STRING, as PKCS#11 specifies.
Bytes ec_point_attribute(const Bytes& point);

}  // namespace zs::hsm::pkcs11
