// `key import`: BIND key files (made by dnssec-keygen, tests/data/bind-keys)
// and PEM keys become keys of a zone in a file signer, with the DNSKEY BIND
// published, and every way the files can disagree is refused.
#include "keymgr/private_key_import.hpp"

#include <stdlib.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "hsm/openssl_file_signer.hpp"
#include "hsm/openssl_util.hpp"
#include "keymgr/bind_key_file.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::keymgr {
namespace {

namespace fs = std::filesystem;

constexpr UnixTime kNow = 1800000000;
const std::string kZone = "example.com.";
const std::string kKeys = std::string(ZS_TEST_DATA) + "/bind-keys/";

struct BindCase {
    const char* base;  // file name without .private / .key
    KeyRole role;
    std::uint8_t algorithm;
    std::uint16_t tag;
};

class ImportTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "zs-import-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        db_ = std::make_unique<KeyDb>(dir_ + "/keys.db");
        signer_ = std::make_unique<hsm::OpenSslFileSigner>("files", dir_ + "/keys");
    }
    void TearDown() override { fs::remove_all(dir_); }

    // What the exception says, or "" if none was thrown.
    template <class F>
    std::string error_of(F&& f) {
        try {
            f();
        } catch (const std::exception& e) {
            return e.what();
        }
        return "";
    }

    std::string dir_;
    std::unique_ptr<KeyDb> db_;
    std::unique_ptr<hsm::OpenSslFileSigner> signer_;
};

class BindImportTest : public ImportTest, public ::testing::WithParamInterface<BindCase> {};

TEST_P(BindImportTest, TheImportedKeyHasTheDnskeyBindPublished) {
    const BindCase& c = GetParam();
    const auto key = read_bind_key_for_import(kKeys + c.base + ".private", std::nullopt);
    EXPECT_EQ(key.algorithm, c.algorithm);
    const KeyRecord record = import_zone_key(*db_, *signer_, kZone, c.role, key, ImportedState::Active, kNow);
    const BindPublicKey published = read_bind_public_key(kKeys + c.base + ".key");
    EXPECT_EQ(record.dnskey_rdata, published.dnskey_rdata);
    EXPECT_EQ(record.key_tag, c.tag);
    EXPECT_EQ(record.algorithm, c.algorithm);
    EXPECT_EQ(record.role, c.role);
    EXPECT_EQ(record.signer, "files");
    EXPECT_EQ(record.created, kNow);
    if (c.algorithm == zone::algorithm::RSASHA256) {
        EXPECT_EQ(record.bits, 2048u);
    }
    // The signer holds its private half: what it returns is the DNSKEY's key.
    EXPECT_EQ(zone::public_key_from_spki(c.algorithm, signer_->public_key(record.native_id)),
              zone::dnskey_public_key_of(published.dnskey_rdata));
    // In service: every record of its role omnipresent since the import.
    const KeyState state = *db_->load_state(record.id);
    EXPECT_EQ(state.goal, KeyGoal::Omnipresent);
    EXPECT_EQ(state[Record::Dnskey], RecordState::Omnipresent);
    EXPECT_EQ(state[Record::Ds] == RecordState::Omnipresent, c.role != KeyRole::Zsk);
    EXPECT_EQ(state[Record::ZrrSig] == RecordState::Omnipresent, c.role != KeyRole::Ksk);
    EXPECT_EQ(state.active_since, std::optional<UnixTime>(kNow));
    const auto log = db_->audit_log(kZone);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].event, "import");
    EXPECT_NE(log[0].detail.find(c.base), std::string::npos) << log[0].detail;

    // The same key again: refused, nothing added.
    const std::string again =
        error_of([&] { import_zone_key(*db_, *signer_, kZone, c.role, key, ImportedState::Active, kNow); });
    EXPECT_NE(again.find("has this key already"), std::string::npos) << again;
    EXPECT_EQ(db_->list().size(), 1u);
    EXPECT_EQ(signer_->list_keys().size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    BindKeys, BindImportTest,
    ::testing::Values(BindCase{"Kexample.com.+013+56162", KeyRole::Zsk, 13, 56162},
                      BindCase{"Kexample.com.+008+37789", KeyRole::Ksk, 8, 37789},
                      BindCase{"Kexample.com.+015+50452", KeyRole::Csk, 15, 50452},
                      BindCase{"Kexample.com.+014+30636", KeyRole::Zsk, 14, 30636}),
    [](const auto& info) { return "algorithm" + std::to_string(info.param.algorithm); });

TEST_F(ImportTest, ANewKeyHasEveryRecordHidden) {
    const auto key = read_bind_key_for_import(kKeys + "Kexample.com.+013+56162.private", std::nullopt);
    const KeyRecord record = import_zone_key(*db_, *signer_, kZone, KeyRole::Zsk, key, ImportedState::New, kNow);
    const KeyState state = *db_->load_state(record.id);
    EXPECT_EQ(state.goal, KeyGoal::Omnipresent);
    for (std::size_t r = 0; r < kRecordCount; ++r) EXPECT_EQ(state.state[r], RecordState::Hidden);
}

TEST_F(ImportTest, ARoleThatChangesTheFlagsIsRefused) {
    const auto ksk = read_bind_key_for_import(kKeys + "Kexample.com.+008+37789.private", std::nullopt);
    const std::string text =
        error_of([&] { import_zone_key(*db_, *signer_, kZone, KeyRole::Zsk, ksk, ImportedState::Active, kNow); });
    EXPECT_NE(text.find("flags 257"), std::string::npos) << text;
    EXPECT_TRUE(db_->list().empty());
    EXPECT_TRUE(signer_->list_keys().empty());
}

