#include "keymgr/key_db.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>

#include <sqlite3.h>

#include "common/error.hpp"
#include "keymgr/algorithm_binding.hpp"
#include "keymgr/sqlite_util.hpp"

namespace zs::keymgr {

namespace {

// Migration N (1-based) takes the schema from version N-1 to N. Never edit
// an entry once released: add a new one.
constexpr std::array<const char*, 3> kMigrations = {
    // Version 1. Times are unix seconds, NULL when not (yet) reached.
    R"sql(
CREATE TABLE keys (
    id           INTEGER PRIMARY KEY,
    zone         TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('KSK', 'ZSK', 'CSK')),
    algorithm    INTEGER NOT NULL CHECK (algorithm BETWEEN 0 AND 255),
    key_tag      INTEGER NOT NULL CHECK (key_tag BETWEEN 0 AND 65535),
    flags        INTEGER NOT NULL CHECK (flags BETWEEN 0 AND 65535),
    signer       TEXT    NOT NULL,
    native_id    TEXT    NOT NULL,
    dnskey_rdata BLOB    NOT NULL,
    created      INTEGER NOT NULL,
    published    INTEGER,
    active       INTEGER,
    retired      INTEGER,
    removed      INTEGER,
    deleted      INTEGER,
    UNIQUE (signer, native_id)
);
CREATE INDEX keys_by_zone ON keys (zone);
CREATE TABLE signers (
    name    TEXT    PRIMARY KEY,
    type    TEXT    NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY,
    time   INTEGER NOT NULL,
    zone   TEXT    NOT NULL,
    key_id INTEGER REFERENCES keys (id),
    event  TEXT    NOT NULL,
    detail TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_zone ON audit_log (zone);
)sql",
    // Version 2: signer identity (an identity key in each signer recognises
    // it across renames and moves), and backups required before new keys of
    // some signers may sign.
    R"sql(
ALTER TABLE signers ADD COLUMN identity_key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE signers ADD COLUMN identity_public_key BLOB NOT NULL DEFAULT x'';
ALTER TABLE signers ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE keys ADD COLUMN backup_pending INTEGER NOT NULL DEFAULT 0 CHECK (backup_pending IN (0, 1));
CREATE TABLE signer_backups (
    id     INTEGER PRIMARY KEY,
    signer TEXT    NOT NULL,
    time   INTEGER NOT NULL,
    user   TEXT    NOT NULL
);
CREATE INDEX signer_backups_by_signer ON signer_backups (signer);
)sql",
    // Version 3: key states for the key manager (key_state.hpp), zones with
    // their last run, the user of each audit entry. Keys of version 2 were
    // made by `sign` without a policy and have signed since their creation:
    // they are in service, every record of their role omnipresent. (bits is
    // filled in from the DNSKEY after this script: fill_key_bits.)
    R"sql(
ALTER TABLE keys ADD COLUMN bits INTEGER NOT NULL DEFAULT 0 CHECK (bits >= 0);
ALTER TABLE keys ADD COLUMN goal TEXT NOT NULL DEFAULT 'omnipresent' CHECK (goal IN ('omnipresent', 'hidden'));
ALTER TABLE keys ADD COLUMN ds_state TEXT NOT NULL DEFAULT 'hidden'
    CHECK (ds_state IN ('hidden', 'rumoured', 'omnipresent', 'unretentive'));
ALTER TABLE keys ADD COLUMN dnskey_state TEXT NOT NULL DEFAULT 'hidden'
    CHECK (dnskey_state IN ('hidden', 'rumoured', 'omnipresent', 'unretentive'));
ALTER TABLE keys ADD COLUMN krrsig_state TEXT NOT NULL DEFAULT 'hidden'
    CHECK (krrsig_state IN ('hidden', 'rumoured', 'omnipresent', 'unretentive'));
ALTER TABLE keys ADD COLUMN zrrsig_state TEXT NOT NULL DEFAULT 'hidden'
    CHECK (zrrsig_state IN ('hidden', 'rumoured', 'omnipresent', 'unretentive'));
ALTER TABLE keys ADD COLUMN ds_changed INTEGER;
ALTER TABLE keys ADD COLUMN dnskey_changed INTEGER;
ALTER TABLE keys ADD COLUMN krrsig_changed INTEGER;
ALTER TABLE keys ADD COLUMN zrrsig_changed INTEGER;
ALTER TABLE keys ADD COLUMN active_since INTEGER;
ALTER TABLE keys ADD COLUMN retire_requested INTEGER;
ALTER TABLE keys ADD COLUMN ds_seen INTEGER;
ALTER TABLE keys ADD COLUMN ds_gone INTEGER;
UPDATE keys SET
    ds_state     = CASE WHEN role IN ('KSK', 'CSK') THEN 'omnipresent' ELSE 'hidden' END,
    dnskey_state = 'omnipresent',
    krrsig_state = CASE WHEN role IN ('KSK', 'CSK') THEN 'omnipresent' ELSE 'hidden' END,
    zrrsig_state = CASE WHEN role IN ('ZSK', 'CSK') THEN 'omnipresent' ELSE 'hidden' END,
    ds_changed = created, dnskey_changed = created, krrsig_changed = created, zrrsig_changed = created,
    active_since = created,
    published = COALESCE(published, created),
    active = COALESCE(active, created)
WHERE deleted IS NULL;
CREATE TABLE zones (
    name     TEXT    PRIMARY KEY,
    last_run INTEGER,
    policy   TEXT    NOT NULL DEFAULT ''
);
INSERT INTO zones (name) SELECT DISTINCT zone FROM keys;
ALTER TABLE audit_log ADD COLUMN user TEXT NOT NULL DEFAULT '';
)sql",
};
static_assert(kMigrations.size() == KeyDb::kCurrentSchemaVersion, "one migration per schema version");

