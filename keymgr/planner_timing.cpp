// RFC 7583 timing of the planner: how long each record takes to reach or
// leave every cache, and when the parent's facts allow a DS to move on.
#include <algorithm>

#include "keymgr/planner_detail.hpp"

namespace zs::keymgr::planner_detail {

namespace {

std::string seconds(Seconds s) { return std::to_string(s) + " s"; }

}  // namespace

Delay record_delay(const policy::Policy& policy, Record r, bool introducing) {
    const Seconds safety = introducing ? policy.publish_safety : policy.retire_safety;
    const std::string safety_text = (introducing ? " + publish safety " : " + retire safety ") + seconds(safety);
    switch (r) {
        case Record::Dnskey:
        case Record::KrrSig:
            // The DNSKEY RRset and its RRSIGs are cached together, for the DNSKEY TTL.
            return {policy.dnskey_ttl + policy.zone_propagation_delay + safety,
                    "dnskey TTL " + seconds(policy.dnskey_ttl) + " + propagation " +
                        seconds(policy.zone_propagation_delay) + safety_text};
        case Record::ZrrSig:
            // Any RRset of the zone may be cached for up to the largest TTL.
            return {policy.max_zone_ttl + policy.zone_propagation_delay + safety,
                    "max zone TTL " + seconds(policy.max_zone_ttl) + " + propagation " +
                        seconds(policy.zone_propagation_delay) + safety_text};
        case Record::Ds:
            return {policy.parent_ds_ttl + policy.parent_propagation_delay + policy.parent_registration_delay + safety,
                    "parent DS TTL " + seconds(policy.parent_ds_ttl) + " + parent propagation " +
                        seconds(policy.parent_propagation_delay) + " + registration " +
                        seconds(policy.parent_registration_delay) + safety_text};
    }
    return {};
}

TimingGate timing_gate(const policy::Policy& policy, const KeyState& k, Record r) {
    const bool introducing = k[r] == RecordState::Rumoured;
    const Delay delay = record_delay(policy, r, introducing);
    UnixTime since = k.changed_at(r);
    TimingGate gate;
    if (r == Record::Ds) {
        // The parent's caches count from when the parent itself changed,
        // which only the operator (or parent_check) can tell.
        const std::optional<UnixTime> fact = introducing ? k.ds_seen : k.ds_gone;
        if (!fact) {
            gate.waits_for = introducing ? "`zonesigner key ds-seen` (parent has not confirmed)"
                                         : "`zonesigner key ds-gone` (parent has not confirmed the removal)";
            return gate;
        }
        since = std::max(since, *fact);
    }
    gate.ready_at = since + delay.seconds;
    gate.waits_for = delay.text;
    return gate;
}

Seconds successor_lead(const policy::Policy& policy, policy::KeyRole role) {
    const Seconds dnskey = record_delay(policy, Record::Dnskey, true).seconds;
    const Seconds ds = record_delay(policy, Record::Ds, true).seconds;
    switch (role) {
        case policy::KeyRole::Zsk: return dnskey;
        case policy::KeyRole::Ksk: return ds;
        case policy::KeyRole::Csk: return std::max(dnskey, ds);
    }
    return 0;
}

}  // namespace zs::keymgr::planner_detail
