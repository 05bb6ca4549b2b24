#include "signer/signer_registry.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include <openssl/rand.h>

#include "common/error.hpp"
#include "hsm/openssl_file_signer.hpp"
#include "hsm/pkcs11_signer.hpp"
#include "signer/log.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

namespace {

constexpr const char* kIdentityLabel = "zonesigner identity";
constexpr std::size_t kKeyIdBytes = 16;
constexpr std::size_t kChallengeBytes = 32;
// The identity key is P-256 with ECDSA over SHA-256 and r|s signatures:
// exactly DNSSEC algorithm 13, whose verifier we reuse.
constexpr std::uint8_t kIdentityAlgorithm = 13;

// Where a signer's keys are, for messages and for the database's "last seen".
std::string describe_location(hsm::Signer& signer) {
    if (auto* token = dynamic_cast<hsm::Pkcs11Signer*>(&signer)) {
        const hsm::SlotInfo t = token->token();
        return "token '" + t.token_label + "' (serial " + t.serial + ", slot " + std::to_string(t.slot) + ") in " +
               token->module_path();
    }
    if (auto* files = dynamic_cast<hsm::OpenSslFileSigner*>(&signer)) return "directory " + files->directory();
    return signer.type() + " signer";
}

// The challenge comes from the host, not from the signer being tested: a
// signer must not choose what it proves itself with.
Bytes host_challenge() {
    static const std::string prefix = "zonesigner identity challenge\n";
    Bytes challenge(prefix.begin(), prefix.end());
    Bytes random(kChallengeBytes);
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
        throw Error("cannot draw random bytes for the signer identity challenge (OpenSSL RAND_bytes failed)");
    challenge.insert(challenge.end(), random.begin(), random.end());
    return challenge;
}

// True if the signer holds the recorded instance's identity key: it signs a
// fresh challenge that the recorded public key verifies.
bool proves_identity(hsm::Signer& signer, const std::string& identity_key_id, const Bytes& identity_public_key) {
    if (identity_key_id.empty() || !signer.has_key(identity_key_id)) return false;
    const Bytes challenge = host_challenge();
    const Bytes signature = signer.sign_once(identity_key_id, hsm::SignScheme::EcdsaSha256, challenge);
    const zone::PublicKeyVerifier verifier(kIdentityAlgorithm,
                                           zone::public_key_from_spki(kIdentityAlgorithm, identity_public_key));
    return verifier.verify(challenge.data(), challenge.size(), zone::Wire(signature.begin(), signature.end()));
}

std::string key_text(const keymgr::KeyRecord& key) {
    return "key " + std::to_string(key.key_tag) + " (" + keymgr::to_string(key.role) + ") of zone " + key.zone +
           " (id " + key.native_id + ")";
}

// What callers get for a configured signer: every operation goes to the
// backend, except that random bytes fall back to the random_fallback signer.
class RoutedSigner : public hsm::Signer {
public:
    RoutedSigner(std::string name, hsm::Signer& backend, SignerRegistry& registry)
        : name_(std::move(name)), backend_(backend), registry_(registry) {}

    const std::string& name() const override { return name_; }
    std::string type() const override { return backend_.type(); }
    void generate_key(const hsm::KeyId& id, const hsm::KeySpec& spec, const std::string& label) override {
        backend_.generate_key(id, spec, label);
    }
    void import_key(const hsm::KeyId& id, const Bytes& pkcs8_der, const std::string& label) override {
        backend_.import_key(id, pkcs8_der, label);
    }
    bool has_key(const hsm::KeyId& id) override { return backend_.has_key(id); }
    Bytes public_key(const hsm::KeyId& id) override { return backend_.public_key(id); }
    std::unique_ptr<hsm::SigningContext> open_signing(const hsm::KeyId& id, hsm::SignScheme scheme) override {
        return backend_.open_signing(id, scheme);
    }
    void delete_key(const hsm::KeyId& id) override { backend_.delete_key(id); }
    void set_label(const hsm::KeyId& id, const std::string& label) override { backend_.set_label(id, label); }
    std::vector<hsm::KeyId> list_keys() override { return backend_.list_keys(); }
    Bytes random_bytes(std::size_t count) override { return registry_.random_bytes(name_, count); }

private:
    std::string name_;
    hsm::Signer& backend_;
    SignerRegistry& registry_;
};

}  // namespace

