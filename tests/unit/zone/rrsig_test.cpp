// RRSIG RDATA, the signed data of RFC 4034 §3.1.8.1 and RFC 1982 times.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "crypto_test_support.hpp"
#include "zone/rrsig.hpp"

namespace zs::zone {
namespace {

using namespace test;

RrsigFields sample_fields() {
    RrsigFields f;
    f.type_covered = rrtype::MX;
    f.algorithm = algorithm::ED25519;
    f.labels = 2;
    f.original_ttl = 3600;
    f.expiration = 1440021600;
    f.inception = 1438207200;
    f.key_tag = 3613;
    f.signer = name("example.com.");
    f.signature = Wire(64, '\x5a');
    return f;
}

TEST(RrsigCodec, RoundTrip) {
    const RrsigFields f = sample_fields();
    const Wire rdata = encode_rrsig_rdata(f);
    ASSERT_EQ(rdata.size(), 18 + f.signer.size() + 64);
    // Field layout of RFC 4034 §3.1.
    EXPECT_EQ(rdata.substr(0, 18), hex("000f 0f 02 00000e10 55d4fc60 55b94ce0 0e1d"));
    const RrsigFields back = decode_rrsig_rdata(rdata);
    EXPECT_EQ(back.type_covered, f.type_covered);
    EXPECT_EQ(back.algorithm, f.algorithm);
    EXPECT_EQ(back.labels, f.labels);
    EXPECT_EQ(back.original_ttl, f.original_ttl);
    EXPECT_EQ(back.expiration, f.expiration);
    EXPECT_EQ(back.inception, f.inception);
    EXPECT_EQ(back.key_tag, f.key_tag);
    EXPECT_EQ(back.signer, f.signer);
    EXPECT_EQ(back.signature, f.signature);

    Wire header;
    append_rrsig_header(header, f);
    EXPECT_EQ(header, rdata.substr(0, rdata.size() - 64));
}

TEST(RrsigCodec, SignerIsWrittenInLowerCase) {
    RrsigFields f = sample_fields();
    f.signer = name("Example.COM.");
    EXPECT_EQ(decode_rrsig_rdata(encode_rrsig_rdata(f)).signer, name("example.com."));
}

TEST(RrsigCodec, TruncatedOrCompressedRdataIsAnError) {
    const Wire rdata = encode_rrsig_rdata(sample_fields());
    EXPECT_THROW(decode_rrsig_rdata(rdata.substr(0, 17)), Error);
    EXPECT_THROW(decode_rrsig_rdata(rdata.substr(0, 18 + 5)), Error);  // inside the signer name
    Wire compressed = rdata.substr(0, 18) + "\xc0\x0c";
    EXPECT_THROW(decode_rrsig_rdata(compressed), Error);
    // An empty signature field is well-formed RDATA.
    RrsigFields f = sample_fields();
    f.signature.clear();
    EXPECT_TRUE(decode_rrsig_rdata(encode_rrsig_rdata(f)).signature.empty());
}

TEST(RrsigSerial, Rfc1982Comparison) {
    EXPECT_TRUE(serial_lt(1, 2));
    EXPECT_FALSE(serial_lt(2, 1));
    EXPECT_FALSE(serial_lt(5, 5));
    // Wrap-around: 0xffffffff is just before 0, and 0xfffffff0 before 0x10.
    EXPECT_TRUE(serial_lt(0xffffffffu, 0));
    EXPECT_FALSE(serial_lt(0, 0xffffffffu));
    EXPECT_TRUE(serial_lt(0xfffffff0u, 0x10));
    // Largest step that still counts as "later": 2^31 - 1.
    EXPECT_TRUE(serial_lt(0, 0x7fffffffu));
    EXPECT_FALSE(serial_lt(0x7fffffffu, 0));
    EXPECT_TRUE(serial_lt(0x80000000u, 0xffffffffu));
    EXPECT_TRUE(serial_lt(0x80000001u, 0));  // 0 is 2^31 - 1 ahead
    // Exactly 2^31 apart is undefined (RFC 1982 §3.2): neither is before the other.
    EXPECT_FALSE(serial_lt(0, 0x80000000u));
    EXPECT_FALSE(serial_lt(0x80000000u, 0));
    EXPECT_FALSE(serial_lt(0x40000000u, 0xc0000000u));
    // RRSIG times after 2106 wrap: an inception of 2105 is before an expiration of 2107.
    EXPECT_TRUE(serial_lt(0xfff00000u, 0x00100000u));
}

// The RR part of the signed data for one RR, written out by hand.
Wire rr_bytes(const Wire& owner, std::uint16_t type, std::uint32_t ttl, const Wire& rdata) {
    Wire out = owner;
    put_u16(out, type);
    put_u16(out, class_IN);
    put_u32(out, ttl);
    put_u16(out, static_cast<std::uint16_t>(rdata.size()));
    return out + rdata;
}

TEST(RrsigSignedData, Rfc8080ExampleBytes) {
    // The signed data of RFC 8080 §6.1 (erratum 4935), as printed by the
    // RFC authors' reference script: RRSIG header, then the MX RR.
    RRset mx;
    mx.type = rrtype::MX;
    mx.ttl = 3600;
    mx.rdatas = {hex("000a") + name("mail.example.com.")};
    Wire out;
    build_signed_data(out, sample_fields(), name("example.com."), class_IN, mx);
    EXPECT_EQ(out, hex("000f0f0200000e1055d4fc6055b94ce00e1d076578616d706c6503636f6d00"
                       "076578616d706c6503636f6d00000f000100000e100014000a046d61696c07"
                       "6578616d706c6503636f6d00"));
}

TEST(RrsigSignedData, CanonicalOrderTtlAndOwnerCase) {
    RRset a;
    a.type = rrtype::A;
    a.ttl = 300;  // the current TTL: not what the signature covers
    const Wire ip1 = hex("c0000201"), ip2 = hex("c0000202"), ip3 = hex("0a000001");
    RrsigFields f = sample_fields();
    f.type_covered = rrtype::A;
    f.labels = 3;
    f.original_ttl = 3600;
    const Wire owner = name("www.example.com.");
    const Wire expected_rrs = rr_bytes(owner, rrtype::A, 3600, ip3) + rr_bytes(owner, rrtype::A, 3600, ip1) +
                              rr_bytes(owner, rrtype::A, 3600, ip2);
    Wire header;
    append_rrsig_header(header, f);

    // Sorted as the zone model keeps it.
    a.rdatas = {ip3, ip1, ip2};
    Wire out;
    build_signed_data(out, f, owner, class_IN, a);
    EXPECT_EQ(out, header + expected_rrs);

    // Unsorted and duplicated RDATA from a careless caller: same bytes.
    a.rdatas = {ip2, ip1, ip3, ip1};
    Wire again = "leftovers from an earlier call";
    build_signed_data(again, f, name("WWW.Example.Com."), class_IN, a);
    EXPECT_EQ(again, out);
}

TEST(RrsigSignedData, OctetOrderIsUnsigned) {
    // RFC 4034 §6.3: RDATA compares as unsigned octets, so 0x80 sorts after 0x7f.
    RRset txt;
    txt.type = rrtype::TXT;
    txt.rdatas = {hex("80"), hex("7f"), hex("7f00")};
    RrsigFields f = sample_fields();
    f.type_covered = rrtype::TXT;
    const Wire owner = name("example.com.");
    Wire out;
    build_signed_data(out, f, owner, class_IN, txt);
    Wire header;
    append_rrsig_header(header, f);
    EXPECT_EQ(out, header + rr_bytes(owner, rrtype::TXT, 3600, hex("7f")) +
                       rr_bytes(owner, rrtype::TXT, 3600, hex("7f00")) + rr_bytes(owner, rrtype::TXT, 3600, hex("80")));
}

TEST(RrsigSignedData, WildcardOwnerStaysUnexpanded) {
    RRset a;
    a.type = rrtype::A;
    a.rdatas = {hex("c0000201")};
    RrsigFields f = sample_fields();
    f.type_covered = rrtype::A;
    f.labels = 3;  // *.w.example.com. without the "*"
    Wire from_wildcard, from_expansion, from_deep_expansion;
    build_signed_data(from_wildcard, f, name("*.w.example.com."), class_IN, a);
    // A validator holding an answer synthesised from the wildcard rebuilds
    // the same data from the expanded name (RFC 4035 §5.3.2).
    build_signed_data(from_expansion, f, name("a.w.example.com."), class_IN, a);
    build_signed_data(from_deep_expansion, f, name("x.Y.w.example.com."), class_IN, a);
    Wire header;
    append_rrsig_header(header, f);
    EXPECT_EQ(from_wildcard, header + rr_bytes(name("*.w.example.com."), rrtype::A, 3600, hex("c0000201")));
    EXPECT_EQ(from_expansion, from_wildcard);
    EXPECT_EQ(from_deep_expansion, from_wildcard);
}

TEST(RrsigSignedData, BufferIsReusedWithoutGrowing) {
    RRset a;
    a.type = rrtype::A;
    for (int i = 0; i < 50; ++i) a.rdatas.push_back(hex("c00002") + Wire(1, static_cast<char>(i)));
    RrsigFields f = sample_fields();
    f.type_covered = rrtype::A;
    f.labels = 3;
    Wire out;
    build_signed_data(out, f, name("www.example.com."), class_IN, a);
    const Wire first = out;
    const auto* buffer = out.data();
    const auto capacity = out.capacity();
    build_signed_data(out, f, name("www.example.com."), class_IN, a);
    EXPECT_EQ(out, first);
    EXPECT_EQ(out.data(), buffer);
    EXPECT_EQ(out.capacity(), capacity);
}

}  // namespace
}  // namespace zs::zone
