#include "signer/simulator.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>

#include "common/error.hpp"
#include "keymgr/key_db.hpp"
#include "keymgr/key_manager.hpp"
#include "keymgr/planner.hpp"
#include "policy/signing_params.hpp"
#include "signer/config.hpp"
#include "signer/key_timeline.hpp"
#include "signer/sign_pipeline.hpp"
#include "signer/simulated_parent.hpp"
#include "signer/simulation_workspace.hpp"
#include "signer/throwaway_signers.hpp"
#include "signer/zone_key_sets.hpp"
#include "zone/cache_validator.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/master_file.hpp"
#include "zone/name.hpp"
#include "zone/rr_type.hpp"
#include "zone/zone_builder.hpp"

namespace zs::signer {

namespace fs = std::filesystem;

namespace {

// A key as the parent's DS names it, for messages.
std::string ds_label(const zone::Wire& ds, const std::vector<keymgr::KeyState>& keys) {
    if (ds.size() < 4) return "(malformed DS)";
    const std::uint16_t tag = zone::get_u16(ds, 0);
    const std::uint8_t algorithm = zone::get_u8(ds, 2);
    for (const auto& k : keys)
        if (k.key_tag == tag && k.algorithm == algorithm) return key_label(k);
    return "key " + std::to_string(tag);
}

std::string ds_set_text(const std::vector<zone::Wire>& set, const std::vector<keymgr::KeyState>& keys) {
    std::string text;
    for (const auto& ds : set) text += (text.empty() ? "" : ", ") + ds_label(ds, keys);
    return "{" + text + "}";
}

// The DS records of OUTPUT.ds: what the zone asks its parent to publish.
std::vector<zone::Wire> read_wanted_ds(const std::string& path, const zone::Wire& origin) {
    std::vector<zone::Wire> set;
    if (!fs::exists(path)) return set;
    zone::MasterFileOptions o;
    o.origin = origin;
    for (auto& r : zone::read_master_file(path, o).records)
        if (r.type == zone::rrtype::DS && r.owner == origin) set.push_back(r.rdata);
    return set;
}

// The DS set of the recorded states, as OUTPUT.ds would have it (`plan`).
std::vector<zone::Wire> wanted_ds_of(const keymgr::KeyDb& db, const std::string& zone_name, const zone::Wire& origin) {
    std::vector<zone::Wire> set;
    for (const auto& k : ds_set(db.list(zone_name), db.load_states(zone_name)))
        set.push_back(zone::make_ds_rdata(origin, k.dnskey_rdata, zone::digest_type::SHA256));
    return set;
}

const keymgr::KeyState* key_of_ds(const zone::Wire& ds, const std::vector<keymgr::KeyState>& keys) {
    if (ds.size() < 4) return nullptr;
    for (const auto& k : keys)
        if (k.key_tag == zone::get_u16(ds, 0) && k.algorithm == zone::get_u8(ds, 2)) return &k;
    return nullptr;
}

class Timeline {
public:
    Timeline(std::ostream& out, bool quiet) : out_(out), quiet_(quiet) {}
    void note(const std::string& text) { events_.push_back(text); }
    std::size_t pending() const { return events_.size(); }
    // Ends a step: its events, then the keys' states.
    void end_step(UnixTime t, const std::string& keys, const std::string& quiet_note = {}) {
        const std::string when = format_iso8601(t);
        if (events_.empty()) {
            if (!quiet_) out_ << when << "  no key event" << quiet_note << "; keys: " << keys << "\n";
        } else {
            for (const auto& e : events_) out_ << when << "  " << e << "\n";
            out_ << when << "    keys: " << keys << "\n";
        }
        events_.clear();
        out_.flush();
    }

private:
    std::ostream& out_;
    bool quiet_;
    std::vector<std::string> events_;
};

struct Violation {
    UnixTime time;
    std::string what;
};

// The world of validators: the largest delays and DS TTL of all the run's
// policies, unless given.
struct RealWorld {
    zone::PropagationDelays delays;
    std::uint32_t ds_ttl = 0;
};

RealWorld real_world(const SimulationOptions& options, const std::vector<const policy::Policy*>& policies) {
    RealWorld w;
    for (const auto* p : policies) {
        w.delays.zone = std::max(w.delays.zone, p->zone_propagation_delay);
        w.delays.parent = std::max(w.delays.parent, p->parent_propagation_delay);
        w.ds_ttl = std::max(w.ds_ttl, p->parent_ds_ttl);
    }
    if (options.zone_propagation_delay) w.delays.zone = *options.zone_propagation_delay;
    if (options.parent_propagation_delay) w.delays.parent = *options.parent_propagation_delay;
    if (options.parent_ds_ttl) w.ds_ttl = *options.parent_ds_ttl;
    return w;
}

class Simulation {
public:
    Simulation(const SimulationOptions& options, std::ostream& out)
        : options_(options),
          out_(out),
          signing_(!options.input.empty()),
          origin_(zone::name_from_text(options.zone, zone::Wire(1, '\0'))),
          changes_(sorted_changes(options.changes)),
          world_(real_world(options, all_policies())),
          workspace_(workspace_options()),
          output_(workspace_.root() + "/zone.signed"),
          history_(origin_),
          timeline_(out, options.quiet),
          policy_(&options.policy) {
        if (options.ds_seen_after) parent_.emplace(*options.ds_seen_after, options.ds_seen_wrong_key);
        if (!signing_) throwaway_ = std::make_unique<ThrowawaySigners>(load_config(workspace_.config(), workspace_.root()));
        if (!options.keep_outputs.empty()) fs::create_directories(options.keep_outputs);
        keymgr::KeyDb db(workspace_.database());
        keys_ = db.load_states(options.zone);
    }

