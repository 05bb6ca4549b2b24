// The validity rules of the planner (see planner_detail.hpp): every
// combination of old and new views of the DS, DNSKEY (with its RRSIGs) and
// zone-signature RRsets keeps a chain of trust per algorithm, and every
// algorithm of the DNSKEY RRset signs everything.
#include <algorithm>
#include <set>

#include "keymgr/planner_detail.hpp"

namespace zs::keymgr::planner_detail {

namespace {

// The old view: what the oldest caches may still hold; the new view: what a
// fresh query returns.
bool in_view(RecordState s, bool newer) {
    if (newer) return s == RecordState::Rumoured || s == RecordState::Omnipresent;
    return s == RecordState::Omnipresent || s == RecordState::Unretentive;
}

struct Validity {
    bool parent_ds = true;                          // a DS in both views of the parent
    std::optional<std::uint8_t> broken_chain;       // an algorithm of the DS set without a chain
    bool broken_in_zone = false;                    // ... from its DNSKEYs to the zone's signatures
    std::optional<std::uint8_t> unsigned_algorithm; // an algorithm of the DNSKEY RRset not signing all
};

template <class Pred>
bool some_key_of(const std::vector<KeyState>& keys, std::uint8_t algorithm, Pred pred) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](const KeyState& k) { return k.algorithm == algorithm && pred(k); });
}

std::set<std::uint8_t> algorithms_in_view(const std::vector<KeyState>& keys, Record r, bool newer) {
    std::set<std::uint8_t> algorithms;
    for (const KeyState& k : keys) {
        if (in_view(k[r], newer)) algorithms.insert(k.algorithm);
    }
    return algorithms;
}

Validity evaluate(const std::vector<KeyState>& keys) {
    Validity v;
    bool secure = false;
    for (bool ds_new : {false, true}) {
        const auto ds_algorithms = algorithms_in_view(keys, Record::Ds, ds_new);
        if (ds_algorithms.empty()) {
            v.parent_ds = false;
            continue;  // no DS in this view: insecure, nothing to validate
        }
        secure = true;
        for (bool dnskey_new : {false, true}) {
            for (bool zone_new : {false, true}) {
                for (std::uint8_t a : ds_algorithms) {
                    // DS -> DNSKEY + RRSIG(DNSKEY) of one key (one response),
                    // then DNSKEY -> RRSIG(zone) of a key of the same algorithm.
                    const bool dnskey_chain = some_key_of(keys, a, [&](const KeyState& k) {
                        return in_view(k[Record::Ds], ds_new) && in_view(k[Record::Dnskey], dnskey_new) &&
                               in_view(k[Record::KrrSig], dnskey_new);
                    });
                    const bool zone_chain = some_key_of(keys, a, [&](const KeyState& k) {
                        return in_view(k[Record::Dnskey], dnskey_new) && in_view(k[Record::ZrrSig], zone_new);
                    });
                    if ((!dnskey_chain || !zone_chain) && !v.broken_chain) {
                        v.broken_chain = a;
                        v.broken_in_zone = dnskey_chain;
                    }
                }
            }
        }
    }
    if (!secure) return v;
    // The DNSKEY RRset and the two kinds of signatures are separate views
    // here: an RRset cached before a new algorithm's signatures existed must
    // have expired before that algorithm's DNSKEY can be seen.
    for (bool dnskey_new : {false, true}) {
        for (std::uint8_t a : algorithms_in_view(keys, Record::Dnskey, dnskey_new)) {
            for (bool sig_new : {false, true}) {
                // The two signature views are independent; looping one
                // variable over both covers every combination because each
                // condition reads only its own view.
                const bool signs =
                    some_key_of(keys, a, [&](const KeyState& k) { return in_view(k[Record::KrrSig], sig_new); }) &&
                    some_key_of(keys, a, [&](const KeyState& k) { return in_view(k[Record::ZrrSig], sig_new); });
                if (!signs && !v.unsigned_algorithm) v.unsigned_algorithm = a;
            }
        }
    }
    return v;
}

}  // namespace

std::optional<RuleViolation> transition_breaks_rules(const std::vector<KeyState>& keys, std::size_t index,
                                                     Record record, RecordState to) {
    const Validity before = evaluate(keys);
    std::vector<KeyState> next = keys;
    next[index][record] = to;
    const Validity after = evaluate(next);
    if (before.parent_ds && !after.parent_ds) return RuleViolation{Rule::ParentDs, next[index].algorithm, false};
    if (!before.broken_chain && after.broken_chain) {
        return RuleViolation{Rule::ChainOfTrust, *after.broken_chain, after.broken_in_zone};
    }
    if (!before.unsigned_algorithm && after.unsigned_algorithm) {
        return RuleViolation{Rule::EveryAlgorithmSigns, *after.unsigned_algorithm, false};
    }
    return std::nullopt;
}

std::string describe(const RuleViolation& v) {
    const std::string algorithm = "algorithm " + std::to_string(v.algorithm);
    switch (v.rule) {
        case Rule::ParentDs: return "it would leave the parent without a DS for the zone";
        case Rule::ChainOfTrust:
            if (v.zone_part) {
                return "some resolvers' cached DNSKEY RRset and zone signatures would have no key of " + algorithm +
                       " in common (chain of trust DNSKEY -> RRSIG)";
            }
            return "some resolvers' cached DS and DNSKEY RRsets would have no key of " + algorithm +
                   " in common that signs the DNSKEY RRset (chain of trust DS -> DNSKEY)";
        case Rule::EveryAlgorithmSigns:
            return algorithm + " would be in some resolvers' cached DNSKEY RRset without signing every RRset they " +
                   "hold (RFC 4035 section 2.2)";
    }
    return "?";
}

}  // namespace zs::keymgr::planner_detail