struct SignerRegistry::Entry {
    const SignerEntry* config = nullptr;
    std::size_t index = 0;  // into states_
    std::unique_ptr<hsm::Signer> backend;
    std::unique_ptr<RoutedSigner> routed;
    keymgr::SignerRecord record;  // the bound instance (Unrecognised: the instance recorded under the name)
    bool needs_first_contact = false;
    bool fallback_announced = false;
};

std::string to_string(SignerStatus status) {
    switch (status) {
        case SignerStatus::Recognised: return "recognised";
        case SignerStatus::FirstContact: return "new";
        case SignerStatus::Unrecognised: return "unrecognised";
        case SignerStatus::Failed: return "failed";
    }
    return "unknown";
}

std::unique_ptr<hsm::Signer> open_configured_signer(const SignerEntry& entry, const RegistryOptions& options) {
    if (entry.type == "openssl") return std::make_unique<hsm::OpenSslFileSigner>(entry.name, entry.directory);
    if (entry.type == "pkcs11") {
        hsm::Pkcs11Options o;
        o.module_path = entry.module;
        o.token_label = entry.token_label;
        o.slot = entry.slot;
        o.uri = entry.uri;
        o.pin = read_pin(entry);
        o.max_sessions = entry.max_sessions.value_or(std::max(1u, options.threads));
        return std::make_unique<hsm::Pkcs11Signer>(entry.name, std::move(o));
    }
    throw Error("signer '" + entry.name + "': unknown type '" + entry.type + "'");
}

SignerRegistry::SignerRegistry(const Config& config, keymgr::KeyDb& db, RegistryOptions options,
                               const SignerFactory& factory)
    : config_(config), db_(db), options_(std::move(options)) {
    if (!options_.notify) options_.notify = log_warning;
    for (const SignerEntry& s : config_.signers) {
        auto e = std::make_unique<Entry>();
        e->config = &s;
        e->index = states_.size();
        SignerState state;
        state.name = s.name;
        state.type = s.type;
        try {
            e->backend = factory(s, options_);
            e->routed = std::make_unique<RoutedSigner>(s.name, *e->backend, *this);
            state.location = describe_location(*e->backend);
        } catch (const std::exception& error) {
            e->backend.reset();
            state.status = SignerStatus::Failed;
            state.problem = error.what();
        }
        states_.push_back(std::move(state));
        entries_.push_back(std::move(e));
    }
    bind_all(db_.signers());
    for (auto& e : entries_)
        if (e->needs_first_contact) first_contact(*e);
}

SignerRegistry::~SignerRegistry() = default;

