// The NSEC chain (checklist rules 10-13).
#include "common/error.hpp"
#include "zone/type_bitmap.hpp"
#include "zone/verify_internal.hpp"

namespace zs::zone::verify {

namespace {

// Names that get an NSEC: names with authoritative data and delegations.
bool needs_nsec(const Node& node) { return node.kind != NodeKind::Occluded && has_data(node); }

std::vector<std::uint16_t> expected_nsec_types(const Node& node) {
    std::vector<std::uint16_t> types;
    if (node.kind == NodeKind::Delegation) {
        types = {rrtype::NS};
        if (node.find(rrtype::DS)) types.push_back(rrtype::DS);
    } else {
        types = data_types(node);
    }
    types.push_back(rrtype::RRSIG);
    types.push_back(rrtype::NSEC);
    return types;
}

void check_one_nsec(const Node& node, const RRset& nsec, const Wire& expected_next, std::uint32_t ttl,
                    Problems& problems) {
    if (nsec.rdatas.size() != 1) {
        problems.add(node.owner, rrtype::NSEC,
                     std::to_string(nsec.rdatas.size()) + " NSEC records at one name, must be exactly one");
        return;
    }
    const Wire& rdata = nsec.rdatas.front();
    std::size_t pos = 0;
    Wire next;
    try {
        next = read_name(rdata, pos);
    } catch (const Error& e) {
        problems.add(node.owner, rrtype::NSEC, std::string("malformed next name: ") + e.what());
        return;
    }
    // The next name keeps its case in canonical form (RFC 6840 §5.1).
    if (canonical_compare(next, expected_next) != 0)
        problems.add(node.owner, rrtype::NSEC,
                     "next name is " + name_to_text(next) + ", expected " + name_to_text(expected_next));
    try {
        compare_bitmap(node.owner, rrtype::NSEC, decode_type_bitmap(rdata, pos), expected_nsec_types(node), "",
                       problems);
    } catch (const Error& e) {
        problems.add(node.owner, rrtype::NSEC, std::string("malformed ") + e.what());
    }
    if (nsec.ttl != ttl)
        problems.add(node.owner, rrtype::NSEC,
                     "TTL " + std::to_string(nsec.ttl) + " differs from min(SOA MINIMUM, SOA TTL) = " +
                         std::to_string(ttl) + " (RFC 9077)");
}

}  // namespace

void check_nsec_chain(const Zone& zone, Problems& problems) {
    const std::uint32_t ttl = zone.soa_minimum_ttl();
    std::vector<const Node*> chain;
    for (const Node& node : zone.nodes) {
        if (needs_nsec(node)) {
            chain.push_back(&node);
        } else if (node.find(rrtype::NSEC)) {
            problems.add(node.owner, rrtype::NSEC,
                         node.kind == NodeKind::Occluded ? "NSEC at an occluded name (below a zone cut)"
                                                         : "NSEC at a name without data");
        }
    }
    for (std::size_t i = 0; i < chain.size() && !problems.full(); ++i) {
        const Node& node = *chain[i];
        const Wire& expected_next = i + 1 < chain.size() ? chain[i + 1]->owner : zone.origin;
        const RRset* nsec = node.find(rrtype::NSEC);
        if (!nsec || nsec->rdatas.empty()) {
            problems.add(node.owner, rrtype::NSEC, "missing: this name has data but no NSEC record");
            continue;
        }
        check_one_nsec(node, *nsec, expected_next, ttl, problems);
    }
}

}  // namespace zs::zone::verify
