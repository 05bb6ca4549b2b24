// `zonesigner zone list|add|remove`: show and edit the `zones:` list of the
// configuration file (signer/zone_config_edit.hpp keeps its comments).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "signer/cli_common.hpp"
#include "signer/config.hpp"
#include "signer/log.hpp"
#include "signer/policy_lookup.hpp"
#include "signer/sign_pipeline.hpp"
#include "signer/state_dir.hpp"
#include "signer/zone_config.hpp"
#include "signer/zone_config_edit.hpp"

namespace zs::signer {

namespace {

const char* kZoneUsage =
    "usage: zonesigner zone list|add|remove [options]\n"
    "  zone list [--config FILE]\n"
    "  zone add NAME --input FILE --output FILE [--policy NAME|FILE] [--notify COMMAND] [--threads N]\n"
    "           [--verify full|sample|structure] [--serial MODE] [--config FILE]\n"
    "  zone remove NAME [--config FILE]\n";

std::string config_option(const po::variables_map& vm) {
    return batch_config_path(vm.count("config") ? vm["config"].as<std::string>() : "");
}

std::string absolute(const std::string& path) {
    if (path.empty() || path.front() == '/') return path;
    std::string cwd(4096, '\0');
    if (!::getcwd(cwd.data(), cwd.size())) throw SystemError("cannot find the current directory", ".", errno);
    cwd.resize(cwd.find('\0'));
    return cwd + "/" + (path.rfind("./", 0) == 0 ? path.substr(2) : path);
}

// The file's permission bits, to keep them; 0644 for a new file.
unsigned file_mode(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0644;
    return st.st_mode & 07777;
}

int zone_list(int argc, char** argv) {
    po::options_description opts("zone list options");
    opts.add_options()("help,h", "show this help")("config", po::value<std::string>(), "configuration file");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, "zonesigner zone list [--config FILE]", opts, nullptr, vm)) return 0;
    const Config config = read_config_file(config_option(vm), default_state_dir());
    for (const auto& z : config.zones) {
        std::cout << z.name << "\n  input:  " << z.input << "\n  output: " << z.output
                  << "\n  policy: " << (z.policy.empty() ? "default" : z.policy) << "\n";
        if (!z.notify.empty()) std::cout << "  notify: " << z.notify << "\n";
        if (z.threads) std::cout << "  threads: " << *z.threads << "\n";
        if (z.verify) std::cout << "  verify: " << to_string(*z.verify) << "\n";
        if (z.serial) std::cout << "  serial: " << policy::to_string(*z.serial) << "\n";
    }
    return 0;
}

void write_config(const std::string& path, const EditedText& edited) {
    write_file_atomically(path, edited.text, file_mode(path));
    if (edited.comments_lost)
        log_warning("the zones list of " + path +
                    " is not a block list, so the file was rewritten by the YAML emitter: its comments were not kept");
}

