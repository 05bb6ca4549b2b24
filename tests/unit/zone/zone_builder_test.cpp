#include <gtest/gtest.h>

#include "common/error.hpp"
#include "test_zone_helpers.hpp"
#include "zone/rr_type.hpp"
#include "zone/zone_builder.hpp"

using namespace zs::zone;
using namespace zs::zone::testing;

namespace {

const std::string soa = "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 3600 IN NS ns1\nns1 IN A 192.0.2.1\n";

std::string error_of(const std::string& text) {
    try {
        build_from_text(text, "example.");
    } catch (const zs::InputError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(ZoneBuilder, GroupsSortsAndClassifies) {
    auto r = build_from_text("$TTL 300\n" + soa +
                                 "b IN A 192.0.2.2\nA IN A 192.0.2.3\nb IN AAAA 2001:db8::1\nsub IN NS ns.sub\n"
                                 "ns.sub IN A 192.0.2.9\nx.y.z IN TXT \"deep\"\n",
                             "example.");
    const Zone& z = r.zone;
    ASSERT_EQ(z.nodes.size(), 7u);
    EXPECT_EQ(name_to_text(z.nodes[0].owner), "example.");
    EXPECT_EQ(name_to_text(z.nodes[1].owner), "a.example.");  // lower-cased, canonical order
    EXPECT_EQ(name_to_text(z.nodes[2].owner), "b.example.");
    EXPECT_EQ(z.nodes[2].rrsets.size(), 2u);
    EXPECT_EQ(z.nodes[2].rrsets[0].type, rrtype::A);  // sorted by type
    const Node* sub = z.find(name("sub.example."));
    ASSERT_NE(sub, nullptr);
    EXPECT_EQ(sub->kind, NodeKind::Delegation);
    const Node* glue = z.find(name("ns.sub.example."));
    ASSERT_NE(glue, nullptr);
    EXPECT_EQ(glue->kind, NodeKind::Occluded);
    EXPECT_EQ(z.find(name("x.y.z.example."))->kind, NodeKind::Authoritative);
    EXPECT_EQ(z.apex().kind, NodeKind::Authoritative);
}

TEST(ZoneBuilder, RemovesDuplicatesAndUsesLowestTtlWithWarning) {
    auto r = build_from_text(soa + "a 300 IN A 192.0.2.1\na 300 IN A 192.0.2.1\na 100 IN A 192.0.2.2\n", "example.");
    const RRset* a = r.zone.find(name("a.example."))->find(rrtype::A);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->rdatas.size(), 2u);
    EXPECT_EQ(a->ttl, 100u);
    EXPECT_EQ(r.duplicates_removed, 1u);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("different TTLs"), std::string::npos);
    EXPECT_NE(r.warnings[0].find("test.zone:4"), std::string::npos);
}

TEST(ZoneBuilder, RemovesDnssecRecordsWithWarningAndKeepsForeignDnskey) {
    auto r = build_from_text(soa +
                                 "a IN A 192.0.2.1\n"
                                 "a IN NSEC b A RRSIG NSEC\n"
                                 "@ IN NSEC3PARAM 1 0 0 -\n"
                                 "@ IN DNSKEY 256 3 13 "
                                 "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n",
                             "example.");
    EXPECT_EQ(r.zone.find(name("a.example."))->find(rrtype::NSEC), nullptr);
    EXPECT_EQ(r.zone.apex().find(rrtype::NSEC3PARAM), nullptr);
    ASSERT_NE(r.zone.apex().find(rrtype::DNSKEY), nullptr);
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_NE(r.warnings[0].find("removed 2 DNSSEC record"), std::string::npos);
    EXPECT_NE(r.warnings[0].find("test.zone:5"), std::string::npos);
}

TEST(ZoneBuilder, KeepsSignaturesWhenVerifying) {
    auto r = build_from_text(soa +
                                 "a 300 IN A 192.0.2.1\n"
                                 "a 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 1234 example. AAAA\n"
                                 "a 600 IN RRSIG A 13 2 300 20300101000000 20200101000000 1235 example. AAAA\n"
                                 "b 300 IN RRSIG MX 13 2 300 20300101000000 20200101000000 1235 example. AAAA\n",
                             "example.", true);
    const RRset* a = r.zone.find(name("a.example."))->find(rrtype::A);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->rrsigs.size(), 2u);
    ASSERT_EQ(r.problems.size(), 2u);
    EXPECT_NE(r.problems[0].find("differs from the TTL 300"), std::string::npos);
    EXPECT_NE(r.problems[1].find("covers MX, which is not present"), std::string::npos);
}

