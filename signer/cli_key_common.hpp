// Pieces shared by the `zonesigner key ...` subcommands (cli_key*.cpp):
// common options, opening the key database (audit entries carry the login
// name) and the signers, finding a zone's key by tag, the zone's policy, and
// the texts of key states.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keymgr/key_db.hpp"
#include "keymgr/key_manager.hpp"
#include "policy/policy.hpp"
#include "signer/cli_common.hpp"
#include "signer/config.hpp"
#include "signer/signer_registry.hpp"
#include "signer/state_dir.hpp"

namespace zs::signer {

// --help, --state-dir, --config (its help says whether the command uses it).
void add_key_command_options(po::options_description& opts, bool uses_config);

// The state directory of --state-dir, else the default.
std::string state_dir_option(const po::variables_map& vm);
// --zone, normalised (lower case, trailing dot).
std::string zone_option(const po::variables_map& vm);

// What a command opens: the key database (audit user: the login name);
// also the configuration (policies, signer names); also its signers, bound
// to the database's instances.
enum class KeyCommandNeeds { Database, Configuration, Signers };

// The database outlives the registry that refers to it.
struct KeyCommandContext {
    StatePaths state;
    Config config;                             // Configuration, Signers
    std::unique_ptr<keymgr::KeyDb> db;
    std::unique_ptr<SignerRegistry> registry;  // Signers
};
KeyCommandContext open_key_context(const po::variables_map& vm, KeyCommandNeeds needs, UnixTime now);

// The zone's key (not deleted) with this tag; throws naming zone and tag,
// and the zone's tags.
keymgr::KeyRecord find_key_by_tag(const keymgr::KeyDb& db, const std::string& zone, std::uint16_t tag);
std::uint16_t key_tag_option(const po::variables_map& vm);  // --key TAG

// The policy for planning a zone: --policy if given; else the policy of the
// zone's last key manager run (recorded by name); a zone signed without a
// policy keeps its keys (command_line_policy). `source` says which.
policy::Policy zone_policy(const KeyCommandContext& context, const std::string& zone,
                           const std::optional<std::string>& policy_option, std::string* source = nullptr);

// "2026-01-02T03:04:05Z", or "-" when unset.
std::string time_text(const std::optional<UnixTime>& t);
// JSON string literal / time ("..." or null).
std::string json_time(const std::optional<UnixTime>& t);

// Whether the role has this record at all (a ZSK has no DS, a KSK no zone RRSIGs).
bool role_has_record(keymgr::KeyRole role, keymgr::Record record);
// Short column names: DS, DNSKEY, RRSIG-K, RRSIG-Z.
std::string record_column(keymgr::Record record);
constexpr keymgr::Record kAllRecords[] = {keymgr::Record::Ds, keymgr::Record::Dnskey, keymgr::Record::KrrSig,
                                          keymgr::Record::ZrrSig};

int run_key_status(int argc, char** argv);
int run_key_generate(int argc, char** argv);
int run_key_import(int argc, char** argv);
int run_key_ds_seen(int argc, char** argv);
int run_key_ds_gone(int argc, char** argv);
int run_key_rollover(int argc, char** argv);
int run_key_delete(int argc, char** argv);

}  // namespace zs::signer
