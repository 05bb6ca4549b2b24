// DNSSEC policies written in YAML: one policy per file, or inline in the
// configuration's `policies:` list. Every field is optional except `name`;
// a field left out takes the default of policy.hpp (the `default` policy).
//
//   name: standard
//   keys:                          # default: KSK unlimited + ZSK 90d, algorithm 13
//     - {role: ksk, algorithm: ECDSAP256SHA256, lifetime: unlimited, signer: hsm}
//     - {role: zsk, algorithm: 13, lifetime: 90d}     # RSA: bits: 2048
//   signatures: {validity: 14d, denial_validity: 14d, refresh: 5d, jitter: 12h, inception_offset: 1h}
//   denial: {type: nsec3, iterations: 0, salt_length: 0, opt_out: false, resalt: 30d}
//   ttls: {dnskey: 1h, max_zone: 1d}
//   zone: {propagation_delay: 5m, serial: unixtime}   # keep, increment, unixtime, datecounter
//   parent: {ds_ttl: 1d, propagation_delay: 1h, registration_delay: 0, check: "COMMAND"}
//   safety: {publish: 1h, retire: 1h}
//   purge_after: 14d
//   cds_cdnskey: during-rollover                      # none, during-rollover, always
//   manual_rollover: {ksk: true, zsk: false, csk: false}
//
// Durations: 30d, 12h, 90m, 45s, 2w, 1d12h or seconds; key lifetimes may be
// `unlimited`. Algorithms: mnemonics (case-insensitive) or numbers. Schema
// errors (unknown keys, wrong types, bad values) throw InputError
// "FILE:LINE:COLUMN: what"; the semantic rules are check_policy's, which
// finds every field's place in Policy::places.
#pragma once

#include <string>

#include "policy/policy.hpp"

namespace YAML {
class Node;
}

namespace zs::policy {

Policy load_policy_file(const std::string& path);
// `file` names the text in errors.
Policy parse_policy_text(const std::string& text, const std::string& file);
// One policy map of an already loaded document (the configuration's
// `policies:` entries); `file` is the document's file.
Policy policy_from_yaml(const YAML::Node& node, const std::string& file);

}  // namespace zs::policy
