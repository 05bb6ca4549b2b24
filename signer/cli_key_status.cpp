// `zonesigner key status`: one zone's keys with their goal and the state of
// each record since when; with --explain, a dry run of the key manager at
// --now under the zone's policy says what the next run would do and what
// each key waits for (and until when). Reads the database only: no signer
// is opened.
#include <cstdio>
#include <iostream>
#include <set>

#include "common/error.hpp"
#include "keymgr/key_manager.hpp"
#include "signer/cli_key_common.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::signer {

namespace {

// The signer names the dry run needs (placeholders of keys to generate),
// from the configuration alone; it never asks for a signer itself.
class ConfiguredSignerNames : public keymgr::SignerDirectory {
public:
    explicit ConfiguredSignerNames(const Config& config) : config_(config) {}
    hsm::Signer& signer_named(const std::string& name) override {
        throw Error("internal error: key status opened signer '" + name + "'");
    }
    std::string new_keys_signer_name() const override { return config_.roles.new_keys; }
    bool requires_backup(const std::string& name) const override {
        const SignerEntry* s = config_.find(name.empty() ? config_.roles.new_keys : name);
        return s && s->require_backup;
    }

private:
    const Config& config_;
};

struct KeyView {
    keymgr::KeyRecord record;
    keymgr::KeyState state;
    std::vector<keymgr::PlannedEvent> pending;  // what the next run would do now (--explain)
    std::vector<keymgr::KeyBlocker> blockers;
    bool purge = false;
};

std::string goal_text(keymgr::KeyGoal g) { return g == keymgr::KeyGoal::Omnipresent ? "omnipresent" : "hidden"; }

// The planner's words name key, record and transition; without them, ours.
std::string event_text(const keymgr::PlannedEvent& e) {
    if (!e.detail.empty()) return e.detail;
    using Kind = keymgr::PlannedEvent::Kind;
    std::string text;
    switch (e.kind) {
        case Kind::Transition:
            text = keymgr::to_string(e.record) + " " + keymgr::to_string(e.from) + " -> " + keymgr::to_string(e.to);
            break;
        case Kind::Retire: text = "retire (goal hidden)"; break;
        case Kind::Generate: text = "generate"; break;
        case Kind::Purge: text = "purge"; break;
    }
    return text;
}

std::string blocker_text(const keymgr::KeyBlocker& b) {
    std::string text = b.why.empty() ? keymgr::to_string(b.record) + " -> " + keymgr::to_string(b.next) : b.why;
    text += b.earliest ? "; earliest " + format_iso8601(*b.earliest) : "; waits for the operator or the parent";
    return text;
}

void print_text(const std::string& zone, const std::optional<keymgr::ZoneRecord>& recorded,
                const std::string& policy_text, UnixTime now, const std::vector<KeyView>& keys,
                const keymgr::ZoneKeys* plan) {
    std::printf("zone %s: %zu key%s; %s; last run %s\n", zone.c_str(), keys.size(), keys.size() == 1 ? "" : "s",
                policy_text.c_str(), time_text(recorded ? recorded->last_run : std::nullopt).c_str());
    for (const auto& k : keys) {
        const auto& s = k.state;
        std::printf("\n%s %u  %s%s  signer %s (id %s)  created %s\n", keymgr::to_string(k.record.role).c_str(),
                    k.record.key_tag, zone::algorithm_name(k.record.algorithm).c_str(),
                    k.record.bits ? (" " + std::to_string(k.record.bits) + " bits").c_str() : "",
                    k.record.signer.c_str(), k.record.native_id.c_str(), format_iso8601(k.record.created).c_str());
        std::string facts = "goal " + goal_text(s.goal);
        if (s.active_since) facts += "; signing since " + format_iso8601(*s.active_since);
        if (s.retire_requested) facts += "; retirement requested " + format_iso8601(*s.retire_requested);
        if (s.ds_seen) facts += "; DS seen at the parent " + format_iso8601(*s.ds_seen);
        if (s.ds_gone) facts += "; DS gone from the parent " + format_iso8601(*s.ds_gone);
        if (s.backup_pending) facts += "; waits for a backup of signer " + k.record.signer;
        std::printf("  %s\n", facts.c_str());
        for (keymgr::Record r : kAllRecords) {
            if (!role_has_record(s.role, r)) continue;
            std::printf("  %-14s %-12s since %s\n", keymgr::to_string(r).c_str(), keymgr::to_string(s[r]).c_str(),
                        format_iso8601(s.changed_at(r)).c_str());
        }
        if (!plan) continue;
        for (const auto& e : k.pending) std::printf("  next run: %s\n", event_text(e).c_str());
        for (const auto& b : k.blockers) std::printf("  waits: %s\n", blocker_text(b).c_str());
        if (k.purge) std::printf("  next run: purge (deleted, then destroyed in its signer)\n");
    }
    if (!plan) return;
    std::printf("\nat %s:\n", format_iso8601(now).c_str());
    // Keys the next run generates (placeholders of the dry run: no native id).
    std::set<std::int64_t> existing;
    for (const auto& k : keys) existing.insert(k.record.id);
    for (const auto& r : plan->records)
        if (!existing.count(r.id))
            std::printf("  next run generates a %s (%s) in signer %s\n", keymgr::to_string(r.role).c_str(),
                        zone::algorithm_name(r.algorithm).c_str(), r.signer.c_str());
    for (const auto& e : plan->plan.events)
        if (!existing.count(e.key_id))
            std::printf("  next run: %s%s\n", e.key_id ? "new key: " : "", event_text(e).c_str());
    std::printf("  next change possible: %s\n",
                plan->plan.next_event ? format_iso8601(*plan->plan.next_event).c_str()
                                      : "none planned (or only the operator or the parent can unblock it)");
}

void print_json(const std::string& zone, const std::optional<keymgr::ZoneRecord>& recorded,
                const std::string& policy_name, UnixTime now, const std::vector<KeyView>& keys,
                const keymgr::ZoneKeys* plan) {
    std::cout << "{\"zone\": " << json_string(zone) << ", \"policy\": " << json_string(policy_name)
              << ", \"last_run\": " << json_time(recorded ? recorded->last_run : std::nullopt)
              << ", \"now\": " << json_time(now) << ", \"keys\": [";
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const auto& k = keys[i];
        const auto& s = k.state;
        std::cout << (i ? ",\n  " : "\n  ") << "{\"role\": \"" << keymgr::to_string(k.record.role)
                  << "\", \"key_tag\": " << k.record.key_tag << ", \"algorithm\": " << unsigned(k.record.algorithm)
                  << ", \"bits\": " << k.record.bits << ", \"signer\": " << json_string(k.record.signer)
                  << ", \"id\": " << json_string(k.record.native_id) << ", \"created\": " << json_time(k.record.created)
                  << ", \"goal\": \"" << goal_text(s.goal) << "\", \"records\": {";
        bool first = true;
        for (keymgr::Record r : kAllRecords) {
            if (!role_has_record(s.role, r)) continue;
            std::cout << (first ? "" : ", ") << json_string(keymgr::to_string(r)) << ": {\"state\": \""
                      << keymgr::to_string(s[r]) << "\", \"since\": " << json_time(s.changed_at(r)) << "}";
            first = false;
        }
        std::cout << "}, \"active_since\": " << json_time(s.active_since)
                  << ", \"retire_requested\": " << json_time(s.retire_requested)
                  << ", \"ds_seen\": " << json_time(s.ds_seen) << ", \"ds_gone\": " << json_time(s.ds_gone)
                  << ", \"backup_pending\": " << (s.backup_pending ? "true" : "false");
        if (plan) {
            std::cout << ", \"next_run\": [";
            for (std::size_t e = 0; e < k.pending.size(); ++e)
                std::cout << (e ? ", " : "") << json_string(event_text(k.pending[e]));
            if (k.purge) std::cout << (k.pending.empty() ? "" : ", ") << "\"purge\"";
            std::cout << "], \"blockers\": [";
            for (std::size_t b = 0; b < k.blockers.size(); ++b) {
                const auto& x = k.blockers[b];
                std::cout << (b ? ", " : "") << "{\"record\": " << json_string(keymgr::to_string(x.record))
                          << ", \"next\": \"" << keymgr::to_string(x.next) << "\", \"why\": " << json_string(x.why)
                          << ", \"earliest\": " << json_time(x.earliest) << "}";
            }
            std::cout << "]";
        }
        std::cout << "}";
    }
    std::cout << (keys.empty() ? "]" : "\n]");
    if (plan) {
        std::set<std::int64_t> existing;
        for (const auto& k : keys) existing.insert(k.record.id);
        std::cout << ", \"generate\": [";
        bool first = true;
        for (const auto& r : plan->records) {
            if (existing.count(r.id)) continue;
            std::cout << (first ? "" : ", ") << "{\"role\": \"" << keymgr::to_string(r.role)
                      << "\", \"algorithm\": " << unsigned(r.algorithm) << ", \"signer\": " << json_string(r.signer)
                      << "}";
            first = false;
        }
        std::cout << "], \"next_event\": " << json_time(plan->plan.next_event);
    }
    std::cout << "}\n";
}

}  // namespace

