// Schema version 3 (key states, zones, audit user): a version 2 file, as the
// released program wrote it with `sign` (keys without states), upgrades on
// open with every key not deleted in service: goal omnipresent, the records
// of its role omnipresent since its creation, active since its creation.
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "keymgr/key_db.hpp"

namespace zs::keymgr {
namespace {

namespace fs = std::filesystem;

// The version 2 schema exactly as released (version 1 plus migration 2),
// with a KSK and a ZSK in service, an RSA ZSK of another zone, a deleted key
// and an audit line.
const char* const kVersion2File = R"sql(
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL);
CREATE TABLE keys (
    id           INTEGER PRIMARY KEY,
    zone         TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('KSK', 'ZSK', 'CSK')),
    algorithm    INTEGER NOT NULL CHECK (algorithm BETWEEN 0 AND 255),
    key_tag      INTEGER NOT NULL CHECK (key_tag BETWEEN 0 AND 65535),
    flags        INTEGER NOT NULL CHECK (flags BETWEEN 0 AND 65535),
    signer       TEXT    NOT NULL,
    native_id    TEXT    NOT NULL,
    dnskey_rdata BLOB    NOT NULL,
    created      INTEGER NOT NULL,
    published    INTEGER,
    active       INTEGER,
    retired      INTEGER,
    removed      INTEGER,
    deleted      INTEGER,
    UNIQUE (signer, native_id)
);
CREATE INDEX keys_by_zone ON keys (zone);
CREATE TABLE signers (
    name    TEXT    PRIMARY KEY,
    type    TEXT    NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    time   INTEGER NOT NULL,
    zone   TEXT    NOT NULL,
    key_id INTEGER REFERENCES keys (id),
    event  TEXT    NOT NULL,
    detail TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_zone ON audit_log (zone);
ALTER TABLE signers ADD COLUMN identity_key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE signers ADD COLUMN identity_public_key BLOB NOT NULL DEFAULT x'';
ALTER TABLE signers ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE keys ADD COLUMN backup_pending INTEGER NOT NULL DEFAULT 0 CHECK (backup_pending IN (0, 1));
CREATE TABLE signer_backups (
    id     INTEGER PRIMARY KEY,
    signer TEXT    NOT NULL,
    time   INTEGER NOT NULL,
    user   TEXT    NOT NULL
);
CREATE INDEX signer_backups_by_signer ON signer_backups (signer);
INSERT INTO schema_version VALUES (1, 1700000000);
INSERT INTO schema_version VALUES (2, 1710000000);
INSERT INTO keys (zone, role, algorithm, key_tag, flags, signer, native_id, dnskey_rdata, created, published, active)
    VALUES ('example.com.', 'KSK', 13, 4242, 257, 'files', 'ksk', x'0101030d00ff', 1700000000, 1700000000,
            1700000000);
INSERT INTO keys (zone, role, algorithm, key_tag, flags, signer, native_id, dnskey_rdata, created, published, active,
                  backup_pending)
    VALUES ('example.com.', 'ZSK', 13, 4243, 256, 'files', 'zsk', x'0100030d00fe', 1700000100, 1700000100,
            1700000100, 1);
-- RSA: exponent length 3, exponent 65537, a 1025-bit modulus (first octet 0x01 of 129).
INSERT INTO keys (zone, role, algorithm, key_tag, flags, signer, native_id, dnskey_rdata, created)
    VALUES ('example.net.', 'CSK', 8, 7, 257, 'files', 'rsa',
            x'0101030803010001010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
            1700000200);
INSERT INTO keys (zone, role, algorithm, key_tag, flags, signer, native_id, dnskey_rdata, created, deleted)
    VALUES ('example.com.', 'ZSK', 13, 99, 256, 'files', 'gone', x'0100030d00fd', 1600000000, 1650000000);
INSERT INTO audit_log (time, zone, key_id, event, detail) VALUES (1700000000, 'example.com.', 1, 'generate', 'KSK');
)sql";

class KeyDbV3UpgradeTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "zs-keydb-v3-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        path_ = dir_ + "/keys.db";
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
        char* message = nullptr;
        const int rc = sqlite3_exec(raw, kVersion2File, nullptr, nullptr, &message);
        const std::string error = message ? message : "";
        sqlite3_free(message);
        sqlite3_close(raw);
        ASSERT_EQ(rc, SQLITE_OK) << error;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string dir_;
    std::string path_;
};

