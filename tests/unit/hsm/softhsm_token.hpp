// A SoftHSMv2 token of the test's own: a temporary token directory, its
// softhsm2.conf, SOFTHSM2_CONF pointing at it (SoftHSM reads it when the
// module is initialised, i.e. when the first signer of a test loads it), and
// tokens initialised with softhsm2-util. Removed when the test ends.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "hsm/openssl_util.hpp"
#include "hsm/pkcs11_signer.hpp"

namespace zs::hsm::testing {

inline const char* const kSoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";
inline const char* const kSoPin = "1234";
inline const char* const kUserPin = "5678";

class SoftHsmToken {
public:
    explicit SoftHsmToken(const std::string& label = "zs-test") {
        std::string pattern = (std::filesystem::temp_directory_path() / "zs-softhsm-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        directory_ = pattern;
        std::filesystem::create_directory(directory_ + "/tokens");
        std::ofstream conf(directory_ + "/softhsm2.conf");
        conf << "directories.tokendir = " << directory_ << "/tokens\n"
             << "objectstore.backend = file\n"
             << "log.level = ERROR\n";
        conf.close();
        if (!conf) throw std::runtime_error("cannot write softhsm2.conf");
        ::setenv("SOFTHSM2_CONF", (directory_ + "/softhsm2.conf").c_str(), 1);
        add_token(label);
        label_ = label;
    }
    ~SoftHsmToken() {
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }
    SoftHsmToken(const SoftHsmToken&) = delete;
    SoftHsmToken& operator=(const SoftHsmToken&) = delete;

    // Another token in the same token directory (SoftHSM reads one config
    // per process, so all tokens of a test live side by side).
    void add_token(const std::string& label) {
        std::string command = "softhsm2-util --init-token --free --label '" + label + "' --so-pin " + kSoPin +
                              " --pin " + kUserPin + " >/dev/null";
        int status = std::system(command.c_str());
        if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            throw std::runtime_error("softhsm2-util --init-token failed for label " + label);
    }

    const std::string& label() const { return label_; }
    const std::string& directory() const { return directory_; }

    Pkcs11Options options(const std::string& pin = kUserPin) const {
        Pkcs11Options o;
        o.module_path = kSoftHsmModule;
        o.token_label = label_;
        o.pin = Secret(pin);
        return o;
    }

private:
    std::string directory_;
    std::string label_;
};

inline EvpPkeyPtr parse_public_key(const Bytes& der) {
    const unsigned char* cursor = der.data();
    EvpPkeyPtr key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size())));
    if (key && cursor != der.data() + der.size()) return nullptr;  // trailing bytes
    return key;
}

// Verifies in software with nothing but the DER public key.
inline bool verify_signature(const Bytes& public_der, SignScheme scheme, const Bytes& message, const Bytes& signature) {
    EvpPkeyPtr key = parse_public_key(public_der);
    if (!key) return false;
    const char* digest = nullptr;
    bool ecdsa = false;
    switch (scheme) {
        case SignScheme::RsaPkcs1Sha256: digest = "SHA256"; break;
        case SignScheme::RsaPkcs1Sha512: digest = "SHA512"; break;
        case SignScheme::EcdsaSha256: digest = "SHA256"; ecdsa = true; break;
        case SignScheme::EcdsaSha384: digest = "SHA384"; ecdsa = true; break;
        default: break;
    }
    Bytes sig = signature;
    if (ecdsa) {
        // r|s back to the DER form OpenSSL verifies.
        std::size_t half = signature.size() / 2;
        ECDSA_SIG* parsed = ECDSA_SIG_new();
        ECDSA_SIG_set0(parsed, BN_bin2bn(signature.data(), static_cast<int>(half), nullptr),
                       BN_bin2bn(signature.data() + half, static_cast<int>(half), nullptr));
        unsigned char* der = nullptr;
        int size = i2d_ECDSA_SIG(parsed, &der);
        sig.assign(der, der + size);
        OPENSSL_free(der);
        ECDSA_SIG_free(parsed);
    }
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (EVP_DigestVerifyInit_ex(ctx.get(), nullptr, digest, nullptr, nullptr, key.get(), nullptr) != 1) return false;
    return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size()) == 1;
}

}  // namespace zs::hsm::testing
