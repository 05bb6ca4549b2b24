#include "signer/signing_engine.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/checksum.hpp"

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

RrsetSigner::RrsetSigner(const zone::Zone& zone, const std::vector<SigningKey>& keys, const SignatureTimes& times,
                         const ReuseSource* reuse, bool digests)
    : zone_(zone), keys_(keys), times_(times), reuse_(reuse && reuse->cache ? reuse : nullptr),
      want_digests_(digests || reuse_ != nullptr) {
    for (const auto& k : keys_)
        contexts_.push_back(
            k.signer->open_signing(k.record.native_id, keymgr::sign_scheme_for(k.record.algorithm)));
}


bool RrsetSigner::must_sign_with(const zone::Node& node, const zone::RRset& set, const SigningKey& key) const {
    if (set.type == zone::rrtype::DNSKEY && node.owner == zone_.origin) return key.signs_dnskey;
    if (set.type == zone::rrtype::CDS || set.type == zone::rrtype::CDNSKEY) return true;
    return key.signs_zone;
}

bool RrsetSigner::previous_text(std::uint64_t offset, std::uint32_t length, std::string& text) {
    const bool buffered = offset >= read_ahead_offset_ && offset + length <= read_ahead_offset_ + read_ahead_.size();
    if (!buffered) {
        constexpr std::size_t kReadAhead = 256 << 10;
        read_ahead_.resize(std::max<std::size_t>(kReadAhead, length));
        read_ahead_offset_ = offset;
        std::size_t done = 0;
        while (done < read_ahead_.size()) {
            const ssize_t n = ::pread(reuse_->previous_output, read_ahead_.data() + done, read_ahead_.size() - done,
                                      static_cast<off_t>(offset + done));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;  // end of file (or an error: the name is formatted instead)
            done += static_cast<std::size_t>(n);
        }
        read_ahead_.resize(done);
        if (done < length) return false;
    }
    text.append(read_ahead_, offset - read_ahead_offset_, length);
    return true;
}

bool RrsetSigner::copy_unchanged(const zone::Node& node, const CachedNode& cached, SigningStats& stats,
                                 std::string& text) {
    const SignatureCache& cache = *reuse_->cache;
    if (cached.rrset_count != node.rrsets.size() || cached.text_length == 0) return false;
    const std::uint8_t labels = static_cast<std::uint8_t>(zone::rrsig_labels(node.owner));
    std::size_t signatures = 0, rrsets = 0;
    UnixTime earliest = 0;
    for (std::size_t r = 0; r < node.rrsets.size(); ++r) {
        const zone::RRset& set = node.rrsets[r];
        const CachedRrset& before = cache.rrset(cached, static_cast<std::uint32_t>(r));
        if (before.type != set.type || before.digest != digests_[r]) return false;
        if (!must_sign(node, set)) {
            if (before.rrsig_count != 0) return false;
            continue;
        }
        const bool denial = set.type == zone::rrtype::NSEC || set.type == zone::rrtype::NSEC3;
        std::uint32_t wanted = 0;
        for (std::size_t k = 0; k < keys_.size(); ++k) {
            if (!must_sign_with(node, set, keys_[k])) continue;
            ++wanted;
            const auto& rec = keys_[k].record;
            const WantedRrsig want{set.type, rec.algorithm, labels, set.ttl, rec.key_tag, &zone_.origin, denial};
            bool found = false;
            for (std::uint32_t i = 0; i < before.rrsig_count && !found; ++i) {
                const CachedRrsig& old = cache.rrsig(before, i);
                if (reuse_->signing_key_of[old.key] != static_cast<int>(k)) continue;
                if (auto expiration = reusable_rrsig(old.rdata, want, reuse_->rules)) {
                    found = true;
                    if (earliest == 0 || *expiration < earliest) earliest = *expiration;
                }
            }
            if (!found) return false;
        }
        // Every signature there is one that would be made now.
        if (wanted != before.rrsig_count) return false;
        signatures += wanted;
        ++rrsets;
    }
    // The text as it was written: still there, a whole number of lines,
    // and with the checksum the cache recorded for it.
    const std::size_t start = text.size();
    if (!previous_text(cached.text_offset, cached.text_length, text)) return false;
    const std::string_view copied(text.data() + start, cached.text_length);
    if (copied.back() != '\n' || checksum64(copied) != cached.text_checksum) {
        text.resize(start);
        return false;
    }
    stats.reused += signatures;
    stats.rrsets += rrsets;
    if (earliest != 0) stats.add_expiration(earliest);
    ++stats.reused_names;
    copied_ = &cached;
    return true;
}

