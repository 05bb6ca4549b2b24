// Which DNSSEC policy a command uses: `--policy NAME_OR_FILE` names a policy
// file, a policy of the configuration, or the built-in `default`.
#pragma once

#include <string>
#include <vector>

#include "policy/policy.hpp"
#include "signer/config.hpp"

namespace zs::signer {

// An existing file path: the policy in it; else the configuration's policy
// of that name; else "default": the built-in default policy. Otherwise a
// UsageError listing the known names. The policy is checked (check_policy):
// errors throw Error with every error's FILE:LINE:COLUMN; warnings are
// returned in `warnings` if given, else logged.
policy::Policy resolve_policy(const Config& config, const std::string& name_or_file,
                              std::vector<policy::PolicyFinding>* warnings = nullptr);

// The names resolve_policy knows without a file: the configuration's and
// "default", sorted.
std::vector<std::string> known_policy_names(const Config& config);

}  // namespace zs::signer
