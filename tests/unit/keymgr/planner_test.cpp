// The key planner on virtual timelines (planner_test_harness.hpp): new
// zones, ZSK pre-publication, KSK double-DS and CSK rollovers at lifetime
// end, with the exact order and times of every event; purge, reuse of
// unused keys, pending backups, determinism. Every step of every timeline
// is also checked by the harness's independent invariant checker.
#include <gtest/gtest-spi.h>
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

policy::Policy ksk_zsk(std::optional<Seconds> ksk_lifetime, std::optional<Seconds> zsk_lifetime) {
    return policy_with({spec(KeyRole::Ksk, 13, ksk_lifetime), spec(KeyRole::Zsk, 13, zsk_lifetime)});
}

int published_dnskeys(const Timeline& t, KeyRole role) {
    int n = 0;
    for (const KeyState& k : t.keys) n += k.role == role && publishes_dnskey(k);
    return n;
}

const KeyBlocker* blocker_of(const PlanStep& step, std::int64_t id) {
    for (const KeyBlocker& b : step.blockers) {
        if (b.key_id == id) return &b;
    }
    return nullptr;
}

// The RFC 7583 delays with the default policy values used below.
constexpr Seconds kDnskeyDelay = 3600 + 300 + 3600;   // 7500: dnskey TTL + propagation + safety
constexpr Seconds kZoneDelay = 86400 + 300 + 3600;    // 90300: max zone TTL + propagation + safety
constexpr Seconds kDsDelay = 86400 + 3600 + 0 + 3600; // 93600: parent DS TTL + propagation + registration + safety
constexpr Seconds kParentActs = 3600;                 // the harness's parent: ds-seen / ds-gone 1 h after the request
constexpr Seconds kPurge = 14 * kDay;

TEST(KeyState, NamesAndPublication) {
    for (RS s : {RS::Hidden, RS::Rumoured, RS::Omnipresent, RS::Unretentive}) {
        EXPECT_EQ(parse_record_state(to_string(s)), s);
    }
    EXPECT_FALSE(parse_record_state("gone"));
    EXPECT_EQ(to_string(Record::KrrSig), "RRSIG(DNSKEY)");
    KeyState k;
    k[Record::Dnskey] = RS::Unretentive;  // withdrawn: only in caches
    k[Record::ZrrSig] = RS::Rumoured;
    k[Record::Ds] = RS::Omnipresent;
    EXPECT_FALSE(publishes_dnskey(k));
    EXPECT_TRUE(signs_zone_data(k));
    EXPECT_FALSE(signs_dnskey_rrset(k));
    EXPECT_TRUE(wants_ds(k));
}

TEST(Planner, NewZoneWithKskAndZskIsSignedOnTheFirstRunAndGetsItsDsOnceEverythingIsCached) {
    Timeline t(ksk_zsk(std::nullopt, std::nullopt));
    t.step();
    ASSERT_EQ(t.keys.size(), 2u);
    const KeyState& ksk = *t.key(1);
    const KeyState& zsk = *t.key(2);
    EXPECT_EQ(ksk.role, KeyRole::Ksk);
    EXPECT_TRUE(publishes_dnskey(ksk) && signs_dnskey_rrset(ksk));
    EXPECT_TRUE(publishes_dnskey(zsk) && signs_zone_data(zsk));
    EXPECT_EQ(ksk.active_since, kStart);
    EXPECT_TRUE(t.last.ds_wanted.empty());
    EXPECT_EQ(t.last.next_event, kStart + kDnskeyDelay);
    const KeyBlocker* b = blocker_of(t.last, 1);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->why,
              "DNSKEY of KSK 10001 (id 1) waits for dnskey TTL 3600 s + propagation 300 s + publish safety 3600 s, "
              "until 2026-01-01T02:05:00Z");
    EXPECT_EQ(b->earliest, kStart + kDnskeyDelay);

    t.run_until(kStart + kDnskeyDelay);
    b = blocker_of(t.last, 1);  // the DS waits for the zone's signatures to reach every cache
    ASSERT_TRUE(b);
    EXPECT_EQ(b->record, Record::Ds);
    EXPECT_EQ(b->why,
              "DS of KSK 10001 (id 1) cannot become rumoured yet: some resolvers' cached DNSKEY RRset and zone "
              "signatures would have no key of algorithm 13 in common (chain of trust DNSKEY -> RRSIG)");
    EXPECT_EQ(b->earliest, kStart + kZoneDelay);  // the next thing that can change

    t.run_until(kStart + 90300);
    EXPECT_EQ(t.last.ds_wanted, std::vector<std::int64_t>{1});
    EXPECT_TRUE(t.last.publish_cds);  // during-rollover: the DS is rumoured
    b = blocker_of(t.last, 1);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->why, "DS of KSK 10001 (id 1) waits for `zonesigner key ds-seen` (parent has not confirmed)");
    EXPECT_FALSE(b->earliest);

    t.run_until(kStart + 30 * kDay);
    EXPECT_EQ(event_lines(t.log, kStart, {1, 2}, true),
              (Lines{"+0 generate", "+0 generate", "+0 key1 DNSKEY hidden->rumoured",
                     "+0 key1 RRSIG(DNSKEY) hidden->rumoured", "+0 key2 DNSKEY hidden->rumoured",
                     "+0 key2 RRSIG(zone) hidden->rumoured", "+7500 key1 DNSKEY rumoured->omnipresent",
                     "+7500 key1 RRSIG(DNSKEY) rumoured->omnipresent", "+7500 key2 DNSKEY rumoured->omnipresent",
                     // the DS waits for the zone's signatures too: a resolver may hold unsigned RRsets
                     "+90300 key2 RRSIG(zone) rumoured->omnipresent", "+90300 key1 DS hidden->rumoured",
                     "+187500 key1 DS rumoured->omnipresent"}));
    EXPECT_FALSE(t.last.publish_cds);
    EXPECT_TRUE(t.last.blockers.empty());
    EXPECT_FALSE(t.last.next_event);  // unlimited lifetimes: nothing planned
}

