// A virtual-clock timeline for the key planner: starts from no keys, calls
// plan_step, creates the keys it asks for, purges what it lists, plays a
// parent that publishes (ds-seen) or removes (ds-gone) a DS a configurable
// delay after the zone asks for it, and after every step checks the
// published zone with an independent invariant checker (below) that models
// resolvers' caches from the TTLs.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "keymgr/planner.hpp"

namespace zs::keymgr::test {

inline constexpr UnixTime kStart = 1767225600;  // 2026-01-01T00:00:00Z
inline constexpr Seconds kDay = 86400;

inline policy::KeySpec spec(policy::KeyRole role, std::uint8_t algorithm, std::optional<Seconds> lifetime,
                            unsigned bits = 0) {
    policy::KeySpec s;
    s.role = role;
    s.algorithm = algorithm;
    s.bits = bits;
    s.lifetime = lifetime;
    return s;
}

// The policy members keep their defaults (dnskey TTL 1h, max zone TTL 1d,
// propagation 5 min, parent DS TTL 1d, parent propagation 1h, safety 1h,
// purge after 14 d); tests set the key specs.
inline policy::Policy policy_with(std::vector<policy::KeySpec> keys) {
    policy::Policy p;
    p.keys = std::move(keys);
    return p;
}

// Independent of the planner's state model: it sees only what is published
// (DNSKEYs and the two kinds of RRSIGs in the zone, DS at the parent) at
// each step, keeps every version of each RRset that a resolver may still
// have cached (replaced less than TTL + propagation ago), and requires for
// every combination of cached versions:
//  - once the parent had a DS, it always has one;
//  - for every algorithm of the DS RRset: a key of it with DS, DNSKEY and
//    RRSIG(DNSKEY) in that DNSKEY response, and a key of it with DNSKEY and
//    RRSIG(zone) (so a validator that knows only that algorithm succeeds);
//  - in a secure zone, every algorithm of the DNSKEY RRset signs the DNSKEY
//    RRset and the zone data (RFC 4035 section 2.2).
class InvariantChecker {
public:
    explicit InvariantChecker(const policy::Policy& p) { set_policy(p); }
    void set_policy(const policy::Policy& p) {
        ds_window_ = p.parent_ds_ttl + p.parent_propagation_delay;
        dnskey_window_ = p.dnskey_ttl + p.zone_propagation_delay;
        zone_window_ = p.max_zone_ttl + p.zone_propagation_delay;
    }

    // parent_ds: key ids whose DS the parent publishes now.
    void observe(UnixTime now, const std::vector<KeyState>& keys, const std::set<std::int64_t>& parent_ds) {
        std::set<std::int64_t> dnskey_response, zone_sigs;
        for (const KeyState& k : keys) {
            algorithm_[k.id] = k.algorithm;
            if (publishes_dnskey(k)) dnskey_response.insert(k.id * 2);
            if (signs_dnskey_rrset(k) && !k.backup_pending) dnskey_response.insert(k.id * 2 + 1);
            if (signs_zone_data(k) && !k.backup_pending) zone_sigs.insert(k.id);
        }
        record(ds_, parent_ds, now);
        record(dnskey_, dnskey_response, now);
        record(zone_, zone_sigs, now);
        if (!parent_ds.empty()) secured_ = true;
        if (secured_) {
            EXPECT_FALSE(parent_ds.empty()) << "the parent lost every DS at " << format_iso8601(now);
        }
        for (const auto* ds : cached(ds_, ds_window_, now)) {
            if (ds->members.empty()) continue;  // insecure for this resolver
            for (const auto* dk : cached(dnskey_, dnskey_window_, now)) {
                for (const auto* zs : cached(zone_, zone_window_, now)) check(*ds, *dk, *zs, now);
            }
        }
        ++observations_;
    }
    int observations() const { return observations_; }

private:
    struct Version {
        std::set<std::int64_t> members;
        UnixTime from = 0;
        std::optional<UnixTime> until;
    };

    static void record(std::vector<Version>& history, const std::set<std::int64_t>& now_published, UnixTime now) {
        if (!history.empty() && history.back().members == now_published) return;
        if (!history.empty()) history.back().until = now;
        history.push_back(Version{now_published, now, std::nullopt});
    }
    static std::vector<const Version*> cached(const std::vector<Version>& history, Seconds window, UnixTime now) {
        std::vector<const Version*> result;
        for (const Version& v : history) {
            if (!v.until || *v.until + window > now) result.push_back(&v);
        }
        return result;
    }
    std::string show(const Version& v) const {
        std::ostringstream out;
        out << "{";
        for (auto m : v.members) out << " " << m;
        out << " } since " << format_iso8601(v.from);
        return out.str();
    }

