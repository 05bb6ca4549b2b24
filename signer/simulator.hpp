// The key rollover simulator (`zonesigner simulate`) and the key event
// planner (`zonesigner plan`): the key manager (and, for simulate, the
// signer) run on a throwaway copy of the state under a virtual clock that
// steps from event to event.
//
// simulate signs the zone at every step (at least daily) and checks what
// was actually published, independently of the planner's rules:
//   1. the signed zone passes `zonesigner verify` (full cryptography) then;
//   2. no validation gap: the validator cache model of zone/cache_validator
//      validates every RRset for every mix of cached and fresh data (the
//      zone's DNSKEY RRsets and signatures, read back from the signed
//      output, and the simulated parent's DS sets);
//   3. no key is destroyed while a record of it may still be cached.
// The first violation ends the run.
#pragma once

#include <iosfwd>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "policy/policy.hpp"
#include "zone/zone_verifier.hpp"

namespace zs::signer {

// `--policy-change TIME=POLICY`: from TIME on, the zone runs under another
// policy (an edit of its policy, or a new one: algorithm changes).
struct PolicyChange {
    UnixTime time = 0;
    policy::Policy policy;
};

struct SimulationOptions {
    std::string zone;    // normalised
    std::string input;   // unsigned zone file; empty: `plan` (no signing, no checks)
    // The real state to copy (empty or fresh: start with no keys) and the
    // real configuration option, to find the real signers' key files.
    std::string state_dir;
    std::string source_config;
    bool fresh = false;
    // A signer configuration for the simulation itself (--config); empty:
    // software signers in the throwaway directory.
    std::string signer_config;

    policy::Policy policy;
    std::vector<PolicyChange> changes;  // any order
    UnixTime from = 0;
    UnixTime until = 0;

    // The simulated parent: publishes the DS set the zone asks for this long
    // after it asks, then records ds-seen/ds-gone. Unset: no parent (no DS,
    // the zone stays insecure, KSK rollovers wait for ds-seen forever).
    std::optional<Seconds> ds_seen_after;
    // Test mode: after its first DS set, the parent confirms changes without
    // publishing them (a DS confirmed for the wrong key).
    bool ds_seen_wrong_key = false;

    // The real world the validator model assumes; unset: the largest value
    // of all the policies of the run (so a policy edit that shortens one is
    // caught rather than believed).
    std::optional<Seconds> zone_propagation_delay;
    std::optional<Seconds> parent_propagation_delay;
    std::optional<std::uint32_t> parent_ds_ttl;

    std::string keep_outputs;  // directory: each event step's signed zone as <unixtime>.zone
    bool quiet = false;        // print event steps only
    zone::VerifyMode step_verify = zone::VerifyMode::Structure;  // run_sign's own check
    Seconds max_step = 86400;  // simulate steps at least this often
};

struct SimulationReport {
    std::size_t steps = 0;
    std::size_t events = 0;
    std::optional<std::string> violation;  // the first one, in words
    UnixTime violation_time = 0;
};

// Prints the timeline to `out`; never touches the real state. Throws on
// errors that are not violations (bad input, a policy that cannot be used).
SimulationReport run_simulation(const SimulationOptions& options, std::ostream& out);

}  // namespace zs::signer