int run_key_status(int argc, char** argv) {
    const std::string usage =
        "zonesigner key status --zone Z [--explain] [--json] [--policy NAME|FILE] [--now TIME] [--state-dir DIR] "
        "[--config FILE]";
    po::options_description opts("key status options");
    add_key_command_options(opts, true);  // --explain resolves policies in it
    opts.add_options()
        ("zone,z", po::value<std::string>()->required(), "zone")
        ("explain", po::bool_switch(), "what the next key manager run would do, and what each key waits for")
        ("json", po::bool_switch(), "JSON output")
        ("policy", po::value<std::string>(), "plan with this policy (default: the zone's policy of its last run)")
        ("now", po::value<std::string>(), "plan at this time (YYYYMMDDHHMMSS UTC or unix seconds; default: now)");
    po::variables_map vm;
    if (parse_command(argc, argv, 2, usage, opts, nullptr, vm)) return 0;
    const UnixTime now = time_option(vm, "now");
    const bool explain = vm["explain"].as<bool>();
    if (vm.count("policy") && !explain) throw UsageError("--policy is for --explain (planning with a policy)");
    KeyCommandContext context =
        open_key_context(vm, explain ? KeyCommandNeeds::Configuration : KeyCommandNeeds::Database, now);
    const std::string zone = zone_option(vm);
    const auto records = context.db->list(zone);
    const auto states = context.db->load_states(zone);
    const auto recorded = context.db->find_zone(zone);
    if (records.empty() && !explain) throw Error("zone " + zone + " has no keys in " + context.state.root);

    std::vector<KeyView> keys;
    for (std::size_t i = 0; i < records.size(); ++i) keys.push_back({records[i], states[i], {}, {}, false});

    std::string policy_name = recorded && !recorded->policy.empty() ? recorded->policy : "none recorded";
    std::string policy_text = "policy " + policy_name;
    std::optional<keymgr::ZoneKeys> planned;
    if (explain) {
        std::string source;
        const std::optional<std::string> option =
            vm.count("policy") ? std::optional<std::string>(vm["policy"].as<std::string>()) : std::nullopt;
        const policy::Policy policy = zone_policy(context, zone, option, &source);
        policy_name = policy.name;
        policy_text = "policy " + policy.name + " (" + source + ")";
        ConfiguredSignerNames signers(context.config);
        keymgr::KeyManagerOptions options;
        options.now = now;
        options.dry_run = true;
        planned = keymgr::run_key_manager(*context.db, signers, policy, zone, options);
        for (auto& k : keys) {
            for (const auto& e : planned->plan.events)
                if (e.key_id == k.record.id) k.pending.push_back(e);
            for (const auto& b : planned->plan.blockers)
                if (b.key_id == k.record.id) k.blockers.push_back(b);
            for (auto id : planned->plan.purge)
                if (id == k.record.id) k.purge = true;
        }
    }
    if (vm["json"].as<bool>())
        print_json(zone, recorded, policy_name, now, keys, planned ? &*planned : nullptr);
    else
        print_text(zone, recorded, policy_text, now, keys, planned ? &*planned : nullptr);
    return 0;
}

}  // namespace zs::signer