int zone_add(int argc, char** argv) {
    po::options_description opts("zone add options");
    opts.add_options()
        ("help,h", "show this help")
        ("name", po::value<std::string>()->required(), "zone name")
        ("input,i", po::value<std::string>()->required(), "unsigned master file")
        ("output,o", po::value<std::string>()->required(), "signed output file (DS records go to OUTPUT.ds)")
        ("policy", po::value<std::string>(), "a policy of the configuration, a policy file, or default (the default)")
        ("notify", po::value<std::string>(), "command run after a new output is in place; %zone and %file are replaced")
        ("threads", po::value<unsigned>(), "signing threads (default: the number of cores)")
        ("verify", po::value<std::string>(), "full, sample (default) or structure")
        ("serial", po::value<std::string>(), "keep, increment, unixtime or datecounter (default: the policy's)")
        ("config", po::value<std::string>(), "configuration file (created if missing)");
    po::positional_options_description positional;
    positional.add("name", 1);
    po::variables_map vm;
    const std::string usage =
        "zonesigner zone add NAME --input FILE --output FILE [--policy NAME|FILE] [--notify COMMAND] [--threads N] "
        "[--verify MODE] [--serial MODE] [--config FILE]";
    if (parse_command(argc, argv, 2, usage, opts, &positional, vm)) return 0;
    const std::string path = config_option(vm);
    const std::string name = normalise_zone_name(vm["name"].as<std::string>());
    const std::string text = file_exists(path) ? read_file(path) : "";
    if (!text.empty()) {
        const Config config = parse_config(text, path, default_state_dir());
        if (const ZoneEntry* z = find_zone_entry(config.zones, name))
            throw Error("zone " + name + " is already configured at " + path + ":" + std::to_string(z->place.line) +
                        " (remove it first to change it)");
    }

    ZoneFields fields = {{"name", name},
                         {"input", absolute(vm["input"].as<std::string>())},
                         {"output", absolute(vm["output"].as<std::string>())}};
    if (vm.count("policy")) {
        std::string policy = vm["policy"].as<std::string>();
        if (file_exists(policy)) policy = absolute(policy);
        fields.emplace_back("policy", policy);
    }
    for (const char* key : {"notify", "verify", "serial"})
        if (vm.count(key)) fields.emplace_back(key, vm[key].as<std::string>());
    if (vm.count("threads")) fields.emplace_back("threads", std::to_string(vm["threads"].as<unsigned>()));
    for (const auto& [key, value] : fields)
        if (value.find('\n') != std::string::npos) throw UsageError("--" + key + " must be one line");

    const EditedText edited = add_zone_text(text, path, fields);
    // The whole file must still be a valid configuration, naming a known policy.
    const Config after = parse_config(edited.text, path, default_state_dir());
    const ZoneEntry* added = find_zone_entry(after.zones, name);
    if (!added) throw Error("internal error: zone " + name + " is missing after adding it to " + path);
    resolve_policy(after, added->policy.empty() ? "default" : added->policy);
    write_config(path, edited);
    log_info("added zone " + name + " to " + path);
    return 0;
}

int zone_remove(int argc, char** argv) {
    po::options_description opts("zone remove options");
    opts.add_options()
        ("help,h", "show this help")
        ("name", po::value<std::string>()->required(), "zone name")
        ("config", po::value<std::string>(), "configuration file");
    po::positional_options_description positional;
    positional.add("name", 1);
    po::variables_map vm;
    if (parse_command(argc, argv, 2, "zonesigner zone remove NAME [--config FILE]", opts, &positional, vm)) return 0;
    const std::string path = config_option(vm);
    const std::string name = normalise_zone_name(vm["name"].as<std::string>());
    const std::string text = read_file(path);
    const Config before = parse_config(text, path, default_state_dir());
    if (!find_zone_entry(before.zones, name)) throw Error(path + " has no zone " + name);
    const EditedText edited = remove_zone_text(text, path, name);
    const Config after = parse_config(edited.text, path, default_state_dir());
    if (find_zone_entry(after.zones, name) || after.zones.size() + 1 != before.zones.size())
        throw Error("internal error: removing zone " + name + " from " + path + " did not remove exactly that zone");
    write_config(path, edited);
    log_info("removed zone " + name + " from " + path +
             " (its keys, run record and signed output are left in place)");
    return 0;
}

}  // namespace

int run_zone_command(int argc, char** argv) {
    if (argc < 3) throw UsageError(std::string("missing zone subcommand\n") + kZoneUsage);
    const std::string sub = argv[2];
    if (sub == "list") return zone_list(argc, argv);
    if (sub == "add") return zone_add(argc, argv);
    if (sub == "remove") return zone_remove(argc, argv);
    if (sub == "--help" || sub == "-h") {
        std::cout << kZoneUsage;
        return 0;
    }
    throw UsageError("unknown zone subcommand '" + sub + "'\n" + kZoneUsage);
}

}  // namespace zs::signer