TEST_F(ImportTest, AKeyOfAnotherZoneIsRefused) {
    const auto key = read_bind_key_for_import(kKeys + "Kexample.com.+013+56162.private", std::nullopt);
    const std::string text =
        error_of([&] { import_zone_key(*db_, *signer_, "example.net.", KeyRole::Zsk, key, ImportedState::Active, kNow); });
    EXPECT_NE(text.find("for zone example.com., not example.net."), std::string::npos) << text;
}

TEST_F(ImportTest, AKeyFileOfAnotherKeyIsRefused) {
    fs::copy_file(kKeys + "Kexample.com.+013+56162.private", dir_ + "/Kmixed.private");
    // The same algorithm, another key: the .key is not the private key's half.
    const std::string other = read_file(kKeys + "Kexample.com.+013+56162.key");
    std::string changed = other;
    const std::size_t at = changed.rfind("==") - 10;
    changed[at] = changed[at] == 'A' ? 'B' : 'A';
    write_file_atomically(dir_ + "/Kmixed.key", changed, 0644);
    const auto key = read_bind_key_for_import(dir_ + "/Kmixed.private", std::nullopt);
    const std::string text =
        error_of([&] { import_zone_key(*db_, *signer_, kZone, KeyRole::Zsk, key, ImportedState::Active, kNow); });
    EXPECT_NE(text.find("not the public half"), std::string::npos) << text;
}

TEST_F(ImportTest, AKeyTagInUseIsRefused) {
    const auto key = read_bind_key_for_import(kKeys + "Kexample.com.+013+56162.private", std::nullopt);
    KeyRecord other;
    other.zone = kZone;
    other.role = KeyRole::Zsk;
    other.algorithm = 13;
    other.key_tag = 56162;
    other.flags = 256;
    other.signer = "files";
    other.native_id = "other";
    other.dnskey_rdata = std::string("\x01\x00\x03\x0d\x01\x02", 6);
    db_->add(other);
    const std::string text =
        error_of([&] { import_zone_key(*db_, *signer_, kZone, KeyRole::Zsk, key, ImportedState::Active, kNow); });
    EXPECT_NE(text.find("key tag 56162"), std::string::npos) << text;
    EXPECT_TRUE(signer_->list_keys().empty());
}

TEST_F(ImportTest, BadBindFilesNameTheFileAndLine) {
    write_file_atomically(dir_ + "/Kbad.private", "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey\n",
                          0600);
    std::string text = error_of([&] { read_bind_key_for_import(dir_ + "/Kbad.private", std::nullopt); });
    EXPECT_NE(text.find(dir_ + "/Kbad.private:3"), std::string::npos) << text;
    write_file_atomically(dir_ + "/Kshort.private", "Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\nPrivateKey: AAEC\n",
                          0600);
    text = error_of([&] { read_bind_key_for_import(dir_ + "/Kshort.private", std::nullopt); });
    EXPECT_NE(text.find("expected 32"), std::string::npos) << text;
    text = error_of([&] { read_bind_key_for_import(kKeys + "Kexample.com.+013+56162.private", std::uint8_t{8}); });
    EXPECT_NE(text.find("not RSASHA256"), std::string::npos) << text;
    write_file_atomically(dir_ + "/Kdsa.private", "Private-key-format: v1.3\nAlgorithm: 3 (DSA)\n", 0600);
    text = error_of([&] { read_bind_key_for_import(dir_ + "/Kdsa.private", std::nullopt); });
    EXPECT_NE(text.find("not supported"), std::string::npos) << text;
}

std::string pem_of(EVP_PKEY* key) {
    hsm::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

TEST_F(ImportTest, PemKeysTakeTheirAlgorithmFromTheKeyType) {
    hsm::EvpPkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    write_file_atomically(dir_ + "/ec.pem", pem_of(ec.get()), 0600);
    const auto key = read_pem_key_for_import(dir_ + "/ec.pem", std::nullopt);
    EXPECT_EQ(key.algorithm, 13);
    const KeyRecord record = import_zone_key(*db_, *signer_, kZone, KeyRole::Csk, key, ImportedState::Active, kNow);
    EXPECT_EQ(record.flags, 257);
    EXPECT_EQ(zone::key_tag(record.dnskey_rdata), record.key_tag);
    EXPECT_EQ(signer_->public_key(record.native_id), key.public_key_info);

    hsm::EvpPkeyPtr rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(1024)));
    write_file_atomically(dir_ + "/rsa.pem", pem_of(rsa.get()), 0600);
    EXPECT_EQ(read_pem_key_for_import(dir_ + "/rsa.pem", std::nullopt).algorithm, 8);
    EXPECT_EQ(read_pem_key_for_import(dir_ + "/rsa.pem", std::uint8_t{10}).algorithm, 10);
    EXPECT_NE(error_of([&] { read_pem_key_for_import(dir_ + "/ec.pem", std::uint8_t{14}); }).find("cannot be a"),
              std::string::npos);
    write_file_atomically(dir_ + "/junk.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 0600);
    EXPECT_NE(error_of([&] { read_pem_key_for_import(dir_ + "/junk.pem", std::nullopt); }).find(dir_ + "/junk.pem"),
              std::string::npos);
}

}  // namespace
}  // namespace zs::keymgr
