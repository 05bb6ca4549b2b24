// Where DNSSEC meets the HSM layer: which key type and signature scheme a
// DNSSEC algorithm number needs. hsm/ never sees algorithm numbers.
#pragma once

#include <cstdint>
#include <string>

#include "hsm/signer.hpp"

namespace zs::keymgr {

// Throws zs::Error for algorithms we do not sign with.
hsm::KeySpec key_spec_for(std::uint8_t algorithm, unsigned rsa_bits);
hsm::SignScheme sign_scheme_for(std::uint8_t algorithm);

// The key size a policy compares: the RSA modulus size in bits of an RSA
// DNSKEY (RFC 3110), 0 for other algorithms and malformed RDATA.
unsigned key_bits_of(std::uint8_t algorithm, const std::string& dnskey_rdata);

}  // namespace zs::keymgr
