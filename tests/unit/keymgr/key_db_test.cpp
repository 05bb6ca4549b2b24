#include "keymgr/key_db.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace zs::keymgr {
namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "zs-keydb-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

unsigned mode_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0xffff;
    return st.st_mode & 07777;
}

KeyRecord sample_key(const std::string& native_id, std::uint16_t tag = 12345) {
    KeyRecord key;
    key.zone = "example.com.";
    key.role = KeyRole::Ksk;
    key.algorithm = 13;
    key.key_tag = tag;
    key.flags = 257;
    key.signer = "files";
    key.native_id = native_id;
    key.dnskey_rdata = std::string("\x01\x01\x03\x0d\x00\xff", 6);  // embedded NUL must survive
    key.created = 1700000000;
    key.published = 1700000100;
    return key;
}

// Reads one value with a separate connection, to see what is really on disk.
std::string query_text(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    std::string result = "<error>";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(stmt, 0);
        result = text ? reinterpret_cast<const char*>(text) : "<null>";
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return result;
}

class KeyDbTest : public ::testing::Test {
protected:
    TempDir dir_;
    std::string path_ = dir_.path() + "/keys.db";
};

TEST_F(KeyDbTest, CreatesFileWithMode0600InWalModeWithTheCurrentSchemaVersion) {
    KeyDb db(path_);
    EXPECT_EQ(db.path(), path_);
    EXPECT_EQ(db.schema_version(), KeyDb::kCurrentSchemaVersion);
    db.add(sample_key("a"));  // makes SQLite create the -wal file
    EXPECT_EQ(mode_of(path_), 0600u);
    EXPECT_EQ(mode_of(path_ + "-wal"), 0600u);
    EXPECT_EQ(query_text(path_, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(query_text(path_, "SELECT group_concat(version) FROM schema_version"), "1,2,3");
    EXPECT_EQ(query_text(path_, "SELECT count(*) FROM sqlite_master WHERE name IN ('keys', 'signers', 'audit_log')"),
              "3");
}

TEST_F(KeyDbTest, ReopeningKeepsDataAndDoesNotMigrateAgain) {
    std::int64_t id;
    {
        KeyDb db(path_);
        id = db.add(sample_key("a"));
    }
    KeyDb db(path_);
    EXPECT_EQ(db.schema_version(), KeyDb::kCurrentSchemaVersion);
    EXPECT_EQ(query_text(path_, "SELECT count(*) FROM schema_version"),
              std::to_string(KeyDb::kCurrentSchemaVersion));
    auto keys = db.list();
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0].id, id);
}

TEST_F(KeyDbTest, AddedKeysComeBackFieldByField) {
    KeyDb db(path_);
    KeyRecord key = sample_key("a");
    key.role = KeyRole::Csk;
    key.algorithm = 255;
    key.key_tag = 65535;
    key.flags = 65535;
    key.active = 1700000200;
    key.retired = 0;  // set to zero is not unset
    std::int64_t id = db.add(key);
    auto keys = db.list("example.com.");
    ASSERT_EQ(keys.size(), 1u);
    const KeyRecord& got = keys[0];
    EXPECT_EQ(got.id, id);
    EXPECT_EQ(got.zone, key.zone);
    EXPECT_EQ(got.role, KeyRole::Csk);
    EXPECT_EQ(got.algorithm, 255);
    EXPECT_EQ(got.key_tag, 65535);
    EXPECT_EQ(got.flags, 65535);
    EXPECT_EQ(got.signer, "files");
    EXPECT_EQ(got.native_id, "a");
    EXPECT_EQ(got.dnskey_rdata, key.dnskey_rdata);
    EXPECT_EQ(got.created, 1700000000);
    EXPECT_EQ(got.published, std::optional<UnixTime>(1700000100));
    EXPECT_EQ(got.active, std::optional<UnixTime>(1700000200));
    EXPECT_EQ(got.retired, std::optional<UnixTime>(0));
    EXPECT_EQ(got.removed, std::nullopt);
    EXPECT_EQ(got.deleted, std::nullopt);
    EXPECT_EQ(query_text(path_, "SELECT typeof(dnskey_rdata) || ',' || typeof(removed) FROM keys"), "blob,null");
}

TEST_F(KeyDbTest, ListFiltersByZoneAndSkipsDeletedKeys) {
    KeyDb db(path_);
    std::int64_t a = db.add(sample_key("a"));
    std::int64_t b = db.add(sample_key("b"));
    KeyRecord other = sample_key("c");
    other.zone = "example.net.";
    db.add(other);
    EXPECT_EQ(db.list().size(), 3u);
    EXPECT_EQ(db.list("example.com.").size(), 2u);
    EXPECT_EQ(db.list("example.net.").size(), 1u);
    EXPECT_TRUE(db.list("example.org.").empty());

    db.mark_deleted(a, 1800000000);
    auto keys = db.list("example.com.");
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0].id, b);
    EXPECT_EQ(query_text(path_, "SELECT deleted FROM keys WHERE id = " + std::to_string(a)), "1800000000");
    db.mark_deleted(a, 1900000000);  // a second mark keeps the first time
    EXPECT_EQ(query_text(path_, "SELECT deleted FROM keys WHERE id = " + std::to_string(a)), "1800000000");
    EXPECT_THROW(db.mark_deleted(9999, 1800000000), Error);
}