// Binds each opened signer to a recorded instance by identity, renames
// instances whose configured name changed, and marks the rest for first
// contact or as unrecognised.
void SignerRegistry::bind_all(const std::vector<keymgr::SignerRecord>& known) {
    std::set<std::string> bound;  // recorded names claimed by a configured signer
    for (auto& e : entries_) {
        if (!e->backend) continue;
        SignerState& state = states_[e->index];
        // The record of the same name first: the usual case costs one check.
        std::vector<const keymgr::SignerRecord*> candidates;
        for (const auto& r : known)
            if (r.type == e->config->type && !r.identity_key_id.empty()) candidates.push_back(&r);
        std::stable_partition(candidates.begin(), candidates.end(),
                              [&](const keymgr::SignerRecord* r) { return r->name == e->config->name; });
        try {
            for (const keymgr::SignerRecord* r : candidates) {
                if (bound.count(r->name)) continue;
                if (!proves_identity(*e->backend, r->identity_key_id, r->identity_public_key)) continue;
                e->record = *r;
                bound.insert(r->name);
                state.status = SignerStatus::Recognised;
                state.identity_key_id = r->identity_key_id;
                break;
            }
        } catch (const std::exception& error) {
            state.status = SignerStatus::Failed;
            state.problem = "signer '" + e->config->name + "': checking its identity failed: " + error.what();
            e->backend.reset();
            e->routed.reset();
        }
    }

    auto record_named = [&](const std::string& name) -> const keymgr::SignerRecord* {
        for (const auto& r : known)
            if (r.name == name) return &r;
        return nullptr;
    };
    std::vector<Entry*> renamed;
    for (auto& e : entries_) {
        if (!e->backend) continue;
        SignerState& state = states_[e->index];
        const std::string& name = e->config->name;
        const keymgr::SignerRecord* same_name = record_named(name);
        const bool same_name_taken_by_other = same_name && !bound.count(name);
        if (state.status == SignerStatus::Recognised) {
            if (e->record.name == name) continue;
            if (same_name_taken_by_other) {
                state.status = SignerStatus::Failed;
                state.problem = "signer '" + name + "' (" + state.location +
                                ") is the instance the key database knows as '" + e->record.name +
                                "', but the database records another instance as '" + name +
                                "', which no configured signer matches; renaming would mix their keys: give signer '" +
                                name + "' another name in " + config_.path;
                e->backend.reset();
                e->routed.reset();
                continue;
            }
            renamed.push_back(e.get());
        } else if (same_name_taken_by_other && !same_name->identity_key_id.empty()) {
            // A token with the right label (or slot) but not the instance
            // whose keys the database records under this name.
            e->record = *same_name;
            state.status = SignerStatus::Unrecognised;
            state.problem = "signer '" + name + "' (" + state.location +
                            ") is not the instance the key database knows as '" + name + "' (last seen: " +
                            same_name->location + "): its identity key " + same_name->identity_key_id +
                            " is not there or does not verify, so it is not used; the keys recorded for '" + name +
                            "' live in that other instance. Configure the token that holds them, or give this one "
                            "another name to use it as a new signer";
            e->backend.reset();
            e->routed.reset();
        } else {
            e->needs_first_contact = true;
        }
    }

    keymgr::KeyDb::Transaction tx(db_);
    // Through temporary names, so that signers may swap names.
    for (Entry* e : renamed) db_.rename_signer(e->record.name, "~renaming~" + e->record.name);
    for (Entry* e : renamed) {
        const std::string old_name = e->record.name;
        db_.rename_signer("~renaming~" + old_name, e->config->name);
        states_[e->index].previous_name = old_name;
        e->record.name = e->config->name;
        db_.append_audit(options_.now, "", std::nullopt, "rename-signer",
                         "signer '" + old_name + "' is now '" + e->config->name + "' (recognised by identity key " +
                             e->record.identity_key_id + ")");
    }
    // Moved tokens: remember where each instance was seen last.
    for (auto& e : entries_) {
        if (!e->backend || states_[e->index].status != SignerStatus::Recognised) continue;
        if (e->record.location == states_[e->index].location) continue;
        e->record.location = states_[e->index].location;
        db_.put_signer(e->record);
    }
    tx.commit();
}

