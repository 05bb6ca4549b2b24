#include "zone/zone_writer.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

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

void write_zone_text(const Zone& zone, const TextSink& sink, unsigned threads) {
    const std::vector<const Node*> order = nodes_in_canonical_order(zone);
    threads = std::max(1u, threads);
    constexpr std::size_t chunk_nodes = 256;
    const std::size_t chunks = (order.size() + chunk_nodes - 1) / chunk_nodes;
    // Window of chunks formatted in parallel, then written in order, so
    // memory stays bounded whatever the zone size.
    const std::size_t window = threads * 4;
    std::vector<std::string> texts(window);
    for (std::size_t first = 0; first < chunks; first += window) {
        const std::size_t count = std::min(window, chunks - first);
        std::atomic<std::size_t> next{0};
        auto work = [&] {
            for (std::size_t i; (i = next.fetch_add(1)) < count;) {
                std::string& out = texts[i];
                out.clear();
                const std::size_t begin = (first + i) * chunk_nodes;
                const std::size_t end = std::min(order.size(), begin + chunk_nodes);
                for (std::size_t n = begin; n < end; ++n) append_node_text(out, *order[n], zone.rclass);
            }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < std::min<std::size_t>(threads, count); ++t) pool.emplace_back(work);
        work();
        for (auto& t : pool) t.join();
        for (std::size_t i = 0; i < count; ++i) sink(texts[i]);
    }
}

}  // namespace zs::zone