struct SqliteClose {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

// SQLite creates the database with 0644 (less the umask) and gives its -wal
// and -shm files the database's mode; creating the file first with 0600
// keeps all of them private. An existing file keeps its mode.
void create_private_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw SystemError("cannot create key database", path, errno);
    ::close(fd);
}

constexpr const char* kKeyColumns =
    "id, zone, role, algorithm, key_tag, flags, signer, native_id, dnskey_rdata, created, "
    "published, active, retired, removed, deleted, backup_pending, bits";

KeyRecord read_key(const Statement& row, const std::string& path) {
    KeyRecord key;
    key.id = row.column_int64(0);
    key.zone = row.column_text(1);
    std::string role = row.column_text(2);
    auto parsed = parse_role(role);
    if (!parsed) throw Error("key database " + path + ": key " + std::to_string(key.id) + " has unknown role '" + role + "'");
    key.role = *parsed;
    key.algorithm = static_cast<std::uint8_t>(row.column_int64(3));
    key.key_tag = static_cast<std::uint16_t>(row.column_int64(4));
    key.flags = static_cast<std::uint16_t>(row.column_int64(5));
    key.signer = row.column_text(6);
    key.native_id = row.column_text(7);
    key.dnskey_rdata = row.column_blob(8);
    key.created = row.column_int64(9);
    key.published = row.column_optional_int64(10);
    key.active = row.column_optional_int64(11);
    key.retired = row.column_optional_int64(12);
    key.removed = row.column_optional_int64(13);
    key.deleted = row.column_optional_int64(14);
    key.backup_pending = row.column_int64(15) != 0;
    key.bits = static_cast<unsigned>(row.column_int64(16));
    return key;
}

// Record states and goals as the database spells them (fixed here, not by
// the display names of key_state.hpp: a rename there must not change files).
const char* state_column_text(RecordState s) {
    switch (s) {
        case RecordState::Hidden: return "hidden";
        case RecordState::Rumoured: return "rumoured";
        case RecordState::Omnipresent: return "omnipresent";
        case RecordState::Unretentive: return "unretentive";
    }
    return "hidden";
}

RecordState state_from_column(const std::string& text, const std::string& path, std::int64_t id) {
    if (text == "hidden") return RecordState::Hidden;
    if (text == "rumoured") return RecordState::Rumoured;
    if (text == "omnipresent") return RecordState::Omnipresent;
    if (text == "unretentive") return RecordState::Unretentive;
    throw Error("key database " + path + ": key " + std::to_string(id) + " has unknown record state '" + text + "'");
}

