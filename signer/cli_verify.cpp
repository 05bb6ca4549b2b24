#include <iostream>

#include "common/error.hpp"
#include "signer/cli_common.hpp"
#include "signer/log.hpp"
#include "signer/sign_pipeline.hpp"
#include "zone/master_file.hpp"
#include "zone/zone_builder.hpp"
#include "zone/zone_verifier.hpp"

namespace zs::signer {

int run_verify_command(int argc, char** argv) {
    const std::string usage = "zonesigner verify --zone NAME FILE [--now TIME] [--mode full|sample|structure]";
    po::options_description opts("verify options");
    opts.add_options()
        ("help,h", "show this help")
        ("zone,z", po::value<std::string>()->required(), "zone name (origin)")
        ("file", po::value<std::string>()->required(), "signed zone file")
        ("now", po::value<std::string>(), "check validity at this time (YYYYMMDDHHMMSS UTC or unix seconds)")
        ("mode", po::value<std::string>()->default_value("full"), "full, sample or structure")
        ("threads,j", po::value<unsigned>(), "verification threads (default: number of cores)")
        ("verbose,v", po::bool_switch(), "more messages");
    po::positional_options_description positional;
    positional.add("file", 1);
    po::variables_map vm;
    if (parse_command(argc, argv, 1, usage, opts, &positional, vm)) return 0;

    const std::string zone_name = normalise_zone_name(vm["zone"].as<std::string>());
    const zone::Wire origin = zone::name_from_text(zone_name, zone::Wire(1, '\0'));
    zone::VerifyOptions vo;
    vo.now = time_option(vm, "now");
    vo.threads = vm.count("threads") ? vm["threads"].as<unsigned>() : default_threads();
    vo.sample_seed = static_cast<std::uint64_t>(vo.now);
    const std::string mode = vm["mode"].as<std::string>();
    if (mode == "full") vo.mode = zone::VerifyMode::Full;
    else if (mode == "sample") vo.mode = zone::VerifyMode::Sample;
    else if (mode == "structure") vo.mode = zone::VerifyMode::Structure;
    else throw UsageError("--mode must be full, sample or structure");

    zone::MasterFileOptions ro;
    ro.origin = origin;
    ro.threads = vo.threads;
    const std::string file = vm["file"].as<std::string>();
    zone::BuildResult built = zone::build_zone_from_file(file, ro, {true});
    zone::VerifyReport report = zone::verify_zone(built.zone, vo);
    std::vector<std::string> problems = built.problems;
    problems.insert(problems.end(), report.problems.begin(), report.problems.end());
    if (!problems.empty()) {
        std::string text = file + " failed verification:";
        for (const auto& p : problems) text += "\n  " + p;
        throw Error(text);
    }
    if (vm["verbose"].as<bool>())
        log_info(file + ": " + std::to_string(report.rrsets_checked) + " RRsets, " +
                 std::to_string(report.signatures_verified) + " signatures verified");
    log_info(file + ": zone " + zone_name + " verified");
    return 0;
}

}  // namespace zs::signer
