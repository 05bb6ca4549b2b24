// A fast 64-bit checksum for telling whether a file zonesigner wrote is
// still byte for byte what it wrote (the signature cache and the output it
// copies text from). It catches accidental damage (a torn write, a bit
// flip, an edit); it is not a cryptographic hash: whoever can write those
// files can change the signed zone anyway.
#pragma once

#include <cstdint>
#include <string_view>

namespace zs {

class Checksum64 {
public:
    Checksum64();
    // Streaming: the result does not depend on how the bytes are split.
    void update(std::string_view bytes);
    std::uint64_t value() const;

private:
    static constexpr unsigned kStripe = 32;
    void stripe(const unsigned char* p);
    std::uint64_t lanes_[4];
    std::uint64_t length_ = 0;
    unsigned char pending_[kStripe] = {};
    unsigned pending_size_ = 0;
};

std::uint64_t checksum64(std::string_view bytes);

}  // namespace zs
