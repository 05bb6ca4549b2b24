// What the zone publishes and signs with, derived from the key manager's
// states: the DNSKEY RRset, the keys that sign the DNSKEY RRset and the rest
// of the zone, CDS/CDNSKEY, and the DS set for the parent (OUTPUT.ds and
// `key export-ds`).
#pragma once

#include <vector>

#include "keymgr/key_manager.hpp"
#include "policy/policy.hpp"
#include "policy/signing_params.hpp"

namespace zs::signer {

struct ZoneKeySets {
    std::vector<keymgr::KeyRecord> dnskey;  // in the DNSKEY RRset
    std::vector<keymgr::KeyRecord> cds;     // CDS/CDNSKEY published for these (empty: none); DNSKEY published
    std::vector<keymgr::KeyRecord> ds;      // the DS set for the parent
    // Keys that sign now, and what they sign (index into records).
    struct Use {
        keymgr::KeyRecord record;
        bool signs_dnskey = false;
        bool signs_zone = false;
    };
    std::vector<Use> signing;
};

// Pure: from the key manager's result. `submit_next`: see ds_set.
ZoneKeySets zone_key_sets(const keymgr::ZoneKeys& keys, bool submit_next = false);

// The DS set for the parent from recorded states: keys whose DS is wanted
// (Rumoured or Omnipresent). When none is yet (a new zone whose DNSKEYs and
// signatures are still propagating) it is empty under a policy: the DS must
// not reach the parent before every cache can validate. With `submit_next`
// (a zone signed without a policy, whose operator drives the parent by
// hand) it is then the KSKs/CSKs in service.
std::vector<keymgr::KeyRecord> ds_set(const std::vector<keymgr::KeyRecord>& records,
                                      const std::vector<keymgr::KeyState>& states, bool submit_next = false);

// The policy name recorded for zones signed without --policy.
inline constexpr const char* kCommandLinePolicyName = "command line";

// The policy of a `sign` run without --policy: the zone keeps the keys it
// has (no rollover starts by itself; lifetimes unlimited), and a new zone
// gets a KSK and a ZSK (or a CSK) of the flags' algorithm. CDS/CDNSKEY
// always with --cds, else never.
policy::Policy command_line_policy(const std::vector<keymgr::KeyRecord>& records,
                                   const std::vector<keymgr::KeyState>& states, const policy::SigningParams& params);

}  // namespace zs::signer
