#include "zone/zone_model.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace zs::zone {

RRset* Node::find(std::uint16_t type) {
    for (auto& s : rrsets)
        if (s.type == type) return &s;
    return nullptr;
}

const RRset* Node::find(std::uint16_t type) const {
    for (const auto& s : rrsets)
        if (s.type == type) return &s;
    return nullptr;
}

RRset& Node::get_or_add(std::uint16_t type, std::uint32_t ttl) {
    auto it = std::lower_bound(rrsets.begin(), rrsets.end(), type,
                               [](const RRset& s, std::uint16_t t) { return s.type < t; });
    if (it != rrsets.end() && it->type == type) return *it;
    RRset s;
    s.type = type;
    s.ttl = ttl;
    return *rrsets.insert(it, std::move(s));
}

void Node::remove(std::uint16_t type) {
    rrsets.erase(std::remove_if(rrsets.begin(), rrsets.end(), [&](const RRset& s) { return s.type == type; }),
                 rrsets.end());
}

static std::vector<Node>::iterator lower_bound_node(std::vector<Node>& nodes, const Wire& owner) {
    return std::lower_bound(nodes.begin(), nodes.end(), owner,
                            [](const Node& n, const Wire& o) { return canonical_compare(n.owner, o) < 0; });
}

Node* Zone::find(const Wire& owner) {
    auto it = lower_bound_node(nodes, owner);
    if (it != nodes.end() && it->owner == owner) return &*it;
    return nullptr;
}

const Node* Zone::find(const Wire& owner) const { return const_cast<Zone*>(this)->find(owner); }

Node& Zone::get_or_add(const Wire& owner) {
    auto it = lower_bound_node(nodes, owner);
    if (it != nodes.end() && it->owner == owner) return *it;
    Node n;
    n.owner = owner;
    return *nodes.insert(it, std::move(n));
}

void Zone::classify() {
    // Canonical order puts every name directly after its ancestors' subtrees
    // begin, so one pass with the innermost open cut suffices.
    const Wire* cut = nullptr;
    for (auto& node : nodes) {
        if (cut && is_at_or_below(node.owner, *cut) && node.owner != *cut) {
            node.kind = NodeKind::Occluded;
            continue;
        }
        cut = nullptr;
        if (node.owner != origin && node.find(rrtype::NS)) {
            node.kind = NodeKind::Delegation;
            cut = &node.owner;
        } else {
            node.kind = NodeKind::Authoritative;
        }
    }
}

std::uint32_t Zone::soa_minimum_ttl() const {
    const RRset* soa = apex().find(rrtype::SOA);
    if (!soa || soa->rdatas.empty()) throw Error("zone has no SOA record");
    const Wire& rd = soa->rdatas.front();
    std::uint32_t minimum = get_u32(rd, rd.size() - 4);
    return std::min(minimum, soa->ttl);
}

}  // namespace zs::zone
