// The PKCS#11 signer against real SoftHSMv2 tokens, each test with a token
// of its own. Every signature is verified in software with nothing but the
// public key the signer hands out.
#include "hsm/pkcs11_signer.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "hsm/openssl_file_signer.hpp"
#include "hsm/pkcs11_module.hpp"
#include "softhsm_token.hpp"

namespace zs::hsm {
namespace {

using testing::kSoftHsmModule;
using testing::SoftHsmToken;
using testing::verify_signature;

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

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

const TokenObject* find_object(const std::vector<TokenObject>& objects, const std::string& id,
                               TokenObject::Class object_class) {
    for (const auto& o : objects)
        if (o.id == id && o.object_class == object_class) return &o;
    return nullptr;
}

struct KeyCase {
    const char* name;
    KeySpec spec;
    SignScheme scheme;
    const char* openssl_type;  // EVP_PKEY_is_a name
    int bits;
};

class Pkcs11SignerKeyTest : public ::testing::TestWithParam<KeyCase> {};

TEST_P(Pkcs11SignerKeyTest, GeneratesInTokenSignsAndVerifiesInSoftware) {
    const KeyCase& c = GetParam();
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    signer.generate_key("a1b2c3", c.spec, "example. KSK 12345");

    const Bytes spki = signer.public_key("a1b2c3");
    EXPECT_EQ(spki, signer.public_key("a1b2c3")) << "two reads of the public key differ";
    EvpPkeyPtr key = testing::parse_public_key(spki);
    ASSERT_TRUE(key);
    EXPECT_TRUE(EVP_PKEY_is_a(key.get(), c.openssl_type));
    EXPECT_EQ(EVP_PKEY_get_bits(key.get()), c.bits);

    auto context = signer.open_signing("a1b2c3", c.scheme);
    for (const std::string& text : std::vector<std::string>{"", "x", "a message to sign", std::string(5000, 'z')}) {
        const Bytes message = bytes_of(text);
        const Bytes signature = context->sign(message.data(), message.size());
        EXPECT_TRUE(verify_signature(spki, c.scheme, message, signature)) << c.name << " length " << text.size();
        Bytes other = message;
        other.push_back('!');
        EXPECT_FALSE(verify_signature(spki, c.scheme, other, signature));
    }
}

TEST_P(Pkcs11SignerKeyTest, PublicKeyHasTheFormOfTheFileSignersKeys) {
    const KeyCase& c = GetParam();
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    signer.generate_key("01", c.spec, "");
    const Bytes from_token = signer.public_key("01");

    OpenSslFileSigner files("files", token.directory() + "/file-keys");
    files.generate_key("k", c.spec, "");
    const Bytes from_file = files.public_key("k");
    // Same DER structure and algorithm identifier; only the key material
    // (RSA modulus, curve point) differs.
    ASSERT_EQ(from_token.size(), from_file.size());
    std::size_t key_material = 0, trailer = 0;
    switch (c.spec.type) {
        case KeyType::Rsa: key_material = c.bits / 8 + 5; trailer = 5; break;  // modulus, 02 03 01 00 01
        case KeyType::EcP256: key_material = 65; break;
        case KeyType::EcP384: key_material = 97; break;
        default: key_material = 32; break;
    }
    const auto header = static_cast<std::ptrdiff_t>(from_token.size() - key_material);
    EXPECT_EQ(Bytes(from_token.begin(), from_token.begin() + header), Bytes(from_file.begin(), from_file.begin() + header));
    EXPECT_EQ(Bytes(from_token.end() - static_cast<std::ptrdiff_t>(trailer), from_token.end()),
              Bytes(from_file.end() - static_cast<std::ptrdiff_t>(trailer), from_file.end()));
}

INSTANTIATE_TEST_SUITE_P(
    KeyTypes, Pkcs11SignerKeyTest,
    ::testing::Values(KeyCase{"RSA2048_SHA256", {KeyType::Rsa, 2048}, SignScheme::RsaPkcs1Sha256, "RSA", 2048},
                      KeyCase{"RSA2048_SHA512", {KeyType::Rsa, 2048}, SignScheme::RsaPkcs1Sha512, "RSA", 2048},
                      KeyCase{"P256", {KeyType::EcP256, 0}, SignScheme::EcdsaSha256, "EC", 256},
                      KeyCase{"P384", {KeyType::EcP384, 0}, SignScheme::EcdsaSha384, "EC", 384},
                      KeyCase{"Ed25519", {KeyType::Ed25519, 0}, SignScheme::Ed25519, "ED25519", 256}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Pkcs11Signer, PrivateKeysAreSensitiveAndNeverExtractable) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    signer.generate_key("0a", {KeyType::EcP256, 0}, "zone example. ZSK");
    signer.generate_key("0b", {KeyType::Rsa, 1024}, "zone example. KSK");
    signer.generate_key("0c", {KeyType::Ed25519, 0}, "zone example. CSK");
    const auto objects = signer.list_objects();
    EXPECT_EQ(objects.size(), 6u);
    for (const std::string id : {"0a", "0b", "0c"}) {
        const TokenObject* priv = find_object(objects, id, TokenObject::Class::PrivateKey);
        const TokenObject* pub = find_object(objects, id, TokenObject::Class::PublicKey);
        ASSERT_TRUE(priv && pub) << id;
        EXPECT_EQ(priv->extractable, std::optional<bool>(false)) << id;
        EXPECT_EQ(priv->sensitive, std::optional<bool>(true)) << id;
        EXPECT_EQ(priv->never_extractable, std::optional<bool>(true)) << id;
        EXPECT_EQ(priv->always_sensitive, std::optional<bool>(true)) << id;
        EXPECT_EQ(priv->key_type, pub->key_type);
    }
    EXPECT_EQ(find_object(objects, "0a", TokenObject::Class::PrivateKey)->label, "zone example. ZSK");
    EXPECT_EQ(find_object(objects, "0a", TokenObject::Class::PrivateKey)->key_type, KeyType::EcP256);
    EXPECT_EQ(find_object(objects, "0b", TokenObject::Class::PrivateKey)->key_type_text, "RSA 1024");
    EXPECT_EQ(find_object(objects, "0c", TokenObject::Class::PublicKey)->key_type, KeyType::Ed25519);
}

TEST(Pkcs11Signer, SetLabelRenamesBothHalvesOfTheKey) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    signer.generate_key("0d", {KeyType::EcP256, 0}, "zone example. ZSK");
    signer.set_label("0d", "example. ZSK 4711");
    const auto objects = signer.list_objects();
    for (auto cls : {TokenObject::Class::PrivateKey, TokenObject::Class::PublicKey}) {
        const TokenObject* o = find_object(objects, "0d", cls);
        ASSERT_NE(o, nullptr);
        EXPECT_EQ(o->label, "example. ZSK 4711");
    }
    EXPECT_THROW(signer.set_label("0e", "x"), SignerError);
}

TEST(Pkcs11Signer, RefusesADuplicateId) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    signer.generate_key("beef", {KeyType::EcP256, 0}, "first");
    const Bytes before = signer.public_key("beef");
    std::string error = error_of([&] { signer.generate_key("beef", {KeyType::EcP384, 0}, "second"); });
    EXPECT_NE(error.find("already exists"), std::string::npos) << error;
    EXPECT_NE(error.find("beef"), std::string::npos) << error;
    // Upper-case hex is the same CKA_ID.
    EXPECT_NE(error_of([&] { signer.generate_key("BEEF", {KeyType::EcP256, 0}, ""); }), "");
    EXPECT_EQ(signer.public_key("beef"), before);
    EXPECT_EQ(signer.list_objects().size(), 2u);
}

