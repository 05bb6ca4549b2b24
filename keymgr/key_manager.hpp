// The key manager step of one zone: loads the zone's keys and their states
// from the database, runs the planner (planner.hpp) at `now`, creates the
// keys it asks for through the signers, records every transition in one
// transaction with an audit entry each, and purges keys whose records have
// been hidden long enough (tombstone in the database first, then destroy in
// the signer, so a crash between the two leaves nothing dangling).
#pragma once

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

struct KeyManagerOptions {
    UnixTime now = 0;
    std::string user;       // for the audit log
    bool dry_run = false;   // plan only: nothing written, nothing generated
};

struct ZoneKeys {
    std::vector<KeyRecord> records;  // the zone's keys that are not deleted
    std::vector<KeyState> states;    // the same keys' states, same order
    PlanStep plan;                   // what this step did and what it waits for
};

// Throws if `now` is earlier than the zone's last recorded run (a clock that
// went backwards), naming both times.
ZoneKeys run_key_manager(KeyDb& db, SignerDirectory& signers, const policy::Policy& policy,
                         const std::string& zone, const KeyManagerOptions& options);

}  // namespace zs::keymgr
