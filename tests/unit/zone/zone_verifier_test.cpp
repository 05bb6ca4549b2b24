#include "zone/zone_verifier.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "test_signed_zone.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/master_file.hpp"
#include "zone/name.hpp"
#include "zone/nsec3_hash.hpp"
#include "zone/rrsig.hpp"
#include "zone/type_bitmap.hpp"
#include "zone/zone_builder.hpp"

namespace zs::zone {
namespace {

using verifier_test::has_problem;
using verifier_test::problems_text;
using verifier_test::TestSignedZone;

constexpr std::uint32_t day = 86400;

TestSignedZone nsec_zone() {
    TestSignedZone t;
    t.add_standard_names();
    t.build_nsec_chain();
    t.sign_all();
    return t;
}

TestSignedZone nsec3_zone(verifier_test::Nsec3Setup setup = {}) {
    TestSignedZone t;
    t.add_standard_names();
    t.build_nsec3_chain(setup);
    t.sign_all();
    return t;
}

std::string tag_of(const TestSignedZone& t, std::size_t key) { return "key tag " + std::to_string(t.keys[key].tag); }

// --- good zones -------------------------------------------------------------

TEST(ZoneVerifier, AcceptsNsecZoneInEveryMode) {
    TestSignedZone t = nsec_zone();
    for (auto mode : {VerifyMode::Full, VerifyMode::Sample, VerifyMode::Structure}) {
        VerifyReport report = t.verify(mode);
        EXPECT_TRUE(report.ok()) << problems_text(report);
        EXPECT_GT(report.rrsets_checked, 10u);
    }
    VerifyReport full = t.verify(VerifyMode::Full, 4);
    EXPECT_TRUE(full.ok()) << problems_text(full);
    EXPECT_EQ(full.signatures_verified, t.signature_count());
    EXPECT_EQ(t.verify(VerifyMode::Structure).signatures_verified, 0u);
}

TEST(ZoneVerifier, LibraryKeyTagMatchesRfc4034AppendixB) {
    TestSignedZone t;
    for (const auto& key : t.keys) EXPECT_EQ(key_tag(key.dnskey), key.tag);
}

TEST(ZoneVerifier, AcceptsNsec3Zone) {
    TestSignedZone t = nsec3_zone();
    VerifyReport report = t.verify(VerifyMode::Full, 2);
    EXPECT_TRUE(report.ok()) << problems_text(report);
    EXPECT_EQ(report.signatures_verified, t.signature_count());
}

TEST(ZoneVerifier, AcceptsNsec3OptOutZoneWithSalt) {
    // Opt-out leaves out insecure.example., x.y.example. and the ENT y.example.
    TestSignedZone t = nsec3_zone({Wire("\xaa\xbb", 2), 5, true, {}});
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_TRUE(report.ok()) << problems_text(report);
    EXPECT_THROW(t.nsec3_node_for("insecure.example."), std::runtime_error);
    EXPECT_THROW(t.nsec3_node_for("y.example."), std::runtime_error);
}

TEST(ZoneVerifier, AcceptsTwoAlgorithmsEachSigningEverything) {
    TestSignedZone t;
    t.add_standard_names();
    t.add_key(verifier_test::make_test_key(15, 257, true, true));  // Ed25519 CSK
    t.build_nsec_chain();
    t.sign_all();
    VerifyReport report = t.verify(VerifyMode::Full, 3);
    EXPECT_TRUE(report.ok()) << problems_text(report);
    EXPECT_EQ(report.signatures_verified, t.signature_count());
}

// --- signatures ---------------------------------------------------------------

TEST(ZoneVerifier, FullModeRejectsFlippedSignatureByte) {
    TestSignedZone t = nsec_zone();
    Wire& rrsig = t.rrset("www.example.", rrtype::A).rrsigs.front();
    rrsig.back() = static_cast<char>(rrsig.back() ^ 0x01);
    EXPECT_TRUE(t.verify(VerifyMode::Structure).ok()) << "structure alone cannot see it";
    VerifyReport report = t.verify(VerifyMode::Full, 2);
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"www.example. A: RRSIG algorithm 13 " + tag_of(t, 1), "signature does not verify"}))
        << problems_text(report);
}

