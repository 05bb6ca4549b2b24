// `zonesigner hsm ...`: looking at and exercising the configured signers
// (tokens, their objects, a test and a benchmark), and recording backups.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "hsm/pkcs11_signer.hpp"
#include "keymgr/algorithm_binding.hpp"
#include "keymgr/key_db.hpp"
#include "signer/cli_common.hpp"
#include "signer/config.hpp"
#include "signer/signer_registry.hpp"
#include "signer/state_dir.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

namespace {

constexpr std::size_t kTemporaryKeyIdBytes = 16;


// The options every subcommand that opens the configured signers takes.
void add_signer_options(po::options_description& opts) {
    opts.add_options()
        ("help,h", "show this help")
        ("config", po::value<std::string>(), "signer configuration (YAML; default: $ZONESIGNER_CONFIG, else STATE_DIR/zonesigner.yaml)")
        ("state-dir", po::value<std::string>(), "state directory (key database)");
}

// The key database and the configured signers, bound to the instances the
// database knows (see signer_registry.hpp). The database outlives the
// registry that refers to it.
struct OpenedSigners {
    std::unique_ptr<keymgr::KeyDb> db;
    std::unique_ptr<SignerRegistry> registry;
};

OpenedSigners open_signers(const po::variables_map& vm, unsigned threads) {
    const std::string state_dir = vm.count("state-dir") ? vm["state-dir"].as<std::string>() : default_state_dir();
    StatePaths state = prepare_state_dir(state_dir);
    const Config config = load_config(vm.count("config") ? vm["config"].as<std::string>() : "", state.root);
    OpenedSigners opened;
    opened.db = std::make_unique<keymgr::KeyDb>(state.database);
    opened.registry = std::make_unique<SignerRegistry>(config, *opened.db, RegistryOptions{threads, now_unix(), nullptr});
    return opened;
}

const SignerState& state_of(const SignerRegistry& registry, const std::string& name) {
    for (const auto& s : registry.states())
        if (s.name == name) return s;
    std::string names;
    for (const auto& s : registry.states()) names += (names.empty() ? "" : ", ") + s.name;
    throw Error("signer '" + name + "' is not configured (signers: " + names + ")");
}

std::string identity_text(SignerStatus status) {
    switch (status) {
        case SignerStatus::Recognised: return "bound";
        case SignerStatus::FirstContact: return "new";
        case SignerStatus::Unrecognised: return "different instance";
        case SignerStatus::Failed: return "-";
    }
    return "-";
}

// A key made for a test or a benchmark, deleted from the signer however the
// run ends.
class TemporaryKey {
public:
    TemporaryKey(hsm::Signer& signer, std::uint8_t algorithm, unsigned rsa_bits, const std::string& purpose)
        : signer_(signer) {
        for (int attempt = 0; attempt < 16 && id_.empty(); ++attempt) {
            hsm::KeyId candidate = to_hex(signer.random_bytes(kTemporaryKeyIdBytes));
            // File signers name files by id; say what the file is.
            if (signer.type() == "openssl") candidate = "temporary-" + candidate;
            if (!signer.has_key(candidate)) id_ = candidate;
        }
        if (id_.empty()) throw Error("signer '" + signer.name() + "': no unused id found for a temporary key");
        signer.generate_key(id_, keymgr::key_spec_for(algorithm, rsa_bits), "zonesigner " + purpose + " (temporary)");
    }
    ~TemporaryKey() {
        if (!deleted_) {
            try {
                signer_.delete_key(id_);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "zonesigner: warning: temporary key %s left in signer '%s': %s\n", id_.c_str(),
                             signer_.name().c_str(), e.what());
            }
        }
    }
    TemporaryKey(const TemporaryKey&) = delete;
    TemporaryKey& operator=(const TemporaryKey&) = delete;

    const hsm::KeyId& id() const { return id_; }
    void remove() {
        signer_.delete_key(id_);
        deleted_ = true;
    }

private:
    hsm::Signer& signer_;
    hsm::KeyId id_;
    bool deleted_ = false;
};

