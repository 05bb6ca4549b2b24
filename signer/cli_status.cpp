// `zonesigner status`: per configured zone, what its run record says: the
// last successful signing, the serial, the runway (earliest signature
// expiration in the published output, from now), the next key event and
// the last error. --json for programs; --check for Nagios-style monitoring
// (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, including usage errors).
#include <cstring>
#include <iostream>

#include "common/error.hpp"
#include "signer/batch_report.hpp"
#include "signer/batch_run.hpp"
#include "signer/cli_common.hpp"
#include "signer/config.hpp"
#include "signer/run_record.hpp"
#include "signer/state_dir.hpp"
#include "signer/zone_config.hpp"

namespace zs::signer {

namespace {


template <typename T>
std::string json_time(const std::optional<T>& t) {
    return t ? json_string(format_iso8601(*t)) : "null";
}

std::string json_text(const std::string& text) { return text.empty() ? "null" : json_string(text); }

std::string status_json(const Config& config, const std::string& state_root, const std::vector<ZoneReport>& reports,
                        UnixTime now) {
    std::string out = "{\n  \"now\": " + json_string(format_iso8601(now)) + ",\n  \"config\": " +
                      json_string(config.path) + ",\n  \"state_dir\": " + json_string(state_root) + ",\n  \"zones\": [";
    for (std::size_t i = 0; i < reports.size(); ++i) {
        const ZoneEntry& z = config.zones[i];
        const RunRecord r = reports[i].record.value_or(RunRecord{});
        out += i ? ",\n    {" : "\n    {";
        out += "\"zone\": " + json_string(z.name);
        out += ", \"input\": " + json_string(z.input);
        out += ", \"output\": " + json_string(z.output);
        out += ", \"policy\": " + json_string(z.policy.empty() ? "default" : z.policy);
        out += ", \"last_attempt\": " + json_time(r.last_attempt);
        out += ", \"last_success\": " + json_time(r.last_success);
        out += ", \"serial\": " + (r.serial ? std::to_string(*r.serial) : std::string("null"));
        out += ", \"runway_end\": " + json_time(r.runway_end);
        out += ", \"runway_seconds\": " + (r.runway_end ? std::to_string(*r.runway_end - now) : std::string("null"));
        out += ", \"next_key_event\": " + json_time(r.next_key_event);
        out += ", \"signatures\": " + std::to_string(r.signatures);
        out += ", \"signatures_reused\": " + std::to_string(r.signatures_reused);
        out += ", \"last_error\": " + json_text(r.last_error);
        out += ", \"last_error_time\": " + json_time(r.last_error_time);
        out += "}";
    }
    out += reports.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

std::string status_table(const std::vector<ZoneReport>& reports, UnixTime now) {
    std::vector<std::vector<std::string>> rows = {
        {"ZONE", "SERIAL", "LAST SUCCESS", "RUNWAY", "NEXT KEY EVENT", "LAST ERROR"}};
    for (const auto& report : reports) {
        const RunRecord r = report.record.value_or(RunRecord{});
        std::string error = r.last_error.substr(0, r.last_error.find('\n'));
        rows.push_back({report.zone, r.serial ? std::to_string(*r.serial) : "-",
                        r.last_success ? format_iso8601(*r.last_success) : "never",
                        r.runway_end ? format_runway(*r.runway_end - now) : "-",
                        r.next_key_event ? format_iso8601(*r.next_key_event) : "-", error.empty() ? "-" : error});
    }
    std::vector<std::size_t> width(rows.front().size(), 0);
    for (const auto& row : rows)
        for (std::size_t c = 0; c + 1 < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

int status(int argc, char** argv, bool check) {
    const std::string usage =
        "zonesigner status [--config FILE] [--json] [--check [--warn D] [--crit D]] [--now TIME]";
    po::options_description opts("status options");
    opts.add_options()
        ("help,h", "show this help")
        ("config", po::value<std::string>(), "configuration with the zones (default: $ZONESIGNER_CONFIG, else /etc/zonesigner/zonesigner.yaml)")
        ("json", po::bool_switch(), "JSON instead of a table")
        ("check", po::bool_switch(), "Nagios-style check: one summary line, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN")
        ("warn", po::value<std::string>()->default_value("3d"), "--check: WARNING when a zone's runway is below this")
        ("crit", po::value<std::string>()->default_value("1d"), "--check: CRITICAL when a zone's runway is below this")
        ("now", po::value<std::string>(), "the time to use (YYYYMMDDHHMMSS UTC or unix seconds)");
    po::variables_map vm;
    if (parse_command(argc, argv, 1, usage, opts, nullptr, vm)) return 0;
    const UnixTime now = time_option(vm, "now");
    const Seconds warn = duration_option("warn", vm["warn"].as<std::string>());
    const Seconds crit = duration_option("crit", vm["crit"].as<std::string>());
    if (crit > warn) throw UsageError("--crit (" + format_duration(crit) + ") must not exceed --warn (" + format_duration(warn) + ")");
    if (vm["json"].as<bool>() && check) throw UsageError("--json and --check exclude each other");

    const std::string path = batch_config_path(vm.count("config") ? vm["config"].as<std::string>() : "");
    const Config config = read_config_file(path, default_state_dir());
    const std::string state_root = batch_state_root(config);
    std::vector<ZoneReport> reports;
    for (const auto& z : config.zones) reports.push_back({z.name, read_run_record(state_root, z.name)});

    if (check) {
        const CheckResult result = check_zones(reports, now, warn, crit);
        std::cout << result.text;
        return static_cast<int>(result.status);
    }
    if (vm["json"].as<bool>()) std::cout << status_json(config, state_root, reports, now);
    else std::cout << status_table(reports, now);
    return 0;
}

}  // namespace

int run_status_command(int argc, char** argv) {
    bool check = false;
    for (int i = 2; i < argc; ++i)
        if (std::strcmp(argv[i], "--check") == 0) check = true;
    if (!check) return status(argc, argv, false);
    // A Nagios plugin answers on stdout and exits 3 (UNKNOWN) when it cannot
    // tell, usage errors included: 2 would read as CRITICAL.
    try {
        return status(argc, argv, true);
    } catch (const std::exception& e) {
        std::string what = e.what();
        std::cout << "ZONESIGNER UNKNOWN - " << what.substr(0, what.find('\n')) << "\n";
        return 3;
    }
}

}  // namespace zs::signer
