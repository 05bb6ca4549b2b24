#include "zone/zone_builder.hpp"

#include <algorithm>
#include <unordered_map>

#include "common/error.hpp"
#include "zone/rr_type.hpp"

namespace zs::zone {

namespace {

struct Where {
    std::uint32_t file_index;
    std::uint32_t line;
};

// An RRset while the input is grouped, with the place of its first record
// (for errors) and whether its records disagreed on the TTL.
struct PendingSet {
    RRset set;
    Where first;
    bool mixed_ttl = false;
};

struct PendingNode {
    Wire owner;
    std::vector<PendingSet> sets;
    std::vector<std::pair<Wire, std::uint32_t>> rrsigs;  // (rdata, ttl) until attached
    std::vector<Where> rrsig_places;
};

class Builder {
public:
    Builder(MasterFile&& input, const Wire& origin, const BuildOptions& options)
        : input_(std::move(input)), origin_(origin), options_(options) {}

    BuildResult run();

private:
    std::string place(const Where& w) const {
        return input_.files[w.file_index] + ":" + std::to_string(w.line);
    }
    [[noreturn]] void fail(const Where& w, const std::string& what) const {
        throw InputError(input_.files[w.file_index], w.line, what);
    }
    void add(ParsedRecord& r);
    void check_node(const PendingNode& node);
    void check_apex(const PendingNode* apex);
    void check_below_dname(const Zone& zone);
    Node finish(PendingNode& p);