// A new signer: its identity key is generated and recorded.
void SignerRegistry::first_contact(Entry& e) {
    SignerState& state = states_[e.index];
    hsm::KeyId id;
    bool generated = false;
    try {
        for (int attempt = 0; attempt < 16 && id.empty(); ++attempt) {
            // The file signer has no labels: its file name says what it is.
            hsm::KeyId candidate = to_hex(random_bytes(e.config->name, kKeyIdBytes));
            if (e.config->type == "openssl") candidate = "identity-" + candidate;
            if (!e.backend->has_key(candidate)) id = candidate;
        }
        if (id.empty()) throw Error("could not find an unused key id for the identity key");
        e.backend->generate_key(id, {hsm::KeyType::EcP256, 0}, kIdentityLabel);
        generated = true;
        keymgr::SignerRecord record;
        record.name = e.config->name;
        record.type = e.config->type;
        record.identity_key_id = id;
        record.identity_public_key = e.backend->public_key(id);
        record.location = state.location;
        record.created = options_.now;
        if (!proves_identity(*e.backend, id, record.identity_public_key))
            throw Error("the new identity key " + id + " does not verify its own signature");
        keymgr::KeyDb::Transaction tx(db_);
        // Replaces a row without identity (written before identities existed).
        db_.put_signer(record);
        db_.append_audit(options_.now, "", std::nullopt, "new-signer",
                         "signer '" + record.name + "' (" + record.type + ", " + record.location +
                             ") recorded with identity key " + id);
        tx.commit();
        e.record = std::move(record);
        state.status = SignerStatus::FirstContact;
        state.identity_key_id = id;
    } catch (const std::exception& error) {
        if (generated) {
            try {
                e.backend->delete_key(id);
            } catch (const std::exception&) {
                // The first error is the one to report; a stray identity key
                // is harmless (it is never recorded).
            }
        }
        state.status = SignerStatus::Failed;
        state.problem = "signer '" + e.config->name + "': creating its identity key failed: " + error.what();
        e.backend.reset();
        e.routed.reset();
    }
    e.needs_first_contact = false;
}

SignerRegistry::Entry& SignerRegistry::entry(const std::string& name) {
    for (auto& e : entries_)
        if (e->config->name == name) return *e;
    std::string names;
    for (const auto& e : entries_) names += (names.empty() ? "" : ", ") + e->config->name;
    throw Error("signer '" + name + "' is not configured (signers: " + names + ")");
}

SignerRegistry::Entry& SignerRegistry::usable(const std::string& name) {
    Entry& e = entry(name);
    if (!e.routed) throw Error(states_[e.index].problem);
    return e;
}

hsm::Signer& SignerRegistry::signer(const std::string& name) { return *usable(name).routed; }

hsm::Signer& SignerRegistry::owner_of(const keymgr::KeyRecord& key) {
    const SignerEntry* configured = config_.find(key.signer);
    if (!configured)
        throw Error(key_text(key) + " belongs to signer '" + key.signer + "', which is not configured" +
                    (config_.path.empty() ? "" : " in " + config_.path));
    Entry& e = entry(key.signer);
    const SignerState& state = states_[e.index];
    if (state.status == SignerStatus::Unrecognised)
        throw Error(key_text(key) + " belongs to the instance recorded as signer '" + key.signer + "' (" +
                    e.record.location + "), not to the configured " + state.location + ": " + state.problem);
    if (!e.routed) throw Error(key_text(key) + " is in signer '" + key.signer + "': " + state.problem);
    return *e.routed;
}

Bytes SignerRegistry::random_bytes(const std::string& name, std::size_t count) {
    Entry& e = entry(name);
    if (!e.backend) throw Error(states_[e.index].problem);
    try {
        return e.backend->random_bytes(count);
    } catch (const hsm::NoRandomError& no_rng) {
        const std::string& fallback_name = config_.roles.random_fallback;
        if (fallback_name == name)
            throw Error(std::string(no_rng.what()) + "; name a signer that has one in roles: random_fallback");
        Entry& fallback = entry(fallback_name);
        if (!fallback.backend)
            throw Error(std::string(no_rng.what()) + ", and the random_fallback signer cannot be used: " +
                        states_[fallback.index].problem);
        if (!e.fallback_announced) {
            options_.notify("signer '" + name + "' has no random number generator (" + no_rng.what() +
                            "); its random bytes come from signer '" + fallback_name + "' (role random_fallback)");
            e.fallback_announced = true;
        }
        return fallback.backend->random_bytes(count);
    }
}

