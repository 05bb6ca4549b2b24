// plan_step: the rollover methods (which record of which key should move
// next), applied to a fixed point under the validity rules and timing of
// planner_rules.cpp and planner_timing.cpp, with the key-to-spec assignment
// of planner_slots.cpp deciding generation and retirement.
//
// Methods, for a key introduced next to a key of its algorithm that is in
// service (without one — a new zone, a new algorithm — every record is
// wanted at once and the rules alone order them: signatures, then DNSKEY,
// then DS, as RFC 6781 §4.1.4 does):
//   ZSK pre-publication: the successor's DNSKEY first; at the predecessor's
//     retirement its signatures replace the old ones; the old DNSKEY goes
//     once the new signatures are in every cache.
//   KSK double-DS (RFC 7583 §3.3.2): the successor's DS first, next to the
//     old one; once it is omnipresent and the predecessor retires, the
//     DNSKEY and RRSIG(DNSKEY) are swapped; then the old DS is withdrawn.
//   CSK: the successor's DS and DNSKEY first (double-DS and pre-published
//     DNSKEY at once); at the retirement both RRSIGs are swapped; the old
//     DS goes once nothing needs it, the old DNSKEY once the new zone
//     signatures are in every cache.
#include "keymgr/planner.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <tuple>

#include "keymgr/planner_detail.hpp"

namespace zs::keymgr {

using namespace planner_detail;

namespace {

constexpr std::array<Record, kRecordCount> kRecords{Record::Ds, Record::Dnskey, Record::KrrSig, Record::ZrrSig};
constexpr int kMaxRounds = 256;  // the fixed point comes in a few; this only guards against a bug

using R = RecordState;

bool other_key_has_dnskey_chain(const std::vector<KeyState>& keys, std::size_t i) {
    for (std::size_t j = 0; j < keys.size(); ++j) {
        const KeyState& k = keys[j];
        if (j != i && k.algorithm == keys[i].algorithm && k[Record::Ds] == R::Omnipresent &&
            k[Record::Dnskey] == R::Omnipresent && k[Record::KrrSig] == R::Omnipresent) {
            return true;
        }
    }
    return false;
}

bool other_key_signs_zone(const std::vector<KeyState>& keys, std::size_t i) {
    for (std::size_t j = 0; j < keys.size(); ++j) {
        if (j != i && keys[j].algorithm == keys[i].algorithm && keys[j][Record::ZrrSig] != R::Hidden) return true;
    }
    return false;
}

// The record a ready successor moves next, once its predecessor retires.
Record takeover_record(policy::KeyRole role) {
    return role == policy::KeyRole::Ksk ? Record::Dnskey : Record::ZrrSig;
}

bool in_first_phase(policy::KeyRole role, Record r) {
    switch (role) {
        case policy::KeyRole::Zsk: return r == Record::Dnskey;
        case policy::KeyRole::Ksk: return r == Record::Ds;
        case policy::KeyRole::Csk: return r == Record::Ds || r == Record::Dnskey;
    }
    return false;
}

// What the method wants next for one record. `next` unset and `held` set:
// the record would move but the method (or a pending backup) holds it.
struct Desire {
    std::optional<RecordState> next;
    std::string held;
    bool held_by_backup = false;

