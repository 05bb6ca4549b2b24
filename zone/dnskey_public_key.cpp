// DNSKEY public key fields <-> OpenSSL keys (DER SubjectPublicKeyInfo):
// RSA per RFC 3110 §2, ECDSA x|y per RFC 6605 §4, EdDSA raw per RFC 8080 §3.
#include "zone/dnskey_public_key.hpp"

#include <cstring>

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "common/error.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/ecdsa_encoding.hpp"

namespace zs::zone {

namespace {

const unsigned char* bytes_of(const Wire& w) { return reinterpret_cast<const unsigned char*>(w.data()); }

std::string context(std::uint8_t algorithm) { return "DNSKEY algorithm " + algorithm_name(algorithm); }

bool is_rsa(std::uint8_t a) {
    return a == algorithm::RSASHA1 || a == 7 || a == algorithm::RSASHA256 || a == algorithm::RSASHA512;
}

std::size_t eddsa_key_size(std::uint8_t a) {
    return a == algorithm::ED25519 ? 32 : a == algorithm::ED448 ? 57 : 0;
}

const char* eddsa_key_type(std::uint8_t a) { return a == algorithm::ED25519 ? "ED25519" : "ED448"; }

// RFC 5702 §2 and §3 (and RFC 3110 for SHA-1): modulus sizes a DNSKEY of the
// algorithm may have.
void check_rsa_modulus_bits(std::uint8_t algorithm, int bits) {
    const int min_bits = algorithm == algorithm::RSASHA512 ? 1024 : 512;
    const int max_bits = 4096;
    if (bits < min_bits || bits > max_bits)
        throw Error(context(algorithm) + ": RSA modulus of " + std::to_string(bits) + " bits is outside " +
                    std::to_string(min_bits) + "-" + std::to_string(max_bits));
}

ossl::PkeyPtr pkey_from_params(const char* key_type, OSSL_PARAM_BLD* builder, const std::string& what) {
    ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(builder));
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, key_type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1 || raw == nullptr)
        throw Error(ossl::with_errors(what + ": OpenSSL refuses the public key"));
    return ossl::PkeyPtr(raw);
}

ossl::PkeyPtr rsa_pkey(std::uint8_t algorithm, const Wire& key) {
    // RFC 3110 §2: exponent length in one octet, or a zero octet and two.
    std::size_t offset = 1;
    std::size_t exponent_size = key.empty() ? 0 : get_u8(key, 0);
    if (!key.empty() && exponent_size == 0) {
        if (key.size() < 3) throw Error(context(algorithm) + ": RSA key truncated in the exponent length");
        exponent_size = get_u16(key, 1);
        offset = 3;
    }
    if (exponent_size == 0 || key.size() <= offset + exponent_size)
        throw Error(context(algorithm) + ": RSA key too short for its exponent and modulus");
    const std::size_t modulus_size = key.size() - offset - exponent_size;
    if (get_u8(key, offset) == 0 || get_u8(key, offset + exponent_size) == 0)
        throw Error(context(algorithm) + ": RSA exponent or modulus has a leading zero octet");
    ossl::BnPtr e(BN_bin2bn(bytes_of(key) + offset, static_cast<int>(exponent_size), nullptr));
    ossl::BnPtr n(BN_bin2bn(bytes_of(key) + offset + exponent_size, static_cast<int>(modulus_size), nullptr));
    if (!e || !n) throw Error(ossl::with_errors(context(algorithm) + ": cannot read RSA key"));
    check_rsa_modulus_bits(algorithm, BN_num_bits(n.get()));
    ossl::ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
        throw Error(ossl::with_errors(context(algorithm) + ": cannot build RSA parameters"));
    return pkey_from_params("RSA", builder.get(), context(algorithm));
}

ossl::PkeyPtr ecdsa_pkey(std::uint8_t algorithm, const Wire& key) {
    const std::size_t size = ecdsa_component_size(algorithm);
    if (key.size() != 2 * size)
        throw Error(context(algorithm) + ": ECDSA key is " + std::to_string(key.size()) + " octets, not " +
                    std::to_string(2 * size));
    // OpenSSL wants the SEC 1 uncompressed point: 0x04 | x | y.
    std::string point = "\x04" + key;
    ossl::ParamBldPtr builder(OSSL_PARAM_BLD_new());
    const char* group = algorithm == algorithm::ECDSAP256SHA256 ? "P-256" : "P-384";
    if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
        throw Error(ossl::with_errors(context(algorithm) + ": cannot build EC parameters"));
    return pkey_from_params("EC", builder.get(), context(algorithm));
}

ossl::PkeyPtr eddsa_pkey(std::uint8_t algorithm, const Wire& key) {
    if (key.size() != eddsa_key_size(algorithm))
        throw Error(context(algorithm) + ": EdDSA key is " + std::to_string(key.size()) + " octets, not " +
                    std::to_string(eddsa_key_size(algorithm)));
    ossl::PkeyPtr pkey(
        EVP_PKEY_new_raw_public_key_ex(nullptr, eddsa_key_type(algorithm), nullptr, bytes_of(key), key.size()));
    if (!pkey) throw Error(ossl::with_errors(context(algorithm) + ": OpenSSL refuses the public key"));
    return pkey;
}