    SimulationReport run();

private:
    static std::vector<PolicyChange> sorted_changes(std::vector<PolicyChange> changes) {
        std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) { return a.time < b.time; });
        return changes;
    }
    std::vector<const policy::Policy*> all_policies() const {
        std::vector<const policy::Policy*> all{&options_.policy};
        for (const auto& c : changes_) all.push_back(&c.policy);
        return all;
    }
    WorkspaceOptions workspace_options() const {
        WorkspaceOptions wo;
        wo.source_state_dir = options_.fresh ? "" : options_.state_dir;
        wo.source_config = options_.source_config;
        wo.zone = options_.zone;
        wo.keys_must_sign = signing_ && options_.signer_config.empty();
        for (const auto* p : all_policies())
            for (const auto& spec : p->keys) wo.signer_names.insert(spec.signer);
        return wo;
    }

    void print_header();
    void change_policy(UnixTime t);
    void parent_step(keymgr::KeyDb& db, UnixTime t);
    std::optional<Violation> key_manager_step(keymgr::KeyDb& db, UnixTime t);
    std::optional<Violation> check_output(const std::vector<keymgr::KeyState>& before, UnixTime t);
    std::optional<UnixTime> next_time(UnixTime t);

    const SimulationOptions& options_;
    std::ostream& out_;
    const bool signing_;
    const zone::Wire origin_;
    const std::vector<PolicyChange> changes_;
    const RealWorld world_;
    SimulationWorkspace workspace_;
    const std::string output_;
    zone::PublicationHistory history_;
    Timeline timeline_;
    std::optional<SimulatedParent> parent_;
    std::unique_ptr<ThrowawaySigners> throwaway_;  // plan: the key manager's signers
    const policy::Policy* policy_;
    std::size_t next_change_ = 0;
    std::vector<keymgr::KeyState> keys_;  // after the last step
};

