// The signature cache of a zone (STATE/zones/ZONE.sigs): what the previous
// signing published, node by node in canonical order, so that the next one
// can take over signatures whose RRset data, key and validity are unchanged
// and copy the text of whole unchanged names from the previous output.
//
// File layout (integers big-endian):
//   prologue  "ZSSIGS1\n", the zonesigner version that wrote it (u8 length +
//             text: another version's cache is refused, since the text it
//             describes may be formatted differently), origin (u8 length +
//             wire), class (u16), length
//             of the output's header comment text (u32), keys (u16 count,
//             each u16 length + DNSKEY RDATA)
//   nodes     owner (u8 length + wire), length of its text in the output
//             (u32) and the checksum of that text (u64), RRsets (u16 count; each: type u16, RrsetDigest (16),
//             RRSIGs (u8 count; each: key index u8, u16 length + RDATA)))
//   trailer   node count, the output's device, inode, size, mtime and ctime
//             in ns, the checksum of every byte of this file before that
//             field (u64 each; common/checksum.hpp), "ZSSIGEND"
// The trailer is written after the output is in place; a file without it
// (an interrupted run never renames one into place), with a wrong checksum
// or with any inconsistency is refused as a whole. Text is copied from the
// previous output only while its identity is as recorded, and a name's text
// only if it still has its checksum.
//
// Why a digest is enough: a signature covers the RRSIG header and the
// RRset's canonical form; the header travels with the signature, and the
// digest stands for the canonical form (zone/rrset_digest.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/atomic_file.hpp"
#include "common/checksum.hpp"
#include "signer/file_bytes.hpp"
#include "zone/rrset_digest.hpp"
#include "zone/zone_model.hpp"

namespace zs::signer {

struct CachedRrsig {
    std::uint8_t key = 0;     // index into SignatureCache::keys()
    std::string_view rdata;   // RRSIG RDATA as published
};

struct CachedRrset {
    std::uint16_t type = 0;
    zone::RrsetDigest digest{};
    std::uint32_t first_rrsig = 0;
    std::uint32_t rrsig_count = 0;
};

struct CachedNode {
    std::string_view owner;          // wire, lower case
    std::string_view entry;          // the node's bytes in the cache file
    std::uint64_t text_offset = 0;   // in the previous output
    std::uint32_t text_length = 0;
    std::uint64_t text_checksum = 0;
    std::uint32_t first_rrset = 0;
    std::uint32_t rrset_count = 0;
};

class SignatureCache {
public:
    // Throws Error saying what is wrong when the file cannot be used.
    explicit SignatureCache(const std::string& path);

    const std::string& path() const { return path_; }
    std::string_view origin() const { return origin_; }
    std::uint16_t rclass() const { return rclass_; }
    const std::vector<std::string_view>& keys() const { return keys_; }  // DNSKEY RDATA
    // The output the cache describes, as it was when the cache was written.
    const FileIdentity& output() const { return output_; }
    std::uint32_t header_text_length() const { return header_text_length_; }

    // The node of this owner, or null. `cursor` is the caller's position
    // (start at 0): lookups in canonical order, as the signer makes them,
    // find the next node there without a search.
    const CachedNode* find(const zone::Wire& owner, std::size_t& cursor) const;
    const CachedRrset& rrset(const CachedNode& node, std::uint32_t i) const { return rrsets_[node.first_rrset + i]; }
    const CachedRrsig& rrsig(const CachedRrset& set, std::uint32_t i) const { return rrsigs_[set.first_rrsig + i]; }
    std::size_t node_count() const { return nodes_.size(); }
    std::size_t rrsig_count() const { return rrsigs_.size(); }

private:
    std::string path_;
    FileBytes file_;
    std::string_view origin_;
    std::uint16_t rclass_ = 0;
    std::uint32_t header_text_length_ = 0;
    std::vector<std::string_view> keys_;
    FileIdentity output_;
    std::vector<CachedNode> nodes_;
    std::vector<CachedRrset> rrsets_;
    std::vector<CachedRrsig> rrsigs_;
};

// Writes the next cache while the pipeline writes the output: the
// prologue now, the nodes window by window, the trailer at commit().
class SignatureCacheWriter {
public:
    // keys: DNSKEY RDATA of the signing keys; an RRSIG's key index is the
    // position of the key with its algorithm and key tag.
    SignatureCacheWriter(const std::string& path, const zone::Wire& origin, std::uint16_t rclass,
                         std::uint32_t header_text_length, const std::vector<zone::Wire>& keys);

    // Appends one node's entry to `out` (a worker's buffer); `digests` has
    // one digest per RRset of the node, in the node's order; `text` is the
    // node's text in the output.
    void serialize_node(std::string& out, const zone::Node& node, const std::vector<zone::RrsetDigest>& digests,
                        std::string_view text) const;
    // Appends the entry of a node copied unchanged from the previous
    // signing (every RRSIG of it reused): its bytes as they are when the key
    // lists agree, else with each key index translated through
    // `signing_key_of` (cache key -> index in this writer's keys).
    static void copy_node(std::string& out, const SignatureCache& cache, const CachedNode& node,
                          const std::vector<int>& signing_key_of);
    // Appends serialized nodes to the file (the calling thread, in order).
    void append(std::string_view entries, std::size_t nodes);
    // Finishes the file for an output now in place (its identity), without
    // fsync: the cache only saves work, and a damaged one is refused and
    // rebuilt.
    void commit(const FileIdentity& output);

private:
    void write(std::string_view bytes);

    AtomicFile file_;
    Checksum64 checksum_;
    std::vector<std::pair<std::uint8_t, std::uint16_t>> key_ids_;  // (algorithm, key tag)
    std::uint64_t nodes_ = 0;
};

// STATE/zones/ZONE.sigs (the zone name escaped as for the run record).
std::string signature_cache_path(const std::string& state_root, const std::string& zone);

}  // namespace zs::signer
