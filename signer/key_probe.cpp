#include "signer/key_probe.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "keymgr/key_manager.hpp"

namespace zs::signer {

namespace {

// A dry run names the new_keys signer for placeholders and opens none.
class NoSigners : public keymgr::SignerDirectory {
public:
    explicit NoSigners(const Config& config) : config_(config) {}
    hsm::Signer& signer_named(const std::string& name) override {
        throw Error("internal error: the key manager's dry run asked for signer '" + name + "'");
    }
    std::string new_keys_signer_name() const override { return config_.roles.new_keys; }
    bool requires_backup(const std::string& name) const override {
        const SignerEntry* entry = config_.find(name.empty() ? config_.roles.new_keys : name);
        return entry && entry->require_backup;
    }

private:
    const Config& config_;
};

std::string key_list(const std::vector<keymgr::KeyRecord>& keys, bool detailed) {
    std::vector<std::string> items;
    for (const auto& k : keys)
        items.push_back(std::to_string(k.id) +
                        (detailed ? ":" + std::to_string(k.key_tag) + ":" + std::to_string(k.flags) : ""));
    std::sort(items.begin(), items.end());
    std::string text;
    for (const auto& i : items) text += " " + i;
    return text;
}

}  // namespace

std::string key_plan_fingerprint(const ZoneKeySets& sets) {
    std::vector<std::string> signing;
    for (const auto& use : sets.signing)
        signing.push_back(std::to_string(use.record.id) + ":" +
                          (use.signs_dnskey && use.signs_zone ? "both"
                           : use.signs_dnskey                 ? "dnskey"
                                                              : "zone"));
    std::sort(signing.begin(), signing.end());
    std::string sign_text;
    for (const auto& s : signing) sign_text += " " + s;
    return "dnskey" + key_list(sets.dnskey, true) + "; sign" + sign_text + "; cds" + key_list(sets.cds, false) +
           "; ds" + key_list(sets.ds, false);
}

KeyProbe probe_zone_keys(keymgr::KeyDb& db, const Config& config, const policy::Policy& policy,
                         const std::string& zone, UnixTime now) {
    NoSigners signers(config);
    keymgr::KeyManagerOptions options;
    options.now = now;
    options.dry_run = true;
    const keymgr::ZoneKeys keys = keymgr::run_key_manager(db, signers, policy, zone, options);
    KeyProbe probe;
    probe.fingerprint = key_plan_fingerprint(zone_key_sets(keys));
    for (const auto& e : keys.plan.events) probe.events.push_back(e.detail.empty() ? keymgr::audit_event_name(e) : e.detail);
    probe.next_event = keys.plan.next_event;
    for (const auto& k : keys.plan.keys) {
        using keymgr::Record;
        using keymgr::RecordState;
        if ((k[Record::Ds] == RecordState::Rumoured && !k.ds_seen) ||
            (k[Record::Ds] == RecordState::Unretentive && !k.ds_gone))
            probe.awaiting_parent = true;
    }
    return probe;
}

}  // namespace zs::signer
