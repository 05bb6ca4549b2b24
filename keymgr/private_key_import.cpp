#include "keymgr/private_key_import.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/secret.hpp"
#include "hsm/openssl_util.hpp"
#include "keymgr/algorithm_binding.hpp"
#include "keymgr/bind_key_file.hpp"
#include "keymgr/crash_point.hpp"
#include "keymgr/zone_keys.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::keymgr {

namespace {

using hsm::EvpPkeyCtxPtr;
using hsm::EvpPkeyPtr;
using hsm::with_openssl_errors;

struct BignumClearFree {
    void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
struct ParamBuildFree {
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct EcGroupFree {
    void operator()(EC_GROUP* p) const { EC_GROUP_free(p); }
};
struct EcPointFree {
    void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
using BignumPtr = std::unique_ptr<BIGNUM, BignumClearFree>;

// Bytes that are wiped when they go.
struct SecretBytes {
    Bytes bytes;
    ~SecretBytes() {
        if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
    }
};

[[noreturn]] void fail(const std::string& source, const std::string& what) { throw Error(source + ": " + what); }

SecretBytes base64_field(const BindPrivateKey& key, const std::string& name) {
    auto decoded = from_base64(key.field(name));
    if (!decoded || decoded->empty()) fail(key.file, "field " + name + " is not base64");
    SecretBytes out;
    out.bytes = std::move(*decoded);
    return out;
}

BignumPtr bignum(const Bytes& bytes) {
    BignumPtr n(BN_secure_new());
    if (!n || !BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), n.get()))
        throw Error(with_openssl_errors("cannot convert a key field to a number"));
    return n;
}

EvpPkeyPtr key_from_params(const std::string& source, const char* type, OSSL_PARAM_BLD* build) {
    std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(build));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEYPAIR, params.get()) != 1)
        fail(source, with_openssl_errors(std::string("the fields do not make an ") + type + " private key"));
    return EvpPkeyPtr(key);
}

EvpPkeyPtr rsa_from_bind(const BindPrivateKey& bind) {
    static const std::pair<const char*, const char*> kFields[] = {
        {"Modulus", OSSL_PKEY_PARAM_RSA_N},           {"PublicExponent", OSSL_PKEY_PARAM_RSA_E},
        {"PrivateExponent", OSSL_PKEY_PARAM_RSA_D},   {"Prime1", OSSL_PKEY_PARAM_RSA_FACTOR1},
        {"Prime2", OSSL_PKEY_PARAM_RSA_FACTOR2},      {"Exponent1", OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {"Exponent2", OSSL_PKEY_PARAM_RSA_EXPONENT2}, {"Coefficient", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    std::unique_ptr<OSSL_PARAM_BLD, ParamBuildFree> build(OSSL_PARAM_BLD_new());
    std::vector<BignumPtr> numbers;  // alive until the parameters are built
    for (const auto& [field, param] : kFields) {
        numbers.push_back(bignum(base64_field(bind, field).bytes));
        if (!build || OSSL_PARAM_BLD_push_BN(build.get(), param, numbers.back().get()) != 1)
            throw Error(with_openssl_errors("cannot build RSA parameters"));
    }
    return key_from_params(bind.file, "RSA", build.get());
}

// ECDSA: the private scalar; the public point is computed from it.
EvpPkeyPtr ec_from_scalar(const std::string& source, const Bytes& scalar, std::uint8_t algorithm) {
    const bool p256 = algorithm == zone::algorithm::ECDSAP256SHA256;
    const std::size_t size = p256 ? 32 : 48;
    if (scalar.size() != size)
        fail(source, "the private key has " + std::to_string(scalar.size()) + " octets, expected " +
                         std::to_string(size) + " for " + zone::algorithm_name(algorithm));
    std::unique_ptr<EC_GROUP, EcGroupFree> group(EC_GROUP_new_by_curve_name(p256 ? NID_X9_62_prime256v1 : NID_secp384r1));
    BignumPtr private_value = bignum(scalar);
    std::unique_ptr<EC_POINT, EcPointFree> point(group ? EC_POINT_new(group.get()) : nullptr);
    if (!point || EC_POINT_mul(group.get(), point.get(), private_value.get(), nullptr, nullptr, nullptr) != 1)
        throw Error(with_openssl_errors("cannot compute the public key"));
    Bytes encoded(1 + 2 * size);
    if (EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, encoded.data(), encoded.size(),
                           nullptr) != encoded.size())
        throw Error(with_openssl_errors("cannot encode the public key"));
    std::unique_ptr<OSSL_PARAM_BLD, ParamBuildFree> build(OSSL_PARAM_BLD_new());
    if (!build ||
        OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, p256 ? "P-256" : "P-384", 0) != 1 ||
        OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_PRIV_KEY, private_value.get()) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, encoded.data(), encoded.size()) != 1)
        throw Error(with_openssl_errors("cannot build EC parameters"));
    return key_from_params(source, "EC", build.get());
}

