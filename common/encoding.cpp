#include "common/encoding.hpp"

#include <cctype>

namespace zs {

std::string to_hex(const void* data, std::size_t size, bool upper) {
    static const char lower_digits[] = "0123456789abcdef";
    static const char upper_digits[] = "0123456789ABCDEF";
    const char* digits = upper ? upper_digits : lower_digits;
    const auto* p = static_cast<const std::uint8_t*>(data);
    std::string out(size * 2, '0');
    for (std::size_t i = 0; i < size; ++i) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 0x0f];
    }
    return out;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<Bytes> from_hex(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    Bytes out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        int hi = hex_value(text[2 * i]);
        int lo = hex_value(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string to_base64(const void* data, std::size_t size) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    std::string out;
    out.reserve((size + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < size; i += 3) {
        std::uint32_t v = p[i] << 16 | p[i + 1] << 8 | p[i + 2];
        out += base64_alphabet[v >> 18 & 63];
        out += base64_alphabet[v >> 12 & 63];
        out += base64_alphabet[v >> 6 & 63];
        out += base64_alphabet[v & 63];
    }
    if (i + 1 == size) {
        std::uint32_t v = p[i] << 16;
        out += base64_alphabet[v >> 18 & 63];
        out += base64_alphabet[v >> 12 & 63];
        out += "==";
    } else if (i + 2 == size) {
        std::uint32_t v = p[i] << 16 | p[i + 1] << 8;
        out += base64_alphabet[v >> 18 & 63];
        out += base64_alphabet[v >> 12 & 63];
        out += base64_alphabet[v >> 6 & 63];
        out += '=';
    }
    return out;
}

static int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

std::optional<Bytes> from_base64(std::string_view text) {
    std::string clean;
    clean.reserve(text.size());
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) clean += c;
    if (clean.size() % 4 != 0) return std::nullopt;
    Bytes out;
    out.reserve(clean.size() / 4 * 3);
    for (std::size_t i = 0; i < clean.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; ++j) {
            char c = clean[i + j];
            if (c == '=') {
                if (i + 4 != clean.size() || j < 2) return std::nullopt;
                v[j] = 0;
                ++pad;
            } else {
                if (pad) return std::nullopt;
                v[j] = base64_value(c);
                if (v[j] < 0) return std::nullopt;
            }
        }
        std::uint32_t w = v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3];
        out.push_back(static_cast<std::uint8_t>(w >> 16));
        if (pad < 2) out.push_back(static_cast<std::uint8_t>(w >> 8));
        if (pad < 1) out.push_back(static_cast<std::uint8_t>(w));
    }
    return out;
}

static const char base32hex_alphabet[] = "0123456789abcdefghijklmnopqrstuv";

std::string to_base32hex(const void* data, std::size_t size) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    std::string out;
    out.reserve((size * 8 + 4) / 5);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < size; ++i) {
        buffer = buffer << 8 | p[i];
        bits += 8;
        while (bits >= 5) {
            out += base32hex_alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += base32hex_alphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<Bytes> from_base32hex(std::string_view text) {
    Bytes out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'v') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'V') v = c - 'A' + 10;
        else return std::nullopt;
        buffer = buffer << 5 | static_cast<std::uint32_t>(v);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
            bits -= 8;
        }
    }
    return out;
}

}  // namespace zs