// Column prefixes of the four records, in the order of enum Record.
constexpr std::array<const char*, kRecordCount> kRecordColumns = {"ds", "dnskey", "krrsig", "zrrsig"};

constexpr const char* kStateColumns =
    "id, role, algorithm, bits, key_tag, signer, created, goal, "
    "ds_state, dnskey_state, krrsig_state, zrrsig_state, "
    "ds_changed, dnskey_changed, krrsig_changed, zrrsig_changed, "
    "active_since, retire_requested, ds_seen, ds_gone, backup_pending";

KeyState read_state(const Statement& row, const std::string& path) {
    KeyState k;
    k.id = row.column_int64(0);
    const std::string role = row.column_text(1);
    auto parsed = parse_role(role);
    if (!parsed) throw Error("key database " + path + ": key " + std::to_string(k.id) + " has unknown role '" + role + "'");
    k.role = *parsed;
    k.algorithm = static_cast<std::uint8_t>(row.column_int64(2));
    k.bits = static_cast<unsigned>(row.column_int64(3));
    k.key_tag = static_cast<std::uint16_t>(row.column_int64(4));
    k.signer = row.column_text(5);
    k.created = row.column_int64(6);
    const std::string goal = row.column_text(7);
    if (goal == "omnipresent") k.goal = KeyGoal::Omnipresent;
    else if (goal == "hidden") k.goal = KeyGoal::Hidden;
    else throw Error("key database " + path + ": key " + std::to_string(k.id) + " has unknown goal '" + goal + "'");
    for (std::size_t r = 0; r < kRecordCount; ++r) {
        k.state[r] = state_from_column(row.column_text(8 + static_cast<int>(r)), path, k.id);
        // A key added without a state has been in it since its creation.
        k.changed[r] = row.column_optional_int64(12 + static_cast<int>(r)).value_or(k.created);
    }
    k.active_since = row.column_optional_int64(16);
    k.retire_requested = row.column_optional_int64(17);
    k.ds_seen = row.column_optional_int64(18);
    k.ds_gone = row.column_optional_int64(19);
    k.backup_pending = row.column_int64(20) != 0;
    return k;
}

}  // namespace

KeyDb::KeyDb(const std::string& path) : path_(path) {
    create_private_file(path_);
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::unique_ptr<sqlite3, SqliteClose> db(raw);  // closes it if anything below throws
    if (rc != SQLITE_OK) throw_sqlite_error(raw, path_, "cannot open");
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);  // wait for another process's write transaction

    {
        Statement journal(raw, path_, "PRAGMA journal_mode = WAL", "cannot enable WAL");
        if (!journal.step() || journal.column_text(0) != "wal")
            throw Error("key database " + path_ + ": cannot enable WAL journal mode");
    }
    // FULL: a committed key record survives power loss, even in WAL mode.
    sqlite_exec(raw, path_, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", "cannot set pragmas");

    db_ = db.release();
    try {
        migrate();
    } catch (...) {
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw;
    }
}

KeyDb::~KeyDb() { sqlite3_close_v2(db_); }

void KeyDb::exec(const std::string& sql) { sqlite_exec(db_, path_, sql, sql); }

int KeyDb::schema_version() const {
    Statement query(db_, path_, "SELECT COALESCE(MAX(version), 0) FROM schema_version", "read schema version");
    query.step();
    return static_cast<int>(query.column_int64(0));
}

// All of it in one write transaction: two processes opening a new file at
// once apply each migration exactly once.
void KeyDb::migrate() {
    Transaction transaction(*this);
    exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)");
    int version = schema_version();
    if (version > kCurrentSchemaVersion)
        throw Error("key database " + path_ + ": schema version " + std::to_string(version) +
                    " is newer than this program knows (" + std::to_string(kCurrentSchemaVersion) + ")");
    for (int next = version + 1; next <= kCurrentSchemaVersion; ++next) {
        sqlite_exec(db_, path_, kMigrations[static_cast<std::size_t>(next - 1)],
                    "migration to schema version " + std::to_string(next));
        Statement record(db_, path_, "INSERT INTO schema_version (version, applied) VALUES (?1, ?2)",
                         "record schema version");
        record.bind(1, std::int64_t{next}).bind(2, now_unix()).run();
        if (next == 3) fill_key_bits();
    }
    transaction.commit();
}

