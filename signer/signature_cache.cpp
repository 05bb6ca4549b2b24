#include "signer/signature_cache.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

#include "common/error.hpp"
#include "signer/run_record.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/name.hpp"
#include "zone/wire.hpp"

namespace zs::signer {

namespace {

constexpr std::string_view kMagic = "ZSSIGS1\n";
constexpr std::string_view kEndMagic = "ZSSIGEND";
constexpr std::string_view kVersion = ZS_VERSION;
constexpr std::size_t kTrailerSize = 7 * 8 + 8;

// Bounds-checked reading of the file: any overrun is a damaged
// cache, reported with the offset.
class Reader {
public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}
    std::string_view take(std::size_t n) {
        if (n > bytes_.size() - pos_) throw Error("truncated at byte " + std::to_string(pos_));
        std::string_view v = bytes_.substr(pos_, n);
        pos_ += n;
        return v;
    }
    std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)[0]); }
    std::uint16_t u16() {
        auto v = take(2);
        return static_cast<std::uint16_t>(static_cast<unsigned char>(v[0]) << 8 | static_cast<unsigned char>(v[1]));
    }
    std::uint32_t u32() {
        std::uint32_t hi = u16();
        return hi << 16 | u16();
    }
    std::uint64_t u64() {
        std::uint64_t hi = u32();
        return hi << 32 | u32();
    }
    std::size_t position() const { return pos_; }

private:
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

// A wire name as the zone model keeps them: labels of at most 63 octets,
// at most 255 octets, ending in the root label exactly at the end.
bool well_formed_name(std::string_view name) {
    if (name.empty() || name.size() > 255) return false;
    std::size_t pos = 0;
    while (pos < name.size()) {
        const auto length = static_cast<unsigned char>(name[pos]);
        if (length == 0) return pos + 1 == name.size();
        if (length > 63) return false;
        pos += 1 + length;
    }
    return false;
}

void put_u64(zone::Wire& out, std::uint64_t v) {
    zone::put_u32(out, static_cast<std::uint32_t>(v >> 32));
    zone::put_u32(out, static_cast<std::uint32_t>(v & 0xffffffffu));
}

}  // namespace

std::string signature_cache_path(const std::string& state_root, const std::string& zone) {
    std::string path = run_record_path(state_root, zone);  // ".../zones/NAME.run"
    return path.substr(0, path.size() - 3) + "sigs";
}