std::uint8_t algorithm_option(const po::variables_map& vm) {
    const std::string text = vm["algorithm"].as<std::string>();
    auto alg = zone::parse_algorithm(text);
    if (!alg) throw UsageError("--algorithm: unknown algorithm '" + text + "'");
    return *alg;
}

int hsm_list(int argc, char** argv) {
    const std::string usage = "zonesigner hsm list [--config FILE] [--state-dir DIR] [--json]";
    po::options_description opts("hsm list options");
    add_signer_options(opts);
    opts.add_options()("json", po::bool_switch(), "JSON output");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    OpenedSigners opened = open_signers(vm, 1);
    std::map<std::string, std::size_t> key_counts;
    for (const auto& k : opened.db->list()) ++key_counts[k.signer];
    const auto& states = opened.registry->states();

    if (vm["json"].as<bool>()) {
        std::cout << "[";
        for (std::size_t i = 0; i < states.size(); ++i) {
            const SignerState& s = states[i];
            std::cout << (i ? ",\n " : "\n ") << "{\"name\": " << json_string(s.name)
                      << ", \"type\": " << json_string(s.type) << ", \"identity\": "
                      << json_string(identity_text(s.status)) << ", \"status\": " << json_string(to_string(s.status))
                      << ", \"identity_key\": " << json_string(s.identity_key_id)
                      << ", \"previous_name\": " << json_string(s.previous_name)
                      << ", \"location\": " << json_string(s.location) << ", \"keys\": " << key_counts[s.name]
                      << ", \"problem\": " << json_string(s.problem) << "}";
        }
        std::cout << (states.empty() ? "]\n" : "\n]\n");
        return 0;
    }
    std::printf("%-16s %-8s %-18s %-12s %-5s %s\n", "NAME", "TYPE", "IDENTITY", "STATUS", "KEYS", "LOCATION");
    for (const SignerState& s : states) {
        std::printf("%-16s %-8s %-18s %-12s %-5zu %s\n", s.name.c_str(), s.type.c_str(),
                    identity_text(s.status).c_str(), to_string(s.status).c_str(), key_counts[s.name],
                    s.location.empty() ? "-" : s.location.c_str());
        if (!s.previous_name.empty())
            std::printf("    renamed: recorded as '%s' before, recognised by its identity key\n",
                        s.previous_name.c_str());
        if (!s.problem.empty()) std::printf("    problem: %s\n", s.problem.c_str());
    }
    return 0;
}

std::string flag_list(const hsm::SlotInfo& s) {
    std::string flags;
    auto add = [&](bool on, const char* name) {
        if (on) flags += (flags.empty() ? "" : ",") + std::string(name);
    };
    add(s.token_initialized, "initialized");
    add(s.user_pin_initialized, "user-pin-initialized");
    add(s.login_required, "login-required");
    add(s.has_rng, "rng");
    add(s.protected_authentication_path, "protected-authentication-path");
    add(s.user_pin_locked, "user-pin-locked");
    return flags.empty() ? "-" : flags;
}

int hsm_slots(int argc, char** argv) {
    const std::string usage = "zonesigner hsm slots --module PATH";
    po::options_description opts("hsm slots options");
    opts.add_options()
        ("help,h", "show this help")
        ("module", po::value<std::string>()->required(), "the PKCS#11 library (.so)");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    const std::string module = vm["module"].as<std::string>();
    const std::vector<hsm::SlotInfo> slots = hsm::Pkcs11Signer::list_slots(module);
    std::printf("module %s: %zu slot(s)\n", module.c_str(), slots.size());
    for (const auto& s : slots) {
        std::printf("slot %lu: %s\n", s.slot, s.slot_description.c_str());
        if (!s.token_present) {
            std::printf("  no token\n");
            continue;
        }
        std::printf("  token label: %s\n", s.token_initialized ? s.token_label.c_str() : "(token not initialized)");
        std::printf("  manufacturer: %s, model: %s, serial: %s\n", s.manufacturer.c_str(), s.model.c_str(),
                    s.serial.c_str());
        std::printf("  flags: %s\n", flag_list(s).c_str());
    }
    return 0;
}