TEST(Planner, NewZoneWithCsk) {
    Timeline t(policy_with({spec(KeyRole::Csk, 13, std::nullopt)}));
    t.run_until(kStart + 10 * kDay);
    EXPECT_EQ(event_lines(t.log, kStart, {1}, true),
              (Lines{"+0 generate", "+0 key1 DNSKEY hidden->rumoured", "+0 key1 RRSIG(DNSKEY) hidden->rumoured",
                     "+0 key1 RRSIG(zone) hidden->rumoured", "+7500 key1 DNSKEY rumoured->omnipresent",
                     "+7500 key1 RRSIG(DNSKEY) rumoured->omnipresent", "+90300 key1 RRSIG(zone) rumoured->omnipresent",
                     "+90300 key1 DS hidden->rumoured", "+187500 key1 DS rumoured->omnipresent"}));
    const KeyState& csk = *t.key(1);
    for (Record r : {Record::Ds, Record::Dnskey, Record::KrrSig, Record::ZrrSig}) {
        EXPECT_EQ(csk[r], RS::Omnipresent) << to_string(r);
    }
}

TEST(Planner, ZskPrePublicationRolloverAtLifetimeEnd) {
    Timeline t(ksk_zsk(std::nullopt, 30 * kDay));
    int most_zsk_dnskeys = 0;
    bool cds = false;
    t.after_step = [&](const Timeline& tl) {
        most_zsk_dnskeys = std::max(most_zsk_dnskeys, published_dnskeys(tl, KeyRole::Zsk));
        if (tl.now > kStart + 5 * kDay) cds = cds || tl.last.publish_cds;
    };
    t.run_until(kStart + 50 * kDay);
    const UnixTime due = kStart + 30 * kDay;  // ZSK 2 active since kStart
    const UnixTime base = due - kDnskeyDelay;  // its successor must be published by then
    EXPECT_EQ(event_lines(t.log, base, {2, 3}, true),
              (Lines{"+0 generate", "+0 key3 DNSKEY hidden->rumoured",
                     // successor's DNSKEY in every cache exactly at the end of the lifetime
                     "+7500 key3 DNSKEY rumoured->omnipresent", "+7500 key2 retire",
                     "+7500 key3 RRSIG(zone) hidden->rumoured", "+7500 key2 RRSIG(zone) omnipresent->unretentive",
                     // new signatures in every cache: the old DNSKEY can go
                     "+97800 key3 RRSIG(zone) rumoured->omnipresent", "+97800 key2 DNSKEY omnipresent->unretentive",
                     "+97800 key2 RRSIG(zone) unretentive->hidden", "+105300 key2 DNSKEY unretentive->hidden",
                     "+1314900 key2 purge"}));
    EXPECT_EQ(t.key(3)->active_since, due);
    EXPECT_EQ(t.purged, std::vector<std::int64_t>{2});
    EXPECT_EQ(most_zsk_dnskeys, 2);
    EXPECT_FALSE(cds);  // a ZSK rollover does not touch the DS
    EXPECT_EQ(t.last.next_event, due + 30 * kDay - kDnskeyDelay);  // the next successor's generation
    for (const PlannedEvent& e : t.log) {
        if (e.kind == PlannedEvent::Kind::Retire) {
            EXPECT_EQ(
                e.detail,
                "ZSK 10002 (id 2) retires: lifetime 30d ended at 2026-01-31T00:00:00Z; ZSK 10003 (id 3) takes over");
        }
    }
}

