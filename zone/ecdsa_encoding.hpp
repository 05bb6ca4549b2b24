// The one place where ECDSA signatures change form: OpenSSL (and software
// keys) speak DER SEQUENCE { r INTEGER, s INTEGER }; DNSSEC (RFC 6605 §4)
// and PKCS#11 speak r|s, each integer left-padded to the curve size.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/encoding.hpp"
#include "zone/wire.hpp"

namespace zs::zone {

// Octets of r (and of s) for an ECDSA algorithm: 32 for ECDSAP256SHA256,
// 48 for ECDSAP384SHA384, 0 for anything else.
std::size_t ecdsa_component_size(std::uint8_t algorithm);

// r|s of exactly 2 * component_size octets. Throws zs::Error on DER that
// does not parse (or has trailing bytes) or an integer wider than
// component_size.
Wire ecdsa_der_to_rs(const void* der, std::size_t der_size, std::size_t component_size);

// DER of an r|s signature (two halves of equal size). Throws zs::Error on an
// empty or odd-sized input.
Bytes ecdsa_rs_to_der(const void* rs, std::size_t rs_size);

}  // namespace zs::zone