std::string yes_no(const std::optional<bool>& value) {
    if (!value) return "?";
    return *value ? "yes" : "no";
}

std::string class_text(hsm::TokenObject::Class c) {
    switch (c) {
        case hsm::TokenObject::Class::PrivateKey: return "private";
        case hsm::TokenObject::Class::PublicKey: return "public";
        case hsm::TokenObject::Class::Other: return "other";
    }
    return "other";
}

int hsm_keys(int argc, char** argv) {
    const std::string usage = "zonesigner hsm keys SIGNER [--config FILE] [--state-dir DIR]";
    po::options_description opts("hsm keys options");
    add_signer_options(opts);
    opts.add_options()("signer", po::value<std::string>()->required(), "the configured signer (a pkcs11 one)");
    po::positional_options_description positional;
    positional.add("signer", 1);
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, &positional, vm)) return 0;
    const std::string name = vm["signer"].as<std::string>();
    OpenedSigners opened = open_signers(vm, 1);
    const SignerState& state = state_of(*opened.registry, name);
    if (state.status == SignerStatus::Failed || state.status == SignerStatus::Unrecognised)
        throw Error(state.problem);
    const SignerEntry* entry = opened.registry->config().find(name);
    if (entry->type != "pkcs11")
        throw Error("signer '" + name + "' is of type " + entry->type + "; 'hsm keys' lists the objects of pkcs11 signers");
    // The registry's signers do not show token objects; a second handle on
    // the same token does (the module and login are shared in the process).
    std::unique_ptr<hsm::Signer> backend = open_configured_signer(*entry, {1, now_unix(), nullptr});
    auto& token = dynamic_cast<hsm::Pkcs11Signer&>(*backend);
    const std::vector<hsm::TokenObject> objects = token.list_objects();

    std::map<std::string, std::string> known;  // native id -> what the database says it is
    for (const auto& k : opened.db->list())
        if (k.signer == name)
            known[k.native_id] = k.zone + " " + keymgr::to_string(k.role) + " " + std::to_string(k.key_tag);
    known[state.identity_key_id] = "identity key";

    std::printf("signer %s: %s\n", name.c_str(), state.location.c_str());
    std::printf("%-34s %-8s %-10s %-15s %-14s %-9s %-26s %s\n", "ID", "CLASS", "TYPE", "EXTRACTABLE", "SENSITIVE",
                "DATABASE", "KNOWN AS", "LABEL");
    std::set<std::string> on_token;
    for (const auto& o : objects) {
        on_token.insert(o.id);
        const bool is_private = o.object_class == hsm::TokenObject::Class::PrivateKey;
        auto found = known.find(o.id);
        const bool is_known = found != known.end() && !o.id.empty();
        std::printf("%-34s %-8s %-10s %-15s %-14s %-9s %-26s %s\n", o.id.empty() ? "-" : o.id.c_str(),
                    class_text(o.object_class).c_str(), o.key_type_text.empty() ? "-" : o.key_type_text.c_str(),
                    (std::string("extractable=") + (is_private ? yes_no(o.extractable) : "-")).c_str(),
                    (std::string("sensitive=") + (is_private ? yes_no(o.sensitive) : "-")).c_str(),
                    is_known ? "known" : "unknown", is_known ? found->second.c_str() : "-", o.label.c_str());
    }
    std::size_t missing = 0;
    for (const auto& [id, what] : known) {
        if (id.empty() || on_token.count(id)) continue;
        std::printf("%-34s %-8s %-10s %-15s %-14s %-9s %-26s %s\n", id.c_str(), "-", "-", "-", "-", "missing",
                    what.c_str(), "(recorded in the database, not on the token)");
        ++missing;
    }
    if (missing) {
        std::fprintf(stderr, "zonesigner: %zu key(s) recorded for signer '%s' are missing from its token\n", missing,
                     name.c_str());
        return 1;
    }
    return 0;
}