EvpPkeyPtr eddsa_from_raw(const std::string& source, const Bytes& raw, std::uint8_t algorithm) {
    const bool ed25519 = algorithm == zone::algorithm::ED25519;
    const std::size_t size = ed25519 ? 32 : 57;
    if (raw.size() != size)
        fail(source, "the private key has " + std::to_string(raw.size()) + " octets, expected " +
                         std::to_string(size) + " for " + zone::algorithm_name(algorithm));
    EvpPkeyPtr key(EVP_PKEY_new_raw_private_key(ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448, nullptr, raw.data(),
                                                raw.size()));
    if (!key) fail(source, with_openssl_errors("not a valid " + zone::algorithm_name(algorithm) + " private key"));
    return key;
}

// The key type an algorithm needs, for the comparison with the key's.
hsm::KeyType needed_type(const std::string& source, std::uint8_t algorithm) {
    try {
        return key_spec_for(algorithm, 2048).type;
    } catch (const Error& e) {
        fail(source, e.what());
    }
}

std::optional<hsm::KeyType> type_of(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA")) return hsm::KeyType::Rsa;
    if (EVP_PKEY_is_a(key, "ED25519")) return hsm::KeyType::Ed25519;
    if (EVP_PKEY_is_a(key, "ED448")) return hsm::KeyType::Ed448;
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        std::size_t length = 0;
        if (EVP_PKEY_get_group_name(key, group, sizeof group, &length) != 1) return std::nullopt;
        int nid = OBJ_txt2nid(group);
        if (nid == NID_undef) nid = EC_curve_nist2nid(group);
        if (nid == NID_X9_62_prime256v1) return hsm::KeyType::EcP256;
        if (nid == NID_secp384r1) return hsm::KeyType::EcP384;
    }
    return std::nullopt;
}

// Checks the key and encodes it for the signer.
PrivateKeyToImport finish(const std::string& source, EVP_PKEY* key, std::uint8_t algorithm) {
    auto type = type_of(key);
    if (!type) fail(source, "unsupported key type (supported: RSA, EC P-256, EC P-384, Ed25519, Ed448)");
    if (*type != needed_type(source, algorithm))
        fail(source, "a " + hsm::to_string(*type) + " key cannot be a " + zone::algorithm_name(algorithm) + " key");
    EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!check || EVP_PKEY_pairwise_check(check.get()) != 1)
        fail(source, with_openssl_errors("the private key fails its consistency check"));

    PrivateKeyToImport out;
    out.source = source;
    out.algorithm = algorithm;
    PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key);
    if (!info) fail(source, with_openssl_errors("cannot encode the private key as PKCS#8"));
    const int size = i2d_PKCS8_PRIV_KEY_INFO(info, nullptr);
    if (size > 0) {
        out.pkcs8_der.resize(static_cast<std::size_t>(size));
        unsigned char* cursor = out.pkcs8_der.data();
        i2d_PKCS8_PRIV_KEY_INFO(info, &cursor);
    }
    PKCS8_PRIV_KEY_INFO_free(info);
    if (size <= 0) fail(source, with_openssl_errors("cannot encode the private key as PKCS#8"));

    const int public_size = i2d_PUBKEY(key, nullptr);
    if (public_size <= 0) fail(source, with_openssl_errors("cannot encode the public key"));
    out.public_key_info.resize(static_cast<std::size_t>(public_size));
    unsigned char* cursor = out.public_key_info.data();
    i2d_PUBKEY(key, &cursor);
    return out;
}

int refuse_passphrase(char*, int, int, void*) { return 0; }

std::string describe(const KeyRecord& k) {
    return to_string(k.role) + " " + std::to_string(k.key_tag) + " (" + zone::algorithm_name(k.algorithm) + ")";
}

}  // namespace

PrivateKeyToImport::~PrivateKeyToImport() {
    if (!pkcs8_der.empty()) OPENSSL_cleanse(pkcs8_der.data(), pkcs8_der.size());
}

PrivateKeyToImport read_bind_key_for_import(const std::string& private_path, std::optional<std::uint8_t> algorithm) {
    const BindPrivateKey bind = read_bind_private_key(private_path);
    if (algorithm && *algorithm != bind.algorithm)
        fail(private_path, "the key is " + zone::algorithm_name(bind.algorithm) + ", not " +
                               zone::algorithm_name(*algorithm));
    EvpPkeyPtr key;
    switch (bind.algorithm) {
        case zone::algorithm::RSASHA256:
        case zone::algorithm::RSASHA512: key = rsa_from_bind(bind); break;
        case zone::algorithm::ECDSAP256SHA256:
        case zone::algorithm::ECDSAP384SHA384:
            key = ec_from_scalar(private_path, base64_field(bind, "PrivateKey").bytes, bind.algorithm);
            break;
        case zone::algorithm::ED25519:
        case zone::algorithm::ED448:
            key = eddsa_from_raw(private_path, base64_field(bind, "PrivateKey").bytes, bind.algorithm);
            break;
        default:
            fail(private_path, "algorithm " + zone::algorithm_name(bind.algorithm) + " is not supported for signing");
    }
    PrivateKeyToImport out = finish(private_path, key.get(), bind.algorithm);
    const std::string public_path = bind_public_key_path(private_path);
    if (!public_path.empty() && file_exists(public_path)) {
        const BindPublicKey published = read_bind_public_key(public_path);
        out.published_owner = published.owner;
        out.published_dnskey = published.dnskey_rdata;
        out.source = private_path + " (with " + public_path + ")";
    }
    return out;
}

