// Pieces shared by the parts of verify_zone (zone_verifier.cpp drives them):
// the bounded problem list, the apex keys, and small helpers. Internal to
// zone/; not part of the library interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zone/dnssec_algorithm.hpp"
#include "zone/zone_model.hpp"
#include "zone/zone_verifier.hpp"

namespace zs::zone::verify {

// Collects "owner TYPE: what is wrong" up to a limit (0 = no limit).
class Problems {
public:
    Problems(std::vector<std::string>& out, std::size_t max) : out_(out), max_(max) {}
    void add(const Wire& owner, std::uint16_t type, const std::string& what);
    bool full() const { return max_ != 0 && out_.size() >= max_; }
    // How many more problems fit (SIZE_MAX when unlimited).
    std::size_t room() const;

private:
    std::vector<std::string>& out_;
    std::size_t max_;
};

// One DNSKEY of the apex RRset, decoded once.
struct ApexKey {
    Wire rdata;
    std::uint16_t flags = 0;
    std::uint8_t protocol = 0;
    std::uint8_t algorithm = 0;
    std::uint16_t tag = 0;
    bool zone_key = false;  // Zone flag set and protocol 3: may sign the zone
    bool sep = false;
    bool published = true;  // false: from VerifyOptions::unpublished_keys
    std::unique_ptr<PublicKeyVerifier> verifier;  // only when cryptography is asked for
};

struct ApexKeys {
    std::vector<ApexKey> keys;
    std::vector<std::uint8_t> algorithms;      // algorithms with a zone key (rule 1)
    std::vector<std::uint8_t> sep_algorithms;  // algorithms with a zone key that has the SEP flag
    // Indices of keys with this algorithm and tag (tags may collide).
    std::vector<std::size_t> matching(std::uint8_t algorithm, std::uint16_t tag) const;
};

// A signature to check with cryptography: RRSIG number `rrsig_index` of `rrset`.
struct SignatureJob {
    const Wire* owner;
    const RRset* rrset;
    std::uint32_t rrsig_index;
    std::uint32_t key_index;  // first matching key, for sampling per key
};

// verify_apex.cpp: apex rules (one SOA, NS, no DS) and the DNSKEYs.
ApexKeys check_apex(const Zone& zone, const VerifyOptions& options, Problems& problems);

// verify_signatures.cpp: checklist rules 1-5 and 7 on every RRset; returns the
// signatures that are candidates for cryptographic verification.
// `nodes` are nodes of zone.nodes or zone.nsec3_nodes.
std::vector<SignatureJob> check_signatures(const Zone& zone, const std::vector<const Node*>& nodes,
                                           const ApexKeys& keys, const VerifyOptions& options, Problems& problems,
                                           VerifyReport& report);

// verify_crypto.cpp: rule 9, per options.mode, on options.threads threads.
void verify_signatures(const Zone& zone, const ApexKeys& keys, const std::vector<SignatureJob>& jobs,
                       const VerifyOptions& options, Problems& problems, VerifyReport& report);

// zone_verifier.cpp: one denial method, and its chain.
void check_chains(const Zone& zone, const VerifyOptions& options, Problems& problems);
// verify_crypto.cpp, for callers that spread the work themselves: checks one
// signature in the calling thread (nullopt: good, or no usable key; `verified`
// says whether cryptography ran), a job's rank for sampling, and how
// many first signatures of each key Sample mode always checks. Sample mode
// takes the jobs of lowest rank.
std::optional<std::string> verify_one(const Zone& zone, const ApexKeys& keys, const SignatureJob& job, Wire& data,
                                      bool& verified);
std::uint64_t sample_rank(const SignatureJob& job, std::uint64_t seed);
unsigned first_signatures_checked_per_key();

// verify_nsec.cpp: rules 10-13.
void check_nsec_chain(const Zone& zone, Problems& problems);
// verify_nsec3.cpp: rules 13-17 and the apex NSEC3PARAM.
void check_nsec3_chain(const Zone& zone, const VerifyOptions& options, Problems& problems);

// verify_common.cpp
// Types a name has as data (everything but RRSIG, NSEC and NSEC3), ascending.
std::vector<std::uint16_t> data_types(const Node& node);
bool has_data(const Node& node);
// "A NS RRSIG"
std::string type_list_text(const std::vector<std::uint16_t>& types);
// Reports "type bitmap ...: missing X; extra Y" when the sorted lists differ.
void compare_bitmap(const Wire& owner, std::uint16_t type, const std::vector<std::uint16_t>& found,
                    std::vector<std::uint16_t> expected, const std::string& context, Problems& problems);
// Reads an uncompressed wire name at pos, advancing pos; throws zs::Error.
Wire read_name(const Wire& data, std::size_t& pos);
// Runs body(begin, end, worker) over [0, count) in chunks on up to `threads` threads.
void parallel_for(std::size_t count, unsigned threads,
                  const std::function<void(std::size_t begin, std::size_t end, unsigned worker)>& body);

}  // namespace zs::zone::verify
