// The timeline that `simulate` and `plan` print: what changed in a zone's
// keys between two runs of the key manager, and their states, read from the
// key database (not from the planner's own account of itself).
#pragma once

#include <string>
#include <vector>

#include "keymgr/key_state.hpp"

namespace zs::signer {

// "ZSK 12345"
std::string key_label(const keymgr::KeyState& key);

// The changes from `before` to `after` (keys matched by id), one sentence
// each: "ZSK 12345 generated (ECDSAP256SHA256)", "ZSK 12345 retired",
// "ZSK 12345 DNSKEY hidden -> rumoured", "ZSK 12345 deleted".
std::vector<std::string> key_events(const std::vector<keymgr::KeyState>& before,
                                    const std::vector<keymgr::KeyState>& after);

// The keys' record states in one line, the records of each key's role only,
// H(idden), R(umoured), O(mnipresent), U(nretentive):
// "KSK 111 ds:O dnskey:O krrsig:O | ZSK 222 dnskey:O zrrsig:R".
std::string key_summary(const std::vector<keymgr::KeyState>& keys);

}  // namespace zs::signer
