#include "signer/simulation_workspace.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "keymgr/key_db.hpp"
#include "signer/config.hpp"

namespace zs::signer {

namespace fs = std::filesystem;

namespace {

struct SqliteClose {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteClose>;

SqliteHandle open_sqlite(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    SqliteHandle db(raw);
    if (rc != SQLITE_OK)
        throw Error("cannot open SQLite database " + path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    return db;
}

// $TMPDIR if set; else /dev/shm when usable, because a simulation writes
// its database and signed zone thousands of times and a file system in
// memory makes each fsync free; else /tmp.
std::string temporary_base() {
    if (const char* tmp = std::getenv("TMPDIR"); tmp && *tmp) return tmp;
    if (access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
    return "/tmp";
}

std::string make_temporary_directory() {
    std::string pattern = temporary_base() + "/zonesigner-simulation-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!mkdtemp(buffer.data())) throw SystemError("mkdtemp", pattern, errno);
    return buffer.data();
}

std::string yaml_quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

void copy_sqlite_database(const std::string& from, const std::string& to) {
    // Read-write if allowed, though nothing is written: the last connection
    // to close a database in WAL mode removes its -wal and -shm files, which
    // a read-only one would leave behind in the real state directory.
    SqliteHandle source = access(from.c_str(), W_OK) == 0 && access(fs::path(from).parent_path().c_str(), W_OK) == 0
                              ? open_sqlite(from, SQLITE_OPEN_READWRITE)
                              : open_sqlite(from, SQLITE_OPEN_READONLY);
    SqliteHandle target = open_sqlite(to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3_busy_timeout(source.get(), 10000);
    sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", source.get(), "main");
    if (!backup) throw Error("cannot copy the key database " + from + ": " + sqlite3_errmsg(target.get()));
    const int step = sqlite3_backup_step(backup, -1);
    const int finish = sqlite3_backup_finish(backup);
    if (step != SQLITE_DONE || finish != SQLITE_OK)
        throw Error("cannot copy the key database " + from + " to " + to + ": " + sqlite3_errmsg(target.get()));
}

TemporaryDirectory::TemporaryDirectory() : path_(make_temporary_directory()) {}

TemporaryDirectory::~TemporaryDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

SimulationWorkspace::SimulationWorkspace(const WorkspaceOptions& options) : root_(directory_.path()) {
    const std::string signers_dir = root_ + "/signers";
    fs::create_directories(signers_dir);
    fs::permissions(root_, fs::perms::owner_all, fs::perm_options::replace);

    const std::string source_db = options.source_state_dir.empty() ? "" : options.source_state_dir + "/keys.db";
    copied_ = !source_db.empty() && fs::exists(source_db);
    struct Entry {
        std::string name;
        std::string directory;
    };
    std::vector<Entry> entries;
    Roles roles;
    if (copied_) {
        copy_sqlite_database(source_db, database());
        const Config source = load_config(options.source_config, options.source_state_dir);
        keymgr::KeyDb db(database());
        const std::vector<keymgr::KeyRecord> keys = db.list(options.zone);
        for (const auto& signer : source.signers) {
            const std::string directory = signers_dir + "/" + signer.name;
            if (signer.type == "openssl") {
                if (fs::exists(signer.directory))
                    fs::copy(signer.directory, directory, fs::copy_options::recursive);
                else
                    fs::create_directories(directory);
            } else {
                // A PKCS#11 signer becomes a software one of the same
                // name: its keys cannot be copied out of the token.
                for (const auto& k : keys)
                    if (k.signer == signer.name && options.keys_must_sign)
                        throw Error("key " + std::to_string(k.key_tag) + " of zone " + options.zone +
                                    " is held by the " + signer.type + " signer '" + signer.name +
                                    "', which a simulation cannot copy: simulate with --fresh (new keys in "
                                    "software), or name a test signer with --config");
                fs::create_directories(directory);
                if (auto record = db.find_signer(signer.name)) {
                    record->type = "openssl";
                    record->identity_key_id.clear();
                    record->identity_public_key.clear();
                    record->location = directory;
                    db.put_signer(*record);
                }
            }
            entries.push_back({signer.name, directory});
        }
        roles = source.roles;
    }
    for (const auto& name : options.signer_names) {
        if (name.empty()) continue;
        bool known = false;
        for (const auto& e : entries) known = known || e.name == name;
        if (!known) entries.push_back({name, signers_dir + "/" + name});
    }
    if (entries.empty()) entries.push_back({"files", signers_dir + "/files"});
    std::string yaml = "# software signers of a simulation (zonesigner simulate / plan)\nsigners:\n";
    for (const auto& e : entries) {
        fs::create_directories(e.directory);
        fs::permissions(e.directory, fs::perms::owner_all, fs::perm_options::replace);
        yaml += "  - name: " + yaml_quoted(e.name) + "\n    type: openssl\n    directory: " +
                yaml_quoted(e.directory) + "\n";
    }
    auto known = [&](const std::string& name) {
        for (const auto& e : entries)
            if (e.name == name) return true;
        return false;
    };
    yaml += "roles:\n";
    yaml += "  new_keys: " + yaml_quoted(known(roles.new_keys) ? roles.new_keys : entries.front().name) + "\n";
    yaml += "  one_time: " + yaml_quoted(known(roles.one_time) ? roles.one_time : entries.front().name) + "\n";
    yaml += "  random_fallback: " +
            yaml_quoted(known(roles.random_fallback) ? roles.random_fallback : entries.front().name) + "\n";
    config_ = root_ + "/zonesigner.yaml";
    write_file_atomically(config_, yaml, 0600);
}

SimulationWorkspace::~SimulationWorkspace() = default;

}  // namespace zs::signer