TEST(ZoneVerifier, ReusedSignaturesGetStructureChecksAlwaysAndCryptographyInFullMode) {
    TestSignedZone t = nsec_zone();
    // Every signature taken over from an earlier signing (incremental
    // re-signing), one of them damaged since.
    for (Node& node : t.zone.nodes)
        for (RRset& set : node.rrsets) set.reused_rrsigs = ~0u;
    Wire& rrsig = t.rrset("www.example.", rrtype::A).rrsigs.front();
    rrsig.back() = static_cast<char>(rrsig.back() ^ 0x01);
    VerifyReport sample = t.verify(VerifyMode::Sample);
    EXPECT_TRUE(sample.ok()) << problems_text(sample);
    // Only the key RRset's reused signatures are verified again in sample mode.
    EXPECT_EQ(sample.signatures_verified, t.rrset("example.", rrtype::DNSKEY).rrsigs.size());
    Wire& dnskey_rrsig = t.rrset("example.", rrtype::DNSKEY).rrsigs.front();
    dnskey_rrsig.back() = static_cast<char>(dnskey_rrsig.back() ^ 0x01);
    VerifyReport bad_key = t.verify(VerifyMode::Sample);
    EXPECT_TRUE(has_problem(bad_key, {"example. DNSKEY:", "signature does not verify"})) << problems_text(bad_key);
    dnskey_rrsig.back() = static_cast<char>(dnskey_rrsig.back() ^ 0x01);
    VerifyReport full = t.verify(VerifyMode::Full);
    EXPECT_TRUE(has_problem(full, {"www.example. A:", "signature does not verify"})) << problems_text(full);
    EXPECT_EQ(full.signatures_verified, t.signature_count());
    // Structure is checked for reused signatures in every mode.
    t.rrset("www.example.", rrtype::A).ttl += 1;
    VerifyReport structure = t.verify(VerifyMode::Sample);
    EXPECT_TRUE(has_problem(structure, {"www.example. A:", "original TTL"})) << problems_text(structure);
}

TEST(ZoneVerifier, RejectsSignatureOverChangedData) {
    TestSignedZone t = nsec_zone();
    t.rrset("ns1.example.", rrtype::A).rdatas = {verifier_test::a_rdata(99)};
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_TRUE(has_problem(report, {"ns1.example. A:", "signature does not verify"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsExpiredSignature) {
    TestSignedZone t = nsec_zone();
    t.resign("www.example.", rrtype::TXT, [](RrsigFields& f) {
        f.inception = TestSignedZone::now - 20 * day;
        f.expiration = TestSignedZone::now - day;
    });
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"www.example. TXT:", "expired at 20231113"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsSignatureNotYetValid) {
    TestSignedZone t = nsec_zone();
    t.resign("www.example.", rrtype::A, [](RrsigFields& f) { f.inception = TestSignedZone::now + 60; });
    VerifyReport report = t.verify(VerifyMode::Structure);
    EXPECT_TRUE(has_problem(report, {"www.example. A:", "not valid before"})) << problems_text(report);
}

TEST(ZoneVerifier, ComparesTimesInSerialArithmetic) {
    // More than 2^31 seconds ahead is behind in RFC 1982 arithmetic (RFC 4034 §3.1.5).
    TestSignedZone t = nsec_zone();
    t.resign("www.example.", rrtype::A,
             [](RrsigFields& f) { f.expiration = TestSignedZone::now + 0x90000000u; });
    VerifyReport report = t.verify(VerifyMode::Structure);
    EXPECT_TRUE(has_problem(report, {"www.example. A:", "expired at"})) << problems_text(report);
    t.resign("www.example.", rrtype::A,
             [](RrsigFields& f) { f.expiration = TestSignedZone::now + 0x7fff0000u; });
    EXPECT_TRUE(t.verify(VerifyMode::Full).ok());
}

TEST(ZoneVerifier, RejectsMissingSignature) {
    TestSignedZone t = nsec_zone();
    t.rrset("www.example.", rrtype::A).rrsigs.clear();
    VerifyReport report = t.verify();
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"www.example. A: not signed"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsMissingSignatureOfOneAlgorithm) {
    TestSignedZone t;
    t.add_standard_names();
    t.add_key(verifier_test::make_test_key(15, 257, true, true));
    t.build_nsec_chain();
    t.sign_all();
    auto& sigs = t.rrset("www.example.", rrtype::A).rrsigs;
    std::erase_if(sigs, [](const Wire& rdata) { return decode_rrsig_rdata(rdata).algorithm == 15; });
    VerifyReport report = t.verify();
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"www.example. A: no RRSIG of algorithm"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsDnskeyNotSignedBySepKey) {
    TestSignedZone t = nsec_zone();
    auto& sigs = t.rrset("example.", rrtype::DNSKEY).rrsigs;
    sigs.clear();
    t.add_signature(t.node("example."), t.rrset("example.", rrtype::DNSKEY), t.keys[1]);  // the ZSK
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"example. DNSKEY: not signed by a SEP key of algorithm"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsSignedGlue) {
    TestSignedZone t = nsec_zone();
    t.add_signature(t.node("ns.sub.example."), t.rrset("ns.sub.example.", rrtype::A), t.keys[1]);
    VerifyReport report = t.verify();
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"ns.sub.example. A: signed, but data below a zone cut (glue) must not be signed"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsSignedDelegationNs) {
    TestSignedZone t = nsec_zone();
    t.add_signature(t.node("sub.example."), t.rrset("sub.example.", rrtype::NS), t.keys[1]);
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"sub.example. NS: signed, but NS at a delegation must not be signed"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsUnsignedDsAtDelegation) {
    TestSignedZone t = nsec_zone();
    t.rrset("sub.example.", rrtype::DS).rrsigs.clear();
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"sub.example. DS: not signed"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsWrongLabels) {
    TestSignedZone t = nsec_zone();
    t.resign("www.example.", rrtype::A, [](RrsigFields& f) { f.labels = 3; });
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"www.example. A:", "labels 3, expected 2"})) << problems_text(report);
}