bool RrsetSigner::sign_node(zone::Node& node, SigningStats& stats, std::string& text) {
    digests_.clear();
    copied_ = nullptr;
    const CachedNode* cached = reuse_ ? reuse_->cache->find(node.owner, cache_cursor_) : nullptr;
    if (want_digests_)
        for (const zone::RRset& set : node.rrsets) digests_.push_back(digester_.digest(node.owner, zone_.rclass, set));
    if (cached && reuse_->copy_names && reuse_->previous_output >= 0 && copy_unchanged(node, *cached, stats, text)) {
        for (zone::RRset& set : node.rrsets) {
            set.rrsigs.clear();
            set.reused_rrsigs = 0;
        }
        return true;
    }

    zone::RrsigFields f;
    f.signer = zone_.origin;
    f.labels = static_cast<std::uint8_t>(zone::rrsig_labels(node.owner));
    f.inception = static_cast<std::uint32_t>(times_.now - times_.inception_offset);
    for (std::size_t r = 0; r < node.rrsets.size(); ++r) {
        zone::RRset& set = node.rrsets[r];
        if (!must_sign(node, set)) {
            set.rrsigs.clear();  // glue, delegation NS, occluded data: never signed
            set.reused_rrsigs = 0;
            continue;
        }
        const CachedRrset* before = nullptr;
        if (cached) {
            for (std::uint32_t i = 0; i < cached->rrset_count && !before; ++i) {
                const CachedRrset& candidate = reuse_->cache->rrset(*cached, i);
                if (candidate.type == set.type && candidate.digest == digests_[r]) before = &candidate;
            }
        }
        const bool denial = set.type == zone::rrtype::NSEC || set.type == zone::rrtype::NSEC3;
        f.type_covered = set.type;
        f.original_ttl = set.ttl;
        f.expiration = expiration_for(node.owner, set.type, denial, times_);
        made_.clear();
        for (std::size_t k = 0; k < keys_.size(); ++k) {
            const auto& key = keys_[k];
            const auto& rec = key.record;
            if (!must_sign_with(node, set, key)) continue;
            f.algorithm = rec.algorithm;
            f.key_tag = rec.key_tag;
            if (before) {
                const WantedRrsig wanted{set.type, rec.algorithm, f.labels, set.ttl, rec.key_tag, &zone_.origin, denial};
                bool taken = false;
                for (std::uint32_t i = 0; i < before->rrsig_count && !taken; ++i) {
                    const CachedRrsig& old = reuse_->cache->rrsig(*before, i);
                    if (reuse_->signing_key_of[old.key] != static_cast<int>(k)) continue;
                    if (auto expiration = reusable_rrsig(old.rdata, wanted, reuse_->rules)) {
                        made_.emplace_back(zone::Wire(old.rdata), true);
                        stats.add_expiration(*expiration);
                        ++stats.reused;
                        taken = true;
                    }
                }
                if (taken) continue;
            }
            stats.add_expiration(f.expiration);
            zone::build_signed_data(data_, f, node.owner, zone_.rclass, set);
            Bytes sig = contexts_[k]->sign(data_.data(), data_.size());
            zone::Wire rdata;
            rdata.reserve(18 + f.signer.size() + sig.size());
            zone::append_rrsig_header(rdata, f);
            rdata.append(reinterpret_cast<const char*>(sig.data()), sig.size());
            made_.emplace_back(std::move(rdata), false);
            ++stats.signatures;
        }
        std::sort(made_.begin(), made_.end());
        set.rrsigs.clear();
        set.reused_rrsigs = 0;
        for (std::size_t i = 0; i < made_.size(); ++i) {
            if (made_[i].second && i < 32) set.reused_rrsigs |= 1u << i;
            set.rrsigs.push_back(std::move(made_[i].first));
        }
        ++stats.rrsets;
    }
    return false;
}

void RrsetSigner::append_cache_entry(std::string& out, const SignatureCacheWriter& writer, const zone::Node& node,
                                     std::string_view text) const {
    if (copied_)
        SignatureCacheWriter::copy_node(out, *reuse_->cache, *copied_, reuse_->signing_key_of);
    else
        writer.serialize_node(out, node, digests_, text);
}

}  // namespace zs::signer
