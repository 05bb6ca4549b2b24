#include "zone/zone_builder.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/error.hpp"
#include "common/test_stop_point.hpp"
#include "zone/owner_index.hpp"
#include "zone/rr_type.hpp"

namespace zs::zone {

namespace {

struct Where {
    std::uint32_t file_index;
    std::uint32_t line;
};

// The first record of an RRset, for errors and warnings after grouping. Kept
// in one flat vector in the order the sets were created, rather than beside
// each set, so the model holds nothing that only reading needs.
struct SetPlace {
    std::uint32_t node;
    std::uint16_t type;
    Where first;
};

// An RRSIG read while verifying, until its node is complete.
struct PendingRrsig {
    std::uint32_t node;
    std::uint32_t ttl;
    Where where;
    Wire rdata;
};

// Groups records into nodes as they arrive. Nodes are built in place, in the
// order their owners first appear; each owner is stored once (in its Node)
// and found through OwnerIndex.
class Builder {
public:
    // `files` names the file_index of every record given; it may grow
    // between batches.
    Builder(const Wire& origin, const BuildOptions& options, const std::vector<std::string>& files)
        : files_(files), origin_(origin), options_(options), index_(nodes_) {}

    void add_batch(std::vector<ParsedRecord>& batch) {
        for (auto& r : batch) add(r);
    }

    BuildResult finish_zone();

private:
    static constexpr std::uint32_t none = OwnerIndex::none;

    std::string place(const Where& w) const { return files_.at(w.file_index) + ":" + std::to_string(w.line); }
    [[noreturn]] void fail(const Where& w, const std::string& what) const {
        throw InputError(files_.at(w.file_index), w.line, what);
    }
    void add(ParsedRecord& r);
    std::uint32_t node_for(Wire& owner);
    const Where& first_place(std::uint32_t node, std::uint16_t type) const;
    void check_apex();
    void check_nodes();
    void finish_node(Node& node);
    void attach_rrsigs();
    std::vector<std::uint32_t> canonical_order(std::size_t& regular);
    void check_below_dname(const std::vector<std::uint32_t>& order, std::size_t regular);

