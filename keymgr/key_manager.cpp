#include "keymgr/key_manager.hpp"

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "common/test_stop_point.hpp"
#include "keymgr/crash_point.hpp"
#include "keymgr/ds_records.hpp"
#include "keymgr/shell_command.hpp"
#include "keymgr/zone_keys.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::keymgr {

namespace {

// A policy asks for a handful of keys; the planner asks again only if a new
// key does not satisfy it, which would repeat forever.
constexpr int kMaxGenerationRounds = 4;

// Audit entries written while alive carry this user (generate_zone_key
// writes its own entry).
class AuditUserScope {
public:
    AuditUserScope(KeyDb& db, const std::string& user) : db_(db), saved_(db.audit_user()) {
        if (!user.empty()) db_.set_audit_user(user);
    }
    ~AuditUserScope() { db_.set_audit_user(saved_); }
    AuditUserScope(const AuditUserScope&) = delete;
    AuditUserScope& operator=(const AuditUserScope&) = delete;

private:
    KeyDb& db_;
    std::string saved_;
};

std::string key_text(const KeyRecord& k) {
    return to_string(k.role) + " " + std::to_string(k.key_tag) + " (" + zone::algorithm_name(k.algorithm) +
           ", signer " + k.signer + ", id " + k.native_id + ")";
}

const KeyRecord* find_record(const std::vector<KeyRecord>& records, std::int64_t id) {
    for (const auto& r : records)
        if (r.id == id) return &r;
    return nullptr;
}

// Keys whose DS the parent has to confirm: submitted and not yet seen, or
// withdrawn and not yet gone, before `now` (a change made at `now` cannot
// have reached the parent; and a rerun at the same time after a crash must
// not check what the first run did not).
std::vector<std::int64_t> awaiting_parent(const std::vector<KeyState>& keys, UnixTime now) {
    std::vector<std::int64_t> ids;
    for (const auto& k : keys) {
        if (k.changed_at(Record::Ds) >= now) continue;
        if ((k[Record::Ds] == RecordState::Rumoured && !k.ds_seen) ||
            (k[Record::Ds] == RecordState::Unretentive && !k.ds_gone))
            ids.push_back(k.id);
    }
    return ids;
}

// A parent fact a successful parent_check established, to be recorded with
// the transitions it allows.
struct ParentFact {
    std::int64_t key_id = 0;
    bool seen = false;  // DS seen; else DS gone
    std::string detail;
};

// Runs the policy's parent_check with the DS set the recorded states ask
// the parent for (the DS records Rumoured or Omnipresent: what previous runs
// submitted, and what `key export-ds` prints). On success the keys waiting
// for the parent get their facts in `states` (at now), and the facts are
// returned for the step's transaction: recorded together with the
// transitions they allow, so a crash leaves either both or neither. Only
// recorded states count, not this run's plan, and keys generated since (a
// crashed run's, every record hidden) change neither the set nor the keys
// waiting: a rerun at the same time checks what the first run checked.
std::vector<ParentFact> check_parent(const policy::Policy& policy, const std::string& zone,
                                     const std::vector<KeyRecord>& records, std::vector<KeyState>& states,
                                     const KeyManagerOptions& options, ZoneKeys& result) {
    const UnixTime now = options.now;
    const std::vector<std::int64_t> waiting = awaiting_parent(states, now);
    if (waiting.empty()) return {};
    std::vector<KeyRecord> expected;
    for (const auto& k : states)
        if (wants_ds(k))
            if (const KeyRecord* r = find_record(records, k.id)) expected.push_back(*r);
    const std::string ds_text = ds_records_text(zone, expected, policy.parent_ds_ttl);
    const CommandResult run = run_shell_command(policy.parent_check, ds_text, options.parent_check_timeout);
    const std::string set_text = std::to_string(expected.size()) + " DS record" + (expected.size() == 1 ? "" : "s");
    if (!run.success()) {
        result.notes.push_back("zone " + zone + ": parent_check (" + run.text() +
                               ") does not confirm that the parent publishes the expected DS set (" + set_text +
                               "); the DS changes wait");
        return {};
    }
    std::vector<ParentFact> facts;
    for (auto& k : states) {
        if (std::find(waiting.begin(), waiting.end(), k.id) == waiting.end()) continue;
        ParentFact fact;
        fact.key_id = k.id;
        fact.seen = k[Record::Ds] == RecordState::Rumoured;
        if (fact.seen) k.ds_seen = now;
        else k.ds_gone = now;
        const KeyRecord* r = find_record(records, k.id);
        fact.detail = std::string(fact.seen ? "the parent publishes the DS of "
                                            : "the parent no longer publishes the DS of ") +
                      (r ? key_text(*r) : "key " + std::to_string(k.id)) +
                      " (parent_check confirmed the expected set of " + set_text + ")";
        facts.push_back(std::move(fact));
    }
    result.notes.push_back("zone " + zone + ": parent_check confirmed the expected DS set (" + set_text + ")");
    return facts;
}

// What a dry run shows for a key it would generate.
KeyRecord placeholder_record(const std::string& zone, const policy::KeySpec& spec, const std::string& signer,
                             std::int64_t id, UnixTime now) {
    KeyRecord r;
    r.id = id;
    r.zone = zone;
    r.role = spec.role;
    r.algorithm = spec.algorithm;
    r.flags = spec.role == KeyRole::Zsk ? zone::dnskey_flags::ZSK : zone::dnskey_flags::KSK;
    r.signer = signer;
    r.created = now;
    const zone::AlgorithmInfo* info = zone::find_algorithm(spec.algorithm);
    r.bits = spec.bits ? spec.bits : (info ? info->default_bits : 0);
    return r;
}

KeyState new_key_state(const KeyRecord& r) {
    KeyState s;
    s.id = r.id;
    s.role = r.role;
    s.algorithm = r.algorithm;
    s.bits = r.bits;
    s.key_tag = r.key_tag;
    s.signer = r.signer;
    s.created = r.created;
    s.goal = KeyGoal::Omnipresent;
    s.changed.fill(r.created);
    s.backup_pending = r.backup_pending;
    return s;
}

std::string record_word(Record r) {
    switch (r) {
        case Record::Ds: return "ds";
        case Record::Dnskey: return "dnskey";
        case Record::KrrSig: return "krrsig";
        case Record::ZrrSig: return "zrrsig";
    }
    return "record";
}

// The planner's own words name key, record and transition; without them,
// the transition itself.
std::string event_detail(const PlannedEvent& e) {
    if (!e.detail.empty() || e.kind != PlannedEvent::Kind::Transition) return e.detail;
    return to_string(e.record) + " " + to_string(e.from) + " -> " + to_string(e.to);
}

}  // namespace