TEST(Planner, KskDoubleDsRolloverAtLifetimeEnd) {
    Timeline t(ksk_zsk(60 * kDay, std::nullopt));
    std::vector<std::pair<Seconds, std::vector<std::int64_t>>> ds_sets;
    const UnixTime due = kStart + 60 * kDay;
    const UnixTime base = due - kDsDelay;
    t.after_step = [&](const Timeline& tl) {
        if (tl.now < base) return;
        if (ds_sets.empty() || ds_sets.back().second != tl.last.ds_wanted) {
            ds_sets.push_back({tl.now - base, tl.last.ds_wanted});
        }
        EXPECT_EQ(tl.last.publish_cds, tl.now < base + 201900) << format_iso8601(tl.now);
    };
    t.run_until(kStart + 80 * kDay);
    EXPECT_EQ(
        event_lines(t.log, base, {1, 3}, true),
        (Lines{// 1. the new DS at the parent, next to the old one
               "+0 generate", "+0 key3 DS hidden->rumoured",
               // parent confirms 1 h later; DS TTL + propagation + safety after that
               "+97200 key3 DS rumoured->omnipresent", "+97200 key1 retire",
               // 2. the DNSKEY (and its RRSIG) swapped at once
               "+97200 key3 DNSKEY hidden->rumoured", "+97200 key3 RRSIG(DNSKEY) hidden->rumoured",
               "+97200 key1 DNSKEY omnipresent->unretentive", "+97200 key1 RRSIG(DNSKEY) omnipresent->unretentive",
               // 3. once the new DNSKEY is in every cache, the old DS goes
               "+104700 key3 DNSKEY rumoured->omnipresent", "+104700 key3 RRSIG(DNSKEY) rumoured->omnipresent",
               "+104700 key1 DS omnipresent->unretentive", "+104700 key1 DNSKEY unretentive->hidden",
               "+104700 key1 RRSIG(DNSKEY) unretentive->hidden",
               // parent removal confirmed at +108300
               "+201900 key1 DS unretentive->hidden", "+1411500 key1 purge"}));
    EXPECT_EQ(ds_sets, (std::vector<std::pair<Seconds, std::vector<std::int64_t>>>{
                           {0, {1, 3}}, {104700, {3}}}));
    EXPECT_EQ(t.key(3)->active_since, base + 97200);
}

TEST(Planner, KskDoubleDsWaitsForeverWithoutDsSeenThenProceeds) {
    Timeline t(ksk_zsk(60 * kDay, std::nullopt));
    t.run_until(kStart + 20 * kDay);
    t.parent.publish_after.reset();  // the operator never confirms
    const UnixTime base = kStart + 60 * kDay - kDsDelay;
    t.run_until(kStart + 100 * kDay);
    const KeyState& old_ksk = *t.key(1);
    const KeyState& new_ksk = *t.key(3);
    EXPECT_EQ(old_ksk.goal, KeyGoal::Omnipresent);
    EXPECT_EQ(old_ksk[Record::Dnskey], RS::Omnipresent);
    EXPECT_EQ(new_ksk[Record::Ds], RS::Rumoured);
    EXPECT_EQ(new_ksk.changed_at(Record::Ds), base);
    EXPECT_EQ(new_ksk[Record::Dnskey], RS::Hidden);
    EXPECT_FALSE(t.last.next_event);  // only the operator can unblock it
    const KeyBlocker* b = blocker_of(t.last, 3);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->record, Record::Ds);
    EXPECT_EQ(b->next, RS::Omnipresent);
    EXPECT_EQ(b->why, "DS of KSK 10003 (id 3) waits for `zonesigner key ds-seen` (parent has not confirmed)");
    EXPECT_FALSE(b->earliest);

    const UnixTime seen = t.now;
    t.key(3)->ds_seen = seen;
    t.parent.publish_after = kParentActs;
    t.step();
    EXPECT_EQ(t.last.next_event, seen + kDsDelay);
    t.run_until(seen + 30 * kDay);
    EXPECT_EQ(t.when(3, Record::Ds, RS::Omnipresent), seen + kDsDelay);
    EXPECT_EQ(t.when_retired(1), seen + kDsDelay);
    EXPECT_EQ(t.when(3, Record::Dnskey, RS::Rumoured), seen + kDsDelay);
    EXPECT_EQ(t.when(1, Record::Ds, RS::Unretentive), seen + kDsDelay + kDnskeyDelay);
    EXPECT_EQ(t.when(1, Record::Ds, RS::Hidden), seen + kDsDelay + kDnskeyDelay + kParentActs + kDsDelay);
}

