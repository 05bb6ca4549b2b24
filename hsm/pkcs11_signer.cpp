// Which path each operation takes, and why.
//
// Every operation calls the module's own Cryptoki functions, reached through
// its C_GetFunctionList (pkcs11_module.cpp); libp11 is not used at all.
// libp11 0.4.12 (Debian 12) cannot generate EC or EdDSA key pairs nor sign
// with EdDSA, and cannot even enumerate the keys of a token that holds any
// Ed25519 key ("Unable to enumerate private keys"): a signer built on it
// would break on tokens shared with other applications. The direct calls:
//
//   open           C_GetSlotList/C_GetSlotInfo/C_GetTokenInfo (find the
//                  token), C_OpenSession, C_GetSessionInfo, C_Login (once)
//   generate_key   C_FindObjects (CKA_ID unused?), C_GenerateKeyPair with
//                  CKM_RSA_PKCS_KEY_PAIR_GEN / CKM_EC_KEY_PAIR_GEN /
//                  CKM_EC_EDWARDS_KEY_PAIR_GEN
//   public_key     C_GetAttributeValue of the public key object (modulus
//                  and exponent, or curve and point); the SPKI is built on
//                  the host with OpenSSL
//   sign           hash on the host with OpenSSL, then C_SignInit + C_Sign:
//                  CKM_RSA_PKCS on the DigestInfo, CKM_ECDSA on the digest
//                  (the token returns r|s), CKM_EDDSA on the message
//   import_key     C_CreateObject of the private and the public key object
//                  from the parts of a PKCS#8 key (pkcs11_key_import.hpp)
//   has/list/delete C_FindObjects, C_GetAttributeValue, C_DestroyObject
//   random_bytes   C_GenerateRandom
#include "hsm/pkcs11_signer.hpp"

#include <algorithm>

#include "hsm/openssl_util.hpp"
#include "hsm/pkcs11_key_format.hpp"
#include "hsm/pkcs11_key_import.hpp"
#include "hsm/pkcs11_module.hpp"
#include "hsm/pkcs11_session_pool.hpp"

