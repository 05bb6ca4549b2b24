#include <iostream>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "signer/cli_common.hpp"
#include "signer/config.hpp"
#include "signer/log.hpp"
#include "signer/policy_lookup.hpp"
#include "signer/sign_pipeline.hpp"
#include "signer/state_dir.hpp"
#include "policy/policy.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

int run_sign_command(int argc, char** argv) {
    const std::string usage =
        "zonesigner sign --zone NAME --input FILE --output FILE [--state-dir DIR] [--config FILE] [--policy NAME|FILE] [--algorithm A] [--csk] "
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
        ("policy", po::value<std::string>(), "key and signing policy: a YAML file, a policy named in the configuration, or 'default' (see README); flags below override its fields")
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

    // Parameters: the policy's (--policy), else the built-in defaults; each
    // flag given on the command line overrides its field.
    auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
    if (vm.count("policy")) {
        const Config config = load_config(o.config, prepare_state_dir(o.state_dir).root);
        o.policy = resolve_policy(config, vm["policy"].as<std::string>());  // checked; warnings logged
        o.params = policy::signing_params(*o.policy);
    }
    auto& p = o.params;
    if (!o.policy || given("algorithm")) {
        auto alg = zone::parse_algorithm(vm["algorithm"].as<std::string>());
        if (!alg) throw UsageError("--algorithm: unknown algorithm '" + vm["algorithm"].as<std::string>() + "'");
        p.algorithm = *alg;
    }
    if (!o.policy || given("bits")) p.rsa_bits = vm["bits"].as<unsigned>();
    if (!o.policy || given("csk")) p.csk = vm["csk"].as<bool>();
    if (o.policy && (given("algorithm") || given("bits") || given("csk")))
        throw UsageError("--algorithm, --bits and --csk cannot be combined with --policy: the policy's keys decide");
    if (!o.policy || given("denial")) {
        const std::string denial = vm["denial"].as<std::string>();
        if (denial == "nsec") p.denial = policy::DenialType::Nsec;
        else if (denial == "nsec3") p.denial = policy::DenialType::Nsec3;
        else throw UsageError("--denial must be nsec or nsec3, not '" + denial + "'");
    }
    const unsigned iterations = vm["nsec3-iterations"].as<unsigned>();
    if (iterations > 65535) throw UsageError("--nsec3-iterations out of range");
    if (!o.policy || given("nsec3-iterations")) p.nsec3.iterations = static_cast<std::uint16_t>(iterations);
    const std::string salt = vm["nsec3-salt"].as<std::string>();
    if (!o.policy || given("nsec3-salt")) {
        p.nsec3.salt.clear();
        if (salt != "-" && !salt.empty()) {
            auto bytes = from_hex(salt);
            if (!bytes) throw UsageError("--nsec3-salt: '" + salt + "' is not hex");
            p.nsec3.salt.assign(bytes->begin(), bytes->end());
        }
    }
    if (!o.policy || given("nsec3-optout")) p.nsec3.opt_out = vm["nsec3-optout"].as<bool>();
    if (p.denial == policy::DenialType::Nsec && (p.nsec3.opt_out || p.nsec3.iterations || !p.nsec3.salt.empty()))
        throw UsageError("NSEC3 options given with --denial nsec; add --denial nsec3");
    if (p.nsec3.iterations > 0)
        log_warning("NSEC3 iterations above 0 cost resolvers work and add no security (RFC 9276)");
    if (!p.nsec3.salt.empty()) log_warning("an NSEC3 salt adds no security (RFC 9276); consider --nsec3-salt -");
    if (!o.policy || given("serial")) {
        auto serial = policy::parse_serial_mode(vm["serial"].as<std::string>());
        if (!serial) throw UsageError("--serial must be keep, increment, unixtime or datecounter");
        p.serial = *serial;
    }
    if (!o.policy || given("validity")) p.validity = duration_option("validity", vm["validity"].as<std::string>());
    if (given("denial-validity"))
        p.denial_validity = duration_option("denial-validity", vm["denial-validity"].as<std::string>());
    else if (!o.policy)
        p.denial_validity = p.validity;
    if (given("jitter")) p.jitter = duration_option("jitter", vm["jitter"].as<std::string>());
    else if (!o.policy) p.jitter = std::min<Seconds>(12 * 3600, std::min(p.validity, p.denial_validity) / 4);
    if (!o.policy || given("inception-offset"))
        p.inception_offset = duration_option("inception-offset", vm["inception-offset"].as<std::string>());
    if (given("dnskey-ttl"))
        p.dnskey_ttl = static_cast<std::uint32_t>(duration_option("dnskey-ttl", vm["dnskey-ttl"].as<std::string>()));
    if (!o.policy || given("cds")) p.publish_cds = vm["cds"].as<bool>();
    if (o.policy) {
        // The flags that the key manager's timing depends on go back into the policy.
        o.policy->validity = p.validity;
        o.policy->denial_validity = p.denial_validity;
        o.policy->jitter = p.jitter;
        o.policy->inception_offset = p.inception_offset;
        if (p.dnskey_ttl) o.policy->dnskey_ttl = *p.dnskey_ttl;
        o.policy->serial = p.serial;
        if (given("cds")) o.policy->cds_cdnskey = p.publish_cds ? policy::CdsMode::Always : policy::CdsMode::None;
    }
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
