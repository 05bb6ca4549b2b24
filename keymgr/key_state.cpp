#include "keymgr/key_state.hpp"

namespace zs::keymgr {

std::string to_string(RecordState s) {
    switch (s) {
        case RecordState::Hidden: return "hidden";
        case RecordState::Rumoured: return "rumoured";
        case RecordState::Omnipresent: return "omnipresent";
        case RecordState::Unretentive: return "unretentive";
    }
    return "?";
}

std::optional<RecordState> parse_record_state(const std::string& text) {
    for (RecordState s : {RecordState::Hidden, RecordState::Rumoured, RecordState::Omnipresent,
                          RecordState::Unretentive}) {
        if (text == to_string(s)) return s;
    }
    return std::nullopt;
}

std::string to_string(Record r) {
    switch (r) {
        case Record::Ds: return "DS";
        case Record::Dnskey: return "DNSKEY";
        case Record::KrrSig: return "RRSIG(DNSKEY)";
        case Record::ZrrSig: return "RRSIG(zone)";
    }
    return "?";
}

namespace {
// Rumoured and omnipresent records are in the zone (or asked of the parent);
// unretentive ones have been withdrawn and only linger in caches.
bool is_published(RecordState s) { return s == RecordState::Rumoured || s == RecordState::Omnipresent; }
}  // namespace

bool publishes_dnskey(const KeyState& k) { return is_published(k[Record::Dnskey]); }
bool signs_dnskey_rrset(const KeyState& k) { return is_published(k[Record::KrrSig]); }
bool signs_zone_data(const KeyState& k) { return is_published(k[Record::ZrrSig]); }
bool wants_ds(const KeyState& k) { return is_published(k[Record::Ds]); }

}  // namespace zs::keymgr
