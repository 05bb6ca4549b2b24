#include "policy/key_role.hpp"

#include <algorithm>
#include <cctype>

namespace zs::policy {

std::string to_string(KeyRole r) {
    switch (r) {
        case KeyRole::Ksk: return "KSK";
        case KeyRole::Zsk: return "ZSK";
        case KeyRole::Csk: return "CSK";
    }
    return "?";
}

std::optional<KeyRole> parse_role(const std::string& text) {
    std::string upper = text;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    if (upper == "KSK") return KeyRole::Ksk;
    if (upper == "ZSK") return KeyRole::Zsk;
    if (upper == "CSK") return KeyRole::Csk;
    return std::nullopt;
}

}  // namespace zs::policy
