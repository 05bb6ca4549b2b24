// What `zonesigner run` remembers about each zone between runs, in
// STATE_DIR/zones/ZONErun (e.g. zones/example.com.run), one `key=value` per
// line, replaced atomically: what the published output was made from (input
// content hash, policy, key plan), what it holds (serial, earliest signature
// expiration) and how the last attempt went. The fields describing the
// published output change only when a new output is published, so a failed
// attempt leaves them describing the previous (still published) output.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/time_format.hpp"

namespace zs::signer {

struct RunRecord {
    std::string zone;
    // The last attempt, successful or not.
    std::optional<UnixTime> last_attempt;
    // The published output.
    std::optional<UnixTime> last_success;
    std::optional<std::uint32_t> serial;
    std::string output;       // its path
    std::string input_hash;   // input_content_hash() of the input it was signed from
    std::string policy;       // name of the policy
    std::string policy_hash;  // policy_content_hash() of it
    std::string key_plan;     // key_plan_fingerprint() of the keys it was signed with
    std::optional<UnixTime> runway_end;      // earliest RRSIG expiration in it
    std::optional<UnixTime> next_key_event;  // the key planner's next event time
    std::uint64_t signatures = 0;            // made for it
    std::uint64_t signatures_reused = 0;     // taken over from the output before it
    double sign_seconds = 0;                 // how long its signing took
    // Counters over every run, for the metrics.
    std::uint64_t signatures_made_total = 0;
    std::uint64_t signatures_reused_total = 0;
    // The last attempt's error; empty when it succeeded (or found nothing due).
    std::string last_error;
    std::optional<UnixTime> last_error_time;
};

std::string format_run_record(const RunRecord& record);
// Unknown keys are ignored (a newer version may add some); a malformed line
// throws InputError "FILE:LINE: what".
RunRecord parse_run_record(const std::string& text, const std::string& file);

// STATE_DIR/zones/ZONErun; characters other than letters, digits, '.', '-'
// and '_' in the zone name are written %XX.
std::string run_record_path(const std::string& state_root, const std::string& zone);
// nullopt if the zone has no record yet.
std::optional<RunRecord> read_run_record(const std::string& state_root, const std::string& zone);
// Creates STATE_DIR/zones (mode 0700) if needed; the file is mode 0600.
void write_run_record(const std::string& state_root, const RunRecord& record);

}  // namespace zs::signer
