#include "hsm/pkcs11_key_format.hpp"

#include <algorithm>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "hsm/openssl_util.hpp"

namespace zs::hsm::pkcs11 {

namespace {

// DER of OBJECT IDENTIFIER values (tag 06, length, arcs).
const Bytes kOidP256 = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};  // 1.2.840.10045.3.1.7
const Bytes kOidP384 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};                    // 1.3.132.0.34
const Bytes kOidEd25519 = {0x06, 0x03, 0x2b, 0x65, 0x70};                             // 1.3.101.112
const Bytes kOidEd448 = {0x06, 0x03, 0x2b, 0x65, 0x71};                               // 1.3.101.113

// DER PrintableString, the curve-name form of PKCS#11 3.0 §2.3.10.
Bytes printable_string(const std::string& text) {
    Bytes der(2 + text.size());
    der[0] = 0x13;
    der[1] = static_cast<std::uint8_t>(text.size());
    std::copy(text.begin(), text.end(), der.begin() + 2);
    return der;
}

struct OsslParamBldFree {
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct OsslParamFree {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct BignumFree {
    void operator()(BIGNUM* p) const { BN_free(p); }
};

Bytes encode_public_key(EVP_PKEY* key) {
    int size = i2d_PUBKEY(key, nullptr);
    if (size <= 0) throw Error(with_openssl_errors("cannot encode public key"));
    Bytes der(static_cast<std::size_t>(size));
    unsigned char* cursor = der.data();
    if (i2d_PUBKEY(key, &cursor) != size) throw Error(with_openssl_errors("cannot encode public key"));
    return der;
}

EvpPkeyPtr key_from_params(const char* algorithm, const OSSL_PARAM* params) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    EVP_PKEY* key = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) != 1)
        throw Error(with_openssl_errors(std::string("token returned an invalid ") + algorithm + " public key"));
    return EvpPkeyPtr(key);
}

}  // namespace

Bytes ec_params_for(KeyType type) {
    switch (type) {
        case KeyType::EcP256: return kOidP256;
        case KeyType::EcP384: return kOidP384;
        case KeyType::Ed25519: return kOidEd25519;
        case KeyType::Ed448: return kOidEd448;
        case KeyType::Rsa: break;
    }
    throw Error("no curve parameters for " + to_string(type));
}

std::optional<KeyType> key_type_from_ec_params(const Bytes& params) {
    if (params == kOidP256) return KeyType::EcP256;
    if (params == kOidP384) return KeyType::EcP384;
    if (params == kOidEd25519 || params == printable_string("edwards25519")) return KeyType::Ed25519;
    if (params == kOidEd448 || params == printable_string("edwards448")) return KeyType::Ed448;
    return std::nullopt;
}

std::size_t ec_point_size(KeyType type) {
    switch (type) {
        case KeyType::EcP256: return 65;
        case KeyType::EcP384: return 97;
        case KeyType::Ed25519: return 32;
        case KeyType::Ed448: return 57;
        case KeyType::Rsa: break;
    }
    return 0;
}

Bytes ec_point_from_attribute(const Bytes& attribute, std::size_t point_size) {
    // DER OCTET STRING: 04, length (short form below 128, else 81 nn), point.
    // Tried first: a raw uncompressed point also starts with 04, but then its
    // size is point_size, which the wrapped form's is not.
    const std::size_t header = point_size < 128 ? 2 : 3;
    if (attribute.size() == header + point_size && attribute[0] == 0x04) {
        bool length_ok = point_size < 128 ? attribute[1] == point_size
                                          : attribute[1] == 0x81 && attribute[2] == point_size;
        if (length_ok) return Bytes(attribute.begin() + static_cast<std::ptrdiff_t>(header), attribute.end());
    }
    if (attribute.size() == point_size) return attribute;
    throw Error("CKA_EC_POINT of " + std::to_string(attribute.size()) + " bytes fits no point of " +
                std::to_string(point_size) + " bytes");
}

Bytes rsa_public_key_info(const Bytes& modulus, const Bytes& public_exponent) {
    std::unique_ptr<BIGNUM, BignumFree> n(BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
    std::unique_ptr<BIGNUM, BignumFree> e(
        BN_bin2bn(public_exponent.data(), static_cast<int>(public_exponent.size()), nullptr));
    std::unique_ptr<OSSL_PARAM_BLD, OsslParamBldFree> build(OSSL_PARAM_BLD_new());
    if (!n || !e || !build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
        throw Error(with_openssl_errors("cannot build RSA public key"));
    std::unique_ptr<OSSL_PARAM, OsslParamFree> params(OSSL_PARAM_BLD_to_param(build.get()));
    if (!params) throw Error(with_openssl_errors("cannot build RSA public key"));
    return encode_public_key(key_from_params("RSA", params.get()).get());
}

Bytes ec_public_key_info(KeyType type, const Bytes& point) {
    const char* algorithm = nullptr;
    const char* group = nullptr;
    switch (type) {
        case KeyType::EcP256: algorithm = "EC"; group = "P-256"; break;
        case KeyType::EcP384: algorithm = "EC"; group = "P-384"; break;
        case KeyType::Ed25519: algorithm = "ED25519"; break;
        case KeyType::Ed448: algorithm = "ED448"; break;
        case KeyType::Rsa: throw Error("RSA keys have no curve point");
    }
    OSSL_PARAM params[3];
    std::size_t n = 0;
    if (group) params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group), 0);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<std::uint8_t*>(point.data()),
                                                    point.size());
    params[n] = OSSL_PARAM_construct_end();
    return encode_public_key(key_from_params(algorithm, params).get());
}

Bytes digest_info_prefix(SignScheme scheme) {
    // SEQUENCE { SEQUENCE { OID hash, NULL }, OCTET STRING digest }, up to
    // the digest (RFC 8017 §9.2, note 1).
    switch (scheme) {
        case SignScheme::RsaPkcs1Sha256:
            return {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
        case SignScheme::RsaPkcs1Sha512:
            return {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                    0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};
        default: return {};
    }
}

}  // namespace zs::hsm::pkcs11