int hsm_test(int argc, char** argv) {
    const std::string usage = "zonesigner hsm test SIGNER [--algorithm A] [--bits N] [--config FILE] [--state-dir DIR]";
    po::options_description opts("hsm test options");
    add_signer_options(opts);
    opts.add_options()
        ("signer", po::value<std::string>()->required(), "the configured signer")
        ("algorithm,a", po::value<std::string>()->default_value("ECDSAP256SHA256"), "algorithm of the temporary key")
        ("bits", po::value<unsigned>()->default_value(2048), "RSA key size");
    po::positional_options_description positional;
    positional.add("signer", 1);
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, &positional, vm)) return 0;
    const std::string name = vm["signer"].as<std::string>();
    const std::uint8_t algorithm = algorithm_option(vm);
    const unsigned bits = vm["bits"].as<unsigned>();

    OpenedSigners opened = open_signers(vm, 1);
    const SignerState& state = state_of(*opened.registry, name);
    hsm::Signer& signer = opened.registry->signer(name);  // throws the signer's problem
    std::printf("open and log in: ok, signer %s (%s), identity %s\n", name.c_str(), state.location.c_str(),
                identity_text(state.status).c_str());
    std::fflush(stdout);

    TemporaryKey key(signer, algorithm, bits, "hsm test");
    std::printf("generate: ok, %s key %s\n", zone::algorithm_name(algorithm).c_str(), key.id().c_str());
    std::fflush(stdout);

    const Bytes public_key = signer.public_key(key.id());
    const std::string message = "zonesigner hsm test: signed in signer " + name;
    const Bytes signature =
        signer.sign_once(key.id(), keymgr::sign_scheme_for(algorithm), Bytes(message.begin(), message.end()));
    std::printf("sign: ok, %zu-byte signature\n", signature.size());
    std::fflush(stdout);

    // In software: OpenSSL with the public key read from the signer.
    const zone::PublicKeyVerifier verifier(algorithm, zone::public_key_from_spki(algorithm, public_key));
    if (!verifier.verify(message.data(), message.size(), zone::Wire(signature.begin(), signature.end())))
        throw Error("signer '" + name + "': the signature of temporary key " + key.id() +
                    " does not verify with its public key");
    std::printf("verify: ok, checked with OpenSSL against the key's public half\n");

    const std::string id = key.id();
    key.remove();
    std::printf("delete: ok, key %s removed\n", id.c_str());
    std::printf("signer %s passed\n", name.c_str());
    return 0;
}

int hsm_bench(int argc, char** argv) {
    const std::string usage =
        "zonesigner hsm bench SIGNER [--algorithm A] [--bits N] [--threads N] [--seconds S] [--config FILE] "
        "[--state-dir DIR]";
    po::options_description opts("hsm bench options");
    add_signer_options(opts);
    opts.add_options()
        ("signer", po::value<std::string>()->required(), "the configured signer")
        ("algorithm,a", po::value<std::string>()->default_value("ECDSAP256SHA256"), "algorithm of the temporary key")
        ("bits", po::value<unsigned>()->default_value(2048), "RSA key size")
        ("threads,j", po::value<unsigned>()->default_value(1), "signing threads, each with its own signing context")
        ("seconds", po::value<double>()->default_value(10), "how long to sign");
    po::positional_options_description positional;
    positional.add("signer", 1);
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, &positional, vm)) return 0;
    const std::string name = vm["signer"].as<std::string>();
    const std::uint8_t algorithm = algorithm_option(vm);
    const unsigned bits = vm["bits"].as<unsigned>();
    const unsigned threads = vm["threads"].as<unsigned>();
    const double seconds = vm["seconds"].as<double>();
    if (threads == 0 || threads > 256) throw UsageError("--threads must be between 1 and 256");
    if (!(seconds > 0 && seconds <= 3600)) throw UsageError("--seconds must be above 0 and at most 3600");

    // One session per thread, as a signing run has.
    OpenedSigners opened = open_signers(vm, threads);
    hsm::Signer& signer = opened.registry->signer(name);
    TemporaryKey key(signer, algorithm, bits, "hsm bench");
    const hsm::SignScheme scheme = keymgr::sign_scheme_for(algorithm);

    // About the size of an RRset's signed data in a typical zone.
    const std::string message(200, 'z');
    std::vector<std::unique_ptr<hsm::SigningContext>> contexts;
    for (unsigned t = 0; t < threads; ++t) contexts.push_back(signer.open_signing(key.id(), scheme));

    std::atomic<bool> stop{false};
    std::vector<unsigned long> counts(threads, 0);
    std::vector<std::string> errors(threads);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            try {
                while (!stop.load(std::memory_order_relaxed)) {
                    contexts[t]->sign(message.data(), message.size());
                    ++counts[t];
                }
            } catch (const std::exception& e) {
                errors[t] = e.what();
                stop = true;
            }
        });
    }
    while (!stop.load() && std::chrono::steady_clock::now() - start < std::chrono::duration<double>(seconds))
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    stop = true;
    for (auto& w : workers) w.join();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    contexts.clear();
    for (const auto& e : errors)
        if (!e.empty()) throw Error("signer '" + name + "': signing failed during the benchmark: " + e);

    unsigned long total = 0;
    for (unsigned long c : counts) total += c;
    key.remove();
    std::printf("signer %s, %s, %u thread(s): %lu signatures in %.2f s: %.1f signatures/s\n", name.c_str(),
                zone::algorithm_name(algorithm).c_str(), threads, total, elapsed,
                static_cast<double>(total) / elapsed);
    return 0;
}

