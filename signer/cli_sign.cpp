#include <iostream>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "signer/cli_common.hpp"
#include "signer/log.hpp"
#include "signer/sign_pipeline.hpp"
#include "signer/state_dir.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

int run_sign_command(int argc, char** argv) {
    const std::string usage =
        "zonesigner sign --zone NAME --input FILE --output FILE [--state-dir DIR] [--config FILE] [--algorithm A] [--csk] "
        "[--denial nsec|nsec3] [--nsec3-iterations N] [--nsec3-salt HEX|-] [--nsec3-optout] [--serial MODE] "
        "[--validity D] [--denial-validity D] [--jitter D] [--inception-offset D] [--threads N] "
        "[--verify full|sample|structure] [--cds] [--now TIME] [-v]";
    po::options_description opts("sign options");
    opts.add_options()
        ("help,h", "show this help")
        ("zone,z", po::value<std::string>()->required(), "zone name (origin)")
        ("input,i", po::value<std::string>()->required(), "unsigned master file")
        ("output,o", po::value<std::string>()->required(), "signed output file, or - for stdout; DS records go to OUTPUT.ds")
        ("state-dir", po::value<std::string>(), "key database and key files (default: $ZONESIGNER_STATE_DIR, /var/lib/zonesigner as root, else ~/.local/state/zonesigner)")
        ("config", po::value<std::string>(), "signer configuration (YAML; default: $ZONESIGNER_CONFIG, else STATE_DIR/zonesigner.yaml, else key files in STATE_DIR/keys)")
        ("algorithm,a", po::value<std::string>()->default_value("ECDSAP256SHA256"), "algorithm of new keys: RSASHA256, RSASHA512, ECDSAP256SHA256, ECDSAP384SHA384, ED25519, ED448 or the number")
        ("bits", po::value<unsigned>()->default_value(2048), "RSA key size of new keys")
        ("csk", po::bool_switch(), "create one combined signing key instead of a KSK and a ZSK")
        ("denial", po::value<std::string>()->default_value("nsec"), "nsec or nsec3")
        ("nsec3-iterations", po::value<unsigned>()->default_value(0), "NSEC3 extra iterations (RFC 9276: 0)")
        ("nsec3-salt", po::value<std::string>()->default_value("-"), "NSEC3 salt in hex, or - for none (RFC 9276)")
        ("nsec3-optout", po::bool_switch(), "NSEC3 opt-out: no NSEC3 for delegations without DS")
        ("serial", po::value<std::string>()->default_value("increment"), "keep, increment, unixtime or datecounter")
        ("validity", po::value<std::string>()->default_value("14d"), "signature validity")
        ("denial-validity", po::value<std::string>(), "validity of NSEC/NSEC3 signatures (default: --validity)")
        ("jitter", po::value<std::string>(), "expirations spread over this much below the validity (default: 12h, at most a quarter of the validity)")
        ("inception-offset", po::value<std::string>()->default_value("1h"), "inception backdated by this much")
        ("dnskey-ttl", po::value<std::string>(), "TTL of DNSKEY/CDS/CDNSKEY (default: input DNSKEY TTL, else 1h)")
        ("threads,j", po::value<unsigned>(), "signing threads (default: number of cores)")
        ("verify", po::value<std::string>()->default_value("sample"), "full, sample or structure")
        ("cds", po::bool_switch(), "publish CDS and CDNSKEY for the KSK/CSK")
        ("now", po::value<std::string>(), "the time to use (YYYYMMDDHHMMSS UTC or unix seconds)")
        ("verbose,v", po::bool_switch(), "more messages");
    po::variables_map vm;
    if (parse_command(argc, argv, 1, usage, opts, nullptr, vm)) return 0;

    SignOptions o;
    o.zone = vm["zone"].as<std::string>();
    o.input = vm["input"].as<std::string>();
    o.output = vm["output"].as<std::string>();
    o.state_dir = vm.count("state-dir") ? vm["state-dir"].as<std::string>() : default_state_dir();
    if (vm.count("config")) o.config = vm["config"].as<std::string>();
    o.now = time_option(vm, "now");
    o.verbose = vm["verbose"].as<bool>();
    o.threads = vm.count("threads") ? vm["threads"].as<unsigned>() : default_threads();
    if (o.threads == 0 || o.threads > 256) throw UsageError("--threads must be between 1 and 256");

    auto& p = o.params;
    auto alg = zone::parse_algorithm(vm["algorithm"].as<std::string>());
    if (!alg) throw UsageError("--algorithm: unknown algorithm '" + vm["algorithm"].as<std::string>() + "'");
    p.algorithm = *alg;
    p.rsa_bits = vm["bits"].as<unsigned>();
    p.csk = vm["csk"].as<bool>();
    const std::string denial = vm["denial"].as<std::string>();
    if (denial == "nsec") p.denial = policy::DenialType::Nsec;
    else if (denial == "nsec3") p.denial = policy::DenialType::Nsec3;
    else throw UsageError("--denial must be nsec or nsec3, not '" + denial + "'");
    unsigned iterations = vm["nsec3-iterations"].as<unsigned>();
    if (iterations > 65535) throw UsageError("--nsec3-iterations out of range");
    p.nsec3.iterations = static_cast<std::uint16_t>(iterations);
    const std::string salt = vm["nsec3-salt"].as<std::string>();
    if (salt != "-" && !salt.empty()) {
        auto bytes = from_hex(salt);
        if (!bytes) throw UsageError("--nsec3-salt: '" + salt + "' is not hex");
        p.nsec3.salt.assign(bytes->begin(), bytes->end());
    }
    p.nsec3.opt_out = vm["nsec3-optout"].as<bool>();
    if (p.denial == policy::DenialType::Nsec && (p.nsec3.opt_out || iterations || !p.nsec3.salt.empty()))
        throw UsageError("NSEC3 options given with --denial nsec; add --denial nsec3");
    if (iterations > 0) log_warning("NSEC3 iterations above 0 cost resolvers work and add no security (RFC 9276)");
    if (!p.nsec3.salt.empty()) log_warning("an NSEC3 salt adds no security (RFC 9276); consider --nsec3-salt -");
    auto serial = policy::parse_serial_mode(vm["serial"].as<std::string>());
    if (!serial) throw UsageError("--serial must be keep, increment, unixtime or datecounter");
    p.serial = *serial;
    p.validity = duration_option("validity", vm["validity"].as<std::string>());
    p.denial_validity = vm.count("denial-validity")
                            ? duration_option("denial-validity", vm["denial-validity"].as<std::string>())
                            : p.validity;
    p.jitter = vm.count("jitter") ? duration_option("jitter", vm["jitter"].as<std::string>())
                                  : std::min<Seconds>(12 * 3600, std::min(p.validity, p.denial_validity) / 4);
    p.inception_offset = duration_option("inception-offset", vm["inception-offset"].as<std::string>());
    if (vm.count("dnskey-ttl"))
        p.dnskey_ttl = static_cast<std::uint32_t>(duration_option("dnskey-ttl", vm["dnskey-ttl"].as<std::string>()));
    p.publish_cds = vm["cds"].as<bool>();
    const std::string verify = vm["verify"].as<std::string>();
    if (verify == "full") o.verify = zone::VerifyMode::Full;
    else if (verify == "sample") o.verify = zone::VerifyMode::Sample;
    else if (verify == "structure") o.verify = zone::VerifyMode::Structure;
    else throw UsageError("--verify must be full, sample or structure");

    SignSummary s = run_sign(o);
    char line[256];
    std::snprintf(line, sizeof line, "signed %s: %zu RRsets, %zu signatures (%zu verified), serial %u, %.2f s",
                  normalise_zone_name(o.zone).c_str(), s.rrsets, s.signatures, s.verified, s.serial, s.seconds);
    log_info(line);
    return 0;
}

}  // namespace zs::signer
