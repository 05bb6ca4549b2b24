// The NSEC3 salt of a policy with salt_length > 0: drawn from the signer's
// RNG, kept in STATE_DIR/salts/ZONE so that every run uses the same salt
// (the chain stays stable) until the policy's resalt interval has passed.
// RFC 9276 recommends no salt (salt_length 0), which needs none of this.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/encoding.hpp"
#include "common/time_format.hpp"

namespace zs::signer {

struct SaltChoice {
    Bytes salt;
    UnixTime created = 0;
    bool fresh = false;  // drawn in this run
};

// Pure: whether a recorded salt (of `recorded_length` octets, created at
// `created`) may still be used at `now`.
bool salt_still_valid(std::size_t recorded_length, UnixTime created, unsigned wanted_length,
                      const std::optional<Seconds>& resalt, UnixTime now);

// The zone's recorded salt, if there is a readable one; draws nothing
// (`zonesigner run` asks whether a resalt is due).
std::optional<SaltChoice> recorded_nsec3_salt(const std::string& state_root, const std::string& zone);

// Reads the zone's recorded salt, or draws a new one with `random` and
// records it (atomically) when there is none, its length differs, or it is
// due for resalting.
SaltChoice zone_nsec3_salt(const std::string& state_root, const std::string& zone, unsigned length,
                           const std::optional<Seconds>& resalt, UnixTime now,
                           const std::function<Bytes(std::size_t)>& random);

}  // namespace zs::signer