    MasterFile input_;
    Wire origin_;
    BuildOptions options_;
    BuildResult result_;
    std::vector<PendingNode> nodes_;
    std::unordered_map<Wire, std::uint32_t> index_;
    std::size_t dnssec_removed_ = 0;
    Where first_dnssec_removed_{};
    // Each node's place of the first record of each type, kept for rules
    // that need lines after grouping (DNAME).
    std::unordered_map<Wire, Where> dname_places_;
};

void Builder::add(ParsedRecord& r) {
    Where where{r.file_index, r.line};
    if (!is_at_or_below(r.owner, origin_))
        fail(where, "owner " + name_to_text(r.owner) + " is outside the zone " + name_to_text(origin_));
    if (is_signer_generated(r.type) && !options_.keep_dnssec_records) {
        if (dnssec_removed_++ == 0) first_dnssec_removed_ = where;
        return;
    }
    auto [it, inserted] = index_.try_emplace(r.owner, static_cast<std::uint32_t>(nodes_.size()));
    if (inserted) {
        nodes_.emplace_back();
        nodes_.back().owner = r.owner;
    }
    PendingNode& node = nodes_[it->second];
    if (r.type == rrtype::RRSIG) {
        node.rrsigs.emplace_back(std::move(r.rdata), r.ttl);
        node.rrsig_places.push_back(where);
        return;
    }
    for (auto& s : node.sets) {
        if (s.set.type != r.type) continue;
        if (s.set.ttl != r.ttl) {
            s.mixed_ttl = true;
            s.set.ttl = std::min(s.set.ttl, r.ttl);
        }
        s.set.rdatas.push_back(std::move(r.rdata));
        if (r.type == rrtype::SOA) fail(where, "more than one SOA record (first at " + place(s.first) + ")");
        if (r.type == rrtype::CNAME && s.set.rdatas.size() > 1)
            fail(where, "more than one CNAME record at " + name_to_text(r.owner));
        if (r.type == rrtype::DNAME && s.set.rdatas.size() > 1)
            fail(where, "more than one DNAME record at " + name_to_text(r.owner));
        return;
    }
    // A new type at this owner: CNAME excludes other data (RFC 1034 §3.6.2,
    // RFC 2181 §10.1); RRSIG/NSEC beside a CNAME are allowed but we add those.
    for (const auto& s : node.sets) {
        bool conflict = (r.type == rrtype::CNAME && !is_signer_generated(s.set.type)) ||
                        (s.set.type == rrtype::CNAME && !is_signer_generated(r.type));
        if (conflict)
            fail(where, "CNAME and other data at " + name_to_text(r.owner) + " (" + type_to_text(s.set.type) +
                            " at " + place(s.first) + ")");
    }
    if (r.type == rrtype::SOA && r.owner != origin_)
        fail(where, "SOA record at " + name_to_text(r.owner) + ", not at the zone apex " + name_to_text(origin_));
    if (r.type == rrtype::DS && r.owner == origin_) fail(where, "DS record at the zone apex");
    if (r.type == rrtype::DNAME) dname_places_[r.owner] = where;
    PendingSet s;
    s.set.type = r.type;
    s.set.ttl = r.ttl;
    s.set.rdatas.push_back(std::move(r.rdata));
    s.first = where;
    node.sets.push_back(std::move(s));
}

void Builder::check_node(const PendingNode& node) {
    bool has_ns = false;
    const PendingSet* ds = nullptr;
    for (const auto& s : node.sets) {
        if (s.set.type == rrtype::NS) has_ns = true;
        if (s.set.type == rrtype::DS) ds = &s;
        if (s.mixed_ttl)
            result_.warnings.push_back(place(s.first) + ": records of " + name_to_text(node.owner) + " " +
                                       type_to_text(s.set.type) + " have different TTLs; using the lowest, " +
                                       std::to_string(s.set.ttl));
    }
    if (ds && !has_ns && node.owner != origin_)
        fail(ds->first, "DS record at " + name_to_text(node.owner) + ", which is not a delegation (no NS records)");
}

void Builder::check_apex(const PendingNode* apex) {
    Where top{0, 1};
    if (!apex) fail(top, "the zone has no records at its apex " + name_to_text(origin_) + " (no SOA)");
    bool has_soa = false, has_ns = false;
    for (const auto& s : apex->sets) {
        if (s.set.type == rrtype::SOA) has_soa = true;
        if (s.set.type == rrtype::NS) has_ns = true;
    }
    if (!has_soa) fail(top, "the zone has no SOA record at its apex " + name_to_text(origin_));
    if (!has_ns) {
        for (const auto& s : apex->sets)
            if (s.set.type == rrtype::SOA) fail(s.first, "the zone apex " + name_to_text(origin_) + " has no NS records");
    }
}

void Builder::check_below_dname(const Zone& zone) {
    if (dname_places_.empty()) return;
    // Canonical order keeps a DNAME owner's descendants right after it.
    for (std::size_t i = 0; i < zone.nodes.size(); ++i) {
        const Node& n = zone.nodes[i];
        if (!n.find(rrtype::DNAME)) continue;
        if (i + 1 < zone.nodes.size() && is_at_or_below(zone.nodes[i + 1].owner, n.owner)) {
            const Node& below = zone.nodes[i + 1];
            auto where = dname_places_.at(n.owner);
            std::uint32_t idx = index_.at(below.owner);
            if (!nodes_.empty() && idx < nodes_.size() && !nodes_[idx].sets.empty()) where = nodes_[idx].sets.front().first;
            fail(where, "data at " + name_to_text(below.owner) + " below the DNAME at " + name_to_text(n.owner));
        }
    }
}

Node Builder::finish(PendingNode& p) {
    Node node;
    node.owner = p.owner;
    // Room for the NSEC record the signer adds, so the vector is not regrown.
    node.rrsets.reserve(p.sets.size() + 1);
    for (auto& s : p.sets) {
        auto& rd = s.set.rdatas;
        std::sort(rd.begin(), rd.end());
        auto before = rd.size();
        rd.erase(std::unique(rd.begin(), rd.end()), rd.end());
        result_.duplicates_removed += before - rd.size();
        node.rrsets.push_back(std::move(s.set));
    }
    std::sort(node.rrsets.begin(), node.rrsets.end(),
              [](const RRset& a, const RRset& b) { return a.type < b.type; });
    for (std::size_t i = 0; i < p.rrsigs.size(); ++i) {
        auto& [rdata, ttl] = p.rrsigs[i];
        std::uint16_t covered = rdata.size() >= 2 ? get_u16(rdata, 0) : 0;
        RRset* target = node.find(covered);
        if (!target) {
            result_.problems.push_back(name_to_text(node.owner) + " RRSIG: covers " + type_to_text(covered) +
                                       ", which is not present at this name (" + place(p.rrsig_places[i]) + ")");
            continue;
        }
        if (ttl != target->ttl)
            result_.problems.push_back(name_to_text(node.owner) + " RRSIG: TTL " + std::to_string(ttl) +
                                       " differs from the TTL " + std::to_string(target->ttl) + " of the " +
                                       type_to_text(covered) + " RRset (" + place(p.rrsig_places[i]) + ")");
        target->rrsigs.push_back(std::move(rdata));
    }
    for (auto& s : node.rrsets) {
        std::sort(s.rrsigs.begin(), s.rrsigs.end());
        s.rrsigs.erase(std::unique(s.rrsigs.begin(), s.rrsigs.end()), s.rrsigs.end());
    }
    return node;
}

BuildResult Builder::run() {
    nodes_.reserve(input_.records.size() / 3 + 16);
    index_.reserve(input_.records.size() / 3 + 16);
    for (auto& r : input_.records) add(r);
    input_.records.clear();
    input_.records.shrink_to_fit();

    auto apex_it = index_.find(origin_);
    check_apex(apex_it == index_.end() ? nullptr : &nodes_[apex_it->second]);
    for (const auto& n : nodes_) check_node(n);
    if (dnssec_removed_ > 0)
        result_.warnings.push_back(place(first_dnssec_removed_) + ": removed " + std::to_string(dnssec_removed_) +
                                   " DNSSEC record(s) (RRSIG, NSEC, NSEC3, NSEC3PARAM) from the input; the signer "
                                   "makes its own");

    Zone& zone = result_.zone;
    zone.origin = origin_;
    zone.nodes.reserve(nodes_.size());
    for (auto& p : nodes_) {
        Node node = finish(p);
        bool only_nsec3 = options_.keep_dnssec_records && !node.rrsets.empty() &&
                          std::all_of(node.rrsets.begin(), node.rrsets.end(),
                                      [](const RRset& s) { return s.type == rrtype::NSEC3; });
        (only_nsec3 ? zone.nsec3_nodes : zone.nodes).push_back(std::move(node));
    }
    auto by_owner = [](const Node& a, const Node& b) { return canonical_compare(a.owner, b.owner) < 0; };
    std::sort(zone.nodes.begin(), zone.nodes.end(), by_owner);
    std::sort(zone.nsec3_nodes.begin(), zone.nsec3_nodes.end(), by_owner);
    check_below_dname(zone);
    zone.classify();
    return std::move(result_);
}

}  // namespace

BuildResult build_zone(MasterFile&& input, const Wire& origin, const BuildOptions& options) {
    Builder builder(std::move(input), origin, options);
    return builder.run();
}

}  // namespace zs::zone
