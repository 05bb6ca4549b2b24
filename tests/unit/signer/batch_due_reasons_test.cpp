// due_reasons: when `zonesigner run` signs a zone again, and why; a pure
// function of the run record and what the run sees now.
#include "signer/due_reasons.hpp"

#include <gtest/gtest.h>

namespace zs::signer {
namespace {

constexpr UnixTime kNow = 1700000000;
constexpr Seconds kDay = 86400;

// A record describing an output signed a day ago, expiring in 13 days, and
// inputs that match it exactly.
RunRecord published() {
    RunRecord r;
    r.zone = "example.com.";
    r.last_success = kNow - kDay;
    r.serial = 2024010102;
    r.output = "/srv/example.com.signed";
    r.input_hash = "aaaa";
    r.policy = "default";
    r.policy_hash = "pppp";
    r.key_plan = "dnskey 1:111:257 2:222:256; sign 1:dnskey 2:zone; cds; ds 1";
    r.runway_end = kNow + 13 * kDay;
    return r;
}

DueInputs unchanged() {
    DueInputs in;
    in.output = "/srv/example.com.signed";
    in.output_serial = 2024010102;
    in.input_hash = "aaaa";
    in.policy = "default";
    in.policy_hash = "pppp";
    in.key_plan = "dnskey 1:111:257 2:222:256; sign 1:dnskey 2:zone; cds; ds 1";
    in.refresh = 5 * kDay;
    return in;
}

using Reasons = std::vector<std::string>;

TEST(BatchDueReasons, NothingDueWhenEverythingMatches) {
    EXPECT_EQ(due_reasons(published(), kNow, unchanged()), Reasons{});
}

TEST(BatchDueReasons, NeverSignedWithoutRecordOrSuccess) {
    EXPECT_EQ(due_reasons(std::nullopt, kNow, unchanged()), Reasons{"never signed"});
    RunRecord failed_only;
    failed_only.zone = "example.com.";
    failed_only.last_attempt = kNow - 60;
    failed_only.last_error = "boom";
    EXPECT_EQ(due_reasons(failed_only, kNow, unchanged()), Reasons{"never signed"});
}

TEST(BatchDueReasons, ForceAlwaysSigns) {
    DueInputs in = unchanged();
    in.force = true;
    EXPECT_EQ(due_reasons(published(), kNow, in), Reasons{"forced"});
    EXPECT_EQ(due_reasons(std::nullopt, kNow, in), (Reasons{"forced", "never signed"}));
}

TEST(BatchDueReasons, InputChange) {
    DueInputs in = unchanged();
    in.input_hash = "bbbb";
    EXPECT_EQ(due_reasons(published(), kNow, in), Reasons{"input changed"});
}

TEST(BatchDueReasons, OutputMissingMovedOrNotTheRecordedOne) {
    DueInputs in = unchanged();
    in.output_serial.reset();
    EXPECT_EQ(due_reasons(published(), kNow, in), Reasons{"no output file"});
    in = unchanged();
    in.output = "/srv/other.signed";
    EXPECT_EQ(due_reasons(published(), kNow, in), Reasons{"output path changed"});
    // A run killed between publishing and recording.
    in = unchanged();
    in.output_serial = 2024010103;
    EXPECT_EQ(due_reasons(published(), kNow, in), Reasons{"output differs from the run record"});
}

TEST(BatchDueReasons, PolicyNameOrContent) {
    DueInputs in = unchanged();
    in.policy = "fast";
    in.policy_hash = "qqqq";
    EXPECT_EQ(due_reasons(published(), kNow, in), Reasons{"policy changed"});
    in = unchanged();
    in.policy_hash = "qqqq";
    EXPECT_EQ(due_reasons(published(), kNow, in), Reasons{"policy settings changed"});
}

TEST(BatchDueReasons, AnotherKeyPlan) {
    DueInputs in = unchanged();
    in.key_plan = "dnskey 1:111:257 2:222:256 3:333:256; sign 1:dnskey 2:zone; cds; ds 1";
    EXPECT_EQ(due_reasons(published(), kNow, in), Reasons{"key plan changed"});
}

TEST(BatchDueReasons, RefreshAtTheBoundary) {
    const DueInputs in = unchanged();  // refresh 5 days, runway ends at kNow + 13 days
    const RunRecord r = published();
    EXPECT_EQ(due_reasons(r, *r.runway_end - 5 * kDay - 1, in), Reasons{});
    EXPECT_EQ(due_reasons(r, *r.runway_end - 5 * kDay, in), Reasons{"signatures due for refresh"});
    // Long unsigned: past the expiration itself.
    EXPECT_EQ(due_reasons(r, *r.runway_end + 30 * kDay, in), Reasons{"signatures due for refresh"});
    RunRecord unknown = r;
    unknown.runway_end.reset();
    EXPECT_EQ(due_reasons(unknown, kNow, in), Reasons{"signature expiration unknown"});
}

TEST(BatchDueReasons, SaltDue) {
    DueInputs in = unchanged();
    in.salt_due = true;
    EXPECT_EQ(due_reasons(published(), kNow, in), Reasons{"NSEC3 salt due"});
}

TEST(BatchDueReasons, SeveralReasonsInFixedOrder) {
    DueInputs in = unchanged();
    in.input_hash = "bbbb";
    in.key_plan = "dnskey; sign; cds; ds";
    in.salt_due = true;
    const Reasons reasons = due_reasons(published(), *published().runway_end, in);
    EXPECT_EQ(reasons, (Reasons{"input changed", "key plan changed", "signatures due for refresh", "NSEC3 salt due"}));
    EXPECT_EQ(join_reasons(reasons), "input changed, key plan changed, signatures due for refresh, NSEC3 salt due");
}

}  // namespace
}  // namespace zs::signer