    static Desire to(RecordState s) { return Desire{s, {}, false}; }
    static Desire none() { return Desire{std::nullopt, {}, false}; }
    static Desire hold(std::string why, bool by_backup = false) {
        return Desire{std::nullopt, std::move(why), by_backup};
    }
};

Desire desire(const std::vector<KeyState>& keys, std::size_t i, Record r, Duty duty) {
    const KeyState& k = keys[i];
    const RecordState s = k[r];
    if (k.goal == KeyGoal::Hidden || !role_has(k.role, r)) {
        if (s == R::Rumoured || s == R::Omnipresent) return Desire::to(R::Unretentive);
        if (s == R::Unretentive) return Desire::to(R::Hidden);
        return Desire::none();
    }
    if (s == R::Rumoured) return Desire::to(R::Omnipresent);
    if (s == R::Unretentive) return Desire::to(R::Hidden);
    if (s == R::Omnipresent || duty == Duty::Standby || duty == Duty::Retiring) return Desire::none();
    if (duty == Duty::Successor && !in_first_phase(k.role, r)) return Desire::none();  // waits for the predecessor
    if (is_signing_record(r) && k.backup_pending) {
        return Desire::hold("it may be published but must not sign until its signer's backup is recorded "
                            "(`zonesigner hsm backup-done`)",
                            true);
    }
    switch (r) {
        case Record::Ds: return Desire::to(R::Rumoured);
        case Record::Dnskey:
        case Record::KrrSig:
            if (k.role == policy::KeyRole::Ksk && k[Record::Ds] != R::Omnipresent &&
                other_key_has_dnskey_chain(keys, i)) {
                return Desire::hold("double-DS rollover: waits for its DS to be omnipresent");
            }
            return Desire::to(R::Rumoured);
        case Record::ZrrSig:
            if (k[Record::Dnskey] != R::Omnipresent && other_key_signs_zone(keys, i)) {
                return Desire::hold("pre-publication: waits for its DNSKEY to be omnipresent");
            }
            return Desire::to(R::Rumoured);
    }
    return Desire::none();
}

bool is_timed(RecordState from) { return from == R::Rumoured || from == R::Unretentive; }

std::string transition_reason(const KeyState& k, Record r, RecordState from, RecordState to,
                              const TimingGate& gate, bool starts_signing) {
    if (from == R::Hidden) {
        std::string text;
        switch (r) {
            case Record::Ds: text = "DS requested at the parent"; break;
            case Record::Dnskey: text = "published in the DNSKEY RRset"; break;
            case Record::KrrSig: text = "signs the DNSKEY RRset"; break;
            case Record::ZrrSig: text = "signs the zone"; break;
        }
        if (starts_signing) text += "; the key is active from now (its lifetime counts from here)";
        return text;
    }
    if (to == R::Unretentive) return std::string(r == Record::Ds ? "withdrawal requested at the parent" : "withdrawn") +
                                     " (key retiring)";
    std::string text = to == R::Omnipresent ? "in every cache" : "gone from every cache";
    if (r == Record::Ds) {
        const std::optional<UnixTime> fact = to == R::Omnipresent ? k.ds_seen : k.ds_gone;
        if (fact) text += (to == R::Omnipresent ? ": parent confirmed at " : ": parent confirmed removal at ") +
                          format_iso8601(*fact) + ",";
    }
    return text + " after " + gate.waits_for + " (" + format_iso8601(*gate.ready_at) + ")";
}

void apply_transition(KeyState& k, Record r, RecordState to, UnixTime now, const std::string& reason,
                      std::vector<PlannedEvent>& events) {
    PlannedEvent e;
    e.kind = PlannedEvent::Kind::Transition;
    e.time = now;
    e.key_id = k.id;
    e.record = r;
    e.from = k[r];
    e.to = to;
    e.detail = to_string(r) + " of " + key_name(k) + ": " + to_string(e.from) + " -> " + to_string(to) + ": " + reason;
    k[r] = to;
    k.changed[static_cast<std::size_t>(r)] = now;
    events.push_back(std::move(e));
}

// One pass over every record of every key, in key id order; true if
// anything moved.
bool transition_pass(const policy::Policy& policy, std::vector<KeyState>& keys, const Assignment& a,
                     const std::vector<std::size_t>& order, UnixTime now, std::vector<PlannedEvent>& events) {
    bool changed = false;
    for (std::size_t i : order) {
        for (Record r : kRecords) {
            const Desire d = desire(keys, i, r, a.duty[i]);
            if (!d.next) continue;
            const RecordState from = keys[i][r];
            TimingGate gate;
            if (is_timed(from)) {
                gate = timing_gate(policy, keys[i], r);
                if (!gate.ready_at || *gate.ready_at > now) continue;
            }
            if (transition_breaks_rules(keys, i, r, *d.next)) continue;
            const bool starts_signing = is_signing_record(r) && *d.next == R::Rumoured && !keys[i].active_since;
            if (starts_signing) keys[i].active_since = now;
            apply_transition(keys[i], r, *d.next, now,
                             transition_reason(keys[i], r, from, *d.next, gate, starts_signing), events);
            changed = true;
        }
    }
    return changed;
}

void retire(KeyState& k, UnixTime now, const std::string& reason, std::vector<PlannedEvent>& events) {
    k.goal = KeyGoal::Hidden;
    PlannedEvent e;
    e.kind = PlannedEvent::Kind::Retire;
    e.time = now;
    e.key_id = k.id;
    e.detail = key_name(k) + " retires: " + reason;
    events.push_back(std::move(e));
}

std::string unmatched_reason(const policy::Policy& policy, const KeyState& k) {
    const bool fits = std::any_of(policy.keys.begin(), policy.keys.end(),
                                  [&](const policy::KeySpec& spec) { return matches(spec, k); });
    if (fits) return "more keys of its spec are in service than the policy needs";
    std::string text = "matches no key spec of policy " + policy.name + " (" + policy::to_string(k.role) +
                       ", algorithm " + std::to_string(k.algorithm);
    if (k.bits) text += ", " + std::to_string(k.bits) + " bits";
    return text + ")";
}

// Goal changes: a current key whose time has come once its successor can
// take over; keys no spec needs once every spec is served; keys a rollover
// was requested for before they served. True if any key retired.
bool retire_keys(const policy::Policy& policy, std::vector<KeyState>& keys, const Assignment& a,
                 const std::vector<std::size_t>& order, UnixTime now, std::vector<PlannedEvent>& events) {
    bool changed = false;
    for (const Slot& slot : a.slots) {
        if (!slot.current || !slot.due || now < *slot.due || !slot.successor) continue;
        if (!successor_ready(keys[*slot.successor])) continue;
        retire(keys[*slot.current], now, slot.due_reason + "; " + key_name(keys[*slot.successor]) + " takes over",
               events);
        changed = true;
    }
    for (std::size_t i : order) {
        KeyState& k = keys[i];
        if (k.goal != KeyGoal::Omnipresent) continue;
        if (a.duty[i] == Duty::Unmatched && (is_unused(k) || a.all_slots_served)) {
            retire(k, now, unmatched_reason(policy, k), events);
            changed = true;
        } else if ((a.duty[i] == Duty::Standby || a.duty[i] == Duty::Successor) && k.retire_requested &&
                   *k.retire_requested <= now) {
            retire(k, now, "rollover requested for " + format_iso8601(*k.retire_requested) + " before it served",
                   events);
            changed = true;
        }
    }
    return changed;
}

UnixTime last_change(const KeyState& k) {
    return std::max(k.created, *std::max_element(k.changed.begin(), k.changed.end()));
}

bool all_hidden(const KeyState& k) {
    return std::all_of(k.state.begin(), k.state.end(), [](RecordState s) { return s == R::Hidden; });
}

void note_time(std::optional<UnixTime>& earliest, UnixTime t, UnixTime now) {
    if (t > now && (!earliest || t < *earliest)) earliest = t;
}

// The earliest future time something may move: a timing that passes, a
// successor to generate, a retirement, a purge.
std::optional<UnixTime> next_event(const policy::Policy& policy, const std::vector<KeyState>& keys,
                                   const Assignment& a, UnixTime now) {
    std::optional<UnixTime> earliest;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        for (Record r : kRecords) {
            const Desire d = desire(keys, i, r, a.duty[i]);
            if (!d.next || !is_timed(keys[i][r])) continue;
            const TimingGate gate = timing_gate(policy, keys[i], r);
            if (gate.ready_at) note_time(earliest, *gate.ready_at, now);
        }
        if (keys[i].goal == KeyGoal::Hidden && all_hidden(keys[i])) {
            note_time(earliest, last_change(keys[i]) + policy.purge_after, now);
        }
    }
    for (const Slot& slot : a.slots) {
        if (slot.generate_at) note_time(earliest, *slot.generate_at, now);
        if (slot.due && slot.successor) note_time(earliest, *slot.due, now);
    }
    return earliest;
}

struct BlockerCandidate {
    enum Priority { KnownTime, Operator, Backup, Method, Rules };
    Priority priority = Rules;
    KeyBlocker blocker;
    auto order() const {
        return std::make_tuple(priority, blocker.earliest.value_or(std::numeric_limits<UnixTime>::max()),
                               static_cast<int>(blocker.record));
    }
};

// One blocker per key: the most telling of its pending steps (a wait with a
// known end first, then the operator, a backup, the method, the rules).
std::vector<KeyBlocker> blockers(const policy::Policy& policy, const std::vector<KeyState>& keys,
                                 const Assignment& a, const std::vector<std::size_t>& order, UnixTime now,
                                 std::optional<UnixTime> next) {
    std::vector<KeyBlocker> result;
    for (std::size_t i : order) {
        const KeyState& k = keys[i];
        std::vector<BlockerCandidate> candidates;
        auto add = [&](BlockerCandidate::Priority p, Record r, RecordState to, std::string why,
                       std::optional<UnixTime> earliest) {
            BlockerCandidate c;
            c.priority = p;
            c.blocker = KeyBlocker{k.id, r, to, std::move(why), earliest};
            candidates.push_back(std::move(c));
        };
        for (Record r : kRecords) {
            const Desire d = desire(keys, i, r, a.duty[i]);
            const std::string subject = to_string(r) + " of " + key_name(k);
            if (!d.next) {
                if (d.held_by_backup) {
                    add(BlockerCandidate::Backup, r, R::Rumoured, key_name(k) + ": " + d.held, std::nullopt);
                } else if (!d.held.empty()) {
                    add(BlockerCandidate::Method, r, R::Rumoured, subject + " " + d.held, next);
                }
                continue;
            }
            if (is_timed(k[r])) {
                const TimingGate gate = timing_gate(policy, k, r);
                if (!gate.ready_at) {
                    add(BlockerCandidate::Operator, r, *d.next, subject + " waits for " + gate.waits_for, std::nullopt);
                    continue;
                }
                if (*gate.ready_at > now) {
                    add(BlockerCandidate::KnownTime, r, *d.next,
                        subject + " waits for " + gate.waits_for + ", until " + format_iso8601(*gate.ready_at),
                        *gate.ready_at);
                    continue;
                }
            }
            const auto violation = transition_breaks_rules(keys, i, r, *d.next);
            const std::string because = violation ? describe(*violation) : "it waits for other keys";
            add(BlockerCandidate::Rules, r, *d.next,
                subject + " cannot become " + to_string(*d.next) + " yet: " + because, next);
        }
        if (a.duty[i] == Duty::Successor && a.slot_of[i]) {
            const Slot& slot = a.slots[*a.slot_of[i]];
            const KeyState& current = keys[*slot.current];
            if (successor_ready(k) && slot.due && *slot.due > now) {
                add(BlockerCandidate::KnownTime, takeover_record(k.role), R::Rumoured,
                    key_name(k) + " is ready to take over from " + key_name(current) + " (" + slot.due_reason + ")",
                    *slot.due);
            } else if (k.backup_pending) {
                add(BlockerCandidate::Backup, takeover_record(k.role), R::Rumoured,
                    key_name(k) + " cannot take over from " + key_name(current) +
                        " until its signer's backup is recorded (`zonesigner hsm backup-done`)",
                    std::nullopt);
            }
        }
        if (candidates.empty()) continue;
        const auto best = std::min_element(candidates.begin(), candidates.end(),
                                           [](const auto& x, const auto& y) { return x.order() < y.order(); });
        result.push_back(best->blocker);
    }
    return result;
}

bool publish_cds(const policy::Policy& policy, const std::vector<KeyState>& keys) {
    switch (policy.cds_cdnskey) {
        case policy::CdsMode::Always: return true;
        case policy::CdsMode::None: return false;
        case policy::CdsMode::DuringRollover:
            return std::any_of(keys.begin(), keys.end(), [](const KeyState& k) {
                const RecordState ds = k[Record::Ds];
                return ds == R::Rumoured || ds == R::Unretentive ||
                       (k.goal == KeyGoal::Hidden && policy::role_signs_dnskey(k.role) && ds != R::Hidden);
            });
    }
    return false;
}

}  // namespace