// RSA key sizes of keys recorded before version 3, from their DNSKEYs.
void KeyDb::fill_key_bits() {
    std::vector<std::pair<std::int64_t, unsigned>> sizes;
    {
        Statement query(db_, path_, "SELECT id, algorithm, dnskey_rdata FROM keys", "read key sizes");
        while (query.step()) {
            unsigned bits = key_bits_of(static_cast<std::uint8_t>(query.column_int64(1)), query.column_blob(2));
            if (bits) sizes.emplace_back(query.column_int64(0), bits);
        }
    }
    for (const auto& [id, bits] : sizes) {
        Statement update(db_, path_, "UPDATE keys SET bits = ?2 WHERE id = ?1", "record key size");
        update.bind(1, id).bind(2, std::int64_t{bits}).run();
    }
}

std::vector<KeyRecord> KeyDb::list(const std::string& zone) const {
    Statement query(db_, path_,
                    std::string("SELECT ") + kKeyColumns +
                        " FROM keys WHERE deleted IS NULL AND (?1 = '' OR zone = ?1) ORDER BY zone, id",
                    "list keys");
    query.bind(1, zone);
    std::vector<KeyRecord> keys;
    while (query.step()) keys.push_back(read_key(query, path_));
    return keys;
}

std::optional<KeyRecord> KeyDb::find_key(std::int64_t id) const {
    Statement query(db_, path_, std::string("SELECT ") + kKeyColumns + " FROM keys WHERE id = ?1",
                    "look up key " + std::to_string(id));
    query.bind(1, id);
    if (!query.step()) return std::nullopt;
    return read_key(query, path_);
}

std::int64_t KeyDb::add(const KeyRecord& key) {
    Statement insert(db_, path_,
                     "INSERT INTO keys (zone, role, algorithm, key_tag, flags, signer, native_id, dnskey_rdata, "
                     "created, published, active, retired, removed, deleted, backup_pending, bits, "
                     "ds_changed, dnskey_changed, krrsig_changed, zrrsig_changed) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?9, ?9, ?9, ?9)",
                     "add key " + key.signer + "/" + key.native_id + " of " + key.zone);
    insert.bind(1, key.zone)
        .bind(2, to_string(key.role))
        .bind(3, std::int64_t{key.algorithm})
        .bind(4, std::int64_t{key.key_tag})
        .bind(5, std::int64_t{key.flags})
        .bind(6, key.signer)
        .bind(7, key.native_id)
        .bind_blob(8, key.dnskey_rdata.data(), key.dnskey_rdata.size())
        .bind(9, std::int64_t{key.created})
        .bind(10, key.published)
        .bind(11, key.active)
        .bind(12, key.retired)
        .bind(13, key.removed)
        .bind(14, key.deleted)
        .bind(15, std::int64_t{key.backup_pending ? 1 : 0})
        .bind(16, std::int64_t{key_bits_of(key.algorithm, key.dnskey_rdata)});
    insert.run();
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    Statement zone(db_, path_, "INSERT INTO zones (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
                   "record zone " + key.zone);
    zone.bind(1, key.zone).run();
    return id;
}

void KeyDb::mark_deleted(std::int64_t id, UnixTime when) {
    // The first deletion time stays if it is marked twice.
    Statement update(db_, path_, "UPDATE keys SET deleted = COALESCE(deleted, ?2) WHERE id = ?1",
                     "mark key " + std::to_string(id) + " deleted");
    update.bind(1, id).bind(2, std::int64_t{when}).run();
    if (sqlite3_changes(db_) == 0)
        throw Error("key database " + path_ + ": mark key " + std::to_string(id) + " deleted: no such key");
}

bool KeyDb::key_tag_in_use(const std::string& zone, std::uint16_t tag) const {
    Statement query(db_, path_, "SELECT 1 FROM keys WHERE zone = ?1 AND key_tag = ?2 AND deleted IS NULL LIMIT 1",
                    "look up key tag");
    query.bind(1, zone).bind(2, std::int64_t{tag});
    return query.step();
}