SignatureCache::SignatureCache(const std::string& path) : path_(path), file_(path) {
    const std::string_view bytes = file_.bytes();
    try {
        if (bytes.size() < kMagic.size() + kTrailerSize || bytes.substr(0, kMagic.size()) != kMagic)
            throw Error("not a zonesigner signature cache");
        if (bytes.substr(bytes.size() - kEndMagic.size()) != kEndMagic) throw Error("incomplete (no trailer)");
        const std::size_t summed = bytes.size() - 16;
        if (Reader(bytes.substr(summed)).u64() != checksum64(bytes.substr(0, summed)))
            throw Error("checksum mismatch");
        Reader trailer(bytes.substr(bytes.size() - kTrailerSize));
        const std::uint64_t node_count = trailer.u64();
        output_.device = trailer.u64();
        output_.inode = trailer.u64();
        output_.size = trailer.u64();
        output_.mtime_ns = trailer.u64();
        output_.ctime_ns = trailer.u64();

        Reader in(bytes.substr(0, bytes.size() - kTrailerSize));
        in.take(kMagic.size());
        const std::string_view version = in.take(in.u8());
        if (version != kVersion)
            throw Error("written by zonesigner " + std::string(version) + ", this is " + std::string(kVersion));
        origin_ = in.take(in.u8());
        if (!well_formed_name(origin_)) throw Error("the origin is not a domain name");
        rclass_ = in.u16();
        header_text_length_ = in.u32();
        const std::uint16_t key_count = in.u16();
        for (std::uint16_t k = 0; k < key_count; ++k) keys_.push_back(in.take(in.u16()));
        if (node_count > bytes.size()) throw Error("node count " + std::to_string(node_count) + " is impossible");
        nodes_.reserve(node_count);
        std::uint64_t text_offset = header_text_length_;
        // find() searches in canonical order: the names must be in it.
        zone::Wire previous_owner, owner;
        for (std::uint64_t n = 0; n < node_count; ++n) {
            CachedNode node;
            const std::size_t entry_start = in.position();
            node.owner = in.take(in.u8());
            if (!well_formed_name(node.owner)) throw Error("name " + std::to_string(n + 1) + " is not a domain name");
            owner.assign(node.owner);
            if (n > 0 && zone::canonical_compare(previous_owner, owner) >= 0)
                throw Error("name " + std::to_string(n + 1) + " is out of canonical order");
            previous_owner.swap(owner);
            node.text_offset = text_offset;
            node.text_length = in.u32();
            node.text_checksum = in.u64();
            text_offset += node.text_length;
            node.first_rrset = static_cast<std::uint32_t>(rrsets_.size());
            node.rrset_count = in.u16();
            for (std::uint32_t r = 0; r < node.rrset_count; ++r) {
                CachedRrset set;
                set.type = in.u16();
                std::memcpy(set.digest.data(), in.take(set.digest.size()).data(), set.digest.size());
                set.first_rrsig = static_cast<std::uint32_t>(rrsigs_.size());
                set.rrsig_count = in.u8();
                for (std::uint32_t s = 0; s < set.rrsig_count; ++s) {
                    CachedRrsig sig;
                    sig.key = in.u8();
                    if (sig.key >= keys_.size()) throw Error("key index " + std::to_string(sig.key) + " out of range");
                    sig.rdata = in.take(in.u16());
                    rrsigs_.push_back(sig);
                }
                rrsets_.push_back(set);
            }
            node.entry = bytes.substr(entry_start, in.position() - entry_start);
            nodes_.push_back(node);
        }
        if (in.position() != bytes.size() - kTrailerSize) throw Error("unexpected bytes after the last node");
        // The texts must add up to the output the cache describes, or the
        // offsets could not be trusted.
        if (text_offset != output_.size) throw Error("node texts do not add up to the output's size");
    } catch (const Error& e) {
        throw Error("signature cache " + path + " is damaged: " + e.what());
    }
}

const CachedNode* SignatureCache::find(const zone::Wire& owner, std::size_t& cursor) const {
    // Mostly the node at the cursor or just after it (names removed since).
    for (std::size_t i = cursor; i < nodes_.size() && i < cursor + 3; ++i)
        if (nodes_[i].owner == owner) {
            cursor = i + 1;
            return &nodes_[i];
        }
    // Elsewhere (another worker's part of the zone, or a new name): a
    // binary search in canonical order, the order the nodes were written in.
    auto it = std::lower_bound(nodes_.begin(), nodes_.end(), owner, [](const CachedNode& node, const zone::Wire& name) {
        return zone::canonical_compare(zone::Wire(node.owner), name) < 0;
    });
    if (it == nodes_.end() || it->owner != owner) return nullptr;
    cursor = static_cast<std::size_t>(it - nodes_.begin()) + 1;
    return &*it;
}

namespace {

// The cache lives in STATE/zones/, which the first run of a zone creates.
const std::string& with_directory(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0) {
        const std::string dir = path.substr(0, slash);
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) throw SystemError("cannot create directory", dir, errno);
    }
    return path;
}

}  // namespace

SignatureCacheWriter::SignatureCacheWriter(const std::string& path, const zone::Wire& origin, std::uint16_t rclass,
                                           std::uint32_t header_text_length, const std::vector<zone::Wire>& keys)
    : file_(with_directory(path), 0600) {
    if (keys.size() > 255) throw Error("too many signing keys for the signature cache");
    zone::Wire prologue(kMagic);
    prologue.push_back(static_cast<char>(kVersion.size()));
    prologue += kVersion;
    prologue.push_back(static_cast<char>(origin.size()));
    prologue += origin;
    zone::put_u16(prologue, rclass);
    zone::put_u32(prologue, header_text_length);
    zone::put_u16(prologue, static_cast<std::uint16_t>(keys.size()));
    for (const auto& k : keys) {
        zone::put_u16(prologue, static_cast<std::uint16_t>(k.size()));
        prologue += k;
        key_ids_.emplace_back(static_cast<std::uint8_t>(k.size() > 3 ? k[3] : 0), zone::key_tag(k));
    }
    write(prologue);
}