PrivateKeyToImport read_pem_key_for_import(const std::string& path, std::optional<std::uint8_t> algorithm) {
    const Secret text(read_file(path));
    hsm::BioPtr bio(BIO_new_mem_buf(text.reveal().data(), static_cast<int>(text.reveal().size())));
    if (!bio) throw Error(with_openssl_errors("cannot allocate BIO"));
    EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr));
    if (!key) fail(path, with_openssl_errors("not an unencrypted PEM private key"));
    auto type = type_of(key.get());
    if (!type) fail(path, "unsupported key type (supported: RSA, EC P-256, EC P-384, Ed25519, Ed448)");
    std::uint8_t chosen = zone::algorithm::RSASHA256;
    switch (*type) {
        case hsm::KeyType::Rsa: chosen = algorithm.value_or(zone::algorithm::RSASHA256); break;
        case hsm::KeyType::EcP256: chosen = zone::algorithm::ECDSAP256SHA256; break;
        case hsm::KeyType::EcP384: chosen = zone::algorithm::ECDSAP384SHA384; break;
        case hsm::KeyType::Ed25519: chosen = zone::algorithm::ED25519; break;
        case hsm::KeyType::Ed448: chosen = zone::algorithm::ED448; break;
    }
    if (algorithm && *algorithm != chosen)
        fail(path, "a " + hsm::to_string(*type) + " key cannot be a " + zone::algorithm_name(*algorithm) + " key");
    return finish(path, key.get(), chosen);
}

KeyRecord import_zone_key(KeyDb& db, hsm::Signer& signer, const std::string& zone, KeyRole role,
                          const PrivateKeyToImport& key, ImportedState state, UnixTime now) {
    namespace flags = zone::dnskey_flags;
    if (key.published_owner && *key.published_owner != zone)
        fail(key.source, "the key is for zone " + *key.published_owner + ", not " + zone);
    const std::uint16_t role_flags = role == KeyRole::Zsk ? flags::ZSK : flags::KSK;
    const zone::Wire public_key = zone::public_key_from_spki(key.algorithm, key.public_key_info);
    const zone::Wire dnskey = zone::make_dnskey_rdata(role_flags, key.algorithm, public_key);
    if (key.published_dnskey) {
        const zone::Wire& published = *key.published_dnskey;
        const std::uint16_t published_flags = zone::dnskey_flags_of(published);
        if (zone::dnskey_algorithm_of(published) != key.algorithm || zone::dnskey_public_key_of(published) != public_key)
            fail(key.source, "the DNSKEY of the .key file is not the public half of the private key");
        if (published_flags & flags::REVOKE) fail(key.source, "the key is revoked (flags " + std::to_string(published_flags) + ")");
        if (published_flags != role_flags)
            fail(key.source, "the DNSKEY has flags " + std::to_string(published_flags) + " (" +
                                 ((published_flags & flags::SEP) ? "KSK" : "ZSK") + "), but a " + to_string(role) +
                                 " has flags " + std::to_string(role_flags) +
                                 ": choose the --role that keeps the published DNSKEY");
    }
    const std::uint16_t tag = zone::key_tag(dnskey);
    for (const auto& k : db.list(zone)) {
        if (zone::dnskey_public_key_of(k.dnskey_rdata) == public_key)
            fail(key.source, "zone " + zone + " has this key already: " + describe(k));
        if (k.key_tag == tag)
            fail(key.source, "its key tag " + std::to_string(tag) + " is the tag of " + describe(k) + " of zone " +
                                 zone + " (two keys with one tag are refused)");
    }

    const hsm::KeyId id = new_key_id(signer);
    KeyDb::Transaction tx(db);
    signer.import_key(id, key.pkcs8_der, zone + " " + to_string(role) + " " + std::to_string(tag));
    KeyRecord k;
    try {
        k.zone = zone;
        k.role = role;
        k.algorithm = key.algorithm;
        k.key_tag = tag;
        k.flags = role_flags;
        k.signer = signer.name();
        k.native_id = id;
        k.dnskey_rdata = dnskey;
        k.created = now;
        k.id = db.add(k);
        k.bits = key_bits_of(k.algorithm, dnskey);
        if (state == ImportedState::Active) db.save_state(in_service_state(k, now));
        db.append_audit(now, zone, k.id, "import",
                        describe(k) + " from " + key.source + " into signer " + signer.name() + " id " + id +
                            (state == ImportedState::Active ? "; in service (every record of its role omnipresent)"
                                                            : "; new (every record hidden)"));
        tx.commit();
    } catch (...) {
        try {
            signer.delete_key(id);
        } catch (const std::exception&) {
            // The first error is the one to report.
        }
        throw;
    }
    crash_point_after_commit();
    return *db.find_key(k.id);
}

}  // namespace zs::keymgr
