// `zonesigner key ...`: the dispatcher, and the read-only subcommands list,
// export-ds and log. The others: cli_key_status.cpp, cli_key_change.cpp
// (generate, ds-seen, ds-gone, rollover, delete), cli_key_import.cpp.
#include <cstdio>
#include <iostream>
#include <map>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "keymgr/key_db.hpp"
#include "signer/cli_common.hpp"
#include "signer/cli_key_common.hpp"
#include "signer/ds_output.hpp"
#include "signer/sign_pipeline.hpp"
#include "signer/zone_key_sets.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

namespace {

const keymgr::KeyState* state_of(const std::vector<keymgr::KeyState>& states, std::int64_t id) {
    for (const auto& s : states)
        if (s.id == id) return &s;
    return nullptr;
}

// The key's state of that record, or "-" for a record its role lacks.
std::string state_cell(const keymgr::KeyState* s, keymgr::Record r) {
    if (!s) return "?";
    if (!role_has_record(s->role, r)) return "-";
    return keymgr::to_string((*s)[r]);
}

int key_list(int argc, char** argv) {
    const std::string usage = "zonesigner key list [--zone Z] [--json] [--state-dir DIR] [--config FILE]";
    po::options_description opts("key list options");
    add_key_command_options(opts, false);
    opts.add_options()
        ("zone,z", po::value<std::string>(), "only this zone")
        ("json", po::bool_switch(), "JSON output");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    keymgr::KeyDb db(prepare_state_dir(state_dir_option(vm)).database);
    const std::string zone = vm.count("zone") ? zone_option(vm) : "";
    const auto keys = db.list(zone);
    std::map<std::string, std::vector<keymgr::KeyState>> states;  // by zone
    for (const auto& k : keys)
        if (!states.count(k.zone)) states[k.zone] = db.load_states(k.zone);

    if (vm["json"].as<bool>()) {
        std::cout << "[";
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const auto& k = keys[i];
            const keymgr::KeyState* s = state_of(states[k.zone], k.id);
            std::cout << (i ? ",\n " : "\n ") << "{\"zone\": " << json_string(k.zone) << ", \"role\": \""
                      << keymgr::to_string(k.role) << "\", \"algorithm\": " << unsigned(k.algorithm)
                      << ", \"bits\": " << k.bits << ", \"key_tag\": " << k.key_tag << ", \"flags\": " << k.flags
                      << ", \"signer\": " << json_string(k.signer) << ", \"id\": " << json_string(k.native_id)
                      << ", \"created\": " << json_time(k.created) << ", \"published\": " << json_time(k.published)
                      << ", \"active\": " << json_time(k.active) << ", \"retired\": " << json_time(k.retired)
                      << ", \"removed\": " << json_time(k.removed)
                      << ", \"backup_pending\": " << (k.backup_pending ? "true" : "false");
            if (s) {
                std::cout << ", \"goal\": \"" << (s->goal == keymgr::KeyGoal::Omnipresent ? "omnipresent" : "hidden")
                          << "\", \"states\": {";
                for (std::size_t r = 0; r < keymgr::kRecordCount; ++r)
                    std::cout << (r ? ", " : "") << json_string(keymgr::to_string(kAllRecords[r])) << ": \""
                              << keymgr::to_string(s->state[r]) << "\"";
                std::cout << "}, \"since\": {";
                for (std::size_t r = 0; r < keymgr::kRecordCount; ++r)
                    std::cout << (r ? ", " : "") << json_string(keymgr::to_string(kAllRecords[r])) << ": "
                              << json_time(s->changed[r]);
                std::cout << "}, \"active_since\": " << json_time(s->active_since)
                          << ", \"retire_requested\": " << json_time(s->retire_requested)
                          << ", \"ds_seen\": " << json_time(s->ds_seen) << ", \"ds_gone\": " << json_time(s->ds_gone);
            }
            std::cout << ", \"dnskey\": \"" << to_base64(k.dnskey_rdata) << "\"}";
        }
        std::cout << (keys.empty() ? "]\n" : "\n]\n");
        return 0;
    }
    std::printf("%-24s %-4s %-6s %-16s %-8s %-11s %-11s %-11s %-11s %-11s %-34s %s\n", "ZONE", "ROLE", "TAG",
                "ALGORITHM", "SIGNER", "GOAL", "DS", "DNSKEY", "RRSIG-K", "RRSIG-Z", "ID", "CREATED");
    for (const auto& k : keys) {
        const keymgr::KeyState* s = state_of(states[k.zone], k.id);
        const std::string goal = !s ? "?" : s->goal == keymgr::KeyGoal::Omnipresent ? "omnipresent" : "hidden";
        std::printf("%-24s %-4s %-6u %-16s %-8s %-11s %-11s %-11s %-11s %-11s %-34s %s\n", k.zone.c_str(),
                    keymgr::to_string(k.role).c_str(), k.key_tag, zone::algorithm_name(k.algorithm).c_str(),
                    k.signer.c_str(), goal.c_str(), state_cell(s, keymgr::Record::Ds).c_str(),
                    state_cell(s, keymgr::Record::Dnskey).c_str(), state_cell(s, keymgr::Record::KrrSig).c_str(),
                    state_cell(s, keymgr::Record::ZrrSig).c_str(), k.native_id.c_str(),
                    format_iso8601(k.created).c_str());
    }
    return 0;
}

