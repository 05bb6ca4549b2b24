// What the zone publishes and signs with, from key states; the policy of a
// `sign` run without --policy; the NSEC3 salt's reuse rule.
#include <gtest/gtest.h>

#include "signer/nsec3_salt.hpp"
#include "signer/zone_key_sets.hpp"

namespace zs::signer {
namespace {

using keymgr::KeyGoal;
using keymgr::KeyRecord;
using keymgr::KeyState;
using keymgr::Record;
using keymgr::RecordState;
using policy::KeyRole;

KeyRecord record(std::int64_t id, KeyRole role, std::uint8_t algorithm = 13) {
    KeyRecord r;
    r.id = id;
    r.role = role;
    r.algorithm = algorithm;
    r.key_tag = static_cast<std::uint16_t>(1000 + id);
    r.signer = "files";
    return r;
}

KeyState state(std::int64_t id, KeyRole role, RecordState ds, RecordState dnskey, RecordState krrsig,
               RecordState zrrsig, KeyGoal goal = KeyGoal::Omnipresent) {
    KeyState s;
    s.id = id;
    s.role = role;
    s.goal = goal;
    s[Record::Ds] = ds;
    s[Record::Dnskey] = dnskey;
    s[Record::KrrSig] = krrsig;
    s[Record::ZrrSig] = zrrsig;
    return s;
}

constexpr auto H = RecordState::Hidden, R = RecordState::Rumoured, O = RecordState::Omnipresent,
               U = RecordState::Unretentive;

TEST(ZoneKeySets, ZskRolloverPublishesBothSignsWithTheNewOne) {
    keymgr::ZoneKeys keys;
    keys.records = {record(1, KeyRole::Ksk), record(2, KeyRole::Zsk), record(3, KeyRole::Zsk)};
    keys.states = {state(1, KeyRole::Ksk, O, O, O, H), state(2, KeyRole::Zsk, H, O, H, U, KeyGoal::Hidden),
                   state(3, KeyRole::Zsk, H, O, H, R)};
    const ZoneKeySets sets = zone_key_sets(keys);
    ASSERT_EQ(sets.dnskey.size(), 3u);
    ASSERT_EQ(sets.signing.size(), 2u);
    EXPECT_EQ(sets.signing[0].record.id, 1);
    EXPECT_TRUE(sets.signing[0].signs_dnskey);
    EXPECT_FALSE(sets.signing[0].signs_zone);
    EXPECT_EQ(sets.signing[1].record.id, 3);
    EXPECT_TRUE(sets.signing[1].signs_zone);
    ASSERT_EQ(sets.ds.size(), 1u);
    EXPECT_EQ(sets.ds[0].id, 1);
    EXPECT_TRUE(sets.cds.empty());  // plan.publish_cds is false
}

TEST(ZoneKeySets, WithdrawnDnskeyIsNotPublishedAndBackupPendingKeysDoNotSign) {
    keymgr::ZoneKeys keys;
    keys.records = {record(1, KeyRole::Csk), record(2, KeyRole::Csk)};
    keys.records[1].backup_pending = true;
    keys.states = {state(1, KeyRole::Csk, O, U, U, H, KeyGoal::Hidden), state(2, KeyRole::Csk, O, O, O, O)};
    const ZoneKeySets sets = zone_key_sets(keys);
    ASSERT_EQ(sets.dnskey.size(), 1u);
    EXPECT_EQ(sets.dnskey[0].id, 2);
    EXPECT_TRUE(sets.signing.empty());
}

TEST(ZoneKeySets, CdsFollowsThePlan) {
    keymgr::ZoneKeys keys;
    keys.records = {record(1, KeyRole::Ksk), record(2, KeyRole::Ksk), record(3, KeyRole::Zsk)};
    keys.states = {state(1, KeyRole::Ksk, O, O, O, H), state(2, KeyRole::Ksk, R, H, H, H),
                   state(3, KeyRole::Zsk, H, O, H, O)};
    keys.plan.ds_wanted = {1, 2};
    keys.plan.publish_cds = true;
    const ZoneKeySets sets = zone_key_sets(keys);
    // Double-DS: the new DS is wanted before its DNSKEY is published, but a
    // CDS may only point at a published DNSKEY (RFC 7344 §4.1).
    ASSERT_EQ(sets.cds.size(), 1u);
    EXPECT_EQ(sets.cds[0].id, 1);
    ASSERT_EQ(sets.ds.size(), 2u);
    EXPECT_EQ(sets.dnskey.size(), 2u);
}

TEST(ZoneKeySets, NewZoneWithoutPolicySubmitsTheKskInServiceNext) {
    const std::vector<KeyRecord> records{record(1, KeyRole::Ksk), record(2, KeyRole::Zsk)};
    const std::vector<KeyState> states{state(1, KeyRole::Ksk, H, R, R, H), state(2, KeyRole::Zsk, H, R, H, R)};
    const auto ds = ds_set(records, states, true);
    ASSERT_EQ(ds.size(), 1u);
    EXPECT_EQ(ds[0].id, 1);
    // Under a policy the DS waits until every cache can validate.
    EXPECT_TRUE(ds_set(records, states, false).empty());
}

TEST(CommandLinePolicy, KeepsTheZonesKeysWithoutLifetimes) {
    policy::SigningParams params;
    params.algorithm = 8;  // differs from the keys: no rollover may start
    const std::vector<KeyRecord> records{record(1, KeyRole::Ksk, 13), record(2, KeyRole::Zsk, 13),
                                         record(3, KeyRole::Zsk, 13)};
    const std::vector<KeyState> states{state(1, KeyRole::Ksk, O, O, O, H), state(2, KeyRole::Zsk, H, O, H, O),
                                       state(3, KeyRole::Zsk, H, O, H, U, KeyGoal::Hidden)};
    const policy::Policy p = command_line_policy(records, states, params);
    ASSERT_EQ(p.keys.size(), 2u);
    for (const auto& spec : p.keys) {
        EXPECT_EQ(spec.algorithm, 13);
        EXPECT_FALSE(spec.lifetime);
    }
    EXPECT_EQ(p.cds_cdnskey, policy::CdsMode::None);
}

TEST(CommandLinePolicy, NewZoneGetsTheFlagsKeys) {
    policy::SigningParams params;
    params.algorithm = 8;
    params.rsa_bits = 3072;
    params.csk = true;
    params.publish_cds = true;
    const policy::Policy p = command_line_policy({}, {}, params);
    ASSERT_EQ(p.keys.size(), 1u);
    EXPECT_EQ(p.keys[0].role, KeyRole::Csk);
    EXPECT_EQ(p.keys[0].algorithm, 8);
    EXPECT_EQ(p.keys[0].bits, 3072u);
    EXPECT_EQ(p.cds_cdnskey, policy::CdsMode::Always);
}

TEST(Nsec3Salt, ReusedUntilResaltOrLengthChange) {
    EXPECT_TRUE(salt_still_valid(8, 1000, 8, std::nullopt, 999999));
    EXPECT_TRUE(salt_still_valid(8, 1000, 8, 86400, 1000 + 86399));
    EXPECT_FALSE(salt_still_valid(8, 1000, 8, 86400, 1000 + 86400));
    EXPECT_FALSE(salt_still_valid(4, 1000, 8, std::nullopt, 2000));
    EXPECT_FALSE(salt_still_valid(8, 5000, 8, std::nullopt, 2000));  // recorded in the future
}

}  // namespace
}  // namespace zs::signer
