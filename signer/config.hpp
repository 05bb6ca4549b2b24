// The configuration file (YAML): which signers exist and which one serves
// which purpose.
//
//   signers:
//     - name: hsm
//       type: pkcs11
//       module: /usr/lib/softhsm/libsofthsm2.so
//       token_label: zs            # or slot: 0, or uri: "pkcs11:token=zs"
//       pin_file: /etc/zonesigner/hsm.pin   # mode 0600, owned by the user
//       # pin_env: ZS_HSM_PIN     # or the PIN in this environment variable
//       max_sessions: 4            # default: the signing thread count
//       require_backup: true       # new keys sign only after `hsm backup-done`
//     - name: files
//       type: openssl
//       directory: keys            # default: STATE_DIR/keys
//   roles:
//     new_keys: hsm                # where new KSKs/ZSKs are generated
//     one_time: files              # throwaway keys (`hsm test`)
//     random_fallback: files       # random bytes for signers without an RNG
//   policies:                      # DNSSEC policies written here (policy/policy_yaml.hpp)
//     - name: fast-zsk
//       keys:
//         - {role: ksk, lifetime: unlimited}
//         - {role: zsk, lifetime: 30d}
//   policy_files:                  # and policies in files of their own
//     - policies/standard.yaml
//   state_dir: /var/lib/zonesigner  # and `zones:`, for `zonesigner run` (signer/zone_config.hpp)
//
// Without `signers:`, one OpenSSL file signer "files" in STATE_DIR/keys.
// Policy names are unique across both lists. Roles default to the first signer. Relative paths are relative to the
// configuration file's directory. Every error names FILE:LINE:COLUMN.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/secret.hpp"
#include "policy/policy.hpp"
#include "signer/config_place.hpp"
#include "signer/zone_config.hpp"

namespace zs::signer {

struct SignerEntry {
    std::string name;
    std::string type;  // "openssl" or "pkcs11"
    bool require_backup = false;
    // openssl
    std::string directory;
    // pkcs11: the module and exactly one way of naming the token.
    std::string module;
    std::string token_label;
    std::optional<unsigned long> slot;
    std::string uri;
    // pkcs11: the PIN's source; neither set: no login (protected
    // authentication path).
    std::string pin_file;
    std::string pin_env;
    std::optional<unsigned> max_sessions;  // unset: the signing thread count

    ConfigPlace place;      // the entry
    ConfigPlace pin_place;  // the pin_file or pin_env value
};

struct Roles {
    std::string new_keys;
    std::string one_time;
    std::string random_fallback;
};

struct Config {
    std::string path;  // empty for the built-in default
    std::vector<SignerEntry> signers;
    Roles roles;
    // The `policies:` entries, then those of `policy_files:`, as written;
    // signer/policy_lookup.hpp picks one and checks it.
    std::vector<policy::Policy> policies;
    // `state_dir:` (relative to the file's directory); empty if not given.
    std::string state_dir;
    // `zones:`, for `zonesigner run` (signer/zone_config.hpp).
    std::vector<ZoneEntry> zones;

    // nullptr if no signer has that name.
    const SignerEntry* find(const std::string& name) const;
    // nullptr if no policy has that name.
    const policy::Policy* find_policy(const std::string& name) const;
};

// One OpenSSL file signer named "files" in STATE_DIR/keys: what zonesigner
// did before signers were configurable.
Config default_config(const std::string& state_dir);

// Parses configuration text; `file` names it in errors and anchors relative
// paths. Throws InputError "FILE:LINE:COLUMN: what".
Config parse_config(const std::string& text, const std::string& file, const std::string& state_dir);
Config read_config_file(const std::string& path, const std::string& state_dir);

// The configuration file to use: the --config option, else
// $ZONESIGNER_CONFIG, else STATE_DIR/zonesigner.yaml if it exists; empty
// if none (then the default applies).
std::string find_config_file(const std::string& config_option, const std::string& state_dir);
// find_config_file, then read it or take the default.
Config load_config(const std::string& config_option, const std::string& state_dir);

// The PIN of a pkcs11 signer, from its pin_file (refused unless a regular
// file of mode 0600 owned by the user) or pin_env. Errors name the place in
// the configuration.
Secret read_pin(const SignerEntry& entry);

}  // namespace zs::signer
