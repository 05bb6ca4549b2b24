// The file signer checked against OpenSSL itself: every signature is verified
// with nothing but the DER public key the signer hands out.
#include "hsm/openssl_file_signer.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/atomic_file.hpp"
#include "hsm/openssl_util.hpp"

namespace zs::hsm {
namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "zs-hsm-test-XXXXXX").string();
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

EvpPkeyPtr parse_public_key(const Bytes& der) {
    const unsigned char* cursor = der.data();
    EvpPkeyPtr key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size())));
    EXPECT_EQ(cursor, der.data() + der.size()) << "trailing bytes after SubjectPublicKeyInfo";
    return key;
}

// r|s back to the DER form OpenSSL verifies.
Bytes raw_ecdsa_to_der(const Bytes& raw) {
    std::size_t half = raw.size() / 2;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(raw.data(), static_cast<int>(half), nullptr),
                   BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr));
    unsigned char* der = nullptr;
    int size = i2d_ECDSA_SIG(sig, &der);
    Bytes out(der, der + size);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    return out;
}

const char* digest_of(SignScheme scheme) {
    switch (scheme) {
        case SignScheme::RsaPkcs1Sha256:
        case SignScheme::EcdsaSha256: return "SHA256";
        case SignScheme::RsaPkcs1Sha512: return "SHA512";
        case SignScheme::EcdsaSha384: return "SHA384";
        default: return nullptr;  // EdDSA hashes internally
    }
}

bool is_ecdsa(SignScheme s) { return s == SignScheme::EcdsaSha256 || s == SignScheme::EcdsaSha384; }

bool verify(const Bytes& public_der, SignScheme scheme, const Bytes& message, const Bytes& signature) {
    EvpPkeyPtr key = parse_public_key(public_der);
    if (!key) return false;
    Bytes sig = is_ecdsa(scheme) ? raw_ecdsa_to_der(signature) : signature;
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (EVP_DigestVerifyInit_ex(ctx.get(), nullptr, digest_of(scheme), nullptr, nullptr, key.get(), nullptr) != 1)
        return false;
    int ok = EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size());
    openssl_errors();  // a failed verification leaves entries behind
    return ok == 1;
}

struct KeyCase {
    const char* name;
    KeySpec spec;
    const char* openssl_type;
    int bits;
    std::vector<SignScheme> schemes;
    std::size_t signature_size;
};

const std::vector<SignScheme> kAllSchemes = {SignScheme::RsaPkcs1Sha256, SignScheme::RsaPkcs1Sha512,
                                             SignScheme::EcdsaSha256,    SignScheme::EcdsaSha384,
                                             SignScheme::Ed25519,        SignScheme::Ed448};

const KeyCase kCases[] = {
    {"Rsa1024", {KeyType::Rsa, 1024}, "RSA", 1024, {SignScheme::RsaPkcs1Sha256, SignScheme::RsaPkcs1Sha512}, 128},
    {"Rsa2048", {KeyType::Rsa, 2048}, "RSA", 2048, {SignScheme::RsaPkcs1Sha256, SignScheme::RsaPkcs1Sha512}, 256},
    {"EcP256", {KeyType::EcP256, 0}, "EC", 256, {SignScheme::EcdsaSha256}, 64},
    {"EcP384", {KeyType::EcP384, 0}, "EC", 384, {SignScheme::EcdsaSha384}, 96},
    {"Ed25519", {KeyType::Ed25519, 0}, "ED25519", 256, {SignScheme::Ed25519}, 64},
    {"Ed448", {KeyType::Ed448, 0}, "ED448", 456, {SignScheme::Ed448}, 114},
};

void PrintTo(const KeyCase& c, std::ostream* out) { *out << c.name; }

class PerKeyType : public ::testing::TestWithParam<KeyCase> {
protected:
    TempDir dir_;
    OpenSslFileSigner signer_{"files", dir_.path() + "/keys"};
};

