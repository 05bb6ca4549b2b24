#include "common/checksum.hpp"

#include <algorithm>
#include <cstring>

namespace zs {

namespace {

constexpr std::uint64_t kPrime1 = 0x9e3779b185ebca87ull;
constexpr std::uint64_t kPrime2 = 0xc2b2ae3d27d4eb4full;
constexpr std::uint64_t kPrime3 = 0x165667b19e3779f9ull;

std::uint64_t rotate(std::uint64_t v, unsigned n) { return v << n | v >> (64 - n); }

// A chain of bijections (odd multiply, add, rotate, odd multiply): two
// inputs that differ in one word always leave the lane in different states,
// and the later words keep them apart.
std::uint64_t round(std::uint64_t lane, std::uint64_t word) { return rotate(lane + word * kPrime2, 31) * kPrime1; }

std::uint64_t load(const unsigned char* p) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    return word;
}

}  // namespace

Checksum64::Checksum64() : lanes_{kPrime1 + kPrime2, kPrime2, 0, kPrime3} {}

void Checksum64::stripe(const unsigned char* p) {
    // Four independent lanes: the multiplications of one stripe overlap in
    // the CPU instead of waiting for each other.
    for (int i = 0; i < 4; ++i) lanes_[i] = round(lanes_[i], load(p + 8 * i));
}

void Checksum64::update(std::string_view bytes) {
    length_ += bytes.size();
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t n = bytes.size();
    if (pending_size_ > 0) {
        const std::size_t take = std::min<std::size_t>(kStripe - pending_size_, n);
        std::memcpy(pending_ + pending_size_, p, take);
        pending_size_ += static_cast<unsigned>(take);
        p += take;
        n -= take;
        if (pending_size_ < kStripe) return;
        stripe(pending_);
        pending_size_ = 0;
    }
    for (; n >= kStripe; p += kStripe, n -= kStripe) stripe(p);
    std::memcpy(pending_, p, n);
    pending_size_ = static_cast<unsigned>(n);
}

std::uint64_t Checksum64::value() const {
    std::uint64_t state = length_ * kPrime3;
    for (int i = 0; i < 4; ++i) state = round(state ^ rotate(lanes_[i], 7 * i + 1), lanes_[i]);
    // The tail, a word at a time, zero-padded, its length in the last round.
    unsigned char tail[kStripe] = {};
    std::memcpy(tail, pending_, pending_size_);
    for (unsigned i = 0; i < (pending_size_ + 7) / 8; ++i) state = round(state, load(tail + 8 * i));
    state = round(state, pending_size_);
    // Final avalanche.
    state ^= state >> 33;
    state *= kPrime2;
    state ^= state >> 29;
    state *= kPrime3;
    state ^= state >> 32;
    return state;
}

std::uint64_t checksum64(std::string_view bytes) {
    Checksum64 c;
    c.update(bytes);
    return c.value();
}

}  // namespace zs
