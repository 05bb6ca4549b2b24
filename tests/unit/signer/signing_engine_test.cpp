#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <stdexcept>

#include "signer/signing_engine.hpp"
#include "signer/worker_pool.hpp"
#include "zone/name.hpp"

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