int key_export_ds(int argc, char** argv) {
    const std::string usage = "zonesigner key export-ds --zone Z [--ttl T] [--state-dir DIR] [--config FILE]";
    po::options_description opts("key export-ds options");
    add_key_command_options(opts, false);
    opts.add_options()
        ("zone,z", po::value<std::string>()->required(), "zone")
        ("ttl", po::value<std::string>()->default_value("3600"), "TTL of the DS records");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    const std::string state_dir = state_dir_option(vm);
    keymgr::KeyDb db(prepare_state_dir(state_dir).database);
    const std::string zone = zone_option(vm);
    const auto keys = db.list(zone);
    if (keys.empty()) throw Error("zone " + zone + " has no keys in " + state_dir);
    auto ttl = static_cast<std::uint32_t>(duration_option("ttl", vm["ttl"].as<std::string>()));
    // The DS set the parent should publish, as OUTPUT.ds has it: keys whose
    // DS is wanted; for a zone signed without a policy, else the KSKs/CSKs
    // in service (submitted next).
    const auto recorded = db.find_zone(zone);
    const bool submit_next = !recorded || recorded->policy.empty() || recorded->policy == kCommandLinePolicyName;
    std::cout << ds_records_text(zone::name_from_text(zone, zone::Wire(1, '\0')),
                                 ds_set(keys, db.load_states(zone), submit_next), ttl);
    return 0;
}

int key_log(int argc, char** argv) {
    const std::string usage = "zonesigner key log [--zone Z] [--json] [--state-dir DIR] [--config FILE]";
    po::options_description opts("key log options");
    add_key_command_options(opts, false);
    opts.add_options()
        ("zone,z", po::value<std::string>(), "only this zone (and no signer events)")
        ("json", po::bool_switch(), "JSON output");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    keymgr::KeyDb db(prepare_state_dir(state_dir_option(vm)).database);
    const std::string zone = vm.count("zone") ? zone_option(vm) : "";
    const auto entries = db.audit_log(zone);
    // The tag of each key an entry names, deleted keys included.
    std::map<std::int64_t, std::string> tags;
    auto tag_of = [&](const std::optional<std::int64_t>& id) -> std::string {
        if (!id) return "-";
        auto it = tags.find(*id);
        if (it == tags.end()) {
            auto key = db.find_key(*id);
            it = tags.emplace(*id, key ? std::to_string(key->key_tag) : "#" + std::to_string(*id)).first;
        }
        return it->second;
    };
    if (vm["json"].as<bool>()) {
        std::cout << "[";
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto& e = entries[i];
            std::cout << (i ? ",\n " : "\n ") << "{\"time\": " << json_time(e.time)
                      << ", \"zone\": " << json_string(e.zone) << ", \"key_tag\": "
                      << (e.key_id ? tag_of(e.key_id) : "null") << ", \"event\": " << json_string(e.event)
                      << ", \"detail\": " << json_string(e.detail) << ", \"user\": " << json_string(e.user) << "}";
        }
        std::cout << (entries.empty() ? "]\n" : "\n]\n");
        return 0;
    }
    std::printf("%-20s %-24s %-6s %-26s %-10s %s\n", "TIME", "ZONE", "KEY", "EVENT", "USER", "DETAIL");
    for (const auto& e : entries)
        std::printf("%-20s %-24s %-6s %-26s %-10s %s\n", format_iso8601(e.time).c_str(),
                    e.zone.empty() ? "-" : e.zone.c_str(), tag_of(e.key_id).c_str(), e.event.c_str(),
                    e.user.empty() ? "-" : e.user.c_str(), e.detail.c_str());
    return 0;
}

}  // namespace

int run_key_command(int argc, char** argv) {
    const std::string usage =
        "zonesigner key list|status|export-ds|generate|import|ds-seen|ds-gone|rollover|delete|log [options]";
    if (argc < 3 || std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h") {
        if (argc >= 3) {
            std::cout << "usage: " << usage << "\n\n"
                      << "  list       the keys of all zones or one, with their states\n"
                      << "  status     one zone's keys, record states and times; --explain: what each waits for\n"
                      << "  export-ds  the DS records the parent should publish\n"
                      << "  generate   create a key ahead of need (the key manager uses it)\n"
                      << "  import     bring a BIND or PEM private key into a signer\n"
                      << "  ds-seen    record that the parent publishes a key's DS\n"
                      << "  ds-gone    record that the parent no longer publishes a key's DS\n"
                      << "  rollover   start a rollover of the zone's keys of a role\n"
                      << "  delete     delete a key whose records are all hidden\n"
                      << "  log        the audit log\n"
                      << "\n'zonesigner key SUBCOMMAND --help' describes each.\n";
            return 0;
        }
        throw UsageError("missing key subcommand (usage: " + usage + ")");
    }
    const std::string sub = argv[2];
    if (sub == "list") return key_list(argc, argv);
    if (sub == "export-ds") return key_export_ds(argc, argv);
    if (sub == "log") return key_log(argc, argv);
    if (sub == "status") return run_key_status(argc, argv);
    if (sub == "generate") return run_key_generate(argc, argv);
    if (sub == "import") return run_key_import(argc, argv);
    if (sub == "ds-seen") return run_key_ds_seen(argc, argv);
    if (sub == "ds-gone") return run_key_ds_gone(argc, argv);
    if (sub == "rollover") return run_key_rollover(argc, argv);
    if (sub == "delete") return run_key_delete(argc, argv);
    throw UsageError("unknown key subcommand '" + sub + "' (usage: " + usage + ")");
}

}  // namespace zs::signer