TEST(ZoneVerifier, WildcardLabelsLeaveOutTheStar) {
    TestSignedZone t = nsec_zone();
    EXPECT_EQ(decode_rrsig_rdata(t.rrset("*.wild.example.", rrtype::A).rrsigs.front()).labels, 2u);
    t.resign("*.wild.example.", rrtype::A, [](RrsigFields& f) { f.labels = 3; });
    VerifyReport report = t.verify(VerifyMode::Structure);
    EXPECT_TRUE(has_problem(report, {"*.wild.example. A:", "labels 3, expected 2"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsWrongOriginalTtl) {
    TestSignedZone t = nsec_zone();
    t.resign("www.example.", rrtype::A, [](RrsigFields& f) { f.original_ttl = 7200; });
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"www.example. A:", "original TTL 7200 differs from the RRset TTL 3600"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsUnknownKeyTag) {
    TestSignedZone t = nsec_zone();
    const std::uint16_t bogus = static_cast<std::uint16_t>(t.keys[0].tag ^ t.keys[1].tag ^ 0x5555);
    t.resign("www.example.", rrtype::A, [&](RrsigFields& f) { f.key_tag = bogus; });
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_TRUE(has_problem(report, {"www.example. A: RRSIG algorithm 13 key tag " + std::to_string(bogus),
                                     "no such key in the apex DNSKEY RRset"}))
        << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"www.example. A: no RRSIG of algorithm"})) << problems_text(report);
}