void Simulation::print_header() {
    out_ << (signing_ ? "simulating" : "planning") << " zone " << options_.zone << " under policy "
         << options_.policy.name << " from " << format_iso8601(options_.from) << " until "
         << format_iso8601(options_.until)
         << (workspace_.copied() ? " (copy of the current state)" : " (no keys yet)") << "\n";
    for (const auto& c : changes_) out_ << "  policy " << c.policy.name << " from " << format_iso8601(c.time) << "\n";
    if (parent_)
        out_ << "  parent: publishes the DS set the zone asks for " << format_duration(*options_.ds_seen_after)
             << " later, then ds-seen/ds-gone are recorded"
             << (options_.ds_seen_wrong_key ? " (TEST: after its first DS set it confirms changes it never publishes)"
                                            : "")
             << "\n";
    else
        out_ << "  parent: none (no DS is published or confirmed: the zone stays insecure and KSK/CSK rollovers "
                "wait for ds-seen; see --ds-seen-after)\n";
    if (signing_)
        out_ << "  validators: zone propagation " << format_duration(world_.delays.zone) << ", parent propagation "
             << format_duration(world_.delays.parent) << ", DS TTL " << world_.ds_ttl << "\n";
}

void Simulation::change_policy(UnixTime t) {
    while (next_change_ < changes_.size() && changes_[next_change_].time <= t) {
        policy_ = &changes_[next_change_].policy;
        timeline_.note("policy changed to " + policy_->name);
        ++next_change_;
    }
}

// The parent publishes what was asked of it, and the operator records what
// it sees.
void Simulation::parent_step(keymgr::KeyDb& db, UnixTime t) {
    if (!parent_) return;
    auto change = parent_->advance(t);
    if (!change) return;
    const std::vector<keymgr::KeyState> keys = db.load_states(options_.zone);
    if (change->published) timeline_.note("parent publishes DS set " + ds_set_text(parent_->served(), keys));
    for (const auto& ds : change->appeared)
        if (const auto* k = key_of_ds(ds, keys)) {
            db.set_ds_seen(k->id, t);
            timeline_.note("ds-seen recorded for " + key_label(*k));
        }
    for (const auto& ds : change->went)
        if (const auto* k = key_of_ds(ds, keys)) {
            db.set_ds_gone(k->id, t);
            timeline_.note("ds-gone recorded for " + key_label(*k));
        }
}

// The key manager and, for simulate, the signer at t.
std::optional<Violation> Simulation::key_manager_step(keymgr::KeyDb& db, UnixTime t) {
    try {
        if (signing_) {
            SignOptions so;
            so.zone = options_.zone;
            so.input = options_.input;
            so.output = output_;
            so.state_dir = workspace_.root();
            so.config = options_.signer_config.empty() ? workspace_.config() : options_.signer_config;
            so.params = policy::signing_params(*policy_);
            so.policy = *policy_;
            so.threads = 1;
            so.verify = options_.step_verify;
            so.now = t;
            run_sign(so);
        } else {
            keymgr::KeyManagerOptions ko;
            ko.now = t;
            ko.user = "simulation";
            keymgr::run_key_manager(db, *throwaway_, *policy_, options_.zone, ko);
        }
    } catch (const UsageError&) {
        throw;
    } catch (const std::exception& e) {
        return Violation{t, std::string(signing_ ? "signing failed: " : "the key manager failed: ") + e.what()};
    }
    return std::nullopt;
}

// Checks 1-3 on what was published at t (`before`: the keys of the step
// before, to find the keys destroyed now).
std::optional<Violation> Simulation::check_output(const std::vector<keymgr::KeyState>& before, UnixTime t) {
    zone::MasterFileOptions ro;
    ro.origin = origin_;
    zone::BuildResult built = zone::build_zone_from_file(output_, ro, {true});
    history_.publish_zone(zone::snapshot_of(built.zone), t);
    if (parent_) history_.publish_ds({parent_->served(), world_.ds_ttl}, t);

    zone::VerifyOptions vo;
    vo.mode = zone::VerifyMode::Full;
    vo.now = t;
    zone::VerifyReport verified = zone::verify_zone(built.zone, vo);
    std::vector<std::string> problems = built.problems;
    problems.insert(problems.end(), verified.problems.begin(), verified.problems.end());
    if (!problems.empty()) {
        std::string text = "the signed zone fails verification:";
        for (const auto& p : problems) text += "\n  " + p;
        return Violation{t, text};
    }
    if (auto gap = zone::check_validation(history_, t, world_.delays)) return Violation{t, *gap};
    for (const auto& k : before) {
        if (std::any_of(keys_.begin(), keys_.end(), [&](const auto& a) { return a.id == k.id; })) continue;
        if (auto reason = zone::check_destroy(history_, {k.key_tag, k.algorithm}, t, world_.delays))
            return Violation{t, key_label(k) + " was destroyed while " + *reason};
    }
    return std::nullopt;
}

