// What we need to know about the previous signed output: its SOA serial, so
// that the new serial increases (RFC 1982).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace zs::signer {

// nullopt when the file does not exist; throws when it exists but has no
// readable SOA record.
std::optional<std::uint32_t> previous_serial(const std::string& path);

}  // namespace zs::signer