    const std::vector<std::string>& files_;
    Wire origin_;
    BuildOptions options_;
    BuildResult result_;
    std::vector<Node> nodes_;
    OwnerIndex index_;
    std::uint32_t last_node_ = none;  // records of one owner usually come together
    bool previous_has_node_ = false;  // last_node_ is the previous record's node
    Wire dropped_owner_;              // else the previous record's owner
    std::vector<SetPlace> set_places_;
    std::vector<std::pair<std::uint32_t, std::uint16_t>> mixed_ttl_;  // (node, type), repeats possible
    std::vector<PendingRrsig> rrsigs_;
    std::size_t dnssec_removed_ = 0;
    Where first_dnssec_removed_{};
    std::unordered_map<std::uint32_t, Where> dname_places_;  // node -> its first DNAME record
};

std::uint32_t Builder::node_for(Wire& owner) {
    std::uint64_t h = OwnerIndex::hash(owner);
    std::uint32_t found = index_.find(owner, h);
    if (found != none) return found;
    auto node = static_cast<std::uint32_t>(nodes_.size());
    nodes_.emplace_back();
    nodes_.back().owner = std::move(owner);
    index_.insert(node, h);
    return node;
}

// Only for messages: a linear search.
const Where& Builder::first_place(std::uint32_t node, std::uint16_t type) const {
    for (auto it = set_places_.rbegin(); it != set_places_.rend(); ++it)
        if (it->node == node && it->type == type) return it->first;
    throw Error("internal: no place recorded for an RRset");
}

void Builder::add(ParsedRecord& r) {
    Where where{r.file_index, r.line};
    // A record that shares its predecessor's owner: that record's node, or
    // (rarely: it was dropped before it had one) its owner.
    if (r.owner_as_previous && !previous_has_node_) r.owner = dropped_owner_;
    const bool known = r.owner_as_previous ? previous_has_node_
                                           : last_node_ != none && r.owner == nodes_[last_node_].owner;
    std::uint32_t node_index;
    if (known) {
        // Already known to be inside the zone.
        if (is_signer_generated(r.type) && !options_.keep_dnssec_records) {
            if (dnssec_removed_++ == 0) first_dnssec_removed_ = where;
            return;
        }
        node_index = last_node_;
    } else {
        if (!is_at_or_below(r.owner, origin_))
            fail(where, "owner " + name_to_text(r.owner) + " is outside the zone " + name_to_text(origin_));
        if (is_signer_generated(r.type) && !options_.keep_dnssec_records) {
            if (dnssec_removed_++ == 0) first_dnssec_removed_ = where;
            dropped_owner_ = std::move(r.owner);
            previous_has_node_ = false;
            return;
        }
        node_index = node_for(r.owner);
        last_node_ = node_index;
    }
    previous_has_node_ = true;
    Node& node = nodes_[node_index];
    const Wire& owner = node.owner;
    if (r.type == rrtype::RRSIG) {
        rrsigs_.push_back(PendingRrsig{node_index, r.ttl, where, std::move(r.rdata)});
        return;
    }
    for (auto& s : node.rrsets) {
        if (s.type != r.type) continue;
        if (s.ttl != r.ttl) {
            mixed_ttl_.emplace_back(node_index, r.type);
            s.ttl = std::min(s.ttl, r.ttl);
        }
        s.rdatas.push_back(std::move(r.rdata));
        if (r.type == rrtype::SOA)
            fail(where, "more than one SOA record (first at " + place(first_place(node_index, r.type)) + ")");
        if (r.type == rrtype::CNAME && s.rdatas.size() > 1)
            fail(where, "more than one CNAME record at " + name_to_text(owner));
        if (r.type == rrtype::DNAME && s.rdatas.size() > 1)
            fail(where, "more than one DNAME record at " + name_to_text(owner));
        return;
    }
    // A new type at this owner: CNAME excludes other data (RFC 1034 §3.6.2,
    // RFC 2181 §10.1); RRSIG/NSEC beside a CNAME are allowed but we add those.
    for (const auto& s : node.rrsets) {
        bool conflict = (r.type == rrtype::CNAME && !is_signer_generated(s.type)) ||
                        (s.type == rrtype::CNAME && !is_signer_generated(r.type));
        if (conflict)
            fail(where, "CNAME and other data at " + name_to_text(owner) + " (" + type_to_text(s.type) + " at " +
                            place(first_place(node_index, s.type)) + ")");
    }
    if (r.type == rrtype::SOA && owner != origin_)
        fail(where, "SOA record at " + name_to_text(owner) + ", not at the zone apex " + name_to_text(origin_));
    if (r.type == rrtype::DS && owner == origin_) fail(where, "DS record at the zone apex");
    if (r.type == rrtype::DNAME) dname_places_[node_index] = where;
    // Room for one more RRset, the NSEC the signer adds, so the vector is
    // not regrown then; growing one at a time keeps it exact.
    if (node.rrsets.size() + 2 > node.rrsets.capacity()) node.rrsets.reserve(node.rrsets.size() + 2);
    RRset s;
    s.type = r.type;
    s.ttl = r.ttl;
    s.rdatas.push_back(std::move(r.rdata));
    node.rrsets.push_back(std::move(s));
    set_places_.push_back(SetPlace{node_index, r.type, where});
}

void Builder::check_apex() {
    Where top{0, 1};
    std::uint32_t apex = index_.find(origin_, OwnerIndex::hash(origin_));
    if (apex == none) fail(top, "the zone has no records at its apex " + name_to_text(origin_) + " (no SOA)");
    bool has_soa = false, has_ns = false;
    for (const auto& s : nodes_[apex].rrsets) {
        if (s.type == rrtype::SOA) has_soa = true;
        if (s.type == rrtype::NS) has_ns = true;
    }
    if (!has_soa) fail(top, "the zone has no SOA record at its apex " + name_to_text(origin_));
    if (!has_ns) fail(first_place(apex, rrtype::SOA), "the zone apex " + name_to_text(origin_) + " has no NS records");
}

// Per node, in the order owners first appeared and with each node's RRsets
// still in the order they were created: mixed TTL warnings, DS without NS.
void Builder::check_nodes() {
    auto by_node = [](const SetPlace& a, const SetPlace& b) { return a.node < b.node; };
    if (!std::is_sorted(set_places_.begin(), set_places_.end(), by_node))
        std::stable_sort(set_places_.begin(), set_places_.end(), by_node);
    std::sort(mixed_ttl_.begin(), mixed_ttl_.end());
    mixed_ttl_.erase(std::unique(mixed_ttl_.begin(), mixed_ttl_.end()), mixed_ttl_.end());
    std::size_t at = 0;  // node i's RRsets are set_places_[at, at + rrsets.size())
    for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
        const Node& node = nodes_[i];
        bool has_ns = false;
        const SetPlace* ds = nullptr;
        for (const auto& s : node.rrsets) {
            const SetPlace& p = set_places_[at++];
            if (s.type == rrtype::NS) has_ns = true;
            if (s.type == rrtype::DS) ds = &p;
            if (!mixed_ttl_.empty() && std::binary_search(mixed_ttl_.begin(), mixed_ttl_.end(), std::make_pair(i, s.type)))
                result_.warnings.push_back(place(p.first) + ": records of " + name_to_text(node.owner) + " " +
                                           type_to_text(s.type) + " have different TTLs; using the lowest, " +
                                           std::to_string(s.ttl));
        }
        if (ds && !has_ns && node.owner != origin_)
            fail(ds->first, "DS record at " + name_to_text(node.owner) + ", which is not a delegation (no NS records)");
    }
    mixed_ttl_ = {};
}

void Builder::finish_node(Node& node) {
    for (auto& s : node.rrsets) {
        auto& rd = s.rdatas;
        std::sort(rd.begin(), rd.end());
        auto before = rd.size();
        rd.erase(std::unique(rd.begin(), rd.end()), rd.end());
        result_.duplicates_removed += before - rd.size();
    }
    std::sort(node.rrsets.begin(), node.rrsets.end(), [](const RRset& a, const RRset& b) { return a.type < b.type; });
}

// RRSIGs go to the RRset they cover; problems are listed node by node (in
// the order owners first appeared), in file order within a node.
void Builder::attach_rrsigs() {
    if (rrsigs_.empty()) return;
    std::stable_sort(rrsigs_.begin(), rrsigs_.end(),
                     [](const PendingRrsig& a, const PendingRrsig& b) { return a.node < b.node; });
    for (auto& sig : rrsigs_) {
        Node& node = nodes_[sig.node];
        std::uint16_t covered = sig.rdata.size() >= 2 ? get_u16(sig.rdata, 0) : 0;
        RRset* target = node.find(covered);
        if (!target) {
            result_.problems.push_back(name_to_text(node.owner) + " RRSIG: covers " + type_to_text(covered) +
                                       ", which is not present at this name (" + place(sig.where) + ")");
            continue;
        }
        if (sig.ttl != target->ttl)
            result_.problems.push_back(name_to_text(node.owner) + " RRSIG: TTL " + std::to_string(sig.ttl) +
                                       " differs from the TTL " + std::to_string(target->ttl) + " of the " +
                                       type_to_text(covered) + " RRset (" + place(sig.where) + ")");
        target->rrsigs.push_back(std::move(sig.rdata));
    }
    rrsigs_ = {};
    for (auto& node : nodes_) {
        for (auto& s : node.rrsets) {
            std::sort(s.rrsigs.begin(), s.rrsigs.end());
            s.rrsigs.erase(std::unique(s.rrsigs.begin(), s.rrsigs.end()), s.rrsigs.end());
        }
    }
}

// Positions of nodes_ in the order of the finished zone: the regular nodes
// in canonical order, then (when verifying) the nodes holding only NSEC3
// records, which go to Zone::nsec3_nodes.
//
// Comparing owners with canonical_compare while sorting chases two pointers
// per comparison; instead each node gets the first 16 bytes of a key whose
// byte order is the canonical order (RFC 4034 §6.1), held in the sorted
// array itself; only owners whose keys tie there are compared in full.
std::vector<std::uint32_t> Builder::canonical_order(std::size_t& regular) {
    struct SortKey {
        std::uint64_t high;  // key bytes 0-7, big-endian, zero-padded
        std::uint64_t low;   // key bytes 8-15
        std::uint32_t node;
        bool nsec3_only;
    };
    std::vector<SortKey> sorted;
    sorted.reserve(nodes_.size());
    std::vector<std::size_t> label_starts;
    const std::size_t origin_size = origin_.empty() ? 1 : origin_.size();
    regular = 0;
    for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
        const Node& node = nodes_[i];
        bool only_nsec3 = options_.keep_dnssec_records && !node.rrsets.empty() &&
                          std::all_of(node.rrsets.begin(), node.rrsets.end(),
                                      [](const RRset& s) { return s.type == rrtype::NSEC3; });
        if (!only_nsec3) ++regular;
        // The key: the owner's labels below the origin, from the right, each
        // as its bytes in lower case followed by 0x00; 0x00 and 0x01 inside
        // a label become 01 01 and 01 02, so the end of a label sorts first.
        const Wire& owner = node.owner;
        label_starts.clear();
        std::size_t relative_end = owner.size() >= origin_size ? owner.size() - origin_size : 0;
        for (std::size_t pos = 0; pos < relative_end; pos += get_u8(owner, pos) + 1u) label_starts.push_back(pos);
        unsigned char key[16] = {};
        std::size_t length = 0;
        auto put = [&key, &length](unsigned char c) {
            if (length < sizeof key) key[length] = c;
            ++length;
        };
        for (auto it = label_starts.rbegin(); it != label_starts.rend() && length < sizeof key; ++it) {
            std::size_t label_length = get_u8(owner, *it);
            for (std::size_t j = *it + 1; j <= *it + label_length; ++j) {
                auto c = static_cast<unsigned char>(owner[j]);
                if (c <= 1) {
                    put(1);
                    put(static_cast<unsigned char>(c + 1));
                } else {
                    put(c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + ('a' - 'A')) : c);
                }
            }
            put(0);
        }
        SortKey sort_key{0, 0, i, only_nsec3};
        for (std::size_t j = 0; j < 8; ++j) {
            sort_key.high = sort_key.high << 8 | key[j];
            sort_key.low = sort_key.low << 8 | key[j + 8];
        }
        sorted.push_back(sort_key);
    }
    std::sort(sorted.begin(), sorted.end(), [this](const SortKey& a, const SortKey& b) {
        if (a.nsec3_only != b.nsec3_only) return b.nsec3_only;
        if (a.high != b.high) return a.high < b.high;
        if (a.low != b.low) return a.low < b.low;
        return canonical_compare(nodes_[a.node].owner, nodes_[b.node].owner) < 0;
    });
    std::vector<std::uint32_t> order(sorted.size());
    for (std::size_t k = 0; k < sorted.size(); ++k) order[k] = sorted[k].node;
    return order;
}

