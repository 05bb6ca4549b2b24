// The timeline's account of key changes between two runs.
#include <gtest/gtest.h>

#include "signer/key_timeline.hpp"

namespace zs::signer {
namespace {

using keymgr::Record;
using keymgr::RecordState;

keymgr::KeyState key(std::int64_t id, policy::KeyRole role, std::uint16_t tag) {
    keymgr::KeyState k;
    k.id = id;
    k.role = role;
    k.key_tag = tag;
    k.algorithm = 13;
    return k;
}

TEST(KeyTimeline, ReportsGenerationTransitionsRetirementAndDeletion) {
    keymgr::KeyState ksk = key(1, policy::KeyRole::Ksk, 111);
    keymgr::KeyState old_zsk = key(2, policy::KeyRole::Zsk, 222);
    old_zsk[Record::Dnskey] = RecordState::Omnipresent;
    keymgr::KeyState gone = key(4, policy::KeyRole::Zsk, 444);
    const std::vector<keymgr::KeyState> before{ksk, old_zsk, gone};

    keymgr::KeyState retired = old_zsk;
    retired.goal = keymgr::KeyGoal::Hidden;
    retired[Record::Dnskey] = RecordState::Unretentive;
    keymgr::KeyState fresh = key(3, policy::KeyRole::Zsk, 333);
    fresh[Record::Dnskey] = RecordState::Rumoured;
    const std::vector<keymgr::KeyState> after{ksk, retired, fresh};

    EXPECT_EQ(key_events(before, after),
              (std::vector<std::string>{"ZSK 222 retired", "ZSK 222 DNSKEY omnipresent -> unretentive",
                                        "ZSK 333 generated (ECDSAP256SHA256)", "ZSK 333 DNSKEY hidden -> rumoured",
                                        "ZSK 444 deleted"}));
    EXPECT_TRUE(key_events(after, after).empty());
}

TEST(KeyTimeline, SummaryShowsTheRecordsOfEachRole) {
    keymgr::KeyState csk = key(1, policy::KeyRole::Csk, 5);
    csk[Record::Ds] = RecordState::Omnipresent;
    csk[Record::ZrrSig] = RecordState::Rumoured;
    keymgr::KeyState zsk = key(2, policy::KeyRole::Zsk, 6);
    EXPECT_EQ(key_summary({csk, zsk}), "CSK 5 ds:O dnskey:H krrsig:H zrrsig:R | ZSK 6 dnskey:H zrrsig:H");
    EXPECT_EQ(key_summary({}), "no keys");
}

}  // namespace
}  // namespace zs::signer
