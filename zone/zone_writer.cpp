#include "zone/zone_writer.hpp"

#include <algorithm>

#include "zone/rr_text.hpp"

namespace zs::zone {

std::vector<const Node*> nodes_in_canonical_order(const Zone& zone) {
    std::vector<const Node*> order;
    order.reserve(zone.nodes.size() + zone.nsec3_nodes.size());
    auto a = zone.nodes.begin(), ae = zone.nodes.end();
    auto b = zone.nsec3_nodes.begin(), be = zone.nsec3_nodes.end();
    while (a != ae || b != be) {
        if (b == be || (a != ae && canonical_compare(a->owner, b->owner) <= 0))
            order.push_back(&*a++);
        else
            order.push_back(&*b++);
    }
    return order;
}

static void format_rrset(std::string& out, const Node& node, const RRset& set, std::uint16_t rclass) {
    for (const auto& rd : set.rdatas) append_rr_text(out, node.owner, set.type, rclass, set.ttl, rd);
    for (const auto& sig : set.rrsigs) append_rr_text(out, node.owner, rrtype::RRSIG, rclass, set.ttl, sig);
}

void append_node_text(std::string& out, const Node& node, std::uint16_t rclass) {
    // The SOA goes first, as tools that read a zone file's first record expect.
    if (const RRset* soa = node.find(rrtype::SOA)) format_rrset(out, node, *soa, rclass);
    for (const auto& set : node.rrsets)
        if (set.type != rrtype::SOA) format_rrset(out, node, set, rclass);
}

}  // namespace zs::zone