void Builder::check_below_dname(const std::vector<std::uint32_t>& order, std::size_t regular) {
    if (dname_places_.empty()) return;
    // Canonical order keeps a DNAME owner's descendants right after it.
    for (std::size_t i = 0; i + 1 < regular; ++i) {
        const Node& n = nodes_[order[i]];
        if (!n.find(rrtype::DNAME)) continue;
        std::uint32_t below = order[i + 1];
        if (!is_at_or_below(nodes_[below].owner, n.owner)) continue;
        Where where = dname_places_.at(order[i]);
        auto first = std::lower_bound(set_places_.begin(), set_places_.end(), below,
                                      [](const SetPlace& p, std::uint32_t node) { return p.node < node; });
        if (first != set_places_.end() && first->node == below) where = first->first;
        fail(where, "data at " + name_to_text(nodes_[below].owner) + " below the DNAME at " + name_to_text(n.owner));
    }
}

BuildResult Builder::finish_zone() {
    check_apex();
    check_nodes();
    if (dnssec_removed_ > 0)
        result_.warnings.push_back(place(first_dnssec_removed_) + ": removed " + std::to_string(dnssec_removed_) +
                                   " DNSSEC record(s) (RRSIG, NSEC, NSEC3, NSEC3PARAM) from the input; the signer "
                                   "makes its own");
    index_.release();
    for (auto& node : nodes_) finish_node(node);
    attach_rrsigs();

    // The places are needed later only to report data below a DNAME.
    if (dname_places_.empty()) set_places_ = {};
    std::size_t regular = 0;
    std::vector<std::uint32_t> order = canonical_order(regular);
    check_below_dname(order, regular);
    set_places_ = {};
    // Moves the nodes into `order` in place, following the permutation's
    // cycles (no second vector of nodes).
    for (std::size_t start = 0; start < order.size(); ++start) {
        if (order[start] == start) continue;
        Node held = std::move(nodes_[start]);
        std::size_t at = start;
        for (;;) {
            std::size_t from = order[at];
            order[at] = static_cast<std::uint32_t>(at);
            if (from == start) {
                nodes_[at] = std::move(held);
                break;
            }
            nodes_[at] = std::move(nodes_[from]);
            at = from;
        }
    }
    Zone& zone = result_.zone;
    zone.origin = origin_;
    zone.nsec3_nodes.assign(std::make_move_iterator(nodes_.begin() + static_cast<std::ptrdiff_t>(regular)),
                            std::make_move_iterator(nodes_.end()));
    nodes_.resize(regular);
    zone.nodes = std::move(nodes_);
    zone.classify();
    return std::move(result_);
}

}  // namespace

