// Editing the `zones:` list of a configuration file for `zonesigner zone
// add|remove`, as text, so that comments and the layout of everything else
// stay: a new entry is appended after the last one (in the list's own
// indentation), a removed entry's lines go (with the comment lines directly
// above it). When the list is not written in block style (e.g. `zones: [...]`)
// the document is re-emitted by yaml-cpp instead, which loses its comments;
// the result says so.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace zs::signer {

// A zone entry as it will be written: (key, value) in this order, values as
// given (quoted for YAML when written).
using ZoneFields = std::vector<std::pair<std::string, std::string>>;

struct EditedText {
    std::string text;
    bool comments_lost = false;  // re-emitted by yaml-cpp
};

// Throws InputError if `text` is not YAML or its top level not a map.
EditedText add_zone_text(const std::string& text, const std::string& file, const ZoneFields& fields);
// `zone` as normalised (lower case, trailing dot); throws Error if no entry
// has that name.
EditedText remove_zone_text(const std::string& text, const std::string& file, const std::string& zone);

// One value as a YAML scalar: plain when that reads back the same, else
// double-quoted.
std::string yaml_scalar(const std::string& value);

}  // namespace zs::signer
