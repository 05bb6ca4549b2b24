// `zonesigner policy check FILE... [--config CONFIG]`: schema and semantic
// checks of policy files (and of a configuration's policies). Each finding
// goes to stderr as "zonesigner: error|warning: FILE:LINE:COLUMN: message",
// then one summary line per policy to stdout. Exit 1 if any error.
#include <iostream>

#include "common/error.hpp"
#include "policy/policy_yaml.hpp"
#include "signer/cli_common.hpp"
#include "signer/config.hpp"
#include "signer/log.hpp"
#include "signer/state_dir.hpp"

namespace zs::signer {

namespace {

struct Counts {
    unsigned errors = 0;
    unsigned warnings = 0;
};

std::string plural(unsigned n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string summary(const Counts& c) {
    if (c.errors == 0 && c.warnings == 0) return "OK";
    if (c.errors == 0) return "OK, " + plural(c.warnings, "warning");
    std::string text = plural(c.errors, "error");
    if (c.warnings) text += ", " + plural(c.warnings, "warning");
    return text;
}

// Prints the findings of one parsed policy and its summary line.
Counts report(const std::string& source, const policy::Policy& p) {
    Counts c;
    for (const auto& f : policy::check_policy(p)) {
        const std::string text = f.place.text() + ": " + f.message;
        if (f.severity == policy::PolicyFinding::Severity::Error) {
            log_error(text);
            ++c.errors;
        } else {
            log_warning(text);
            ++c.warnings;
        }
    }
    std::cout << source << ": policy " << p.name << ": " << summary(c) << "\n";
    return c;
}

Counts check_file(const std::string& file) {
    try {
        return report(file, policy::load_policy_file(file));
    } catch (const Error& e) {  // a schema error, or an unreadable file
        log_error(e.what());
        std::cout << file << ": not a valid policy: 1 error\n";
        return {1, 0};
    }
}

Counts check_config(const std::string& file) {
    Config config;
    try {
        config = read_config_file(file, default_state_dir());
    } catch (const Error& e) {
        log_error(e.what());
        std::cout << file << ": not a valid configuration: 1 error\n";
        return {1, 0};
    }
    if (config.policies.empty()) std::cout << file << ": no policies\n";
    Counts total;
    for (const auto& p : config.policies) {
        const Counts c = report(file, p);
        total.errors += c.errors;
        total.warnings += c.warnings;
    }
    return total;
}

int policy_check(int argc, char** argv) {
    const std::string usage = "zonesigner policy check FILE... [--config CONFIG]";
    po::options_description opts("policy check options");
    opts.add_options()
        ("help,h", "show this help")
        ("config,c", po::value<std::string>(), "also check the policies of this configuration file")
        ("file", po::value<std::vector<std::string>>()->composing(), "policy files (YAML)");
    po::positional_options_description positional;
    positional.add("file", -1);
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, &positional, vm)) return 0;
    const std::vector<std::string> files =
        vm.count("file") ? vm["file"].as<std::vector<std::string>>() : std::vector<std::string>{};
    if (files.empty() && !vm.count("config"))
        throw UsageError("no policy file to check (usage: " + usage + ")");

    unsigned errors = 0;
    for (const auto& file : files) errors += check_file(file).errors;
    if (vm.count("config")) errors += check_config(vm["config"].as<std::string>()).errors;
    return errors ? 1 : 0;
}

}  // namespace

int run_policy_command(int argc, char** argv) {
    const std::string usage = "zonesigner policy check FILE... [--config CONFIG]";
    if (argc < 3 || std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h") {
        if (argc >= 3) {
            std::cout << "usage: " << usage << "\n";
            return 0;
        }
        throw UsageError("missing policy subcommand (usage: " + usage + ")");
    }
    const std::string sub = argv[2];
    if (sub == "check") return policy_check(argc, argv);
    throw UsageError("unknown policy subcommand '" + sub + "' (usage: " + usage + ")");
}

}  // namespace zs::signer