TEST(Planner, CskRolloverPublishesDsAndDnskeyFirstThenSwapsSignatures) {
    Timeline t(policy_with({spec(KeyRole::Csk, 13, 60 * kDay)}));
    t.run_until(kStart + 80 * kDay);
    const UnixTime base = kStart + 60 * kDay - kDsDelay;  // lead: the longer of the DS and DNSKEY paths
    EXPECT_EQ(event_lines(t.log, base, {1, 2}, true),
              (Lines{"+0 generate", "+0 key2 DS hidden->rumoured", "+0 key2 DNSKEY hidden->rumoured",
                     "+7500 key2 DNSKEY rumoured->omnipresent",
                     "+97200 key2 DS rumoured->omnipresent", "+97200 key1 retire",
                     "+97200 key2 RRSIG(DNSKEY) hidden->rumoured", "+97200 key2 RRSIG(zone) hidden->rumoured",
                     "+97200 key1 RRSIG(DNSKEY) omnipresent->unretentive",
                     "+97200 key1 RRSIG(zone) omnipresent->unretentive",
                     "+104700 key2 RRSIG(DNSKEY) rumoured->omnipresent", "+104700 key1 DS omnipresent->unretentive",
                     "+104700 key1 RRSIG(DNSKEY) unretentive->hidden",
                     "+187500 key2 RRSIG(zone) rumoured->omnipresent", "+187500 key1 DNSKEY omnipresent->unretentive",
                     "+187500 key1 RRSIG(zone) unretentive->hidden", "+195000 key1 DNSKEY unretentive->hidden",
                     "+201900 key1 DS unretentive->hidden", "+1411500 key1 purge"}));
}

TEST(Planner, CdsFollowsThePolicy) {
    for (policy::CdsMode mode : {policy::CdsMode::None, policy::CdsMode::DuringRollover, policy::CdsMode::Always}) {
        policy::Policy p = ksk_zsk(std::nullopt, std::nullopt);
        p.cds_cdnskey = mode;
        Timeline t(p);
        t.run_until(kStart + kZoneDelay);  // the DS is rumoured
        EXPECT_EQ(t.last.publish_cds, mode != policy::CdsMode::None);
        t.run_until(kStart + 10 * kDay);  // steady
        EXPECT_EQ(t.last.publish_cds, mode == policy::CdsMode::Always);
        EXPECT_EQ(t.last.ds_wanted, std::vector<std::int64_t>{1});
    }
}

TEST(Planner, AScheduledRolloverGeneratesTheSuccessorAheadOfTime) {
    Timeline t(ksk_zsk(std::nullopt, std::nullopt));
    t.run_until(kStart + 10 * kDay);
    const UnixTime at = kStart + 20 * kDay;
    t.key(2)->retire_requested = at;
    t.step();
    EXPECT_EQ(t.last.next_event, at - kDnskeyDelay);
    t.run_until(at + kDay);
    EXPECT_EQ(t.when(3, Record::Dnskey, RS::Rumoured), at - kDnskeyDelay);
    EXPECT_EQ(t.when_retired(2), at);
    EXPECT_EQ(t.when(3, Record::ZrrSig, RS::Rumoured), at);
}

