// PublicKeyVerifier and the ECDSA DER <-> r|s helper, against signatures made
// by OpenSSL directly.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "crypto_test_support.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/ecdsa_encoding.hpp"

namespace zs::zone {
namespace {

using namespace test;

const std::uint8_t signing_algorithms[] = {algorithm::RSASHA256,       algorithm::RSASHA512,
                                           algorithm::ECDSAP256SHA256, algorithm::ECDSAP384SHA384,
                                           algorithm::ED25519,         algorithm::ED448};

// The signature as an RRSIG carries it: r|s for ECDSA, as is otherwise.
Wire rrsig_signature(EVP_PKEY* key, std::uint8_t alg, const Wire& data) {
    Wire sig = openssl_sign(key, alg, data);
    if (const std::size_t component = ecdsa_component_size(alg))
        return ecdsa_der_to_rs(sig.data(), sig.size(), component);
    return sig;
}

PublicKeyVerifier verifier_for(EVP_PKEY* key, std::uint8_t alg) {
    return PublicKeyVerifier(alg, public_key_from_spki(alg, spki_of(key)));
}

class AlgorithmVerify : public ::testing::TestWithParam<std::uint8_t> {};

TEST_P(AlgorithmVerify, AcceptsOpenSslSignaturesAndRejectsAlteredOnes) {
    const std::uint8_t alg = GetParam();
    auto key = generate_key(alg);
    const Wire data = "signed data of an RRset, standing in for RFC 4034 3.1.8.1";
    const Wire sig = rrsig_signature(key.get(), alg, data);
    const auto verifier = verifier_for(key.get(), alg);
    EXPECT_EQ(verifier.algorithm(), alg);
    EXPECT_TRUE(verifier.verify(data.data(), data.size(), sig));

    Wire flipped_sig = sig;
    flipped_sig[sig.size() / 2] = static_cast<char>(flipped_sig[sig.size() / 2] ^ 0x01);
    EXPECT_FALSE(verifier.verify(data.data(), data.size(), flipped_sig));
    Wire flipped_data = data;
    flipped_data[3] = static_cast<char>(flipped_data[3] ^ 0x40);
    EXPECT_FALSE(verifier.verify(flipped_data.data(), flipped_data.size(), sig));
    EXPECT_FALSE(verifier.verify(data.data(), data.size(), sig.substr(1)));
    EXPECT_FALSE(verifier.verify(data.data(), data.size(), Wire()));

    // Another key of the same algorithm does not verify it.
    auto other = generate_key(alg);
    EXPECT_FALSE(verifier_for(other.get(), alg).verify(data.data(), data.size(), sig));
}

TEST_P(AlgorithmVerify, ManyThreadsShareOneVerifier) {
    const std::uint8_t alg = GetParam();
    auto key = generate_key(alg);
    const auto verifier = verifier_for(key.get(), alg);
    std::vector<Wire> data, sigs;
    for (int i = 0; i < 8; ++i) {
        data.push_back("rrset number " + std::to_string(i));
        sigs.push_back(rrsig_signature(key.get(), alg, data.back()));
    }
    std::atomic<int> good{0}, bad_rejected{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int round = 0; round < 25; ++round)
                for (std::size_t i = 0; i < data.size(); ++i) {
                    if (verifier.verify(data[i].data(), data[i].size(), sigs[i])) ++good;
                    const Wire& wrong = sigs[(i + 1 + t) % sigs.size()];
                    if (!verifier.verify(data[i].data(), data[i].size(), wrong)) ++bad_rejected;
                }
        });
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(good.load(), 4 * 25 * 8);
    EXPECT_EQ(bad_rejected.load(), 4 * 25 * 8);
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, AlgorithmVerify, ::testing::ValuesIn(signing_algorithms),
                         [](const auto& info) { return algorithm_name(info.param); });

TEST(AlgorithmVerifyMove, MovedVerifierKeepsWorking) {
    auto key = generate_key(algorithm::ED25519);
    const Wire data = "abc";
    const Wire sig = rrsig_signature(key.get(), algorithm::ED25519, data);
    auto first = verifier_for(key.get(), algorithm::ED25519);
    PublicKeyVerifier second = std::move(first);
    EXPECT_TRUE(second.verify(data.data(), data.size(), sig));
    auto other = generate_key(algorithm::ED25519);
    PublicKeyVerifier third = verifier_for(other.get(), algorithm::ED25519);
    third = std::move(second);
    EXPECT_TRUE(third.verify(data.data(), data.size(), sig));
}