void SignatureCacheWriter::write(std::string_view bytes) {
    checksum_.update(bytes);
    file_.write(bytes);
}

void SignatureCacheWriter::serialize_node(std::string& out, const zone::Node& node,
                                          const std::vector<zone::RrsetDigest>& digests,
                                          std::string_view text) const {
    out.push_back(static_cast<char>(node.owner.size()));
    out += node.owner;
    zone::put_u32(out, static_cast<std::uint32_t>(text.size()));
    put_u64(out, checksum64(text));
    zone::put_u16(out, static_cast<std::uint16_t>(node.rrsets.size()));
    for (std::size_t r = 0; r < node.rrsets.size(); ++r) {
        const zone::RRset& set = node.rrsets[r];
        zone::put_u16(out, set.type);
        out.append(reinterpret_cast<const char*>(digests[r].data()), digests[r].size());
        // RRSIGs of keys not in the list (none today) cannot be reused.
        std::size_t count_at = out.size();
        out.push_back('\0');
        std::uint8_t count = 0;
        for (const zone::Wire& sig : set.rrsigs) {
            if (sig.size() < 18 || count == 255) continue;
            const std::uint8_t algorithm = static_cast<std::uint8_t>(sig[2]);
            const std::uint16_t tag = zone::get_u16(sig, 16);
            std::size_t k = 0;
            while (k < key_ids_.size() && key_ids_[k] != std::make_pair(algorithm, tag)) ++k;
            if (k == key_ids_.size()) continue;
            out.push_back(static_cast<char>(k));
            zone::put_u16(out, static_cast<std::uint16_t>(sig.size()));
            out += sig;
            ++count;
        }
        out[count_at] = static_cast<char>(count);
    }
}

void SignatureCacheWriter::copy_node(std::string& out, const SignatureCache& cache, const CachedNode& node,
                                     const std::vector<int>& signing_key_of) {
    bool same_keys = true;
    for (std::size_t k = 0; k < signing_key_of.size(); ++k) same_keys = same_keys && signing_key_of[k] == static_cast<int>(k);
    if (same_keys) {
        out += node.entry;
        return;
    }
    out.push_back(static_cast<char>(node.owner.size()));
    out += node.owner;
    zone::put_u32(out, node.text_length);
    put_u64(out, node.text_checksum);
    zone::put_u16(out, static_cast<std::uint16_t>(node.rrset_count));
    for (std::uint32_t r = 0; r < node.rrset_count; ++r) {
        const CachedRrset& set = cache.rrset(node, r);
        zone::put_u16(out, set.type);
        out.append(reinterpret_cast<const char*>(set.digest.data()), set.digest.size());
        out.push_back(static_cast<char>(set.rrsig_count));
        for (std::uint32_t s = 0; s < set.rrsig_count; ++s) {
            const CachedRrsig& sig = cache.rrsig(set, s);
            out.push_back(static_cast<char>(signing_key_of[sig.key]));
            zone::put_u16(out, static_cast<std::uint16_t>(sig.rdata.size()));
            out += sig.rdata;
        }
    }
}

void SignatureCacheWriter::append(std::string_view entries, std::size_t nodes) {
    write(entries);
    nodes_ += nodes;
}

void SignatureCacheWriter::commit(const FileIdentity& output) {
    zone::Wire trailer;
    put_u64(trailer, nodes_);
    put_u64(trailer, output.device);
    put_u64(trailer, output.inode);
    put_u64(trailer, output.size);
    put_u64(trailer, output.mtime_ns);
    put_u64(trailer, output.ctime_ns);
    write(trailer);
    trailer.clear();
    put_u64(trailer, checksum_.value());
    trailer += kEndMagic;
    file_.write(trailer);
    file_.commit(false);
}

}  // namespace zs::signer