// RFC 6781 §4.1.4: an algorithm rollover publishes the new algorithm's
// signatures before its DNSKEYs (and removes them after). Validators ignore
// them (RFC 4035 §5.3.1); the signer verifies them with the unpublished keys.
TEST(ZoneVerifier, AcceptsSignaturesOfAnAlgorithmWhoseDnskeysAreNotPublished) {
    TestSignedZone t;
    t.add_standard_names();
    t.add_key(verifier_test::make_test_key(15, 257, true, true));
    t.build_nsec_chain();
    t.sign_all();
    const Wire ed25519 = t.keys.back().dnskey;
    auto& dnskeys = t.rrset("example.", rrtype::DNSKEY).rdatas;
    dnskeys.erase(std::remove(dnskeys.begin(), dnskeys.end(), ed25519), dnskeys.end());
    t.resign("example.", rrtype::DNSKEY, [](RrsigFields&) {});

    VerifyOptions options;
    options.mode = VerifyMode::Full;
    options.now = TestSignedZone::now;
    options.max_problems = 100;
    const VerifyReport without_keys = verify_zone(t.zone, options);
    EXPECT_TRUE(without_keys.ok()) << problems_text(without_keys);
    EXPECT_LT(without_keys.signatures_verified, t.signature_count());

    options.unpublished_keys = {ed25519};
    const VerifyReport with_keys = verify_zone(t.zone, options);
    EXPECT_TRUE(with_keys.ok()) << problems_text(with_keys);
    EXPECT_EQ(with_keys.signatures_verified, t.signature_count());

    // A broken signature of the unpublished key is caught once the key is known.
    for (Wire& rrsig : t.rrset("www.example.", rrtype::A).rrsigs)
        if (decode_rrsig_rdata(rrsig).algorithm == 15) rrsig.back() = static_cast<char>(rrsig.back() ^ 1);
    const VerifyReport broken = verify_zone(t.zone, options);
    EXPECT_TRUE(has_problem(broken, {"www.example. A:"})) << problems_text(broken);
}

TEST(ZoneVerifier, RejectsUnknownKeyTagOfAPublishedAlgorithmEvenWithUnpublishedKeys) {
    TestSignedZone t = nsec_zone();
    const std::uint16_t bogus = static_cast<std::uint16_t>(t.keys[0].tag ^ t.keys[1].tag ^ 0x5555);
    t.resign("www.example.", rrtype::A, [&](RrsigFields& f) { f.key_tag = bogus; });
    VerifyOptions options;
    options.mode = VerifyMode::Structure;
    options.now = TestSignedZone::now;
    options.unpublished_keys = {verifier_test::make_test_key(15, 256, false, true).dnskey};
    const VerifyReport report = verify_zone(t.zone, options);
    EXPECT_TRUE(has_problem(report, {"no such key in the apex DNSKEY RRset"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsWrongSigner) {
    TestSignedZone t = nsec_zone();
    t.resign("www.example.", rrtype::A, [&](RrsigFields& f) { f.signer = t.name("other."); });
    VerifyReport report = t.verify(VerifyMode::Structure);
    EXPECT_TRUE(has_problem(report, {"www.example. A:", "signer other. is not the apex example."}))
        << problems_text(report);
}

TEST(ZoneVerifier, StopsAtMaxProblems) {
    TestSignedZone t = nsec_zone();
    for (auto& node : t.zone.nodes)
        for (auto& rrset : node.rrsets) rrset.rrsigs.clear();
    VerifyOptions options;
    options.now = TestSignedZone::now;
    options.max_problems = 5;
    EXPECT_EQ(verify_zone(t.zone, options).problems.size(), 5u);
}

// --- apex -------------------------------------------------------------------

TEST(ZoneVerifier, RejectsDsAtApexAndMissingDnskey) {
    TestSignedZone t = nsec_zone();
    t.add("example.", rrtype::DS, 3600, verifier_test::ds_rdata(1));
    t.zone.apex().remove(rrtype::DNSKEY);
    VerifyReport report = t.verify(VerifyMode::Structure);
    EXPECT_TRUE(has_problem(report, {"example. DS: DS record at the apex"})) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"example. DNSKEY: no DNSKEY RRset at the apex"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsZoneWithoutDenialOfExistence) {
    TestSignedZone t;
    t.add_standard_names();
    t.sign_all();
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"no denial of existence records"})) << problems_text(report);
}

// --- NSEC -------------------------------------------------------------------