TEST(AlgorithmVerifyMove, UnsupportedAlgorithmIsRefused) {
    EXPECT_THROW(PublicKeyVerifier(algorithm::RSASHA1, Wire("\x03\x01\x00\x01", 4) + Wire(64, 'x')), Error);
    EXPECT_THROW(PublicKeyVerifier(99, Wire(32, 'x')), Error);
}

class AlgorithmEcdsa : public ::testing::TestWithParam<std::uint8_t> {};

// RFC 6605 §4: r and s are each exactly 32 (P-256) or 48 (P-384) octets, so a
// value with leading zero octets keeps them. Sign until both forms appear:
// r or s has a leading zero octet about once in 128 signatures.
TEST_P(AlgorithmEcdsa, RsKeepsItsSizeWhenRorSHasLeadingZeros) {
    const std::uint8_t alg = GetParam();
    const std::size_t component = ecdsa_component_size(alg);
    auto key = generate_key(alg);
    const auto verifier = verifier_for(key.get(), alg);
    bool short_r = false, short_s = false;
    for (int i = 0; i < 20000 && !(short_r && short_s); ++i) {
        const Wire data = "message " + std::to_string(i);
        const Wire der = openssl_sign(key.get(), alg, data);
        const Wire rs = ecdsa_der_to_rs(der.data(), der.size(), component);
        ASSERT_EQ(rs.size(), 2 * component);
        const bool r_zero = rs[0] == '\0', s_zero = rs[component] == '\0';
        if (!r_zero && !s_zero) continue;
        short_r |= r_zero;
        short_s |= s_zero;
        EXPECT_TRUE(verifier.verify(data.data(), data.size(), rs)) << "signature " << i;
        // The DER form is minimal: converting back gives OpenSSL's bytes.
        EXPECT_EQ(wire_of(ecdsa_rs_to_der(rs.data(), rs.size())), der);
        Wire flipped = rs;
        flipped.back() = static_cast<char>(flipped.back() ^ 0x80);
        EXPECT_FALSE(verifier.verify(data.data(), data.size(), flipped));
    }
    EXPECT_TRUE(short_r) << "no signature with a leading zero in r";
    EXPECT_TRUE(short_s) << "no signature with a leading zero in s";
}

TEST_P(AlgorithmEcdsa, DerSignaturesAreNotAcceptedInPlaceOfRs) {
    const std::uint8_t alg = GetParam();
    auto key = generate_key(alg);
    const Wire data = "x";
    const Wire der = openssl_sign(key.get(), alg, data);
    EXPECT_FALSE(verifier_for(key.get(), alg).verify(data.data(), data.size(), der));
}

INSTANTIATE_TEST_SUITE_P(BothCurves, AlgorithmEcdsa,
                         ::testing::Values(algorithm::ECDSAP256SHA256, algorithm::ECDSAP384SHA384),
                         [](const auto& info) { return algorithm_name(info.param); });

TEST(AlgorithmEcdsaEncoding, ConstructedValues) {
    // r = 1, s = 0x80 (needs a sign octet in DER): SEQUENCE { INTEGER 1, INTEGER 00 80 }
    const Wire der = hex("3007020101020200 80");
    const Wire rs = ecdsa_der_to_rs(der.data(), der.size(), 32);
    Wire expected(64, '\0');
    expected[31] = '\x01';
    expected[63] = '\x80';
    EXPECT_EQ(rs, expected);
    EXPECT_EQ(wire_of(ecdsa_rs_to_der(rs.data(), rs.size())), der);
    EXPECT_EQ(ecdsa_component_size(algorithm::ECDSAP256SHA256), 32u);
    EXPECT_EQ(ecdsa_component_size(algorithm::ECDSAP384SHA384), 48u);
    EXPECT_EQ(ecdsa_component_size(algorithm::ED25519), 0u);
}

TEST(AlgorithmEcdsaEncoding, BadInputIsAnError) {
    const Wire der = hex("3007020101020200 80");
    EXPECT_THROW(ecdsa_der_to_rs(der.data(), der.size() - 1, 32), Error);   // truncated
    const Wire trailing = der + Wire(1, '\0');
    EXPECT_THROW(ecdsa_der_to_rs(trailing.data(), trailing.size(), 32), Error);
    const Wire wide = hex("3008020101020300 ff ff");  // s of 2 octets
    EXPECT_THROW(ecdsa_der_to_rs(wide.data(), wide.size(), 1), Error);
    EXPECT_THROW(ecdsa_rs_to_der("abc", 3), Error);
    EXPECT_THROW(ecdsa_rs_to_der("", 0), Error);
}

}  // namespace
}  // namespace zs::zone
