#include "keymgr/ds_records.hpp"

#include "zone/dnssec_algorithm.hpp"
#include "zone/name.hpp"
#include "zone/rr_text.hpp"
#include "zone/rr_type.hpp"

namespace zs::keymgr {

std::string ds_records_text(const std::string& zone, const std::vector<KeyRecord>& keys, std::uint32_t ttl) {
    const zone::Wire origin = zone::name_from_text(zone, zone::Wire(1, '\0'));
    std::string out;
    for (const auto& k : keys) {
        zone::Wire ds = zone::make_ds_rdata(origin, k.dnskey_rdata, zone::digest_type::SHA256);
        zone::append_rr_text(out, origin, zone::rrtype::DS, zone::class_IN, ttl, ds);
    }
    return out;
}

}  // namespace zs::keymgr