TEST(Planner, PurgesAKeyPurgeAfterItsLastRecordWasHidden) {
    policy::Policy p = ksk_zsk(std::nullopt, 30 * kDay);
    p.purge_after = 3 * kDay;
    Timeline t(p);
    std::optional<UnixTime> announced;
    t.after_step = [&](const Timeline& tl) {
        if (!announced && tl.key(2) && (*tl.key(2))[Record::Dnskey] == RS::Hidden &&
            tl.key(2)->goal == KeyGoal::Hidden) {
            announced = tl.last.next_event;
        }
    };
    t.run_until(kStart + 40 * kDay);
    const UnixTime hidden = *t.when(2, Record::Dnskey, RS::Hidden);
    EXPECT_EQ(announced, hidden + 3 * kDay);
    EXPECT_EQ(t.when_purged(2), hidden + 3 * kDay);
    EXPECT_FALSE(t.key(2));
}

TEST(Planner, ReusesAnUnusedKeyOfTheSpecBeforeAskingForANewOne) {
    Timeline t(ksk_zsk(std::nullopt, 30 * kDay));
    t.run_until(kStart + 10 * kDay);
    // `key generate` made a spare ZSK and a key of an algorithm the policy does not use.
    KeyState spare;
    spare.id = 50;
    spare.role = KeyRole::Zsk;
    spare.algorithm = 13;
    spare.key_tag = 50;
    spare.created = t.now;
    KeyState stray = spare;
    stray.id = 51;
    stray.algorithm = 15;
    t.keys.push_back(spare);
    t.keys.push_back(stray);
    t.step();
    EXPECT_EQ(t.when_retired(51), t.now);  // matches no spec: retired at once
    EXPECT_EQ(t.key(50)->goal, KeyGoal::Omnipresent);
    EXPECT_EQ(t.key(50)->state, (std::array<RS, kRecordCount>{}));  // standby: nothing published yet
    const std::int64_t generated_before = t.next_id();
    t.run_until(kStart + 40 * kDay);
    EXPECT_EQ(t.next_id(), generated_before);  // nothing generated
    EXPECT_EQ(t.when(50, Record::Dnskey, RS::Rumoured), kStart + 30 * kDay - kDnskeyDelay);
    EXPECT_EQ(t.when_retired(2), kStart + 30 * kDay);
    EXPECT_EQ(t.when_purged(51), t.when_retired(51).value() + kPurge);
}

TEST(Planner, KeysWithAPendingBackupArePublishedButDoNotSign) {
    Timeline t(ksk_zsk(std::nullopt, std::nullopt));
    t.new_keys_backup_pending = true;
    t.run_until(kStart + 3 * kDay);
    for (const KeyState& k : t.keys) {
        EXPECT_TRUE(publishes_dnskey(k));
        EXPECT_EQ(k[Record::KrrSig], RS::Hidden);
        EXPECT_EQ(k[Record::ZrrSig], RS::Hidden);
        EXPECT_EQ(k[Record::Ds], RS::Hidden);  // no DS for a zone nobody signs
        EXPECT_FALSE(k.active_since);
        const KeyBlocker* b = blocker_of(t.last, k.id);
        ASSERT_TRUE(b);
        EXPECT_NE(b->why.find("must not sign until its signer's backup is recorded (`zonesigner hsm backup-done`)"),
                  std::string::npos)
            << b->why;
        EXPECT_FALSE(b->earliest);
    }
    EXPECT_FALSE(t.last.next_event);

    const UnixTime backup_done = t.now;
    for (KeyState& k : t.keys) k.backup_pending = false;
    t.new_keys_backup_pending = false;
    t.step();
    EXPECT_TRUE(signs_dnskey_rrset(*t.key(1)));
    EXPECT_TRUE(signs_zone_data(*t.key(2)));
    EXPECT_EQ(t.key(2)->active_since, backup_done);
    t.run_until(backup_done + 5 * kDay);
    EXPECT_EQ(t.when(1, Record::Ds, RS::Rumoured), backup_done + kZoneDelay);
}