TEST(ZoneVerifier, RejectsRemovedNsec) {
    TestSignedZone t = nsec_zone();
    t.node("www.example.").remove(rrtype::NSEC);
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"www.example. NSEC: missing"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsNsecChainSkippingAName) {
    TestSignedZone t = nsec_zone();
    // sub.example. is followed by ns.sub.example. (occluded), then www.example.;
    // make the apex jump over names.
    RRset& nsec = t.rrset("example.", rrtype::NSEC);
    Wire rdata = nsec.rdatas.front();
    std::size_t name_end = 0;
    while (rdata[name_end] != 0) name_end += static_cast<unsigned char>(rdata[name_end]) + 1u;
    nsec.rdatas = {t.name("www.example.") + rdata.substr(name_end + 1)};
    t.resign("example.", rrtype::NSEC);
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"example. NSEC: next name is www.example., expected"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsWrongNsecBitmap) {
    TestSignedZone t = nsec_zone();
    RRset& nsec = t.rrset("www.example.", rrtype::NSEC);
    Wire next = nsec.rdatas.front().substr(0, t.name("x.y.example.").size());
    ASSERT_EQ(next, t.name("x.y.example."));
    nsec.rdatas = {next + encode_type_bitmap({rrtype::A, rrtype::MX, rrtype::RRSIG, rrtype::NSEC})};
    t.resign("www.example.", rrtype::NSEC);
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"www.example. NSEC: type bitmap is wrong: missing TXT; lists absent MX"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsDelegationNsecBitmapWithGlueTypes) {
    TestSignedZone t = nsec_zone();
    RRset& nsec = t.rrset("insecure.example.", rrtype::NSEC);
    Wire next = nsec.rdatas.front().substr(0, t.name("ns1.example.").size());
    nsec.rdatas = {next + encode_type_bitmap({rrtype::A, rrtype::NS, rrtype::RRSIG, rrtype::NSEC})};
    t.resign("insecure.example.", rrtype::NSEC);
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"insecure.example. NSEC: type bitmap is wrong: lists absent A"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsNsecTtlOtherThanSoaMinimum) {
    TestSignedZone t = nsec_zone();
    t.rrset("www.example.", rrtype::NSEC).ttl = 3600;
    t.resign("www.example.", rrtype::NSEC);
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"www.example. NSEC: TTL 3600", "= 300 (RFC 9077)"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsNsecAtOccludedName) {
    TestSignedZone t = nsec_zone();
    t.add("ns.sub.example.", rrtype::NSEC, 300, t.name("www.example.") + encode_type_bitmap({rrtype::A}));
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"ns.sub.example. NSEC: NSEC at an occluded name"})) << problems_text(report);
}

// --- NSEC3 ------------------------------------------------------------------

TEST(ZoneVerifier, RejectsRemovedNsec3Record) {
    TestSignedZone t = nsec3_zone();
    const Wire removed = t.nsec3_node_for("www.example.").owner;
    std::erase_if(t.zone.nsec3_nodes, [&](const Node& n) { return n.owner == removed; });
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"www.example. NSEC3: name with data has no NSEC3 record"}))
        << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"NSEC3: next hashed owner is", "(chain broken)"})) << problems_text(report);
}

TEST(ZoneVerifier, RejectsWrongNextHash) {
    TestSignedZone t = nsec3_zone();
    Node& node = t.nsec3_node_for("www.example.");
    Wire& rdata = node.find(rrtype::NSEC3)->rdatas.front();
    rdata[6] = static_cast<char>(rdata[6] ^ 0x80);  // first octet of the next hash (empty salt)
    t.resign(name_to_text(node.owner), rrtype::NSEC3);
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {name_to_text(node.owner) + " NSEC3: next hashed owner is", "(chain broken)"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsEmptyNonTerminalWithoutNsec3) {
    TestSignedZone t = nsec3_zone({Wire(), 0, false, {"b.example."}});
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"b.example. NSEC3: empty non-terminal has no NSEC3 record"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsOptOutChainMissingDelegationWithDs) {
    TestSignedZone t = nsec3_zone({Wire(), 0, true, {"sub.example."}});
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"sub.example. NSEC3: delegation with DS has no NSEC3 record"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsMissingInsecureDelegationWithoutOptOut) {
    TestSignedZone t = nsec3_zone({Wire(), 0, false, {"insecure.example."}});
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"insecure.example. NSEC3: delegation has no NSEC3 record"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsMoreThanFiftyIterations) {
    TestSignedZone t = nsec3_zone({Wire(), 51, false, {}});
    VerifyReport report = t.verify(VerifyMode::Full);
    EXPECT_EQ(report.problems.size(), 1u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"example. NSEC3PARAM: iterations 51 exceed 50"})) << problems_text(report);
    EXPECT_TRUE(nsec3_zone({Wire(), 50, false, {}}).verify().ok());
}

