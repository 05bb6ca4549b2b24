// The validator-cache model with hand-built publication histories: safe and
// unsafe ZSK, KSK and algorithm rollovers, key destruction, and the
// snapshot of a signed zone.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "test_zone_helpers.hpp"
#include "zone/cache_validator.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/rr_type.hpp"

namespace zs::zone {
namespace {

using testing::origin_of;

constexpr UnixTime T0 = 1800000000;
constexpr std::uint32_t kDnskeyTtl = 3600;
constexpr std::uint32_t kDataTtl = 86400;
constexpr std::uint32_t kDsTtl = 7200;
const PropagationDelays kDelays{300, 600};

// A DNSKEY with a fake public key: the model never verifies signatures.
Wire fake_key(std::uint16_t flags, std::uint8_t algorithm, char seed) {
    return make_dnskey_rdata(flags, algorithm, Wire(64, seed));
}

struct Keys {
    Wire origin = origin_of("example.");
    Wire ksk1 = fake_key(dnskey_flags::KSK, 13, 'a');
    Wire ksk2 = fake_key(dnskey_flags::KSK, 13, 'b');
    Wire zsk1 = fake_key(dnskey_flags::ZSK, 13, 'c');
    Wire zsk2 = fake_key(dnskey_flags::ZSK, 13, 'd');
    Wire rsa_ksk = fake_key(dnskey_flags::KSK, 8, 'e');
    Wire rsa_zsk = fake_key(dnskey_flags::ZSK, 8, 'f');
};

KeyRef key_ref(const Wire& k) { return {key_tag(k), dnskey_algorithm_of(k)}; }

DsSet ds_of(const Keys& keys, std::vector<Wire> ksks) {
    DsSet set;
    set.ttl = kDsTtl;
    for (const auto& k : ksks) set.rdatas.push_back(make_ds_rdata(keys.origin, k, digest_type::SHA256));
    return set;
}

std::vector<KeyRef> refs(const std::vector<Wire>& keys) {
    std::vector<KeyRef> r;
    for (const auto& k : keys) r.push_back(key_ref(k));
    std::sort(r.begin(), r.end());
    return r;
}

ZoneSnapshot snapshot(std::vector<Wire> dnskeys, std::vector<Wire> dnskey_signers, std::vector<Wire> data_signers,
                      std::uint32_t dnskey_ttl = kDnskeyTtl) {
    ZoneSnapshot s;
    s.dnskey.rdatas = std::move(dnskeys);
    s.dnskey.ttl = dnskey_ttl;
    s.dnskey.signers = refs(dnskey_signers);
    SignedGroup g;
    g.signers = refs(data_signers);
    g.ttl = kDataTtl;
    g.rrsets = 3;
    g.example = "example. SOA";
    s.data.push_back(g);
    return s;
}

// Checks at every time from `from` to `to` in steps (publication times and
// expiries fall between): the first gap found, if any.
std::optional<std::string> first_gap(const PublicationHistory& h, UnixTime from, UnixTime to) {
    for (UnixTime t = from; t <= to; t += 60)
        if (auto gap = check_validation(h, t, kDelays)) return format_iso8601(t) + ": " + *gap;
    return std::nullopt;
}

TEST(CacheValidator, MayBeCachedUntilEndOfTtlAfterPropagation) {
    EXPECT_FALSE(may_be_cached(100, std::nullopt, 10, 5, 99));  // not yet published
    EXPECT_TRUE(may_be_cached(100, std::nullopt, 10, 5, 1000000));
    EXPECT_TRUE(may_be_cached(100, 200, 10, 5, 214));
    EXPECT_FALSE(may_be_cached(100, 200, 10, 5, 215));
}

TEST(CacheValidator, SteadyStateValidates) {
    Keys k;
    PublicationHistory h(k.origin);
    h.publish_ds(ds_of(k, {k.ksk1}), T0);
    h.publish_zone(snapshot({k.ksk1, k.zsk1}, {k.ksk1}, {k.zsk1}), T0);
    EXPECT_EQ(check_validation(h, T0, kDelays), std::nullopt);
    EXPECT_EQ(check_validation(h, T0 + 86400 * 365, kDelays), std::nullopt);
}

TEST(CacheValidator, InsecureWithoutDsIsNoGap) {
    Keys k;
    PublicationHistory h(k.origin);
    h.publish_zone(snapshot({k.ksk1, k.zsk1}, {}, {}), T0);  // nothing signed, but no DS either
    EXPECT_EQ(check_validation(h, T0, kDelays), std::nullopt);
    h.publish_ds(DsSet{{}, kDsTtl}, T0);
    EXPECT_EQ(check_validation(h, T0, kDelays), std::nullopt);
}

TEST(CacheValidator, DsOfAKeyNotInTheZoneIsAGap) {
    Keys k;
    PublicationHistory h(k.origin);
    h.publish_ds(ds_of(k, {k.ksk2}), T0);  // the parent has the wrong key
    h.publish_zone(snapshot({k.ksk1, k.zsk1}, {k.ksk1}, {k.zsk1}), T0);
    auto gap = check_validation(h, T0, kDelays);
    ASSERT_TRUE(gap);
    EXPECT_NE(gap->find("cannot validate the DNSKEY RRset"), std::string::npos) << *gap;
    EXPECT_NE(gap->find(to_string(key_ref(k.ksk2))), std::string::npos) << *gap;
}

TEST(CacheValidator, DsMatchingAKeyThatDoesNotSignTheDnskeyRrsetIsAGap) {
    Keys k;
    PublicationHistory h(k.origin);
    h.publish_ds(ds_of(k, {k.ksk1}), T0);
    h.publish_zone(snapshot({k.ksk1, k.zsk1}, {k.zsk1}, {k.zsk1}), T0);
    EXPECT_TRUE(check_validation(h, T0, kDelays));
}

TEST(CacheValidator, DsWithAnotherDigestOfTheSameTagDoesNotMatch) {
    Keys k;
    PublicationHistory h(k.origin);
    DsSet ds = ds_of(k, {k.ksk1});
    ds.rdatas[0].back() ^= 1;  // right tag and algorithm, wrong digest
    h.publish_ds(ds, T0);
    h.publish_zone(snapshot({k.ksk1, k.zsk1}, {k.ksk1}, {k.zsk1}), T0);
    EXPECT_TRUE(check_validation(h, T0, kDelays));
}

// ZSK pre-publication (RFC 7583 §3.2.1), with the waits it needs.
struct ZskRoll {
    Keys k;
    PublicationHistory h{k.origin};
    explicit ZskRoll(Seconds use_new_after, Seconds remove_old_after) {
        h.publish_ds(ds_of(k, {k.ksk1}), T0);
        h.publish_zone(snapshot({k.ksk1, k.zsk1}, {k.ksk1}, {k.zsk1}), T0);
        const UnixTime publish = T0 + 86400;
        h.publish_zone(snapshot({k.ksk1, k.zsk1, k.zsk2}, {k.ksk1}, {k.zsk1}), publish);
        const UnixTime use = publish + use_new_after;
        h.publish_zone(snapshot({k.ksk1, k.zsk1, k.zsk2}, {k.ksk1}, {k.zsk2}), use);
        h.publish_zone(snapshot({k.ksk1, k.zsk2}, {k.ksk1}, {k.zsk2}), use + remove_old_after);
    }
};

TEST(CacheValidator, ZskPrePublicationWithFullWaitsIsSafe) {
    ZskRoll roll(kDnskeyTtl + kDelays.zone, kDataTtl + kDelays.zone);
    EXPECT_EQ(first_gap(roll.h, T0, T0 + 5 * 86400), std::nullopt);
    EXPECT_EQ(roll.h.dnskey().size(), 3u);  // versions, not steps
    EXPECT_EQ(roll.h.data().size(), 2u);
}

TEST(CacheValidator, ZskUsedBeforeItsDnskeyPropagatedIsAGap) {
    ZskRoll roll(kDnskeyTtl, kDataTtl + kDelays.zone);  // forgot the propagation delay
    auto gap = first_gap(roll.h, T0, T0 + 5 * 86400);
    ASSERT_TRUE(gap);
    EXPECT_NE(gap->find("none of its signing keys is in that DNSKEY RRset"), std::string::npos) << *gap;
    EXPECT_NE(gap->find(to_string(key_ref(roll.k.zsk2))), std::string::npos) << *gap;
}

TEST(CacheValidator, OldZskRemovedWhileItsSignaturesAreCachedIsAGap) {
    ZskRoll roll(kDnskeyTtl + kDelays.zone, kDnskeyTtl + kDelays.zone);  // waited the DNSKEY TTL, not the data's
    auto gap = first_gap(roll.h, T0, T0 + 5 * 86400);
    ASSERT_TRUE(gap);
    EXPECT_NE(gap->find(to_string(key_ref(roll.k.zsk1))), std::string::npos) << *gap;
    EXPECT_NE(gap->find("example. SOA (and 2 more RRsets)"), std::string::npos) << *gap;
}

// KSK double-DS (RFC 7583 §3.3.2).
struct KskRoll {
    Keys k;
    PublicationHistory h{k.origin};
    KskRoll(Seconds swap_after, Seconds withdraw_after) {
        h.publish_ds(ds_of(k, {k.ksk1}), T0);
        h.publish_zone(snapshot({k.ksk1, k.zsk1}, {k.ksk1}, {k.zsk1}), T0);
        const UnixTime both = T0 + 86400;
        h.publish_ds(ds_of(k, {k.ksk1, k.ksk2}), both);
        const UnixTime swap = both + swap_after;
        h.publish_zone(snapshot({k.ksk2, k.zsk1}, {k.ksk2}, {k.zsk1}), swap);
        h.publish_ds(ds_of(k, {k.ksk2}), swap + withdraw_after);
    }
};

TEST(CacheValidator, KskDoubleDsWithFullWaitsIsSafe) {
    KskRoll roll(kDsTtl + kDelays.parent, kDnskeyTtl + kDelays.zone);
    EXPECT_EQ(first_gap(roll.h, T0, T0 + 5 * 86400), std::nullopt);
}

TEST(CacheValidator, DnskeySwapBeforeTheNewDsPropagatedIsAGap) {
    KskRoll roll(kDsTtl, kDnskeyTtl + kDelays.zone);
    auto gap = first_gap(roll.h, T0, T0 + 5 * 86400);
    ASSERT_TRUE(gap);
    EXPECT_NE(gap->find("cannot validate the DNSKEY RRset"), std::string::npos) << *gap;
}

TEST(CacheValidator, OldDsWithdrawnWhileTheOldDnskeyIsCachedIsAGap) {
    KskRoll roll(kDsTtl + kDelays.parent, 60);
    auto gap = first_gap(roll.h, T0, T0 + 5 * 86400);
    ASSERT_TRUE(gap);
    EXPECT_NE(gap->find("{" + to_string(key_ref(roll.k.ksk2)) + " digest 2}"), std::string::npos) << *gap;
}

// One working algorithm is enough (RFC 6840 §5.11): during an algorithm
// rollover a DNSKEY RRset cached before the new algorithm's keys appeared
// still validates data signed with both algorithms.
TEST(CacheValidator, AlgorithmRolloverValidatesWithOneAlgorithm) {
    Keys k;
    PublicationHistory h(k.origin);
    h.publish_ds(ds_of(k, {k.rsa_ksk}), T0);
    h.publish_zone(snapshot({k.rsa_ksk, k.rsa_zsk}, {k.rsa_ksk}, {k.rsa_zsk}), T0);
    // New algorithm's signatures first, then its keys after the data TTL.
    UnixTime t = T0 + 86400;
    h.publish_zone(snapshot({k.rsa_ksk, k.rsa_zsk}, {k.rsa_ksk, k.ksk1}, {k.rsa_zsk, k.zsk1}), t);
    t += kDataTtl + kDelays.zone;
    h.publish_zone(snapshot({k.rsa_ksk, k.rsa_zsk, k.ksk1, k.zsk1}, {k.rsa_ksk, k.ksk1}, {k.rsa_zsk, k.zsk1}), t);
    t += kDnskeyTtl + kDelays.zone;
    h.publish_ds(ds_of(k, {k.ksk1}), t);
    t += kDsTtl + kDelays.parent;
    h.publish_zone(snapshot({k.ksk1, k.zsk1}, {k.rsa_ksk, k.ksk1}, {k.rsa_zsk, k.zsk1}), t);
    t += kDnskeyTtl + kDelays.zone;
    h.publish_zone(snapshot({k.ksk1, k.zsk1}, {k.ksk1}, {k.zsk1}), t);
    EXPECT_EQ(first_gap(h, T0, t + 86400 * 3), std::nullopt);
}

TEST(CacheValidator, AlgorithmRolloverWithdrawingTheOldDsTooEarlyIsAGap) {
    Keys k;
    PublicationHistory h(k.origin);
    h.publish_ds(ds_of(k, {k.rsa_ksk}), T0);
    h.publish_zone(snapshot({k.rsa_ksk, k.rsa_zsk}, {k.rsa_ksk}, {k.rsa_zsk}), T0);
    UnixTime t = T0 + 86400;
    h.publish_zone(snapshot({k.rsa_ksk, k.rsa_zsk, k.ksk1, k.zsk1}, {k.rsa_ksk, k.ksk1}, {k.rsa_zsk, k.zsk1}), t);
    h.publish_ds(ds_of(k, {k.ksk1}), t + 60);  // the old DNSKEY RRset is still cached
    auto gap = first_gap(h, T0, t + 86400);
    ASSERT_TRUE(gap);
    EXPECT_NE(gap->find("cannot validate the DNSKEY RRset"), std::string::npos) << *gap;
}

TEST(CacheValidator, DestroyWaitsUntilNoRecordMayBeCached) {
    ZskRoll roll(kDnskeyTtl + kDelays.zone, kDataTtl + kDelays.zone);
    const KeyRef old_zsk = key_ref(roll.k.zsk1);
    const UnixTime use = T0 + 86400 + kDnskeyTtl + kDelays.zone;
    const UnixTime removed = use + kDataTtl + kDelays.zone;
    auto reason = check_destroy(roll.h, old_zsk, removed - 1, kDelays);
    ASSERT_TRUE(reason);
    EXPECT_NE(reason->find("its DNSKEY"), std::string::npos) << *reason;
    reason = check_destroy(roll.h, old_zsk, removed + kDnskeyTtl + kDelays.zone - 1, kDelays);
    ASSERT_TRUE(reason);
    EXPECT_NE(reason->find("its DNSKEY"), std::string::npos) << *reason;
    EXPECT_EQ(check_destroy(roll.h, old_zsk, removed + kDnskeyTtl + kDelays.zone, kDelays), std::nullopt);
    // The new key is in use: never destroyable.
    EXPECT_TRUE(check_destroy(roll.h, key_ref(roll.k.zsk2), removed + 86400 * 100, kDelays));
}

TEST(CacheValidator, DestroyWaitsForCachedSignaturesAndDs) {
    KskRoll roll(kDsTtl + kDelays.parent, kDnskeyTtl + kDelays.zone);
    const KeyRef old_ksk = key_ref(roll.k.ksk1);
    const UnixTime swap = T0 + 86400 + kDsTtl + kDelays.parent;
    const UnixTime withdrawn = swap + kDnskeyTtl + kDelays.zone;
    auto reason = check_destroy(roll.h, old_ksk, withdrawn + 1, kDelays);
    ASSERT_TRUE(reason);
    EXPECT_NE(reason->find("its DS"), std::string::npos) << *reason;
    EXPECT_EQ(check_destroy(roll.h, old_ksk, withdrawn + kDsTtl + kDelays.parent, kDelays), std::nullopt);
}

TEST(CacheValidator, HistoryKeepsOneVersionPerContentAndRefusesTimeGoingBack) {
    Keys k;
    PublicationHistory h(k.origin);
    h.publish_zone(snapshot({k.ksk1, k.zsk1}, {k.ksk1}, {k.zsk1}), T0);
    h.publish_zone(snapshot({k.ksk1, k.zsk1}, {k.ksk1}, {k.zsk1}), T0 + 86400);
    EXPECT_EQ(h.dnskey().size(), 1u);
    EXPECT_FALSE(h.dnskey().back().until);
    // Replaced in the same instant: the replaced version was never served.
    h.publish_zone(snapshot({k.ksk1, k.zsk1, k.zsk2}, {k.ksk1}, {k.zsk1}), T0 + 2 * 86400);
    h.publish_zone(snapshot({k.ksk1, k.zsk1, k.zsk2}, {k.ksk1}, {k.zsk2}), T0 + 2 * 86400);
    EXPECT_EQ(h.dnskey().size(), 2u);
    EXPECT_EQ(h.data().size(), 2u);
    EXPECT_EQ(*h.data().front().until, T0 + 2 * 86400);
    EXPECT_THROW(h.publish_zone(snapshot({k.ksk1}, {k.ksk1}, {k.ksk1}), T0), Error);
}

TEST(CacheValidator, SnapshotOfASignedZone) {
    // Signature fields are never verified here: only who signed what.
    const std::string sig = " 20300101000000 20200101000000 ";
    const std::string text =
        "$ORIGIN example.\n$TTL 3600\n"
        "@ 3600 IN SOA ns1 host 1 7200 3600 1209600 300\n"
        "@ 3600 IN RRSIG SOA 13 1 3600" + sig + "111 example. AAAA\n"
        "@ 3600 IN NS ns1\n"
        "@ 3600 IN RRSIG NS 13 1 3600" + sig + "111 example. AAAA\n"
        "@ 600 IN DNSKEY 257 3 13 AAAA\n"
        "@ 600 IN RRSIG DNSKEY 13 1 600" + sig + "222 example. AAAA\n"
        "@ 600 IN RRSIG DNSKEY 8 1 600" + sig + "333 example. AAAA\n"
        "ns1 7200 IN A 192.0.2.1\n"
        "ns1 7200 IN RRSIG A 13 2 7200" + sig + "111 example. AAAA\n"
        "ns1 7200 IN RRSIG A 8 2 7200" + sig + "444 example. AAAA\n"
        "sub 3600 IN NS ns.sub\n"
        "sub 3600 IN DS 1 13 2 AAAA\n"
        "sub 3600 IN RRSIG DS 13 2 3600" + sig + "111 example. AAAA\n"
        "ns.sub 3600 IN A 192.0.2.2\n";
    BuildResult built = testing::build_from_text(text, "example.", true);
    ZoneSnapshot s = snapshot_of(built.zone);
    EXPECT_EQ(s.dnskey.ttl, 600u);
    EXPECT_EQ(s.dnskey.rdatas.size(), 1u);
    EXPECT_EQ(s.dnskey.signers, (std::vector<KeyRef>{{222, 13}, {333, 8}}));
    ASSERT_EQ(s.data.size(), 2u);  // NS and glue at the delegation are not signed data
    EXPECT_EQ(s.data[0].signers, (std::vector<KeyRef>{{111, 13}}));
    EXPECT_EQ(s.data[0].rrsets, 3u);  // NS, SOA, sub DS
    EXPECT_EQ(s.data[0].ttl, 3600u);
    EXPECT_EQ(s.data[0].example, "example. NS");
    EXPECT_EQ(s.data[1].signers, (std::vector<KeyRef>{{111, 13}, {444, 8}}));
    EXPECT_EQ(s.data[1].ttl, 7200u);
    EXPECT_EQ(s.data[1].example, "ns1.example. A");
}

}  // namespace
}  // namespace zs::zone
