// The key database: SQLite in the state directory. It records facts and
// times about each key (which zone, role, algorithm, which signer owns it and
// its native id there, the DNSKEY RDATA), each key's state for the key
// manager (key_state.hpp: goal, the four record states and when each last
// changed, parent facts), each zone's last key manager run, and an audit log.
// Schema is versioned; migrations run on open. Foreign keys are enforced.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/encoding.hpp"
#include "common/time_format.hpp"
#include "keymgr/key_state.hpp"
#include "policy/key_role.hpp"

struct sqlite3;

namespace zs::keymgr {

using policy::KeyRole;
using policy::parse_role;
using policy::to_string;

struct KeyRecord {
    std::int64_t id = 0;            // database row id
    std::string zone;               // presentation form, lower case, trailing dot
    KeyRole role = KeyRole::Zsk;
    std::uint8_t algorithm = 0;
    std::uint16_t key_tag = 0;
    std::uint16_t flags = 0;
    std::string signer;             // name of the signer that owns the key
    std::string native_id;          // the signer's id for it
    std::string dnskey_rdata;       // wire form
    // RSA modulus size; 0 for other algorithms. add() derives it from the
    // DNSKEY (the value given here is ignored).
    unsigned bits = 0;
    UnixTime created = 0;
    // Milestones of the key's life, kept by save_state() from the record
    // states (first publication, start of signing, retirement, removal of the
    // DNSKEY); deleted: the tombstone, set before the signer destroys the key.
    std::optional<UnixTime> published, active, retired, removed, deleted;
    // Generated in a signer with require_backup and not yet covered by a
    // recorded backup of that signer: must not sign (a signature made with a
    // key that a token failure could lose would strand the zone).
    bool backup_pending = false;
};

// One signer instance the database knows: the name it has in the
// configuration, and the identity key that recognises it on later runs
// (empty until first contact).
struct SignerRecord {
    std::string name;
    std::string type;             // "openssl", "pkcs11"
    std::string identity_key_id;  // the signer's native id of the identity key
    Bytes identity_public_key;    // DER SubjectPublicKeyInfo (P-256)
    std::string location;         // where it was last seen: token, module, directory
    UnixTime created = 0;
};

// A backup of a signer's keys, recorded by `zonesigner hsm backup-done`.
struct BackupRecord {
    std::int64_t id = 0;
    std::string signer;
    UnixTime time = 0;
    std::string user;
};

// One line of the audit log: what happened to a zone's keys, and when.
struct AuditEntry {
    std::int64_t id = 0;                 // database row id, increasing
    UnixTime time = 0;
    std::string zone;
    std::optional<std::int64_t> key_id;  // KeyRecord::id, if about one key
    std::string event;                   // short word: "generate", "publish", ...
    std::string detail;                  // free text for operators
    std::string user;                    // login name of who ran the command; empty if unknown
};

// What the database remembers about a zone between key manager runs.
struct ZoneRecord {
    std::string name;
    // The `now` of the zone's last key manager run: a later run with an
    // earlier `now` means the clock went backwards, and is refused.
    std::optional<UnixTime> last_run;
    std::string policy;  // name of the policy of the last run that had one; empty if none
};

class KeyDb {
public:
    // Creates the file (and its schema) if missing.
    explicit KeyDb(const std::string& path);
    ~KeyDb();
    KeyDb(const KeyDb&) = delete;
    KeyDb& operator=(const KeyDb&) = delete;

    // Keys not marked deleted; all zones if zone is empty.
    std::vector<KeyRecord> list(const std::string& zone = {}) const;
    // One key by row id, deleted or not.
    std::optional<KeyRecord> find_key(std::int64_t id) const;
    // Inserts and returns the row id.
    std::int64_t add(const KeyRecord& key);
    void mark_deleted(std::int64_t id, UnixTime when);
    // True if a key of the zone not marked deleted has this tag; callers
    // regenerate on a collision (no two keys of a zone may share a tag).
    bool key_tag_in_use(const std::string& zone, std::uint16_t tag) const;

    // The audit log: appended to, never rewritten. key_id must name a row in
    // keys when set. An empty user stands for the audit user (below).
    std::int64_t append_audit(UnixTime time, const std::string& zone, std::optional<std::int64_t> key_id,
                              const std::string& event, const std::string& detail, const std::string& user = {});
    // Who the entries of this process are by, when append_audit is not told:
    // the command line sets it to the login name once.
    void set_audit_user(std::string user) { audit_user_ = std::move(user); }
    const std::string& audit_user() const { return audit_user_; }
    // Oldest first; all zones if zone is empty.
    std::vector<AuditEntry> audit_log(const std::string& zone = {}) const;

    // Key states, for the key manager. load_states: the zone's keys not
    // deleted, in the order of list(zone). save_state writes goal, record
    // states, change times and active_since of the row state.id, adds
    // retire_requested, ds_seen and ds_gone if not yet recorded (facts are
    // never undone), and derives the milestones of KeyRecord; not
    // backup_pending (backups release keys, see record_backup). Keys added
    // without a state have goal Omnipresent, every record Hidden, changed =
    // created.
    std::vector<KeyState> load_states(const std::string& zone) const;
    std::optional<KeyState> load_state(std::int64_t key_id) const;
    void save_state(const KeyState& state);
    // Parent facts and rollover requests; each keeps an earlier time if one
    // is recorded. Throw if the key does not exist.
    void set_ds_seen(std::int64_t key_id, UnixTime when);
    void set_ds_gone(std::int64_t key_id, UnixTime when);
    void request_retire(std::int64_t key_id, UnixTime when);

    // Zones and their last key manager run.
    std::optional<ZoneRecord> find_zone(const std::string& zone) const;
    std::vector<ZoneRecord> zones() const;
    std::optional<UnixTime> last_run(const std::string& zone) const;
    void set_last_run(const std::string& zone, UnixTime when);
    // Empty policy: leaves the recorded one.
    void set_zone_policy(const std::string& zone, const std::string& policy);

    // Signer instances, by name.
    std::vector<SignerRecord> signers() const;
    std::optional<SignerRecord> find_signer(const std::string& name) const;
    // Inserts the signer, or replaces the row of that name.
    void put_signer(const SignerRecord& signer);
    // Renames a signer instance everywhere it is referenced (signers, keys,
    // backups). Throws if `to` is taken or `from` unknown.
    void rename_signer(const std::string& from, const std::string& to);

    void set_backup_pending(std::int64_t key_id, bool pending);
    // Records a backup of the signer and releases its pending keys; returns
    // the keys released (before the update).
    std::vector<KeyRecord> record_backup(const std::string& signer, UnixTime time, const std::string& user);
    std::vector<BackupRecord> backups(const std::string& signer) const;

    // The schema version of the open file (after migrations).
    int schema_version() const;
    static constexpr int kCurrentSchemaVersion = 3;

    // RAII transaction: commits on commit(), rolls back if destroyed without.
    class Transaction {
    public:
        explicit Transaction(KeyDb& db);
        ~Transaction();
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;
        void commit();
    private:
        KeyDb& db_;
        bool done_ = false;
    };

    const std::string& path() const { return path_; }

private:
    void exec(const std::string& sql);
    void migrate();
    void fill_key_bits();
    void update_time_column(std::int64_t key_id, const char* column, UnixTime when, const std::string& what);
    std::string path_;
    sqlite3* db_ = nullptr;
    std::string audit_user_;
};

}  // namespace zs::keymgr
