#include <gtest/gtest.h>

#include "common/encoding.hpp"
#include "common/time_format.hpp"

using namespace zs;

TEST(TimeFormat, ParsesTimesInBothForms) {
    EXPECT_EQ(parse_time("20261123120000"), 1795435200);
    EXPECT_EQ(parse_time("1795435200"), 1795435200);
    EXPECT_EQ(parse_time("19700101000000"), 0);
    EXPECT_EQ(parse_time("20261323120000"), std::nullopt);
    EXPECT_EQ(parse_time("2026-11-23"), std::nullopt);
    EXPECT_EQ(format_time(1795435200), "20261123120000");
    EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00Z");
}

TEST(TimeFormat, ParsesDurations) {
    EXPECT_EQ(parse_duration("30d"), 30 * 86400);
    EXPECT_EQ(parse_duration("12h"), 12 * 3600);
    EXPECT_EQ(parse_duration("90m"), 90 * 60);
    EXPECT_EQ(parse_duration("3600"), 3600);
    EXPECT_EQ(parse_duration("1d12h"), 36 * 3600);
    EXPECT_EQ(parse_duration("2w"), 14 * 86400);
    EXPECT_EQ(parse_duration("12x"), std::nullopt);
    EXPECT_EQ(parse_duration("d"), std::nullopt);
    EXPECT_EQ(parse_duration(""), std::nullopt);
    EXPECT_EQ(format_duration(14 * 86400), "2w");
    EXPECT_EQ(format_duration(3600), "1h");
    EXPECT_EQ(format_duration(61), "61s");
}

TEST(Encoding, HexBase64Base32hex) {
    EXPECT_EQ(to_hex(std::string("\x01\xab", 2)), "01ab");
    EXPECT_EQ(from_hex("01AB"), (Bytes{0x01, 0xab}));
    EXPECT_EQ(from_hex("1"), std::nullopt);
    EXPECT_EQ(from_hex("zz"), std::nullopt);
    EXPECT_EQ(to_base64(std::string("foobar")), "Zm9vYmFy");
    EXPECT_EQ(to_base64(std::string("fo")), "Zm8=");
    EXPECT_EQ(from_base64("Zm9v YmE="), (Bytes{'f', 'o', 'o', 'b', 'a'}));
    EXPECT_EQ(from_base64("Zm9=v"), std::nullopt);
    // RFC 4648 §10 test vectors, base32hex without padding, lower case.
    EXPECT_EQ(to_base32hex("foobar", 6), "cpnmuoj1e8");
    EXPECT_EQ(to_base32hex("f", 1), "co");
    auto back = from_base32hex("CPNMUOJ1E8");
    ASSERT_TRUE(back);
    EXPECT_EQ(std::string(back->begin(), back->end()), "foobar");
}
