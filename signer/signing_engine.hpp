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
    std::size_t signatures = 0;
    UnixTime earliest_expiration = 0;  // 0: nothing signed yet
    void add_expiration(UnixTime t) {
        if (earliest_expiration == 0 || t < earliest_expiration) earliest_expiration = t;
    }
};

class RrsetSigner {
public:
    RrsetSigner(const zone::Zone& zone, const std::vector<SigningKey>& keys, const SignatureTimes& times);
    // Replaces the RRSIGs of every RRset of the node that must be signed.
    // The DNSKEY RRset is signed by the keys with signs_dnskey; CDS/CDNSKEY
    // by every signing key; the rest by the keys with signs_zone.
    void sign_node(zone::Node& node, SigningStats& stats);

private:
    const zone::Zone& zone_;
    const std::vector<SigningKey>& keys_;
    SignatureTimes times_;
    std::vector<std::unique_ptr<hsm::SigningContext>> contexts_;
    zone::Wire data_;
};

}  // namespace zs::signer
