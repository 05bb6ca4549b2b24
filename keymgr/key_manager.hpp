// The key manager step of one zone: loads the zone's keys and their states
// from the database, runs the planner (planner.hpp) at `now`, creates the
// keys it asks for through the signers, records every transition in one
// transaction with an audit entry each, and purges keys whose records have
// been hidden long enough (tombstone in the database first, then destroy in
// the signer, so a crash between the two leaves nothing dangling).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hsm/signer.hpp"
#include "keymgr/key_db.hpp"
#include "keymgr/key_state.hpp"
#include "keymgr/planner.hpp"
#include "policy/policy.hpp"

namespace zs::keymgr {

// Where keys live; the signer registry (signer/) implements it, tests use a
// map of software signers.
class SignerDirectory {
public:
    virtual ~SignerDirectory() = default;
    // The signer of that name; empty: the signer that holds new keys.
    virtual hsm::Signer& signer_named(const std::string& name) = 0;
    // The name behind signer_named("").
    virtual std::string new_keys_signer_name() const = 0;
    // Whether keys generated there wait for `hsm backup-done` before signing.
    virtual bool requires_backup(const std::string& name) const = 0;
};

// The planner the key manager applies: plan_step, or in tests a
// hand-written plan.
using Planner = std::function<PlanStep(const policy::Policy&, const std::vector<KeyState>&, UnixTime)>;

struct ZoneKeys {
    std::vector<KeyRecord> records;  // the zone's keys that are not deleted
    std::vector<KeyState> states;    // the same keys' states, same order
    PlanStep plan;                   // what this step did and what it waits for
    // For the operator (the caller logs them): the parent_check outcome, a
    // purged key its signer could not destroy.
    std::vector<std::string> notes;
    std::vector<std::string> warnings;
};

struct KeyManagerOptions {
    UnixTime now = 0;
    std::string user;       // for the audit log
    // Plan only: nothing written, nothing generated (keys to generate appear
    // as placeholders: ids above the zone's, key tag 0, no native id), no
    // parent_check run.
    bool dry_run = false;
    Seconds parent_check_timeout = 60;  // then the command is killed and counts as failed
    Planner planner;                    // empty: plan_step
    // Publishes the zone for the planned states (the signing pipeline): run
    // after the keys are created and before the transitions are recorded,
    // so that a record counts as rumoured only from a time it really was in
    // the published zone. If it throws, no transition is recorded (created
    // keys stay, unused, for the next run) and the error propagates.
    std::function<void(const ZoneKeys&)> publish;
};


// One step for the zone (see the top of this file). First the policy's
// parent_check, if a DS submitted or withdrawn before now waits for the
// parent: /bin/sh -c COMMAND with the DS set of the recorded states on
// stdin, exit 0 meaning the parent publishes exactly that set. Then the
// writes, each a committed transaction: every generated key (key, state,
// audit); then the parent facts, all transitions with one audit entry per
// planned event, and the zone's last run; then per purged key its
// tombstone, after which the signer destroys it (a failure there is a
// warning: the key stays deleted in the database and `hsm keys` shows it as
// an orphan). A crash between any two leaves a database from which a rerun
// at the same time reaches the same states.
//
// Throws if `now` is earlier than the zone's last recorded run (a clock that
// went backwards), naming both times.
ZoneKeys run_key_manager(KeyDb& db, SignerDirectory& signers, const policy::Policy& policy,
                         const std::string& zone, const KeyManagerOptions& options);

// Creates one key for the zone as `spec` says (its signer; empty: the
// new_keys signer; bits 0: the algorithm's default) with goal Omnipresent and
// every record Hidden, waiting for a backup if that signer requires one, in
// one committed transaction with its audit entries. The key manager generates
// with it, and so does `key generate` (ahead of need: the planner uses such
// a key rather than generating another).
KeyRecord generate_key_for_spec(KeyDb& db, SignerDirectory& signers, const std::string& zone,
                                const policy::KeySpec& spec, UnixTime now);

// The event word of the audit log for a planned event: "publish",
// "activate", "ds-submit", "retire", "purge"... (see key_manager.cpp).
std::string audit_event_name(const PlannedEvent& event);

}  // namespace zs::keymgr
