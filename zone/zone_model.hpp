// The zone in memory: a compact model of our own, not ldns objects.
// Names and RDATA are wire form; RDATA of the types listed in RFC 4034 §6.2
// (as amended by RFC 6840 §5.1) is stored with embedded names lower-cased, so
// the stored bytes are already the canonical form that signatures cover.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zone/name.hpp"
#include "zone/rr_type.hpp"
#include "zone/wire.hpp"

namespace zs::zone {

struct RRset {
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    // Canonical RDATA, sorted as octet strings, no duplicates (RFC 4034 §6.3).
    std::vector<Wire> rdatas;
    // RRSIG RDATA covering this RRset (same owner, TTL = ttl).
    std::vector<Wire> rrsigs;
    // Bit i set: rrsigs[i] was taken over from an earlier signing of the
    // same data (incremental re-signing), which checked it; the
    // pre-publication check verifies its cryptography again only in full
    // mode (and always for the key RRsets).
    std::uint32_t reused_rrsigs = 0;
    bool rrsig_reused(std::size_t i) const { return i < 32 && (reused_rrsigs >> i & 1u) != 0; }
};

enum class NodeKind : std::uint8_t {
    Authoritative,  // apex and ordinary names with data
    Delegation,     // NS below the apex: only DS and NSEC/NSEC3 are signed here
    Occluded,       // below a zone cut (glue or other data): unsigned, out of the chain
};

struct Node {
    Wire owner;                  // lower case
    std::vector<RRset> rrsets;   // sorted by type
    NodeKind kind = NodeKind::Authoritative;

    RRset* find(std::uint16_t type);
    const RRset* find(std::uint16_t type) const;
    RRset& get_or_add(std::uint16_t type, std::uint32_t ttl);
    void remove(std::uint16_t type);
};

struct Zone {
    Wire origin;                     // lower case
    std::uint16_t rclass = class_IN;
    std::vector<Node> nodes;         // canonical order, nodes[0] is the apex
    // NSEC3 records live at hashed owners; kept apart, sorted by owner, and
    // merged into canonical order when written.
    std::vector<Node> nsec3_nodes;

    Node& apex() { return nodes.front(); }
    const Node& apex() const { return nodes.front(); }
    Node* find(const Wire& owner);
    const Node* find(const Wire& owner) const;
    // Inserts an empty node in canonical position if missing.
    Node& get_or_add(const Wire& owner);

    // Classifies nodes as authoritative, delegation or occluded (zone cuts:
    // NS below the apex; names below a cut are occluded).
    void classify();
    std::uint32_t soa_minimum_ttl() const;  // min(SOA MINIMUM, SOA TTL), RFC 9077
};

}  // namespace zs::zone
