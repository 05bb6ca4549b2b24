// Signature structure (checklist rules 1-5 and 7): which RRsets must carry
// RRSIGs, which must not, and whether each RRSIG's fields are right. The
// cryptography is verify_crypto.cpp's.
#include <array>
#include <bitset>
#include <functional>

#include "common/error.hpp"
#include "common/time_format.hpp"
#include "zone/rrsig.hpp"
#include "zone/verify_internal.hpp"

namespace zs::zone::verify {

namespace {

enum class SigningRule { Must, MustNot };

SigningRule signing_rule(NodeKind kind, std::uint16_t type, bool nsec3_owner) {
    if (nsec3_owner) return type == rrtype::NSEC3 ? SigningRule::Must : SigningRule::MustNot;
    switch (kind) {
        case NodeKind::Authoritative: return SigningRule::Must;
        case NodeKind::Delegation:
            return (type == rrtype::DS || type == rrtype::NSEC) ? SigningRule::Must : SigningRule::MustNot;
        case NodeKind::Occluded: return SigningRule::MustNot;
    }
    return SigningRule::MustNot;
}

std::string why_not_signed(NodeKind kind, std::uint16_t type, bool nsec3_owner) {
    if (nsec3_owner) return "signed, but only NSEC3 records are expected at a hashed owner";
    if (kind == NodeKind::Occluded) return "signed, but data below a zone cut (glue) must not be signed";
    if (type == rrtype::NS) return "signed, but NS at a delegation must not be signed";
    return "signed, but at a delegation only DS and NSEC must be signed";
}

// The absolute time nearest to `now` that a 32-bit RRSIG time stands for.
UnixTime absolute_time(UnixTime now, std::uint32_t field) {
    return now + static_cast<std::int32_t>(field - static_cast<std::uint32_t>(now));
}

class SignatureChecker {
public:
    SignatureChecker(const Zone& zone, const ApexKeys& keys, const VerifyOptions& options, Problems& problems)
        : zone_(zone), keys_(keys), options_(options), problems_(problems),
          now32_(static_cast<std::uint32_t>(options.now)) {}

    void check_node(const Node& node, bool nsec3_owner, VerifyReport& report);
    std::vector<SignatureJob> take_jobs() { return std::move(jobs_); }

private:
    void check_rrset(const Node& node, const RRset& rrset);
    // Returns the index of the key that made it, or SIZE_MAX.
    std::size_t check_rrsig(const Node& node, const RRset& rrset, const RrsigFields& sig);
    void add(const Node& node, const RRset& rrset, const std::string& what) {
        problems_.add(node.owner, rrset.type, what);
    }

