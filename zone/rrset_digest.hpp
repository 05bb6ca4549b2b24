// A fingerprint of an RRset's signed content, so that a signature made for
// it earlier can be recognised as still covering it (incremental
// re-signing): SHA-256 over owner, class, type, TTL and the canonical,
// sorted RDATA, each length-prefixed, truncated to 128 bits. A cryptographic
// hash, because equal fingerprints make a signature be reused unverified.
#pragma once

#include <array>
#include <cstdint>

#include "zone/zone_model.hpp"

namespace zs::zone {

using RrsetDigest = std::array<std::uint8_t, 16>;

// One per thread: it keeps its buffer between calls.
class RrsetDigester {
public:
    RrsetDigester();
    RrsetDigest digest(const Wire& owner, std::uint16_t rclass, const RRset& set);

private:
    Wire buffer_;
};

}  // namespace zs::zone
