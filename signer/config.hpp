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
//
// Roles default to the first signer. Relative paths are relative to the
// configuration file's directory. Every error names FILE:LINE:COLUMN.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/secret.hpp"

namespace zs::signer {

// A place in the configuration file; line and column are 1-based, 0 when
// unknown (the built-in default).
struct ConfigPlace {
    std::string file;
    unsigned line = 0;
    unsigned column = 0;
};

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

    // nullptr if no signer has that name.
    const SignerEntry* find(const std::string& name) const;
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