TEST_F(KeyDbTest, RefusesASecondKeyWithTheSameSignerAndNativeId) {
    KeyDb db(path_);
    db.add(sample_key("same"));
    KeyRecord again = sample_key("same");
    again.zone = "example.net.";
    try {
        db.add(again);
        FAIL() << "duplicate (signer, native_id) accepted";
    } catch (const Error& e) {
        std::string text = e.what();
        EXPECT_EQ(text.rfind("key database " + path_ + ": add key files/same of example.net.: ", 0), 0u) << text;
        EXPECT_NE(text.find("UNIQUE"), std::string::npos) << text;
    }
    KeyRecord other_signer = sample_key("same");
    other_signer.signer = "hsm";
    EXPECT_NO_THROW(db.add(other_signer));
    EXPECT_EQ(db.list().size(), 2u);
}

TEST_F(KeyDbTest, TransactionRollsBackWhenDestroyedWithoutCommit) {
    KeyDb db(path_);
    {
        KeyDb::Transaction transaction(db);
        db.add(sample_key("rolled-back"));
        EXPECT_EQ(db.list().size(), 1u);
    }
    EXPECT_TRUE(db.list().empty());
    {
        KeyDb::Transaction transaction(db);
        db.add(sample_key("kept"));
        transaction.commit();
    }
    KeyDb reopened(path_);
    auto keys = reopened.list();
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0].native_id, "kept");
}

TEST_F(KeyDbTest, KeyTagInUseIsPerZoneAndIgnoresDeletedKeys) {
    KeyDb db(path_);
    std::int64_t id = db.add(sample_key("a", 4242));
    EXPECT_TRUE(db.key_tag_in_use("example.com.", 4242));
    EXPECT_FALSE(db.key_tag_in_use("example.com.", 4243));
    EXPECT_FALSE(db.key_tag_in_use("example.net.", 4242));
    db.mark_deleted(id, 1800000000);
    EXPECT_FALSE(db.key_tag_in_use("example.com.", 4242));
}

TEST_F(KeyDbTest, AuditLogAppendsAndListsOldestFirst) {
    KeyDb db(path_);
    std::int64_t key = db.add(sample_key("a"));
    std::int64_t first = db.append_audit(1700000000, "example.com.", key, "generate", "files/a alg 13");
    std::int64_t second = db.append_audit(1700000001, "example.net.", std::nullopt, "sign", "");
    EXPECT_LT(first, second);
    auto all = db.audit_log();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].id, first);
    EXPECT_EQ(all[0].time, 1700000000);
    EXPECT_EQ(all[0].zone, "example.com.");
    EXPECT_EQ(all[0].key_id, std::optional<std::int64_t>(key));
    EXPECT_EQ(all[0].event, "generate");
    EXPECT_EQ(all[0].detail, "files/a alg 13");
    EXPECT_EQ(all[1].key_id, std::nullopt);
    auto net = db.audit_log("example.net.");
    ASSERT_EQ(net.size(), 1u);
    EXPECT_EQ(net[0].event, "sign");
}

TEST_F(KeyDbTest, AuditEntryMustNameAnExistingKey) {
    KeyDb db(path_);
    EXPECT_THROW(db.append_audit(1700000000, "example.com.", 77, "generate", ""), Error);
    EXPECT_TRUE(db.audit_log().empty());
}

TEST_F(KeyDbTest, RefusesASchemaNewerThanTheProgram) {
    { KeyDb db(path_); }
    {
        sqlite3* raw = nullptr;
        sqlite3_open(path_.c_str(), &raw);
        const std::string newer = "INSERT INTO schema_version (version, applied) VALUES (" +
                                  std::to_string(KeyDb::kCurrentSchemaVersion + 1) + ", 0)";
        sqlite3_exec(raw, newer.c_str(), nullptr, nullptr, nullptr);
        sqlite3_close(raw);
    }
    try {
        KeyDb db(path_);
        FAIL() << "opened a newer schema";
    } catch (const Error& e) {
        const std::string expected =
            "schema version " + std::to_string(KeyDb::kCurrentSchemaVersion + 1) + " is newer";
        EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
}

TEST_F(KeyDbTest, OpenErrorNamesThePath) {
    std::string bad = dir_.path() + "/missing/dir/keys.db";
    try {
        KeyDb db(bad);
        FAIL() << "opened a database in a missing directory";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
}

TEST(KeyRole, NamesAndParsing) {
    EXPECT_EQ(to_string(KeyRole::Ksk), "KSK");
    EXPECT_EQ(to_string(KeyRole::Zsk), "ZSK");
    EXPECT_EQ(to_string(KeyRole::Csk), "CSK");
    EXPECT_EQ(parse_role("ksk"), KeyRole::Ksk);
    EXPECT_EQ(parse_role("Zsk"), KeyRole::Zsk);
    EXPECT_EQ(parse_role("CSK"), KeyRole::Csk);
    EXPECT_EQ(parse_role("KSK "), std::nullopt);
    EXPECT_EQ(parse_role(""), std::nullopt);
}

}  // namespace
}  // namespace zs::keymgr
