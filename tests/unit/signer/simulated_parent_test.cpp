// The simulator's parent: publication after the delay, confirmations, and
// the lying test mode.
#include <gtest/gtest.h>

#include "signer/simulated_parent.hpp"

namespace zs::signer {
namespace {

const zone::Wire kOld = "old-ds", kNew = "new-ds";

TEST(SimulatedParent, PublishesTheSubmittedSetAfterTheDelay) {
    SimulatedParent parent(86400);
    EXPECT_FALSE(parent.due());
    parent.submit({kOld}, 1000);
    ASSERT_TRUE(parent.due());
    EXPECT_EQ(*parent.due(), 1000 + 86400);
    EXPECT_FALSE(parent.advance(1000 + 86399));
    EXPECT_TRUE(parent.served().empty());
    auto change = parent.advance(1000 + 86400);
    ASSERT_TRUE(change);
    EXPECT_TRUE(change->published);
    EXPECT_EQ(change->appeared, std::vector<zone::Wire>{kOld});
    EXPECT_TRUE(change->went.empty());
    EXPECT_EQ(parent.served(), std::vector<zone::Wire>{kOld});
    EXPECT_FALSE(parent.due());
}

TEST(SimulatedParent, ResubmittingTheSameSetChangesNothing) {
    SimulatedParent parent(100);
    parent.submit({kOld}, 0);
    parent.advance(100);
    parent.submit({kOld}, 200);
    EXPECT_FALSE(parent.due());
}

TEST(SimulatedParent, ALaterSubmissionReplacesAPendingOne) {
    SimulatedParent parent(100);
    parent.submit({kOld}, 0);
    parent.advance(100);
    parent.submit({kOld, kNew}, 200);
    parent.submit({kNew}, 250);  // before the first was processed
    EXPECT_EQ(*parent.due(), 350);
    auto change = parent.advance(350);
    ASSERT_TRUE(change);
    EXPECT_EQ(change->appeared, std::vector<zone::Wire>{kNew});
    EXPECT_EQ(change->went, std::vector<zone::Wire>{kOld});
    EXPECT_EQ(parent.served(), std::vector<zone::Wire>{kNew});
}

TEST(SimulatedParent, LyingParentConfirmsButKeepsServingItsFirstSet) {
    SimulatedParent parent(100, true);
    parent.submit({kOld}, 0);
    ASSERT_TRUE(parent.advance(100)->published);  // the first set is real
    parent.submit({kOld, kNew}, 200);
    auto change = parent.advance(300);
    ASSERT_TRUE(change);
    EXPECT_FALSE(change->published);
    EXPECT_EQ(change->appeared, std::vector<zone::Wire>{kNew});  // confirmed all the same
    EXPECT_EQ(parent.served(), std::vector<zone::Wire>{kOld});
}

}  // namespace
}  // namespace zs::signer
