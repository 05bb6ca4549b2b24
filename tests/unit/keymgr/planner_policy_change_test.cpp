// The key planner when the policy changes under a signed zone (algorithm
// rollover in the order of RFC 6781 section 4.1.4, key size change, CSK to
// KSK + ZSK) and when rollovers are manual. Every step is checked by the
// harness's independent invariant checker.
#include <gtest/gtest.h>

#include "keymgr/planner.hpp"
#include "planner_test_harness.hpp"

using namespace zs;
using namespace zs::keymgr;
using namespace zs::keymgr::test;
using policy::KeyRole;
using RS = RecordState;
using Lines = std::vector<std::string>;

namespace {

constexpr Seconds kDnskeyDelay = 7500;
constexpr Seconds kPurge = 14 * kDay;

std::string retire_detail(const Timeline& t, std::int64_t id) {
    for (const PlannedEvent& e : t.log) {
        if (e.kind == PlannedEvent::Kind::Retire && e.key_id == id) return e.detail;
    }
    return "";
}

TEST(PlannerPolicyChange, AlgorithmRolloverFollowsRfc6781) {
    Timeline t(policy_with({spec(KeyRole::Ksk, 8, std::nullopt), spec(KeyRole::Zsk, 8, std::nullopt)}));
    t.run_until(kStart + 10 * kDay);
    ASSERT_EQ(t.key(1)->bits, 2048u);
    t.set_policy(policy_with({spec(KeyRole::Ksk, 13, std::nullopt), spec(KeyRole::Zsk, 13, std::nullopt)}));
    t.step();
    const UnixTime base = t.now;
    t.run_until(base + 40 * kDay);
    EXPECT_EQ(event_lines(t.log, base, {1, 2, 3, 4}, true),
              (Lines{"+0 generate", "+0 generate", "+0 key1 retire", "+0 key2 retire",
                     // 1. new RRSIGs (also over the DNSKEY RRset)
                     "+0 key3 RRSIG(DNSKEY) hidden->rumoured", "+0 key4 RRSIG(zone) hidden->rumoured",
                     "+7500 key3 RRSIG(DNSKEY) rumoured->omnipresent",
                     // 2. new DNSKEYs once every cached RRset carries the new signatures
                     "+90300 key4 RRSIG(zone) rumoured->omnipresent", "+90300 key3 DNSKEY hidden->rumoured",
                     "+90300 key4 DNSKEY hidden->rumoured",
                     // 3. new DS replaces the old one
                     "+97800 key3 DNSKEY rumoured->omnipresent", "+97800 key4 DNSKEY rumoured->omnipresent",
                     "+97800 key3 DS hidden->rumoured", "+97800 key1 DS omnipresent->unretentive",
                     // 4. old DNSKEYs once the old DS left every cache
                     "+195000 key3 DS rumoured->omnipresent", "+195000 key1 DS unretentive->hidden",
                     "+195000 key1 DNSKEY omnipresent->unretentive", "+195000 key2 DNSKEY omnipresent->unretentive",
                     // 5. old RRSIGs once the old DNSKEYs left every cache
                     "+202500 key1 DNSKEY unretentive->hidden", "+202500 key2 DNSKEY unretentive->hidden",
                     "+202500 key2 RRSIG(zone) omnipresent->unretentive",
                     "+202500 key1 RRSIG(DNSKEY) omnipresent->unretentive",
                     "+210000 key1 RRSIG(DNSKEY) unretentive->hidden", "+292800 key2 RRSIG(zone) unretentive->hidden",
                     "+1419600 key1 purge", "+1502400 key2 purge"}));

    // The same order, phase by phase.
    const UnixTime new_sigs =
        std::max(*t.when(3, Record::KrrSig, RS::Rumoured), *t.when(4, Record::ZrrSig, RS::Rumoured));
    const UnixTime sigs_everywhere =
        std::max(*t.when(3, Record::KrrSig, RS::Omnipresent), *t.when(4, Record::ZrrSig, RS::Omnipresent));
    const UnixTime new_dnskeys =
        std::min(*t.when(3, Record::Dnskey, RS::Rumoured), *t.when(4, Record::Dnskey, RS::Rumoured));
    const UnixTime new_ds = *t.when(3, Record::Ds, RS::Rumoured);
    const UnixTime old_ds_gone = *t.when(1, Record::Ds, RS::Hidden);
    const UnixTime old_dnskeys_out =
        std::min(*t.when(1, Record::Dnskey, RS::Unretentive), *t.when(2, Record::Dnskey, RS::Unretentive));
    const UnixTime old_dnskeys_gone =
        std::max(*t.when(1, Record::Dnskey, RS::Hidden), *t.when(2, Record::Dnskey, RS::Hidden));
    const UnixTime old_sigs_out =
        std::min(*t.when(1, Record::KrrSig, RS::Unretentive), *t.when(2, Record::ZrrSig, RS::Unretentive));
    EXPECT_LT(new_sigs, new_dnskeys);
    EXPECT_LE(sigs_everywhere, new_dnskeys);
    EXPECT_LT(new_dnskeys, new_ds);
    EXPECT_EQ(*t.when(1, Record::Ds, RS::Unretentive), new_ds);
    EXPECT_LE(old_ds_gone, old_dnskeys_out);
    EXPECT_LE(old_dnskeys_gone, old_sigs_out);
    EXPECT_EQ(t.ids(KeyRole::Ksk), std::vector<std::int64_t>{3});
    EXPECT_EQ(t.ids(KeyRole::Zsk), std::vector<std::int64_t>{4});
    EXPECT_EQ(retire_detail(t, 1),
              "KSK 10001 (id 1) retires: matches no key spec of policy default (KSK, algorithm 8, 2048 bits)");
}

TEST(PlannerPolicyChange, KeySizeChangeRollsBothKeysWithTheirUsualMethods) {
    Timeline t(policy_with({spec(KeyRole::Ksk, 8, std::nullopt, 2048), spec(KeyRole::Zsk, 8, std::nullopt, 1024)}));
    t.run_until(kStart + 10 * kDay);
    t.set_policy(policy_with({spec(KeyRole::Ksk, 8, std::nullopt, 4096), spec(KeyRole::Zsk, 8, std::nullopt, 2048)}));
    t.step();
    const UnixTime base = t.now;
    EXPECT_EQ(t.when_retired(1), base);
    EXPECT_EQ(t.when_retired(2), base);
    EXPECT_EQ(retire_detail(t, 2),
              "ZSK 10002 (id 2) retires: matches no key spec of policy default (ZSK, algorithm 8, 1024 bits)");
    t.run_until(base + 40 * kDay);
    // KSK: double-DS (DS first, DNSKEY once the DS is in every cache).
    EXPECT_EQ(t.when(3, Record::Ds, RS::Rumoured), base);
    EXPECT_EQ(t.when(3, Record::Dnskey, RS::Rumoured), t.when(3, Record::Ds, RS::Omnipresent));
    EXPECT_EQ(t.when(1, Record::Dnskey, RS::Unretentive), t.when(3, Record::Dnskey, RS::Rumoured));
    // ZSK: pre-publication (DNSKEY first, signatures swapped once it is in every cache).
    EXPECT_EQ(t.when(4, Record::Dnskey, RS::Rumoured), base);
    EXPECT_EQ(t.when(4, Record::ZrrSig, RS::Rumoured), base + kDnskeyDelay);
    EXPECT_EQ(t.when(2, Record::ZrrSig, RS::Unretentive), base + kDnskeyDelay);
    ASSERT_EQ(t.keys.size(), 2u);
    EXPECT_EQ(t.key(3)->bits, 4096u);
    EXPECT_EQ(t.key(4)->bits, 2048u);
    EXPECT_EQ(t.purged, (std::vector<std::int64_t>{2, 1}));
}

TEST(PlannerPolicyChange, CskSplitIntoKskAndZsk) {
    Timeline t(policy_with({spec(KeyRole::Csk, 13, std::nullopt)}));
    t.run_until(kStart + 10 * kDay);
    t.set_policy(policy_with({spec(KeyRole::Ksk, 13, std::nullopt), spec(KeyRole::Zsk, 13, std::nullopt)}));
    t.step();
    const UnixTime base = t.now;
    t.run_until(base + 30 * kDay);
    EXPECT_EQ(event_lines(t.log, base, {1, 2, 3}, true),
              (Lines{"+0 generate", "+0 generate", "+0 key1 retire",
                     // the KSK's DS next to the CSK's; the ZSK pre-published
                     "+0 key2 DS hidden->rumoured", "+0 key3 DNSKEY hidden->rumoured",
                     // the ZSK takes over the zone's signatures
                     "+7500 key3 DNSKEY rumoured->omnipresent", "+7500 key3 RRSIG(zone) hidden->rumoured",
                     "+7500 key1 RRSIG(zone) omnipresent->unretentive",
                     // the KSK takes over the DNSKEY RRset once its DS is in every cache
                     "+97200 key2 DS rumoured->omnipresent", "+97200 key2 DNSKEY hidden->rumoured",
                     "+97200 key2 RRSIG(DNSKEY) hidden->rumoured", "+97200 key1 RRSIG(DNSKEY) omnipresent->unretentive",
                     "+97800 key3 RRSIG(zone) rumoured->omnipresent", "+97800 key1 DNSKEY omnipresent->unretentive",
                     "+97800 key1 RRSIG(zone) unretentive->hidden",
                     // then the CSK's DS goes
                     "+104700 key2 DNSKEY rumoured->omnipresent", "+104700 key2 RRSIG(DNSKEY) rumoured->omnipresent",
                     "+104700 key1 DS omnipresent->unretentive", "+104700 key1 RRSIG(DNSKEY) unretentive->hidden",
                     "+105300 key1 DNSKEY unretentive->hidden", "+201900 key1 DS unretentive->hidden",
                     "+1411500 key1 purge"}));
    EXPECT_EQ(t.ids(KeyRole::Csk), std::vector<std::int64_t>{});
    EXPECT_EQ(t.ids(KeyRole::Ksk), std::vector<std::int64_t>{2});
    EXPECT_EQ(t.ids(KeyRole::Zsk), std::vector<std::int64_t>{3});
    for (const KeyState& k : t.keys) {
        EXPECT_EQ(k[Record::Dnskey], RS::Omnipresent);
        EXPECT_EQ(k[Record::Ds], k.role == KeyRole::Ksk ? RS::Omnipresent : RS::Hidden);
    }
}

TEST(PlannerPolicyChange, ManualRolloverWaitsForKeyRolloverThenRollsAsUsual) {
    policy::Policy p = policy_with({spec(KeyRole::Ksk, 13, std::nullopt), spec(KeyRole::Zsk, 13, 30 * kDay)});
    p.manual_rollover[KeyRole::Zsk] = true;
    Timeline t(p);
    t.run_until(kStart + 100 * kDay);
    EXPECT_EQ(t.next_id(), 3);  // the lifetime passed long ago, nothing generated
    EXPECT_EQ(t.key(2)->goal, KeyGoal::Omnipresent);
    EXPECT_FALSE(t.last.next_event);

    const UnixTime asked = t.now;
    t.key(2)->retire_requested = asked;  // `zonesigner key rollover`
    t.step();
    ASSERT_EQ(t.log.size() > 0, true);
    EXPECT_EQ(event_lines(t.log, asked, {2, 3}, true),
              (Lines{"+0 generate", "+0 key3 DNSKEY hidden->rumoured"}));
    EXPECT_EQ(t.when(3, Record::Dnskey, RS::Rumoured), asked);
    EXPECT_EQ(t.last.next_event, asked + kDnskeyDelay);
    t.run_until(asked + 20 * kDay);
    EXPECT_EQ(t.when_retired(2), asked + kDnskeyDelay);
    EXPECT_EQ(retire_detail(t, 2), "ZSK 10002 (id 2) retires: rollover requested for " + format_iso8601(asked) +
                                       "; ZSK 10003 (id 3) takes over");
    EXPECT_EQ(t.when(3, Record::ZrrSig, RS::Rumoured), asked + kDnskeyDelay);
    EXPECT_EQ(t.key(3)->active_since, asked + kDnskeyDelay);
    EXPECT_EQ(t.when_purged(2), *t.when(2, Record::Dnskey, RS::Hidden) + kPurge);
    // Still manual: the new key is not rolled when its lifetime ends.
    t.run_until(asked + 80 * kDay);
    EXPECT_EQ(t.next_id(), 4);
}

TEST(PlannerPolicyChange, ManualKskRolloverUsesDoubleDs) {
    policy::Policy p = policy_with({spec(KeyRole::Ksk, 13, 30 * kDay), spec(KeyRole::Zsk, 13, std::nullopt)});
    p.manual_rollover[KeyRole::Ksk] = true;
    Timeline t(p);
    t.run_until(kStart + 50 * kDay);
    EXPECT_EQ(t.next_id(), 3);
    t.key(1)->retire_requested = t.now;
    t.step();
    const UnixTime asked = t.now;
    EXPECT_EQ(t.when(3, Record::Ds, RS::Rumoured), asked);
    EXPECT_EQ(t.key(3)->state[static_cast<std::size_t>(Record::Dnskey)], RS::Hidden);
    t.run_until(asked + 20 * kDay);
    EXPECT_EQ(t.when_retired(1), t.when(3, Record::Ds, RS::Omnipresent));
    EXPECT_EQ(t.when(3, Record::Dnskey, RS::Rumoured), t.when_retired(1));
    EXPECT_EQ(t.when_purged(1), *t.when(1, Record::Ds, RS::Hidden) + kPurge);
    EXPECT_EQ(t.ids(KeyRole::Ksk), std::vector<std::int64_t>{3});
}

}  // namespace
