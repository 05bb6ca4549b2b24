// `zonesigner key import`: a private key made elsewhere (BIND's
// K*.private with its .key, or a PEM file) becomes a key of the zone in one
// of the configured signers, for migrating a zone to zonesigner.
#include <cstdio>

#include "common/error.hpp"
#include "keymgr/private_key_import.hpp"
#include "signer/cli_key_common.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

int run_key_import(int argc, char** argv) {
    const std::string usage =
        "zonesigner key import --zone Z --role KSK|ZSK|CSK (--bind-private FILE | --pem FILE) [--algorithm A] "
        "[--signer S] [--state active|new] [--now TIME] [--state-dir DIR] [--config FILE]";
    po::options_description opts("key import options");
    add_key_command_options(opts, true);
    opts.add_options()
        ("zone,z", po::value<std::string>()->required(), "zone")
        ("role", po::value<std::string>()->required(), "KSK, ZSK or CSK (a BIND key's flags must fit: 257 KSK/CSK, 256 ZSK)")
        ("bind-private", po::value<std::string>(), "BIND private key file K<zone>+<alg>+<tag>.private (its .key is checked if present)")
        ("pem", po::value<std::string>(), "PEM private key file (not encrypted)")
        ("algorithm,a", po::value<std::string>(), "DNSSEC algorithm (needed for RSA PEM keys: default RSASHA256; else checked)")
        ("signer", po::value<std::string>(), "signer to store the key in (default: the new_keys signer)")
        ("state", po::value<std::string>()->default_value("active"),
         "active: in service (the zone already publishes and signs with it); new: every record hidden, the key manager introduces it")
        ("now", po::value<std::string>(), "time of the import (YYYYMMDDHHMMSS UTC or unix seconds; default: now)");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    const std::string role_text = vm["role"].as<std::string>();
    const auto role = policy::parse_role(role_text);
    if (!role) throw UsageError("--role must be KSK, ZSK or CSK, not '" + role_text + "'");
    if (vm.count("bind-private") == vm.count("pem"))
        throw UsageError("give exactly one of --bind-private FILE and --pem FILE (usage: " + usage + ")");
    const std::string state_text = vm["state"].as<std::string>();
    keymgr::ImportedState state = keymgr::ImportedState::Active;
    if (state_text == "new") state = keymgr::ImportedState::New;
    else if (state_text != "active") throw UsageError("--state must be active or new, not '" + state_text + "'");
    std::optional<std::uint8_t> algorithm;
    if (vm.count("algorithm")) {
        algorithm = zone::parse_algorithm(vm["algorithm"].as<std::string>());
        if (!algorithm) throw UsageError("--algorithm: unknown algorithm '" + vm["algorithm"].as<std::string>() + "'");
    }
    const UnixTime now = time_option(vm, "now");

    // Read and check the key before any signer or database is touched.
    const keymgr::PrivateKeyToImport key =
        vm.count("pem") ? keymgr::read_pem_key_for_import(vm["pem"].as<std::string>(), algorithm)
                        : keymgr::read_bind_key_for_import(vm["bind-private"].as<std::string>(), algorithm);
    KeyCommandContext context = open_key_context(vm, KeyCommandNeeds::Signers, now);
    const std::string zone = zone_option(vm);
    hsm::Signer& signer = context.registry->signer_named(vm.count("signer") ? vm["signer"].as<std::string>() : "");
    const keymgr::KeyRecord imported = keymgr::import_zone_key(*context.db, signer, zone, *role, key, state, now);
    std::printf("zone %s: imported %s %u (%s) into signer %s (id %s), %s\n", zone.c_str(),
                keymgr::to_string(imported.role).c_str(), imported.key_tag,
                zone::algorithm_name(imported.algorithm).c_str(), imported.signer.c_str(), imported.native_id.c_str(),
                state == keymgr::ImportedState::Active ? "in service" : "new (the key manager introduces it)");
    return 0;
}

}  // namespace zs::signer