    void check(const Version& ds, const Version& dk, const Version& zs, UnixTime now) {
        const std::string where = " at " + format_iso8601(now) + " DS " + show(ds) + " DNSKEY/RRSIG(DNSKEY)*2+1 " +
                                  show(dk) + " RRSIG(zone) " + show(zs);
        std::set<std::uint8_t> ds_algorithms, dnskey_algorithms;
        for (auto id : ds.members) ds_algorithms.insert(algorithm_.at(id));
        for (auto m : dk.members) {
            if (m % 2 == 0) dnskey_algorithms.insert(algorithm_.at(m / 2));
        }
        for (std::uint8_t a : ds_algorithms) {
            bool dnskey_chain = false, zone_chain = false;
            for (auto id : ds.members) {
                if (algorithm_.at(id) == a && dk.members.count(id * 2) && dk.members.count(id * 2 + 1)) {
                    dnskey_chain = true;
                }
            }
            for (auto id : zs.members) {
                if (algorithm_.at(id) == a && dk.members.count(id * 2)) zone_chain = true;
            }
            EXPECT_TRUE(dnskey_chain) << "no DS -> DNSKEY -> RRSIG(DNSKEY) chain of algorithm " << int(a) << where;
            EXPECT_TRUE(zone_chain) << "no DNSKEY -> RRSIG(zone) chain of algorithm " << int(a) << where;
        }
        for (std::uint8_t a : dnskey_algorithms) {
            bool signs_dnskey = false, signs_zone = false;
            for (auto m : dk.members) {
                if (m % 2 == 1 && algorithm_.at(m / 2) == a) signs_dnskey = true;
            }
            for (auto id : zs.members) {
                if (algorithm_.at(id) == a) signs_zone = true;
            }
            EXPECT_TRUE(signs_dnskey && signs_zone)
                << "algorithm " << int(a) << " of the DNSKEY RRset does not sign every RRset" << where;
        }
    }

    Seconds ds_window_ = 0, dnskey_window_ = 0, zone_window_ = 0;
    std::vector<Version> ds_, dnskey_, zone_;
    std::map<std::int64_t, std::uint8_t> algorithm_;
    bool secured_ = false;
    int observations_ = 0;
};

// A delay after which the parent acts on a changed DS set; nullopt: never.
struct Parent {
    std::optional<Seconds> publish_after = 3600;
    std::optional<Seconds> remove_after = 3600;
};

class Timeline {
public:
    explicit Timeline(policy::Policy p, UnixTime start = kStart) : policy(std::move(p)), now(start), checker_(policy) {}

    policy::Policy policy;
    UnixTime now;
    std::vector<KeyState> keys;
    Parent parent;
    bool new_keys_backup_pending = false;
    std::vector<PlannedEvent> log;     // every event of every step
    std::vector<std::int64_t> purged;  // ids, in purge order
    PlanStep last;
    int max_keys = 0;  // the most keys alive at once
    // Called after every step, for per-step assertions of a test.
    std::function<void(const Timeline&)> after_step;

    void set_policy(policy::Policy p) {
        policy = std::move(p);
        checker_.set_policy(policy);
    }

    // Parent facts due now, plan (creating requested keys and planning
    // again at the same time), purge, check the invariants.
    void step() {
        for (KeyState& k : keys) {
            const RecordState ds = k[Record::Ds];
            if (ds == RecordState::Rumoured && !k.ds_seen && parent.publish_after &&
                k.changed_at(Record::Ds) + *parent.publish_after <= now) {
                k.ds_seen = now;
            }
            if (ds == RecordState::Unretentive && !k.ds_gone && parent.remove_after &&
                k.changed_at(Record::Ds) + *parent.remove_after <= now) {
                k.ds_gone = now;
            }
        }
        for (int rounds = 0;; ++rounds) {
            ASSERT_LT(rounds, 5) << "the planner keeps asking for keys";
            last = plan_step(policy, keys, now);
            keys = last.keys;
            log.insert(log.end(), last.events.begin(), last.events.end());
            if (last.generate.empty()) break;
            for (const policy::KeySpec& s : last.generate) {
                KeyState k;
                k.id = next_id_++;
                k.role = s.role;
                k.algorithm = s.algorithm;
                k.bits = s.algorithm == 8 ? (s.bits ? s.bits : 2048) : 0;
                k.key_tag = static_cast<std::uint16_t>(10000 + k.id);
                k.created = now;
                k.backup_pending = new_keys_backup_pending;
                keys.push_back(k);
            }
        }
        for (std::int64_t id : last.purge) {
            purged.push_back(id);
            keys.erase(std::remove_if(keys.begin(), keys.end(), [&](const KeyState& k) { return k.id == id; }),
                       keys.end());
        }
        max_keys = std::max(max_keys, static_cast<int>(keys.size()));
        std::set<std::int64_t> parent_ds;
        for (const KeyState& k : keys) {
            if (k.ds_seen && *k.ds_seen <= now && !(k.ds_gone && *k.ds_gone <= now)) parent_ds.insert(k.id);
        }
        checker_.observe(now, keys, parent_ds);
        if (after_step) after_step(*this);
    }