PlanStep plan_step(const policy::Policy& policy, const std::vector<KeyState>& input, UnixTime now) {
    PlanStep step;
    step.keys = input;
    std::vector<KeyState>& keys = step.keys;
    std::vector<std::size_t> order(keys.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return keys[x].id < keys[y].id; });

    for (int round = 0; round < kMaxRounds; ++round) {
        const Assignment a = assign_keys(policy, keys, now);
        if (retire_keys(policy, keys, a, order, now, step.events)) continue;  // duties changed: assign again
        if (!transition_pass(policy, keys, a, order, now, step.events)) break;
    }

    const Assignment a = assign_keys(policy, keys, now);
    for (const Slot& slot : a.slots) {
        if (!slot.generate_now) continue;
        step.generate.push_back(policy.keys[slot.spec_index]);
        PlannedEvent e;
        e.kind = PlannedEvent::Kind::Generate;
        e.time = now;
        e.detail = "generate a " + policy::to_string(policy.keys[slot.spec_index].role) + ": " + slot.generate_reason;
        step.events.push_back(std::move(e));
    }
    for (std::size_t i : order) {
        const KeyState& k = keys[i];
        if (k.goal != KeyGoal::Hidden || !all_hidden(k) || now < last_change(k) + policy.purge_after) continue;
        step.purge.push_back(k.id);
        PlannedEvent e;
        e.kind = PlannedEvent::Kind::Purge;
        e.time = now;
        e.key_id = k.id;
        e.detail = key_name(k) + " purged: hidden since " + format_iso8601(last_change(k)) + " (purge after " +
                   format_duration(policy.purge_after) + ")";
        step.events.push_back(std::move(e));
    }
    step.next_event = next_event(policy, keys, a, now);
    step.blockers = blockers(policy, keys, a, order, now, step.next_event);
    for (std::size_t i : order) {
        if (wants_ds(keys[i])) step.ds_wanted.push_back(keys[i].id);
    }
    step.publish_cds = publish_cds(policy, keys);
    return step;
}

}  // namespace zs::keymgr
