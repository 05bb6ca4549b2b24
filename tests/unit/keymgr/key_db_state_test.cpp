// Key states, zones and the audit user in the key database (schema 3).
#include <stdlib.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "keymgr/key_db.hpp"

namespace zs::keymgr {
namespace {

namespace fs = std::filesystem;

class KeyDbStateTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "zs-keydb-state-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::int64_t add_key(KeyDb& db, const std::string& native_id, KeyRole role, UnixTime created,
                         const std::string& zone = "example.com.") {
        KeyRecord key;
        key.zone = zone;
        key.role = role;
        key.algorithm = 13;
        key.key_tag = static_cast<std::uint16_t>(1000 + native_id.size());
        key.flags = role == KeyRole::Zsk ? 256 : 257;
        key.signer = "files";
        key.native_id = native_id;
        key.dnskey_rdata = std::string("\x01\x01\x03\x0d\x00\xff", 6);
        key.created = created;
        return db.add(key);
    }

    std::string dir_;
};

TEST_F(KeyDbStateTest, NewKeysHaveGoalOmnipresentAndEveryRecordHiddenSinceTheirCreation) {
    KeyDb db(dir_ + "/keys.db");
    const std::int64_t id = add_key(db, "a", KeyRole::Ksk, 1800000000);
    const auto states = db.load_states("example.com.");
    ASSERT_EQ(states.size(), 1u);
    const KeyState& s = states[0];
    EXPECT_EQ(s.id, id);
    EXPECT_EQ(s.role, KeyRole::Ksk);
    EXPECT_EQ(s.algorithm, 13);
    EXPECT_EQ(s.signer, "files");
    EXPECT_EQ(s.created, 1800000000);
    EXPECT_EQ(s.goal, KeyGoal::Omnipresent);
    for (std::size_t r = 0; r < kRecordCount; ++r) {
        EXPECT_EQ(s.state[r], RecordState::Hidden);
        EXPECT_EQ(s.changed[r], 1800000000);
    }
    EXPECT_FALSE(s.active_since);
    // The key's zone is known from its first key on.
    ASSERT_TRUE(db.find_zone("example.com."));
    EXPECT_FALSE(db.find_zone("example.com.")->last_run);
}

TEST_F(KeyDbStateTest, SavedStatesComeBackFieldByFieldAndSetTheMilestones) {
    KeyDb db(dir_ + "/keys.db");
    const std::int64_t id = add_key(db, "a", KeyRole::Csk, 1800000000);
    KeyState s = *db.load_state(id);
    s.goal = KeyGoal::Hidden;
    s[Record::Ds] = RecordState::Unretentive;
    s[Record::Dnskey] = RecordState::Hidden;
    s[Record::KrrSig] = RecordState::Rumoured;
    s[Record::ZrrSig] = RecordState::Omnipresent;
    s.changed = {1800000001, 1800000002, 1800000003, 1800000004};
    s.active_since = 1800000010;
    s.retire_requested = 1800000020;
    s.ds_seen = 1800000030;
    s.ds_gone = 1800000040;
    db.save_state(s);

    KeyDb reopened(dir_ + "/keys.db");
    const KeyState got = *reopened.load_state(id);
    EXPECT_EQ(got.goal, KeyGoal::Hidden);
    EXPECT_EQ(got.state, s.state);
    EXPECT_EQ(got.changed, s.changed);
    EXPECT_EQ(got.active_since, s.active_since);
    EXPECT_EQ(got.retire_requested, s.retire_requested);
    EXPECT_EQ(got.ds_seen, s.ds_seen);
    EXPECT_EQ(got.ds_gone, s.ds_gone);

    // Milestones: active from active_since, retired at the request, removed
    // when the DNSKEY went hidden; never published (the DNSKEY is hidden).
    const KeyRecord record = reopened.list()[0];
    EXPECT_EQ(record.active, std::optional<UnixTime>(1800000010));
    EXPECT_EQ(record.retired, std::optional<UnixTime>(1800000020));
    EXPECT_EQ(record.removed, std::optional<UnixTime>(1800000002));
    EXPECT_FALSE(record.published);

    KeyState unknown = s;
    unknown.id = 999;
    EXPECT_THROW(db.save_state(unknown), Error);
}

TEST_F(KeyDbStateTest, PublishedIsTheFirstTimeTheDnskeyLeftHidden) {
    KeyDb db(dir_ + "/keys.db");
    const std::int64_t id = add_key(db, "a", KeyRole::Zsk, 1800000000);
    KeyState s = *db.load_state(id);
    s[Record::Dnskey] = RecordState::Rumoured;
    s.changed[static_cast<std::size_t>(Record::Dnskey)] = 1800000100;
    db.save_state(s);
    s[Record::Dnskey] = RecordState::Omnipresent;
    s.changed[static_cast<std::size_t>(Record::Dnskey)] = 1800000200;
    db.save_state(s);
    EXPECT_EQ(db.list()[0].published, std::optional<UnixTime>(1800000100));
}