TEST(Pkcs11Signer, RefusesIdsThatAreNotHexAndEd448AndBadRsaSizes) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    EXPECT_NE(error_of([&] { signer.generate_key("not-hex", {KeyType::EcP256, 0}, ""); }).find("hex"), std::string::npos);
    std::string ed448 = error_of([&] { signer.generate_key("01", {KeyType::Ed448, 0}, ""); });
    EXPECT_NE(ed448.find("Ed448"), std::string::npos) << ed448;
    EXPECT_NE(error_of([&] { signer.generate_key("02", {KeyType::Rsa, 512}, ""); }).find("512"), std::string::npos);
    EXPECT_TRUE(signer.list_objects().empty());
}

TEST(Pkcs11Signer, HasListAndDeleteKeys) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    EXPECT_TRUE(signer.list_keys().empty());
    signer.generate_key("02", {KeyType::EcP256, 0}, "");
    signer.generate_key("01", {KeyType::Ed25519, 0}, "");
    EXPECT_TRUE(signer.has_key("01"));
    EXPECT_FALSE(signer.has_key("03"));
    EXPECT_EQ(signer.list_keys(), (std::vector<KeyId>{"01", "02"}));
    signer.delete_key("02");
    EXPECT_FALSE(signer.has_key("02"));
    EXPECT_EQ(signer.list_keys(), std::vector<KeyId>{"01"});
    EXPECT_EQ(signer.list_objects().size(), 2u) << "the public object went with the private one";
    EXPECT_NE(error_of([&] { signer.delete_key("02"); }).find("no such key"), std::string::npos);
    EXPECT_NE(error_of([&] { signer.public_key("02"); }), "");
    EXPECT_NE(error_of([&] { signer.open_signing("02", SignScheme::EcdsaSha256); }).find("no private key"),
              std::string::npos);
}

