// The key manager step (key_manager.hpp) over a file signer in a temporary
// directory, with hand-written plans where the test is about applying a plan
// (order of writes, audit, purge, parent_check, dry run) rather than about
// the planner's rules.
#include "keymgr/key_manager.hpp"

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "hsm/openssl_file_signer.hpp"
#include "keymgr/ds_records.hpp"
#include "keymgr/zone_keys.hpp"
#include "policy/policy.hpp"

namespace zs::keymgr {
namespace {

namespace fs = std::filesystem;

constexpr UnixTime kNow = 1800000000;
const std::string kZone = "example.com.";

// A file signer that can watch (or refuse) destroying keys.
class WatchedSigner : public hsm::OpenSslFileSigner {
public:
    using OpenSslFileSigner::OpenSslFileSigner;
    void delete_key(const hsm::KeyId& id) override {
        if (on_delete) on_delete(id);
        if (refuse_delete) throw hsm::SignerError(name(), "delete", id, "token is read-only");
        OpenSslFileSigner::delete_key(id);
    }
    std::function<void(const hsm::KeyId&)> on_delete;
    bool refuse_delete = false;
};

class FileSigners : public SignerDirectory {
public:
    explicit FileSigners(const std::string& directory) : files("files", directory) {}
    hsm::Signer& signer_named(const std::string& name) override {
        if (!name.empty() && name != "files") throw Error("signer '" + name + "' is not configured");
        return files;
    }
    std::string new_keys_signer_name() const override { return "files"; }
    bool requires_backup(const std::string&) const override { return backup; }
    WatchedSigner files;
    bool backup = false;
};

policy::KeySpec spec(KeyRole role) {
    policy::KeySpec s;
    s.role = role;
    s.algorithm = 13;
    return s;
}

// Reads one value with a separate connection: what is committed on disk.
std::string committed(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    std::string result = "<none>";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(stmt, 0);
        result = text ? reinterpret_cast<const char*>(text) : "<null>";
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return result;
}

class KeyManagerTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "zs-keymanager-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        db_ = std::make_unique<KeyDb>(db_path());
        signers_ = std::make_unique<FileSigners>(dir_ + "/keys");
        policy_ = policy::default_policy();
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string db_path() const { return dir_ + "/keys.db"; }

    KeyManagerOptions options(const Planner& planner, UnixTime now = kNow) {
        KeyManagerOptions o;
        o.now = now;
        o.user = "alice";
        o.planner = planner;
        return o;
    }

    // A key in service: generated, then every record of its role omnipresent.
    KeyRecord live_key(KeyRole role) {
        KeyRecord k = generate_zone_key(*db_, signers_->files, kZone, role, 13, 0, kNow - 100 * 86400);
        db_->save_state(in_service_state(k, kNow - 100 * 86400));
        return k;
    }

    std::vector<std::string> audit_events() const {
        std::vector<std::string> events;
        for (const auto& e : db_->audit_log(kZone)) events.push_back(e.event);
        return events;
    }