namespace zs::hsm {

using pkcs11::attr;
using pkcs11::check;
using Lease = pkcs11::SessionPool::Lease;

namespace {

constexpr unsigned kMinRsaBits = 1024;
constexpr unsigned kMaxRsaBits = 4096;
const CK_BBOOL kTrue = CK_TRUE;
const CK_BBOOL kFalse = CK_FALSE;

// Runs body with errors turned into SignerErrors carrying signer, operation
// and key id (and the CK_RV for failed Cryptoki calls).
template <class Body>
auto with_signer_context(const std::string& signer, const std::string& operation, const KeyId& id, Body&& body)
    -> decltype(body()) {
    try {
        return body();
    } catch (const SignerError&) {
        throw;
    } catch (const pkcs11::CallError& e) {
        throw Pkcs11Error(signer, operation, id, e.what(), e.rv());
    } catch (const Error& e) {
        throw SignerError(signer, operation, id, e.what());
    }
}

// The CKA_ID bytes of a key id (hex text).
Bytes object_id(const KeyId& id) {
    auto bytes = from_hex(id);
    if (!bytes || bytes->empty()) throw Error("key id must be hex digits (the CKA_ID), got '" + id + "'");
    return *bytes;
}

// What kind of key an object is, from its attributes.
struct KeyDescription {
    std::optional<KeyType> type;
    std::string text;
    std::size_t rsa_modulus_size = 0;
};

KeyDescription describe_key(pkcs11::Session& session, CK_OBJECT_HANDLE object) {
    KeyDescription d;
    auto key_type = session.ulong_attribute(object, CKA_KEY_TYPE);
    if (!key_type) return d;
    if (*key_type == CKK_RSA) {
        d.type = KeyType::Rsa;
        if (auto modulus = session.attribute(object, CKA_MODULUS)) d.rsa_modulus_size = modulus->size();
        d.text = "RSA";
        if (d.rsa_modulus_size) d.text += " " + std::to_string(d.rsa_modulus_size * 8);
        return d;
    }
    if (*key_type == CKK_EC || *key_type == CKK_EC_EDWARDS) {
        auto params = session.attribute(object, CKA_EC_PARAMS);
        if (params) d.type = pkcs11::key_type_from_ec_params(*params);
        d.text = d.type ? to_string(*d.type) : (*key_type == CKK_EC ? "EC (other curve)" : "EdDSA (other curve)");
        return d;
    }
    switch (*key_type) {
        case CKK_DSA: d.text = "CKK_DSA"; break;
        case CKK_DH: d.text = "CKK_DH"; break;
        case CKK_AES: d.text = "CKK_AES"; break;
        case CKK_GENERIC_SECRET: d.text = "CKK_GENERIC_SECRET"; break;
        default: d.text = "CKK_0x" + to_hex(&*key_type, sizeof *key_type); break;
    }
    return d;
}

// The SubjectPublicKeyInfo from a key object's public attributes. Works on
// public key objects, and on RSA private keys (modulus and exponent are not
// sensitive) and keys carrying CKA_PUBLIC_KEY_INFO; nullopt otherwise.
std::optional<Bytes> public_key_info_of(pkcs11::Session& session, CK_OBJECT_HANDLE object) {
    KeyDescription key = describe_key(session, object);
    if (key.type == KeyType::Rsa) {
        auto modulus = session.attribute(object, CKA_MODULUS);
        auto exponent = session.attribute(object, CKA_PUBLIC_EXPONENT);
        if (modulus && exponent) return pkcs11::rsa_public_key_info(*modulus, *exponent);
    } else if (key.type) {
        if (auto point = session.attribute(object, CKA_EC_POINT))
            return pkcs11::ec_public_key_info(
                *key.type, pkcs11::ec_point_from_attribute(*point, pkcs11::ec_point_size(*key.type)));
    }
    auto info = session.attribute(object, CKA_PUBLIC_KEY_INFO);
    if (info && !info->empty()) return info;
    if (!key.type) throw Error("unsupported key type " + key.text);
    return std::nullopt;
}

std::vector<CK_ATTRIBUTE> id_match(const CK_OBJECT_CLASS& object_class, const Bytes& id) {
    return {attr(CKA_CLASS, object_class), attr(CKA_ID, id)};
}

const CK_OBJECT_CLASS kPrivateKeyClass = CKO_PRIVATE_KEY;
const CK_OBJECT_CLASS kPublicKeyClass = CKO_PUBLIC_KEY;

// Signs with one key. Everything fixed per key is prepared once: the
// mechanism, the digest (fetched once), the DigestInfo prefix, the signature
// size. Each sign() hashes on the host and borrows a session for the token's
// C_SignInit + C_Sign.
class TokenSigningContext : public SigningContext {
public:
    TokenSigningContext(std::shared_ptr<pkcs11::SessionPool> pool, std::string signer, KeyId id, Bytes object_id,
                        SignScheme scheme, std::size_t signature_size)
        : pool_(std::move(pool)),
          signer_(std::move(signer)),
          id_(std::move(id)),
          object_id_(std::move(object_id)),
          signature_size_(signature_size) {
        const char* digest = nullptr;
        switch (scheme) {
            case SignScheme::RsaPkcs1Sha256: mechanism_ = CKM_RSA_PKCS; digest = "SHA2-256"; break;
            case SignScheme::RsaPkcs1Sha512: mechanism_ = CKM_RSA_PKCS; digest = "SHA2-512"; break;
            case SignScheme::EcdsaSha256: mechanism_ = CKM_ECDSA; digest = "SHA2-256"; break;
            case SignScheme::EcdsaSha384: mechanism_ = CKM_ECDSA; digest = "SHA2-384"; break;
            case SignScheme::Ed25519:
            case SignScheme::Ed448: mechanism_ = CKM_EDDSA; break;  // PureEdDSA: no host hashing
        }
        if (digest) {
            md_.reset(EVP_MD_fetch(nullptr, digest, nullptr));
            hash_ctx_.reset(EVP_MD_CTX_new());
            if (!md_ || !hash_ctx_) fail(with_openssl_errors(std::string("cannot prepare digest ") + digest));
            input_ = pkcs11::digest_info_prefix(scheme);
            prefix_size_ = input_.size();
            input_.resize(prefix_size_ + static_cast<std::size_t>(EVP_MD_get_size(md_.get())));
        }
    }