TEST_P(PerKeyType, GeneratesPkcs8PemFileWithMode0600) {
    signer_.generate_key("k1", GetParam().spec, "");
    std::string path = dir_.path() + "/keys/k1.pem";
    EXPECT_EQ(mode_of(path), 0600u);
    EXPECT_EQ(read_file(path).rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
    EXPECT_TRUE(signer_.has_key("k1"));
    EXPECT_FALSE(signer_.has_key("k2"));
}

TEST_P(PerKeyType, PublicKeyIsSubjectPublicKeyInfoOfTheRightTypeAndSize) {
    signer_.generate_key("k1", GetParam().spec, "");
    EvpPkeyPtr key = parse_public_key(signer_.public_key("k1"));
    ASSERT_TRUE(key);
    EXPECT_TRUE(EVP_PKEY_is_a(key.get(), GetParam().openssl_type));
    EXPECT_EQ(EVP_PKEY_get_bits(key.get()), GetParam().bits);
    if (GetParam().spec.type == KeyType::Rsa) {
        BIGNUM* e = nullptr;
        ASSERT_EQ(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e), 1);
        EXPECT_EQ(BN_get_word(e), 65537u);
        BN_free(e);
    }
    if (GetParam().spec.type == KeyType::EcP256 || GetParam().spec.type == KeyType::EcP384) {
        char group[64] = {};
        std::size_t length = 0;
        ASSERT_EQ(EVP_PKEY_get_group_name(key.get(), group, sizeof group, &length), 1);
        EXPECT_EQ(std::string(group), GetParam().spec.type == KeyType::EcP256 ? "prime256v1" : "secp384r1");
    }
}

TEST_P(PerKeyType, SignsWithEveryFittingSchemeVerifiableWithThePublicKeyOnly) {
    signer_.generate_key("k1", GetParam().spec, "");
    Bytes public_der = signer_.public_key("k1");
    const std::vector<Bytes> messages = {Bytes{}, Bytes{'a', 'b', 'c'}, Bytes(5000, 0x5a)};
    for (SignScheme scheme : GetParam().schemes) {
        auto context = signer_.open_signing("k1", scheme);
        for (const Bytes& message : messages) {
            // Twice through the same context: it must be reusable.
            for (int round = 0; round < 2; ++round) {
                Bytes signature = context->sign(message.data(), message.size());
                EXPECT_EQ(signature.size(), GetParam().signature_size) << to_string(scheme);
                EXPECT_TRUE(verify(public_der, scheme, message, signature)) << to_string(scheme);
                Bytes other = message;
                other.push_back(1);
                EXPECT_FALSE(verify(public_der, scheme, other, signature)) << to_string(scheme);
            }
        }
    }
}

TEST_P(PerKeyType, RefusesSchemesThatDoNotFitTheKey) {
    signer_.generate_key("k1", GetParam().spec, "");
    for (SignScheme scheme : kAllSchemes) {
        bool fits = false;
        for (SignScheme s : GetParam().schemes) fits = fits || s == scheme;
        if (fits) continue;
        try {
            signer_.open_signing("k1", scheme);
            ADD_FAILURE() << "accepted " << to_string(scheme);
        } catch (const SignerError& e) {
            EXPECT_NE(std::string(e.what()).find("does not fit"), std::string::npos) << e.what();
        }
    }
}

TEST_P(PerKeyType, ANewSignerOnTheSameDirectorySignsWithTheSameKey) {
    signer_.generate_key("k1", GetParam().spec, "");
    Bytes public_der = signer_.public_key("k1");
    OpenSslFileSigner reopened("files", dir_.path() + "/keys");
    EXPECT_EQ(reopened.public_key("k1"), public_der);
    Bytes message = {1, 2, 3, 4};
    SignScheme scheme = GetParam().schemes.front();
    EXPECT_TRUE(verify(public_der, scheme, message, reopened.sign_once("k1", scheme, message)));
}

INSTANTIATE_TEST_SUITE_P(AllKeyTypes, PerKeyType, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<KeyCase>& info) { return info.param.name; });

class FileSigner : public ::testing::Test {
protected:
    TempDir dir_;
    std::string keys_ = dir_.path() + "/a/keys";
    OpenSslFileSigner signer_{"files", keys_};
};

TEST_F(FileSigner, CreatesMissingDirectoriesWithMode0700) {
    EXPECT_EQ(mode_of(dir_.path() + "/a"), 0700u);
    EXPECT_EQ(mode_of(keys_), 0700u);
    EXPECT_EQ(signer_.directory(), keys_);
    EXPECT_EQ(signer_.type(), "openssl");
    EXPECT_EQ(signer_.name(), "files");
}

TEST_F(FileSigner, RefusesADuplicateIdAndLeavesTheExistingKeyUntouched) {
    signer_.generate_key("dup", {KeyType::EcP256, 0}, "first");
    std::string before = read_file(keys_ + "/dup.pem");
    try {
        signer_.generate_key("dup", {KeyType::Ed25519, 0}, "second");
        FAIL() << "duplicate id accepted";
    } catch (const SignerError& e) {
        EXPECT_EQ(std::string(e.what()), "signer 'files': generate key dup: key id already exists");
    }
    EXPECT_EQ(read_file(keys_ + "/dup.pem"), before);
    EXPECT_EQ(read_file(keys_ + "/dup.label"), "first");
    EXPECT_EQ(signer_.list_keys(), std::vector<KeyId>{"dup"});  // no temporary file left behind
}

