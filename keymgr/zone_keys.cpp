#include "keymgr/zone_keys.hpp"

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "keymgr/algorithm_binding.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::keymgr {

bool signs_dnskey(const KeyRecord& k) { return k.role == KeyRole::Ksk || k.role == KeyRole::Csk; }
bool signs_zone(const KeyRecord& k) { return k.role == KeyRole::Zsk || k.role == KeyRole::Csk; }

hsm::KeyId new_key_id(hsm::Signer& signer) {
    for (int attempt = 0; attempt < 16; ++attempt) {
        Bytes random = signer.random_bytes(16);
        hsm::KeyId id = to_hex(random);
        if (!signer.has_key(id)) return id;
    }
    throw Error("signer '" + signer.name() + "': could not find an unused key id");
}

KeyRecord generate_zone_key(KeyDb& db, hsm::Signer& signer, const std::string& zone, KeyRole role,
                            std::uint8_t algorithm, unsigned rsa_bits, UnixTime now) {
    const std::uint16_t flags = role == KeyRole::Zsk ? zone::dnskey_flags::ZSK : zone::dnskey_flags::KSK;
    if (rsa_bits == 0) {
        const zone::AlgorithmInfo* info = zone::find_algorithm(algorithm);
        rsa_bits = info && info->default_bits ? info->default_bits : 2048;
    }
    const hsm::KeySpec spec = key_spec_for(algorithm, rsa_bits);
    for (int attempt = 0; attempt < 8; ++attempt) {
        hsm::KeyId id = new_key_id(signer);
        signer.generate_key(id, spec, zone + " " + to_string(role));
        zone::Wire public_key = zone::public_key_from_spki(algorithm, signer.public_key(id));
        zone::Wire dnskey = zone::make_dnskey_rdata(flags, algorithm, public_key);
        std::uint16_t tag = zone::key_tag(dnskey);
        if (db.key_tag_in_use(zone, tag)) {
            // RFC 4034 allows tag collisions, but validators try every key
            // with the tag; we keep tags unique within a zone.
            signer.delete_key(id);
            continue;
        }
        // The label names zone, role and key tag, for operators browsing the token.
        signer.set_label(id, zone + " " + to_string(role) + " " + std::to_string(tag));
        KeyRecord k;
        k.zone = zone;
        k.role = role;
        k.algorithm = algorithm;
        k.key_tag = tag;
        k.flags = flags;
        k.signer = signer.name();
        k.native_id = id;
        k.dnskey_rdata = dnskey;
        k.created = now;
        k.id = db.add(k);
        k.bits = key_bits_of(algorithm, dnskey);
        db.append_audit(now, zone, k.id, "generate",
                        to_string(role) + " algorithm " + std::to_string(algorithm) + " tag " + std::to_string(tag) +
                            " in signer " + signer.name() + " id " + id);
        return k;
    }
    throw Error("zone " + zone + ": could not generate a key with an unused key tag");
}

KeyState in_service_state(const KeyRecord& key, UnixTime since) {
    KeyState s;
    s.id = key.id;
    s.role = key.role;
    s.algorithm = key.algorithm;
    s.bits = key.bits;
    s.key_tag = key.key_tag;
    s.signer = key.signer;
    s.created = key.created;
    s.goal = KeyGoal::Omnipresent;
    s[Record::Dnskey] = RecordState::Omnipresent;
    if (policy::role_signs_dnskey(key.role)) {
        s[Record::Ds] = RecordState::Omnipresent;
        s[Record::KrrSig] = RecordState::Omnipresent;
    }
    if (policy::role_signs_zone(key.role)) s[Record::ZrrSig] = RecordState::Omnipresent;
    s.changed.fill(since);
    s.active_since = since;
    s.backup_pending = key.backup_pending;
    return s;
}

std::vector<KeyRecord> ensure_zone_keys(KeyDb& db, hsm::Signer& signer, const KeyRequest& request) {
    std::vector<KeyRecord> keys = db.list(request.zone);
    if (!keys.empty()) return keys;
    if (request.csk) {
        keys.push_back(generate_zone_key(db, signer, request.zone, KeyRole::Csk, request.algorithm, request.rsa_bits,
                                         request.now));
    } else {
        keys.push_back(generate_zone_key(db, signer, request.zone, KeyRole::Ksk, request.algorithm, request.rsa_bits,
                                         request.now));
        keys.push_back(generate_zone_key(db, signer, request.zone, KeyRole::Zsk, request.algorithm, request.rsa_bits,
                                         request.now));
    }
    // Without a policy the keys sign from the start: they are in service.
    for (const auto& k : keys) db.save_state(in_service_state(k, request.now));
    return db.list(request.zone);
}

void check_public_key(hsm::Signer& signer, const KeyRecord& key) {
    if (!signer.has_key(key.native_id))
        throw Error("key " + std::to_string(key.key_tag) + " of zone " + key.zone + " (id " + key.native_id +
                    ") is missing from signer '" + signer.name() + "'");
    zone::Wire published = zone::dnskey_public_key_of(key.dnskey_rdata);
    zone::Wire actual = zone::public_key_from_spki(key.algorithm, signer.public_key(key.native_id));
    if (published != actual)
        throw Error("key " + std::to_string(key.key_tag) + " of zone " + key.zone + ": the public key in signer '" +
                    signer.name() + "' (id " + key.native_id + ") differs from the DNSKEY in the key database");
}

}  // namespace zs::keymgr