std::string audit_event_name(const PlannedEvent& e) {
    switch (e.kind) {
        case PlannedEvent::Kind::Retire: return "retire";
        case PlannedEvent::Kind::Generate: return "generate";
        case PlannedEvent::Kind::Purge: return "purge";
        case PlannedEvent::Kind::Transition: break;
    }
    // The transitions an operator watches for get their own word; the
    // others say which record reached which state.
    switch (e.to) {
        case RecordState::Rumoured:
            switch (e.record) {
                case Record::Ds: return "ds-submit";
                case Record::Dnskey: return "publish";
                case Record::KrrSig: return "activate-dnskey-signing";
                case Record::ZrrSig: return "activate";
            }
            break;
        case RecordState::Unretentive:
            switch (e.record) {
                case Record::Ds: return "ds-withdraw";
                case Record::Dnskey: return "unpublish";
                case Record::KrrSig: return "deactivate-dnskey-signing";
                case Record::ZrrSig: return "deactivate";
            }
            break;
        case RecordState::Omnipresent: return record_word(e.record) + "-omnipresent";
        case RecordState::Hidden: return record_word(e.record) + "-hidden";
    }
    return "transition";
}

KeyRecord generate_key_for_spec(KeyDb& db, SignerDirectory& signers, const std::string& zone,
                                const policy::KeySpec& spec, UnixTime now) {
    hsm::Signer& signer = signers.signer_named(spec.signer);
    KeyDb::Transaction tx(db);
    KeyRecord key = generate_zone_key(db, signer, zone, spec.role, spec.algorithm, spec.bits, now);
    if (signers.requires_backup(spec.signer)) {
        db.set_backup_pending(key.id, true);
        key.backup_pending = true;
        db.append_audit(now, zone, key.id, "backup-pending",
                        "signer '" + key.signer + "' requires a backup before this key signs: run zonesigner hsm "
                        "backup-done " + key.signer + " after backing it up");
    }
    tx.commit();
    crash_point_after_commit();
    return key;
}

// The keys of a step, ordered by id, each record with its state; purged
// keys and states without a record are left out.
static void assemble_zone_keys(ZoneKeys& out, const std::vector<KeyRecord>& records, const std::vector<KeyState>& states,
                        const std::set<std::int64_t>& purged) {
    std::vector<KeyState> kept;
    for (const KeyState& k : states)
        if (!purged.count(k.id) && find_record(records, k.id)) kept.push_back(k);
    std::sort(kept.begin(), kept.end(), [](const KeyState& a, const KeyState& b) { return a.id < b.id; });
    for (const KeyState& k : kept) {
        out.records.push_back(*find_record(records, k.id));
        out.states.push_back(k);
    }
    // The records' backup flag as the states carry it.
    for (std::size_t i = 0; i < out.records.size(); ++i) out.records[i].backup_pending = out.states[i].backup_pending;
}

