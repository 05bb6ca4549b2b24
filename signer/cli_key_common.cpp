#include "signer/cli_key_common.hpp"

#include <cstdio>

#include "common/error.hpp"
#include "signer/policy_lookup.hpp"
#include "signer/sign_pipeline.hpp"
#include "signer/zone_key_sets.hpp"

namespace zs::signer {

void add_key_command_options(po::options_description& opts, bool uses_config) {
    opts.add_options()("help,h", "show this help")(
        "state-dir", po::value<std::string>(),
        "state directory (default: $ZONESIGNER_STATE_DIR, /var/lib/zonesigner as root, else "
        "~/.local/state/zonesigner)");
    // Every key command takes --config, so that scripts can give all of
    // them the same options; those that read only the database ignore it.
    opts.add_options()("config", po::value<std::string>(),
                       uses_config ? "signer configuration (YAML; default: $ZONESIGNER_CONFIG, else "
                                     "STATE_DIR/zonesigner.yaml, else key files in STATE_DIR/keys)"
                                   : "signer configuration (not needed here: this command reads the key database only)");
}

std::string state_dir_option(const po::variables_map& vm) {
    return vm.count("state-dir") ? vm["state-dir"].as<std::string>() : default_state_dir();
}

std::string zone_option(const po::variables_map& vm) { return normalise_zone_name(vm["zone"].as<std::string>()); }

KeyCommandContext open_key_context(const po::variables_map& vm, KeyCommandNeeds needs, UnixTime now) {
    KeyCommandContext c;
    c.state = prepare_state_dir(state_dir_option(vm));
    if (needs != KeyCommandNeeds::Database)
        c.config = load_config(vm.count("config") ? vm["config"].as<std::string>() : "", c.state.root);
    c.db = std::make_unique<keymgr::KeyDb>(c.state.database);
    c.db->set_audit_user(current_user_name());
    if (needs == KeyCommandNeeds::Signers)
        c.registry = std::make_unique<SignerRegistry>(c.config, *c.db, RegistryOptions{1, now, nullptr});
    return c;
}

std::uint16_t key_tag_option(const po::variables_map& vm) {
    const unsigned tag = vm["key"].as<unsigned>();
    if (tag > 65535) throw UsageError("--key: key tag " + std::to_string(tag) + " is out of range (0..65535)");
    return static_cast<std::uint16_t>(tag);
}

keymgr::KeyRecord find_key_by_tag(const keymgr::KeyDb& db, const std::string& zone, std::uint16_t tag) {
    const auto keys = db.list(zone);
    std::string tags;
    for (const auto& k : keys) {
        if (k.key_tag == tag) return k;
        tags += (tags.empty() ? "" : ", ") + std::to_string(k.key_tag);
    }
    if (keys.empty()) throw Error("zone " + zone + " has no keys in " + db.path());
    throw Error("zone " + zone + " has no key with tag " + std::to_string(tag) + " (its keys: " + tags + ")");
}

policy::Policy zone_policy(const KeyCommandContext& context, const std::string& zone,
                           const std::optional<std::string>& policy_option, std::string* source) {
    auto say = [&](const std::string& text) {
        if (source) *source = text;
    };
    if (policy_option) {
        say("--policy " + *policy_option);
        return resolve_policy(context.config, *policy_option);
    }
    const auto recorded = context.db->find_zone(zone);
    const std::string name = recorded ? recorded->policy : "";
    if (name.empty() || name == kCommandLinePolicyName) {
        // As `sign` without --policy plans it: the zone keeps the keys it has.
        say(name.empty() ? "no policy recorded: the zone keeps its keys" : "signed without a policy: the zone keeps its keys");
        return command_line_policy(context.db->list(zone), context.db->load_states(zone), policy::SigningParams{});
    }
    try {
        say("policy of the last run");
        return resolve_policy(context.config, name);
    } catch (const UsageError&) {
        throw Error("zone " + zone + " was last run with policy '" + name +
                    "', which is neither a policy of the configuration nor a file here: give --policy NAME|FILE");
    }
}

std::string time_text(const std::optional<UnixTime>& t) { return t ? format_iso8601(*t) : "-"; }


std::string json_time(const std::optional<UnixTime>& t) { return t ? json_string(format_iso8601(*t)) : "null"; }

bool role_has_record(keymgr::KeyRole role, keymgr::Record record) {
    switch (record) {
        case keymgr::Record::Ds:
        case keymgr::Record::KrrSig: return policy::role_signs_dnskey(role);
        case keymgr::Record::ZrrSig: return policy::role_signs_zone(role);
        case keymgr::Record::Dnskey: return true;
    }
    return true;
}

std::string record_column(keymgr::Record record) {
    switch (record) {
        case keymgr::Record::Ds: return "DS";
        case keymgr::Record::Dnskey: return "DNSKEY";
        case keymgr::Record::KrrSig: return "RRSIG-K";
        case keymgr::Record::ZrrSig: return "RRSIG-Z";
    }
    return "?";
}

}  // namespace zs::signer
