#include "signer/zone_key_sets.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

namespace {

const keymgr::KeyState* state_of(const std::vector<keymgr::KeyState>& states, std::int64_t id) {
    for (const auto& s : states)
        if (s.id == id) return &s;
    return nullptr;
}

}  // namespace

ZoneKeySets zone_key_sets(const keymgr::ZoneKeys& keys, bool submit_next) {
    ZoneKeySets sets;
    for (const auto& record : keys.records) {
        const keymgr::KeyState* state = state_of(keys.states, record.id);
        if (!state) continue;
        if (keymgr::publishes_dnskey(*state)) sets.dnskey.push_back(record);
        const bool dnskey = keymgr::signs_dnskey_rrset(*state) && !record.backup_pending;
        const bool zone = keymgr::signs_zone_data(*state) && !record.backup_pending;
        if (dnskey || zone) sets.signing.push_back({record, dnskey, zone});
    }
    sets.ds = ds_set(keys.records, keys.states, submit_next);
    // CDS/CDNSKEY mirror the DS set for the parent while the plan publishes
    // them, but only for keys in the DNSKEY RRset (RFC 7344 §4.1; kzonecheck
    // refuses others): during a double-DS rollover the new DS reaches the
    // parent through OUTPUT.ds / `key export-ds` until its DNSKEY is out.
    if (keys.plan.publish_cds)
        for (const auto& record : sets.ds)
            if (const keymgr::KeyState* state = state_of(keys.states, record.id); state && keymgr::publishes_dnskey(*state))
                sets.cds.push_back(record);
    return sets;
}

std::vector<keymgr::KeyRecord> ds_set(const std::vector<keymgr::KeyRecord>& records,
                                      const std::vector<keymgr::KeyState>& states, bool submit_next) {
    std::vector<keymgr::KeyRecord> wanted, next;
    for (const auto& record : records) {
        if (!policy::role_signs_dnskey(record.role)) continue;
        const keymgr::KeyState* state = state_of(states, record.id);
        if (!state) continue;
        if (keymgr::wants_ds(*state)) wanted.push_back(record);
        else if (state->goal == keymgr::KeyGoal::Omnipresent && keymgr::publishes_dnskey(*state))
            next.push_back(record);
    }
    return wanted.empty() && submit_next ? next : wanted;
}

policy::Policy command_line_policy(const std::vector<keymgr::KeyRecord>& records,
                                   const std::vector<keymgr::KeyState>& states, const policy::SigningParams& params) {
    policy::Policy p = policy::default_policy();
    p.name = kCommandLinePolicyName;
    p.place = {};
    p.places.clear();
    p.keys.clear();
    std::set<std::tuple<int, int, unsigned>> seen;
    for (const auto& record : records) {
        const keymgr::KeyState* state = state_of(states, record.id);
        if (state && state->goal != keymgr::KeyGoal::Omnipresent) continue;
        policy::KeySpec spec;
        spec.role = record.role;
        spec.algorithm = record.algorithm;
        spec.bits = state ? state->bits : 0;
        spec.signer = record.signer;
        if (!seen.insert({static_cast<int>(spec.role), spec.algorithm, spec.bits}).second) continue;
        p.keys.push_back(spec);
    }
    if (p.keys.empty()) {
        const zone::AlgorithmInfo* info = zone::find_algorithm(params.algorithm);
        const unsigned bits = info && info->default_bits ? params.rsa_bits : 0;
        if (params.csk) {
            p.keys.push_back({policy::KeyRole::Csk, params.algorithm, bits, std::nullopt, "", {}});
        } else {
            p.keys.push_back({policy::KeyRole::Ksk, params.algorithm, bits, std::nullopt, "", {}});
            p.keys.push_back({policy::KeyRole::Zsk, params.algorithm, bits, std::nullopt, "", {}});
        }
    }
    for (auto& spec : p.keys) spec.lifetime.reset();
    p.validity = params.validity;
    p.denial_validity = params.denial_validity;
    p.jitter = params.jitter;
    p.inception_offset = params.inception_offset;
    if (params.dnskey_ttl) p.dnskey_ttl = *params.dnskey_ttl;
    p.serial = params.serial;
    p.cds_cdnskey = params.publish_cds ? policy::CdsMode::Always : policy::CdsMode::None;
    return p;
}

}  // namespace zs::signer
