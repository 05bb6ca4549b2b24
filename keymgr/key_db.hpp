// The key database: SQLite in the state directory. It records facts and
// times about each key (which zone, role, algorithm, which signer owns it and
// its native id there, the DNSKEY RDATA); states are derived from the times.
// Schema is versioned; migrations run on open.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/encoding.hpp"
#include "common/time_format.hpp"
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
    UnixTime created = 0;
    // Timing of the key's life; later rollover work fills these in.
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
    // Inserts and returns the row id.
    std::int64_t add(const KeyRecord& key);
    void mark_deleted(std::int64_t id, UnixTime when);
    // True if a key of the zone not marked deleted has this tag; callers
    // regenerate on a collision (no two keys of a zone may share a tag).
    bool key_tag_in_use(const std::string& zone, std::uint16_t tag) const;

    // The audit log: appended to, never rewritten. key_id must name a row in
    // keys when set.
    std::int64_t append_audit(UnixTime time, const std::string& zone, std::optional<std::int64_t> key_id,
                              const std::string& event, const std::string& detail);
    // Oldest first; all zones if zone is empty.
    std::vector<AuditEntry> audit_log(const std::string& zone = {}) const;

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
    static constexpr int kCurrentSchemaVersion = 2;

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
    std::string path_;
    sqlite3* db_ = nullptr;
};

}  // namespace zs::keymgr
