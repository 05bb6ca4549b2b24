// Fingerprints that tell `zonesigner run` whether what a zone is signed from
// changed: the input's content (with its $INCLUDEs) and the policy's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.hpp"

namespace zs::signer {

// SHA-256 in lower-case hex.
std::string sha256_hex(std::string_view data);

// The file arguments of the $INCLUDE directives in master-file text, in
// order (quoted or bare; comments and the optional origin dropped).
std::vector<std::string> include_arguments(std::string_view text);

// SHA-256 over the input file's content and, recursively, that of every
// file it $INCLUDEs (paths relative to the including file's directory, as
// the reader resolves them). An included file that cannot be read counts as
// a change (signing will then report it). Throws SystemError naming the
// input when the input itself cannot be read.
std::string input_content_hash(const std::string& path);

// SHA-256 of every field of the policy that affects keys or signatures (not
// where it was written).
std::string policy_content_hash(const policy::Policy& policy);

}  // namespace zs::signer
