// `zonesigner key generate|ds-seen|ds-gone|rollover|delete`: the operator's
// changes to a zone's keys. Each is one committed database transaction with
// its audit entry (the login name as user); delete then destroys the key in
// its signer.
#include <cstdio>
#include <iostream>

#include "common/error.hpp"
#include "keymgr/crash_point.hpp"
#include "keymgr/key_manager.hpp"
#include "signer/cli_key_common.hpp"
#include "signer/log.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

namespace {

keymgr::KeyRole role_option(const po::variables_map& vm) {
    const std::string text = vm["role"].as<std::string>();
    auto role = policy::parse_role(text);
    if (!role) throw UsageError("--role must be KSK, ZSK or CSK, not '" + text + "'");
    return *role;
}

std::string describe(const keymgr::KeyRecord& k) {
    return keymgr::to_string(k.role) + " " + std::to_string(k.key_tag) + " (" + zone::algorithm_name(k.algorithm) +
           ", signer " + k.signer + ", id " + k.native_id + ")";
}

// The spec of the zone's policy for the role, if the zone's policy is
// known and has one: the defaults of `key generate`.
std::optional<policy::KeySpec> policy_spec(const KeyCommandContext& context, const std::string& zone,
                                           keymgr::KeyRole role) {
    try {
        const policy::Policy p = zone_policy(context, zone, std::nullopt);
        for (const auto& spec : p.keys)
            if (spec.role == role) return spec;
    } catch (const Error&) {
        // An unknown policy name leaves the built-in defaults.
    }
    return std::nullopt;
}

int key_generate(int argc, char** argv) {
    const std::string usage =
        "zonesigner key generate --zone Z --role KSK|ZSK|CSK [--algorithm A] [--bits N] [--signer S] [--now TIME] "
        "[--state-dir DIR] [--config FILE]";
    po::options_description opts("key generate options");
    add_key_command_options(opts, true);
    opts.add_options()
        ("zone,z", po::value<std::string>()->required(), "zone")
        ("role", po::value<std::string>()->required(), "KSK, ZSK or CSK")
        ("algorithm,a", po::value<std::string>(), "algorithm (default: the zone policy's for the role, else ECDSAP256SHA256)")
        ("bits", po::value<unsigned>(), "RSA key size (default: the policy's, else 2048)")
        ("signer", po::value<std::string>(), "signer to generate in (default: the policy's for the role, else the new_keys signer)")
        ("now", po::value<std::string>(), "creation time (YYYYMMDDHHMMSS UTC or unix seconds; default: now)");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    const keymgr::KeyRole role = role_option(vm);
    const UnixTime now = time_option(vm, "now");
    std::optional<std::uint8_t> algorithm;
    if (vm.count("algorithm")) {
        algorithm = zone::parse_algorithm(vm["algorithm"].as<std::string>());
        if (!algorithm) throw UsageError("--algorithm: unknown algorithm '" + vm["algorithm"].as<std::string>() + "'");
        const zone::AlgorithmInfo* info = zone::find_algorithm(*algorithm);
        if (!info || !info->supported)
            throw UsageError("--algorithm: " + zone::algorithm_name(*algorithm) + " is not supported for signing");
    }
    KeyCommandContext context = open_key_context(vm, KeyCommandNeeds::Signers, now);
    const std::string zone = zone_option(vm);

    policy::KeySpec spec = policy_spec(context, zone, role).value_or(policy::KeySpec{});
    spec.role = role;
    if (algorithm) {
        if (*algorithm != spec.algorithm) spec.bits = 0;
        spec.algorithm = *algorithm;
    }
    if (vm.count("bits")) spec.bits = vm["bits"].as<unsigned>();
    if (vm.count("signer")) spec.signer = vm["signer"].as<std::string>();
    const keymgr::KeyRecord key = keymgr::generate_key_for_spec(*context.db, *context.registry, zone, spec, now);
    std::printf("zone %s: generated %s; goal omnipresent, every record hidden: the key manager introduces it when "
                "the zone's policy needs a %s\n",
                zone.c_str(), describe(key).c_str(), keymgr::to_string(role).c_str());
    if (key.backup_pending)
        log_warning("signer '" + key.signer + "' requires a backup before this key signs: run zonesigner hsm "
                    "backup-done " + key.signer + " after backing it up");
    return 0;
}

// ds-seen and ds-gone: the parent's DS set, as the operator observed it.
int key_parent_fact(int argc, char** argv, bool seen) {
    const std::string name = seen ? "ds-seen" : "ds-gone";
    const std::string usage =
        "zonesigner key " + name + " --zone Z --key TAG [--now TIME] [--state-dir DIR] [--config FILE]";
    po::options_description opts("key " + name + " options");
    add_key_command_options(opts, false);
    const std::string now_help = std::string(seen ? "when the parent was seen publishing the DS"
                                                  : "when the parent was seen without the DS") +
                                 " (YYYYMMDDHHMMSS UTC or unix seconds; default: now)";
    opts.add_options()
        ("zone,z", po::value<std::string>()->required(), "zone")
        ("key,k", po::value<unsigned>()->required(), "key tag of the KSK or CSK")
        ("now", po::value<std::string>(), now_help.c_str());
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    const UnixTime now = time_option(vm, "now");
    const std::uint16_t tag = key_tag_option(vm);
    KeyCommandContext context = open_key_context(vm, KeyCommandNeeds::Database, now);
    const std::string zone = zone_option(vm);
    const keymgr::KeyRecord key = find_key_by_tag(*context.db, zone, tag);
    if (!policy::role_signs_dnskey(key.role))
        throw Error("key " + std::to_string(tag) + " of zone " + zone + " is a ZSK: it has no DS at the parent");
    const auto state = context.db->load_state(key.id);
    const std::optional<UnixTime> recorded = seen ? state->ds_seen : state->ds_gone;
    if (recorded) {
        std::printf("zone %s: already recorded: the DS of %s %s the parent since %s\n", zone.c_str(),
                    describe(key).c_str(), seen ? "is at" : "is gone from", format_iso8601(*recorded).c_str());
        return 0;
    }
    const keymgr::RecordState ds = (*state)[keymgr::Record::Ds];
    const keymgr::RecordState expected = seen ? keymgr::RecordState::Rumoured : keymgr::RecordState::Unretentive;
    {
        keymgr::KeyDb::Transaction tx(*context.db);
        if (seen) context.db->set_ds_seen(key.id, now);
        else context.db->set_ds_gone(key.id, now);
        context.db->append_audit(now, zone, key.id, name,
                                 std::string(seen ? "the parent publishes the DS of " : "the parent no longer publishes the DS of ") +
                                     describe(key) + " (recorded by the operator; DS record " + keymgr::to_string(ds) + ")");
        tx.commit();
        keymgr::crash_point_after_commit();
    }
    std::printf("zone %s: recorded that the parent %s the DS of %s at %s\n", zone.c_str(),
                seen ? "publishes" : "no longer publishes", describe(key).c_str(), format_iso8601(now).c_str());
    if (ds != expected)
        log_warning("the key manager has the DS record of key " + std::to_string(tag) + " " + keymgr::to_string(ds) +
                    ", not " + keymgr::to_string(expected) + ": the fact counts once it " +
                    (seen ? "has submitted the DS" : "has withdrawn the DS"));
    return 0;
}

int key_rollover(int argc, char** argv) {
    const std::string usage =
        "zonesigner key rollover --zone Z --role KSK|ZSK|CSK [--now TIME] [--state-dir DIR] [--config FILE]";
    po::options_description opts("key rollover options");
    add_key_command_options(opts, false);
    opts.add_options()
        ("zone,z", po::value<std::string>()->required(), "zone")
        ("role", po::value<std::string>()->required(), "the role whose current keys are rolled")
        ("now", po::value<std::string>(), "time of the request (YYYYMMDDHHMMSS UTC or unix seconds; default: now)");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    const keymgr::KeyRole role = role_option(vm);
    const UnixTime now = time_option(vm, "now");
    KeyCommandContext context = open_key_context(vm, KeyCommandNeeds::Database, now);
    const std::string zone = zone_option(vm);
    const auto records = context.db->list(zone);
    const auto states = context.db->load_states(zone);
    std::vector<std::size_t> current;
    for (std::size_t i = 0; i < states.size(); ++i) {
        const auto& s = states[i];
        // In service, or on its way: keys already retiring stay as they are.
        if (s.role == role && s.goal == keymgr::KeyGoal::Omnipresent && !s.retire_requested &&
            keymgr::publishes_dnskey(s))
            current.push_back(i);
    }
    if (current.empty())
        throw Error("zone " + zone + " has no " + keymgr::to_string(role) +
                    " in service to roll (see zonesigner key status --zone " + zone + ")");
    {
        keymgr::KeyDb::Transaction tx(*context.db);
        for (std::size_t i : current) {
            context.db->request_retire(records[i].id, now);
            context.db->append_audit(now, zone, records[i].id, "rollover",
                                     "manual rollover of " + describe(records[i]) +
                                         " requested: the key manager introduces a successor, then retires it");
        }
        tx.commit();
        keymgr::crash_point_after_commit();
    }
    for (std::size_t i : current)
        std::printf("zone %s: rollover of %s requested; the next key manager run (zonesigner sign) starts it\n",
                    zone.c_str(), describe(records[i]).c_str());
    return 0;
}

int key_delete(int argc, char** argv) {
    const std::string usage = "zonesigner key delete --zone Z --key TAG [--now TIME] [--state-dir DIR] [--config FILE]";
    po::options_description opts("key delete options");
    add_key_command_options(opts, true);
    opts.add_options()
        ("zone,z", po::value<std::string>()->required(), "zone")
        ("key,k", po::value<unsigned>()->required(), "key tag")
        ("now", po::value<std::string>(), "time of the deletion (YYYYMMDDHHMMSS UTC or unix seconds; default: now)");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    const UnixTime now = time_option(vm, "now");
    const std::uint16_t tag = key_tag_option(vm);
    KeyCommandContext context = open_key_context(vm, KeyCommandNeeds::Signers, now);
    const std::string zone = zone_option(vm);
    const keymgr::KeyRecord key = find_key_by_tag(*context.db, zone, tag);
    const auto state = context.db->load_state(key.id);
    std::string in_use;
    for (keymgr::Record r : kAllRecords) {
        if ((*state)[r] == keymgr::RecordState::Hidden) continue;
        in_use += (in_use.empty() ? "" : ", ") + keymgr::to_string(r) + " " + keymgr::to_string((*state)[r]);
    }
    if (!in_use.empty())
        throw Error("key " + std::to_string(tag) + " of zone " + zone + " is in use: " + in_use +
                    " (not hidden); deleting it would break the zone's chain of trust. Roll it over "
                    "(zonesigner key rollover) and let the key manager retire it; it is purged once every record "
                    "is hidden");
    // The signer must be usable before anything changes: a tombstone whose
    // key cannot be destroyed would only make an orphan.
    hsm::Signer& signer = context.registry->owner_of(key);
    {
        keymgr::KeyDb::Transaction tx(*context.db);
        context.db->mark_deleted(key.id, now);
        context.db->append_audit(now, zone, key.id, "delete",
                                 describe(key) + ": deleted by the operator, then destroyed in its signer");
        tx.commit();
        keymgr::crash_point_after_commit();
    }
    try {
        signer.delete_key(key.native_id);
    } catch (const std::exception& e) {
        log_warning("key " + std::to_string(tag) + " of zone " + zone +
                    " is deleted in the key database, but its signer did not destroy it (" + e.what() +
                    "); 'zonesigner hsm keys' lists it as an orphan");
        return 0;
    }
    std::printf("zone %s: deleted %s\n", zone.c_str(), describe(key).c_str());
    return 0;
}

}  // namespace

int run_key_generate(int argc, char** argv) { return key_generate(argc, argv); }
int run_key_ds_seen(int argc, char** argv) { return key_parent_fact(argc, argv, true); }
int run_key_ds_gone(int argc, char** argv) { return key_parent_fact(argc, argv, false); }
int run_key_rollover(int argc, char** argv) { return key_rollover(argc, argv); }
int run_key_delete(int argc, char** argv) { return key_delete(argc, argv); }

}  // namespace zs::signer
