#include "zone/name.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/error.hpp"

namespace zs::zone {

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string name_to_text(const Wire& name) {
    std::string out;
    std::size_t pos = 0;
    while (pos < name.size()) {
        std::uint8_t len = get_u8(name, pos);
        if (len == 0) break;
        for (std::size_t i = 1; i <= len; ++i) {
            unsigned char c = static_cast<unsigned char>(name[pos + i]);
            if (c == '.' || c == '\\' || c == '(' || c == ')' || c == ';' || c == '"' || c == '@' || c == '$') {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c <= 0x20 || c >= 0x7f) {
                char buf[5];
                std::snprintf(buf, sizeof buf, "\\%03u", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
        out += '.';
        pos += len + 1u;
    }
    if (out.empty()) out = ".";
    return out;
}

Wire name_from_text(std::string_view text, const Wire& origin) {
    if (text == "@") return origin;
    if (text == ".") return Wire(1, '\0');
    if (text.empty()) throw Error("empty domain name");
    Wire out;
    std::string label;
    bool absolute = false;
    auto finish_label = [&](bool allow_empty) {
        if (label.empty()) {
            if (!allow_empty) throw Error("empty label in domain name '" + std::string(text) + "'");
            return;
        }
        if (label.size() > 63)
            throw Error("label longer than 63 octets in domain name '" + std::string(text) + "'");
        out += static_cast<char>(label.size());
        out += label;
        label.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\') {
            if (i + 1 >= text.size()) throw Error("trailing backslash in domain name '" + std::string(text) + "'");
            if (std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
                if (i + 3 >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 2])) ||
                    !std::isdigit(static_cast<unsigned char>(text[i + 3])))
                    throw Error("bad \\DDD escape in domain name '" + std::string(text) + "'");
                int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                if (v > 255) throw Error("\\DDD escape above 255 in domain name '" + std::string(text) + "'");
                label += static_cast<char>(v);
                i += 3;
            } else {
                label += text[i + 1];
                ++i;
            }
        } else if (c == '.') {
            if (i + 1 == text.size()) {
                absolute = true;
                finish_label(false);
            } else {
                finish_label(false);
            }
        } else {
            label += c;
        }
    }
    if (!absolute) {
        finish_label(true);
        out += origin.empty() ? Wire(1, '\0') : origin;
    } else {
        out += '\0';
    }
    if (out.size() > 255) throw Error("domain name longer than 255 octets: '" + std::string(text) + "'");
    return out;
}

void lowercase_name(Wire& name) {
    std::size_t pos = 0;
    while (pos < name.size()) {
        std::uint8_t len = get_u8(name, pos);
        if (len == 0) break;
        for (std::size_t i = pos + 1; i <= pos + len; ++i) name[i] = lower(name[i]);
        pos += len + 1u;
    }
}

Wire lowercased(const Wire& name) {
    Wire copy = name;
    lowercase_name(copy);
    return copy;
}

std::vector<std::size_t> label_offsets(const Wire& name) {
    std::vector<std::size_t> offsets;
    std::size_t pos = 0;
    while (pos < name.size() && name[pos] != 0) {
        offsets.push_back(pos);
        pos += get_u8(name, pos) + 1u;
    }
    return offsets;
}

unsigned label_count(const Wire& name) {
    unsigned n = 0;
    std::size_t pos = 0;
    while (pos < name.size() && name[pos] != 0) {
        ++n;
        pos += get_u8(name, pos) + 1u;
    }
    return n;
}

bool is_wildcard(const Wire& name) { return name.size() >= 2 && name[0] == 1 && name[1] == '*'; }

unsigned rrsig_labels(const Wire& name) { return label_count(name) - (is_wildcard(name) ? 1 : 0); }

bool is_at_or_below(const Wire& name, const Wire& ancestor) {
    if (ancestor.size() > name.size()) return false;
    std::size_t pos = 0;
    std::size_t skip = name.size() - ancestor.size();
    // Walk label boundaries: the suffix must start on one.
    while (pos < skip) pos += get_u8(name, pos) + 1u;
    if (pos != skip) return false;
    return std::memcmp(name.data() + pos, ancestor.data(), ancestor.size()) == 0;
}

Wire parent_of(const Wire& name) {
    if (name.empty() || name[0] == 0) return name;
    return name.substr(get_u8(name, 0) + 1u);
}

int canonical_compare(const Wire& a, const Wire& b) {
    // Compare label by label from the right. Collect offsets on the stack for
    // typical names; fall back to vectors for deep ones.
    std::size_t oa[128], ob[128];
    std::size_t na = 0, nb = 0;
    for (std::size_t pos = 0; pos < a.size() && a[pos] != 0 && na < 128; pos += get_u8(a, pos) + 1u) oa[na++] = pos;
    for (std::size_t pos = 0; pos < b.size() && b[pos] != 0 && nb < 128; pos += get_u8(b, pos) + 1u) ob[nb++] = pos;
    while (na > 0 && nb > 0) {
        std::size_t pa = oa[--na], pb = ob[--nb];
        std::uint8_t la = get_u8(a, pa), lb = get_u8(b, pb);
        std::size_t common = std::min(la, lb);
        for (std::size_t i = 1; i <= common; ++i) {
            unsigned char ca = static_cast<unsigned char>(lower(a[pa + i]));
            unsigned char cb = static_cast<unsigned char>(lower(b[pb + i]));
            if (ca != cb) return ca < cb ? -1 : 1;
        }
        if (la != lb) return la < lb ? -1 : 1;
    }
    if (na == nb) return 0;
    return na < nb ? -1 : 1;
}

}  // namespace zs::zone
