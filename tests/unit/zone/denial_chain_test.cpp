#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "test_zone_helpers.hpp"
#include "zone/denial_chain.hpp"
#include "zone/nsec3_hash.hpp"
#include "zone/rr_text.hpp"
#include "zone/type_bitmap.hpp"

using namespace zs::zone;
using namespace zs::zone::testing;

namespace {

const std::string base =
    "$TTL 3600\n"
    "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ IN NS ns1\n"
    "ns1 IN A 192.0.2.1\n"
    "a.b.c IN TXT \"deep\"\n"          // ENTs b.c and c
    "*.w IN A 192.0.2.7\n"             // wildcard, ENT w
    "secure IN NS ns.secure\n"
    "secure IN DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000\n"
    "ns.secure IN A 192.0.2.8\n"       // glue
    "insecure IN NS ns.elsewhere.\n"
    "x.insecure IN TXT \"occluded\"\n"
    "e.f.insecure2 IN NS ns.elsewhere.\n";  // insecure delegation below ENT f.insecure2, insecure2

std::vector<std::uint16_t> nsec_types(const Node& n) {
    const RRset* s = n.find(rrtype::NSEC);
    EXPECT_NE(s, nullptr);
    Wire rd = s->rdatas.at(0);
    std::size_t name_len = 0;
    while (rd[name_len] != 0) name_len += static_cast<unsigned char>(rd[name_len]) + 1u;
    return decode_type_bitmap(rd.substr(name_len + 1));
}

}  // namespace

TEST(DenialChain, NsecChainCoversAuthoritativeNamesAndDelegationsOnly) {
    auto r = build_from_text(base, "example.");
    Zone& z = r.zone;
    add_nsec_chain(z, 300);
    std::vector<std::string> owners, nexts;
    for (const auto& n : z.nodes) {
        const RRset* s = n.find(rrtype::NSEC);
        if (!s) continue;
        EXPECT_EQ(s->ttl, 300u);
        owners.push_back(name_to_text(n.owner));
        Wire rd = s->rdatas.at(0);
        std::size_t len = 0;
        while (rd[len] != 0) len += static_cast<unsigned char>(rd[len]) + 1u;
        nexts.push_back(name_to_text(rd.substr(0, len + 1)));
    }
    std::vector<std::string> expected = {"example.", "a.b.c.example.", "insecure.example.", "e.f.insecure2.example.",
                                         "ns1.example.", "secure.example.", "*.w.example."};
    EXPECT_EQ(owners, expected);
    for (std::size_t i = 0; i < owners.size(); ++i) EXPECT_EQ(nexts[i], owners[(i + 1) % owners.size()]);
    EXPECT_EQ(z.find(name("ns.secure.example."))->find(rrtype::NSEC), nullptr);
    EXPECT_EQ(z.find(name("x.insecure.example."))->find(rrtype::NSEC), nullptr);
    // Delegation bitmaps: NS, DS if present, RRSIG, NSEC.
    EXPECT_EQ(nsec_types(*z.find(name("secure.example."))),
              (std::vector<std::uint16_t>{rrtype::NS, rrtype::DS, rrtype::RRSIG, rrtype::NSEC}));
    EXPECT_EQ(nsec_types(*z.find(name("insecure.example."))),
              (std::vector<std::uint16_t>{rrtype::NS, rrtype::RRSIG, rrtype::NSEC}));
    EXPECT_EQ(nsec_types(z.apex()),
              (std::vector<std::uint16_t>{rrtype::NS, rrtype::SOA, rrtype::RRSIG, rrtype::NSEC}));
}

namespace {

struct Nsec3View {
    std::string owner_hash;
    bool opt_out;
    std::string next_hash;
    std::vector<std::uint16_t> types;
};

Nsec3View view(const Node& n) {
    const Wire& rd = n.rrsets.at(0).rdatas.at(0);
    Nsec3View v;
    v.owner_hash = n.owner.substr(1, static_cast<unsigned char>(n.owner[0]));
    v.opt_out = rd[1] & 1;
    std::size_t salt_len = static_cast<unsigned char>(rd[4]);
    std::size_t pos = 5 + salt_len;
    std::size_t hash_len = static_cast<unsigned char>(rd[pos]);
    v.next_hash = zs::to_base32hex(rd.data() + pos + 1, hash_len);
    v.types = decode_type_bitmap(rd.substr(pos + 1 + hash_len));
    return v;
}

std::string hash_label(const std::string& owner, const Nsec3Parameters& p) {
    Wire h = nsec3_hash(name(owner), p.salt, p.iterations);
    return zs::to_base32hex(h.data(), h.size());
}

}  // namespace