TEST_F(KeyDbV3UpgradeTest, KeysOfVersion2AreInServiceSinceTheirCreation) {
    KeyDb db(path_);
    EXPECT_EQ(db.schema_version(), 3);
    const auto states = db.load_states("example.com.");
    ASSERT_EQ(states.size(), 2u);  // the deleted key is not loaded

    const KeyState& ksk = states[0];
    EXPECT_EQ(ksk.role, KeyRole::Ksk);
    EXPECT_EQ(ksk.key_tag, 4242);
    EXPECT_EQ(ksk.goal, KeyGoal::Omnipresent);
    EXPECT_EQ(ksk[Record::Ds], RecordState::Omnipresent);
    EXPECT_EQ(ksk[Record::Dnskey], RecordState::Omnipresent);
    EXPECT_EQ(ksk[Record::KrrSig], RecordState::Omnipresent);
    EXPECT_EQ(ksk[Record::ZrrSig], RecordState::Hidden);
    for (std::size_t r = 0; r < kRecordCount; ++r) EXPECT_EQ(ksk.changed[r], 1700000000) << r;
    EXPECT_EQ(ksk.active_since, std::optional<UnixTime>(1700000000));
    EXPECT_FALSE(ksk.retire_requested);
    EXPECT_FALSE(ksk.ds_seen);
    EXPECT_FALSE(ksk.ds_gone);
    EXPECT_FALSE(ksk.backup_pending);
    EXPECT_EQ(ksk.bits, 0u);

    const KeyState& zsk = states[1];
    EXPECT_EQ(zsk.role, KeyRole::Zsk);
    EXPECT_EQ(zsk[Record::Ds], RecordState::Hidden);
    EXPECT_EQ(zsk[Record::Dnskey], RecordState::Omnipresent);
    EXPECT_EQ(zsk[Record::KrrSig], RecordState::Hidden);
    EXPECT_EQ(zsk[Record::ZrrSig], RecordState::Omnipresent);
    EXPECT_EQ(zsk.changed_at(Record::ZrrSig), 1700000100);
    EXPECT_EQ(zsk.active_since, std::optional<UnixTime>(1700000100));
    EXPECT_TRUE(zsk.backup_pending);

    // A CSK has every record; an RSA key gets its size from its DNSKEY; a
    // key without milestones gets them from its creation.
    const auto net = db.load_states("example.net.");
    ASSERT_EQ(net.size(), 1u);
    for (std::size_t r = 0; r < kRecordCount; ++r) EXPECT_EQ(net[0].state[r], RecordState::Omnipresent) << r;
    EXPECT_EQ(net[0].bits, 1025u);
    EXPECT_EQ(db.list("example.net.")[0].bits, 1025u);
    EXPECT_EQ(db.list("example.net.")[0].published, std::optional<UnixTime>(1700000200));

    // The deleted key keeps its tombstone and no state.
    const auto gone = db.find_key(4);
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->deleted, std::optional<UnixTime>(1650000000));
    EXPECT_EQ(db.load_state(4)->state[static_cast<std::size_t>(Record::Dnskey)], RecordState::Hidden);
}

TEST_F(KeyDbV3UpgradeTest, ZonesAndAuditUserAfterTheUpgrade) {
    KeyDb db(path_);
    const auto zones = db.zones();
    ASSERT_EQ(zones.size(), 2u);
    EXPECT_EQ(zones[0].name, "example.com.");
    EXPECT_FALSE(zones[0].last_run);
    EXPECT_EQ(zones[0].policy, "");
    EXPECT_EQ(zones[1].name, "example.net.");

    const auto log = db.audit_log();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].user, "");  // entries of before version 3 have no user
    db.append_audit(1700000300, "example.com.", 1, "ds-seen", "by hand", "alice");
    EXPECT_EQ(db.audit_log().back().user, "alice");

    db.set_last_run("example.com.", 1700000400);
    EXPECT_EQ(db.last_run("example.com."), std::optional<UnixTime>(1700000400));
}

TEST_F(KeyDbV3UpgradeTest, UpgradeHappensOnceAndKeepsLaterStates) {
    {
        KeyDb db(path_);
        auto ksk = db.load_states("example.com.")[0];
        ksk.goal = KeyGoal::Hidden;
        ksk[Record::Ds] = RecordState::Unretentive;
        db.save_state(ksk);
    }
    KeyDb db(path_);
    EXPECT_EQ(db.schema_version(), 3);
    const auto ksk = db.load_states("example.com.")[0];
    EXPECT_EQ(ksk.goal, KeyGoal::Hidden);
    EXPECT_EQ(ksk[Record::Ds], RecordState::Unretentive);
}

}  // namespace
}  // namespace zs::keymgr