    const Zone& zone_;
    const ApexKeys& keys_;
    const VerifyOptions& options_;
    RrsigFields decoded_;  // one buffer for every signature checked
    Problems& problems_;
    std::uint32_t now32_;
    std::vector<SignatureJob> jobs_;
};

void SignatureChecker::check_node(const Node& node, bool nsec3_owner, VerifyReport& report) {
    for (const RRset& rrset : node.rrsets) {
        if (problems_.full()) return;
        if (rrset.type == rrtype::RRSIG) {
            add(node, rrset, "RRSIG records that cover no RRset at this name");
            continue;
        }
        if (signing_rule(node.kind, rrset.type, nsec3_owner) == SigningRule::MustNot) {
            if (!rrset.rrsigs.empty()) add(node, rrset, why_not_signed(node.kind, rrset.type, nsec3_owner));
            continue;
        }
        ++report.rrsets_checked;
        check_rrset(node, rrset);
    }
}

void SignatureChecker::check_rrset(const Node& node, const RRset& rrset) {
    if (rrset.rrsigs.empty()) {
        add(node, rrset, "not signed (no RRSIG)");
        return;
    }
    std::bitset<256> algorithms_seen, sep_algorithms_seen;
    RrsigFields& sig = decoded_;
    for (std::size_t i = 0; i < rrset.rrsigs.size(); ++i) {
        try {
            decode_rrsig_rdata(rrset.rrsigs[i], sig);
        } catch (const Error& e) {
            add(node, rrset, std::string("malformed RRSIG: ") + e.what());
            continue;
        }
        const std::size_t key_index = check_rrsig(node, rrset, sig);
        if (key_index == SIZE_MAX) continue;
        algorithms_seen.set(sig.algorithm);
        if (keys_.keys[key_index].sep && keys_.keys[key_index].published) sep_algorithms_seen.set(sig.algorithm);
        // A signature reused from an earlier signing was checked when it
        // was made; its structure is checked above, its cryptography again
        // only in full mode, except for the key RRsets (DNSKEY, CDS,
        // CDNSKEY: few signatures, and the zone's trust hangs on them).
        const bool key_rrset =
            rrset.type == rrtype::DNSKEY || rrset.type == rrtype::CDS || rrset.type == rrtype::CDNSKEY;
        const bool verified_before = rrset.rrsig_reused(i) && options_.mode != VerifyMode::Full && !key_rrset;
        if (sig.type_covered == rrset.type && !verified_before)
            jobs_.push_back(SignatureJob{&node.owner, &rrset, static_cast<std::uint32_t>(i),
                                         static_cast<std::uint32_t>(key_index)});
    }
    // Rule 1 (RFC 4035 §2.2, RFC 6840 §5.11): every algorithm of the apex
    // DNSKEY RRset signs every RRset.
    for (auto algorithm : keys_.algorithms)
        if (!algorithms_seen.test(algorithm))
            add(node, rrset, "no RRSIG of algorithm " + algorithm_name(algorithm) + " (the DNSKEY RRset has one)");
    if (rrset.type == rrtype::DNSKEY && node.owner == zone_.origin)
        for (auto algorithm : keys_.sep_algorithms)
            if (!sep_algorithms_seen.test(algorithm))
                add(node, rrset, "not signed by a SEP key of algorithm " + algorithm_name(algorithm));
}

std::size_t SignatureChecker::check_rrsig(const Node& node, const RRset& rrset, const RrsigFields& sig) {
    const std::string which = "RRSIG algorithm " + std::to_string(sig.algorithm) + " key tag " +
                              std::to_string(sig.key_tag) + ": ";
    if (sig.type_covered != rrset.type)
        add(node, rrset, which + "type covered is " + type_to_text(sig.type_covered));
    if (sig.original_ttl != rrset.ttl)
        add(node, rrset, which + "original TTL " + std::to_string(sig.original_ttl) + " differs from the RRset TTL " +
                             std::to_string(rrset.ttl));
    const unsigned labels = rrsig_labels(node.owner);
    if (sig.labels != labels)
        add(node, rrset, which + "labels " + std::to_string(sig.labels) + ", expected " + std::to_string(labels));
    // The signer is lower case as zonesigner writes it; only another
    // spelling needs the (allocating) case-folded comparison.
    if (sig.signer != zone_.origin && lowercased(sig.signer) != zone_.origin)
        add(node, rrset, which + "signer " + name_to_text(sig.signer) + " is not the apex " + name_to_text(zone_.origin));
    // Rule 5, in serial-number arithmetic (RFC 4034 §3.1.5).
    if (serial_lt(now32_, sig.inception))
        add(node, rrset, which + "not valid before " + format_time(absolute_time(options_.now, sig.inception)));
    if (!serial_lt(now32_, sig.expiration))
        add(node, rrset, which + "expired at " + format_time(absolute_time(options_.now, sig.expiration)));
    if (!serial_lt(sig.inception, sig.expiration))
        add(node, rrset, which + "expiration is not after inception");
    std::size_t found = SIZE_MAX;
    bool tag_known = false;
    for (auto index : keys_.matching(sig.algorithm, sig.key_tag)) {
        tag_known = true;
        if (keys_.keys[index].zone_key) {
            found = index;
            break;
        }
    }
    if (found == SIZE_MAX) {
        const bool published_algorithm =
            std::find(keys_.algorithms.begin(), keys_.algorithms.end(), sig.algorithm) != keys_.algorithms.end();
        // A signature of an algorithm the DNSKEY RRset does not have: an
        // algorithm rollover's pre-published (or lingering) signatures, which
        // validators ignore (RFC 4035 §5.3.1, RFC 6781 §4.1.4).
        if (!tag_known && !published_algorithm) return SIZE_MAX;
        add(node, rrset, which + (tag_known ? "made by a DNSKEY without the Zone flag or protocol 3"
                                            : "no such key in the apex DNSKEY RRset"));
    }
    return found;
}

}  // namespace

std::vector<SignatureJob> check_signatures(const Zone& zone, const std::vector<const Node*>& nodes,
                                           const ApexKeys& keys, const VerifyOptions& options, Problems& problems,
                                           VerifyReport& report) {
    SignatureChecker checker(zone, keys, options, problems);
    const Node* nsec3_begin = zone.nsec3_nodes.data();
    const Node* nsec3_end = nsec3_begin + zone.nsec3_nodes.size();
    const std::less<const Node*> before;
    for (const Node* node : nodes)
        checker.check_node(*node, !before(node, nsec3_begin) && before(node, nsec3_end), report);
    return checker.take_jobs();
}

}  // namespace zs::zone::verify
