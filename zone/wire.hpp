// Binary DNS data (names and RDATA in uncompressed wire form) is kept in
// std::string: compact (short RDATA such as A records fits the small-string
// buffer, no heap allocation), hashable and comparable as octet strings.
#pragma once

#include <cstdint>
#include <string>

namespace zs::zone {

using Wire = std::string;

inline void put_u8(Wire& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }
inline void put_u16(Wire& out, std::uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v & 0xff));
}
inline void put_u32(Wire& out, std::uint32_t v) {
    put_u16(out, static_cast<std::uint16_t>(v >> 16));
    put_u16(out, static_cast<std::uint16_t>(v & 0xffff));
}
inline std::uint8_t get_u8(const Wire& w, std::size_t pos) { return static_cast<std::uint8_t>(w[pos]); }
inline std::uint16_t get_u16(const Wire& w, std::size_t pos) {
    return static_cast<std::uint16_t>(get_u8(w, pos) << 8 | get_u8(w, pos + 1));
}
inline std::uint32_t get_u32(const Wire& w, std::size_t pos) {
    return static_cast<std::uint32_t>(get_u16(w, pos)) << 16 | get_u16(w, pos + 2);
}

}  // namespace zs::zone
