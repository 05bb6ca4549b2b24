#include "signer/key_timeline.hpp"

#include <algorithm>

#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

using keymgr::Record;
using keymgr::RecordState;

namespace {

// The records a key of this role has.
std::vector<Record> records_of(policy::KeyRole role) {
    switch (role) {
        case policy::KeyRole::Ksk: return {Record::Ds, Record::Dnskey, Record::KrrSig};
        case policy::KeyRole::Zsk: return {Record::Dnskey, Record::ZrrSig};
        case policy::KeyRole::Csk: return {Record::Ds, Record::Dnskey, Record::KrrSig, Record::ZrrSig};
    }
    return {};
}

const char* short_name(Record r) {
    switch (r) {
        case Record::Ds: return "ds";
        case Record::Dnskey: return "dnskey";
        case Record::KrrSig: return "krrsig";
        case Record::ZrrSig: return "zrrsig";
    }
    return "?";
}

char letter(RecordState s) {
    switch (s) {
        case RecordState::Hidden: return 'H';
        case RecordState::Rumoured: return 'R';
        case RecordState::Omnipresent: return 'O';
        case RecordState::Unretentive: return 'U';
    }
    return '?';
}

const keymgr::KeyState* find(const std::vector<keymgr::KeyState>& keys, std::int64_t id) {
    auto it = std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.id == id; });
    return it == keys.end() ? nullptr : &*it;
}

}  // namespace

std::string key_label(const keymgr::KeyState& key) {
    return policy::to_string(key.role) + " " + std::to_string(key.key_tag);
}

std::vector<std::string> key_events(const std::vector<keymgr::KeyState>& before,
                                    const std::vector<keymgr::KeyState>& after) {
    std::vector<std::string> events;
    for (const auto& k : after) {
        const keymgr::KeyState* old = find(before, k.id);
        if (!old)
            events.push_back(key_label(k) + " generated (" + zone::algorithm_name(k.algorithm) +
                             (k.bits ? " " + std::to_string(k.bits) + " bits" : "") + ")");
        if (old && old->goal == keymgr::KeyGoal::Omnipresent && k.goal == keymgr::KeyGoal::Hidden)
            events.push_back(key_label(k) + " retired");
        for (Record r : records_of(k.role)) {
            const RecordState from = old ? (*old)[r] : RecordState::Hidden;
            if (from != k[r])
                events.push_back(key_label(k) + " " + keymgr::to_string(r) + " " + keymgr::to_string(from) + " -> " +
                                 keymgr::to_string(k[r]));
        }
    }
    for (const auto& k : before)
        if (!find(after, k.id)) events.push_back(key_label(k) + " deleted");
    return events;
}

std::string key_summary(const std::vector<keymgr::KeyState>& keys) {
    std::string text;
    for (const auto& k : keys) {
        if (!text.empty()) text += " | ";
        text += key_label(k);
        for (Record r : records_of(k.role)) text += std::string(" ") + short_name(r) + ":" + letter(k[r]);
    }
    return text.empty() ? "no keys" : text;
}

}  // namespace zs::signer