    std::string dir_;
    std::unique_ptr<KeyDb> db_;
    std::unique_ptr<FileSigners> signers_;
    policy::Policy policy_;
};

// Nothing to do: the keys as they are.
PlanStep unchanged(const policy::Policy&, const std::vector<KeyState>& keys, UnixTime) {
    PlanStep step;
    step.keys = keys;
    return step;
}

TEST_F(KeyManagerTest, AClockThatWentBackwardsIsRefusedNamingBothTimes) {
    db_->set_last_run(kZone, kNow);
    try {
        run_key_manager(*db_, *signers_, policy_, kZone, options(unchanged, kNow - 3600));
        FAIL() << "ran with a clock before the last run";
    } catch (const Error& e) {
        const std::string text = e.what();
        EXPECT_NE(text.find("the clock went backwards"), std::string::npos) << text;
        EXPECT_NE(text.find(format_iso8601(kNow - 3600)), std::string::npos) << text;
        EXPECT_NE(text.find(format_iso8601(kNow)), std::string::npos) << text;
        EXPECT_NE(text.find(kZone), std::string::npos) << text;
    }
    EXPECT_EQ(db_->last_run(kZone), std::optional<UnixTime>(kNow));
    // The same time again is fine (a rerun after a crash).
    EXPECT_NO_THROW(run_key_manager(*db_, *signers_, policy_, kZone, options(unchanged, kNow)));
}

TEST_F(KeyManagerTest, GeneratesTheKeysThePlanAsksForThenAppliesThePlanWithThem) {
    std::vector<std::size_t> key_counts;  // keys the planner saw, per call
    auto planner = [&](const policy::Policy&, const std::vector<KeyState>& keys, UnixTime now) {
        key_counts.push_back(keys.size());
        PlanStep step;
        step.keys = keys;
        if (keys.empty()) {
            step.generate = {spec(KeyRole::Ksk), spec(KeyRole::Zsk)};
            return step;
        }
        for (auto& k : step.keys) {
            EXPECT_EQ(k.goal, KeyGoal::Omnipresent);
            EXPECT_EQ(k[Record::Dnskey], RecordState::Hidden);
            EXPECT_EQ(k.created, now);
            k[Record::Dnskey] = RecordState::Rumoured;
            k.changed[static_cast<std::size_t>(Record::Dnskey)] = now;
            PlannedEvent e;
            e.time = now;
            e.key_id = k.id;
            e.record = Record::Dnskey;
            e.from = RecordState::Hidden;
            e.to = RecordState::Rumoured;
            e.detail = "published";
            step.events.push_back(e);
        }
        return step;
    };
    const ZoneKeys result = run_key_manager(*db_, *signers_, policy_, kZone, options(planner));
    EXPECT_EQ(key_counts, (std::vector<std::size_t>{0, 2}));

    ASSERT_EQ(result.records.size(), 2u);
    ASSERT_EQ(result.states.size(), 2u);
    EXPECT_EQ(result.records[0].role, KeyRole::Ksk);
    EXPECT_EQ(result.records[1].role, KeyRole::Zsk);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(result.records[i].id, result.states[i].id);
        EXPECT_TRUE(signers_->files.has_key(result.records[i].native_id));
        EXPECT_EQ(result.records[i].published, std::optional<UnixTime>(kNow));
    }
    const auto saved = db_->load_states(kZone);
    ASSERT_EQ(saved.size(), 2u);
    for (const auto& s : saved) EXPECT_EQ(s[Record::Dnskey], RecordState::Rumoured);

    EXPECT_EQ(audit_events(), (std::vector<std::string>{"generate", "generate", "publish", "publish"}));
    for (const auto& e : db_->audit_log(kZone)) {
        EXPECT_EQ(e.user, "alice");
        EXPECT_EQ(e.time, kNow);
        ASSERT_TRUE(e.key_id);
    }
    EXPECT_EQ(db_->audit_log(kZone)[2].detail, "published");
    EXPECT_EQ(db_->last_run(kZone), std::optional<UnixTime>(kNow));
    EXPECT_EQ(db_->find_zone(kZone)->policy, "default");
    EXPECT_EQ(db_->audit_user(), "");  // the run's user does not outlive it
}

TEST_F(KeyManagerTest, KeysOfASignerThatRequiresABackupWaitForIt) {
    signers_->backup = true;
    auto planner = [&](const policy::Policy&, const std::vector<KeyState>& keys, UnixTime) {
        PlanStep step;
        step.keys = keys;
        if (keys.empty()) step.generate = {spec(KeyRole::Csk)};
        return step;
    };
    const ZoneKeys result = run_key_manager(*db_, *signers_, policy_, kZone, options(planner));
    ASSERT_EQ(result.records.size(), 1u);
    EXPECT_TRUE(result.records[0].backup_pending);
    EXPECT_TRUE(db_->list(kZone)[0].backup_pending);
    EXPECT_EQ(audit_events(), (std::vector<std::string>{"generate", "backup-pending"}));
}

TEST_F(KeyManagerTest, ThePlannerAskingForKeysForeverIsAnError) {
    auto planner = [&](const policy::Policy&, const std::vector<KeyState>& keys, UnixTime) {
        PlanStep step;
        step.keys = keys;
        step.generate = {spec(KeyRole::Zsk)};
        return step;
    };
    EXPECT_THROW(run_key_manager(*db_, *signers_, policy_, kZone, options(planner)), Error);
}

