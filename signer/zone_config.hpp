// The zones of the configuration file, which `zonesigner run` signs:
//
//   state_dir: /var/lib/zonesigner   # key database, keys, run records, lock
//   zones:
//     - name: example.com
//       input: /etc/zonesigner/zones/example.com.zone
//       output: /var/lib/nsd/example.com.signed     # OUTPUT.ds beside it
//       policy: standard            # a policy of the configuration, a file, or default
//       notify: nsd-control reload %zone            # after a new output is in place
//       # per-zone overrides of the signing run:
//       threads: 2                  # default: the number of cores
//       verify: full                # full, sample (default) or structure
//       serial: unixtime            # keep, increment, unixtime, datecounter (default: the policy's)
//
// A zone without `policy` gets the built-in default policy. In `notify`,
// %zone stands for the zone name without its final dot and %file for the
// output path, each quoted for the shell. Relative paths (input, output, a
// policy given as a file) are relative to the configuration file's
// directory. Errors name FILE:LINE:COLUMN.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/signing_params.hpp"
#include "signer/config_place.hpp"
#include "zone/zone_verifier.hpp"

namespace YAML {
class Node;
}

namespace zs::signer {

struct ZoneEntry {
    std::string name;    // lower case, trailing dot
    std::string input;
    std::string output;
    std::string policy;  // a policy name or a policy file; empty: the built-in default
    std::string notify;  // a shell command; empty: none
    std::optional<unsigned> threads;
    std::optional<zone::VerifyMode> verify;
    std::optional<policy::SerialMode> serial;
    ConfigPlace place;   // the entry
};

// The `zones:` list of a loaded document; `file` names it in errors and
// `base_dir` anchors relative paths. Zone names and output paths must be
// unique, and no zone's output may be an input. Throws InputError.
std::vector<ZoneEntry> parse_zone_entries(const YAML::Node& list, const std::string& file,
                                          const std::string& base_dir);

// The zone of that name (normalised before comparing); nullptr if none.
const ZoneEntry* find_zone_entry(const std::vector<ZoneEntry>& zones, const std::string& name);

// The configuration file of `run`, `status` and `zone`: the --config
// option, else $ZONESIGNER_CONFIG, else /etc/zonesigner/zonesigner.yaml;
// made absolute.
std::string batch_config_path(const std::string& config_option);

// %zone and %file of a notify command, each replaced by its value quoted for
// /bin/sh (zone without its final dot, except the root "."); "%%" is "%".
std::string notify_command_text(const std::string& command, const std::string& zone, const std::string& file);

// Text quoted for /bin/sh: 'text' with every ' written as '\''.
std::string shell_quote(const std::string& text);

std::string to_string(zone::VerifyMode mode);

}  // namespace zs::signer
