// The keys a zone signs with. The first signing of a zone creates a KSK and a
// ZSK (or one CSK) in the signer that holds new keys; later runs reuse them.
#pragma once

#include <string>
#include <vector>

#include "hsm/signer.hpp"
#include "keymgr/key_db.hpp"

namespace zs::keymgr {

struct KeyRequest {
    std::string zone;          // presentation, lower case, trailing dot
    std::uint8_t algorithm = 13;
    unsigned rsa_bits = 2048;
    bool csk = false;
    UnixTime now = 0;
};

// Returns the zone's active keys, creating them when the zone has none.
// Without a policy the new keys sign at once: they are recorded in service
// (in_service_state).
// Key tags never collide within a zone: a colliding new key is deleted from
// the signer and generated again. Key ids are random (from the signer's RNG),
// checked unused in the signer, and recorded with the owning signer.
std::vector<KeyRecord> ensure_zone_keys(KeyDb& db, hsm::Signer& signer, const KeyRequest& request);

// Generates one key and records it with an audit entry; used by
// ensure_zone_keys, the key manager and `key generate`. The new key has goal
// Omnipresent and every record Hidden (not yet published). rsa_bits 0: the
// algorithm's default size.
KeyRecord generate_zone_key(KeyDb& db, hsm::Signer& signer, const std::string& zone, KeyRole role,
                            std::uint8_t algorithm, unsigned rsa_bits, UnixTime now);

// The state of a key that has been in service since `since`: goal
// Omnipresent, every record its role has Omnipresent (DS, DNSKEY, RRSIG over
// the DNSKEY RRset for KSK/CSK; DNSKEY and zone RRSIGs for ZSK/CSK). For keys
// made without a policy and for imported live keys.
KeyState in_service_state(const KeyRecord& key, UnixTime since);

// A random key id (from the signer's RNG) that the signer does not use.
hsm::KeyId new_key_id(hsm::Signer& signer);

// Reads the key's public half from its signer and compares it with the
// DNSKEY in the database; throws naming key, signer and id on a mismatch.
void check_public_key(hsm::Signer& signer, const KeyRecord& key);

bool signs_dnskey(const KeyRecord& k);  // KSK or CSK
bool signs_zone(const KeyRecord& k);    // ZSK or CSK

}  // namespace zs::keymgr