    Bytes sign(const void* data, std::size_t size) override {
        static const unsigned char kEmpty = 0;
        const unsigned char* message = size == 0 ? &kEmpty : static_cast<const unsigned char*>(data);
        std::size_t message_size = size;
        if (md_) {
            unsigned int digest_size = 0;
            if (EVP_DigestInit_ex2(hash_ctx_.get(), md_.get(), nullptr) != 1 ||
                EVP_DigestUpdate(hash_ctx_.get(), data, size) != 1 ||
                EVP_DigestFinal_ex(hash_ctx_.get(), input_.data() + prefix_size_, &digest_size) != 1)
                fail(with_openssl_errors("hashing failed"));
            message = input_.data();
            message_size = input_.size();
        }
        Bytes signature = with_signer_context(signer_, "sign", id_, [&] {
            return pool_->run([&](Lease& lease) {
                CK_OBJECT_HANDLE key = lease.private_key(object_id_);
                CK_MECHANISM mechanism{mechanism_, nullptr, 0};
                check(lease.api().C_SignInit(lease.handle(), &mechanism, key), "C_SignInit");
                Bytes out(signature_size_);
                CK_ULONG out_size = out.size();
                check(lease.api().C_Sign(lease.handle(), const_cast<unsigned char*>(message),
                                         static_cast<CK_ULONG>(message_size), out.data(), &out_size),
                      "C_Sign");
                out.resize(out_size);
                return out;
            });
        });
        // CKM_ECDSA gives r|s, each the size of the curve's order: what the
        // interface promises. Anything else would be a token bug.
        if (signature.size() != signature_size_)
            fail("token returned a signature of " + std::to_string(signature.size()) + " bytes, expected " +
                 std::to_string(signature_size_));
        return signature;
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw SignerError(signer_, "sign", id_, what); }