PlanStep purge_first_key(const policy::Policy&, const std::vector<KeyState>& keys, UnixTime) {
    PlanStep step;
    step.keys = keys;
    step.purge = {keys.front().id};
    PlannedEvent e;
    e.kind = PlannedEvent::Kind::Purge;
    e.key_id = keys.front().id;
    e.time = kNow;
    e.detail = "hidden long enough";
    step.events.push_back(e);
    return step;
}

TEST_F(KeyManagerTest, PurgeCommitsTheTombstoneBeforeTheSignerDestroysTheKey) {
    const KeyRecord old_key = generate_zone_key(*db_, signers_->files, kZone, KeyRole::Zsk, 13, 0, kNow - 86400);
    const KeyRecord kept = live_key(KeyRole::Ksk);
    std::string deleted_when_destroyed;
    signers_->files.on_delete = [&](const hsm::KeyId& id) {
        EXPECT_EQ(id, old_key.native_id);
        deleted_when_destroyed =
            committed(db_path(), "SELECT deleted FROM keys WHERE native_id = '" + old_key.native_id + "'");
    };
    const ZoneKeys result = run_key_manager(*db_, *signers_, policy_, kZone, options(purge_first_key));
    EXPECT_EQ(deleted_when_destroyed, std::to_string(kNow));
    EXPECT_FALSE(signers_->files.has_key(old_key.native_id));
    EXPECT_TRUE(signers_->files.has_key(kept.native_id));
    ASSERT_EQ(db_->list(kZone).size(), 1u);
    ASSERT_EQ(result.records.size(), 1u);
    EXPECT_EQ(result.records[0].id, kept.id);
    EXPECT_TRUE(result.warnings.empty());
    const auto log = db_->audit_log(kZone);
    ASSERT_GE(log.size(), 2u);
    EXPECT_EQ(log[log.size() - 2].event, "purge");
    EXPECT_EQ(log.back().event, "delete");
    EXPECT_EQ(log.back().key_id, std::optional<std::int64_t>(old_key.id));
    EXPECT_EQ(log.back().user, "alice");
}

TEST_F(KeyManagerTest, ASignerThatCannotDestroyLeavesTheTombstoneAndAWarning) {
    const KeyRecord old_key = generate_zone_key(*db_, signers_->files, kZone, KeyRole::Zsk, 13, 0, kNow - 86400);
    signers_->files.refuse_delete = true;
    const ZoneKeys result = run_key_manager(*db_, *signers_, policy_, kZone, options(purge_first_key));
    EXPECT_TRUE(db_->list(kZone).empty());
    EXPECT_EQ(db_->find_key(old_key.id)->deleted, std::optional<UnixTime>(kNow));
    EXPECT_TRUE(signers_->files.has_key(old_key.native_id));  // the orphan `hsm keys` reports
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_NE(result.warnings[0].find("token is read-only"), std::string::npos) << result.warnings[0];
    EXPECT_NE(result.warnings[0].find("orphan"), std::string::npos) << result.warnings[0];
    EXPECT_EQ(db_->last_run(kZone), std::optional<UnixTime>(kNow));
}

// A KSK rollover's DS swap: `submitted` DS rumoured, `withdrawn` DS
// unretentive, recorded; the DS set wanted is the submitted key's.
class ParentCheckTest : public KeyManagerTest {
protected:
    void SetUp() override {
        KeyManagerTest::SetUp();
        withdrawn_ = live_key(KeyRole::Ksk);
        submitted_ = live_key(KeyRole::Ksk);
        KeyState w = *db_->load_state(withdrawn_.id);
        w.goal = KeyGoal::Hidden;
        w[Record::Ds] = RecordState::Unretentive;
        db_->save_state(w);
        KeyState s = *db_->load_state(submitted_.id);
        s[Record::Ds] = RecordState::Rumoured;
        db_->save_state(s);
        capture_ = dir_ + "/expected-ds.txt";
    }

    Planner planner() {
        return [this](const policy::Policy&, const std::vector<KeyState>& keys, UnixTime) {
            PlanStep step;
            step.keys = keys;
            step.ds_wanted = {submitted_.id};
            for (const auto& k : keys)
                if (k.id == submitted_.id) planned_ds_seen_ = k.ds_seen;
            return step;
        };
    }