void SignerRegistry::mark_new_keys(const std::vector<keymgr::KeyRecord>& keys) {
    for (const auto& k : keys) {
        const SignerEntry* owner = config_.find(k.signer);
        if (!owner || !owner->require_backup) continue;
        db_.set_backup_pending(k.id, true);
        db_.append_audit(options_.now, k.zone, k.id, "backup-pending",
                         "signer '" + k.signer + "' requires a backup before this key signs: run zonesigner hsm "
                         "backup-done " + k.signer + " after backing it up");
    }
}

bool SignerRegistry::requires_backup(const std::string& name) const {
    const std::string& wanted = name.empty() ? config_.roles.new_keys : name;
    for (const auto& s : config_.signers)
        if (s.name == wanted) return s.require_backup;
    return false;
}

std::vector<keymgr::KeyRecord> SignerRegistry::ensure_zone_keys(const keymgr::KeyRequest& request) {
    keymgr::KeyDb::Transaction tx(db_);
    std::vector<keymgr::KeyRecord> keys = db_.list(request.zone);
    if (keys.empty()) {
        keys = keymgr::ensure_zone_keys(db_, new_keys_signer(), request);
        mark_new_keys(keys);
        keys = db_.list(request.zone);
    }
    tx.commit();
    return keys;
}

keymgr::KeyRecord SignerRegistry::generate_zone_key(const std::string& zone, keymgr::KeyRole role,
                                                    std::uint8_t algorithm, unsigned rsa_bits, UnixTime now) {
    keymgr::KeyDb::Transaction tx(db_);
    keymgr::KeyRecord key = keymgr::generate_zone_key(db_, new_keys_signer(), zone, role, algorithm, rsa_bits, now);
    mark_new_keys({key});
    const SignerEntry* owner = config_.find(key.signer);
    key.backup_pending = owner && owner->require_backup;
    tx.commit();
    return key;
}

std::vector<SigningKey> SignerRegistry::signing_keys(const std::vector<keymgr::KeyRecord>& records) {
    std::vector<SigningKey> keys;
    for (const auto& r : records) {
        hsm::Signer& owner = owner_of(r);
        if (r.backup_pending)
            throw Error(key_text(r) + " was generated in signer '" + r.signer +
                        "', which requires a backup before its new keys sign: back the signer up, then run "
                        "'zonesigner hsm backup-done " + r.signer + "'");
        try {
            keymgr::check_public_key(owner, r);
        } catch (const Error& e) {
            throw Error(std::string(e.what()) + " (" + states_[entry(r.signer).index].location + ")");
        }
        keys.push_back({r, &owner, keymgr::signs_dnskey(r), keymgr::signs_zone(r)});
    }
    return keys;
}

std::vector<keymgr::KeyRecord> SignerRegistry::record_backup_done(const std::string& signer, UnixTime time,
                                                                  const std::string& user) {
    // Only the recognised instance: a backup of another token with the same
    // name must not release the keys of the recorded one.
    Entry& e = usable(signer);
    keymgr::KeyDb::Transaction tx(db_);
    std::vector<keymgr::KeyRecord> released = db_.record_backup(signer, time, user);
    for (const auto& k : released)
        db_.append_audit(time, k.zone, k.id, "backup-done",
                         "signer '" + signer + "' (" + states_[e.index].location + ") backed up, recorded by " + user);
    tx.commit();
    return released;
}

std::string current_user_name() {
    const uid_t uid = ::geteuid();
    std::vector<char> buffer(16384);
    struct passwd entry {};
    struct passwd* found = nullptr;
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found && found->pw_name)
        return found->pw_name;
    return "uid " + std::to_string(uid);
}

}  // namespace zs::signer