TEST(ZoneVerifier, RejectsNsec3BitmapListingNsec3) {
    TestSignedZone t = nsec3_zone();
    Node& node = t.nsec3_node_for("ns1.example.");
    Wire& rdata = node.find(rrtype::NSEC3)->rdatas.front();
    rdata = rdata.substr(0, 6 + 20) + encode_type_bitmap({rrtype::A, rrtype::RRSIG, rrtype::NSEC3});
    t.resign(name_to_text(node.owner), rrtype::NSEC3);
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {"NSEC3: type bitmap (for ns1.example.) is wrong: lists absent NSEC3"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsUnsignedNsec3AndNsec3ParamMismatch) {
    TestSignedZone t = nsec3_zone();
    Node& node = t.nsec3_node_for("www.example.");
    node.find(rrtype::NSEC3)->rrsigs.clear();
    t.rrset("example.", rrtype::NSEC3PARAM).rdatas = {Wire("\x01\x00\x00\x01\x01\xff", 6)};
    t.resign("example.", rrtype::NSEC3PARAM);
    VerifyReport report = t.verify();
    EXPECT_TRUE(has_problem(report, {name_to_text(node.owner) + " NSEC3: not signed"})) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"NSEC3: parameters (algorithm 1, iterations 0, salt -) differ from the chain's "
                                     "(algorithm 1, iterations 1, salt ff)"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsNsec3ForOccludedName) {
    TestSignedZone t = nsec3_zone();
    Node extra;
    extra.owner = nsec3_owner(nsec3_hash(t.name("ns.sub.example."), Wire(), 0), t.zone.origin);
    extra.get_or_add(rrtype::NSEC3, TestSignedZone::soa_minimum).rdatas =
        t.nsec3_node_for("www.example.").find(rrtype::NSEC3)->rdatas;
    t.zone.nsec3_nodes.push_back(std::move(extra));
    VerifyReport report = t.verify(VerifyMode::Structure);
    EXPECT_TRUE(has_problem(report, {"NSEC3: NSEC3 for the occluded name ns.sub.example. (below a zone cut)"}))
        << problems_text(report);
}

TEST(ZoneVerifier, RejectsNsecAndNsec3Together) {
    TestSignedZone t;
    t.add_standard_names();
    t.build_nsec_chain();
    t.build_nsec3_chain({});
    t.sign_all();
    VerifyReport report = t.verify(VerifyMode::Structure);
    EXPECT_TRUE(has_problem(report, {"example. NSEC: the zone has both NSEC and NSEC3 records"}))
        << problems_text(report);
}

// --- sampling ---------------------------------------------------------------

TEST(ZoneVerifier, SampleModeVerifiesDnskeySignaturesAndAtLeastOnePercent) {
    TestSignedZone t;
    t.add_standard_names();
    t.add_key(verifier_test::make_test_key(15, 256, false, true));  // a second algorithm signing data
    t.add_key(verifier_test::make_test_key(15, 257, true, false));
    for (int i = 0; i < 600; ++i) t.add("host" + std::to_string(i) + ".example.", rrtype::A, 3600, verifier_test::a_rdata(7));
    t.build_nsec_chain();
    t.sign_all();
    const std::size_t total = t.signature_count();
    const std::size_t dnskey_signatures = t.rrset("example.", rrtype::DNSKEY).rrsigs.size();
    ASSERT_EQ(dnskey_signatures, 2u);

    VerifyReport full = t.verify(VerifyMode::Full, 2);
    ASSERT_TRUE(full.ok()) << problems_text(full);
    EXPECT_EQ(full.signatures_verified, total);

    VerifyReport sample = t.verify(VerifyMode::Sample, 2);
    ASSERT_TRUE(sample.ok()) << problems_text(sample);
    EXPECT_LT(sample.signatures_verified, full.signatures_verified);
    const auto one_percent = static_cast<std::size_t>(std::ceil(0.01 * static_cast<double>(total - dnskey_signatures)));
    EXPECT_GE(sample.signatures_verified, dnskey_signatures + one_percent);
    EXPECT_EQ(t.verify(VerifyMode::Sample, 1).signatures_verified, sample.signatures_verified) << "deterministic";

    // Every DNSKEY signature is among the sample.
    Wire& rrsig = t.rrset("example.", rrtype::DNSKEY).rrsigs.back();
    rrsig.back() = static_cast<char>(rrsig.back() ^ 0x01);
    VerifyReport bad = t.verify(VerifyMode::Sample, 2);
    EXPECT_TRUE(has_problem(bad, {"example. DNSKEY:", "signature does not verify"})) << problems_text(bad);
}

TEST(ZoneVerifier, SampleModeCatchesAKeyThatSignsBadly) {
    // Every signature of the Ed25519 ZSK is broken: its first ones are always checked.
    TestSignedZone t;
    t.add_standard_names();
    t.add_key(verifier_test::make_test_key(15, 257, true, true));
    for (int i = 0; i < 300; ++i) t.add("host" + std::to_string(i) + ".example.", rrtype::A, 3600, verifier_test::a_rdata(7));
    t.build_nsec_chain();
    t.sign_all();
    for (auto& node : t.zone.nodes)
        for (auto& rrset : node.rrsets)
            for (auto& rrsig : rrset.rrsigs)
                if (rrset.type != rrtype::DNSKEY && decode_rrsig_rdata(rrsig).algorithm == 15)
                    rrsig.back() = static_cast<char>(rrsig.back() ^ 0x01);
    VerifyReport report = t.verify(VerifyMode::Sample);
    EXPECT_GE(report.problems.size(), 3u) << problems_text(report);
    EXPECT_TRUE(has_problem(report, {"RRSIG algorithm 15", "signature does not verify"})) << problems_text(report);
}

// --- zones signed by other signers ---------------------------------------------
// tests/data/zone_verifier/*.signed: the same small zone (ENTs, a wildcard, a
// secure and two insecure delegations, glue) signed by ldns-signzone and BIND.

Zone load_signed_zone(const std::string& file) {
    const Wire origin = name_from_text("example.", Wire(1, '\0'));
    MasterFileOptions options;
    options.origin = origin;
    MasterFile input = read_master_file(std::string(ZS_TEST_DATA) + "/zone_verifier/" + file, options);
    return build_zone(std::move(input), origin, BuildOptions{true}).zone;
}

// A time inside the signatures' validity: a day after the SOA was signed.
VerifyOptions options_at_signing_time(const Zone& zone) {
    VerifyOptions options;
    options.mode = VerifyMode::Full;
    options.threads = 2;
    options.max_problems = 100;
    options.now = decode_rrsig_rdata(zone.apex().find(rrtype::SOA)->rrsigs.front()).inception + day;
    return options;
}

TEST(ZoneVerifierInterop, AcceptsLdnsNsec3OptOutZone) {
    Zone zone = load_signed_zone("ldns-nsec3-optout.signed");
    ASSERT_FALSE(zone.nsec3_nodes.empty());
    VerifyReport report = verify_zone(zone, options_at_signing_time(zone));
    EXPECT_TRUE(report.ok()) << problems_text(report);
    EXPECT_EQ(report.signatures_verified, 27u);  // every RRSIG in the file
}

TEST(ZoneVerifierInterop, AcceptsBindNsecZone) {
    Zone zone = load_signed_zone("bind-nsec.signed");
    VerifyReport report = verify_zone(zone, options_at_signing_time(zone));
    EXPECT_TRUE(report.ok()) << problems_text(report);
    EXPECT_EQ(report.signatures_verified, 20u);  // every RRSIG in the file
}

TEST(ZoneVerifierInterop, RejectsLdnsZoneWithoutAnEmptyNonTerminalsNsec3) {
    Zone zone = load_signed_zone("ldns-nsec3-optout.signed");
    const Wire ent = name_from_text("c.d.example.", Wire(1, '\0'));
    const Wire hashed = nsec3_owner(nsec3_hash(ent, Wire("\x5e\xed", 2), 0), zone.origin);
    const auto before = zone.nsec3_nodes.size();
    std::erase_if(zone.nsec3_nodes, [&](const Node& n) { return n.owner == hashed; });
    ASSERT_EQ(zone.nsec3_nodes.size(), before - 1);
    VerifyReport report = verify_zone(zone, options_at_signing_time(zone));
    EXPECT_TRUE(has_problem(report, {"c.d.example. NSEC3: empty non-terminal has no NSEC3 record"}))
        << problems_text(report);
}

TEST(ZoneVerifierInterop, RejectsBindZoneAfterItsSignaturesExpire) {
    Zone zone = load_signed_zone("bind-nsec.signed");
    VerifyOptions options = options_at_signing_time(zone);
    options.now = decode_rrsig_rdata(zone.apex().find(rrtype::SOA)->rrsigs.front()).expiration;
    options.mode = VerifyMode::Structure;
    VerifyReport report = verify_zone(zone, options);
    EXPECT_TRUE(has_problem(report, {"example. SOA: RRSIG algorithm 15", "expired at"})) << problems_text(report);
}

// --- WindowedVerifier::check_nodes: parts of the zone checked from several threads ---

VerifyReport verify_in_parts(const TestSignedZone& t, VerifyMode mode, std::size_t part, unsigned threads) {
    VerifyOptions options;
    options.mode = mode;
    options.now = TestSignedZone::now;
    options.max_problems = 100;
    WindowedVerifier verifier(t.zone, options);
    std::vector<const Node*> all;
    for (const Node& n : t.zone.nodes) all.push_back(&n);
    for (const Node& n : t.zone.nsec3_nodes) all.push_back(&n);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t from; (from = next.fetch_add(part)) < all.size();)
            verifier.check_nodes(all.data() + from, std::min(part, all.size() - from));
    };
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work);
    work();
    for (auto& th : pool) th.join();
    return verifier.finish();
}

