// `zonesigner simulate` and `zonesigner plan`: the command lines of the
// rollover simulator (signer/simulator.hpp).
#include <cctype>
#include <filesystem>
#include <iostream>

#include "common/error.hpp"
#include "keymgr/key_db.hpp"
#include "signer/cli_common.hpp"
#include "signer/config.hpp"
#include "signer/log.hpp"
#include "signer/policy_lookup.hpp"
#include "signer/sign_pipeline.hpp"
#include "signer/simulation_workspace.hpp"
#include "signer/simulator.hpp"
#include "signer/state_dir.hpp"

namespace zs::signer {

namespace {

// A time as the simulator's options take it: YYYYMMDDHHMMSS, unix seconds,
// YYYY-MM-DD[THH:MM:SS[Z]], or +DURATION after `base`.
UnixTime simulation_time(const std::string& option, const std::string& text, UnixTime base) {
    if (!text.empty() && text[0] == '+') {
        if (auto d = parse_duration(text.substr(1))) return base + *d;
    } else if (auto t = parse_time(text)) {
        return *t;
    } else if (text.size() >= 10 && text[4] == '-' && text[7] == '-') {
        std::string digits;
        for (char c : text)
            if (c >= '0' && c <= '9') digits += c;
        const bool ends_ok = text.size() == 10 || text.back() == 'Z' || std::isdigit(static_cast<unsigned char>(text.back()));
        if (ends_ok && (digits.size() == 8 || digits.size() == 14)) {
            if (digits.size() == 8) digits += "000000";
            if (auto t = parse_time(digits)) return *t;
        }
    }
    throw UsageError("--" + option + ": '" + text +
                     "' is not a time (YYYYMMDDHHMMSS or YYYY-MM-DD[THH:MM:SSZ] in UTC, unix seconds, or +DURATION)");
}

// The policy the zone was last signed with, read from a copy of the key
// database (opening the real one could migrate it).
std::string recorded_policy(const std::string& state_dir, const std::string& zone) {
    const std::string db_path = state_dir + "/keys.db";
    if (!std::filesystem::exists(db_path)) return {};
    TemporaryDirectory scratch;
    const std::string copy = scratch.path() + "/recorded.db";
    copy_sqlite_database(db_path, copy);
    keymgr::KeyDb db(copy);
    auto record = db.find_zone(zone);
    return record ? record->policy : std::string();
}

void add_common_options(po::options_description& opts) {
    opts.add_options()
        ("help,h", "show this help")
        ("zone,z", po::value<std::string>()->required(), "zone name")
        ("policy", po::value<std::string>(), "policy name (of the configuration, or `default`) or policy file "
                                              "(default: the zone's recorded policy)")
        ("policy-change", po::value<std::vector<std::string>>()->composing(),
         "TIME=POLICY: switch to another policy at TIME (repeatable)")
        ("until", po::value<std::string>()->required(), "end of the simulated time (a time, or +DURATION)")
        ("ds-seen-after", po::value<std::string>(), "simulate the parent: it publishes the DS set the zone asks for "
                                                    "this long after, then ds-seen/ds-gone are recorded")
        ("state-dir", po::value<std::string>(), "the real state to start from (only read; default: "
                                                "$ZONESIGNER_STATE_DIR, /var/lib/zonesigner as root, else "
                                                "~/.local/state/zonesigner)")
        ("fresh", po::bool_switch(), "start with no keys instead of a copy of the state");
}

void read_common(const po::variables_map& vm, const std::string& config_option, UnixTime from, SimulationOptions& o,
                 Config& config) {
    o.zone = normalise_zone_name(vm["zone"].as<std::string>());
    o.state_dir = vm.count("state-dir") ? vm["state-dir"].as<std::string>() : default_state_dir();
    o.fresh = vm["fresh"].as<bool>();
    o.from = from;
    o.until = simulation_time("until", vm["until"].as<std::string>(), from);
    config = load_config(config_option, o.state_dir);
    std::string name = vm.count("policy") ? vm["policy"].as<std::string>() : std::string();
    if (name.empty() && !o.fresh) name = recorded_policy(o.state_dir, o.zone);
    if (name.empty())
        throw UsageError("zone " + o.zone + " has no recorded policy: name one with --policy (e.g. --policy default)");
    o.policy = resolve_policy(config, name);
    if (vm.count("policy-change"))
        for (const auto& text : vm["policy-change"].as<std::vector<std::string>>()) {
            const auto eq = text.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
                throw UsageError("--policy-change: '" + text + "' is not TIME=POLICY");
            PolicyChange change;
            change.time = simulation_time("policy-change", text.substr(0, eq), from);
            change.policy = resolve_policy(config, text.substr(eq + 1));
            o.changes.push_back(std::move(change));
        }
    if (vm.count("ds-seen-after")) o.ds_seen_after = duration_option("ds-seen-after", vm["ds-seen-after"].as<std::string>());
}

int finish(const SimulationReport& report) {
    if (report.violation) throw Error("at " + format_iso8601(report.violation_time) + ": " + *report.violation);
    return 0;
}

}  // namespace

int run_simulate_command(int argc, char** argv) {
    const std::string usage =
        "zonesigner simulate --zone NAME --input FILE --policy P --until TIME [--from TIME] [--ds-seen-after D] "
        "[--policy-change TIME=POLICY]... [--state-dir DIR | --fresh] [--config FILE] [--keep-outputs DIR] "
        "[--quiet] [--verify full|sample|structure]";
    po::options_description opts("simulate options");
    add_common_options(opts);
    opts.add_options()
        ("input,i", po::value<std::string>()->required(), "unsigned zone file")
        ("from", po::value<std::string>(), "start of the simulated time (default: now)")
        ("config", po::value<std::string>(), "signer configuration to simulate with (default: software signers in a "
                                             "throwaway directory; policies are looked up in the configuration)")
        ("ds-seen-wrong-key", po::bool_switch(), "TEST: after its first DS set the parent confirms DS changes it "
                                                 "never publishes (the simulation must fail)")
        ("zone-propagation-delay", po::value<std::string>(), "the validators' world (default: the largest of the policies)")
        ("parent-propagation-delay", po::value<std::string>(), "the validators' world (default: the largest of the policies)")
        ("parent-ds-ttl", po::value<std::string>(), "TTL of the simulated parent's DS (default: the largest of the policies)")
        ("keep-outputs", po::value<std::string>(), "save the signed zone of every step with a key event as DIR/UNIXTIME.zone")
        ("quiet,q", po::bool_switch(), "print steps with events only")
        ("verify", po::value<std::string>()->default_value("structure"),
         "the signer's own check at each step (full, sample or structure); every step's output is also verified "
         "in full separately");
    po::variables_map vm;
    if (parse_command(argc, argv, 1, usage, opts, nullptr, vm)) return 0;

    SimulationOptions o;
    const UnixTime from =
        vm.count("from") ? simulation_time("from", vm["from"].as<std::string>(), now_unix()) : now_unix();
    Config config;
    const std::string config_option = vm.count("config") ? vm["config"].as<std::string>() : std::string();
    read_common(vm, config_option, from, o, config);
    o.input = vm["input"].as<std::string>();
    if (!std::filesystem::exists(o.input)) throw UsageError("--input: " + o.input + " does not exist");
    o.signer_config = config_option.empty() ? std::string() : std::filesystem::absolute(config_option).string();
    o.source_config = config_option;
    o.ds_seen_wrong_key = vm["ds-seen-wrong-key"].as<bool>();
    if (o.ds_seen_wrong_key && !o.ds_seen_after) throw UsageError("--ds-seen-wrong-key needs --ds-seen-after");
    if (vm.count("zone-propagation-delay"))
        o.zone_propagation_delay = duration_option("zone-propagation-delay", vm["zone-propagation-delay"].as<std::string>());
    if (vm.count("parent-propagation-delay"))
        o.parent_propagation_delay =
            duration_option("parent-propagation-delay", vm["parent-propagation-delay"].as<std::string>());
    if (vm.count("parent-ds-ttl"))
        o.parent_ds_ttl = static_cast<std::uint32_t>(duration_option("parent-ds-ttl", vm["parent-ds-ttl"].as<std::string>()));
    if (vm.count("keep-outputs")) o.keep_outputs = vm["keep-outputs"].as<std::string>();
    o.quiet = vm["quiet"].as<bool>();
    const std::string verify = vm["verify"].as<std::string>();
    if (verify == "full") o.step_verify = zone::VerifyMode::Full;
    else if (verify == "sample") o.step_verify = zone::VerifyMode::Sample;
    else if (verify == "structure") o.step_verify = zone::VerifyMode::Structure;
    else throw UsageError("--verify must be full, sample or structure");

    return finish(run_simulation(o, std::cout));
}

int run_plan_command(int argc, char** argv) {
    const std::string usage =
        "zonesigner plan --zone NAME --until TIME [--policy P] [--now TIME] [--ds-seen-after D] "
        "[--policy-change TIME=POLICY]... [--state-dir DIR | --fresh] [--config FILE]";
    po::options_description opts("plan options");
    add_common_options(opts);
    opts.add_options()
        ("now", po::value<std::string>(), "plan from this time (default: now)")
        ("config", po::value<std::string>(), "the signer configuration (policies; default: $ZONESIGNER_CONFIG, else "
                                             "STATE_DIR/zonesigner.yaml)");
    po::variables_map vm;
    if (parse_command(argc, argv, 1, usage, opts, nullptr, vm)) return 0;

    SimulationOptions o;
    const UnixTime from = vm.count("now") ? simulation_time("now", vm["now"].as<std::string>(), now_unix()) : now_unix();
    Config config;
    const std::string config_option = vm.count("config") ? vm["config"].as<std::string>() : std::string();
    read_common(vm, config_option, from, o, config);
    o.source_config = config_option;
    o.quiet = true;
    return finish(run_simulation(o, std::cout));
}

}  // namespace zs::signer
