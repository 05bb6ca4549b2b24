// SOA serial arithmetic (RFC 1982) and the serial modes of `sign --serial`.
#pragma once

#include <cstdint>
#include <optional>

#include "common/time_format.hpp"

namespace zs::zone {

enum class SerialPolicy { Keep, Increment, UnixTime, DateCounter };

// RFC 1982: a < b in serial number arithmetic (undefined when they differ by
// exactly 2^31: treated as not less).
bool serial_less(std::uint32_t a, std::uint32_t b);

// The serial to publish. `input` is the input zone's serial, `previous` the
// serial of the previous signed output if one exists. Increment: one more
// than the larger (in serial arithmetic) of the two. UnixTime: now, or one
// more than the previous when that is not below. DateCounter: YYYYMMDDnn,
// one more than the previous when today's range is used up or behind.
// Returns nullopt when the result would not be greater than `previous`
// (only possible with Keep).
std::optional<std::uint32_t> next_serial(SerialPolicy policy, std::uint32_t input,
                                         std::optional<std::uint32_t> previous, UnixTime now);

}  // namespace zs::zone