    // The next time something happens: the planner's next event or a parent
    // fact coming due; a day later when neither is known.
    UnixTime next_time() const {
        std::optional<UnixTime> t = last.next_event;
        for (const KeyState& k : keys) {
            const RecordState ds = k[Record::Ds];
            std::optional<UnixTime> fact;
            if (ds == RecordState::Rumoured && !k.ds_seen && parent.publish_after) {
                fact = k.changed_at(Record::Ds) + *parent.publish_after;
            }
            if (ds == RecordState::Unretentive && !k.ds_gone && parent.remove_after) {
                fact = k.changed_at(Record::Ds) + *parent.remove_after;
            }
            if (fact && *fact > now && (!t || *fact < *t)) t = fact;
        }
        return t ? *t : now + kDay;
    }

    // Steps at every event strictly before `end`, then at `end`.
    void run_until(UnixTime end) {
        if (log.empty() && keys.empty()) step();
        while (!::testing::Test::HasFatalFailure()) {
            const UnixTime t = next_time();
            now = std::min(t, end);
            step();
            if (now >= end) break;
        }
    }
    // Steps until `done` holds after a step (at most `limit` seconds ahead).
    template <class Pred>
    bool run_while_not(Pred done, Seconds limit = 400 * kDay) {
        const UnixTime end = now + limit;
        if (log.empty() && keys.empty()) step();
        while (!done() && now < end && !::testing::Test::HasFatalFailure()) {
            now = std::min(next_time(), end);
            step();
        }
        return done();
    }

    KeyState* key(std::int64_t id) {
        for (KeyState& k : keys) {
            if (k.id == id) return &k;
        }
        return nullptr;
    }
    const KeyState* key(std::int64_t id) const { return const_cast<Timeline*>(this)->key(id); }
    // Ids of keys alive with that role, in id order.
    std::vector<std::int64_t> ids(policy::KeyRole role) const {
        std::vector<std::int64_t> result;
        for (const KeyState& k : keys) {
            if (k.role == role) result.push_back(k.id);
        }
        std::sort(result.begin(), result.end());
        return result;
    }
    // The time of the first logged transition of that record of that key to `to`.
    std::optional<UnixTime> when(std::int64_t id, Record r, RecordState to) const {
        for (const PlannedEvent& e : log) {
            if (e.kind == PlannedEvent::Kind::Transition && e.key_id == id && e.record == r && e.to == to)
                return e.time;
        }
        return std::nullopt;
    }
    std::optional<UnixTime> when_retired(std::int64_t id) const {
        for (const PlannedEvent& e : log) {
            if (e.kind == PlannedEvent::Kind::Retire && e.key_id == id) return e.time;
        }
        return std::nullopt;
    }
    std::optional<UnixTime> when_purged(std::int64_t id) const {
        for (const PlannedEvent& e : log) {
            if (e.kind == PlannedEvent::Kind::Purge && e.key_id == id) return e.time;
        }
        return std::nullopt;
    }
    int observations() const { return checker_.observations(); }
    std::int64_t next_id() const { return next_id_; }

private:
    InvariantChecker checker_;
    std::int64_t next_id_ = 1;
};

// "t+30d-7500s ZSK 10002 DNSKEY hidden->rumoured" style lines for the
// events of some keys, relative to a base time, for exact sequence checks.
inline std::string event_line(const PlannedEvent& e, UnixTime base) {
    std::ostringstream out;
    out << "+" << (e.time - base) << " ";
    switch (e.kind) {
        case PlannedEvent::Kind::Transition:
            out << "key" << e.key_id << " " << to_string(e.record) << " " << to_string(e.from) << "->"
                << to_string(e.to);
            break;
        case PlannedEvent::Kind::Retire: out << "key" << e.key_id << " retire"; break;
        case PlannedEvent::Kind::Generate: out << "generate"; break;
        case PlannedEvent::Kind::Purge: out << "key" << e.key_id << " purge"; break;
    }
    return out.str();
}

inline std::vector<std::string> event_lines(const std::vector<PlannedEvent>& log, UnixTime base,
                                            const std::set<std::int64_t>& key_ids, bool with_generate) {
    std::vector<std::string> lines;
    for (const PlannedEvent& e : log) {
        if (e.time < base) continue;
        if (e.kind == PlannedEvent::Kind::Generate ? with_generate : key_ids.count(e.key_id) > 0) {
            lines.push_back(event_line(e, base));
        }
    }
    return lines;
}

}  // namespace zs::keymgr::test
