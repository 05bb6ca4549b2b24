// What monitoring reads from the zones' run records, as pure functions of
// the records and the time: the Prometheus text-format metrics of
// `zonesigner run --metrics FILE` and the Nagios-style verdict of
// `zonesigner status --check`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "signer/run_record.hpp"

namespace zs::signer {

// A configured zone and its run record (none before its first run).
struct ZoneReport {
    std::string zone;
    std::optional<RunRecord> record;
};

// Prometheus text exposition format (version 0.0.4): per zone the runway,
// signature expiration, last success, serial, next key event, failure flag,
// signatures made and reused (counters over all runs) and the last signing's
// duration; for the run its duration and time.
std::string metrics_text(const std::vector<ZoneReport>& zones, UnixTime now, double run_seconds);

// A label value escaped for the text format (\\, \", \n).
std::string metrics_label(const std::string& value);

// Nagios plugin exit codes.
enum class CheckStatus { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

struct CheckResult {
    CheckStatus status = CheckStatus::Unknown;
    // First line "ZONESIGNER OK - 3 zones, shortest runway 9d 4h (example.com.) | perfdata",
    // then one line per zone.
    std::string text;
};

// Per zone: CRITICAL if its runway is below `crit`, or its last run failed
// and the runway is below `warn`, or it was never signed and its last run
// failed; WARNING if its runway is below `warn`, or its last run failed, or
// it was never signed; else OK. The worst zone decides; no zones: UNKNOWN.
CheckResult check_zones(const std::vector<ZoneReport>& zones, UnixTime now, Seconds warn, Seconds crit);

// "9d 4h", "5h 30m", "12m", "45s"; negative: "expired 2h ago".
std::string format_runway(Seconds runway);

}  // namespace zs::signer
