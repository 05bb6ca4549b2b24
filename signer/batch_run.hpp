// `zonesigner run`: every configured zone (or those asked for), one after
// the other, under the state directory's run lock. Per zone: the key
// manager step (a dry run first, which opens no signer: it tells what the
// keys will be; the real step only when states change or the parent is to
// be asked), then signing only if something is due (due_reasons.hpp), the
// run record, and the zone's notify command after a new output is in place.
// A zone's failure is recorded and reported and the next zone goes on.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "signer/config.hpp"
#include "signer/sign_pipeline.hpp"

namespace zs::signer {

struct BatchOptions {
    std::vector<std::string> zones;  // --zone; empty: all configured zones
    UnixTime now = 0;
    bool force = false;              // sign every zone whether due or not
    bool no_reuse = false;           // make every signature anew (ignore the signature caches)
    bool wait = false;               // wait for the run lock instead of failing
    std::string metrics_file;        // Prometheus text file to replace; empty: none
};

struct ZoneOutcome {
    enum class Result { UpToDate, Signed, Failed };
    std::string zone;
    Result result = Result::UpToDate;
    std::vector<std::string> reasons;   // why it was signed
    SignSummary summary;                // Signed
    std::string error;                  // Failed
    std::vector<std::string> warnings;  // policy warnings, a failed notify...
    std::vector<std::string> notes;     // the key manager's events, for -v
};

struct BatchResult {
    std::vector<ZoneOutcome> zones;
    double seconds = 0;
    bool any_failed() const;
};

// Throws for what stops the whole run (the lock is taken, an unknown
// --zone, an unwritable state directory); a zone's own failure is in its
// outcome. `on_zone` hears each outcome as soon as the zone is done.
BatchResult run_batch(const Config& config, const std::string& state_root, const BatchOptions& options,
                      const std::function<void(const ZoneOutcome&)>& on_zone);

// The state directory of a configuration: its `state_dir`, else the default
// of `sign` (state_dir.hpp).
std::string batch_state_root(const Config& config);

}  // namespace zs::signer
