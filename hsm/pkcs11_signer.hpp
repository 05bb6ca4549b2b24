// The PKCS#11 backend: keys generated inside a token (an HSM, or SoftHSMv2
// in tests and demos) and used there; private keys never leave it. Every
// operation calls the module's Cryptoki functions directly (see the top of
// pkcs11_signer.cpp for why not libp11).
//
// The key id is the object's CKA_ID as lower-case hex; the private and the
// public key object of a pair share it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/secret.hpp"
#include "hsm/pkcs11_token.hpp"
#include "hsm/signer.hpp"

namespace zs::hsm {

namespace pkcs11 {
class SessionPool;
}

struct Pkcs11Options {
    std::string module_path;  // the PKCS#11 library (.so)
    // The token, named in exactly one of these ways.
    std::string token_label;
    std::optional<unsigned long> slot;
    std::string uri;  // RFC 7512 "pkcs11:token=...;serial=..."
    // User PIN. Empty only for tokens with a protected authentication path
    // (PIN pad) or without login.
    Secret pin;
    // Sessions open at most; signing threads beyond it wait for a session.
    // The configuration sets it to the signing thread count; 0 counts as 1.
    unsigned max_sessions = 1;
    // Recoverable faults (lost session, device removed, logged out, stale
    // handle) are retried with a delay doubling from first_retry_delay, for
    // at most retry_time_limit per operation.
    std::chrono::milliseconds retry_time_limit{30000};
    std::chrono::milliseconds first_retry_delay{50};
};

// A SignerError from a Cryptoki call, with its return code.
class Pkcs11Error : public SignerError {
public:
    Pkcs11Error(const std::string& signer, const std::string& operation, const std::string& key_id,
                const std::string& what, unsigned long rv)
        : SignerError(signer, operation, key_id, what), rv_(rv) {}
    unsigned long rv() const { return rv_; }  // CK_RV

private:
    unsigned long rv_;
};

// One object on the token, for `hsm keys`.
struct TokenObject {
    enum class Class { PrivateKey, PublicKey, Other };
    std::string id;  // CKA_ID, lower-case hex (may be empty for other applications' objects)
    std::string label;
    Class object_class = Class::Other;
    std::optional<KeyType> key_type;  // unset: not a key, or a type this layer does not use
    std::string key_type_text;        // "RSA 2048", "EC P-256", "Ed25519", "CKK_DSA"...
    // Private keys only (unset when the token does not say).
    std::optional<bool> sensitive;
    std::optional<bool> extractable;
    std::optional<bool> always_sensitive;   // never was extractable in clear...
    std::optional<bool> never_extractable;  // ...nor exportable: generated inside
};

struct Pkcs11Stats {
    unsigned long login_calls = 0;  // C_Login calls made by this signer
    unsigned long sessions_opened = 0;
    unsigned peak_sessions_open = 0;
    unsigned long retries = 0;  // operations run again after recoverable faults
};

class Pkcs11Signer : public Signer {
public:
    // Loads the module, finds the token and logs in once. Throws SignerError
    // naming the module path, the token selection or the PIN problem. A PIN
    // the token rejects is presented exactly once. Cryptoki keeps one login
    // per process and token: if another signer in this process is logged in
    // to the same token already, no C_Login happens and this PIN is not
    // checked.
    Pkcs11Signer(std::string name, Pkcs11Options options);
    ~Pkcs11Signer() override;
    Pkcs11Signer(const Pkcs11Signer&) = delete;
    Pkcs11Signer& operator=(const Pkcs11Signer&) = delete;

    const std::string& name() const override { return name_; }
    std::string type() const override { return "pkcs11"; }
    // RSA 1024..4096, P-256, P-384, Ed25519 (Ed448 is refused: SoftHSMv2
    // and most HSMs lack it). Refuses an id that any object on the token
    // already has: tokens accept duplicates.
    void generate_key(const KeyId& id, const KeySpec& spec, const std::string& label) override;
    // C_CreateObject of the private key (token, private, sensitive, not
    // extractable, sign only) and of its public key, both under the id. The
    // token then reports it as never extractable = false: it was not born
    // there. RSA 1024..4096, P-256, P-384, Ed25519.
    void import_key(const KeyId& id, const Bytes& pkcs8_der, const std::string& label) override;
    bool has_key(const KeyId& id) override;
    Bytes public_key(const KeyId& id) override;
    // The context borrows a session from the pool for each signature (see
    // pkcs11_session_pool.hpp). It keeps the signer's pool alive, so it may
    // outlive the signer object.
    std::unique_ptr<SigningContext> open_signing(const KeyId& id, SignScheme scheme) override;
    void delete_key(const KeyId& id) override;
    void set_label(const KeyId& id, const std::string& label) override;
    std::vector<KeyId> list_keys() override;
    // C_GenerateRandom; NoRandomError if the token has no RNG.
    Bytes random_bytes(std::size_t count) override;

    // Every object this login can see.
    std::vector<TokenObject> list_objects();
    // The token in use (its slot may change if it is removed and re-inserted).
    SlotInfo token() const;
    const std::string& module_path() const { return module_path_; }
    Pkcs11Stats stats() const;

    // All slots of a module, for `hsm slots`; no login needed.
    static std::vector<SlotInfo> list_slots(const std::string& module_path);

private:
    std::string name_;
    std::string module_path_;
    std::shared_ptr<pkcs11::SessionPool> pool_;
};

}  // namespace zs::hsm
