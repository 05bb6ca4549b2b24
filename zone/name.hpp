// Domain names in uncompressed wire form ("\x03www\x07example\x00").
// Owner names in the zone model are always lower case (mixed-case spellings
// of one owner are one name, RFC 4034 §6.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zone/wire.hpp"

namespace zs::zone {

// Presentation form with trailing dot and RFC 1035 escapes ("\046", "\\.").
std::string name_to_text(const Wire& name);
// Parses an absolute or relative (to origin) presentation name; "@" is origin.
// Throws zs::Error with the reason (label > 63, name > 255, bad escape).
Wire name_from_text(std::string_view text, const Wire& origin);

void lowercase_name(Wire& name);
Wire lowercased(const Wire& name);

// Number of labels, not counting the root.
unsigned label_count(const Wire& name);
// RRSIG Labels field: label_count without a leftmost "*" (RFC 4034 §3.1.3).
unsigned rrsig_labels(const Wire& name);
bool is_wildcard(const Wire& name);
// Offsets of the length octet of each label, leftmost first (root not included).
std::vector<std::size_t> label_offsets(const Wire& name);

// True if name equals ancestor or is below it. Both lower case.
bool is_at_or_below(const Wire& name, const Wire& ancestor);
// Name with the leftmost label removed; the root stays the root.
Wire parent_of(const Wire& name);

// RFC 4034 §6.1 canonical order: by labels from the right, each label as a
// lower-cased octet string. Returns <0, 0, >0.
int canonical_compare(const Wire& a, const Wire& b);
struct CanonicalLess {
    bool operator()(const Wire& a, const Wire& b) const { return canonical_compare(a, b) < 0; }
};

}  // namespace zs::zone
