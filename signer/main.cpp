// zonesigner: one entry point, errors caught once and mapped to exit codes:
// 0 success, 1 failure, 2 usage error.
#include <cstring>
#include <exception>
#include <iostream>

#include "common/error.hpp"
#include "signer/cli_common.hpp"
#include "signer/log.hpp"

namespace {

const char* usage_text =
    "usage: zonesigner COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  sign       sign a zone file (keys are created on first use)\n"
    "  verify     check a signed zone file (structure and signatures)\n"
    "  key list|status|export-ds|log  show keys, their states, the DS set for the parent, the audit log\n"
    "  key generate|import|ds-seen|ds-gone|rollover|delete  change a zone's keys\n"
    "  hsm list|slots|keys|test|bench|backup-done  inspect, test and benchmark the signers (HSMs)\n"
    "  policy check FILE...  check DNSSEC policy files (schema and rollover timing)\n"
    "  plan       print a zone's future key events under its policy (changes nothing)\n"
    "  simulate   run key rollovers and signing on a copy with a virtual clock, checking for validation gaps\n"
    "  run        sign the configured zones that are due (for cron or a systemd timer)\n"
    "  status     per zone: last signing, serial, signature runway, next key event, last error (--check: Nagios)\n"
    "  zone list|add|remove  show and edit the zones of the configuration\n"
    "\n"
    "'zonesigner COMMAND --help' describes each command.\n";

int dispatch(int argc, char** argv) {
    if (argc < 2) throw zs::UsageError("missing command\n" + std::string(usage_text));
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << usage_text;
        return 0;
    }
    if (command == "--version") {
        std::cout << "zonesigner " ZS_VERSION "\n";
        return 0;
    }
    if (command == "sign") return zs::signer::run_sign_command(argc, argv);
    if (command == "verify") return zs::signer::run_verify_command(argc, argv);
    if (command == "key") return zs::signer::run_key_command(argc, argv);
    if (command == "hsm") return zs::signer::run_hsm_command(argc, argv);
    if (command == "policy") return zs::signer::run_policy_command(argc, argv);
    if (command == "plan") return zs::signer::run_plan_command(argc, argv);
    if (command == "simulate") return zs::signer::run_simulate_command(argc, argv);
    if (command == "run") return zs::signer::run_run_command(argc, argv);
    if (command == "status") return zs::signer::run_status_command(argc, argv);
    if (command == "zone") return zs::signer::run_zone_command(argc, argv);
    throw zs::UsageError("unknown command '" + command + "'\n" + usage_text);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return dispatch(argc, argv);
    } catch (const zs::UsageError& e) {
        zs::signer::log_error(e.what());
        return 2;
    } catch (const std::exception& e) {
        zs::signer::log_error(e.what());
        return 1;
    }
}
