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
    "  key list   list keys\n"
    "  key export-ds  print the DS records of a zone's KSK/CSK\n"
    "  hsm list|slots|keys|test|bench|backup-done  inspect, test and benchmark the signers (HSMs)\n"
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
        std::cout << "zonesigner 0.1.0\n";
        return 0;
    }
    if (command == "sign") return zs::signer::run_sign_command(argc, argv);
    if (command == "verify") return zs::signer::run_verify_command(argc, argv);
    if (command == "key") return zs::signer::run_key_command(argc, argv);
    if (command == "hsm") return zs::signer::run_hsm_command(argc, argv);
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
