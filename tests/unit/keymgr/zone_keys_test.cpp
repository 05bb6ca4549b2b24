#include <gtest/gtest.h>

#include <filesystem>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "hsm/openssl_file_signer.hpp"
#include "keymgr/algorithm_binding.hpp"
#include "keymgr/zone_keys.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace fs = std::filesystem;
using namespace zs;
using namespace zs::keymgr;

namespace {

class ZoneKeys : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("zs-zonekeys-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

// A file signer whose next generated keys are copies of one template key
// pair, to force key tag collisions.
class RepeatingSigner : public hsm::OpenSslFileSigner {
public:
    RepeatingSigner(std::string dir, std::string template_id, int repeats)
        : OpenSslFileSigner("files", dir), dir_(std::move(dir)), template_(std::move(template_id)), repeats_(repeats) {}
    void generate_key(const hsm::KeyId& id, const hsm::KeySpec& spec, const std::string& label) override {
        ++generated;
        if (repeats_-- > 0) {
            fs::copy_file(dir_ + "/" + template_ + ".pem", dir_ + "/" + id + ".pem");
            return;
        }
        OpenSslFileSigner::generate_key(id, spec, label);
    }
    int generated = 0;

private:
    std::string dir_, template_;
    int repeats_;
};

}  // namespace

TEST_F(ZoneKeys, FirstSigningCreatesKskAndZskThenReusesThem) {
    KeyDb db((dir_ / "keys.db").string());
    hsm::OpenSslFileSigner files("files", (dir_ / "keys").string());
    auto keys = ensure_zone_keys(db, files, {"example.com.", 13, 2048, false, 1000});
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].role, KeyRole::Ksk);
    EXPECT_EQ(keys[0].flags, 257);
    EXPECT_EQ(keys[1].role, KeyRole::Zsk);
    EXPECT_EQ(keys[1].flags, 256);
    EXPECT_NE(keys[0].key_tag, keys[1].key_tag);
    for (const auto& k : keys) {
        EXPECT_EQ(k.signer, "files");
        EXPECT_EQ(k.native_id.size(), 32u);  // 16 random bytes in hex
        EXPECT_TRUE(files.has_key(k.native_id));
        EXPECT_EQ(zone::key_tag(k.dnskey_rdata), k.key_tag);
        EXPECT_NO_THROW(check_public_key(files, k));
        // The label names zone, role and key tag.
        EXPECT_EQ(read_file((dir_ / "keys" / (k.native_id + ".label")).string()),
                  "example.com. " + to_string(k.role) + " " + std::to_string(k.key_tag));
    }
    auto again = ensure_zone_keys(db, files, {"example.com.", 13, 2048, false, 2000});
    ASSERT_EQ(again.size(), 2u);
    EXPECT_EQ(again[0].native_id, keys[0].native_id);
    EXPECT_EQ(again[1].native_id, keys[1].native_id);
    EXPECT_EQ(files.list_keys().size(), 2u);
    // Every generation is in the audit log.
    EXPECT_EQ(db.audit_log("example.com.").size(), 2u);
}

TEST_F(ZoneKeys, CskIsOneKeyThatSignsEverything) {
    KeyDb db((dir_ / "keys.db").string());
    hsm::OpenSslFileSigner files("files", (dir_ / "keys").string());
    auto keys = ensure_zone_keys(db, files, {"example.org.", 15, 2048, true, 1000});
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0].role, KeyRole::Csk);
    EXPECT_EQ(keys[0].flags, 257);
    EXPECT_TRUE(signs_dnskey(keys[0]));
    EXPECT_TRUE(signs_zone(keys[0]));
    EXPECT_EQ(zone::dnskey_algorithm_of(keys[0].dnskey_rdata), 15);
}

TEST_F(ZoneKeys, CollidingKeyTagsAreRegenerated) {
    KeyDb db((dir_ / "keys.db").string());
    const std::string key_dir = (dir_ / "keys").string();
    hsm::OpenSslFileSigner plain("files", key_dir);
    plain.generate_key("template", {hsm::KeyType::EcP256, 0}, "template");
    const zone::Wire template_key = zone::public_key_from_spki(13, plain.public_key("template"));
    const std::uint16_t taken = zone::key_tag(zone::make_dnskey_rdata(zone::dnskey_flags::ZSK, 13, template_key));
    // Another key of the zone already has the tag the template would get.
    KeyRecord other;
    other.zone = "example.net.";
    other.role = KeyRole::Ksk;
    other.algorithm = 13;
    other.key_tag = taken;
    other.signer = "elsewhere";
    other.native_id = "x";
    other.created = 1;
    db.add(other);

    RepeatingSigner signer(key_dir, "template", 2);
    KeyRecord made = generate_zone_key(db, signer, "example.net.", KeyRole::Zsk, 13, 2048, 1000);
    EXPECT_EQ(signer.generated, 3);  // two colliding attempts, then a fresh key
    EXPECT_NE(made.key_tag, taken);
    EXPECT_NE(zone::dnskey_public_key_of(made.dnskey_rdata), template_key);
    EXPECT_EQ(signer.list_keys().size(), 2u);  // the colliding copies were deleted
}

TEST_F(ZoneKeys, ReplacedKeyIsDetected) {
    KeyDb db((dir_ / "keys.db").string());
    hsm::OpenSslFileSigner files("files", (dir_ / "keys").string());
    auto keys = ensure_zone_keys(db, files, {"example.com.", 13, 2048, false, 1000});
    files.delete_key(keys[1].native_id);
    files.generate_key(keys[1].native_id, {hsm::KeyType::EcP256, 0}, "impostor");
    try {
        check_public_key(files, keys[1]);
        FAIL() << "a replaced key was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("differs from the DNSKEY in the key database"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("signer 'files'"), std::string::npos);
    }
    files.delete_key(keys[1].native_id);
    EXPECT_THROW(check_public_key(files, keys[1]), Error);
}

TEST(AlgorithmBinding, MapsEverySigningAlgorithm) {
    EXPECT_EQ(key_spec_for(8, 2048).type, hsm::KeyType::Rsa);
    EXPECT_EQ(key_spec_for(8, 2048).rsa_bits, 2048u);
    EXPECT_EQ(key_spec_for(13, 0).type, hsm::KeyType::EcP256);
    EXPECT_EQ(key_spec_for(14, 0).type, hsm::KeyType::EcP384);
    EXPECT_EQ(key_spec_for(15, 0).type, hsm::KeyType::Ed25519);
    EXPECT_EQ(key_spec_for(16, 0).type, hsm::KeyType::Ed448);
    EXPECT_EQ(sign_scheme_for(10), hsm::SignScheme::RsaPkcs1Sha512);
    EXPECT_EQ(sign_scheme_for(14), hsm::SignScheme::EcdsaSha384);
    EXPECT_THROW(key_spec_for(5, 2048), Error);
    EXPECT_THROW(sign_scheme_for(7), Error);
}
