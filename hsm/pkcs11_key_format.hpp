// The byte formats between PKCS#11 key objects and the hsm layer's
// interface: curve parameters (CKA_EC_PARAMS), public points (CKA_EC_POINT),
// DER SubjectPublicKeyInfo built with OpenSSL, and the DigestInfo that
// CKM_RSA_PKCS signs.
#pragma once

#include <optional>

#include "common/encoding.hpp"
#include "hsm/signer.hpp"

namespace zs::hsm::pkcs11 {

// CKA_EC_PARAMS for a new key: the DER OID of the curve (P-256, P-384,
// Ed25519 as 1.3.101.112, the form SoftHSMv2 2.6 accepts).
Bytes ec_params_for(KeyType type);

// The key type named by CKA_EC_PARAMS: DER OIDs of P-256, P-384, Ed25519,
// Ed448, or the PKCS#11 3.0 printable strings "edwards25519"/"edwards448".
std::optional<KeyType> key_type_from_ec_params(const Bytes& params);

// The public point of CKA_EC_POINT: PKCS#11 says a DER OCTET STRING around
// the point, some modules store Edwards keys raw. `point_size` is what the
// curve's point has (65 / 97 for uncompressed P-256 / P-384, 32 for Ed25519);
// throws zs::Error if neither form fits.
Bytes ec_point_from_attribute(const Bytes& attribute, std::size_t point_size);
std::size_t ec_point_size(KeyType type);

// DER SubjectPublicKeyInfo, as OpenSSL's i2d_PUBKEY writes it for a key of
// that type (named curves, uncompressed points): the same bytes the
// OpenSSL file signer returns for the same key.
Bytes rsa_public_key_info(const Bytes& modulus, const Bytes& public_exponent);
Bytes ec_public_key_info(KeyType type, const Bytes& point);  // P-256, P-384, Ed25519, Ed448

// DER DigestInfo header (RFC 8017 §9.2 note 1) that precedes the digest in
// what CKM_RSA_PKCS signs; empty for schemes that are not RSA PKCS#1.
Bytes digest_info_prefix(SignScheme scheme);


}  // namespace zs::hsm::pkcs11
