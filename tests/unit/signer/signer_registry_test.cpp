// The signer registry: identity binding across renames and moves, a token
// with a borrowed label told apart, random bytes falling back to another
// signer, and keys of a require_backup signer held back until the backup is
// recorded. Tokens are SoftHSMv2 tokens of each test's own.
#include "signer/signer_registry.hpp"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "../hsm/softhsm_token.hpp"
#include "common/error.hpp"
#include "hsm/openssl_file_signer.hpp"
#include "keymgr/algorithm_binding.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {
namespace {

namespace fs = std::filesystem;
using hsm::testing::kSoftHsmModule;
using hsm::testing::SoftHsmToken;

constexpr UnixTime kNow = 1767225600;  // 2026-01-01

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "zs-registry-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() { fs::remove_all(path_); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

// A PIN file of mode 0600 and the YAML of one pkcs11 signer using it.
std::string pkcs11_signer_yaml(const std::string& name, const std::string& token_selector,
                               const std::string& pin_file) {
    return "  - name: " + name + "\n    type: pkcs11\n    module: " + kSoftHsmModule + "\n    " + token_selector +
           "\n    pin_file: " + pin_file + "\n";
}

class RegistryTest : public ::testing::Test {
protected:
    void SetUp() override {
        pin_file_ = dir_.path() + "/user.pin";
        std::ofstream(pin_file_) << hsm::testing::kUserPin << "\n";
        fs::permissions(pin_file_, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    }

    Config config(const std::string& yaml) { return parse_config(yaml, dir_.path() + "/zonesigner.yaml", dir_.path()); }

    RegistryOptions options() {
        RegistryOptions o;
        o.threads = 2;
        o.now = kNow;
        o.notify = [this](const std::string& text) { notices_.push_back(text); };
        return o;
    }

    keymgr::KeyRequest request(const std::string& zone, std::uint8_t algorithm = 13) {
        keymgr::KeyRequest r;
        r.zone = zone;
        r.algorithm = algorithm;
        r.now = kNow;
        return r;
    }

    // Signs with every key through its owner and verifies with the DNSKEY
    // recorded in the database.
    static void expect_keys_sign(SignerRegistry& registry, const std::vector<keymgr::KeyRecord>& records) {
        const std::vector<SigningKey> keys = registry.signing_keys(records);
        ASSERT_EQ(keys.size(), records.size());
        const std::string message = "data to be signed";
        for (const auto& k : keys) {
            auto context = k.signer->open_signing(k.record.native_id, keymgr::sign_scheme_for(k.record.algorithm));
            const Bytes signature = context->sign(message.data(), message.size());
            const zone::PublicKeyVerifier verifier(k.record.algorithm,
                                                   zone::dnskey_public_key_of(k.record.dnskey_rdata));
            EXPECT_TRUE(verifier.verify(message.data(), message.size(), zone::Wire(signature.begin(), signature.end())))
                << "key " << k.record.key_tag;
        }
    }

    TempDir dir_;
    std::string pin_file_;
    std::vector<std::string> notices_;
};

TEST_F(RegistryTest, FirstContactRecordsAnIdentityThatLaterRunsRecognise) {
    keymgr::KeyDb db(dir_.path() + "/keys.db");
    const Config c = default_config(dir_.path());
    std::string identity;
    {
        SignerRegistry registry(c, db, options());
        ASSERT_EQ(registry.states().size(), 1u);
        EXPECT_EQ(registry.states()[0].status, SignerStatus::FirstContact) << registry.states()[0].problem;
        identity = registry.states()[0].identity_key_id;
    }
    const auto recorded = db.find_signer("files");
    ASSERT_TRUE(recorded);
    EXPECT_EQ(recorded->type, "openssl");
    EXPECT_EQ(recorded->identity_key_id, identity);
    EXPECT_FALSE(recorded->identity_public_key.empty());
    EXPECT_EQ(recorded->created, kNow);
    EXPECT_TRUE(fs::exists(dir_.path() + "/keys/" + identity + ".pem"));

    SignerRegistry again(c, db, options());
    EXPECT_EQ(again.states()[0].status, SignerStatus::Recognised) << again.states()[0].problem;
    EXPECT_EQ(again.states()[0].identity_key_id, identity);
    EXPECT_EQ(db.signers().size(), 1u);
}

TEST_F(RegistryTest, RenamedAndMovedSignerIsRecognisedAndItsKeysSign) {
    SoftHsmToken token("zs");
    keymgr::KeyDb db(dir_.path() + "/keys.db");
    std::vector<keymgr::KeyRecord> keys;
    std::string identity;
    {
        SignerRegistry registry(config("signers:\n" + pkcs11_signer_yaml("hsm", "token_label: zs", pin_file_)), db,
                                options());
        ASSERT_EQ(registry.states()[0].status, SignerStatus::FirstContact) << registry.states()[0].problem;
        identity = registry.states()[0].identity_key_id;
        keys = registry.ensure_zone_keys(request("example.com."));
        ASSERT_EQ(keys.size(), 2u);
        EXPECT_EQ(keys[0].signer, "hsm");
        expect_keys_sign(registry, keys);
    }

    // Renamed, and now selected by slot instead of label.
    unsigned long slot = 0;
    for (const auto& s : hsm::Pkcs11Signer::list_slots(kSoftHsmModule))
        if (s.token_present && s.token_label == "zs") slot = s.slot;
    SignerRegistry renamed(
        config("signers:\n" + pkcs11_signer_yaml("vault", "slot: " + std::to_string(slot), pin_file_)), db,
        options());
    const SignerState& state = renamed.states()[0];
    ASSERT_EQ(state.status, SignerStatus::Recognised) << state.problem;
    EXPECT_EQ(state.previous_name, "hsm");
    EXPECT_EQ(state.identity_key_id, identity);
    EXPECT_FALSE(db.find_signer("hsm"));
    ASSERT_TRUE(db.find_signer("vault"));

    // The keys moved with the name, and the zone's keys are found again.
    std::vector<keymgr::KeyRecord> again = renamed.ensure_zone_keys(request("example.com."));
    ASSERT_EQ(again.size(), 2u);
    for (std::size_t i = 0; i < again.size(); ++i) {
        EXPECT_EQ(again[i].signer, "vault");
        EXPECT_EQ(again[i].native_id, keys[i].native_id);
    }
    expect_keys_sign(renamed, again);
    bool logged = false;
    for (const auto& a : db.audit_log())
        logged = logged || (a.event == "rename-signer" && a.detail.find("'hsm' is now 'vault'") != std::string::npos);
    EXPECT_TRUE(logged);
}

TEST_F(RegistryTest, SignersThatSwapNamesKeepTheirKeys) {
    keymgr::KeyDb db(dir_.path() + "/keys.db");
    const std::string a_dir = dir_.path() + "/a", b_dir = dir_.path() + "/b";
    const std::string both = "signers:\n  - {name: a, type: openssl, directory: " + a_dir +
                             "}\n  - {name: b, type: openssl, directory: " + b_dir + "}\n";
    {
        SignerRegistry registry(config(both), db, options());
        EXPECT_EQ(registry.ensure_zone_keys(request("a.example.")).front().signer, "a");
    }
    {
        SignerRegistry registry(config(both + "roles:\n  new_keys: b\n"), db, options());
        EXPECT_EQ(registry.ensure_zone_keys(request("b.example.")).front().signer, "b");
    }

    // The directories keep their instances; the names trade places.
    SignerRegistry swapped(config("signers:\n  - {name: b, type: openssl, directory: " + a_dir +
                                  "}\n  - {name: a, type: openssl, directory: " + b_dir + "}\n"),
                           db, options());
    for (const auto& s : swapped.states()) {
        EXPECT_EQ(s.status, SignerStatus::Recognised) << s.problem;
        EXPECT_EQ(s.previous_name, s.name == "a" ? "b" : "a");
    }
    const auto a_zone = swapped.ensure_zone_keys(request("a.example."));
    const auto b_zone = swapped.ensure_zone_keys(request("b.example."));
    EXPECT_EQ(a_zone.front().signer, "b");  // directory a/ is now called b
    EXPECT_EQ(b_zone.front().signer, "a");
    expect_keys_sign(swapped, a_zone);
    expect_keys_sign(swapped, b_zone);
}

TEST_F(RegistryTest, AnotherTokenWithTheSameLabelIsNotUsedForTheOldKeys) {
    SoftHsmToken token("zs");
    token.add_token("zs");  // a second token that borrows the label
    std::vector<hsm::SlotInfo> tokens;
    for (const auto& s : hsm::Pkcs11Signer::list_slots(kSoftHsmModule))
        if (s.token_present && s.token_label == "zs") tokens.push_back(s);
    ASSERT_EQ(tokens.size(), 2u);
    auto selecting = [&](const hsm::SlotInfo& t) {
        return config("signers:\n" + pkcs11_signer_yaml("hsm", "uri: \"pkcs11:token=zs;serial=" + t.serial + "\"",
                                                        pin_file_));
    };

    keymgr::KeyDb db(dir_.path() + "/keys.db");
    std::vector<keymgr::KeyRecord> keys;
    {
        SignerRegistry first(selecting(tokens[0]), db, options());
        ASSERT_EQ(first.states()[0].status, SignerStatus::FirstContact) << first.states()[0].problem;
        keys = first.ensure_zone_keys(request("example.com."));
    }

    SignerRegistry second(selecting(tokens[1]), db, options());
    const SignerState& state = second.states()[0];
    EXPECT_EQ(state.status, SignerStatus::Unrecognised);
    EXPECT_NE(state.problem.find("serial " + tokens[1].serial), std::string::npos) << state.problem;
    EXPECT_NE(state.problem.find("serial " + tokens[0].serial), std::string::npos) << state.problem;

    // Its old keys are refused with signer, token and key named...
    const std::string refused = error_of([&] { second.signing_keys(second.ensure_zone_keys(request("example.com."))); });
    EXPECT_NE(refused.find("signer 'hsm'"), std::string::npos) << refused;
    EXPECT_NE(refused.find("token 'zs'"), std::string::npos) << refused;
    EXPECT_NE(refused.find("key " + std::to_string(keys[0].key_tag)), std::string::npos) << refused;
    // ... and no new keys go to it either.
    EXPECT_NE(error_of([&] { second.ensure_zone_keys(request("other.example.")); }).find("is not the instance"),
              std::string::npos);
    EXPECT_TRUE(db.list("other.example.").empty());
    // The record still describes the first token; nothing was renamed.
    ASSERT_TRUE(db.find_signer("hsm"));
    EXPECT_NE(db.find_signer("hsm")->location.find(tokens[0].serial), std::string::npos);

    // The right token still works.
    SignerRegistry back(selecting(tokens[0]), db, options());
    ASSERT_EQ(back.states()[0].status, SignerStatus::Recognised) << back.states()[0].problem;
    expect_keys_sign(back, back.ensure_zone_keys(request("example.com.")));
}

// A file signer whose backend has no random number generator.
class NoRngSigner : public hsm::OpenSslFileSigner {
public:
    using OpenSslFileSigner::OpenSslFileSigner;
    Bytes random_bytes(std::size_t) override {
        ++calls;
        throw hsm::NoRandomError(name(), "random_bytes", "", "this test signer has no RNG");
    }
    int calls = 0;
};

// A file signer that counts the random bytes it hands out.
class CountingSigner : public hsm::OpenSslFileSigner {
public:
    using OpenSslFileSigner::OpenSslFileSigner;
    Bytes random_bytes(std::size_t count) override {
        bytes += count;
        return OpenSslFileSigner::random_bytes(count);
    }
    std::size_t bytes = 0;
};

TEST_F(RegistryTest, RandomBytesFallBackAndTheRunSaysSoOnce) {
    NoRngSigner* no_rng = nullptr;
    CountingSigner* counting = nullptr;
    SignerFactory factory = [&](const SignerEntry& e, const RegistryOptions&) -> std::unique_ptr<hsm::Signer> {
        if (e.name == "norng") {
            auto s = std::make_unique<NoRngSigner>(e.name, e.directory);
            no_rng = s.get();
            return s;
        }
        auto s = std::make_unique<CountingSigner>(e.name, e.directory);
        counting = s.get();
        return s;
    };
    keymgr::KeyDb db(dir_.path() + "/keys.db");
    const Config c = config("signers:\n  - {name: norng, type: openssl, directory: " + dir_.path() +
                            "/n}\n  - {name: rng, type: openssl, directory: " + dir_.path() +
                            "/r}\nroles:\n  random_fallback: rng\n");
    SignerRegistry registry(c, db, options(), factory);
    ASSERT_EQ(registry.states()[0].status, SignerStatus::FirstContact) << registry.states()[0].problem;
    const std::size_t for_identities = counting->bytes;
    EXPECT_EQ(for_identities, 32u);  // both identity key ids came from rng

    const auto keys = registry.ensure_zone_keys(request("example.com."));
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].signer, "norng");
    EXPECT_EQ(counting->bytes, for_identities + 32u);  // the two key ids too
    EXPECT_EQ(registry.random_bytes("norng", 8).size(), 8u);
    EXPECT_GE(no_rng->calls, 4);