TEST(Pkcs11Signer, SigningContextRefusesASchemeThatDoesNotFitTheKey) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    std::string error = error_of([&] { signer.open_signing("01", SignScheme::EcdsaSha384); });
    EXPECT_NE(error.find("does not fit"), std::string::npos) << error;
    EXPECT_NE(error_of([&] { signer.open_signing("01", SignScheme::Ed25519); }), "");
}

TEST(Pkcs11Signer, GivesRandomBytesFromTheToken) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    ASSERT_TRUE(signer.token().has_rng);
    const Bytes a = signer.random_bytes(32);
    const Bytes b = signer.random_bytes(32);
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, b);
    EXPECT_NE(a, Bytes(32, 0));
    EXPECT_TRUE(signer.random_bytes(0).empty());
}

TEST(Pkcs11Signer, ListsSlots) {
    SoftHsmToken token("slot-listing");
    const auto slots = Pkcs11Signer::list_slots(kSoftHsmModule);
    const SlotInfo* ours = nullptr;
    for (const auto& s : slots)
        if (s.token_present && s.token_label == "slot-listing") ours = &s;
    ASSERT_TRUE(ours);
    EXPECT_TRUE(ours->has_rng);
    EXPECT_TRUE(ours->login_required);
    EXPECT_TRUE(ours->token_initialized);
    EXPECT_TRUE(ours->user_pin_initialized);
    EXPECT_EQ(ours->manufacturer, "SoftHSM project");
    EXPECT_EQ(ours->model, "SoftHSM v2");
    EXPECT_FALSE(ours->serial.empty());
    // SoftHSM always offers one more, empty (uninitialised) token slot.
    EXPECT_GE(slots.size(), 2u);
}

TEST(Pkcs11Signer, SelectsTheTokenByLabelSlotOrUri) {
    SoftHsmToken token("first token");
    token.add_token("second");
    SlotInfo second;
    for (const auto& s : Pkcs11Signer::list_slots(kSoftHsmModule))
        if (s.token_label == "second") second = s;
    ASSERT_EQ(second.token_label, "second");

    auto by_slot = token.options();
    by_slot.token_label.clear();
    by_slot.slot = second.slot;
    EXPECT_EQ(Pkcs11Signer("a", std::move(by_slot)).token().token_label, "second");

    auto by_label = token.options();
    EXPECT_EQ(Pkcs11Signer("b", std::move(by_label)).token().token_label, "first token");

    auto by_uri = token.options();
    by_uri.token_label.clear();
    by_uri.uri = "pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;serial=" + second.serial +
                 ";token=%73econd;object=ignored?module-name=softhsm2";
    EXPECT_EQ(Pkcs11Signer("c", std::move(by_uri)).token().slot, second.slot);

    auto by_uri_label = token.options();
    by_uri_label.token_label.clear();
    by_uri_label.uri = "pkcs11:token=first%20token";
    Pkcs11Signer first("d", std::move(by_uri_label));
    EXPECT_EQ(first.token().token_label, "first token");
    // Keys of one token are not visible through the other.
    first.generate_key("77", {KeyType::EcP256, 0}, "");
    auto second_again = token.options();
    second_again.token_label = "second";
    EXPECT_FALSE(Pkcs11Signer("e", std::move(second_again)).has_key("77"));

    auto two_ways = token.options();
    two_ways.slot = second.slot;
    EXPECT_NE(error_of([&] { Pkcs11Signer("f", std::move(two_ways)); }).find("exactly one way"), std::string::npos);
}

