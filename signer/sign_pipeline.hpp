// `zonesigner sign`: read, check, key, sign, chain, verify, publish.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/time_format.hpp"
#include "policy/policy.hpp"
#include "policy/signing_params.hpp"
#include "zone/zone_verifier.hpp"

namespace zs::signer {

struct SignOptions {
    std::string zone;          // as given; normalised to lower case with a trailing dot
    std::string input;
    std::string output;        // "-" for stdout
    std::string state_dir;
    // Signer configuration file (--config); empty: $ZONESIGNER_CONFIG, else
    // STATE_DIR/zonesigner.yaml, else one file signer in STATE_DIR/keys.
    std::string config;
    policy::SigningParams params;
    // The zone's key policy (--policy): its key specs, lifetimes, TTLs and
    // delays drive the key manager. Unset: the zone keeps the keys it has,
    // and a new zone gets keys per params (see command_line_policy).
    std::optional<policy::Policy> policy;
    // Incremental re-signing (`zonesigner run`): the signature cache of the
    // previous signing (signer/signature_cache.hpp), read if present and
    // written anew for the output. Empty: every signature is made.
    std::string signature_cache;
    // With a cache: a signature is made again when less than this is left.
    Seconds refresh = 0;
    // False: the cache is written but not read (`run --no-reuse`).
    bool reuse_signatures = true;
    unsigned threads = 1;
    zone::VerifyMode verify = zone::VerifyMode::Sample;
    UnixTime now = 0;
    bool verbose = false;
    // Where warnings go (input warnings, key notes, an unusable signature
    // cache); unset: stderr. `zonesigner run` collects them per zone.
    std::function<void(const std::string&)> warn;
};

struct SignSummary {
    std::size_t rrsets = 0;
    std::size_t signatures = 0;
    std::size_t verified = 0;
    std::uint32_t serial = 0;
    double seconds = 0;
    // The earliest RRSIG expiration written (the zone's runway ends there).
    std::optional<UnixTime> earliest_expiration;
    // Signatures taken over from the previous signing instead of made
    // (incremental re-signing), and names whose text was copied.
    std::size_t signatures_reused = 0;
    std::size_t names_copied = 0;
    // Wall seconds of each phase in order (`zonesigner run -v` shows them).
    std::vector<std::pair<std::string, double>> phases;
};

// Throws on any failure; the previous output is then untouched.
SignSummary run_sign(const SignOptions& options);

// Normalises a zone name from the command line: lower case, trailing dot.
std::string normalise_zone_name(const std::string& name);

}  // namespace zs::signer
