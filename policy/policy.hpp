// A DNSSEC policy (KASP): which keys a zone has and how long they live, how
// signatures are made, which denial of existence, and the TTLs and delays
// that time every key rollover (RFC 7583). Loaded from YAML (policy_yaml.hpp);
// the defaults below are the built-in `default` policy, close to BIND's
// `dnssec-policy default` and Knot's defaults, and documented in README.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "policy/key_role.hpp"
#include "policy/signing_params.hpp"

namespace zs::policy {

// Where a value was written, for messages (FILE:LINE:COLUMN); line 0 for
// built-in defaults.
struct SourcePlace {
    std::string file;
    unsigned line = 0;
    unsigned column = 0;
    std::string text() const;  // "FILE:LINE:COLUMN", or "built-in default"
};

struct KeySpec {
    KeyRole role = KeyRole::Csk;
    std::uint8_t algorithm = 13;          // ECDSAP256SHA256
    unsigned bits = 0;                    // RSA only; 0: the algorithm's default (2048)
    std::optional<Seconds> lifetime;      // unset: unlimited
    std::string signer;                   // empty: the configuration's new_keys signer
    SourcePlace place;
};

enum class CdsMode { None, DuringRollover, Always };
std::string to_string(CdsMode m);  // "none", "during-rollover", "always"
std::optional<CdsMode> parse_cds_mode(const std::string& text);

struct Policy {
    std::string name = "default";
    SourcePlace place;  // the file (or config entry) it came from

    // Default: one KSK of unlimited lifetime and one ZSK rolled every 90 days,
    // ECDSAP256SHA256 (as the `sign` command creates without a policy).
    std::vector<KeySpec> keys;

    // signatures
    Seconds validity = 14 * 86400;
    Seconds denial_validity = 14 * 86400;
    Seconds refresh = 5 * 86400;          // re-sign when less than this is left
    Seconds jitter = 12 * 3600;
    Seconds inception_offset = 3600;

    // denial
    DenialType denial = DenialType::Nsec;
    std::uint16_t nsec3_iterations = 0;
    unsigned nsec3_salt_length = 0;       // octets; a fresh random salt of this length
    bool nsec3_opt_out = false;
    std::optional<Seconds> nsec3_resalt;  // unset: never

    // TTLs
    std::uint32_t dnskey_ttl = 3600;
    std::uint32_t max_zone_ttl = 86400;   // the largest TTL in the zone (zone data and denial)

    // zone
    Seconds zone_propagation_delay = 300;  // primary to all secondaries
    SerialMode serial = SerialMode::Increment;

    // parent
    std::uint32_t parent_ds_ttl = 86400;
    Seconds parent_propagation_delay = 3600;
    Seconds parent_registration_delay = 0;
    // Optional command run with the expected DS set on stdin; exit 0 means
    // the parent publishes exactly that set (replaces a manual `key ds-seen`).
    std::string parent_check;

    // safety margins
    Seconds publish_safety = 3600;
    Seconds retire_safety = 3600;

    Seconds purge_after = 14 * 86400;     // hidden this long before the key is destroyed
    CdsMode cds_cdnskey = CdsMode::DuringRollover;

    // Roles whose rollovers start only by `zonesigner key rollover`.
    std::map<KeyRole, bool> manual_rollover;
    bool manual(KeyRole r) const {
        auto it = manual_rollover.find(r);
        return it != manual_rollover.end() && it->second;
    }

    // Where each field was written ("signatures.refresh" -> place), for the
    // semantic checks' messages; fields left at their defaults are absent.
    std::map<std::string, SourcePlace> places;
    SourcePlace place_of(const std::string& field) const;
};

// The built-in policy named "default".
Policy default_policy();

// One finding of check_policy: an error makes the policy unusable.
struct PolicyFinding {
    enum class Severity { Warning, Error };
    Severity severity = Severity::Error;
    SourcePlace place;
    std::string message;
    std::string text() const;  // "FILE:LINE:COLUMN: error: message"
};

// Semantic rules (like OpenDNSSEC's kaspcheck): refresh < validity, jitter at
// most half the validity, inception offset at most 1 h, lifetimes long enough
// for a rollover, NSEC3 iterations, algorithms not recommended for signing...
// Findings in file order (by place).
std::vector<PolicyFinding> check_policy(const Policy& policy);
bool has_errors(const std::vector<PolicyFinding>& findings);

// The signing parameters a policy implies (flags of `sign` may override
// them afterwards). Algorithm and CSK come from the first key spec. The
// NSEC3 salt is left empty: with nsec3_salt_length > 0 the caller draws a
// random salt of that length.
SigningParams signing_params(const Policy& policy);

}  // namespace zs::policy
