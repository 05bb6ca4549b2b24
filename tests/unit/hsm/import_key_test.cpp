// Signer::import_key on both backends: a key pair made in software (as a
// migrated key would be) is stored under the given id, hands out the same
// public key, signs verifiably, and on a token is sensitive and not
// extractable.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "hsm/openssl_file_signer.hpp"
#include "hsm/openssl_util.hpp"
#include "hsm/pkcs11_signer.hpp"
#include "softhsm_token.hpp"

namespace zs::hsm {
namespace {

using testing::SoftHsmToken;
using testing::verify_signature;

struct SoftwareKey {
    Bytes pkcs8;
    Bytes spki;
};

SoftwareKey make_key(const std::string& type) {
    EvpPkeyPtr key;
    if (type == "RSA") key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048)));
    else if (type == "P-256" || type == "P-384") key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", type.c_str()));
    else key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, type.c_str()));
    if (!key) throw std::runtime_error("cannot make a " + type + " key");
    SoftwareKey out;
    PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key.get());
    int size = i2d_PKCS8_PRIV_KEY_INFO(info, nullptr);
    out.pkcs8.resize(static_cast<std::size_t>(size));
    unsigned char* cursor = out.pkcs8.data();
    i2d_PKCS8_PRIV_KEY_INFO(info, &cursor);
    PKCS8_PRIV_KEY_INFO_free(info);
    size = i2d_PUBKEY(key.get(), nullptr);
    out.spki.resize(static_cast<std::size_t>(size));
    cursor = out.spki.data();
    i2d_PUBKEY(key.get(), &cursor);
    return out;
}

struct ImportCase {
    const char* type;
    SignScheme scheme;
};

class ImportKeyTest : public ::testing::TestWithParam<ImportCase> {
protected:
    void check_signer(Signer& signer, const std::string& id) {
        const ImportCase& c = GetParam();
        const SoftwareKey key = make_key(c.type);
        signer.import_key(id, key.pkcs8, "example. imported");
        EXPECT_TRUE(signer.has_key(id));
        EXPECT_EQ(signer.public_key(id), key.spki);
        const Bytes message = {'z', 'o', 'n', 'e'};
        EXPECT_TRUE(verify_signature(key.spki, c.scheme, message, signer.sign_once(id, c.scheme, message)));
        // An id in use is refused, as for generated keys.
        EXPECT_THROW(signer.import_key(id, make_key(c.type).pkcs8, "again"), SignerError);
        EXPECT_EQ(signer.public_key(id), key.spki);
    }
};

TEST_P(ImportKeyTest, FileSignerStoresItAsAPrivatePemFile) {
    const std::string dir =
        (std::filesystem::temp_directory_path() / ("zs-import-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(dir);
    {
        OpenSslFileSigner signer("files", dir);
        check_signer(signer, "imported");
        struct stat st {};
        ASSERT_EQ(::stat((dir + "/imported.pem").c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0600u);
        EXPECT_EQ(signer.list_keys(), std::vector<KeyId>{"imported"});
    }
    std::filesystem::remove_all(dir);
}

TEST_P(ImportKeyTest, Pkcs11SignerCreatesASensitiveUnextractableKeyPair) {
    SoftHsmToken token;
    Pkcs11Signer signer("hsm", token.options());
    check_signer(signer, "0a0b0c");
    int private_keys = 0, public_keys = 0;
    for (const TokenObject& o : signer.list_objects()) {
        if (o.id != "0a0b0c") continue;
        EXPECT_EQ(o.label, "example. imported");
        if (o.object_class == TokenObject::Class::PrivateKey) {
            ++private_keys;
            EXPECT_EQ(o.sensitive, std::optional<bool>(true));
            EXPECT_EQ(o.extractable, std::optional<bool>(false));
            // Honest about its past: it was not generated inside.
            EXPECT_EQ(o.never_extractable, std::optional<bool>(false));
        } else if (o.object_class == TokenObject::Class::PublicKey) {
            ++public_keys;
        }
    }
    EXPECT_EQ(private_keys, 1);
    EXPECT_EQ(public_keys, 1);
}

INSTANTIATE_TEST_SUITE_P(KeyTypes, ImportKeyTest,
                         ::testing::Values(ImportCase{"RSA", SignScheme::RsaPkcs1Sha256},
                                           ImportCase{"P-256", SignScheme::EcdsaSha256},
                                           ImportCase{"P-384", SignScheme::EcdsaSha384},
                                           ImportCase{"ED25519", SignScheme::Ed25519}),
                         [](const auto& info) {
                             std::string name = info.param.type;
                             name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                             return name;
                         });

TEST(ImportKey, RefusesBytesThatAreNotAPkcs8Key) {
    const std::string dir =
        (std::filesystem::temp_directory_path() / ("zs-import-bad-" + std::to_string(::getpid()))).string();
    std::filesystem::remove_all(dir);
    {
        OpenSslFileSigner files("files", dir);
        EXPECT_THROW(files.import_key("bad", Bytes{0x30, 0x03, 0x02, 0x01, 0x00}, ""), SignerError);
        EXPECT_THROW(files.import_key("../escape", make_key("P-256").pkcs8, ""), SignerError);
        EXPECT_TRUE(files.list_keys().empty());
    }
    std::filesystem::remove_all(dir);
    SoftHsmToken token;
    Pkcs11Signer hsm("hsm", token.options());
    EXPECT_THROW(hsm.import_key("0102", Bytes{0x30, 0x03, 0x02, 0x01, 0x00}, ""), SignerError);
    EXPECT_THROW(hsm.import_key("0103", make_key("ED448").pkcs8, ""), SignerError);
    EXPECT_TRUE(hsm.list_keys().empty());
}

}  // namespace
}  // namespace zs::hsm
