#include "signer/ds_output.hpp"

#include "keymgr/zone_keys.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/rr_text.hpp"
#include "zone/rr_type.hpp"

namespace zs::signer {

std::string ds_records_text(const zone::Wire& origin, const std::vector<keymgr::KeyRecord>& keys, std::uint32_t ttl) {
    std::string out;
    for (const auto& k : keys) {
        if (!keymgr::signs_dnskey(k)) continue;
        zone::Wire ds = zone::make_ds_rdata(origin, k.dnskey_rdata, zone::digest_type::SHA256);
        zone::append_rr_text(out, origin, zone::rrtype::DS, zone::class_IN, ttl, ds);
    }
    return out;
}

}  // namespace zs::signer
