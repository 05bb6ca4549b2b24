// Three simulated years of a KSK of unlimited lifetime and a ZSK rolled
// every 30 days: the planner keeps exactly the expected keys, never
// publishes more than two ZSK DNSKEYs at once, and every ZSK serves
// exactly 30 days. Every step is checked by the harness's invariant checker.
#include <gtest/gtest.h>

#include "keymgr/planner.hpp"
#include "planner_test_harness.hpp"

using namespace zs;
using namespace zs::keymgr;
using namespace zs::keymgr::test;
using policy::KeyRole;

namespace {

TEST(PlannerLongRun, ThreeYearsOfMonthlyZskRollovers) {
    Timeline t(policy_with({spec(KeyRole::Ksk, 13, std::nullopt), spec(KeyRole::Zsk, 13, 30 * kDay)}));
    int most_zsk_dnskeys = 0, most_signing_zsks = 0;
    std::map<std::int64_t, UnixTime> active_since;  // of the ZSKs
    t.after_step = [&](const Timeline& tl) {
        int dnskeys = 0, signing = 0;
        for (const KeyState& k : tl.keys) {
            if (k.role != KeyRole::Zsk) continue;
            dnskeys += publishes_dnskey(k);
            signing += signs_zone_data(k);
            if (k.active_since) active_since[k.id] = *k.active_since;
        }
        most_zsk_dnskeys = std::max(most_zsk_dnskeys, dnskeys);
        most_signing_zsks = std::max(most_signing_zsks, signing);
        if (tl.now > kStart + 3 * kDay) {
            EXPECT_FALSE(tl.last.publish_cds) << format_iso8601(tl.now);
        }
    };
    const UnixTime end = kStart + 3 * 365 * kDay;
    t.run_until(end);

    // ZSK n (n = 0, 1, ...) serves from n * 30 d; its successor is
    // generated 7500 s before (DNSKEY TTL + propagation + publish safety):
    // n * 30 d - 7500 s <= 1095 d for n <= 36, so 37 ZSKs and the KSK.
    EXPECT_EQ(t.next_id() - 1, 38);
    // ZSK n is purged 14 d after its DNSKEY left the caches, 97800 + 7500 s
    // after its retirement at (n + 1) * 30 d: within 1095 d for n <= 34.
    EXPECT_EQ(t.purged.size(), 35u);
    EXPECT_EQ(t.keys.size(), 3u);  // the KSK, the current ZSK, the last one awaiting its purge
    EXPECT_EQ(t.max_keys, 3);
    EXPECT_EQ(most_zsk_dnskeys, 2);
    EXPECT_LE(most_zsk_dnskeys, 3);
    EXPECT_EQ(most_signing_zsks, 1);  // pre-publication: never double signatures
    UnixTime expected = kStart;
    for (const auto& [id, since] : active_since) {
        EXPECT_EQ(since, expected) << "ZSK id " << id;
        expected += 30 * kDay;
    }
    EXPECT_EQ(active_since.size(), 37u);
    EXPECT_GT(t.observations(), 150);
}

}  // namespace