    KeyRecord withdrawn_, submitted_;
    std::string capture_;
    std::optional<UnixTime> planned_ds_seen_;  // what the planner was given
};

TEST_F(ParentCheckTest, SuccessRecordsDsSeenAndDsGoneWithTheExpectedSetOnStdin) {
    policy_.parent_check = "cat > '" + capture_ + "'; exit 0";
    const ZoneKeys result = run_key_manager(*db_, *signers_, policy_, kZone, options(planner()));
    EXPECT_EQ(read_file(capture_), ds_records_text(kZone, {submitted_}, policy_.parent_ds_ttl));
    EXPECT_NE(read_file(capture_).find("\tDS\t" + std::to_string(submitted_.key_tag) + " 13 2 "), std::string::npos)
        << read_file(capture_);
    EXPECT_EQ(db_->load_state(submitted_.id)->ds_seen, std::optional<UnixTime>(kNow));
    EXPECT_FALSE(db_->load_state(submitted_.id)->ds_gone);
    EXPECT_EQ(db_->load_state(withdrawn_.id)->ds_gone, std::optional<UnixTime>(kNow));
    EXPECT_FALSE(db_->load_state(withdrawn_.id)->ds_seen);
    // The plan is made with the parent facts.
    EXPECT_EQ(planned_ds_seen_, std::optional<UnixTime>(kNow));
    for (const auto& s : result.states)
        if (s.id == submitted_.id) {
            EXPECT_EQ(s.ds_seen, std::optional<UnixTime>(kNow));
        }
    const auto events = audit_events();
    EXPECT_NE(std::find(events.begin(), events.end(), "ds-seen"), events.end());
    EXPECT_NE(std::find(events.begin(), events.end(), "ds-gone"), events.end());
}

TEST_F(ParentCheckTest, FailureRecordsNothingAndSaysSo) {
    policy_.parent_check = "cat > '" + capture_ + "'; exit 3";
    const ZoneKeys result = run_key_manager(*db_, *signers_, policy_, kZone, options(planner()));
    EXPECT_TRUE(fs::exists(capture_));
    EXPECT_FALSE(db_->load_state(submitted_.id)->ds_seen);
    EXPECT_FALSE(db_->load_state(withdrawn_.id)->ds_gone);
    ASSERT_EQ(result.notes.size(), 1u);
    EXPECT_NE(result.notes[0].find("exit status 3"), std::string::npos) << result.notes[0];
}

TEST_F(ParentCheckTest, ACommandThatHangsIsKilledAtTheTimeLimitAndCountsAsFailed) {
    policy_.parent_check = "sleep 30";
    KeyManagerOptions o = options(planner());
    o.parent_check_timeout = 1;
    const ZoneKeys result = run_key_manager(*db_, *signers_, policy_, kZone, o);
    EXPECT_FALSE(db_->load_state(submitted_.id)->ds_seen);
    ASSERT_EQ(result.notes.size(), 1u);
    EXPECT_NE(result.notes[0].find("timed out"), std::string::npos) << result.notes[0];
}

TEST_F(ParentCheckTest, NotRunWhenNoDsWaitsForTheParent) {
    db_->set_ds_seen(submitted_.id, kNow - 10);
    db_->set_ds_gone(withdrawn_.id, kNow - 10);
    policy_.parent_check = "cat > '" + capture_ + "'; exit 0";
    run_key_manager(*db_, *signers_, policy_, kZone, options(planner()));
    EXPECT_FALSE(fs::exists(capture_));
    EXPECT_EQ(db_->load_state(submitted_.id)->ds_seen, std::optional<UnixTime>(kNow - 10));
}

