#include "zone/type_bitmap.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "zone/rr_type.hpp"

namespace zs::zone {
namespace {

// RFC 4034 §4.3: "alfa.example.com. NSEC host.example.com. A MX RRSIG NSEC TYPE1234".
Wire rfc4034_example_bitmap() {
    Wire w("\x00\x06\x40\x01\x00\x00\x00\x03", 8);
    w += std::string("\x04\x1b", 2);
    w += std::string(26, '\0');
    w += '\x20';
    return w;
}

TEST(TypeBitmap, EncodesRfc4034Example) {
    Wire bitmap = encode_type_bitmap({rrtype::A, rrtype::MX, rrtype::RRSIG, rrtype::NSEC, 1234});
    EXPECT_EQ(bitmap, rfc4034_example_bitmap());
    EXPECT_EQ(bitmap.size(), 37u);
}

TEST(TypeBitmap, DecodesRfc4034Example) {
    EXPECT_EQ(decode_type_bitmap(rfc4034_example_bitmap()),
              (std::vector<std::uint16_t>{rrtype::A, rrtype::MX, rrtype::RRSIG, rrtype::NSEC, 1234}));
}

TEST(TypeBitmap, DecodesFromOffset) {
    Wire rdata = std::string("\x04host\x00", 6) + rfc4034_example_bitmap();
    EXPECT_EQ(decode_type_bitmap(rdata, 6).size(), 5u);
}

TEST(TypeBitmap, EmptyListIsEmptyBitmap) {
    EXPECT_TRUE(encode_type_bitmap({}).empty());
    EXPECT_TRUE(decode_type_bitmap(Wire()).empty());
}

TEST(TypeBitmap, RoundTripsAcrossWindows) {
    std::vector<std::uint16_t> types{0, 7, 8, 255, 256, rrtype::CAA, 32768, 65280, 65535};
    Wire bitmap = encode_type_bitmap(types);
    EXPECT_EQ(decode_type_bitmap(bitmap), types);
    // Window 0 ends at type 255: 32 octets; window 255 holds 65280 and 65535.
    EXPECT_EQ(static_cast<unsigned char>(bitmap[1]), 32u);
    EXPECT_EQ(bitmap.substr(bitmap.size() - 34), std::string("\xff\x20\x80", 3) + std::string(30, '\0') + "\x01");
}

TEST(TypeBitmap, EncodeRefusesUnsortedOrDuplicateTypes) {
    EXPECT_THROW(encode_type_bitmap({rrtype::MX, rrtype::A}), Error);
    EXPECT_THROW(encode_type_bitmap({rrtype::A, rrtype::A}), Error);
}

void expect_malformed(const Wire& bitmap, const std::string& reason) {
    try {
        decode_type_bitmap(bitmap);
        ADD_FAILURE() << "accepted a bitmap with " << reason;
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
}

TEST(TypeBitmap, DecodeRefusesMalformedBitmaps) {
    expect_malformed(Wire("\x00\x00", 2), "has length 0");
    expect_malformed(Wire("\x00\x21", 2) + std::string(33, '\x01'), "has length 33");
    expect_malformed(Wire("\x00\x02\x40\x00", 4), "ends in a zero octet");
    expect_malformed(Wire("\x01\x01\x40\x00\x01\x40", 6), "not in ascending order");
    expect_malformed(Wire("\x00\x01\x40\x00\x01\x20", 6), "not in ascending order");
    expect_malformed(Wire("\x00", 1), "truncated window header");
    expect_malformed(Wire("\x00\x03\x40", 3), "is truncated");
}

}  // namespace
}  // namespace zs::zone