BuildResult build_zone(MasterFile&& input, const Wire& origin, const BuildOptions& options) {
    MasterFile owned = std::move(input);
    Builder builder(origin, options, owned.files);
    builder.add_batch(owned.records);
    owned.records = {};
    return builder.finish_zone();
}

BuildResult build_zone_from_file(const std::string& path, const MasterFileOptions& read_options,
                                 const BuildOptions& options) {
    std::vector<std::string> files;
    Builder builder(read_options.origin, options, files);
    MasterFileOptions sharing = read_options;
    sharing.share_owners = true;
    stream_master_file(path, sharing, files, [&builder](std::vector<ParsedRecord>& batch) {
        builder.add_batch(batch);
        test_stop_point("mid-read");
    });
    return builder.finish_zone();
}

BuildResult build_zone_from_text(const std::string& text, const std::string& name,
                                 const MasterFileOptions& read_options, const BuildOptions& options) {
    std::vector<std::string> files;
    Builder builder(read_options.origin, options, files);
    MasterFileOptions sharing = read_options;
    sharing.share_owners = true;
    stream_master_text(text, name, sharing, files,
                       [&builder](std::vector<ParsedRecord>& batch) { builder.add_batch(batch); });
    return builder.finish_zone();
}

}  // namespace zs::zone
