// The roles a DNSSEC key plays in a zone. Policies name them; the key
// database records them.
#pragma once

#include <optional>
#include <string>

namespace zs::policy {

enum class KeyRole { Ksk, Zsk, Csk };
std::string to_string(KeyRole r);                            // "KSK", "ZSK", "CSK"
std::optional<KeyRole> parse_role(const std::string& text);  // case-insensitive

// KSKs and CSKs sign the DNSKEY RRset and have a DS at the parent; ZSKs and
// CSKs sign the rest of the zone.
inline bool role_signs_dnskey(KeyRole r) { return r != KeyRole::Zsk; }
inline bool role_signs_zone(KeyRole r) { return r != KeyRole::Ksk; }

}  // namespace zs::policy
