// RFC 5155 §5 hashing and NSEC3 owner names.
#include <openssl/evp.h>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "crypto_test_support.hpp"
#include "zone/nsec3_hash.hpp"

namespace zs::zone {
namespace {

using namespace test;

// RFC 5155 Appendix A (the example zone's owners, NSEC3PARAM 1 0 12 aabbccdd)
// and Appendix B (names in the example responses).
const struct {
    const char* name;
    const char* hash;
} rfc5155_hashes[] = {
    {"example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"},      {"a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"},
    {"ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"},   {"ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"},
    {"ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r"},  {"w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h"},
    {"*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"},  {"x.w.example.", "b4um86eghhds6nea196smvmlo4ors995"},
    {"y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"},  {"x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s"},
    {"xx.example.", "t644ebqk9bibcna874givr6joj62mlhv"},   {"c.x.w.example.", "0va5bpr2ou0vk0lbqeeljri88laipsfh"},
    {"*.x.w.example.", "92pqneegtaue7pjatc3l3qnk738c6v5m"},
};

TEST(Nsec3HashRfc5155, AppendixAHashes) {
    const Wire salt = hex("aabbccdd");
    for (const auto& row : rfc5155_hashes) {
        const Wire hash = nsec3_hash(name(row.name), salt, 12);
        ASSERT_EQ(hash.size(), 20u);
        EXPECT_EQ(to_base32hex(hash.data(), hash.size()), row.hash) << row.name;
    }
}

TEST(Nsec3HashRfc5155, OwnerNamesOfTheExampleZone) {
    const Wire salt = hex("aabbccdd");
    const Wire zone = name("example.");
    EXPECT_EQ(nsec3_owner(nsec3_hash(name("example."), salt, 12), zone),
              name("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example."));
    EXPECT_EQ(nsec3_owner(nsec3_hash(name("x.w.example."), salt, 12), zone),
              name("b4um86eghhds6nea196smvmlo4ors995.example."));
}

TEST(Nsec3Hash, CaseDoesNotMatter) {
    const Wire salt = hex("aabbccdd");
    EXPECT_EQ(nsec3_hash(name("X.W.Example."), salt, 12), nsec3_hash(name("x.w.example."), salt, 12));
}

TEST(Nsec3Hash, ZeroIterationsIsOneSha1OverNameAndSalt) {
    // RFC 9276 parameters: no extra iterations, and also an empty salt.
    auto sha1 = [](const Wire& data) {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int size = 0;
        EVP_Digest(data.data(), data.size(), out, &size, EVP_sha1(), nullptr);
        return Wire(reinterpret_cast<char*>(out), size);
    };
    const Wire owner = name("www.example.org.");
    EXPECT_EQ(nsec3_hash(owner, Wire(), 0), sha1(owner));
    EXPECT_EQ(nsec3_hash(owner, hex("0102"), 0), sha1(owner + hex("0102")));
    EXPECT_EQ(nsec3_hash(owner, hex("0102"), 1), sha1(sha1(owner + hex("0102")) + hex("0102")));
    EXPECT_EQ(nsec3_hash(name("."), Wire(), 0), sha1(Wire(1, '\0')));
}

TEST(Nsec3Hash, OwnerNameFormAndLimits) {
    const Wire hash = nsec3_hash(name("example."), Wire(), 0);
    const Wire owner = nsec3_owner(hash, name("example."));
    ASSERT_EQ(get_u8(owner, 0), 32);
    EXPECT_EQ(owner.substr(1, 32), to_base32hex(hash.data(), hash.size()));
    EXPECT_EQ(owner.substr(33), name("example."));
    EXPECT_THROW(nsec3_owner(Wire(), name("example.")), Error);
    EXPECT_THROW(nsec3_owner(Wire(40, 'x'), name("example.")), Error);  // 64-character label
    // 1 + 32 + a 230-octet zone name is more than 255 octets.
    Wire long_zone;
    for (int i = 0; i < 5; ++i) long_zone += Wire(1, '\x2d') + Wire(45, 'a');
    long_zone += Wire(1, '\0');
    EXPECT_THROW(nsec3_owner(hash, long_zone), Error);
}

}  // namespace
}  // namespace zs::zone
