// Checks a signed zone before it is published (and for `zonesigner verify`):
// structure fully (every checklist rule that can be checked on the output),
// signatures cryptographically with OpenSSL and the DNSKEYs as published.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "zone/zone_model.hpp"

namespace zs::zone {

enum class VerifyMode {
    Full,       // every signature
    Sample,     // every DNSKEY RRset signature, the first signatures of every key, >= 1% of the rest
    Structure,  // no cryptography
};

struct VerifyOptions {
    VerifyMode mode = VerifyMode::Sample;
    UnixTime now = 0;             // signatures must be valid at this time
    double sample_fraction = 0.01;
    std::uint64_t sample_seed = 0;
    unsigned threads = 1;
    std::size_t max_problems = 20;  // stop collecting after this many
    // DNSKEY RDATAs of keys that sign without being in the DNSKEY RRset (an
    // algorithm rollover publishes a new algorithm's signatures before its
    // DNSKEYs, and removes them after; RFC 6781 §4.1.4): their signatures are
    // verified with these. Signatures of an algorithm that has no key in the
    // DNSKEY RRset are accepted without them (validators ignore them, RFC
    // 4035 §5.3.1), but a signature claiming a key of an algorithm that the
    // RRset has, and matching none of its keys, is an error.
    std::vector<Wire> unpublished_keys;
};

struct VerifyReport {
    std::vector<std::string> problems;  // "owner TYPE: what is wrong"
    std::size_t rrsets_checked = 0;
    std::size_t signatures_verified = 0;  // cryptographically
    bool ok() const { return problems.empty(); }
};

VerifyReport verify_zone(const Zone& zone, const VerifyOptions& options);

// The same checks for a signer that signs and publishes window by window, so
// that signatures need not stay in memory: the apex keys are read once, the
// signatures of each window are checked as soon as it is signed, and the
// zone-wide rules (apex, NSEC/NSEC3 chains) run at finish(). The zone's
// names, types and chains must not change between construction and finish().
class WindowedVerifier {
public:
    WindowedVerifier(const Zone& zone, const VerifyOptions& options);
    ~WindowedVerifier();
    WindowedVerifier(const WindowedVerifier&) = delete;
    WindowedVerifier& operator=(const WindowedVerifier&) = delete;

    // Nodes of zone.nodes or zone.nsec3_nodes, each checked once over the run.
    void check_window(const std::vector<const Node*>& nodes);
    // The same checks for a part of a window, safe to call from several
    // threads at once; cryptography runs in the calling thread. Sample mode
    // verifies at least its fraction of all signatures seen so far (beyond
    // the key RRsets' and each key's first ones), within each part those of
    // lowest rank by a hash of owner and type.
    void check_nodes(const Node* const* nodes, std::size_t count);
    // Starts the zone-wide chain checks on a thread of their own, so that
    // they run while the windows are signed (they read names, types and
    // NSEC/NSEC3 RDATA only, never signatures); finish() waits for them.
    void check_chains_in_background();
    // True once the report holds a problem: the zone will not be published.
    bool failed() const;
    VerifyReport finish();

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace zs::zone
