#include "hsm/pkcs11_key_import.hpp"

#include <algorithm>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "hsm/openssl_util.hpp"

namespace zs::hsm::pkcs11 {

namespace {

void wipe(Bytes& b) {
    if (!b.empty()) OPENSSL_cleanse(b.data(), b.size());
    b.clear();
}

struct BignumClearFree {
    void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
using BignumPtr = std::unique_ptr<BIGNUM, BignumClearFree>;

// A parameter of the key as big-endian bytes, padded to `size` if not 0.
Bytes bignum_param(EVP_PKEY* key, const char* name, std::size_t size = 0) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1 || !raw)
        throw Error(with_openssl_errors(std::string("the private key lacks its ") + name));
    BignumPtr value(raw);
    const std::size_t length = size ? size : static_cast<std::size_t>(BN_num_bytes(value.get()));
    Bytes out(length);
    if (BN_bn2binpad(value.get(), out.data(), static_cast<int>(length)) < 0)
        throw Error(std::string("the key's ") + name + " does not fit " + std::to_string(length) + " octets");
    return out;
}

std::optional<KeyType> ec_curve_of(EVP_PKEY* key) {
    char group[64] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &length) != 1) return std::nullopt;
    int nid = OBJ_txt2nid(group);
    if (nid == NID_undef) nid = EC_curve_nist2nid(group);
    if (nid == NID_X9_62_prime256v1) return KeyType::EcP256;
    if (nid == NID_secp384r1) return KeyType::EcP384;
    return std::nullopt;
}

}  // namespace

PrivateKeyParts::~PrivateKeyParts() {
    wipe(private_exponent);
    wipe(prime1);
    wipe(prime2);
    wipe(exponent1);
    wipe(exponent2);
    wipe(coefficient);
    wipe(value);
}

void read_private_key_parts(const Bytes& pkcs8_der, PrivateKeyParts& parts) {
    const unsigned char* cursor = pkcs8_der.data();
    PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(pkcs8_der.size()));
    if (!info) throw Error(with_openssl_errors("not a DER PKCS#8 private key"));
    EvpPkeyPtr key(EVP_PKCS82PKEY(info));
    PKCS8_PRIV_KEY_INFO_free(info);
    if (!key) throw Error(with_openssl_errors("cannot decode the PKCS#8 private key"));
    if (cursor != pkcs8_der.data() + pkcs8_der.size()) throw Error("trailing bytes after the PKCS#8 private key");
    EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check || EVP_PKEY_pairwise_check(check.get()) != 1)
        throw Error(with_openssl_errors("the private key fails its consistency check"));

    if (EVP_PKEY_is_a(key.get(), "RSA")) {
        parts.type = KeyType::Rsa;
        parts.modulus = bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_N);
        parts.public_exponent = bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_E);
        parts.private_exponent = bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_D);
        parts.prime1 = bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR1);
        parts.prime2 = bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR2);
        parts.exponent1 = bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1);
        parts.exponent2 = bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2);
        parts.coefficient = bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
        return;
    }
    if (EVP_PKEY_is_a(key.get(), "EC")) {
        auto curve = ec_curve_of(key.get());
        if (!curve) throw Error("unsupported elliptic curve (supported: P-256, P-384)");
        parts.type = *curve;
        const std::size_t field = *curve == KeyType::EcP256 ? 32 : 48;
        parts.value = bignum_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, field);
        Bytes x = bignum_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, field);
        Bytes y = bignum_param(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, field);
        parts.point = {0x04};  // uncompressed
        parts.point.insert(parts.point.end(), x.begin(), x.end());
        parts.point.insert(parts.point.end(), y.begin(), y.end());
        return;
    }
    if (EVP_PKEY_is_a(key.get(), "ED25519")) {
        parts.type = KeyType::Ed25519;
        std::size_t size = 32;
        parts.value.resize(size);
        if (EVP_PKEY_get_raw_private_key(key.get(), parts.value.data(), &size) != 1 || size != 32)
            throw Error(with_openssl_errors("cannot read the Ed25519 private key"));
        parts.point.resize(size);
        if (EVP_PKEY_get_raw_public_key(key.get(), parts.point.data(), &size) != 1 || size != 32)
            throw Error(with_openssl_errors("cannot read the Ed25519 public key"));
        return;
    }
    if (EVP_PKEY_is_a(key.get(), "ED448"))
        throw Error("Ed448 keys are not supported by the PKCS#11 signer (SoftHSMv2 and most HSMs lack them)");
    throw Error("unsupported key type (supported: RSA, EC P-256, EC P-384, Ed25519)");
}

Bytes ec_point_attribute(const Bytes& point) {
    // Points here are at most 97 octets: the short form of the length.
    Bytes der(2 + point.size());
    der[0] = 0x04;
    der[1] = static_cast<std::uint8_t>(point.size());
    std::copy(point.begin(), point.end(), der.begin() + 2);
    return der;
}

}  // namespace zs::hsm::pkcs11
