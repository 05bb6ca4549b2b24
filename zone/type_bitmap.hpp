// NSEC and NSEC3 type bitmaps (RFC 4034 §4.1.2, RFC 5155 §3.2.1): windows of
// up to 256 types, each "window number, length, bitmap", with no empty windows
// and no trailing zero octets. Shared by the signer (encode) and the verifier
// (decode and check).
#pragma once

#include <cstdint>
#include <vector>

#include "zone/wire.hpp"

namespace zs::zone {

// `sorted_types` must be strictly ascending; throws zs::Error otherwise.
Wire encode_type_bitmap(const std::vector<std::uint16_t>& sorted_types);

// Decodes the bitmap that fills `data` from `offset` to its end. Throws
// zs::Error saying what is wrong on malformed input: a truncated window, a
// window length of 0 or more than 32, windows not strictly ascending, or a
// window ending in a zero octet.
std::vector<std::uint16_t> decode_type_bitmap(const Wire& data, std::size_t offset = 0);

}  // namespace zs::zone
