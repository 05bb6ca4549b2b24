#include "zone/rr_type.hpp"

#include <cctype>
#include <charconv>
#include <unordered_map>

#include "zone/ldns_raii.hpp"

namespace zs::zone {

namespace {

// ldns keeps one descriptor per type it knows; unassigned slots below its
// "common" range carry another type number (or a TYPEnnn placeholder name),
// and unknown types above it map to descriptor 0.
const char* known_type_name(std::uint16_t type) {
    const ldns_rr_descriptor* desc = ldns_rr_descript(type);
    if (desc == nullptr || desc->_name == nullptr || desc->_type != type) return nullptr;
    if (type == 0) return nullptr;
    return desc->_name;
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// Built once (thread-safe static initialisation): ldns' own lookup is a linear
// scan with strcasecmp, too slow for one call per record.
const std::unordered_map<std::string, std::uint16_t>& types_by_name() {
    static const std::unordered_map<std::string, std::uint16_t> table = [] {
        std::unordered_map<std::string, std::uint16_t> map;
        for (unsigned t = 1; t <= 0xffff; ++t) {
            if (const char* name = known_type_name(static_cast<std::uint16_t>(t)))
                map.emplace(name, static_cast<std::uint16_t>(t));
        }
        return map;
    }();
    return table;
}

}  // namespace

bool is_known_type(std::uint16_t type) { return known_type_name(type) != nullptr; }

std::string type_to_text(std::uint16_t type) {
    if (const char* name = known_type_name(type)) return name;
    return "TYPE" + std::to_string(type);
}

std::optional<std::uint16_t> type_from_text(std::string_view text) {
    // The hot cases first: most records of real zones are one of these.
    auto equals = [&](std::string_view word) {
        if (text.size() != word.size()) return false;
        for (std::size_t i = 0; i < word.size(); ++i)
            if (std::toupper(static_cast<unsigned char>(text[i])) != word[i]) return false;
        return true;
    };
    if (equals("A")) return rrtype::A;
    if (equals("AAAA")) return rrtype::AAAA;
    if (equals("NS")) return rrtype::NS;
    if (equals("MX")) return rrtype::MX;
    if (equals("TXT")) return rrtype::TXT;
    if (equals("CNAME")) return rrtype::CNAME;
    if (text.size() > 4 && std::toupper(static_cast<unsigned char>(text[0])) == 'T' &&
        std::toupper(static_cast<unsigned char>(text[1])) == 'Y' &&
        std::toupper(static_cast<unsigned char>(text[2])) == 'P' &&
        std::toupper(static_cast<unsigned char>(text[3])) == 'E' &&
        std::isdigit(static_cast<unsigned char>(text[4]))) {
        unsigned value = 0;
        auto digits = text.substr(4);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec != std::errc() || end != digits.data() + digits.size() || value > 0xffff) return std::nullopt;
        return static_cast<std::uint16_t>(value);
    }
    const auto& table = types_by_name();
    auto it = table.find(upper(text));
    if (it == table.end()) return std::nullopt;
    return it->second;
}

}  // namespace zs::zone
