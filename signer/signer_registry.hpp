// The configured signers, each bound to the instance the key database knows,
// and the router that sends every key operation to the signer that owns the
// key (KeyRecord::signer).
//
// Identity: on first contact with a signer, an identity key pair (P-256,
// label "zonesigner identity") is generated in it and its public key is
// recorded in the key database. On later runs each configured signer proves
// which recorded instance it is by signing a fresh random challenge with that
// instance's identity key. So a signer renamed in the configuration, or a
// token moved to another slot or module path, is still recognised (its keys
// and backups follow the new name), while a different token that merely has
// the same label is not: it is marked unrecognised and any use of it, for
// the old keys or for new ones, fails naming signer, token and key.
//
// Random bytes (key ids, salts) come from the signer's own RNG; a signer
// without one draws from the random_fallback signer, and the run says so
// once per signer.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hsm/signer.hpp"
#include "keymgr/key_db.hpp"
#include "keymgr/key_manager.hpp"
#include "keymgr/zone_keys.hpp"
#include "signer/config.hpp"
#include "signer/signing_engine.hpp"

namespace zs::signer {

struct RegistryOptions {
    unsigned threads = 1;  // signing threads: default max_sessions of PKCS#11 signers
    UnixTime now = 0;      // recorded as the creation time of new signer records
    // Operator notices (random fallback); default: log_warning on stderr.
    std::function<void(const std::string&)> notify;
};

// Builds the backend of one configured signer. The default opens an
// OpenSslFileSigner or a Pkcs11Signer; tests inject fakes.
using SignerFactory = std::function<std::unique_ptr<hsm::Signer>(const SignerEntry&, const RegistryOptions&)>;
std::unique_ptr<hsm::Signer> open_configured_signer(const SignerEntry& entry, const RegistryOptions& options);

enum class SignerStatus {
    Recognised,    // its identity key answered the challenge
    FirstContact,  // new to the database: identity key created this run
    Unrecognised,  // the database knows another instance under this name
    Failed,        // could not be opened or checked
};
std::string to_string(SignerStatus status);

// What `hsm list` shows about one configured signer.
struct SignerState {
    std::string name;  // as configured
    std::string type;
    SignerStatus status = SignerStatus::Failed;
    std::string previous_name;  // set when the instance was recorded under another name
    std::string identity_key_id;
    std::string location;  // token/module or directory, as seen now
    std::string problem;   // Unrecognised or Failed: the full error text
};

class SignerRegistry : public keymgr::SignerDirectory {
public:
    // Opens every configured signer and binds it (see the top of this file).
    // Renames and first contacts are written to the database. A signer that
    // cannot be opened or is unrecognised does not stop the others: using it
    // throws its error.
    SignerRegistry(const Config& config, keymgr::KeyDb& db, RegistryOptions options,
                   const SignerFactory& factory = open_configured_signer);
    ~SignerRegistry();
    SignerRegistry(const SignerRegistry&) = delete;
    SignerRegistry& operator=(const SignerRegistry&) = delete;

    const std::vector<SignerState>& states() const { return states_; }
    const Config& config() const { return config_; }

    // The usable signer of that configured name; throws its problem, or if
    // none is configured so.
    hsm::Signer& signer(const std::string& name);
    hsm::Signer& new_keys_signer() { return signer(config_.roles.new_keys); }
    hsm::Signer& one_time_signer() { return signer(config_.roles.one_time); }

    // keymgr::SignerDirectory, for the key manager.
    hsm::Signer& signer_named(const std::string& name) override {
        return name.empty() ? new_keys_signer() : signer(name);
    }
    std::string new_keys_signer_name() const override { return config_.roles.new_keys; }
    bool requires_backup(const std::string& name) const override;
    // The signer that owns the key; throws naming key, signer and token when
    // that signer is not configured, not usable, or another instance.
    hsm::Signer& owner_of(const keymgr::KeyRecord& key);

    // The zone's keys, created in the new_keys signer when the zone has none
    // (in one database transaction). Keys created in a signer with
    // require_backup are recorded as waiting for a backup.
    std::vector<keymgr::KeyRecord> ensure_zone_keys(const keymgr::KeyRequest& request);
    // One new key in the new_keys signer (for `key generate`), recorded the
    // same way.
    keymgr::KeyRecord generate_zone_key(const std::string& zone, keymgr::KeyRole role, std::uint8_t algorithm,
                                        unsigned rsa_bits, UnixTime now);
    // The keys ready to sign, each with its owner: the public key in the
    // signer must equal the recorded DNSKEY, and no key may wait for a backup.
    std::vector<SigningKey> signing_keys(const std::vector<keymgr::KeyRecord>& records);

    // `zonesigner hsm backup-done SIGNER`: records that the signer's token
    // was backed up (time, user) and releases its keys waiting for it.
    // Returns those keys.
    std::vector<keymgr::KeyRecord> record_backup_done(const std::string& signer, UnixTime time,
                                                      const std::string& user);

    // Random bytes from the signer's RNG or, if it has none, from the
    // random_fallback signer.
    Bytes random_bytes(const std::string& signer, std::size_t count);

private:
    struct Entry;
    Entry& entry(const std::string& name);
    Entry& usable(const std::string& name);
    void bind_all(const std::vector<keymgr::SignerRecord>& known);
    void first_contact(Entry& e);
    void mark_new_keys(const std::vector<keymgr::KeyRecord>& keys);

    Config config_;
    keymgr::KeyDb& db_;
    RegistryOptions options_;
    std::vector<std::unique_ptr<Entry>> entries_;  // configuration order
    std::vector<SignerState> states_;              // same order
};

// The login name of the effective user, for backup records.
std::string current_user_name();

}  // namespace zs::signer