    std::shared_ptr<pkcs11::SessionPool> pool_;
    std::string signer_;
    KeyId id_;
    Bytes object_id_;
    std::size_t signature_size_;
    CK_MECHANISM_TYPE mechanism_ = CKM_EDDSA;
    EvpMdPtr md_;  // null for EdDSA
    EvpMdCtxPtr hash_ctx_;
    Bytes input_;  // DigestInfo prefix (RSA) + digest
    std::size_t prefix_size_ = 0;
};

std::size_t signature_size(KeyType type, std::size_t rsa_modulus_size) {
    switch (type) {
        case KeyType::Rsa: return rsa_modulus_size;
        case KeyType::EcP256: return 64;
        case KeyType::EcP384: return 96;
        case KeyType::Ed25519: return 64;
        case KeyType::Ed448: return 114;
    }
    return 0;
}

}  // namespace

Pkcs11Signer::Pkcs11Signer(std::string name, Pkcs11Options options)
    : name_(std::move(name)), module_path_(options.module_path) {
    with_signer_context(name_, "open", "", [&] {
        const int ways = !options.token_label.empty() + options.slot.has_value() + !options.uri.empty();
        if (ways != 1) throw Error("name the token in exactly one way: token label, slot, or pkcs11: URI");
        TokenMatch match = !options.token_label.empty() ? match_label(options.token_label)
                           : options.slot            ? match_slot(*options.slot)
                                                     : parse_pkcs11_uri(options.uri);
        auto module = pkcs11::Module::load(module_path_);
        SlotInfo token = select_token(describe_slots(*module), match, module_path_);
        if (token.user_pin_locked)
            throw Error("token '" + token.token_label +
                        "': PIN locked (CKF_USER_PIN_LOCKED); unlock it with the SO PIN");
        pkcs11::RetryPolicy retry;
        retry.time_limit = options.retry_time_limit;
        retry.first_delay = options.first_retry_delay;
        pool_ = std::make_shared<pkcs11::SessionPool>(std::move(module), std::move(token), std::move(options.pin),
                                                      options.max_sessions, retry);
    });
    // Log in now, so that a wrong or locked PIN is reported before anything
    // is signed or written.
    with_signer_context(name_, "log in to token '" + pool_->token().token_label + "'", "",
                        [&] { pool_->run([](Lease&) {}); });
}

Pkcs11Signer::~Pkcs11Signer() = default;

void Pkcs11Signer::generate_key(const KeyId& id, const KeySpec& spec, const std::string& label) {
    with_signer_context(name_, "generate", id, [&] {
        const Bytes object = object_id(id);
        if (spec.type == KeyType::Ed448)
            throw Error("Ed448 keys are not supported by the PKCS#11 signer (SoftHSMv2 and most HSMs lack them)");
        if (spec.type == KeyType::Rsa && (spec.rsa_bits < kMinRsaBits || spec.rsa_bits > kMaxRsaBits))
            throw Error("RSA key size " + std::to_string(spec.rsa_bits) + " is outside " +
                        std::to_string(kMinRsaBits) + ".." + std::to_string(kMaxRsaBits));

        const CK_ULONG modulus_bits = spec.rsa_bits;
        const Bytes public_exponent = {0x01, 0x00, 0x01};  // 65537
        const Bytes ec_params = spec.type == KeyType::Rsa ? Bytes{} : pkcs11::ec_params_for(spec.type);
        CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
        if (spec.type == KeyType::Rsa) mechanism.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
        if (spec.type == KeyType::Ed25519) mechanism.mechanism = CKM_EC_EDWARDS_KEY_PAIR_GEN;

        // The public half stays on the token too, so public_key() can read it.
        std::vector<CK_ATTRIBUTE> public_template = {
            attr(CKA_TOKEN, kTrue), attr(CKA_PRIVATE, kFalse), attr(CKA_VERIFY, kTrue),
            attr(CKA_ID, object),   attr(CKA_LABEL, label),
        };
        // The private half never leaves the token, and only signs.
        std::vector<CK_ATTRIBUTE> private_template = {
            attr(CKA_TOKEN, kTrue),       attr(CKA_PRIVATE, kTrue), attr(CKA_SENSITIVE, kTrue),
            attr(CKA_EXTRACTABLE, kFalse), attr(CKA_SIGN, kTrue),   attr(CKA_ID, object),
            attr(CKA_LABEL, label),
        };
        if (spec.type == KeyType::Rsa) {
            public_template.push_back(attr(CKA_MODULUS_BITS, modulus_bits));
            public_template.push_back(attr(CKA_PUBLIC_EXPONENT, public_exponent));
            public_template.push_back(attr(CKA_ENCRYPT, kFalse));
            public_template.push_back(attr(CKA_WRAP, kFalse));
            private_template.push_back(attr(CKA_DECRYPT, kFalse));
            private_template.push_back(attr(CKA_UNWRAP, kFalse));
        } else {
            public_template.push_back(attr(CKA_EC_PARAMS, ec_params));
            private_template.push_back(attr(CKA_DERIVE, kFalse));
        }

        bool attempted = false;
        pool_->run([&](Lease& lease) {
            // Tokens accept duplicate CKA_IDs; two keys under one id would make
            // every later lookup ambiguous.
            if (!lease.session().find({attr(CKA_ID, object)}).empty())
                throw Error(attempted ? "key id already exists on the token (the attempt cut off by a fault may "
                                        "have created it)"
                                      : "key id already exists on the token");
            attempted = true;
            CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
            CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
            check(lease.api().C_GenerateKeyPair(lease.handle(), &mechanism, public_template.data(),
                                                static_cast<CK_ULONG>(public_template.size()),
                                                private_template.data(),
                                                static_cast<CK_ULONG>(private_template.size()), &public_key,
                                                &private_key),
                  "C_GenerateKeyPair");
        });
    });
}

void Pkcs11Signer::import_key(const KeyId& id, const Bytes& pkcs8_der, const std::string& label) {
    with_signer_context(name_, "import", id, [&] {
        const Bytes object = object_id(id);
        pkcs11::PrivateKeyParts parts;
        pkcs11::read_private_key_parts(pkcs8_der, parts);
        if (parts.type == KeyType::Rsa) {
            const std::size_t bits = parts.modulus.size() * 8;
            if (bits < kMinRsaBits || bits > kMaxRsaBits)
                throw Error("RSA key size " + std::to_string(bits) + " is outside " + std::to_string(kMinRsaBits) +
                            ".." + std::to_string(kMaxRsaBits));
        }
        const CK_KEY_TYPE key_type = parts.type == KeyType::Rsa       ? CKK_RSA
                                     : parts.type == KeyType::Ed25519 ? CKK_EC_EDWARDS
                                                                      : CKK_EC;
        const Bytes ec_params = parts.type == KeyType::Rsa ? Bytes{} : pkcs11::ec_params_for(parts.type);
        const Bytes ec_point = parts.type == KeyType::Rsa ? Bytes{} : pkcs11::ec_point_attribute(parts.point);

        std::vector<CK_ATTRIBUTE> public_template = {
            attr(CKA_CLASS, kPublicKeyClass), attr(CKA_KEY_TYPE, key_type), attr(CKA_TOKEN, kTrue),
            attr(CKA_PRIVATE, kFalse),        attr(CKA_VERIFY, kTrue),      attr(CKA_ID, object),
            attr(CKA_LABEL, label),
        };
        // As for generated keys: never leaves the token, and only signs.
        std::vector<CK_ATTRIBUTE> private_template = {
            attr(CKA_CLASS, kPrivateKeyClass), attr(CKA_KEY_TYPE, key_type),     attr(CKA_TOKEN, kTrue),
            attr(CKA_PRIVATE, kTrue),          attr(CKA_SENSITIVE, kTrue),       attr(CKA_EXTRACTABLE, kFalse),
            attr(CKA_SIGN, kTrue),             attr(CKA_ID, object),             attr(CKA_LABEL, label),
        };
        if (parts.type == KeyType::Rsa) {
            public_template.push_back(attr(CKA_MODULUS, parts.modulus));
            public_template.push_back(attr(CKA_PUBLIC_EXPONENT, parts.public_exponent));
            public_template.push_back(attr(CKA_ENCRYPT, kFalse));
            public_template.push_back(attr(CKA_WRAP, kFalse));
            for (const auto& [type, value] :
                 {std::pair{CKA_MODULUS, &parts.modulus}, {CKA_PUBLIC_EXPONENT, &parts.public_exponent},
                  {CKA_PRIVATE_EXPONENT, &parts.private_exponent}, {CKA_PRIME_1, &parts.prime1},
                  {CKA_PRIME_2, &parts.prime2}, {CKA_EXPONENT_1, &parts.exponent1},
                  {CKA_EXPONENT_2, &parts.exponent2}, {CKA_COEFFICIENT, &parts.coefficient}})
                private_template.push_back(attr(type, *value));
            private_template.push_back(attr(CKA_DECRYPT, kFalse));
            private_template.push_back(attr(CKA_UNWRAP, kFalse));
        } else {
            public_template.push_back(attr(CKA_EC_PARAMS, ec_params));
            public_template.push_back(attr(CKA_EC_POINT, ec_point));
            private_template.push_back(attr(CKA_EC_PARAMS, ec_params));
            private_template.push_back(attr(CKA_VALUE, parts.value));
            private_template.push_back(attr(CKA_DERIVE, kFalse));
        }

        bool attempted = false;
        pool_->run([&](Lease& lease) {
            if (!lease.session().find({attr(CKA_ID, object)}).empty())
                throw Error(attempted ? "key id already exists on the token (the attempt cut off by a fault may "
                                        "have created it)"
                                      : "key id already exists on the token");
            attempted = true;
            CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
            check(lease.api().C_CreateObject(lease.handle(), private_template.data(),
                                             static_cast<CK_ULONG>(private_template.size()), &private_key),
                  "C_CreateObject (private key)");
            CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
            CK_RV rv = lease.api().C_CreateObject(lease.handle(), public_template.data(),
                                                  static_cast<CK_ULONG>(public_template.size()), &public_key);
            if (rv != CKR_OK) {
                // Half a key pair would be found by has_key but have no public key.
                lease.api().C_DestroyObject(lease.handle(), private_key);
                check(rv, "C_CreateObject (public key)");
            }
        });
    });
}

bool Pkcs11Signer::has_key(const KeyId& id) {
    return with_signer_context(name_, "look up", id, [&] {
        const Bytes object = object_id(id);
        return pool_->run(
            [&](Lease& lease) { return !lease.session().find(id_match(kPrivateKeyClass, object)).empty(); });
    });
}

Bytes Pkcs11Signer::public_key(const KeyId& id) {
    return with_signer_context(name_, "read public key of", id, [&] {
        const Bytes object = object_id(id);
        return pool_->run([&](Lease& lease) {
            auto public_objects = lease.session().find(id_match(kPublicKeyClass, object));
            if (public_objects.size() > 1)
                throw Error(std::to_string(public_objects.size()) + " public keys on the token share this CKA_ID");
            if (public_objects.size() == 1) {
                if (auto info = public_key_info_of(lease.session(), public_objects.front())) return *info;
                throw Error("the public key object lacks its key attributes");
            }
            // No public object (another application may keep only the
            // private one): RSA private keys still carry the public part.
            if (auto info = public_key_info_of(lease.session(), lease.private_key(object))) return *info;
            throw Error("no public key object with this CKA_ID on the token");
        });
    });
}

std::unique_ptr<SigningContext> Pkcs11Signer::open_signing(const KeyId& id, SignScheme scheme) {
    return with_signer_context(name_, "open", id, [&]() -> std::unique_ptr<SigningContext> {
        const Bytes object = object_id(id);
        KeyDescription key =
            pool_->run([&](Lease& lease) { return describe_key(lease.session(), lease.private_key(object)); });
        if (!key.type) throw Error("unsupported key type " + key.text);
        if (!scheme_fits(*key.type, scheme))
            throw Error("scheme " + to_string(scheme) + " does not fit a " + key.text + " key");
        if (*key.type == KeyType::Rsa && key.rsa_modulus_size == 0) throw Error("RSA key without a readable modulus");
        return std::make_unique<TokenSigningContext>(pool_, name_, id, object, scheme,
                                                     signature_size(*key.type, key.rsa_modulus_size));
    });
}

void Pkcs11Signer::set_label(const KeyId& id, const std::string& label) {
    with_signer_context(name_, "set label", id, [&] {
        const Bytes object = object_id(id);
        pool_->run([&](Lease& lease) {
            const auto objects = lease.session().find({attr(CKA_ID, object)});
            if (objects.empty()) throw Error("no such key on the token");
            CK_ATTRIBUTE value = attr(CKA_LABEL, label.data(), label.size());
            for (CK_OBJECT_HANDLE o : objects)
                check(lease.api().C_SetAttributeValue(lease.handle(), o, &value, 1), "C_SetAttributeValue");
        });
    });
}

void Pkcs11Signer::delete_key(const KeyId& id) {
    with_signer_context(name_, "delete", id, [&] {
        const Bytes object = object_id(id);
        bool attempted = false;
        pool_->run([&](Lease& lease) {
            auto objects = lease.session().find(id_match(kPrivateKeyClass, object));
            auto public_objects = lease.session().find(id_match(kPublicKeyClass, object));
            objects.insert(objects.end(), public_objects.begin(), public_objects.end());
            // After a fault cut off an attempt, the objects may be gone already.
            if (objects.empty() && !attempted) throw Error("no such key");
            attempted = true;
            lease.forget_keys();
            for (CK_OBJECT_HANDLE handle : objects)
                check(lease.api().C_DestroyObject(lease.handle(), handle), "C_DestroyObject");
        });
    });
}

std::vector<KeyId> Pkcs11Signer::list_keys() {
    return with_signer_context(name_, "list keys", "", [&] {
        return pool_->run([&](Lease& lease) {
            std::vector<KeyId> ids;
            for (CK_OBJECT_HANDLE handle : lease.session().find({attr(CKA_CLASS, kPrivateKeyClass)})) {
                auto id = lease.session().attribute(handle, CKA_ID);
                if (id && !id->empty()) ids.push_back(to_hex(*id));
            }
            std::sort(ids.begin(), ids.end());
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
            return ids;
        });
    });
}

std::vector<TokenObject> Pkcs11Signer::list_objects() {
    return with_signer_context(name_, "list objects", "", [&] {
        return pool_->run([&](Lease& lease) {
            pkcs11::Session& session = lease.session();
            std::vector<TokenObject> objects;
            for (CK_OBJECT_HANDLE handle : session.find({})) {
                TokenObject o;
                if (auto id = session.attribute(handle, CKA_ID)) o.id = to_hex(*id);
                if (auto label = session.attribute(handle, CKA_LABEL)) o.label.assign(label->begin(), label->end());
                auto object_class = session.ulong_attribute(handle, CKA_CLASS);
                if (object_class == CKO_PRIVATE_KEY) o.object_class = TokenObject::Class::PrivateKey;
                if (object_class == CKO_PUBLIC_KEY) o.object_class = TokenObject::Class::PublicKey;
                const bool is_key = object_class == CKO_PRIVATE_KEY || object_class == CKO_PUBLIC_KEY ||
                                    object_class == CKO_SECRET_KEY;
                if (is_key) {
                    KeyDescription key = describe_key(session, handle);
                    o.key_type = key.type;
                    o.key_type_text = key.text;
                }
                if (o.object_class == TokenObject::Class::PrivateKey) {
                    o.sensitive = session.bool_attribute(handle, CKA_SENSITIVE);
                    o.extractable = session.bool_attribute(handle, CKA_EXTRACTABLE);
                    o.always_sensitive = session.bool_attribute(handle, CKA_ALWAYS_SENSITIVE);
                    o.never_extractable = session.bool_attribute(handle, CKA_NEVER_EXTRACTABLE);
                }
                objects.push_back(std::move(o));
            }
            std::stable_sort(objects.begin(), objects.end(), [](const TokenObject& a, const TokenObject& b) {
                return std::tie(a.id, a.object_class) < std::tie(b.id, b.object_class);
            });
            return objects;
        });
    });
}

Bytes Pkcs11Signer::random_bytes(std::size_t count) {
    return with_signer_context(name_, "random_bytes", "", [&] {
        const SlotInfo token = pool_->token();
        if (!token.has_rng)
            throw NoRandomError(name_, "random_bytes", "",
                                "token '" + token.token_label + "' has no random number generator (no CKF_RNG)");
        Bytes out(count);
        if (count == 0) return out;
        pool_->run([&](Lease& lease) {
            CK_RV rv = lease.api().C_GenerateRandom(lease.handle(), out.data(), static_cast<CK_ULONG>(count));
            if (rv == CKR_RANDOM_NO_RNG || rv == CKR_FUNCTION_NOT_SUPPORTED)
                throw NoRandomError(name_, "random_bytes", "",
                                    "token '" + token.token_label + "' has no random number generator (" +
                                        pkcs11::rv_name(rv) + ")");
            check(rv, "C_GenerateRandom");
        });
        return out;
    });
}

SlotInfo Pkcs11Signer::token() const { return pool_->token(); }

Pkcs11Stats Pkcs11Signer::stats() const {
    pkcs11::PoolStats pool = pool_->stats();
    Pkcs11Stats s;
    s.login_calls = pool.login_calls;
    s.sessions_opened = pool.sessions_opened;
    s.peak_sessions_open = pool.peak_sessions_open;
    s.retries = pool.retries;
    return s;
}

std::vector<SlotInfo> Pkcs11Signer::list_slots(const std::string& module_path) {
    try {
        auto module = pkcs11::Module::load(module_path);
        return describe_slots(*module);
    } catch (const pkcs11::CallError& e) {
        throw Error("PKCS#11 module " + module_path + ": " + e.what());
    }
}

}  // namespace zs::hsm