int hsm_backup_done(int argc, char** argv) {
    const std::string usage = "zonesigner hsm backup-done SIGNER [--config FILE] [--state-dir DIR]";
    po::options_description opts("hsm backup-done options");
    add_signer_options(opts);
    opts.add_options()("signer", po::value<std::string>()->required(), "the configured signer that was backed up");
    po::positional_options_description positional;
    positional.add("signer", 1);
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, &positional, vm)) return 0;
    const std::string name = vm["signer"].as<std::string>();
    OpenedSigners opened = open_signers(vm, 1);
    const UnixTime now = now_unix();
    const std::string user = current_user_name();
    const std::vector<keymgr::KeyRecord> released = opened.registry->record_backup_done(name, now, user);
    std::printf("recorded a backup of signer %s at %s by %s\n", name.c_str(), format_iso8601(now).c_str(),
                user.c_str());
    for (const auto& k : released)
        std::printf("released key %u (%s) of zone %s for signing\n", k.key_tag, keymgr::to_string(k.role).c_str(),
                    k.zone.c_str());
    return 0;
}

}  // namespace

int run_hsm_command(int argc, char** argv) {
    const std::string usage = "zonesigner hsm list|slots|keys|test|bench|backup-done [options]";
    if (argc < 3 || std::string(argv[2]) == "--help" || std::string(argv[2]) == "-h") {
        if (argc >= 3) {
            std::cout << "usage: " << usage << "\n\n"
                      << "  list         configured signers: identity, status, key count\n"
                      << "  slots        the slots and tokens of a PKCS#11 module (--module PATH)\n"
                      << "  keys SIGNER  the objects in a pkcs11 signer's token, against the key database\n"
                      << "  test SIGNER  log in, generate a temporary key, sign, verify, delete\n"
                      << "  bench SIGNER signatures per second with a temporary key\n"
                      << "  backup-done SIGNER  record that the signer was backed up\n";
            return 0;
        }
        throw UsageError("missing hsm subcommand (usage: " + usage + ")");
    }
    const std::string sub = argv[2];
    if (sub == "list") return hsm_list(argc, argv);
    if (sub == "slots") return hsm_slots(argc, argv);
    if (sub == "keys") return hsm_keys(argc, argv);
    if (sub == "test") return hsm_test(argc, argv);
    if (sub == "bench") return hsm_bench(argc, argv);
    if (sub == "backup-done") return hsm_backup_done(argc, argv);
    throw UsageError("unknown hsm subcommand '" + sub + "' (usage: " + usage + ")");
}

}  // namespace zs::signer
