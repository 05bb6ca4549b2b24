// ECDSA signatures leave OpenSSL as DER SEQUENCE { r INTEGER, s INTEGER };
// callers of the hsm layer get r|s, each left-padded to the curve's size
// (the form RFC 6605 and PKCS#11 use).
#pragma once

#include <cstddef>

#include "common/encoding.hpp"

namespace zs::hsm {

// Returns r|s of 2 * field_size octets; throws zs::Error when the
// DER does not parse or r or s is wider than field_size.
Bytes ecdsa_der_to_raw(const unsigned char* der, std::size_t der_size, std::size_t field_size);

}  // namespace zs::hsm
