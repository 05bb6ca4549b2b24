#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <stdexcept>
#include <vector>

#include "signer/signature_reuse.hpp"
#include "signer/signing_engine.hpp"
#include "signer/worker_pool.hpp"
#include "zone/name.hpp"
#include "zone/wire.hpp"

using namespace zs;
using namespace zs::signer;
using namespace zs::zone;

TEST(SigningEngine, ExpirationJitterIsDeterministicAndBounded) {
    SignatureTimes t;
    t.now = 1'000'000'000;
    t.validity = 14 * 86400;
    t.denial_validity = 7 * 86400;
    t.jitter = 12 * 3600;
    std::set<std::uint32_t> seen;
    for (int i = 0; i < 200; ++i) {
        Wire owner = name_from_text("host" + std::to_string(i) + ".example.", Wire(1, '\0'));
        std::uint32_t e = expiration_for(owner, rrtype::A, false, t);
        EXPECT_EQ(e, expiration_for(owner, rrtype::A, false, t));  // same RRset, same offset
        EXPECT_LE(e, t.now + t.validity);
        EXPECT_GE(e, t.now + t.validity - t.jitter);
        std::uint32_t d = expiration_for(owner, rrtype::NSEC, true, t);
        EXPECT_LE(d, t.now + t.denial_validity);
        EXPECT_GE(d, t.now + t.denial_validity - t.jitter);
        seen.insert(e);
    }
    EXPECT_GT(seen.size(), 150u);  // spread, not all at once
    t.jitter = 0;
    EXPECT_EQ(expiration_for(name_from_text("a.example.", Wire(1, '\0')), rrtype::A, false, t), t.now + t.validity);
}

TEST(SigningEngine, SignsOnlyWhatMustBeSigned) {
    Node apex, delegation, glue;
    apex.kind = NodeKind::Authoritative;
    delegation.kind = NodeKind::Delegation;
    glue.kind = NodeKind::Occluded;
    RRset ns, ds, nsec, a, rrsig;
    ns.type = rrtype::NS;
    ds.type = rrtype::DS;
    nsec.type = rrtype::NSEC;
    a.type = rrtype::A;
    rrsig.type = rrtype::RRSIG;
    EXPECT_TRUE(must_sign(apex, ns));
    EXPECT_TRUE(must_sign(apex, a));
    EXPECT_FALSE(must_sign(apex, rrsig));
    EXPECT_FALSE(must_sign(delegation, ns));
    EXPECT_TRUE(must_sign(delegation, ds));
    EXPECT_TRUE(must_sign(delegation, nsec));
    EXPECT_FALSE(must_sign(delegation, a));
    EXPECT_FALSE(must_sign(glue, a));
}

TEST(WorkerPool, RunsEveryIndexOnceAndReusesWorkers) {
    WorkerPool pool(3);
    EXPECT_EQ(pool.size(), 3u);
    for (int round = 0; round < 20; ++round) {
        std::vector<std::atomic<int>> hits(1000);
        std::atomic<unsigned> max_worker{0};
        pool.run(hits.size(), 7, [&](std::size_t b, std::size_t e, unsigned w) {
            for (std::size_t i = b; i < e; ++i) hits[i]++;
            unsigned m = max_worker.load();
            while (w > m && !max_worker.compare_exchange_weak(m, w)) {
            }
        });
        for (auto& h : hits) ASSERT_EQ(h.load(), 1);
        EXPECT_LT(max_worker.load(), 3u);
    }
}

TEST(WorkerPool, RethrowsTheFirstFailureAndStaysUsable) {
    WorkerPool pool(2);
    EXPECT_THROW(pool.run(100, 1,
                          [](std::size_t b, std::size_t, unsigned) {
                              if (b == 42) throw std::runtime_error("boom");
                          }),
                 std::runtime_error);
    std::atomic<int> n{0};
    pool.run(10, 1, [&](std::size_t, std::size_t, unsigned) { n++; });
    EXPECT_EQ(n.load(), 10);
    pool.run(0, 1, [&](std::size_t, std::size_t, unsigned) { n++; });
    EXPECT_EQ(n.load(), 10);
}

