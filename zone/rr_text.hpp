// Presentation format of records for output files, one RR per line.
#pragma once

#include <cstdint>
#include <string>

#include "zone/wire.hpp"

namespace zs::zone {

// Appends "owner<TAB>ttl<TAB>IN<TAB>TYPE<TAB>rdata\n" to out.
void append_rr_text(std::string& out, const Wire& owner, std::uint16_t type, std::uint16_t rclass,
                    std::uint32_t ttl, const Wire& rdata);
// RDATA alone in presentation format.
std::string rdata_to_text(std::uint16_t type, const Wire& rdata);

}  // namespace zs::zone
