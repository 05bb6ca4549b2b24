// Helpers for zone tests: build a zone model from master-file text.
#pragma once

#include <string>

#include "zone/master_file.hpp"
#include "zone/zone_builder.hpp"

namespace zs::zone::testing {

inline Wire origin_of(const std::string& text) { return name_from_text(text, Wire(1, '\0')); }

inline BuildResult build_from_text(const std::string& text, const std::string& origin, bool keep_dnssec = false) {
    MasterFileOptions o;
    o.origin = origin_of(origin);
    return build_zone(read_master_text(text, "test.zone", o), o.origin, {keep_dnssec});
}

inline Wire name(const std::string& text) { return origin_of(text); }

}  // namespace zs::zone::testing
