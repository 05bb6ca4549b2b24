// A throwaway state directory for `simulate` and `plan`: a consistent copy
// of the key database (SQLite online backup, safe while a signer writes),
// copies of the OpenSSL signers' key files, and a signer configuration with
// software signers only, so that nothing the simulation does (key
// generation, purges, state changes) can reach the real keys or HSMs.
// Removed with everything in it when the workspace is destroyed.
#pragma once

#include <set>
#include <string>

namespace zs::signer {

struct WorkspaceOptions {
    // The real state directory to copy; empty, or without a key database:
    // start empty.
    std::string source_state_dir;
    // The real configuration option (--config of the real signer), to find
    // the source signers' key directories; as load_config takes it.
    std::string source_config;
    std::string zone;  // normalised
    // Signer names that must exist (the policies' key specs); a software
    // signer is made for each name the configuration lacks.
    std::set<std::string> signer_names;
    // true (simulate): the zone's keys must be usable, so keys held by a
    // PKCS#11 signer make the copy fail. false (plan): keys are never used.
    bool keys_must_sign = true;
};

// A new private directory under $TMPDIR (else /dev/shm, else /tmp), removed with everything
// in it when destroyed.
class TemporaryDirectory {
public:
    TemporaryDirectory();
    ~TemporaryDirectory();
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

class SimulationWorkspace {
public:
    explicit SimulationWorkspace(const WorkspaceOptions& options);
    ~SimulationWorkspace();
    SimulationWorkspace(const SimulationWorkspace&) = delete;
    SimulationWorkspace& operator=(const SimulationWorkspace&) = delete;

    const std::string& root() const { return root_; }          // the state directory
    const std::string& config() const { return config_; }      // its software signer configuration
    std::string database() const { return root_ + "/keys.db"; }
    bool copied() const { return copied_; }                     // false: started empty

private:
    TemporaryDirectory directory_;
    std::string root_;
    std::string config_;
    bool copied_ = false;
};

// Copies an SQLite database with the online backup API (consistent even
// while another process writes to it).
void copy_sqlite_database(const std::string& from, const std::string& to);

}  // namespace zs::signer
