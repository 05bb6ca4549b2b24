// A fast pass over a signed output file for what monitoring needs: the
// earliest RRSIG expiration, i.e. when the published zone stops validating
// unless it is signed again (its runway).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/time_format.hpp"

namespace zs::signer {

// The expiration of one RRSIG record line in presentation form (one record
// per line, as zonesigner writes); nullopt if the line is no RRSIG record.
std::optional<UnixTime> rrsig_expiration(std::string_view line);

// The earliest RRSIG expiration in the file; nullopt if it has none. Throws
// SystemError naming the file if it cannot be read.
std::optional<UnixTime> earliest_rrsig_expiration(const std::string& path);

}  // namespace zs::signer