TEST_F(FileSigner, StoresTheLabelBesideTheKeyWithMode0600) {
    signer_.generate_key("labelled", {KeyType::Ed25519, 0}, "example.com. KSK");
    EXPECT_EQ(read_file(keys_ + "/labelled.label"), "example.com. KSK");
    EXPECT_EQ(mode_of(keys_ + "/labelled.label"), 0600u);
    signer_.generate_key("unlabelled", {KeyType::Ed25519, 0}, "");
    EXPECT_FALSE(file_exists(keys_ + "/unlabelled.label"));
    signer_.set_label("labelled", "example.com. KSK 12345");
    EXPECT_EQ(read_file(keys_ + "/labelled.label"), "example.com. KSK 12345");
    EXPECT_EQ(mode_of(keys_ + "/labelled.label"), 0600u);
    EXPECT_THROW(signer_.set_label("absent", "x"), SignerError);
}

TEST_F(FileSigner, ListsKeyIdsSortedAndIgnoresOtherFiles) {
    EXPECT_TRUE(signer_.list_keys().empty());
    signer_.generate_key("b", {KeyType::Ed25519, 0}, "label");
    signer_.generate_key("a", {KeyType::Ed25519, 0}, "");
    write_file_atomically(keys_ + "/notes.txt", "x");
    EXPECT_EQ(signer_.list_keys(), (std::vector<KeyId>{"a", "b"}));
}

TEST_F(FileSigner, DeleteRemovesKeyAndLabel) {
    signer_.generate_key("gone", {KeyType::Ed25519, 0}, "label");
    signer_.generate_key("kept", {KeyType::Ed25519, 0}, "");
    signer_.delete_key("gone");
    EXPECT_FALSE(signer_.has_key("gone"));
    EXPECT_FALSE(file_exists(keys_ + "/gone.pem"));
    EXPECT_FALSE(file_exists(keys_ + "/gone.label"));
    EXPECT_EQ(signer_.list_keys(), std::vector<KeyId>{"kept"});
    try {
        signer_.delete_key("gone");
        FAIL() << "deleting a missing key succeeded";
    } catch (const SignerError& e) {
        EXPECT_EQ(std::string(e.what()), "signer 'files': delete key gone: no such key");
    }
}

TEST_F(FileSigner, MissingKeyIsReportedWithOperationAndId) {
    try {
        signer_.open_signing("3f2a", SignScheme::EcdsaSha256);
        FAIL() << "opened a missing key";
    } catch (const SignerError& e) {
        EXPECT_EQ(std::string(e.what()), "signer 'files': open key 3f2a: no such key");
    }
    EXPECT_THROW(signer_.public_key("3f2a"), SignerError);
}

TEST_F(FileSigner, CorruptKeyFileErrorCarriesOpenSslText) {
    write_file_atomically(keys_ + "/bad.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 0600);
    try {
        signer_.open_signing("bad", SignScheme::EcdsaSha256);
        FAIL() << "parsed a corrupt key";
    } catch (const SignerError& e) {
        std::string text = e.what();
        EXPECT_EQ(text.rfind("signer 'files': open key bad: cannot parse private key in ", 0), 0u) << text;
        EXPECT_NE(text.find("error:"), std::string::npos) << text;  // OpenSSL's queue was drained into it
    }
    EXPECT_EQ(openssl_errors(), "");
}

TEST_F(FileSigner, RefusesIdsThatAreNotPlainFileNames) {
    for (const char* id : {"", "../escape", "a/b", ".hidden", "sp ace"}) {
        EXPECT_THROW(signer_.generate_key(id, {KeyType::Ed25519, 0}, ""), SignerError) << id;
        EXPECT_THROW(signer_.has_key(id), SignerError) << id;
    }
    EXPECT_FALSE(file_exists(dir_.path() + "/a/escape.pem"));
    EXPECT_TRUE(signer_.list_keys().empty());
}

TEST_F(FileSigner, RefusesRsaSizesOutside1024To4096) {
    EXPECT_THROW(signer_.generate_key("small", {KeyType::Rsa, 512}, ""), SignerError);
    EXPECT_THROW(signer_.generate_key("large", {KeyType::Rsa, 8192}, ""), SignerError);
    EXPECT_THROW(signer_.generate_key("unset", {KeyType::Rsa, 0}, ""), SignerError);
    EXPECT_TRUE(signer_.list_keys().empty());
}

TEST_F(FileSigner, RandomBytesHaveTheRequestedSizeAndDiffer) {
    EXPECT_TRUE(signer_.random_bytes(0).empty());
    Bytes a = signer_.random_bytes(32);
    Bytes b = signer_.random_bytes(32);
    EXPECT_EQ(a.size(), 32u);
    EXPECT_EQ(b.size(), 32u);
    EXPECT_NE(a, b);
}

// Keys made elsewhere (the RFC examples' keys in tests/data/kat, PKCS#8 PEM)
// dropped into the key directory under an id. RSA PKCS#1 v1.5 and EdDSA are
// deterministic: the signer's prepared-context path must give the same bytes
// as OpenSSL's plain EVP_DigestSign. ECDSA is randomised: verify only.
struct KnownAnswerCase {
    const char* id;  // base name in tests/data/kat
    SignScheme scheme;
    bool deterministic;
};

void PrintTo(const KnownAnswerCase& c, std::ostream* out) { *out << c.id; }

class KnownAnswer : public ::testing::TestWithParam<KnownAnswerCase> {};

Bytes openssl_reference_signature(const std::string& pem_path, SignScheme scheme, const Bytes& message) {
    std::string pem = read_file(pem_path);
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    EXPECT_TRUE(key) << openssl_errors();
    if (!key) return {};
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    std::size_t size = 0;
    EXPECT_EQ(EVP_DigestSignInit_ex(ctx.get(), nullptr, digest_of(scheme), nullptr, nullptr, key.get(), nullptr), 1);
    EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()), 1);
    Bytes signature(size);
    EXPECT_EQ(EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()), 1);
    signature.resize(size);
    return signature;
}