TEST(Pkcs11Signer, ParsesPkcs11Uris) {
    TokenMatch m = parse_pkcs11_uri("pkcs11:token=My%20Token;slot-id=7;serial=00ab;library-version=1");
    EXPECT_EQ(m.token, "My Token");
    EXPECT_EQ(m.slot, 7ul);
    EXPECT_EQ(m.serial, "00ab");
    EXPECT_FALSE(m.model);
    EXPECT_NE(error_of([] { parse_pkcs11_uri("pkcs11:token=a?pin-value=1234"); }).find("pin_file"), std::string::npos);
    EXPECT_NE(error_of([] { parse_pkcs11_uri("pkcs11:tokn=a"); }).find("tokn"), std::string::npos);
    EXPECT_NE(error_of([] { parse_pkcs11_uri("pkcs11:token=a%2"); }), "");
    EXPECT_NE(error_of([] { parse_pkcs11_uri("pkcs11:token=a;token=b"); }).find("twice"), std::string::npos);
    EXPECT_NE(error_of([] { parse_pkcs11_uri("pkcs11:slot-id=x"); }), "");
    EXPECT_NE(error_of([] { parse_pkcs11_uri("token=a"); }).find("pkcs11:"), std::string::npos);
}

TEST(Pkcs11Signer, UnknownTokenLabelIsNamed) {
    SoftHsmToken token("present");
    auto options = token.options();
    options.token_label = "no-such-token";
    std::string error = error_of([&] { Pkcs11Signer("hsm", std::move(options)); });
    EXPECT_NE(error.find("'no-such-token'"), std::string::npos) << error;
    EXPECT_NE(error.find("'present'"), std::string::npos) << "lists the tokens that are there: " << error;
    EXPECT_NE(error.find("signer 'hsm'"), std::string::npos) << error;
}

TEST(Pkcs11Signer, MissingModuleIsNamed) {
    SoftHsmToken token;
    auto options = token.options();
    options.module_path = "/nonexistent/libpkcs11-module.so";
    std::string error = error_of([&] { Pkcs11Signer("hsm", std::move(options)); });
    EXPECT_NE(error.find("/nonexistent/libpkcs11-module.so"), std::string::npos) << error;
    EXPECT_NE(error_of([] { Pkcs11Signer::list_slots("/nonexistent/x.so"); }).find("/nonexistent/x.so"),
              std::string::npos);
    // A file that is not a PKCS#11 module.
    options = token.options();
    options.module_path = "/usr/lib/x86_64-linux-gnu/libcrypto.so.3";
    error = error_of([&] { Pkcs11Signer("hsm", std::move(options)); });
    EXPECT_NE(error.find("C_GetFunctionList"), std::string::npos) << error;
}

TEST(Pkcs11Signer, WrongPinIsPresentedExactlyOnce) {
    SoftHsmToken token;
    // Hold the module so its C_Login counter survives the failed signer.
    auto module = pkcs11::Module::load(kSoftHsmModule);
    const unsigned long before = module->login_calls();
    std::string error = error_of([&] { Pkcs11Signer("hsm", token.options("0000")); });
    EXPECT_NE(error.find("CKR_PIN_INCORRECT"), std::string::npos) << error;
    EXPECT_NE(error.find("'zs-test'"), std::string::npos) << error;
    EXPECT_EQ(module->login_calls() - before, 1u);

    // The right PIN still works: the token's counter was not run down.
    Pkcs11Signer signer("hsm", token.options());
    EXPECT_EQ(signer.stats().login_calls, 1u);
    EXPECT_EQ(module->login_calls() - before, 2u);
}

