// Signs RRsets. Each worker thread owns an RrsetSigner: its own signing
// context per key in the key's signer and its own signed-data buffer. It
// builds the RFC 4034 §3.1.8.1 signed data and hands only those bytes to the
// signer: nothing else crosses into the HSM layer.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/time_format.hpp"
#include "hsm/signer.hpp"
#include "keymgr/key_db.hpp"
#include "signer/signature_cache.hpp"
#include "signer/signature_reuse.hpp"
#include "zone/rrset_digest.hpp"
#include "zone/zone_model.hpp"

namespace zs::signer {

struct SigningKey {
    keymgr::KeyRecord record;
    hsm::Signer* signer = nullptr;  // owner of the key
    // What the key signs now (its RRSIG records' states, or its role when
    // the key manager is not involved).
    bool signs_dnskey = false;
    bool signs_zone = false;
};

struct SignatureTimes {
    UnixTime now = 0;
    Seconds validity = 0;
    Seconds denial_validity = 0;
    Seconds jitter = 0;
    Seconds inception_offset = 0;
};

// Expiration of one RRset's signatures: validity minus a jitter derived from
// owner and type, so that expirations spread evenly and the same RRset gets
// the same offset from run to run.
std::uint32_t expiration_for(const zone::Wire& owner, std::uint16_t type, bool denial, const SignatureTimes& t);

// Whether an RRset is signed: authoritative data; DS and NSEC at delegations;
// NSEC3 at hashed owners; never glue, occluded data or delegation NS.
bool must_sign(const zone::Node& node, const zone::RRset& set);

struct SigningStats {
    std::size_t rrsets = 0;
    std::size_t signatures = 0;  // made now
    std::size_t reused = 0;      // taken over from the previous signing
    std::size_t reused_names = 0;  // names whose text was copied from the previous output
    UnixTime earliest_expiration = 0;  // 0: nothing signed yet
    void add_expiration(UnixTime t) {
        if (earliest_expiration == 0 || t < earliest_expiration) earliest_expiration = t;
    }
};

// What the previous signing left that this one may take over.
struct ReuseSource {
    const SignatureCache* cache = nullptr;
    // Per key of the cache: the index of the same key (same DNSKEY RDATA)
    // among the signing keys, or -1.
    std::vector<int> signing_key_of;
    // The previous output (a descriptor), when the cache describes it as it
    // is now: the text of names whose records and signatures are all
    // unchanged is copied from it instead of formatted again. -1: none.
    int previous_output = -1;
    // Such names skip the pre-publication checks too (the same records
    // with the same signatures and keys were checked when written, and
    // reusable_rrsig re-establishes what depends on the time); off for
    // `--verify full`, which checks every signature again.
    bool copy_names = true;
    ReuseRules rules;
};

class RrsetSigner {
public:
    // reuse: may be null (every signature is made). digests: compute the
    // RRset digests of each node (for the next signature cache).
    RrsetSigner(const zone::Zone& zone, const std::vector<SigningKey>& keys, const SignatureTimes& times,
                const ReuseSource* reuse = nullptr, bool digests = false);
    // Replaces the RRSIGs of every RRset of the node that must be signed.
    // The DNSKEY RRset is signed by the keys with signs_dnskey; CDS/CDNSKEY
    // by every signing key; the rest by the keys with signs_zone. A
    // signature of the previous signing is taken over where reusable_rrsig
    // allows it and the RRset's digest is unchanged.
    //
    // When every record and signature of the node is as it was in the
    // previous output (and the source allows copying), the node is left
    // without RRSIGs, its text there is appended to `text` and true is
    // returned: the caller takes over the cache entry (append_cache_entry)
    // and does not check the node again. Otherwise false: the caller
    // formats the node.
    bool sign_node(zone::Node& node, SigningStats& stats, std::string& text);
    // The digests of the last node's RRsets, in its order (when computed).
    const std::vector<zone::RrsetDigest>& digests() const { return digests_; }
    // The cache entry of the last node when it was copied, else null.
    const CachedNode* copied() const { return copied_; }
    // Appends the last node's entry for the next signature cache (copied
    // from the previous cache when the node was copied).
    void append_cache_entry(std::string& out, const SignatureCacheWriter& writer, const zone::Node& node,
                            std::string_view text) const;

private:
    const zone::Zone& zone_;
    const std::vector<SigningKey>& keys_;
    SignatureTimes times_;
    const ReuseSource* reuse_;
    bool want_digests_;
    std::vector<std::unique_ptr<hsm::SigningContext>> contexts_;
    zone::Wire data_;
    zone::RrsetDigester digester_;
    std::vector<zone::RrsetDigest> digests_;
    std::vector<std::pair<zone::Wire, bool>> made_;  // one RRset's RRSIGs, reused or not
    std::size_t cache_cursor_ = 0;
    const CachedNode* copied_ = nullptr;
    // Read-ahead from the previous output: names come in file order, so one
    // read serves many of them.
    std::string read_ahead_;
    std::uint64_t read_ahead_offset_ = 0;

    bool previous_text(std::uint64_t offset, std::uint32_t length, std::string& text);

    bool must_sign_with(const zone::Node& node, const zone::RRset& set, const SigningKey& key) const;
    bool copy_unchanged(const zone::Node& node, const CachedNode& cached, SigningStats& stats, std::string& text);
};

}  // namespace zs::signer
