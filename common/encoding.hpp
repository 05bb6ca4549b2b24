// Text encodings of binary data used in zone files, key files and the CLI.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zs {

using Bytes = std::vector<std::uint8_t>;

std::string to_hex(const void* data, std::size_t size, bool upper = false);
inline std::string to_hex(std::string_view s, bool upper = false) { return to_hex(s.data(), s.size(), upper); }
inline std::string to_hex(const Bytes& b, bool upper = false) { return to_hex(b.data(), b.size(), upper); }
// Returns nullopt for odd length or a non-hex character.
std::optional<Bytes> from_hex(std::string_view text);

std::string to_base64(const void* data, std::size_t size);
inline std::string to_base64(const Bytes& b) { return to_base64(b.data(), b.size()); }
inline std::string to_base64(std::string_view s) { return to_base64(s.data(), s.size()); }
// Accepts white space inside; returns nullopt on bad characters or padding.
std::optional<Bytes> from_base64(std::string_view text);

// RFC 4648 "base32hex" without padding, lower case, as NSEC3 owner labels use.
std::string to_base32hex(const void* data, std::size_t size);
std::optional<Bytes> from_base32hex(std::string_view text);

}  // namespace zs
