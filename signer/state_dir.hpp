// Where zonesigner keeps its state: the key database and the OpenSSL key
// files. Default: $ZONESIGNER_STATE_DIR, else /var/lib/zonesigner for root,
// else $XDG_STATE_HOME/zonesigner (~/.local/state/zonesigner).
#pragma once

#include <string>

namespace zs::signer {

std::string default_state_dir();

struct StatePaths {
    std::string root;
    std::string database;   // root/keys.db
    std::string key_files;  // root/keys/
};

// Creates the directories (mode 0700) when missing.
StatePaths prepare_state_dir(const std::string& root);

}  // namespace zs::signer
