// DS records of keys in master-file format (SHA-256, RFC 4509): what the
// parent should publish, for the parent_check command and `key export-ds`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "keymgr/key_db.hpp"

namespace zs::keymgr {

// One DS record per key, in the order given; zone in presentation form.
std::string ds_records_text(const std::string& zone, const std::vector<KeyRecord>& keys, std::uint32_t ttl);

}  // namespace zs::keymgr