std::int64_t KeyDb::append_audit(UnixTime time, const std::string& zone, std::optional<std::int64_t> key_id,
                                 const std::string& event, const std::string& detail, const std::string& user) {
    Statement insert(db_, path_,
                     "INSERT INTO audit_log (time, zone, key_id, event, detail, user) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     "append to audit log");
    insert.bind(1, std::int64_t{time})
        .bind(2, zone)
        .bind(3, key_id)
        .bind(4, event)
        .bind(5, detail)
        .bind(6, user.empty() ? audit_user_ : user)
        .run();
    return sqlite3_last_insert_rowid(db_);
}

std::vector<AuditEntry> KeyDb::audit_log(const std::string& zone) const {
    Statement query(db_, path_,
                    "SELECT id, time, zone, key_id, event, detail, user FROM audit_log WHERE (?1 = '' OR zone = ?1) "
                    "ORDER BY id",
                    "read audit log");
    query.bind(1, zone);
    std::vector<AuditEntry> entries;
    while (query.step()) {
        AuditEntry entry;
        entry.id = query.column_int64(0);
        entry.time = query.column_int64(1);
        entry.zone = query.column_text(2);
        entry.key_id = query.column_optional_int64(3);
        entry.event = query.column_text(4);
        entry.detail = query.column_text(5);
        entry.user = query.column_text(6);
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::vector<KeyState> KeyDb::load_states(const std::string& zone) const {
    Statement query(db_, path_,
                    std::string("SELECT ") + kStateColumns +
                        " FROM keys WHERE deleted IS NULL AND zone = ?1 ORDER BY zone, id",
                    "load key states of " + zone);
    query.bind(1, zone);
    std::vector<KeyState> states;
    while (query.step()) states.push_back(read_state(query, path_));
    return states;
}

std::optional<KeyState> KeyDb::load_state(std::int64_t key_id) const {
    Statement query(db_, path_, std::string("SELECT ") + kStateColumns + " FROM keys WHERE id = ?1",
                    "load state of key " + std::to_string(key_id));
    query.bind(1, key_id);
    if (!query.step()) return std::nullopt;
    return read_state(query, path_);
}

void KeyDb::save_state(const KeyState& k) {
    const std::string what = "save state of key " + std::to_string(k.id);
    std::string sql = "UPDATE keys SET goal = ?2";
    for (std::size_t r = 0; r < kRecordCount; ++r) {
        sql += std::string(", ") + kRecordColumns[r] + "_state = ?" + std::to_string(3 + r);
        sql += std::string(", ") + kRecordColumns[r] + "_changed = ?" + std::to_string(7 + r);
    }
    // Milestones: the first publication of the DNSKEY, the start of signing,
    // the retirement (goal hidden) and the removal of the DNSKEY; each kept
    // once set.
    // Facts are kept once recorded: a `key ds-seen` or `key rollover` that
    // ran while this state was planned is not undone.
    sql +=
        ", active_since = ?11, retire_requested = COALESCE(retire_requested, ?12)"
        ", ds_seen = COALESCE(ds_seen, ?13), ds_gone = COALESCE(ds_gone, ?14)"
        ", published = COALESCE(published, ?15), active = COALESCE(active, ?11)"
        ", retired = COALESCE(retired, ?16), removed = COALESCE(removed, ?17) WHERE id = ?1";
    Statement update(db_, path_, sql, what);
    update.bind(1, k.id).bind(2, std::string(k.goal == KeyGoal::Omnipresent ? "omnipresent" : "hidden"));
    for (std::size_t r = 0; r < kRecordCount; ++r) {
        update.bind(3 + static_cast<int>(r), std::string(state_column_text(k.state[r])));
        update.bind(7 + static_cast<int>(r), std::int64_t{k.changed[r]});
    }
    const RecordState dnskey = k[Record::Dnskey];
    const UnixTime dnskey_changed = k.changed_at(Record::Dnskey);
    std::optional<std::int64_t> published, retired, removed;
    if (dnskey != RecordState::Hidden) published = dnskey_changed;
    if (k.goal == KeyGoal::Hidden) {
        // The retirement began at the first record leaving omnipresent
        // towards hidden; the retire request is the best time we have.
        retired = k.retire_requested.value_or(dnskey_changed);
        if (dnskey == RecordState::Hidden) removed = dnskey_changed;
    }
    update.bind(11, k.active_since)
        .bind(12, k.retire_requested)
        .bind(13, k.ds_seen)
        .bind(14, k.ds_gone)
        .bind(15, published)
        .bind(16, retired)
        .bind(17, removed)
        .run();
    if (sqlite3_changes(db_) == 0) throw Error("key database " + path_ + ": " + what + ": no such key");
}

void KeyDb::update_time_column(std::int64_t key_id, const char* column, UnixTime when, const std::string& what) {
    Statement update(db_, path_,
                     std::string("UPDATE keys SET ") + column + " = COALESCE(" + column + ", ?2) WHERE id = ?1", what);
    update.bind(1, key_id).bind(2, std::int64_t{when}).run();
    if (sqlite3_changes(db_) == 0) throw Error("key database " + path_ + ": " + what + ": no such key");
}

void KeyDb::set_ds_seen(std::int64_t key_id, UnixTime when) {
    update_time_column(key_id, "ds_seen", when, "record DS of key " + std::to_string(key_id) + " seen");
}

void KeyDb::set_ds_gone(std::int64_t key_id, UnixTime when) {
    update_time_column(key_id, "ds_gone", when, "record DS of key " + std::to_string(key_id) + " gone");
}

void KeyDb::request_retire(std::int64_t key_id, UnixTime when) {
    update_time_column(key_id, "retire_requested", when, "request retirement of key " + std::to_string(key_id));
}

namespace {

ZoneRecord read_zone(const Statement& row) {
    ZoneRecord z;
    z.name = row.column_text(0);
    z.last_run = row.column_optional_int64(1);
    z.policy = row.column_text(2);
    return z;
}

}  // namespace

std::optional<ZoneRecord> KeyDb::find_zone(const std::string& zone) const {
    Statement query(db_, path_, "SELECT name, last_run, policy FROM zones WHERE name = ?1", "look up zone " + zone);
    query.bind(1, zone);
    if (!query.step()) return std::nullopt;
    return read_zone(query);
}

std::vector<ZoneRecord> KeyDb::zones() const {
    Statement query(db_, path_, "SELECT name, last_run, policy FROM zones ORDER BY name", "list zones");
    std::vector<ZoneRecord> zones;
    while (query.step()) zones.push_back(read_zone(query));
    return zones;
}

std::optional<UnixTime> KeyDb::last_run(const std::string& zone) const {
    auto z = find_zone(zone);
    return z ? z->last_run : std::nullopt;
}

void KeyDb::set_last_run(const std::string& zone, UnixTime when) {
    Statement upsert(db_, path_,
                     "INSERT INTO zones (name, last_run) VALUES (?1, ?2) "
                     "ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run",
                     "record last run of zone " + zone);
    upsert.bind(1, zone).bind(2, std::int64_t{when}).run();
}

void KeyDb::set_zone_policy(const std::string& zone, const std::string& policy) {
    if (policy.empty()) return;
    Statement upsert(db_, path_,
                     "INSERT INTO zones (name, policy) VALUES (?1, ?2) "
                     "ON CONFLICT (name) DO UPDATE SET policy = excluded.policy",
                     "record policy of zone " + zone);
    upsert.bind(1, zone).bind(2, policy).run();
}

namespace {

SignerRecord read_signer(const Statement& row) {
    SignerRecord signer;
    signer.name = row.column_text(0);
    signer.type = row.column_text(1);
    signer.identity_key_id = row.column_text(2);
    const std::string key = row.column_blob(3);
    signer.identity_public_key.assign(key.begin(), key.end());
    signer.location = row.column_text(4);
    signer.created = row.column_int64(5);
    return signer;
}

constexpr const char* kSignerColumns = "name, type, identity_key_id, identity_public_key, location, created";

}  // namespace

std::vector<SignerRecord> KeyDb::signers() const {
    Statement query(db_, path_, std::string("SELECT ") + kSignerColumns + " FROM signers ORDER BY name",
                    "list signers");
    std::vector<SignerRecord> signers;
    while (query.step()) signers.push_back(read_signer(query));
    return signers;
}

std::optional<SignerRecord> KeyDb::find_signer(const std::string& name) const {
    Statement query(db_, path_, std::string("SELECT ") + kSignerColumns + " FROM signers WHERE name = ?1",
                    "look up signer " + name);
    query.bind(1, name);
    if (!query.step()) return std::nullopt;
    return read_signer(query);
}

void KeyDb::put_signer(const SignerRecord& signer) {
    Statement upsert(db_, path_,
                     "INSERT INTO signers (name, type, identity_key_id, identity_public_key, location, created) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (name) DO UPDATE SET type = excluded.type, "
                     "identity_key_id = excluded.identity_key_id, identity_public_key = excluded.identity_public_key, "
                     "location = excluded.location",
                     "record signer " + signer.name);
    upsert.bind(1, signer.name)
        .bind(2, signer.type)
        .bind(3, signer.identity_key_id)
        .bind_blob(4, signer.identity_public_key.data(), signer.identity_public_key.size())
        .bind(5, signer.location)
        .bind(6, std::int64_t{signer.created});
    upsert.run();
}

void KeyDb::rename_signer(const std::string& from, const std::string& to) {
    const std::string what = "rename signer " + from + " to " + to;
    if (find_signer(to)) throw Error("key database " + path_ + ": " + what + ": the name is taken");
    Statement rename(db_, path_, "UPDATE signers SET name = ?2 WHERE name = ?1", what);
    rename.bind(1, from).bind(2, to).run();
    if (sqlite3_changes(db_) == 0) throw Error("key database " + path_ + ": " + what + ": no such signer");
    Statement keys(db_, path_, "UPDATE keys SET signer = ?2 WHERE signer = ?1", what);
    keys.bind(1, from).bind(2, to).run();
    Statement backups(db_, path_, "UPDATE signer_backups SET signer = ?2 WHERE signer = ?1", what);
    backups.bind(1, from).bind(2, to).run();
}

void KeyDb::set_backup_pending(std::int64_t key_id, bool pending) {
    Statement update(db_, path_, "UPDATE keys SET backup_pending = ?2 WHERE id = ?1",
                     "mark key " + std::to_string(key_id) + " backup pending");
    update.bind(1, key_id).bind(2, std::int64_t{pending ? 1 : 0}).run();
    if (sqlite3_changes(db_) == 0)
        throw Error("key database " + path_ + ": mark key " + std::to_string(key_id) + " backup pending: no such key");
}

std::vector<KeyRecord> KeyDb::record_backup(const std::string& signer, UnixTime time, const std::string& user) {
    std::vector<KeyRecord> released;
    {
        Statement query(db_, path_,
                        std::string("SELECT ") + kKeyColumns +
                            " FROM keys WHERE signer = ?1 AND backup_pending = 1 AND deleted IS NULL ORDER BY id",
                        "list keys waiting for a backup of " + signer);
        query.bind(1, signer);
        while (query.step()) released.push_back(read_key(query, path_));
    }
    Statement insert(db_, path_, "INSERT INTO signer_backups (signer, time, user) VALUES (?1, ?2, ?3)",
                     "record backup of " + signer);
    insert.bind(1, signer).bind(2, std::int64_t{time}).bind(3, user).run();
    Statement update(db_, path_, "UPDATE keys SET backup_pending = 0 WHERE signer = ?1 AND backup_pending = 1",
                     "release keys of " + signer);
    update.bind(1, signer).run();
    return released;
}

std::vector<BackupRecord> KeyDb::backups(const std::string& signer) const {
    Statement query(db_, path_, "SELECT id, signer, time, user FROM signer_backups WHERE signer = ?1 ORDER BY id",
                    "list backups of " + signer);
    query.bind(1, signer);
    std::vector<BackupRecord> backups;
    while (query.step()) {
        BackupRecord b;
        b.id = query.column_int64(0);
        b.signer = query.column_text(1);
        b.time = query.column_int64(2);
        b.user = query.column_text(3);
        backups.push_back(std::move(b));
    }
    return backups;
}

// IMMEDIATE takes the write lock at once, so a transaction that reads and
// then writes cannot fail half-way with SQLITE_BUSY.
KeyDb::Transaction::Transaction(KeyDb& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

KeyDb::Transaction::~Transaction() {
    // Must not throw; if ROLLBACK fails SQLite has already rolled back.
    if (!done_) sqlite3_exec(db_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void KeyDb::Transaction::commit() {
    if (done_) throw Error("key database " + db_.path_ + ": transaction already finished");
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace zs::keymgr
