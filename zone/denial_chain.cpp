#include "zone/denial_chain.hpp"

#include <algorithm>
#include <unordered_set>

#include "common/error.hpp"
#include "zone/nsec3_hash.hpp"
#include "zone/type_bitmap.hpp"

namespace zs::zone {

namespace {

bool in_chain(const Node& n) { return n.kind == NodeKind::Authoritative || n.kind == NodeKind::Delegation; }

bool has_ds(const Node& n) { return n.find(rrtype::DS) != nullptr; }

// Types at a name as the NSEC/NSEC3 bitmap lists them, before the denial
// record's own type. Authoritative names are signed, so RRSIG is listed;
// a delegation lists NS and DS, and RRSIG only when something there is
// signed (its DS, or for NSEC its NSEC).
std::vector<std::uint16_t> bitmap_types(const Node& n, bool nsec) {
    std::vector<std::uint16_t> types;
    if (n.kind == NodeKind::Delegation) {
        types.push_back(rrtype::NS);
        if (has_ds(n)) types.push_back(rrtype::DS);
        if (nsec || has_ds(n)) types.push_back(rrtype::RRSIG);
    } else {
        for (const auto& s : n.rrsets)
            if (s.type != rrtype::NSEC && s.type != rrtype::RRSIG) types.push_back(s.type);
        types.push_back(rrtype::RRSIG);
    }
    if (nsec) types.push_back(rrtype::NSEC);
    std::sort(types.begin(), types.end());
    types.erase(std::unique(types.begin(), types.end()), types.end());
    return types;
}

}  // namespace

void add_nsec_chain(Zone& zone, std::uint32_t ttl) {
    std::vector<std::size_t> members;
    members.reserve(zone.nodes.size());
    for (std::size_t i = 0; i < zone.nodes.size(); ++i)
        if (in_chain(zone.nodes[i])) members.push_back(i);
    for (std::size_t k = 0; k < members.size(); ++k) {
        Node& node = zone.nodes[members[k]];
        const Wire& next = zone.nodes[members[(k + 1) % members.size()]].owner;
        Wire rdata = next;
        rdata += encode_type_bitmap(bitmap_types(node, true));
        RRset& nsec = node.get_or_add(rrtype::NSEC, ttl);
        nsec.ttl = ttl;
        nsec.rdatas.assign(1, std::move(rdata));
        nsec.rrsigs.clear();
    }
}

Wire make_nsec3param_rdata(const Nsec3Parameters& p) {
    if (p.salt.size() > 255) throw Error("NSEC3 salt longer than 255 octets");
    Wire rd;
    put_u8(rd, nsec3_hash_sha1);
    put_u8(rd, 0);
    put_u16(rd, p.iterations);
    put_u8(rd, static_cast<std::uint8_t>(p.salt.size()));
    rd += p.salt;
    return rd;
}

void add_nsec3_chain(Zone& zone, const Nsec3Parameters& p, std::uint32_t ttl) {
    struct Entry {
        Wire hash;
        const Node* node;  // nullptr for an empty non-terminal
        Wire name;
    };
    std::vector<Entry> entries;
    entries.reserve(zone.nodes.size() + zone.nodes.size() / 8);

    // Names that get an NSEC3, and the empty non-terminals above them. With
    // opt-out, insecure delegations (and ENTs above only those) are left out.
    std::unordered_set<Wire> ents;
    for (const Node& n : zone.nodes) {
        if (!in_chain(n)) continue;
        if (p.opt_out && n.kind == NodeKind::Delegation && !has_ds(n)) continue;
        entries.push_back({Wire(), &n, Wire()});
        for (Wire up = parent_of(n.owner); up.size() > zone.origin.size(); up = parent_of(up)) {
            if (zone.find(up)) break;  // an existing name: its ancestors are handled through it
            if (!ents.insert(up).second) break;
        }
    }
    for (const Wire& ent : ents) entries.push_back({Wire(), nullptr, ent});

    for (auto& e : entries) e.hash = nsec3_hash(e.node ? e.node->owner : e.name, p.salt, p.iterations);
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
    for (std::size_t i = 1; i < entries.size(); ++i) {
        if (entries[i].hash == entries[i - 1].hash) {
            auto name_of = [](const Entry& e) { return name_to_text(e.node ? e.node->owner : e.name); };
            throw Error("NSEC3 hash collision between " + name_of(entries[i - 1]) + " and " + name_of(entries[i]) +
                        "; choose another salt");
        }
    }

    Wire prefix;
    put_u8(prefix, nsec3_hash_sha1);
    put_u8(prefix, p.opt_out ? 1 : 0);
    put_u16(prefix, p.iterations);
    put_u8(prefix, static_cast<std::uint8_t>(p.salt.size()));
    prefix += p.salt;

    zone.nsec3_nodes.clear();
    zone.nsec3_nodes.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        const Wire& next = entries[(i + 1) % entries.size()].hash;
        Wire rdata = prefix;
        put_u8(rdata, static_cast<std::uint8_t>(next.size()));
        rdata += next;
        if (e.node) rdata += encode_type_bitmap(bitmap_types(*e.node, false));
        Node node;
        node.owner = nsec3_owner(e.hash, zone.origin);
        RRset set;
        set.type = rrtype::NSEC3;
        set.ttl = ttl;
        set.rdatas.push_back(std::move(rdata));
        node.rrsets.push_back(std::move(set));
        zone.nsec3_nodes.push_back(std::move(node));
    }
    // Hash order equals canonical order of the owners: same length base32hex
    // labels under one parent sort as the hashes do.
}

void strip_dnssec(Zone& zone) {
    for (auto& node : zone.nodes) {
        node.rrsets.erase(std::remove_if(node.rrsets.begin(), node.rrsets.end(),
                                         [](const RRset& s) { return is_signer_generated(s.type); }),
                          node.rrsets.end());
        for (auto& s : node.rrsets) s.rrsigs.clear();
    }
    zone.nsec3_nodes.clear();
}

}  // namespace zs::zone