TEST(Pkcs11Signer, ConcurrentContextsShareAtMostMaxSessions) {
    SoftHsmToken token;
    auto options = token.options();
    options.max_sessions = 2;
    Pkcs11Signer signer("hsm", std::move(options));
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    signer.generate_key("02", {KeyType::Ed25519, 0}, "");
    const Bytes p256 = signer.public_key("01");
    const Bytes ed25519 = signer.public_key("02");

    // 4 workers, each with contexts for two keys (as the signing engine
    // opens one per key per worker), on 2 sessions: contexts borrow a
    // session per signature, so nobody waits for long and nothing deadlocks.
    constexpr int kThreads = 4, kSignatures = 100;
    std::atomic<int> good{0}, bad{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < kThreads; ++t)
        workers.emplace_back([&, t] {
            auto ecdsa = signer.open_signing("01", SignScheme::EcdsaSha256);
            auto eddsa = signer.open_signing("02", SignScheme::Ed25519);
            for (int i = 0; i < kSignatures; ++i) {
                const Bytes message = bytes_of("worker " + std::to_string(t) + " message " + std::to_string(i));
                bool ok = verify_signature(p256, SignScheme::EcdsaSha256, message,
                                           ecdsa->sign(message.data(), message.size())) &&
                          verify_signature(ed25519, SignScheme::Ed25519, message,
                                           eddsa->sign(message.data(), message.size()));
                (ok ? good : bad)++;
            }
        });
    for (auto& w : workers) w.join();
    EXPECT_EQ(good, kThreads * kSignatures);
    EXPECT_EQ(bad, 0);
    EXPECT_LE(signer.stats().peak_sessions_open, 2u);
    EXPECT_EQ(signer.stats().login_calls, 1u);
}

TEST(Pkcs11Signer, ContextOutlivesItsSigner) {
    SoftHsmToken token;
    auto signer = std::make_unique<Pkcs11Signer>("hsm", token.options());
    signer->generate_key("01", {KeyType::EcP256, 0}, "");
    const Bytes spki = signer->public_key("01");
    auto context = signer->open_signing("01", SignScheme::EcdsaSha256);
    signer.reset();
    const Bytes message = bytes_of("after the signer");
    EXPECT_TRUE(verify_signature(spki, SignScheme::EcdsaSha256, message, context->sign(message.data(), message.size())));
}

// Another application's objects in the token: an Ed25519 key pair without a
// CKA_ID whose curve is named the PKCS#11 3.0 way, a second Ed25519 key, and
// a data object. (libp11 0.4.12 cannot enumerate the keys of such a token.)
TEST(Pkcs11Signer, WorksOnATokenHoldingOtherApplicationsEd25519Keys) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    signer.generate_key("0e", {KeyType::Ed25519, 0}, "other application");
    {
        auto module = pkcs11::Module::load(kSoftHsmModule);
        pkcs11::Session session(module, signer.token().slot);
        // The signer logged in already: login state is per application.
        ASSERT_TRUE(session.logged_in());
        const CK_BBOOL yes = CK_TRUE;
        const CK_OBJECT_CLASS data_class = CKO_DATA;
        const std::string label = "some data";
        std::vector<CK_ATTRIBUTE> data = {pkcs11::attr(CKA_CLASS, data_class), pkcs11::attr(CKA_TOKEN, yes),
                                          pkcs11::attr(CKA_LABEL, label)};
        CK_OBJECT_HANDLE handle;
        ASSERT_EQ(session.api().C_CreateObject(session.handle(), data.data(), data.size(), &handle), CKR_OK);
        const Bytes oid = {0x06, 0x03, 0x2b, 0x65, 0x70};
        std::vector<CK_ATTRIBUTE> pub = {pkcs11::attr(CKA_TOKEN, yes), pkcs11::attr(CKA_EC_PARAMS, oid)};
        std::vector<CK_ATTRIBUTE> priv = {pkcs11::attr(CKA_TOKEN, yes), pkcs11::attr(CKA_PRIVATE, yes),
                                          pkcs11::attr(CKA_SIGN, yes)};
        CK_MECHANISM mechanism{CKM_EC_EDWARDS_KEY_PAIR_GEN, nullptr, 0};
        CK_OBJECT_HANDLE pub_handle, priv_handle;
        ASSERT_EQ(session.api().C_GenerateKeyPair(session.handle(), &mechanism, pub.data(), pub.size(), priv.data(),
                                                  priv.size(), &pub_handle, &priv_handle),
                  CKR_OK);
    }
    signer.generate_key("01", {KeyType::EcP256, 0}, "ours");
    EXPECT_EQ(signer.list_keys(), (std::vector<KeyId>{"01", "0e"}));
    const auto objects = signer.list_objects();
    EXPECT_EQ(objects.size(), 7u);
    int others = 0, without_id = 0;
    for (const auto& o : objects) {
        if (o.object_class == TokenObject::Class::Other) ++others;
        if (o.id.empty()) ++without_id;
    }
    EXPECT_EQ(others, 1);
    EXPECT_EQ(without_id, 3);
    for (const KeyId id : {"01", "0e"}) {
        const SignScheme scheme = id == "01" ? SignScheme::EcdsaSha256 : SignScheme::Ed25519;
        const Bytes message = bytes_of("on a shared token");
        EXPECT_TRUE(verify_signature(signer.public_key(id), scheme, message, signer.sign_once(id, scheme, message)));
    }
}