TEST(ZoneBuilder, RefusesZoneRuleViolationsWithFileAndLine) {
    EXPECT_EQ(error_of("a IN A 192.0.2.1\n"), "test.zone:1: the zone has no records at its apex example. (no SOA)");
    EXPECT_EQ(error_of("@ IN NS ns1\nns1 IN A 192.0.2.1\n"), "test.zone:1: the zone has no SOA record at its apex example.");
    EXPECT_EQ(error_of("@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"),
              "test.zone:1: the zone apex example. has no NS records");
    EXPECT_EQ(error_of(soa + "@ 3600 IN SOA ns2 hostmaster 2 7200 3600 1209600 300\n"),
              "test.zone:4: more than one SOA record (first at test.zone:1)");
    EXPECT_EQ(error_of(soa + "www IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"),
              "test.zone:4: SOA record at www.example., not at the zone apex example.");
    EXPECT_EQ(error_of(soa + "www.other. IN A 192.0.2.1\n"),
              "test.zone:4: owner www.other. is outside the zone example.");
    EXPECT_EQ(error_of(soa + "www IN A 192.0.2.1\nwww IN CNAME x\n"),
              "test.zone:5: CNAME and other data at www.example. (A at test.zone:4)");
    EXPECT_EQ(error_of(soa + "www IN CNAME x\nwww IN TXT \"t\"\n"),
              "test.zone:5: CNAME and other data at www.example. (CNAME at test.zone:4)");
    EXPECT_EQ(error_of(soa + "www IN CNAME x\nwww IN CNAME y\n"), "test.zone:5: more than one CNAME record at www.example.");
    EXPECT_EQ(error_of(soa + "d IN DNAME other.\nx.d IN A 192.0.2.1\n"),
              "test.zone:5: data at x.d.example. below the DNAME at d.example.");
    EXPECT_EQ(error_of(soa + "@ IN DS 1 13 2 "
                             "0000000000000000000000000000000000000000000000000000000000000000\n"),
              "test.zone:4: DS record at the zone apex");
    EXPECT_EQ(error_of(soa + "x IN DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000\n"),
              "test.zone:4: DS record at x.example., which is not a delegation (no NS records)");
}

// The streaming builder shares each owner among its records
// (MasterFileOptions::share_owners); the result must be the zone that
// records with their own owners give, also where the first record of an
// owner is a DNSSEC record that is dropped before its node exists.
TEST(ZoneBuilder, SharedOwnersBuildTheSameZone) {
    std::string text = "$TTL 300\n" + soa +
                       "a IN NSEC b A RRSIG NSEC\n"
                       "  IN A 192.0.2.1\n"
                       "  IN AAAA 2001:db8::1\n"
                       "b IN RRSIG A 13 2 300 20300101000000 20200101000000 1 example. AAAA\n"
                       "  IN NSEC c A RRSIG NSEC\n"
                       "  IN TXT \"b\"\n"
                       "a IN TXT \"a again\"\n"
                       "c IN A 192.0.2.3\n"
                       "  IN NSEC a A RRSIG NSEC\n"
                       "  IN MX 10 a\n";
    for (int i = 0; i < 3000; ++i)  // several batches, so some start inside an owner's records
        text += "h" + std::to_string(i) + " IN NSEC3PARAM 1 0 0 -\n  IN A 192.0.2.9\n  IN TXT \"x\"\n";
    const BuildResult own = build_from_text(text, "example.");
    for (unsigned threads : {1u, 2u}) {
        MasterFileOptions o;
        o.origin = origin_of("example.");
        o.threads = threads;
        o.batch_records = threads == 1 ? 7 : 2048;  // batches that begin inside an owner's records
        const BuildResult shared = build_zone_from_text(text, "test.zone", o);
        ASSERT_EQ(shared.zone.nodes.size(), own.zone.nodes.size());
        for (std::size_t n = 0; n < own.zone.nodes.size(); ++n) {
            const Node& a = own.zone.nodes[n];
            const Node& b = shared.zone.nodes[n];
            ASSERT_EQ(name_to_text(b.owner), name_to_text(a.owner));
            ASSERT_EQ(b.rrsets.size(), a.rrsets.size()) << name_to_text(a.owner);
            for (std::size_t r = 0; r < a.rrsets.size(); ++r) {
                EXPECT_EQ(b.rrsets[r].type, a.rrsets[r].type);
                EXPECT_EQ(b.rrsets[r].rdatas, a.rrsets[r].rdatas);
            }
        }
        EXPECT_EQ(shared.warnings, own.warnings);
    }
    const Node* a = own.zone.find(name("a.example."));
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->rrsets.size(), 3u);  // A, AAAA, TXT: the NSEC dropped, its inherited records kept
    const Node* h = own.zone.find(name("h2999.example."));
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->rrsets.size(), 2u);
}
