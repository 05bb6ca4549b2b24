#include "signer/signing_engine.hpp"

#include <algorithm>

#include "keymgr/algorithm_binding.hpp"
#include "keymgr/zone_keys.hpp"
#include "zone/rrsig.hpp"

namespace zs::signer {

namespace {

std::uint64_t fnv1a(const zone::Wire& owner, std::uint16_t type) {
    std::uint64_t h = 1469598103934665603ull;
    for (char c : owner) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    h = (h ^ (type >> 8)) * 1099511628211ull;
    h = (h ^ (type & 0xff)) * 1099511628211ull;
    return h;
}

}  // namespace

std::uint32_t expiration_for(const zone::Wire& owner, std::uint16_t type, bool denial, const SignatureTimes& t) {
    Seconds validity = denial ? t.denial_validity : t.validity;
    Seconds jitter =
        t.jitter > 0 ? static_cast<Seconds>(fnv1a(owner, type) % static_cast<std::uint64_t>(t.jitter + 1)) : 0;
    return static_cast<std::uint32_t>(t.now + validity - jitter);
}

bool must_sign(const zone::Node& node, const zone::RRset& set) {
    if (set.type == zone::rrtype::RRSIG) return false;
    switch (node.kind) {
        case zone::NodeKind::Authoritative: return true;
        case zone::NodeKind::Delegation: return set.type == zone::rrtype::DS || set.type == zone::rrtype::NSEC;
        case zone::NodeKind::Occluded: return false;
    }
    return false;
}

RrsetSigner::RrsetSigner(const zone::Zone& zone, const std::vector<SigningKey>& keys, const SignatureTimes& times)
    : zone_(zone), keys_(keys), times_(times) {
    for (const auto& k : keys_)
        contexts_.push_back(
            k.signer->open_signing(k.record.native_id, keymgr::sign_scheme_for(k.record.algorithm)));
}

void RrsetSigner::sign_node(zone::Node& node, SigningStats& stats) {
    zone::RrsigFields f;
    f.signer = zone_.origin;
    f.labels = static_cast<std::uint8_t>(zone::rrsig_labels(node.owner));
    f.inception = static_cast<std::uint32_t>(times_.now - times_.inception_offset);
    for (zone::RRset& set : node.rrsets) {
        if (!must_sign(node, set)) continue;
        const bool is_dnskey = set.type == zone::rrtype::DNSKEY && node.owner == zone_.origin;
        const bool is_cds = set.type == zone::rrtype::CDS || set.type == zone::rrtype::CDNSKEY;
        const bool denial = set.type == zone::rrtype::NSEC || set.type == zone::rrtype::NSEC3;
        f.type_covered = set.type;
        f.original_ttl = set.ttl;
        f.expiration = expiration_for(node.owner, set.type, denial, times_);
        stats.add_expiration(f.expiration);
        set.rrsigs.clear();
        for (std::size_t k = 0; k < keys_.size(); ++k) {
            const auto& key = keys_[k];
            const auto& rec = key.record;
            const bool use = is_dnskey ? key.signs_dnskey : is_cds ? true : key.signs_zone;
            if (!use) continue;
            f.algorithm = rec.algorithm;
            f.key_tag = rec.key_tag;
            zone::build_signed_data(data_, f, node.owner, zone_.rclass, set);
            Bytes sig = contexts_[k]->sign(data_.data(), data_.size());
            zone::Wire rdata;
            rdata.reserve(18 + f.signer.size() + sig.size());
            zone::append_rrsig_header(rdata, f);
            rdata.append(reinterpret_cast<const char*>(sig.data()), sig.size());
            set.rrsigs.push_back(std::move(rdata));
            ++stats.signatures;
        }
        std::sort(set.rrsigs.begin(), set.rrsigs.end());
        ++stats.rrsets;
    }
}

}  // namespace zs::signer
