#include <iostream>

#include "common/error.hpp"
#include "common/encoding.hpp"
#include "keymgr/key_db.hpp"
#include "signer/cli_common.hpp"
#include "signer/ds_output.hpp"
#include "signer/sign_pipeline.hpp"
#include "signer/state_dir.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

namespace {

std::string json_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

std::string optional_time(const std::optional<UnixTime>& t) {
    return t ? "\"" + format_iso8601(*t) + "\"" : "null";
}

int key_list(int argc, char** argv) {
    const std::string usage = "zonesigner key list [--zone Z] [--json] [--state-dir DIR]";
    po::options_description opts("key list options");
    opts.add_options()
        ("help,h", "show this help")
        ("zone,z", po::value<std::string>(), "only this zone")
        ("json", po::bool_switch(), "JSON output")
        ("state-dir", po::value<std::string>(), "state directory");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    const std::string state_dir = vm.count("state-dir") ? vm["state-dir"].as<std::string>() : default_state_dir();
    keymgr::KeyDb db(prepare_state_dir(state_dir).database);
    const std::string zone = vm.count("zone") ? normalise_zone_name(vm["zone"].as<std::string>()) : "";
    auto keys = db.list(zone);
    if (vm["json"].as<bool>()) {
        std::cout << "[";
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const auto& k = keys[i];
            std::cout << (i ? ",\n " : "\n ") << "{\"zone\": \"" << json_escape(k.zone) << "\", \"role\": \""
                      << keymgr::to_string(k.role) << "\", \"algorithm\": " << unsigned(k.algorithm)
                      << ", \"key_tag\": " << k.key_tag << ", \"flags\": " << k.flags << ", \"signer\": \""
                      << json_escape(k.signer) << "\", \"id\": \"" << json_escape(k.native_id)
                      << "\", \"created\": " << optional_time(k.created) << ", \"published\": "
                      << optional_time(k.published) << ", \"active\": " << optional_time(k.active)
                      << ", \"dnskey\": \"" << to_base64(k.dnskey_rdata) << "\"}";
        }
        std::cout << (keys.empty() ? "]\n" : "\n]\n");
        return 0;
    }
    std::printf("%-24s %-4s %-6s %-18s %-10s %-34s %s\n", "ZONE", "ROLE", "TAG", "ALGORITHM", "SIGNER", "ID",
                "CREATED");
    for (const auto& k : keys)
        std::printf("%-24s %-4s %-6u %-18s %-10s %-34s %s\n", k.zone.c_str(), keymgr::to_string(k.role).c_str(),
                    k.key_tag, zone::algorithm_name(k.algorithm).c_str(), k.signer.c_str(), k.native_id.c_str(),
                    format_iso8601(k.created).c_str());
    return 0;
}

int key_export_ds(int argc, char** argv) {
    const std::string usage = "zonesigner key export-ds --zone Z [--ttl T] [--state-dir DIR]";
    po::options_description opts("key export-ds options");
    opts.add_options()
        ("help,h", "show this help")
        ("zone,z", po::value<std::string>()->required(), "zone")
        ("ttl", po::value<std::string>()->default_value("3600"), "TTL of the DS records")
        ("state-dir", po::value<std::string>(), "state directory");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    const std::string state_dir = vm.count("state-dir") ? vm["state-dir"].as<std::string>() : default_state_dir();
    keymgr::KeyDb db(prepare_state_dir(state_dir).database);
    const std::string zone = normalise_zone_name(vm["zone"].as<std::string>());
    auto keys = db.list(zone);
    if (keys.empty()) throw Error("zone " + zone + " has no keys in " + state_dir);
    auto ttl = static_cast<std::uint32_t>(duration_option("ttl", vm["ttl"].as<std::string>()));
    std::cout << ds_records_text(zone::name_from_text(zone, zone::Wire(1, '\0')), keys, ttl);
    return 0;
}

}  // namespace

int run_key_command(int argc, char** argv) {
    const std::string usage = "zonesigner key list|export-ds [options]";
    if (argc < 3 || std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h") {
        if (argc >= 3) {
            std::cout << "usage: " << usage << "\n";
            return 0;
        }
        throw UsageError("missing key subcommand (usage: " + usage + ")");
    }
    const std::string sub = argv[2];
    if (sub == "list") return key_list(argc, argv);
    if (sub == "export-ds") return key_export_ds(argc, argv);
    throw UsageError("unknown key subcommand '" + sub + "' (usage: " + usage + ")");
}

}  // namespace zs::signer