TEST_P(KnownAnswer, SignsLikeOpenSslWithAKeyMadeElsewhere) {
    const KnownAnswerCase& c = GetParam();
    const std::string source = std::string(ZS_TEST_DATA) + "/kat/" + c.id + ".pem";
    TempDir dir;
    OpenSslFileSigner signer("kat", dir.path() + "/keys");
    write_file_atomically(dir.path() + "/keys/" + c.id + ".pem", read_file(source), 0600);
    EXPECT_EQ(signer.list_keys(), std::vector<KeyId>{c.id});

    const std::string text = "zonesigner known-answer message";
    const Bytes message(text.begin(), text.end());
    Bytes signature = signer.sign_once(c.id, c.scheme, message);
    if (c.deterministic) {
        EXPECT_EQ(to_hex(signature), to_hex(openssl_reference_signature(source, c.scheme, message)));
    } else {
        EXPECT_EQ(signature.size(), c.scheme == SignScheme::EcdsaSha256 ? 64u : 96u);
    }
    EXPECT_TRUE(verify(signer.public_key(c.id), c.scheme, message, signature));
}

const KnownAnswerCase kKnownAnswerCases[] = {
    {"rfc5702-rsasha256", SignScheme::RsaPkcs1Sha256, true},
    {"rfc5702-rsasha512", SignScheme::RsaPkcs1Sha512, true},
    {"rfc8080-ed25519-1", SignScheme::Ed25519, true},
    {"rfc8080-ed25519-2", SignScheme::Ed25519, true},
    {"rfc6605-ecdsap256sha256", SignScheme::EcdsaSha256, false},
    {"rfc6605-ecdsap384sha384", SignScheme::EcdsaSha384, false},
};

INSTANTIATE_TEST_SUITE_P(RfcKeys, KnownAnswer, ::testing::ValuesIn(kKnownAnswerCases),
                         [](const ::testing::TestParamInfo<KnownAnswerCase>& info) {
                             std::string name = info.param.id;
                             for (char& ch : name)
                                 if (ch == '-') ch = '_';
                             return name;
                         });

TEST(SignerNames, KeyTypesAndSchemesHaveNames) {
    EXPECT_EQ(to_string(KeyType::EcP256), "EC P-256");
    EXPECT_EQ(to_string(KeyType::Ed448), "Ed448");
    EXPECT_EQ(to_string(SignScheme::RsaPkcs1Sha256), "RSA PKCS#1 v1.5 SHA-256");
    EXPECT_EQ(to_string(SignScheme::EcdsaSha384), "ECDSA SHA-384");
}

TEST(SignerErrorText, NamesSignerOperationAndKey) {
    EXPECT_STREQ(SignerError("files", "sign", "3f2a", "boom").what(), "signer 'files': sign key 3f2a: boom");
    EXPECT_STREQ(SignerError("files", "random_bytes", "", "boom").what(), "signer 'files': random_bytes: boom");
}

}  // namespace
}  // namespace zs::hsm
