// The state model of a key used by OpenDNSSEC and BIND (after "Flexible and
// Robust Key Rollover", van Rijswijk-Deij et al., and RFC 7583): each key has
// four records, each hidden, rumoured, omnipresent or unretentive, and a
// goal. Pure data: no clocks, files or signers.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "common/time_format.hpp"
#include "policy/key_role.hpp"

namespace zs::keymgr {

enum class RecordState { Hidden, Rumoured, Omnipresent, Unretentive };
std::string to_string(RecordState s);                             // "hidden", ...
std::optional<RecordState> parse_record_state(const std::string& text);

// The four records of a key. Ds: the DS at the parent. Dnskey: the DNSKEY in
// the zone's DNSKEY RRset. KrrSig: its RRSIG over the DNSKEY RRset (KSK,
// CSK). ZrrSig: its RRSIGs over the rest of the zone (ZSK, CSK).
enum class Record { Ds = 0, Dnskey = 1, KrrSig = 2, ZrrSig = 3 };
constexpr std::size_t kRecordCount = 4;
std::string to_string(Record r);  // "DS", "DNSKEY", "RRSIG(DNSKEY)", "RRSIG(zone)"

// What the key manager wants for a key: Omnipresent while it is (or is to
// become) in service, Hidden once it is retiring.
enum class KeyGoal { Omnipresent, Hidden };

// One key as the planner sees it. States of records a role does not have
// (a ZSK's DS and KrrSig, a KSK's ZrrSig) stay Hidden.
struct KeyState {
    std::int64_t id = 0;                 // key database row id
    policy::KeyRole role = policy::KeyRole::Zsk;
    std::uint8_t algorithm = 13;
    unsigned bits = 0;                   // RSA key size; 0 for other algorithms
    std::uint16_t key_tag = 0;
    std::string signer;                  // signer that owns it
    UnixTime created = 0;
    KeyGoal goal = KeyGoal::Omnipresent;
    std::array<RecordState, kRecordCount> state{};  // all Hidden
    std::array<UnixTime, kRecordCount> changed{};   // time of each record's last transition
    // When the key started signing (first ZrrSig/KrrSig rumoured); its
    // lifetime counts from here.
    std::optional<UnixTime> active_since;
    // Set when the key's lifetime is over or a rollover was requested: the
    // planner introduces a successor, then retires this key.
    std::optional<UnixTime> retire_requested;
    // Parent facts, recorded by `key ds-seen` / `key ds-gone` or parent_check.
    std::optional<UnixTime> ds_seen;
    std::optional<UnixTime> ds_gone;
    // Generated in a signer that requires a backup which has not happened:
    // the key may be published but must not sign.
    bool backup_pending = false;

    RecordState operator[](Record r) const { return state[static_cast<std::size_t>(r)]; }
    RecordState& operator[](Record r) { return state[static_cast<std::size_t>(r)]; }
    UnixTime changed_at(Record r) const { return changed[static_cast<std::size_t>(r)]; }
};

// What the zone publishes for a set of key states (derived, never stored):
// a record is in the zone (or wanted at the parent) while Rumoured or
// Omnipresent; Unretentive means withdrawn, only lingering in caches (its
// removal timing counts from then). DNSKEY in the RRset; signs the DNSKEY
// RRset / the zone; DS wanted at the parent (CDS/CDNSKEY follow the policy).
bool publishes_dnskey(const KeyState& k);
bool signs_dnskey_rrset(const KeyState& k);
bool signs_zone_data(const KeyState& k);
bool wants_ds(const KeyState& k);

}  // namespace zs::keymgr
