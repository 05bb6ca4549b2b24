// The HSM layer: pluggable signers that generate key pairs, return public
// keys, sign bytes and give random bytes. It knows key types and bytes, never
// DNS: the mapping from DNSSEC algorithms to key types and schemes sits above
// it (keymgr/algorithm_binding.hpp). A signer never hands out a private key,
// never chooses key ids and does not refuse duplicate ids: callers choose ids,
// check them with has_key() and record them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/encoding.hpp"
#include "common/error.hpp"

namespace zs::hsm {

enum class KeyType { Rsa, EcP256, EcP384, Ed25519, Ed448 };

struct KeySpec {
    KeyType type = KeyType::EcP256;
    unsigned rsa_bits = 0;  // RSA only: 1024..4096
};

// How bytes are turned into a signature. The signer hashes (or not) as the
// scheme says. Output formats: RSA PKCS#1 v1.5 signature; ECDSA r|s, each
// exactly the curve's size (not DER); EdDSA as RFC 8032 defines it.
enum class SignScheme { RsaPkcs1Sha256, RsaPkcs1Sha512, EcdsaSha256, EcdsaSha384, Ed25519, Ed448 };

// The backend's native key id: hex CKA_ID, a file name, a KMIP unique id.
using KeyId = std::string;

std::string to_string(KeyType t);
std::string to_string(SignScheme s);
// Whether a signature scheme can be used with a key type.
bool scheme_fits(KeyType type, SignScheme scheme);

// Raised by a signer with context: signer name, key id, operation.
class SignerError : public Error {
public:
    SignerError(const std::string& signer, const std::string& operation, const std::string& key_id,
                const std::string& what);
};

// Raised by random_bytes() when the backend has no random number generator.
class NoRandomError : public SignerError {
public:
    using SignerError::SignerError;
};

// One key, opened for signing by one thread. Cheap to call repeatedly:
// backends keep the key handle, digest and context ready between calls.
class SigningContext {
public:
    virtual ~SigningContext() = default;
    virtual Bytes sign(const void* data, std::size_t size) = 0;
};

class Signer {
public:
    virtual ~Signer() = default;

    virtual const std::string& name() const = 0;
    virtual std::string type() const = 0;  // "openssl", "pkcs11", "kmip"

    // Generates a key pair inside the backend under the given id. The label is
    // descriptive (for operators browsing the token). Throws SignerError.
    virtual void generate_key(const KeyId& id, const KeySpec& spec, const std::string& label) = 0;
    // Stores an existing key pair made elsewhere (migrating keys from another
    // signer) under the given id: the private key as DER PKCS#8
    // PrivateKeyInfo, its public half derived from it. Once stored it is as
    // protected as a generated key (a token keeps it sensitive and not
    // extractable), though it was not born there. Refuses an id in use and
    // key types the backend does not support. The caller wipes the bytes.
    virtual void import_key(const KeyId& id, const Bytes& pkcs8_der, const std::string& label) = 0;
    virtual bool has_key(const KeyId& id) = 0;
    // DER SubjectPublicKeyInfo of the key's public half.
    virtual Bytes public_key(const KeyId& id) = 0;
    // A context for one thread; create one per worker.
    virtual std::unique_ptr<SigningContext> open_signing(const KeyId& id, SignScheme scheme) = 0;
    virtual void delete_key(const KeyId& id) = 0;
    // Replaces the descriptive label (e.g. once the caller knows a key tag
    // that depends on the generated public key).
    virtual void set_label(const KeyId& id, const std::string& label) = 0;
    virtual std::vector<KeyId> list_keys() = 0;
    // Throws NoRandomError if the backend has no RNG.
    virtual Bytes random_bytes(std::size_t count) = 0;

    // Convenience for one-off signatures (identity checks, tests).
    Bytes sign_once(const KeyId& id, SignScheme scheme, const Bytes& data) {
        return open_signing(id, scheme)->sign(data.data(), data.size());
    }
};

}  // namespace zs::hsm
