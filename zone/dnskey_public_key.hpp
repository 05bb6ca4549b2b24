// Internal to zone/: an OpenSSL public key built from a DNSKEY public key
// field, shared by spki_from_public_key and PublicKeyVerifier.
#pragma once

#include <cstdint>

#include "zone/openssl_handles.hpp"
#include "zone/wire.hpp"

namespace zs::zone {

// Throws zs::Error when the field does not encode a valid key of the
// algorithm (wrong size, RSA exponent/modulus form, point not on the curve)
// or the algorithm is not supported.
ossl::PkeyPtr pkey_from_dnskey_key(std::uint8_t algorithm, const Wire& public_key);

}  // namespace zs::zone