TEST_F(KeyDbStateTest, ParentFactsAndRetireRequestsKeepTheFirstTime) {
    KeyDb db(dir_ + "/keys.db");
    const std::int64_t id = add_key(db, "a", KeyRole::Ksk, 1800000000);
    db.set_ds_seen(id, 1800000100);
    db.set_ds_seen(id, 1800000200);
    db.set_ds_gone(id, 1800000300);
    db.request_retire(id, 1800000400);
    db.request_retire(id, 1800000500);
    const KeyState s = *db.load_state(id);
    EXPECT_EQ(s.ds_seen, std::optional<UnixTime>(1800000100));
    EXPECT_EQ(s.ds_gone, std::optional<UnixTime>(1800000300));
    EXPECT_EQ(s.retire_requested, std::optional<UnixTime>(1800000400));
    EXPECT_THROW(db.set_ds_seen(999, 1), Error);
    EXPECT_THROW(db.set_ds_gone(999, 1), Error);
    EXPECT_THROW(db.request_retire(999, 1), Error);
}

TEST_F(KeyDbStateTest, SavingAStatePlannedBeforeAFactWasRecordedKeepsTheFact) {
    KeyDb db(dir_ + "/keys.db");
    const std::int64_t id = add_key(db, "a", KeyRole::Ksk, 1800000000);
    const KeyState planned = *db.load_state(id);  // before the operator's commands
    db.set_ds_seen(id, 1800000100);
    db.request_retire(id, 1800000200);
    db.save_state(planned);
    const KeyState s = *db.load_state(id);
    EXPECT_EQ(s.ds_seen, std::optional<UnixTime>(1800000100));
    EXPECT_EQ(s.retire_requested, std::optional<UnixTime>(1800000200));
}

TEST_F(KeyDbStateTest, LoadStatesFollowsListAndSkipsDeletedKeys) {
    KeyDb db(dir_ + "/keys.db");
    const std::int64_t a = add_key(db, "a", KeyRole::Ksk, 1800000000);
    const std::int64_t b = add_key(db, "bb", KeyRole::Zsk, 1800000000);
    const std::int64_t c = add_key(db, "ccc", KeyRole::Zsk, 1800000000);
    add_key(db, "dddd", KeyRole::Zsk, 1800000000, "example.net.");
    db.mark_deleted(b, 1800000500);
    const auto states = db.load_states("example.com.");
    const auto records = db.list("example.com.");
    ASSERT_EQ(states.size(), 2u);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(states[0].id, a);
    EXPECT_EQ(states[1].id, c);
    EXPECT_EQ(records[1].id, c);
    // A deleted key is still found by id (audit entries name it).
    ASSERT_TRUE(db.find_key(b));
    EXPECT_EQ(db.find_key(b)->deleted, std::optional<UnixTime>(1800000500));
    EXPECT_FALSE(db.find_key(12345));
}

TEST_F(KeyDbStateTest, ZonesRecordTheirLastRunAndPolicy) {
    KeyDb db(dir_ + "/keys.db");
    EXPECT_FALSE(db.last_run("example.org."));
    db.set_last_run("example.org.", 1800000000);
    db.set_zone_policy("example.org.", "standard");
    db.set_last_run("example.org.", 1800000100);
    db.set_zone_policy("example.org.", "");  // keeps the recorded one
    const auto zone = db.find_zone("example.org.");
    ASSERT_TRUE(zone);
    EXPECT_EQ(zone->last_run, std::optional<UnixTime>(1800000100));
    EXPECT_EQ(zone->policy, "standard");
    db.set_zone_policy("example.net.", "other");
    ASSERT_EQ(db.zones().size(), 2u);
    EXPECT_EQ(db.zones()[0].name, "example.net.");
    EXPECT_FALSE(db.zones()[0].last_run);
}

TEST_F(KeyDbStateTest, AuditEntriesCarryTheGivenUserElseTheAuditUser) {
    KeyDb db(dir_ + "/keys.db");
    db.append_audit(1800000000, "example.com.", std::nullopt, "a", "");
    db.set_audit_user("operator");
    db.append_audit(1800000001, "example.com.", std::nullopt, "b", "");
    db.append_audit(1800000002, "example.com.", std::nullopt, "c", "", "alice");
    const auto log = db.audit_log();
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0].user, "");
    EXPECT_EQ(log[1].user, "operator");
    EXPECT_EQ(log[2].user, "alice");
}

}  // namespace
}  // namespace zs::keymgr