ZoneKeys run_key_manager(KeyDb& db, SignerDirectory& signers, const policy::Policy& policy,
                         const std::string& zone, const KeyManagerOptions& options) {
    const UnixTime now = options.now;
    const Planner planner = options.planner ? options.planner : Planner(plan_step);
    AuditUserScope audit_user(db, options.user);

    if (auto last = db.last_run(zone); last && now < *last)
        throw Error("the clock went backwards: now " + format_iso8601(now) + " is before the last run of zone " + zone +
                    " at " + format_iso8601(*last) + "; key states are not changed until the clock is right");

    ZoneKeys result;
    std::vector<KeyRecord> records = db.list(zone);
    std::vector<KeyState> states = db.load_states(zone);

    std::vector<ParentFact> parent_facts;
    if (!options.dry_run && !policy.parent_check.empty())
        parent_facts = check_parent(policy, zone, records, states, options, result);

    // Keys the plan needs first; then the plan again with them.
    std::int64_t next_placeholder = 1;
    for (const auto& k : states) next_placeholder = std::max(next_placeholder, k.id + 1);
    PlanStep plan;
    for (int round = 0;; ++round) {
        plan = planner(policy, states, now);
        if (plan.generate.empty()) break;
        if (round == kMaxGenerationRounds)
            throw Error("zone " + zone + ": policy '" + policy.name + "' still asks for new keys after " +
                        std::to_string(kMaxGenerationRounds) + " rounds of key generation");
        for (const policy::KeySpec& spec : plan.generate) {
            KeyRecord key;
            if (options.dry_run) {
                const std::string signer = spec.signer.empty() ? signers.new_keys_signer_name() : spec.signer;
                key = placeholder_record(zone, spec, signer, next_placeholder++, now);
            } else {
                key = generate_key_for_spec(db, signers, zone, spec, now);
                result.notes.push_back("zone " + zone + ": generated " + key_text(key));
            }
            records.push_back(key);
            states.push_back(new_key_state(key));
        }
    }

    // Publish first, record after (see KeyManagerOptions::publish).
    if (options.publish && !options.dry_run) {
        ZoneKeys planned;
        planned.plan = plan;
        planned.notes = result.notes;
        planned.warnings = result.warnings;
        assemble_zone_keys(planned, records, plan.keys, {});
        options.publish(planned);
    }

    if (!options.dry_run) {
        KeyDb::Transaction tx(db);
        for (const ParentFact& fact : parent_facts) {
            if (fact.seen) db.set_ds_seen(fact.key_id, now);
            else db.set_ds_gone(fact.key_id, now);
            db.append_audit(now, zone, fact.key_id, fact.seen ? "ds-seen" : "ds-gone", fact.detail);
        }
        for (const KeyState& k : plan.keys)
            if (find_record(records, k.id)) db.save_state(k);
        for (const PlannedEvent& e : plan.events) {
            if (e.kind == PlannedEvent::Kind::Generate) continue;  // generate_zone_key wrote it
            std::optional<std::int64_t> key_id;
            if (e.key_id != 0 && find_record(records, e.key_id)) key_id = e.key_id;
            db.append_audit(e.time, zone, key_id, audit_event_name(e), event_detail(e));
        }
        db.set_last_run(zone, now);
        db.set_zone_policy(zone, policy.name);
        test_stop_point("in-transaction", zone);
        tx.commit();
        crash_point_after_commit();
    }

    // Purge: the tombstone is committed before the signer destroys the key,
    // so the database never names a key that may be gone.
    std::set<std::int64_t> purged;
    for (std::int64_t id : plan.purge) {
        const KeyRecord* key = find_record(records, id);
        if (!key) continue;
        purged.insert(id);
        if (options.dry_run) continue;
        {
            KeyDb::Transaction tx(db);
            db.mark_deleted(id, now);
            db.append_audit(now, zone, id, "delete",
                            key_text(*key) + ": hidden for the purge time; deleted, then destroyed in its signer");
            tx.commit();
            crash_point_after_commit();
        }
        try {
            signers.signer_named(key->signer).delete_key(key->native_id);
            result.notes.push_back("zone " + zone + ": purged " + key_text(*key));
        } catch (const std::exception& e) {
            result.warnings.push_back("zone " + zone + ": " + key_text(*key) +
                                      " is deleted in the key database, but its signer did not destroy it (" +
                                      e.what() + "); 'zonesigner hsm keys' lists it as an orphan");
        }
    }

    if (!options.dry_run) records = db.list(zone);  // with the milestones save_state derived
    assemble_zone_keys(result, records, plan.keys, purged);
    result.plan = std::move(plan);
    return result;
}

}  // namespace zs::keymgr
