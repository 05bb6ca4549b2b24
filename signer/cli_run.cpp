// `zonesigner run`: sign the configured zones that are due, quietly enough
// for cron (one line per zone that changed or failed).
#include <syslog.h>

#include <cstdio>
#include <iostream>

#include "common/error.hpp"
#include "signer/batch_run.hpp"
#include "signer/cli_common.hpp"
#include "signer/config.hpp"
#include "signer/due_reasons.hpp"
#include "signer/log.hpp"
#include "signer/state_dir.hpp"
#include "signer/zone_config.hpp"

namespace zs::signer {

namespace {

// Where the run's lines go: stderr (as every command's messages), or syslog
// (ident zonesigner, facility daemon) instead.
class RunLog {
public:
    explicit RunLog(bool use_syslog) : syslog_(use_syslog) {
        if (syslog_) ::openlog("zonesigner", LOG_PID, LOG_DAEMON);
    }
    ~RunLog() {
        if (syslog_) ::closelog();
    }
    RunLog(const RunLog&) = delete;
    RunLog& operator=(const RunLog&) = delete;

    void info(const std::string& text) const { emit(LOG_INFO, "", text); }
    void warning(const std::string& text) const { emit(LOG_WARNING, "warning: ", text); }
    void error(const std::string& text) const { emit(LOG_ERR, "error: ", text); }

private:
    void emit(int priority, const char* prefix, const std::string& text) const {
        if (syslog_) ::syslog(priority, "%s%s", prefix, text.c_str());
        else if (priority == LOG_ERR) log_error(text);
        else if (priority == LOG_WARNING) log_warning(text);
        else log_info(text);
    }
    bool syslog_;
};

void report(const RunLog& log, const ZoneOutcome& z, bool verbose) {
    using Result = ZoneOutcome::Result;
    const bool changed = z.result != Result::UpToDate;
    if (verbose)
        for (const auto& n : z.notes) log.info(z.zone + ": " + n);
    if (changed || verbose)
        for (const auto& w : z.warnings) log.warning(z.zone + ": " + w);
    switch (z.result) {
        case Result::Signed: {
            char line[200];
            std::snprintf(line, sizeof line, ": signed serial %u, %zu signatures made, %zu reused in %.2f s, reasons: ",
                          z.summary.serial, z.summary.signatures, z.summary.signatures_reused, z.summary.seconds);
            log.info(z.zone + line + join_reasons(z.reasons));
            if (verbose) {
                std::string phases;
                for (const auto& [name, seconds] : z.summary.phases) {
                    std::snprintf(line, sizeof line, "%s%s %.3f s", phases.empty() ? "" : ", ", name.c_str(), seconds);
                    phases += line;
                }
                if (!phases.empty()) log.info(z.zone + ": phases: " + phases);
            }
            break;
        }
        case Result::Failed: log.error(z.zone + ": " + z.error); break;
        case Result::UpToDate:
            if (verbose) log.info(z.zone + ": up to date");
            break;
    }
}

}  // namespace

int run_run_command(int argc, char** argv) {
    const std::string usage =
        "zonesigner run [--config FILE] [--zone NAME ...] [--now TIME] [--force] [--no-reuse] [--wait] [--metrics FILE] "
        "[--log stderr|syslog] [-v]";
    po::options_description opts("run options");
    opts.add_options()
        ("help,h", "show this help")
        ("config", po::value<std::string>(), "configuration with the zones (default: $ZONESIGNER_CONFIG, else /etc/zonesigner/zonesigner.yaml)")
        ("zone,z", po::value<std::vector<std::string>>(), "only this zone (repeatable); default: every configured zone")
        ("now", po::value<std::string>(), "the time to use (YYYYMMDDHHMMSS UTC or unix seconds)")
        ("force", po::bool_switch(), "sign every selected zone, due or not")
        ("no-reuse", po::bool_switch(),
         "make every signature anew (and every signed zone's text) instead of reusing the previous signing's")
        ("wait", po::bool_switch(), "wait for a run in progress to end instead of failing at once")
        ("metrics", po::value<std::string>(), "write Prometheus text-format metrics to this file (atomically)")
        ("log", po::value<std::string>()->default_value("stderr"), "where the per-zone lines go: stderr or syslog")
        ("verbose,v", po::bool_switch(), "also list zones that are up to date, key events and warnings");
    po::variables_map vm;
    if (parse_command(argc, argv, 1, usage, opts, nullptr, vm)) return 0;

    const std::string log_target = vm["log"].as<std::string>();
    if (log_target != "stderr" && log_target != "syslog")
        throw UsageError("--log must be stderr or syslog, not '" + log_target + "'");
    BatchOptions options;
    if (vm.count("zone")) options.zones = vm["zone"].as<std::vector<std::string>>();
    options.now = time_option(vm, "now");
    options.force = vm["force"].as<bool>();
    options.no_reuse = vm["no-reuse"].as<bool>();
    options.wait = vm["wait"].as<bool>();
    if (vm.count("metrics")) options.metrics_file = vm["metrics"].as<std::string>();
    const bool verbose = vm["verbose"].as<bool>();

    const RunLog log(log_target == "syslog");
    try {
        const std::string path = batch_config_path(vm.count("config") ? vm["config"].as<std::string>() : "");
        const Config config = read_config_file(path, default_state_dir());
        if (config.zones.empty()) throw Error(path + " configures no zones (add some with 'zonesigner zone add')");
        const BatchResult result =
            run_batch(config, batch_state_root(config), options, [&](const ZoneOutcome& z) { report(log, z, verbose); });
        return result.any_failed() ? 1 : 0;
    } catch (const UsageError&) {
        throw;
    } catch (const std::exception& e) {
        // main prints it on stderr; syslog hears it too.
        if (log_target == "syslog") ::syslog(LOG_ERR, "error: %s", e.what());
        throw;
    }
}

}  // namespace zs::signer
