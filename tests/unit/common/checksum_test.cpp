#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/checksum.hpp"

using namespace zs;

TEST(Checksum64, DoesNotDependOnHowTheBytesAreSplit) {
    std::string data;
    for (int i = 0; i < 1000; ++i) data += "line " + std::to_string(i * 7919) + "\n";
    const std::uint64_t whole = checksum64(data);
    for (std::size_t step : {1u, 3u, 7u, 8u, 9u, 64u, 1000u}) {
        Checksum64 c;
        for (std::size_t pos = 0; pos < data.size(); pos += step) c.update(std::string_view(data).substr(pos, step));
        EXPECT_EQ(c.value(), whole) << "pieces of " << step;
    }
}

TEST(Checksum64, TellsApartEveryOneBitChangeLengthAndOrder) {
    const std::string data = "a.example. 3600 IN A 192.0.2.1\nb.example. 3600 IN A 192.0.2.2\n";
    std::set<std::uint64_t> seen{checksum64(data)};
    for (std::size_t i = 0; i < data.size(); ++i)
        for (int bit = 0; bit < 8; ++bit) {
            std::string flipped = data;
            flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
            EXPECT_TRUE(seen.insert(checksum64(flipped)).second) << "byte " << i << " bit " << bit;
        }
    EXPECT_NE(checksum64(data + '\0'), checksum64(data));  // trailing zero bytes count
    EXPECT_NE(checksum64(std::string(8, '\0')), checksum64(std::string(16, '\0')));
    EXPECT_NE(checksum64("abcdefgh12345678"), checksum64("12345678abcdefgh"));
}
