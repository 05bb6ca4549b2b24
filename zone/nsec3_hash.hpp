// NSEC3 owner hashing (RFC 5155 §5): SHA-1, iterated, salted.
#pragma once

#include <cstdint>
#include <string>

#include "zone/wire.hpp"

namespace zs::zone {

constexpr std::uint8_t nsec3_hash_sha1 = 1;

// 20-octet hash of the lower-cased wire name.
Wire nsec3_hash(const Wire& name, const Wire& salt, std::uint16_t iterations);
// Owner name of the NSEC3 record: base32hex(hash).zone
Wire nsec3_owner(const Wire& hash, const Wire& zone);

}  // namespace zs::zone