ossl::BnPtr bn_param(EVP_PKEY* pkey, const char* name, const std::string& what) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1 || bn == nullptr)
        throw Error(ossl::with_errors(what + ": cannot read " + name));
    return ossl::BnPtr(bn);
}

void append_bn(Wire& out, const BIGNUM* bn, std::size_t size) {
    const std::size_t at = out.size();
    out.resize(at + size);
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data() + at), static_cast<int>(size));
}

Wire rsa_field(std::uint8_t algorithm, EVP_PKEY* pkey) {
    if (!EVP_PKEY_is_a(pkey, "RSA")) throw Error(context(algorithm) + ": the key is not an RSA key");
    auto n = bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, context(algorithm));
    auto e = bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, context(algorithm));
    check_rsa_modulus_bits(algorithm, BN_num_bits(n.get()));
    const auto exponent_size = static_cast<std::size_t>(BN_num_bytes(e.get()));
    const auto modulus_size = static_cast<std::size_t>(BN_num_bytes(n.get()));
    if (exponent_size == 0 || exponent_size > 0xffff) throw Error(context(algorithm) + ": unusable RSA exponent");
    Wire field;
    field.reserve(3 + exponent_size + modulus_size);
    if (exponent_size <= 255) {
        put_u8(field, static_cast<std::uint8_t>(exponent_size));
    } else {
        put_u8(field, 0);
        put_u16(field, static_cast<std::uint16_t>(exponent_size));
    }
    append_bn(field, e.get(), exponent_size);
    append_bn(field, n.get(), modulus_size);
    return field;
}

int curve_nid(EVP_PKEY* pkey) {
    char name[64];
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &length) != 1) return NID_undef;
    int nid = OBJ_sn2nid(name);
    if (nid == NID_undef) nid = EC_curve_nist2nid(name);
    return nid;
}

Wire ecdsa_field(std::uint8_t algorithm, EVP_PKEY* pkey) {
    const int wanted = algorithm == algorithm::ECDSAP256SHA256 ? NID_X9_62_prime256v1 : NID_secp384r1;
    if (!EVP_PKEY_is_a(pkey, "EC") || curve_nid(pkey) != wanted)
        throw Error(context(algorithm) + ": the key is not an EC key on the algorithm's curve");
    // x and y as fixed-size integers: the encoded point could be compressed.
    auto x = bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, context(algorithm));
    auto y = bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, context(algorithm));
    const std::size_t size = ecdsa_component_size(algorithm);
    Wire field;
    field.reserve(2 * size);
    append_bn(field, x.get(), size);
    append_bn(field, y.get(), size);
    return field;
}

Wire eddsa_field(std::uint8_t algorithm, EVP_PKEY* pkey) {
    if (!EVP_PKEY_is_a(pkey, eddsa_key_type(algorithm)))
        throw Error(context(algorithm) + std::string(": the key is not an ") + eddsa_key_type(algorithm) + " key");
    Wire field(eddsa_key_size(algorithm), '\0');
    std::size_t size = field.size();
    if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(field.data()), &size) != 1 ||
        size != field.size())
        throw Error(ossl::with_errors(context(algorithm) + ": cannot read the raw public key"));
    return field;
}

void require_supported(std::uint8_t algorithm) {
    const auto* info = find_algorithm(algorithm);
    if (info == nullptr || !info->supported)
        throw Error(context(algorithm) + ": algorithm not supported");
}

}  // namespace

ossl::PkeyPtr pkey_from_dnskey_key(std::uint8_t algorithm, const Wire& public_key) {
    require_supported(algorithm);
    if (is_rsa(algorithm)) return rsa_pkey(algorithm, public_key);
    if (ecdsa_component_size(algorithm) != 0) return ecdsa_pkey(algorithm, public_key);
    return eddsa_pkey(algorithm, public_key);
}

Wire public_key_from_spki(std::uint8_t algorithm, const Bytes& spki_der) {
    require_supported(algorithm);
    const unsigned char* cursor = spki_der.data();
    ossl::PkeyPtr pkey(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(spki_der.size())));
    if (!pkey) throw Error(ossl::with_errors(context(algorithm) + ": SubjectPublicKeyInfo does not parse"));
    if (cursor != spki_der.data() + spki_der.size())
        throw Error(context(algorithm) + ": trailing bytes after the SubjectPublicKeyInfo");
    if (is_rsa(algorithm)) return rsa_field(algorithm, pkey.get());
    if (ecdsa_component_size(algorithm) != 0) return ecdsa_field(algorithm, pkey.get());
    return eddsa_field(algorithm, pkey.get());
}

Bytes spki_from_public_key(std::uint8_t algorithm, const Wire& public_key) {
    auto pkey = pkey_from_dnskey_key(algorithm, public_key);
    const int size = i2d_PUBKEY(pkey.get(), nullptr);
    if (size <= 0) throw Error(ossl::with_errors(context(algorithm) + ": cannot encode SubjectPublicKeyInfo"));
    Bytes der(static_cast<std::size_t>(size));
    unsigned char* out = der.data();
    i2d_PUBKEY(pkey.get(), &out);
    return der;
}

}  // namespace zs::zone