    ASSERT_EQ(notices_.size(), 1u);
    EXPECT_NE(notices_[0].find("signer 'norng' has no random number generator"), std::string::npos) << notices_[0];
    EXPECT_NE(notices_[0].find("signer 'rng' (role random_fallback)"), std::string::npos) << notices_[0];
}

TEST_F(RegistryTest, ASignerWithoutRngCannotBeItsOwnFallback) {
    SignerFactory factory = [&](const SignerEntry& e, const RegistryOptions&) -> std::unique_ptr<hsm::Signer> {
        return std::make_unique<NoRngSigner>(e.name, e.directory);
    };
    keymgr::KeyDb db(dir_.path() + "/keys.db");
    SignerRegistry registry(default_config(dir_.path()), db, options(), factory);
    EXPECT_EQ(registry.states()[0].status, SignerStatus::Failed);
    EXPECT_NE(registry.states()[0].problem.find("random_fallback"), std::string::npos) << registry.states()[0].problem;
    EXPECT_NE(error_of([&] { registry.new_keys_signer(); }).find("no RNG"), std::string::npos);
}

TEST_F(RegistryTest, RequireBackupHoldsNewKeysBackUntilTheBackupIsRecorded) {
    SoftHsmToken token("zs");
    keymgr::KeyDb db(dir_.path() + "/keys.db");
    const Config c = config("signers:\n" + pkcs11_signer_yaml("hsm", "token_label: zs", pin_file_) +
                            "    require_backup: true\n");
    SignerRegistry registry(c, db, options());
    const auto keys = registry.ensure_zone_keys(request("example.com."));
    ASSERT_EQ(keys.size(), 2u);
    for (const auto& k : keys) EXPECT_TRUE(k.backup_pending);
    for (const auto& k : db.list()) EXPECT_TRUE(k.backup_pending);

    const std::string refused = error_of([&] { registry.signing_keys(keys); });
    EXPECT_NE(refused.find("requires a backup"), std::string::npos) << refused;
    EXPECT_NE(refused.find("zonesigner hsm backup-done hsm"), std::string::npos) << refused;

    const auto released = registry.record_backup_done("hsm", kNow + 60, "operator");
    EXPECT_EQ(released.size(), 2u);
    const auto backups = db.backups("hsm");
    ASSERT_EQ(backups.size(), 1u);
    EXPECT_EQ(backups[0].time, kNow + 60);
    EXPECT_EQ(backups[0].user, "operator");
    const auto now_ready = registry.ensure_zone_keys(request("example.com."));
    for (const auto& k : now_ready) EXPECT_FALSE(k.backup_pending);
    expect_keys_sign(registry, now_ready);

    // A later key waits for the next backup; the earlier ones stay usable.
    const auto zsk = registry.generate_zone_key("example.com.", keymgr::KeyRole::Zsk, 13, 0, kNow + 120);
    EXPECT_TRUE(zsk.backup_pending);
    EXPECT_NE(error_of([&] { registry.signing_keys(db.list("example.com.")); }).find("requires a backup"),
              std::string::npos);
    EXPECT_EQ(registry.record_backup_done("hsm", kNow + 180, current_user_name()).size(), 1u);
    expect_keys_sign(registry, db.list("example.com."));
    EXPECT_EQ(db.backups("hsm").size(), 2u);
}

