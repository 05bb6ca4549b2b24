// The algorithm table, DNSKEY fields, key tags, DS digests and the
// SubjectPublicKeyInfo <-> DNSKEY public key conversions.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "crypto_test_support.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::zone {
namespace {

using namespace test;

const std::uint8_t signing_algorithms[] = {algorithm::RSASHA256,       algorithm::RSASHA512,
                                           algorithm::ECDSAP256SHA256, algorithm::ECDSAP384SHA384,
                                           algorithm::ED25519,         algorithm::ED448};

TEST(AlgorithmTable, KnowsTheIanaSigningColumn) {
    // RFC 9904 Table 2 "Use for DNSSEC Signing", with RFC 9905 for SHA-1.
    struct Row {
        std::uint8_t number;
        const char* use;
        bool recommended;
        bool supported;
    } rows[] = {{5, "MUST NOT", false, false},         {7, "MUST NOT", false, false},
                {8, "RECOMMENDED", true, true},        {10, "NOT RECOMMENDED", false, true},
                {13, "RECOMMENDED", true, true},       {14, "MAY", true, true},
                {15, "RECOMMENDED", true, true},       {16, "MAY", true, true}};
    for (const auto& row : rows) {
        const auto* info = find_algorithm(row.number);
        ASSERT_NE(info, nullptr) << int(row.number);
        EXPECT_STREQ(info->use_for_signing, row.use) << int(row.number);
        EXPECT_EQ(info->recommended_for_signing, row.recommended) << int(row.number);
        EXPECT_EQ(info->supported, row.supported) << int(row.number);
    }
    EXPECT_EQ(find_algorithm(1), nullptr);
    EXPECT_EQ(find_algorithm(12), nullptr);
    EXPECT_EQ(find_algorithm(8)->default_bits, 2048u);
    EXPECT_EQ(find_algorithm(13)->default_bits, 0u);
}

TEST(AlgorithmTable, ParsesNumbersAndMnemonics) {
    EXPECT_EQ(parse_algorithm("13"), 13);
    EXPECT_EQ(parse_algorithm("ECDSAP256SHA256"), 13);
    EXPECT_EQ(parse_algorithm("ecdsap384sha384"), 14);
    EXPECT_EQ(parse_algorithm("ED25519"), 15);
    EXPECT_EQ(parse_algorithm("ed448"), 16);
    EXPECT_EQ(parse_algorithm("RSASHA256"), 8);
    EXPECT_EQ(parse_algorithm("rsasha512"), 10);
    EXPECT_EQ(parse_algorithm("NSEC3RSASHA1"), 7);
    EXPECT_EQ(parse_algorithm("RSASHA1-NSEC3-SHA1"), 7);
    EXPECT_EQ(parse_algorithm("200"), 200);  // a number is a number, known or not
    EXPECT_EQ(parse_algorithm("256"), std::nullopt);
    EXPECT_EQ(parse_algorithm(""), std::nullopt);
    EXPECT_EQ(parse_algorithm("ECDSA"), std::nullopt);
    EXPECT_EQ(parse_algorithm("13x"), std::nullopt);
    EXPECT_EQ(algorithm_name(13), "ECDSAP256SHA256");
    EXPECT_EQ(algorithm_name(8), "RSASHA256");
    EXPECT_EQ(algorithm_name(99), "99");
}

// RFC 4034 §5.4: dskey.example.com. DNSKEY 256 3 5 ..., key id = 60485.
const char* rfc4034_key =
    "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvx"
    "egXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==";

TEST(AlgorithmDnskey, FieldsAndKeyTagOfTheRfc4034Example) {
    const Wire rdata = make_dnskey_rdata(256, 5, b64(rfc4034_key));
    EXPECT_EQ(dnskey_flags_of(rdata), 256);
    EXPECT_EQ(dnskey_algorithm_of(rdata), 5);
    EXPECT_EQ(get_u8(rdata, 2), 3);  // protocol
    EXPECT_EQ(dnskey_public_key_of(rdata), b64(rfc4034_key));
    EXPECT_EQ(key_tag(rdata), 60485);
}

TEST(AlgorithmDnskey, KeyTagsOfOtherRfcExamples) {
    EXPECT_EQ(key_tag(make_dnskey_rdata(256, 8, b64("AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36Bponcwtk"
                                                   "Z4cAgtvd4Qs8PkxUdp6p/DlUmObdk="))),
              9033);  // RFC 5702 §6.1
    EXPECT_EQ(key_tag(make_dnskey_rdata(257, 15, b64("l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="))),
              3613);  // RFC 8080 §6.1
    // Flags take part: the same key as a ZSK has another tag; REVOKE adds 0x80.
    const Wire key = b64("l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=");
    EXPECT_EQ(key_tag(make_dnskey_rdata(256, 15, key)), 3612);
    EXPECT_EQ(key_tag(make_dnskey_rdata(257 | dnskey_flags::REVOKE, 15, key)), 3613 + 0x80);
}

TEST(AlgorithmDnskey, ShortRdataIsAnError) {
    EXPECT_THROW(key_tag(Wire("\x01\x00\x03", 3)), Error);
    EXPECT_THROW(dnskey_algorithm_of(Wire()), Error);
}

TEST(AlgorithmDs, Rfc4509Sha256DigestOfTheRfc4034Key) {
    // RFC 4509 §2.3: the DS with SHA-256 of the RFC 4034 §5.4 key.
    const Wire dnskey = make_dnskey_rdata(256, 5, b64(rfc4034_key));
    const Wire expected_digest = hex("D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A");
    const Wire ds = make_ds_rdata(name("dskey.example.com."), dnskey, digest_type::SHA256);
    ASSERT_EQ(ds.size(), 4 + 32u);
    EXPECT_EQ(get_u16(ds, 0), 60485);
    EXPECT_EQ(get_u8(ds, 2), 5);
    EXPECT_EQ(get_u8(ds, 3), 2);
    EXPECT_EQ(ds.substr(4), expected_digest);
    // The owner is canonicalised (lower case) before hashing.
    EXPECT_EQ(make_ds_rdata(name("DSKEY.Example.COM."), dnskey, digest_type::SHA256), ds);
}

TEST(AlgorithmDs, Sha1AndUnknownDigestsAreRefused) {
    const Wire dnskey = make_dnskey_rdata(256, 5, b64(rfc4034_key));
    EXPECT_THROW(make_ds_rdata(name("dskey.example.com."), dnskey, 1), Error);
    EXPECT_THROW(make_ds_rdata(name("dskey.example.com."), dnskey, 3), Error);
}

class AlgorithmSpki : public ::testing::TestWithParam<std::uint8_t> {};

TEST_P(AlgorithmSpki, RoundTripsThroughTheDnskeyField) {
    const std::uint8_t alg = GetParam();
    auto key = generate_key(alg);
    const Bytes spki = spki_of(key.get());
    const Wire field = public_key_from_spki(alg, spki);
    switch (alg) {
    case algorithm::ECDSAP256SHA256: EXPECT_EQ(field.size(), 64u); break;
    case algorithm::ECDSAP384SHA384: EXPECT_EQ(field.size(), 96u); break;
    case algorithm::ED25519: EXPECT_EQ(field.size(), 32u); break;
    case algorithm::ED448: EXPECT_EQ(field.size(), 57u); break;
    default:
        // RFC 3110: one-octet exponent length, exponent 65537, 128-octet modulus.
        EXPECT_EQ(field.size(), 1 + 3 + 128u);
        EXPECT_EQ(field.substr(0, 4), Wire("\x03\x01\x00\x01", 4));
    }
    EXPECT_EQ(spki_from_public_key(alg, field), spki);
}

INSTANTIATE_TEST_SUITE_P(EveryAlgorithm, AlgorithmSpki, ::testing::ValuesIn(signing_algorithms),
                         [](const auto& info) { return algorithm_name(info.param); });

TEST(AlgorithmSpkiRsa, ThreeOctetExponentLengthForm) {
    // RFC 3110 §2: an exponent longer than 255 octets has a zero octet and a
    // two-octet length. Build one: a 257-octet exponent with the RFC 5702 §6.2
    // modulus (the field layout is all that matters here).
    const Wire rfc5702_field = b64(
        "AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQujX/AyhqFDxj13tOnD9u/1kTg7cV6rklMrZDtJ"
        "CQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL");
    const Wire modulus = rfc5702_field.substr(4);
    ASSERT_EQ(modulus.size(), 128u);
    Wire exponent(257, '\x11');
    exponent.back() = '\x01';  // odd
    const Wire field = Wire("\x00\x01\x01", 3) + exponent + modulus;
    const Bytes spki = spki_from_public_key(algorithm::RSASHA256, field);
    EXPECT_EQ(public_key_from_spki(algorithm::RSASHA256, spki), field);
    // And the one-octet form of the same modulus round-trips unchanged.
    EXPECT_EQ(public_key_from_spki(algorithm::RSASHA512, spki_from_public_key(algorithm::RSASHA512, rfc5702_field)),
              rfc5702_field);
}

TEST(AlgorithmSpkiRsa, MalformedFieldsAreRefused) {
    auto key = generate_key(algorithm::RSASHA256);
    const Wire good = public_key_from_spki(algorithm::RSASHA256, spki_of(key.get()));
    EXPECT_THROW(spki_from_public_key(algorithm::RSASHA256, Wire()), Error);
    EXPECT_THROW(spki_from_public_key(algorithm::RSASHA256, good.substr(0, 4)), Error);  // no modulus
    EXPECT_THROW(spki_from_public_key(algorithm::RSASHA256, Wire("\x00", 1)), Error);
    Wire leading_zero = good;
    leading_zero.insert(4, 1, '\0');  // modulus with a leading zero octet
    EXPECT_THROW(spki_from_public_key(algorithm::RSASHA256, leading_zero), Error);
    // RFC 5702 §3: RSA/SHA-512 keys are at least 1024 bits.
    auto small = generate_key(algorithm::RSASHA256, 768);
    EXPECT_NO_THROW(public_key_from_spki(algorithm::RSASHA256, spki_of(small.get())));
    EXPECT_THROW(public_key_from_spki(algorithm::RSASHA512, spki_of(small.get())), Error);
}

TEST(AlgorithmSpkiMismatch, KeyOfAnotherTypeIsRefused) {
    auto p256 = generate_key(algorithm::ECDSAP256SHA256);
    auto p384 = generate_key(algorithm::ECDSAP384SHA384);
    auto ed = generate_key(algorithm::ED25519);
    auto rsa = generate_key(algorithm::RSASHA256);
    EXPECT_THROW(public_key_from_spki(algorithm::ECDSAP384SHA384, spki_of(p256.get())), Error);
    EXPECT_THROW(public_key_from_spki(algorithm::ECDSAP256SHA256, spki_of(p384.get())), Error);
    EXPECT_THROW(public_key_from_spki(algorithm::ED448, spki_of(ed.get())), Error);
    EXPECT_THROW(public_key_from_spki(algorithm::RSASHA256, spki_of(ed.get())), Error);
    EXPECT_THROW(public_key_from_spki(algorithm::ED25519, spki_of(rsa.get())), Error);
    EXPECT_THROW(public_key_from_spki(algorithm::RSASHA1, spki_of(rsa.get())), Error);  // unsupported
    Bytes garbage{0x30, 0x03, 0x02, 0x01, 0x00};
    EXPECT_THROW(public_key_from_spki(algorithm::ED25519, garbage), Error);
}

TEST(AlgorithmSpkiMismatch, WrongSizesAndPointsOffTheCurveAreRefused) {
    auto p256 = generate_key(algorithm::ECDSAP256SHA256);
    Wire field = public_key_from_spki(algorithm::ECDSAP256SHA256, spki_of(p256.get()));
    EXPECT_THROW(spki_from_public_key(algorithm::ECDSAP256SHA256, field.substr(1)), Error);
    EXPECT_THROW(spki_from_public_key(algorithm::ECDSAP384SHA384, field), Error);
    field[63] = static_cast<char>(field[63] ^ 1);  // y no longer matches x
    EXPECT_THROW(spki_from_public_key(algorithm::ECDSAP256SHA256, field), Error);
    EXPECT_THROW(spki_from_public_key(algorithm::ED25519, Wire(31, 'a')), Error);
    EXPECT_THROW(spki_from_public_key(algorithm::ED448, Wire(32, 'a')), Error);
}

}  // namespace
}  // namespace zs::zone
