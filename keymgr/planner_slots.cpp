// Which key serves which key spec of the policy: per spec one current key
// and, as its lifetime ends (or a rollover is requested), one successor —
// an unused key of the spec taken into service, or a key to generate ahead
// of need. Keys that match no spec are marked for retirement.
#include <algorithm>
#include <limits>
#include <tuple>

#include "keymgr/planner_detail.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::keymgr::planner_detail {

std::string key_name(const KeyState& k) {
    return policy::to_string(k.role) + " " + std::to_string(k.key_tag) + " (id " + std::to_string(k.id) + ")";
}

bool role_has(policy::KeyRole role, Record r) {
    switch (r) {
        case Record::Ds:
        case Record::KrrSig: return policy::role_signs_dnskey(role);
        case Record::Dnskey: return true;
        case Record::ZrrSig: return policy::role_signs_zone(role);
    }
    return false;
}

bool is_signing_record(Record r) { return r == Record::KrrSig || r == Record::ZrrSig; }

namespace {

// RSA keys are compared by modulus size (0 meaning the algorithm's default);
// the size of fixed-size algorithms is irrelevant.
bool same_size(std::uint8_t algorithm, unsigned a, unsigned b) {
    const zone::AlgorithmInfo* info = zone::find_algorithm(algorithm);
    if (info && info->default_bits == 0) return true;
    const unsigned fallback = info ? info->default_bits : 0;
    return (a ? a : fallback) == (b ? b : fallback);
}

// The key in service longest first: it is the current one, later ones succeed it.
auto service_order(const KeyState& k) {
    return std::make_tuple(k.active_since.value_or(std::numeric_limits<UnixTime>::max()), k.created, k.id);
}

std::string spec_name(const policy::KeySpec& spec, std::size_t index) {
    std::string text = "key spec #" + std::to_string(index + 1) + " (" + policy::to_string(spec.role) +
                       ", algorithm " + std::to_string(spec.algorithm);
    if (spec.bits) text += ", " + std::to_string(spec.bits) + " bits";
    return text + ")";
}

}  // namespace

bool matches(const policy::KeySpec& spec, const KeyState& k) {
    return spec.role == k.role && spec.algorithm == k.algorithm && same_size(k.algorithm, spec.bits, k.bits);
}

bool is_unused(const KeyState& k) {
    return k.goal == KeyGoal::Omnipresent && !k.active_since &&
           std::all_of(k.state.begin(), k.state.end(), [](RecordState s) { return s == RecordState::Hidden; });
}

bool successor_ready(const KeyState& k) {
    if (k.backup_pending) return false;
    const bool dnskey = k[Record::Dnskey] == RecordState::Omnipresent;
    const bool ds = k[Record::Ds] == RecordState::Omnipresent;
    switch (k.role) {
        case policy::KeyRole::Zsk: return dnskey;
        case policy::KeyRole::Ksk: return ds;
        case policy::KeyRole::Csk: return dnskey && ds;
    }
    return false;
}

Assignment assign_keys(const policy::Policy& policy, const std::vector<KeyState>& keys, UnixTime now) {
    Assignment a;
    const std::size_t n = keys.size();
    a.duty.assign(n, Duty::Standby);
    a.slot_of.assign(n, std::nullopt);
    std::vector<bool> claimed(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        if (keys[i].goal == KeyGoal::Hidden) {
            a.duty[i] = Duty::Retiring;
            claimed[i] = true;
        }
    }

    for (std::size_t s = 0; s < policy.keys.size(); ++s) {
        const policy::KeySpec& spec = policy.keys[s];
        std::vector<std::size_t> serving, unused;
        for (std::size_t i = 0; i < n; ++i) {
            if (claimed[i] || !matches(spec, keys[i])) continue;
            (is_unused(keys[i]) ? unused : serving).push_back(i);
        }
        std::sort(serving.begin(), serving.end(),
                  [&](std::size_t x, std::size_t y) { return service_order(keys[x]) < service_order(keys[y]); });
        std::sort(unused.begin(), unused.end(), [&](std::size_t x, std::size_t y) {
            return std::make_tuple(keys[x].created, keys[x].id) < std::make_tuple(keys[y].created, keys[y].id);
        });
        auto take = [&](std::size_t i, Duty duty) {
            claimed[i] = true;
            a.duty[i] = duty;
            a.slot_of[i] = a.slots.size();
        };

        Slot slot;
        slot.spec_index = s;
        std::size_t next_unused = 0;
        if (!serving.empty()) {
            slot.current = serving[0];
        } else if (!unused.empty()) {
            slot.current = unused[next_unused++];
        } else {
            slot.generate_now = true;
            slot.generate_reason = "no key for " + spec_name(spec, s);
            a.all_slots_served = false;
        }
        if (slot.current) take(*slot.current, Duty::Current);
        if (serving.size() >= 2) {
            slot.successor = serving[1];
            take(serving[1], Duty::Successor);
        }
        for (std::size_t extra = 2; extra < serving.size(); ++extra) {
            take(serving[extra], Duty::Unmatched);
            a.slot_of[serving[extra]].reset();
        }

        if (slot.current) {
            const KeyState& current = keys[*slot.current];
            if (current.retire_requested) {
                slot.due = *current.retire_requested;
                slot.due_reason = "rollover requested for " + format_iso8601(*current.retire_requested);
            }
            if (spec.lifetime && current.active_since && !policy.manual(spec.role)) {
                const UnixTime end = *current.active_since + *spec.lifetime;
                if (!slot.due || end < *slot.due) {
                    slot.due = end;
                    slot.due_reason = "lifetime " + format_duration(*spec.lifetime) +
                                      (end <= now ? " ended at " : " ends at ") + format_iso8601(end);
                }
            }
            if (slot.due && !slot.successor) {
                const UnixTime generate_at = *slot.due - successor_lead(policy, spec.role);
                if (now < generate_at) {
                    slot.generate_at = generate_at;
                } else if (next_unused < unused.size()) {
                    slot.successor = unused[next_unused++];
                    take(*slot.successor, Duty::Successor);
                } else {
                    slot.generate_now = true;
                    slot.generate_reason = "successor of " + key_name(current) + " for " + spec_name(spec, s) +
                                           ": " + slot.due_reason;
                }
            }
        }
        a.slots.push_back(std::move(slot));
    }

    // Keys no spec took: unused ones of a spec wait as standby; the others
    // (wrong algorithm, size or role, or one key too many) are to retire.
    for (std::size_t i = 0; i < n; ++i) {
        if (claimed[i]) continue;
        const bool fits_a_spec = std::any_of(policy.keys.begin(), policy.keys.end(),
                                             [&](const policy::KeySpec& spec) { return matches(spec, keys[i]); });
        a.duty[i] = fits_a_spec && is_unused(keys[i]) ? Duty::Standby : Duty::Unmatched;
    }
    return a;
}

}  // namespace zs::keymgr::planner_detail