TEST(Planner, ASuccessorWithAPendingBackupDoesNotTakeOver) {
    Timeline t(ksk_zsk(std::nullopt, 30 * kDay));
    t.run_until(kStart + 20 * kDay);
    t.new_keys_backup_pending = true;
    t.run_until(kStart + 40 * kDay);
    const KeyState& successor = *t.key(3);
    EXPECT_EQ(successor[Record::Dnskey], RS::Omnipresent);  // pre-published
    EXPECT_EQ(successor[Record::ZrrSig], RS::Hidden);
    EXPECT_EQ(t.key(2)->goal, KeyGoal::Omnipresent);  // keeps signing past its lifetime
    EXPECT_TRUE(signs_zone_data(*t.key(2)));
    const KeyBlocker* b = blocker_of(t.last, 3);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->why,
              "ZSK 10003 (id 3) cannot take over from ZSK 10002 (id 2) until its signer's backup is recorded "
              "(`zonesigner hsm backup-done`)");

    t.key(3)->backup_pending = false;
    t.step();
    EXPECT_EQ(t.when_retired(2), t.now);
    EXPECT_TRUE(signs_zone_data(*t.key(3)));
}

KeyState serving_zsk(std::int64_t id, UnixTime since) {
    KeyState k;
    k.id = id;
    k.role = KeyRole::Zsk;
    k.key_tag = static_cast<std::uint16_t>(id);
    k.created = since;
    k.active_since = since;
    k[Record::Dnskey] = RS::Omnipresent;
    k[Record::ZrrSig] = RS::Omnipresent;
    k.changed.fill(since);
    return k;
}

KeyState serving_ksk(std::int64_t id, UnixTime since) {
    KeyState k = serving_zsk(id, since);
    k.role = KeyRole::Ksk;
    k[Record::ZrrSig] = RS::Hidden;
    k[Record::Ds] = RS::Omnipresent;
    k[Record::KrrSig] = RS::Omnipresent;
    return k;
}

TEST(Planner, AReadySuccessorWaitsForItsPredecessorsLifetimeToEnd) {
    const policy::Policy p = ksk_zsk(std::nullopt, 30 * kDay);
    KeyState successor;
    successor.id = 3;
    successor.role = KeyRole::Zsk;
    successor.key_tag = 3;
    successor.created = kStart + 20 * kDay;
    successor[Record::Dnskey] = RS::Omnipresent;  // pre-published early
    successor.changed.fill(kStart + 20 * kDay);
    const UnixTime now = kStart + 25 * kDay;
    const PlanStep step = plan_step(p, {serving_ksk(1, kStart), serving_zsk(2, kStart), successor}, now);
    EXPECT_TRUE(step.events.empty());
    EXPECT_TRUE(step.generate.empty());
    EXPECT_EQ(step.next_event, kStart + 30 * kDay);
    const KeyBlocker* b = blocker_of(step, 3);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->record, Record::ZrrSig);
    EXPECT_EQ(b->why,
              "ZSK 3 (id 3) is ready to take over from ZSK 2 (id 2) (lifetime 30d ends at 2026-01-31T00:00:00Z)");
    EXPECT_EQ(b->earliest, kStart + 30 * kDay);
}

TEST(Planner, RetiresAKeyInServiceBeyondWhatTheSpecNeeds) {
    const policy::Policy p = ksk_zsk(std::nullopt, std::nullopt);
    const UnixTime now = kStart + 100 * kDay;
    const PlanStep step = plan_step(p,
                                    {serving_ksk(1, kStart), serving_zsk(2, kStart), serving_zsk(3, kStart + kDay),
                                     serving_zsk(4, kStart + 2 * kDay)},
                                    now);
    ASSERT_FALSE(step.events.empty());
    EXPECT_EQ(step.events[0].kind, PlannedEvent::Kind::Retire);
    EXPECT_EQ(step.events[0].key_id, 4);
    EXPECT_EQ(step.events[0].detail,
              "ZSK 4 (id 4) retires: more keys of its spec are in service than the policy needs");
    // ZSK 3 stays as the (unneeded but harmless) successor; the others keep serving.
    for (const KeyState& k : step.keys) EXPECT_EQ(k.goal, k.id == 4 ? KeyGoal::Hidden : KeyGoal::Omnipresent);
    // Its signatures and DNSKEY go at once: every cached RRset also carries
    // the signatures of the ZSKs that stay.
    EXPECT_EQ(step.keys[3][Record::ZrrSig], RS::Unretentive);
    EXPECT_EQ(step.keys[3][Record::Dnskey], RS::Unretentive);
}

