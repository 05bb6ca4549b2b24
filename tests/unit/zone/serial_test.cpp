#include <gtest/gtest.h>

#include "common/time_format.hpp"
#include "zone/serial.hpp"

using namespace zs::zone;

TEST(Serial, Rfc1982Comparison) {
    EXPECT_TRUE(serial_less(1, 2));
    EXPECT_FALSE(serial_less(2, 1));
    EXPECT_FALSE(serial_less(5, 5));
    EXPECT_TRUE(serial_less(0xffffffffu, 0));        // wraps
    EXPECT_TRUE(serial_less(0xfffffff0u, 0x10));
    EXPECT_FALSE(serial_less(0, 0x80000000u));       // undefined distance: not less
}

TEST(Serial, IncrementUsesLargerOfInputAndPrevious) {
    EXPECT_EQ(next_serial(SerialPolicy::Increment, 10, std::nullopt, 0), 11u);
    EXPECT_EQ(next_serial(SerialPolicy::Increment, 10, 20u, 0), 21u);
    EXPECT_EQ(next_serial(SerialPolicy::Increment, 30, 20u, 0), 31u);
    EXPECT_EQ(next_serial(SerialPolicy::Increment, 0xffffffffu, std::nullopt, 0), 0u);  // RFC 1982 wrap
}

TEST(Serial, KeepFailsWhenNotGreaterThanPrevious) {
    EXPECT_EQ(next_serial(SerialPolicy::Keep, 10, std::nullopt, 0), 10u);
    EXPECT_EQ(next_serial(SerialPolicy::Keep, 10, 9u, 0), 10u);
    EXPECT_EQ(next_serial(SerialPolicy::Keep, 10, 10u, 0), std::nullopt);
    EXPECT_EQ(next_serial(SerialPolicy::Keep, 10, 11u, 0), std::nullopt);
}

TEST(Serial, UnixTimeAndDateCounter) {
    const zs::UnixTime t = *zs::parse_time("20261123120000");
    EXPECT_EQ(next_serial(SerialPolicy::UnixTime, 1, std::nullopt, t), static_cast<std::uint32_t>(t));
    EXPECT_EQ(next_serial(SerialPolicy::UnixTime, 1, static_cast<std::uint32_t>(t), t), static_cast<std::uint32_t>(t + 1));
    EXPECT_EQ(next_serial(SerialPolicy::DateCounter, 1, std::nullopt, t), 2026112300u);
    EXPECT_EQ(next_serial(SerialPolicy::DateCounter, 1, 2026112300u, t), 2026112301u);
    EXPECT_EQ(next_serial(SerialPolicy::DateCounter, 2026112399u, std::nullopt, t), 2026112400u);
}