namespace {

// RRSIG RDATA with the header fields of `w` and a dummy signature.
Wire rrsig_rdata_for(const WantedRrsig& w, std::uint32_t inception, std::uint32_t expiration) {
    Wire rd;
    put_u16(rd, w.type_covered);
    rd.push_back(static_cast<char>(w.algorithm));
    rd.push_back(static_cast<char>(w.labels));
    put_u32(rd, w.original_ttl);
    put_u32(rd, expiration);
    put_u32(rd, inception);
    put_u16(rd, w.key_tag);
    rd += *w.signer;
    rd += std::string(64, '\x01');
    return rd;
}

// Hourly runs of incremental re-signing over `days`, every RRset signed at
// the start: each run re-signs what reusable_rrsig refuses, with the
// expiration expiration_for gives. Returns how many RRsets each run signed
// (the first run: all) and checks that every signature published after a
// run has more than the refresh time left.
std::vector<std::size_t> resigned_per_run(Seconds jitter, int days, std::size_t rrsets) {
    const Wire origin = name_from_text("example.", Wire(1, '\0'));
    SignatureTimes times{1'700'000'000, 14 * 86400, 14 * 86400, jitter, 3600};
    std::vector<Wire> owners;
    for (std::size_t i = 0; i < rrsets; ++i)
        owners.push_back(name_from_text("host" + std::to_string(i) + ".example.", Wire(1, '\0')));
    const WantedRrsig wanted{rrtype::A, 13, 2, 3600, 4711, &origin, false};
    std::vector<Wire> published(rrsets);
    std::vector<std::size_t> per_run;
    const UnixTime start = times.now;
    for (UnixTime now = start; now < start + days * 86400; now += 3600) {
        times.now = now;
        const ReuseRules rules{now, 5 * 86400, times.validity, times.denial_validity};
        std::size_t signed_now = 0;
        for (std::size_t i = 0; i < rrsets; ++i) {
            if (!published[i].empty() && reusable_rrsig(published[i], wanted, rules)) continue;
            published[i] = rrsig_rdata_for(wanted, static_cast<std::uint32_t>(now - times.inception_offset),
                                           expiration_for(owners[i], rrtype::A, false, times));
            ++signed_now;
            EXPECT_GT(expiration_for(owners[i], rrtype::A, false, times) - now, rules.refresh);
        }
        per_run.push_back(signed_now);
    }
    return per_run;
}

}  // namespace

// The claim of README "Incremental re-signing": with a jitter, signatures
// made together fall due spread out, so that later runs each re-sign a
// part of the zone instead of all of it at once; without one, every
// refresh re-signs the whole zone in one run.
TEST(SigningEngine, JitterSpreadsTheRefreshLoadOverRuns) {
    constexpr std::size_t kRrsets = 4000;
    const std::vector<std::size_t> jittered = resigned_per_run(12 * 3600, 60, kRrsets);
    ASSERT_EQ(jittered.front(), kRrsets);
    const std::size_t largest = *std::max_element(jittered.begin() + 1, jittered.end());
    // 12 hours of jitter and hourly runs: about a twelfth of the zone per
    // run in the first refresh, less as the offsets spread further.
    EXPECT_LE(largest, kRrsets / 8) << "largest later run";
    EXPECT_GT(std::count_if(jittered.begin() + 1, jittered.end(), [](std::size_t n) { return n > 0; }), 40);
    std::size_t total = 0;
    for (std::size_t n : jittered) total += n;
    EXPECT_GE(total, kRrsets * 6);  // 60 days of 9-day cycles: every RRset refreshed about six times

    const std::vector<std::size_t> unjittered = resigned_per_run(0, 60, kRrsets);
    EXPECT_EQ(*std::max_element(unjittered.begin() + 1, unjittered.end()), kRrsets);
}
