#include "zone/type_bitmap.hpp"

#include <array>
#include <string>

#include "common/error.hpp"

namespace zs::zone {

Wire encode_type_bitmap(const std::vector<std::uint16_t>& sorted_types) {
    Wire out;
    std::size_t i = 0;
    while (i < sorted_types.size()) {
        const unsigned window = sorted_types[i] >> 8;
        std::array<std::uint8_t, 32> bits{};
        unsigned length = 0;
        for (; i < sorted_types.size() && (sorted_types[i] >> 8) == window; ++i) {
            if (i > 0 && sorted_types[i] <= sorted_types[i - 1])
                throw Error("type bitmap: types are not strictly ascending at type " +
                            std::to_string(sorted_types[i]));
            const unsigned low = sorted_types[i] & 0xff;
            bits[low / 8] |= static_cast<std::uint8_t>(0x80 >> (low % 8));
            length = low / 8 + 1;
        }
        put_u8(out, static_cast<std::uint8_t>(window));
        put_u8(out, static_cast<std::uint8_t>(length));
        out.append(reinterpret_cast<const char*>(bits.data()), length);
    }
    return out;
}

std::vector<std::uint16_t> decode_type_bitmap(const Wire& data, std::size_t offset) {
    std::vector<std::uint16_t> types;
    int previous_window = -1;
    std::size_t pos = offset;
    while (pos < data.size()) {
        if (pos + 2 > data.size()) throw Error("type bitmap: truncated window header");
        const unsigned window = get_u8(data, pos);
        const unsigned length = get_u8(data, pos + 1);
        pos += 2;
        if (static_cast<int>(window) <= previous_window)
            throw Error("type bitmap: window " + std::to_string(window) + " is not in ascending order");
        if (length == 0 || length > 32)
            throw Error("type bitmap: window " + std::to_string(window) + " has length " + std::to_string(length));
        if (pos + length > data.size()) throw Error("type bitmap: window " + std::to_string(window) + " is truncated");
        if (get_u8(data, pos + length - 1) == 0)
            throw Error("type bitmap: window " + std::to_string(window) + " ends in a zero octet");
        for (unsigned octet = 0; octet < length; ++octet) {
            const std::uint8_t bits = get_u8(data, pos + octet);
            for (unsigned bit = 0; bit < 8; ++bit)
                if (bits & (0x80 >> bit)) types.push_back(static_cast<std::uint16_t>(window << 8 | (octet * 8 + bit)));
        }
        pos += length;
        previous_window = static_cast<int>(window);
    }
    return types;
}

}  // namespace zs::zone