// Faults the token itself can produce without a shim module: all sessions
// closed under the signer (which also logs it out), and a logout.
TEST(Pkcs11Signer, RecoversWhenTheTokenDropsItsSessionsOrLogin) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    const Bytes spki = signer.public_key("01");
    auto context = signer.open_signing("01", SignScheme::EcdsaSha256);
    const Bytes message = bytes_of("still signing");
    ASSERT_TRUE(verify_signature(spki, SignScheme::EcdsaSha256, message, context->sign(message.data(), message.size())));

    auto module = pkcs11::Module::load(kSoftHsmModule);
    ASSERT_EQ(module->api().C_CloseAllSessions(signer.token().slot), CKR_OK);
    EXPECT_TRUE(verify_signature(spki, SignScheme::EcdsaSha256, message, context->sign(message.data(), message.size())));
    EXPECT_EQ(signer.stats().retries, 1u);
    EXPECT_EQ(signer.stats().login_calls, 2u) << "logged in again on the new session";

    {
        pkcs11::Session session(module, signer.token().slot);
        ASSERT_EQ(session.api().C_Logout(session.handle()), CKR_OK);
    }
    EXPECT_TRUE(verify_signature(spki, SignScheme::EcdsaSha256, message, context->sign(message.data(), message.size())));
    EXPECT_EQ(signer.stats().login_calls, 3u);
}

TEST(Pkcs11Signer, PermanentErrorsAreNotRetried) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    auto context = signer.open_signing("01", SignScheme::EcdsaSha256);
    signer.delete_key("01");
    std::string error = error_of([&] { context->sign("x", 1); });
    EXPECT_NE(error.find("signer 'hsm': sign key 01"), std::string::npos) << error;
    EXPECT_EQ(signer.stats().retries, 0u) << error;
}

// Not a test of speed (no thresholds): prints the token's raw rate, the
// figure the signing pipeline is measured against.
TEST(Pkcs11SignerBenchmark, PrintsP256SignaturesPerSecond) {
    SoftHsmToken token;
    auto options = token.options();
    options.max_sessions = 2;
    Pkcs11Signer signer("hsm", std::move(options));
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    const Bytes message(120, 0x5a);  // about one RRset's signed data
    for (int threads : {1, 2}) {
        std::atomic<long> count{0};
        const auto duration = std::chrono::milliseconds(1500);
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([&] {
                auto context = signer.open_signing("01", SignScheme::EcdsaSha256);
                long mine = 0;
                while (std::chrono::steady_clock::now() - start < duration) {
                    context->sign(message.data(), message.size());
                    ++mine;
                }
                count += mine;
            });
        for (auto& w : workers) w.join();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("SoftHSMv2 ECDSA P-256: %d context(s) in %d thread(s): %.0f signatures/s\n", threads, threads,
                    count / seconds);
        EXPECT_GT(count, 0);
    }
}

}  // namespace
}  // namespace zs::hsm
