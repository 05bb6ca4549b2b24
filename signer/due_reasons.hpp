// Whether `zonesigner run` must sign a zone again, and why: a pure function
// of the zone's run record (what the published output was made from) and
// what the run sees now. No files, no clock: the caller gathers the inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "signer/run_record.hpp"

namespace zs::signer {

struct DueInputs {
    bool force = false;                         // --force
    std::string output;                         // the output path configured now
    std::optional<std::uint32_t> output_serial; // SOA serial of the output file; unset: no output file
    std::string input_hash;                     // input_content_hash() now
    std::string policy;                         // the policy's name now
    std::string policy_hash;                    // policy_content_hash() now
    // key_plan_fingerprint() of the keys after the key manager's step now.
    // Key state changes that leave it as it was (a DNSKEY that became
    // known everywhere, a DS seen at the parent) need no new signatures.
    std::string key_plan;
    Seconds refresh = 0;                        // the policy's refresh: re-sign when less is left
    bool salt_due = false;                      // the NSEC3 salt is due for renewal
    // The reuse of unchanged signatures (a later step) may add inputs here.
};

// Empty: the published output is up to date. Otherwise short phrases for
// the log ("input changed", "signatures expire within the refresh time"...),
// in a fixed order.
std::vector<std::string> due_reasons(const std::optional<RunRecord>& record, UnixTime now, const DueInputs& in);

// "input changed, key plan changed".
std::string join_reasons(const std::vector<std::string>& reasons);

}  // namespace zs::signer