TEST_F(RegistryTest, KeysOfSignersWithoutRequireBackupSignAtOnce) {
    keymgr::KeyDb db(dir_.path() + "/keys.db");
    SignerRegistry registry(default_config(dir_.path()), db, options());
    const auto keys = registry.ensure_zone_keys(request("example.com."));
    for (const auto& k : keys) EXPECT_FALSE(k.backup_pending);
    expect_keys_sign(registry, keys);
    EXPECT_TRUE(notices_.empty());
}

TEST_F(RegistryTest, AKeyOfAnUnconfiguredSignerIsRefusedByName) {
    keymgr::KeyDb db(dir_.path() + "/keys.db");
    {
        SignerRegistry registry(config("signers:\n  - {name: old, type: openssl}\n"), db, options());
        registry.ensure_zone_keys(request("example.com."));
    }
    // A new signer elsewhere, the old one gone from the configuration.
    SignerRegistry registry(config("signers:\n  - {name: new, type: openssl, directory: " + dir_.path() + "/new}\n"),
                            db, options());
    EXPECT_EQ(registry.states()[0].status, SignerStatus::FirstContact);
    const std::string refused = error_of([&] { registry.signing_keys(registry.ensure_zone_keys(request("example.com."))); });
    EXPECT_NE(refused.find("belongs to signer 'old', which is not configured"), std::string::npos) << refused;
}

TEST_F(RegistryTest, AMissingModuleFailsThatSignerOnlyAndNamesIt) {
    keymgr::KeyDb db(dir_.path() + "/keys.db");
    SignerRegistry registry(config("signers:\n  - {name: files, type: openssl}\n  - {name: hsm, type: pkcs11, "
                                   "module: /nonexistent/libpkcs11.so, token_label: zs}\n"),
                            db, options());
    EXPECT_EQ(registry.states()[0].status, SignerStatus::FirstContact);
    EXPECT_EQ(registry.states()[1].status, SignerStatus::Failed);
    EXPECT_NE(error_of([&] { registry.signer("hsm"); }).find("/nonexistent/libpkcs11.so"), std::string::npos);
    expect_keys_sign(registry, registry.ensure_zone_keys(request("example.com.")));
}

}  // namespace
}  // namespace zs::signer