std::string serialize(const PlanStep& s) {
    std::ostringstream out;
    for (const auto& k : s.keys) {
        out << "key " << k.id << " goal " << int(k.goal) << " active " << k.active_since.value_or(-1);
        for (std::size_t r = 0; r < kRecordCount; ++r) out << " " << to_string(k.state[r]) << "@" << k.changed[r];
        out << "\n";
    }
    for (const auto& e : s.events) out << event_line(e, 0) << " " << e.detail << "\n";
    for (const auto& g : s.generate) out << "gen " << policy::to_string(g.role) << int(g.algorithm) << "\n";
    for (auto id : s.purge) out << "purge " << id << "\n";
    out << "next " << s.next_event.value_or(-1) << "\n";
    for (const auto& b : s.blockers)
        out << "blocker " << b.key_id << " " << b.why << " " << b.earliest.value_or(-1) << "\n";
    for (auto id : s.ds_wanted) out << "ds " << id << "\n";
    out << "cds " << s.publish_cds << "\n";
    return out.str();
}

TEST(Planner, IsDeterministic) {
    auto run = [] {
        Timeline t(ksk_zsk(90 * kDay, 30 * kDay));
        t.run_until(kStart + 200 * kDay);
        std::string text;
        for (const auto& e : t.log) text += event_line(e, 0) + " " + e.detail + "\n";
        return std::make_pair(text, t.keys);
    };
    const auto [first_log, keys] = run();
    const auto [second_log, keys_again] = run();
    EXPECT_EQ(first_log, second_log);

    // The same input gives the same output; the input order of the keys does
    // not change what happens.
    policy::Policy p = ksk_zsk(90 * kDay, 30 * kDay);
    const UnixTime later = kStart + 260 * kDay;
    const PlanStep a = plan_step(p, keys, later);
    EXPECT_EQ(serialize(a), serialize(plan_step(p, keys, later)));
    std::vector<KeyState> reversed(keys.rbegin(), keys.rend());
    PlanStep b = plan_step(p, reversed, later);
    std::reverse(b.keys.begin(), b.keys.end());
    EXPECT_EQ(serialize(a), serialize(b));
    EXPECT_FALSE(a.events.empty());
}

}  // namespace

namespace {

// The harness's checker must itself catch broken timelines.
KeyState key_with(std::int64_t id, KeyRole role, std::uint8_t algorithm, bool dnskey, bool krrsig, bool zrrsig) {
    KeyState k;
    k.id = id;
    k.role = role;
    k.algorithm = algorithm;
    k[Record::Dnskey] = dnskey ? RS::Omnipresent : RS::Hidden;
    k[Record::KrrSig] = krrsig ? RS::Omnipresent : RS::Hidden;
    k[Record::ZrrSig] = zrrsig ? RS::Omnipresent : RS::Hidden;
    return k;
}

void remove_the_old_dnskey_with_the_signature_swap() {
    InvariantChecker checker(ksk_zsk(std::nullopt, std::nullopt));
    const KeyState ksk = key_with(1, KeyRole::Ksk, 13, true, true, false);
    const KeyState zsk3_published = key_with(3, KeyRole::Zsk, 13, true, false, false);
    checker.observe(kStart, {ksk, key_with(2, KeyRole::Zsk, 13, true, false, true), zsk3_published}, {1});
    // ZSK 3 was pre-published long ago, but the old DNSKEY leaves with the
    // old signatures: RRsets cached with those no longer validate.
    checker.observe(kStart + 10 * kDay, {ksk, key_with(3, KeyRole::Zsk, 13, true, false, true)}, {1});
}

void publish_an_algorithm_that_does_not_sign() {
    InvariantChecker checker(ksk_zsk(std::nullopt, std::nullopt));
    checker.observe(
        kStart, {key_with(1, KeyRole::Csk, 13, true, true, true), key_with(2, KeyRole::Csk, 15, true, false, false)},
        {1});
}

TEST(PlannerInvariantChecker, CatchesADnskeyRemovedWhileItsSignaturesAreCached) {
    EXPECT_NONFATAL_FAILURE(remove_the_old_dnskey_with_the_signature_swap(),
                            "no DNSKEY -> RRSIG(zone) chain of algorithm 13");
}

TEST(PlannerInvariantChecker, CatchesAnAlgorithmOfTheDnskeyRrsetThatDoesNotSign) {
    EXPECT_NONFATAL_FAILURE(publish_an_algorithm_that_does_not_sign(),
                            "algorithm 15 of the DNSKEY RRset does not sign every RRset");
}

}  // namespace