TEST(DenialChain, Nsec3ChainIncludesEmptyNonTerminalsAndIsClosed) {
    auto r = build_from_text(base, "example.");
    Zone& z = r.zone;
    Nsec3Parameters p;
    add_nsec3_chain(z, p, 300);
    std::map<std::string, Nsec3View> by_hash;
    for (const auto& n : z.nsec3_nodes) by_hash[view(n).owner_hash] = view(n);
    // 8 names + ENTs b.c, c, w, f.insecure2, insecure2.
    std::vector<std::string> expected = {"example.", "a.b.c.example.", "b.c.example.", "c.example.",
                                         "*.w.example.", "w.example.", "secure.example.", "insecure.example.",
                                         "e.f.insecure2.example.", "f.insecure2.example.", "insecure2.example.",
                                         "ns1.example."};
    EXPECT_EQ(by_hash.size(), expected.size());
    for (const auto& e : expected) EXPECT_EQ(by_hash.count(hash_label(e, p)), 1u) << e;
    EXPECT_EQ(by_hash.count(hash_label("ns.secure.example.", p)), 0u);
    EXPECT_EQ(by_hash.count(hash_label("x.insecure.example.", p)), 0u);
    // Closed chain in hash order.
    std::vector<std::string> hashes;
    for (const auto& [h, v] : by_hash) hashes.push_back(h);
    for (std::size_t i = 0; i < hashes.size(); ++i)
        EXPECT_EQ(by_hash[hashes[i]].next_hash, hashes[(i + 1) % hashes.size()]);
    // Bitmaps: ENT empty, insecure delegation NS only, secure NS DS RRSIG.
    EXPECT_TRUE(by_hash[hash_label("c.example.", p)].types.empty());
    EXPECT_EQ(by_hash[hash_label("insecure.example.", p)].types, std::vector<std::uint16_t>{rrtype::NS});
    EXPECT_EQ(by_hash[hash_label("secure.example.", p)].types,
              (std::vector<std::uint16_t>{rrtype::NS, rrtype::DS, rrtype::RRSIG}));
    // Stored in canonical order of owners.
    for (std::size_t i = 1; i < z.nsec3_nodes.size(); ++i)
        EXPECT_LT(canonical_compare(z.nsec3_nodes[i - 1].owner, z.nsec3_nodes[i].owner), 0);
}

TEST(DenialChain, Nsec3OptOutSkipsInsecureDelegationsAndTheirEnts) {
    auto r = build_from_text(base, "example.");
    Zone& z = r.zone;
    Nsec3Parameters p;
    p.opt_out = true;
    p.salt = "\xaa\xbb";
    add_nsec3_chain(z, p, 300);
    std::set<std::string> hashes;
    for (const auto& n : z.nsec3_nodes) {
        hashes.insert(view(n).owner_hash);
        EXPECT_TRUE(view(n).opt_out);
    }
    EXPECT_EQ(hashes.count(hash_label("secure.example.", p)), 1u);
    EXPECT_EQ(hashes.count(hash_label("insecure.example.", p)), 0u);
    EXPECT_EQ(hashes.count(hash_label("e.f.insecure2.example.", p)), 0u);
    EXPECT_EQ(hashes.count(hash_label("f.insecure2.example.", p)), 0u);
    EXPECT_EQ(hashes.count(hash_label("insecure2.example.", p)), 0u);
    EXPECT_EQ(hashes.count(hash_label("b.c.example.", p)), 1u);
    EXPECT_EQ(hashes.size(), 8u);
}

TEST(DenialChain, Nsec3ParamRdata) {
    Nsec3Parameters p;
    p.iterations = 12;
    p.salt = "\xaa\xbb\xcc\xdd";
    EXPECT_EQ(zs::to_hex(make_nsec3param_rdata(p)), "0100000c04aabbccdd");
}

TEST(DenialChain, StripDnssecRemovesChainsAndSignatures) {
    auto r = build_from_text(base, "example.");
    Zone& z = r.zone;
    add_nsec_chain(z, 300);
    z.apex().rrsets[0].rrsigs.push_back("sig");
    strip_dnssec(z);
    for (const auto& n : z.nodes) {
        EXPECT_EQ(n.find(rrtype::NSEC), nullptr);
        for (const auto& s : n.rrsets) EXPECT_TRUE(s.rrsigs.empty());
    }
}
