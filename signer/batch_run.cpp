#include "signer/batch_run.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <memory>
#include <chrono>
#include <set>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "common/test_stop_point.hpp"
#include "keymgr/key_db.hpp"
#include "keymgr/key_manager.hpp"
#include "policy/policy.hpp"
#include "signer/batch_report.hpp"
#include "signer/cli_common.hpp"
#include "signer/content_hash.hpp"
#include "signer/due_reasons.hpp"
#include "signer/key_probe.hpp"
#include "signer/notify_command.hpp"
#include "signer/nsec3_salt.hpp"
#include "signer/output_scan.hpp"
#include "signer/policy_lookup.hpp"
#include "signer/previous_output.hpp"
#include "signer/run_lock.hpp"
#include "signer/run_record.hpp"
#include "signer/signature_cache.hpp"
#include "signer/signer_registry.hpp"
#include "signer/state_dir.hpp"

namespace zs::signer {

namespace {

constexpr Seconds kNotifyTimeout = 60;

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool salt_due(const std::string& state_root, const std::string& zone, const policy::Policy& policy, UnixTime now) {
    if (policy.denial != policy::DenialType::Nsec3 || policy.nsec3_salt_length == 0) return false;
    const auto recorded = recorded_nsec3_salt(state_root, zone);
    return !recorded ||
           !salt_still_valid(recorded->salt.size(), recorded->created, policy.nsec3_salt_length, policy.nsec3_resalt, now);
}

// The key manager step for real, through the signers: run when its dry run
// changes key states but nothing is to be signed, so that the states (and
// the times rollovers count from) are recorded now rather than at the next
// signing; and when a key waits for the parent and the policy has a
// parent_check, which only the real step runs. (When the zone is signed,
// run_sign takes the step itself.)
void run_key_step(const Config& config, const StatePaths& state, const policy::Policy& policy, const ZoneEntry& zone,
                  UnixTime now, ZoneOutcome& outcome) {
    keymgr::KeyDb db(state.database);
    SignerRegistry registry(config, db, {zone.threads.value_or(1), now, nullptr});
    keymgr::KeyManagerOptions options;
    options.now = now;
    options.user = current_user_name();
    const keymgr::ZoneKeys keys = keymgr::run_key_manager(db, registry, policy, zone.name, options);
    for (const auto& n : keys.notes) outcome.notes.push_back(n);
    for (const auto& w : keys.warnings) outcome.warnings.push_back(w);
}

KeyProbe probe_keys(const StatePaths& state, const Config& config, const policy::Policy& policy,
                    const std::string& zone, UnixTime now) {
    keymgr::KeyDb db(state.database);
    return probe_zone_keys(db, config, policy, zone, now);
}

// Temporary files (TARGET.tmp.XXXXXX, common/atomic_file.hpp) that a killed
// run left beside the output, its DS file and the signature cache. Under
// the run lock no other run writes them; they would only fill the disk.
void remove_stale_temporaries(const std::vector<std::string>& targets, ZoneOutcome& outcome) {
    for (const std::string& target : targets) {
        const std::string dir = target.find('/') == std::string::npos ? "." : target.substr(0, target.rfind('/'));
        const std::string prefix = target.substr(target.rfind('/') + 1) + ".tmp.";
        std::unique_ptr<DIR, int (*)(DIR*)> listing(::opendir(dir.empty() ? "/" : dir.c_str()), ::closedir);
        if (!listing) continue;
        while (const dirent* entry = ::readdir(listing.get())) {
            const std::string name = entry->d_name;
            if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) continue;
            const std::string path = (dir.empty() ? "" : dir) + "/" + name;
            struct stat st {};
            if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
            if (::unlink(path.c_str()) == 0) outcome.notes.push_back("removed " + path + ", left by an interrupted run");
        }
    }
}

void notify(const ZoneEntry& zone, ZoneOutcome& outcome) {
    if (zone.notify.empty()) return;
    const std::string command = notify_command_text(zone.notify, zone.name, zone.output);
    try {
        const NotifyResult r = run_notify_command(command, kNotifyTimeout);
        if (!r.success)
            outcome.warnings.push_back("notify command failed (" + r.outcome + "): " + command +
                                       (r.output.empty() ? "" : ": " + r.output));
    } catch (const std::exception& e) {
        outcome.warnings.push_back("notify command not run: " + std::string(e.what()));
    }
}

ZoneOutcome run_zone(const ZoneEntry& zone, const Config& config, const StatePaths& state,
                     const BatchOptions& options) {
    ZoneOutcome outcome;
    outcome.zone = zone.name;
    const UnixTime now = options.now;
    std::optional<RunRecord> previous;
    try {
        previous = read_run_record(state.root, zone.name);
    } catch (const std::exception& e) {
        // The record only saves work: without it the zone is signed afresh.
        outcome.warnings.push_back(std::string(e.what()) + "; signing the zone afresh");
    }
    RunRecord record = previous.value_or(RunRecord{});
    record.zone = zone.name;
    record.last_attempt = now;
    try {
        std::vector<policy::PolicyFinding> findings;
        policy::Policy policy = resolve_policy(config, zone.policy.empty() ? "default" : zone.policy, &findings);
        for (const auto& f : findings)
            outcome.warnings.push_back("policy " + policy.name + ": " + f.place.text() + ": " + f.message);
        if (zone.serial) policy.serial = *zone.serial;
        remove_stale_temporaries({zone.output, zone.output + ".ds", signature_cache_path(state.root, zone.name)},
                                 outcome);

        DueInputs in;
        in.force = options.force;
        in.output = zone.output;
        in.output_serial = previous_serial(zone.output);
        in.input_hash = input_content_hash(zone.input);
        test_stop_point("input-hashed", zone.input);
        in.policy = policy.name;
        in.policy_hash = policy_content_hash(policy);
        in.refresh = policy.refresh;
        in.salt_due = salt_due(state.root, zone.name, policy, now);
        KeyProbe probe = probe_keys(state, config, policy, zone.name, now);
        for (const auto& e : probe.events) outcome.notes.push_back("key: " + e);
        in.key_plan = probe.fingerprint;
        outcome.reasons = due_reasons(previous, now, in);
        if (outcome.reasons.empty() &&
            (!probe.events.empty() || (probe.awaiting_parent && !policy.parent_check.empty()))) {
            run_key_step(config, state, policy, zone, now, outcome);
            probe = probe_keys(state, config, policy, zone.name, now);
            in.key_plan = probe.fingerprint;
            outcome.reasons = due_reasons(previous, now, in);
        }
        record.next_key_event = probe.next_event;
        if (outcome.reasons.empty()) {
            record.last_error.clear();
            record.last_error_time.reset();
            write_run_record(state.root, record);
            return outcome;
        }

        SignOptions sign;
        sign.zone = zone.name;
        sign.input = zone.input;
        sign.output = zone.output;
        sign.state_dir = state.root;
        sign.config = config.path;
        sign.policy = policy;
        sign.params = policy::signing_params(policy);
        sign.threads = zone.threads.value_or(default_threads());
        sign.verify = zone.verify.value_or(zone::VerifyMode::Sample);
        sign.now = now;
        sign.signature_cache = signature_cache_path(state.root, zone.name);
        sign.reuse_signatures = !options.no_reuse;
        sign.warn = [&outcome](const std::string& text) { outcome.warnings.push_back(text); };
        sign.refresh = policy.refresh;
        outcome.summary = run_sign(sign);
        outcome.result = ZoneOutcome::Result::Signed;

        // The new output is in place: describe it. Should anything below
        // fail, the old record stays, and the serial that no longer matches
        // makes the next run sign again.
        RunRecord published = record;
        published.last_success = now;
        published.serial = outcome.summary.serial;
        published.output = zone.output;
        published.input_hash = in.input_hash;
        published.policy = in.policy;
        published.policy_hash = in.policy_hash;
        // From the pipeline; scanning the file is the fallback (it also
        // covers RRSIGs kept from the input's other signers, of which there
        // are none today).
        published.runway_end = outcome.summary.earliest_expiration ? outcome.summary.earliest_expiration
                                                                   : earliest_rrsig_expiration(zone.output);
        const KeyProbe after = probe_keys(state, config, policy, zone.name, now);
        published.key_plan = after.fingerprint;
        published.next_key_event = after.next_event;
        published.signatures = outcome.summary.signatures;
        published.signatures_reused = outcome.summary.signatures_reused;
        published.sign_seconds = outcome.summary.seconds;
        published.signatures_made_total += outcome.summary.signatures;
        published.signatures_reused_total += outcome.summary.signatures_reused;
        published.last_error.clear();
        published.last_error_time.reset();
        test_stop_point("recorded", zone.output);
        write_run_record(state.root, published);
        notify(zone, outcome);
    } catch (const std::exception& e) {
        outcome.error = e.what();
        if (outcome.result == ZoneOutcome::Result::Signed)
            outcome.error = "the new output is in place, but: " + outcome.error;
        outcome.result = ZoneOutcome::Result::Failed;
        record.last_error = outcome.error;
        record.last_error_time = now;
        try {
            write_run_record(state.root, record);
        } catch (const std::exception& w) {
            outcome.error += " (and the run record could not be written: " + std::string(w.what()) + ")";
        }
    }
    return outcome;
}

std::vector<const ZoneEntry*> selected_zones(const Config& config, const std::vector<std::string>& names) {
    std::vector<const ZoneEntry*> selected;
    if (names.empty()) {
        for (const auto& z : config.zones) selected.push_back(&z);
        return selected;
    }
    std::set<const ZoneEntry*> seen;
    for (const auto& name : names) {
        const ZoneEntry* z = find_zone_entry(config.zones, name);
        if (!z) {
            std::string known;
            for (const auto& c : config.zones) known += (known.empty() ? "" : ", ") + c.name;
            throw UsageError("--zone " + name + ": no such zone in " + config.path +
                             (known.empty() ? " (it has none)" : " (zones: " + known + ")"));
        }
        if (seen.insert(z).second) selected.push_back(z);
    }
    return selected;
}

void write_metrics(const Config& config, const std::string& state_root, const BatchOptions& options, double seconds) {
    std::vector<ZoneReport> reports;
    for (const auto& z : config.zones) {
        ZoneReport report{z.name, std::nullopt};
        try {
            report.record = read_run_record(state_root, z.name);
        } catch (const std::exception&) {
            // Unreadable: reported as never signed.
        }
        reports.push_back(std::move(report));
    }
    write_file_atomically(options.metrics_file, metrics_text(reports, options.now, seconds), 0644);
}

}  // namespace

bool BatchResult::any_failed() const {
    return std::any_of(zones.begin(), zones.end(),
                       [](const ZoneOutcome& z) { return z.result == ZoneOutcome::Result::Failed; });
}

std::string batch_state_root(const Config& config) {
    return config.state_dir.empty() ? default_state_dir() : config.state_dir;
}

BatchResult run_batch(const Config& config, const std::string& state_root, const BatchOptions& options,
                      const std::function<void(const ZoneOutcome&)>& on_zone) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<const ZoneEntry*> zones = selected_zones(config, options.zones);
    const StatePaths state = prepare_state_dir(state_root);
    const RunLock lock(state.root + "/run.lock", options.wait);
    BatchResult result;
    for (const ZoneEntry* zone : zones) {
        result.zones.push_back(run_zone(*zone, config, state, options));
        if (on_zone) on_zone(result.zones.back());
    }
    result.seconds = seconds_since(start);
    if (!options.metrics_file.empty()) {
        try {
            write_metrics(config, state.root, options, result.seconds);
        } catch (const std::exception& e) {
            throw Error("cannot write the metrics file: " + std::string(e.what()));
        }
    }
    return result;
}

}  // namespace zs::signer
