// Schema version 2 (signer identity, backups): a version 1 file, as the
// released program wrote it, upgrades on open with its keys intact; the new
// tables and columns then work.
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

// The version 1 schema exactly as released, with one key and its audit line.
const char* const kVersion1File = R"sql(
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
INSERT INTO schema_version VALUES (1, 1700000000);
INSERT INTO keys (zone, role, algorithm, key_tag, flags, signer, native_id, dnskey_rdata, created, published, active)
    VALUES ('example.com.', 'KSK', 13, 4242, 257, 'files', 'abcdef', x'0101030d00ff', 1700000000, 1700000000,
            1700000000);
INSERT INTO audit_log (time, zone, key_id, event, detail) VALUES (1700000000, 'example.com.', 1, 'generate', 'KSK');
)sql";

class KeyDbUpgradeTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "zs-keydb-upgrade-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        path_ = dir_ + "/keys.db";
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
        char* message = nullptr;
        const int rc = sqlite3_exec(raw, kVersion1File, nullptr, nullptr, &message);
        const std::string error = message ? message : "";
        sqlite3_free(message);
        sqlite3_close(raw);
        ASSERT_EQ(rc, SQLITE_OK) << error;
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string dir_;
    std::string path_;
};

TEST_F(KeyDbUpgradeTest, Version1FileUpgradesWithItsKeysIntact) {
    KeyDb db(path_);
    EXPECT_EQ(db.schema_version(), KeyDb::kCurrentSchemaVersion);
    const auto keys = db.list();
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0].key_tag, 4242);
    EXPECT_EQ(keys[0].signer, "files");
    EXPECT_EQ(keys[0].native_id, "abcdef");
    EXPECT_EQ(keys[0].dnskey_rdata, std::string("\x01\x01\x03\x0d\x00\xff", 6));
    EXPECT_FALSE(keys[0].backup_pending);
    EXPECT_EQ(db.audit_log().size(), 1u);
    EXPECT_TRUE(db.signers().empty());
    EXPECT_TRUE(db.backups("files").empty());
}

TEST_F(KeyDbUpgradeTest, UpgradeHappensOnce) {
    { KeyDb db(path_); }
    KeyDb db(path_);
    EXPECT_EQ(db.schema_version(), KeyDb::kCurrentSchemaVersion);
    EXPECT_EQ(db.list().size(), 1u);
}

TEST_F(KeyDbUpgradeTest, SignerIdentityRenameAndBackupsAfterTheUpgrade) {
    KeyDb db(path_);
    SignerRecord files;
    files.name = "files";
    files.type = "openssl";
    files.identity_key_id = "identity-00ff";
    files.identity_public_key = {0x30, 0x00, 0x01};
    files.location = "directory /var/lib/zonesigner/keys";
    files.created = 1700000500;
    db.put_signer(files);
    auto found = db.find_signer("files");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->identity_key_id, "identity-00ff");
    EXPECT_EQ(found->identity_public_key, files.identity_public_key);
    EXPECT_EQ(found->location, files.location);
    EXPECT_EQ(found->created, 1700000500);

    // Updating keeps the creation time.
    files.location = "directory /srv/keys";
    files.created = 1800000000;
    db.put_signer(files);
    EXPECT_EQ(db.find_signer("files")->location, "directory /srv/keys");
    EXPECT_EQ(db.find_signer("files")->created, 1700000500);

    // Pending keys are released by a backup of their signer, which follows renames.
    db.set_backup_pending(db.list()[0].id, true);
    EXPECT_TRUE(db.list()[0].backup_pending);
    db.rename_signer("files", "disk");
    EXPECT_FALSE(db.find_signer("files"));
    EXPECT_EQ(db.list()[0].signer, "disk");
    EXPECT_TRUE(db.record_backup("files", 1700000600, "nobody").empty());
    const auto released = db.record_backup("disk", 1700000700, "operator");
    ASSERT_EQ(released.size(), 1u);
    EXPECT_EQ(released[0].key_tag, 4242);
    EXPECT_FALSE(db.list()[0].backup_pending);
    ASSERT_EQ(db.backups("disk").size(), 1u);
    EXPECT_EQ(db.backups("disk")[0].user, "operator");
    EXPECT_EQ(db.backups("disk")[0].time, 1700000700);

    SignerRecord other = files;
    other.name = "other";
    db.put_signer(other);
    EXPECT_THROW(db.rename_signer("disk", "other"), Error);
    EXPECT_THROW(db.rename_signer("missing", "new"), Error);
    EXPECT_EQ(db.signers().size(), 2u);
}

}  // namespace
}  // namespace zs::keymgr
