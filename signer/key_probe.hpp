// What the key manager would do for a zone now, without doing it: the key
// manager step in dry-run mode (nothing written, nothing generated, no
// signer opened). `zonesigner run` compares its key sets with those the
// published output was signed with.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "keymgr/key_db.hpp"
#include "policy/policy.hpp"
#include "signer/config.hpp"
#include "signer/zone_key_sets.hpp"

namespace zs::signer {

struct KeyProbe {
    std::string fingerprint;            // key_plan_fingerprint of the keys after the step
    std::vector<std::string> events;    // the state changes the step would make now
    std::optional<UnixTime> next_event; // when the planner can change something next
    // A key waits for the parent (DS submitted and not yet seen, or withdrawn
    // and not yet gone): only the real step runs the policy's parent_check.
    bool awaiting_parent = false;
};

KeyProbe probe_zone_keys(keymgr::KeyDb& db, const Config& config, const policy::Policy& policy,
                         const std::string& zone, UnixTime now);

// Pure: a stable text naming the DNSKEY RRset, the signing keys and what
// each signs, the CDS set and the DS set, e.g.
// "dnskey 3:12345:257 4:23456:256; sign 3:dnskey 4:zone; cds ; ds 3".
std::string key_plan_fingerprint(const ZoneKeySets& sets);

}  // namespace zs::signer
