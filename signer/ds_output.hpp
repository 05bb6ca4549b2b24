// DS records of a zone's SEP keys, in master-file format, for the parent or a
// resolver's trust anchor (SHA-256, RFC 4509).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "keymgr/key_db.hpp"
#include "zone/wire.hpp"

namespace zs::signer {

std::string ds_records_text(const zone::Wire& origin, const std::vector<keymgr::KeyRecord>& keys, std::uint32_t ttl);

}  // namespace zs::signer