TEST(WindowedVerifier, PartsFromSeveralThreadsGiveTheSameVerdicts) {
    TestSignedZone t;
    t.add_standard_names();
    for (int i = 0; i < 800; ++i) t.add("host" + std::to_string(i) + ".example.", rrtype::A, 3600, verifier_test::a_rdata(7));
    t.build_nsec_chain();
    t.sign_all();
    const std::size_t total = t.signature_count();

    VerifyReport full = verify_in_parts(t, VerifyMode::Full, 37, 3);
    ASSERT_TRUE(full.ok()) << problems_text(full);
    EXPECT_EQ(full.signatures_verified, total);

    VerifyReport sample = verify_in_parts(t, VerifyMode::Sample, 37, 3);
    ASSERT_TRUE(sample.ok()) << problems_text(sample);
    EXPECT_LT(sample.signatures_verified, total);
    // Every part rounds its 1% up, so the whole gets at least 1%.
    EXPECT_GE(sample.signatures_verified, static_cast<std::size_t>(std::ceil(0.01 * static_cast<double>(total))) + 2);

    // A broken signature is found in Full mode whatever thread has it, and
    // a missing one in every mode (structure is always checked).
    Wire& rrsig = t.rrset("host500.example.", rrtype::A).rrsigs.front();
    rrsig.back() = static_cast<char>(rrsig.back() ^ 0x01);
    VerifyReport bad = verify_in_parts(t, VerifyMode::Full, 11, 4);
    EXPECT_TRUE(has_problem(bad, {"host500.example. A:", "signature does not verify"})) << problems_text(bad);
    t.rrset("host600.example.", rrtype::A).rrsigs.clear();
    VerifyReport missing = verify_in_parts(t, VerifyMode::Structure, 50, 2);
    EXPECT_TRUE(has_problem(missing, {"host600.example. A:", "not signed"})) << problems_text(missing);
    EXPECT_EQ(missing.signatures_verified, 0u);
}

}  // namespace
}  // namespace zs::zone