TEST_F(KeyManagerTest, ADryRunWritesAndGeneratesNothing) {
    const KeyRecord old_key = generate_zone_key(*db_, signers_->files, kZone, KeyRole::Zsk, 13, 0, kNow - 86400);
    const KeyRecord ksk = live_key(KeyRole::Ksk);
    policy_.parent_check = "touch '" + dir_ + "/ran'";
    auto planner = [&](const policy::Policy&, const std::vector<KeyState>& keys, UnixTime now) {
        PlanStep step;
        step.keys = keys;
        if (keys.size() == 2) {
            step.generate = {spec(KeyRole::Zsk)};
            return step;
        }
        for (auto& k : step.keys) {
            if (k.id == ksk.id) {
                k.retire_requested = now;
                PlannedEvent e;
                e.kind = PlannedEvent::Kind::Retire;
                e.key_id = k.id;
                step.events.push_back(e);
            }
        }
        step.purge = {old_key.id};
        return step;
    };
    const auto keys_before = signers_->files.list_keys();
    const std::size_t audit_before = db_->audit_log().size();
    KeyManagerOptions o = options(planner);
    o.dry_run = true;
    const ZoneKeys result = run_key_manager(*db_, *signers_, policy_, kZone, o);

    EXPECT_EQ(signers_->files.list_keys(), keys_before);
    EXPECT_EQ(db_->audit_log().size(), audit_before);
    EXPECT_EQ(db_->list(kZone).size(), 2u);
    EXPECT_FALSE(db_->load_state(ksk.id)->retire_requested);
    EXPECT_FALSE(db_->last_run(kZone));
    EXPECT_FALSE(fs::exists(dir_ + "/ran"));

    // The result is what a real run would leave: the purged key gone, the
    // new key as a placeholder after the others.
    ASSERT_EQ(result.records.size(), 2u);
    EXPECT_EQ(result.records[0].id, ksk.id);
    EXPECT_EQ(result.states[0].retire_requested, std::optional<UnixTime>(kNow));
    EXPECT_GT(result.records[1].id, ksk.id);
    EXPECT_EQ(result.records[1].role, KeyRole::Zsk);
    EXPECT_EQ(result.records[1].signer, "files");
    EXPECT_TRUE(result.records[1].native_id.empty());
    EXPECT_EQ(result.states[1].goal, KeyGoal::Omnipresent);
    EXPECT_EQ(result.plan.purge, std::vector<std::int64_t>{old_key.id});
}

TEST_F(KeyManagerTest, WithTheRealPlannerANewZoneGetsItsKeysPublished) {
    const ZoneKeys first = run_key_manager(*db_, *signers_, policy_, kZone, options(nullptr));
    ASSERT_EQ(first.records.size(), policy_.keys.size());
    for (const auto& s : first.states) EXPECT_EQ(s[Record::Dnskey], RecordState::Rumoured);
    const auto events = audit_events();
    EXPECT_EQ(std::count(events.begin(), events.end(), "generate"), static_cast<long>(policy_.keys.size()));
    EXPECT_EQ(std::count(events.begin(), events.end(), "publish"), static_cast<long>(policy_.keys.size()));
    // A day later the same keys, their DNSKEYs in every cache.
    const ZoneKeys later = run_key_manager(*db_, *signers_, policy_, kZone, options(nullptr, kNow + 86400));
    ASSERT_EQ(later.records.size(), first.records.size());
    for (const auto& s : later.states) EXPECT_EQ(s[Record::Dnskey], RecordState::Omnipresent);
}

TEST(AuditEventName, SaysWhatAnOperatorWatchesFor) {
    PlannedEvent e;
    e.record = Record::Dnskey;
    e.to = RecordState::Rumoured;
    EXPECT_EQ(audit_event_name(e), "publish");
    e.to = RecordState::Unretentive;
    EXPECT_EQ(audit_event_name(e), "unpublish");
    e.to = RecordState::Omnipresent;
    EXPECT_EQ(audit_event_name(e), "dnskey-omnipresent");
    e.record = Record::Ds;
    e.to = RecordState::Rumoured;
    EXPECT_EQ(audit_event_name(e), "ds-submit");
    e.to = RecordState::Unretentive;
    EXPECT_EQ(audit_event_name(e), "ds-withdraw");
    e.record = Record::ZrrSig;
    e.to = RecordState::Rumoured;
    EXPECT_EQ(audit_event_name(e), "activate");
    e.to = RecordState::Hidden;
    EXPECT_EQ(audit_event_name(e), "zrrsig-hidden");
    e.kind = PlannedEvent::Kind::Retire;
    EXPECT_EQ(audit_event_name(e), "retire");
    e.kind = PlannedEvent::Kind::Purge;
    EXPECT_EQ(audit_event_name(e), "purge");
}

}  // namespace
}  // namespace zs::keymgr