// The next step: the next key event, the parent's next move, a policy
// change, and at least daily while signing; unset at the end.
std::optional<UnixTime> Simulation::next_time(UnixTime t) {
    const keymgr::PlanStep plan = keymgr::plan_step(*policy_, keys_, t);
    if (t >= options_.until) {
        for (const auto& b : plan.blockers) {
            const keymgr::KeyState* k = nullptr;
            for (const auto& a : keys_)
                if (a.id == b.key_id) k = &a;
            out_ << "waiting at " << format_iso8601(t) << ": " << (k ? key_label(*k) : "key") << " "
                 << keymgr::to_string(b.record) << " -> " << keymgr::to_string(b.next) << ": " << b.why
                 << (b.earliest ? "" : " (only an operator or the parent can unblock it)") << "\n";
        }
        return std::nullopt;
    }
    UnixTime next = options_.until;
    if (plan.next_event && *plan.next_event > t) next = std::min(next, *plan.next_event);
    if (parent_ && parent_->due()) next = std::min(next, std::max(*parent_->due(), t + 1));
    if (next_change_ < changes_.size()) next = std::min(next, changes_[next_change_].time);
    if (signing_) next = std::min(next, t + options_.max_step);
    return std::max(next, t + 1);
}

SimulationReport Simulation::run() {
    print_header();
    SimulationReport report;
    std::optional<UnixTime> t = options_.from;
    UnixTime last = options_.from;
    while (t) {
        last = *t;
        ++report.steps;
        change_policy(*t);
        keymgr::KeyDb db(workspace_.database());
        db.set_audit_user("simulation");
        parent_step(db, *t);
        std::optional<Violation> violation = key_manager_step(db, *t);

        const std::vector<keymgr::KeyState> before = std::move(keys_);
        keys_ = db.load_states(options_.zone);
        for (const auto& e : key_events(before, keys_)) timeline_.note(e);
        const bool event_step = timeline_.pending() > 0;
        if (!violation && signing_) {
            violation = check_output(before, *t);
            if (!options_.keep_outputs.empty() && (event_step || violation))
                fs::copy_file(output_, options_.keep_outputs + "/" + std::to_string(*t) + ".zone",
                              fs::copy_options::overwrite_existing);
        }
        // The DS set the zone now asks its parent for.
        if (!violation && parent_)
            parent_->submit(signing_ ? read_wanted_ds(output_ + ".ds", origin_)
                                     : wanted_ds_of(db, options_.zone, origin_),
                            *t);
        report.events += timeline_.pending();
        timeline_.end_step(*t, key_summary(keys_));
        if (violation) {
            report.violation = violation->what;
            report.violation_time = violation->time;
            return report;
        }
        t = next_time(*t);
    }
    out_ << (signing_ ? "simulation" : "plan") << " ended at " << format_iso8601(last) << ": " << report.steps
         << " steps, " << report.events << " events" << (signing_ ? ", no violation" : "") << "\n";
    return report;
}

}  // namespace

SimulationReport run_simulation(const SimulationOptions& options, std::ostream& out) {
    if (options.until < options.from) throw UsageError("--until is before --from");
    Simulation simulation(options, out);
    return simulation.run();
}

}  // namespace zs::signer
