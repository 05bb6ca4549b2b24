// Internals of the key planner (planner.cpp), one concern per file: the
// validity rules (planner_rules.cpp), RFC 7583 timing (planner_timing.cpp)
// and which key serves which key spec of the policy (planner_slots.cpp).
// Pure functions of the key states, the policy and `now`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "keymgr/key_state.hpp"
#include "policy/policy.hpp"

namespace zs::keymgr::planner_detail {

// "ZSK 12345 (id 7)": how details and blockers name a key.
std::string key_name(const KeyState& k);
// Whether the role has that record at all (a ZSK has no DS nor RRSIG(DNSKEY),
// a KSK no RRSIG(zone)).
bool role_has(policy::KeyRole role, Record r);
bool is_signing_record(Record r);

// ---- validity rules (planner_rules.cpp) ----------------------------------
//
// Resolvers may hold an older or a newer version of each RRset: per record
// kind, the "old" view holds the records Omnipresent or Unretentive, the
// "new" view those Omnipresent or Rumoured. Every combination of views must
// keep the zone valid:
//   ParentDs: once the parent has a DS for the zone, it keeps one (no
//     accidental fall back to insecure);
//   ChainOfTrust: for every algorithm of the DS view, a key of it has DS,
//     DNSKEY and RRSIG(DNSKEY), and a key of it has DNSKEY and RRSIG(zone)
//     (the DNSKEY RRset and its RRSIGs travel in one response, so they are
//     one view here) — a validator that knows only that algorithm succeeds;
//   EveryAlgorithmSigns: in a secure zone, every algorithm in the DNSKEY
//     view has a key signing the DNSKEY RRset and one signing the zone in
//     every view of those signatures (RFC 4035 §2.2, RFC 6840 §5.11): new
//     signatures are omnipresent before their DNSKEY comes, an old DNSKEY is
//     gone before its signatures go.
// A rule that does not hold now (a new zone has no DS yet) does not block.
enum class Rule { ParentDs, ChainOfTrust, EveryAlgorithmSigns };
struct RuleViolation {
    Rule rule = Rule::ChainOfTrust;
    std::uint8_t algorithm = 0;
    bool zone_part = false;  // ChainOfTrust: broken between DNSKEY and RRSIG(zone), not DS and DNSKEY
};
std::string describe(const RuleViolation& v);
// Nullopt when moving keys[index]'s record to `to` keeps every rule that
// holds now.
std::optional<RuleViolation> transition_breaks_rules(const std::vector<KeyState>& keys, std::size_t index,
                                                     Record record, RecordState to);

// ---- timing (planner_timing.cpp) -----------------------------------------

// How long a record takes to reach every cache (introducing) or to leave
// them (removing), RFC 7583 §3: TTL + propagation (+ registration at the
// parent) + safety margin; `text` spells the sum for blockers.
struct Delay {
    Seconds seconds = 0;
    std::string text;
};
Delay record_delay(const policy::Policy& policy, Record r, bool introducing);

// When a Rumoured record may become Omnipresent or an Unretentive one
// Hidden. ready_at unset: a DS waits for the parent fact (ds_seen, ds_gone).
struct TimingGate {
    std::optional<UnixTime> ready_at;
    std::string waits_for;  // "dnskey TTL 3600 s + ...", or the operator command
};
TimingGate timing_gate(const policy::Policy& policy, const KeyState& k, Record r);

// How long before its predecessor retires a successor of that role must
// exist, so that its first phase (ZSK: DNSKEY; KSK: DS; CSK: both) is done
// in time.
Seconds successor_lead(const policy::Policy& policy, policy::KeyRole role);

// ---- keys and key specs (planner_slots.cpp) ------------------------------

bool matches(const policy::KeySpec& spec, const KeyState& k);
// Goal Omnipresent, every record Hidden, never active: a key generated in
// advance (`key generate`) that the planner may take into service.
bool is_unused(const KeyState& k);
// The first phase a successor completes before its predecessor retires:
// ZSK DNSKEY omnipresent (pre-publication); KSK DS omnipresent (double-DS);
// CSK both; and it may sign (no pending backup).
bool successor_ready(const KeyState& k);

enum class Duty {
    Standby,    // unused key of a spec, kept for later
    Current,    // serves its spec (or is being introduced for it)
    Successor,  // will take over from its spec's current key: first phase only
    Unmatched,  // in service but matches no spec (or more keys than needed): to retire
    Retiring,   // goal Hidden
};

struct Slot {
    std::size_t spec_index = 0;
    std::optional<std::size_t> current;    // index in keys
    std::optional<std::size_t> successor;  // index in keys
    std::optional<UnixTime> due;           // when the current key must go
    std::string due_reason;                // "lifetime 30d ended at ...", "`key rollover` requested ..."
    std::optional<UnixTime> generate_at;   // future time a successor must be generated
    bool generate_now = false;             // a key of this spec must be created now
    std::string generate_reason;
};

struct Assignment {
    std::vector<Slot> slots;
    std::vector<Duty> duty;  // per key
    std::vector<std::optional<std::size_t>> slot_of;  // per key: its slot
    // Every slot has a current key: keys that match no spec are no longer needed.
    bool all_slots_served = true;
};

Assignment assign_keys(const policy::Policy& policy, const std::vector<KeyState>& keys, UnixTime now);

}  // namespace zs::keymgr::planner_detail
