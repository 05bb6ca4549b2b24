// The key planner: a pure function from (policy, key states, now) to the
// transitions allowed now, the keys to create, the keys to destroy, and the
// earliest time anything else can happen. No clocks, files or signers: the
// key manager (key_manager.hpp) applies its result; the simulator and `plan`
// run it with a virtual clock.
//
// A record changes state only when the validity rules (one chain of trust
// from the parent's DS to every RRset, for every combination of cached and
// fresh data; every algorithm of the DNSKEY RRset signing every RRset) still
// hold afterwards and its timing has passed (RFC 7583: TTLs, propagation
// delays, registration delay, safety margins). Rollovers: ZSK
// pre-publication, KSK double-DS, CSK, algorithm rollover in the order of
// RFC 6781 §4.1.4; a policy change (algorithm, size, role split) retires the
// keys that no longer match and introduces the ones that do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "keymgr/key_state.hpp"
#include "policy/policy.hpp"

namespace zs::keymgr {

// One change the planner made (or, in the future, will make).
struct PlannedEvent {
    enum class Kind {
        Transition,  // record of key_id: from -> to
        Retire,      // goal of key_id set to Hidden (lifetime over, rollover, policy change)
        Generate,    // a key was (to be) created for spec; key_id 0 until it exists
        Purge,       // key_id hidden for purge_after: to be destroyed
    };
    Kind kind = Kind::Transition;
    UnixTime time = 0;
    std::int64_t key_id = 0;
    Record record = Record::Dnskey;
    RecordState from = RecordState::Hidden, to = RecordState::Hidden;
    std::string detail;  // why, for the audit log and the timeline
};

// Why a key's next step has not happened, and when it can.
struct KeyBlocker {
    std::int64_t key_id = 0;
    Record record = Record::Dnskey;
    RecordState next = RecordState::Hidden;  // the state it waits to enter
    std::string why;                          // e.g. "waits for DNSKEY TTL + propagation delay + publish safety"
    std::optional<UnixTime> earliest;         // unset: waits for an operator or the parent (ds-seen, ds-gone)
};

struct PlanStep {
    // The keys after every transition allowed at `now` (applied repeatedly
    // until nothing more changes), goals and retire requests updated.
    std::vector<KeyState> keys;
    // What changed, in the order it was applied.
    std::vector<PlannedEvent> events;
    // Keys the caller must create now (it then adds them, with goal
    // Omnipresent and every record Hidden, and calls plan_step again).
    std::vector<policy::KeySpec> generate;
    // Keys whose records have all been Hidden for purge_after: the caller
    // marks them deleted, then destroys them in their signer.
    std::vector<std::int64_t> purge;
    // The earliest time plan_step can change something more (a timing that
    // will have passed, a lifetime that will end, a key to generate ahead of
    // need). Unset: nothing is planned, or only an operator can unblock it.
    std::optional<UnixTime> next_event;
    std::vector<KeyBlocker> blockers;
    // The DS set the parent should publish (key ids whose DS is wanted),
    // and whether the zone should publish CDS/CDNSKEY for them now.
    std::vector<std::int64_t> ds_wanted;
    bool publish_cds = false;
};

PlanStep plan_step(const policy::Policy& policy, const std::vector<KeyState>& keys, UnixTime now);

}  // namespace zs::keymgr
