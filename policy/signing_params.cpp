#include "policy/signing_params.hpp"

namespace zs::policy {

std::optional<SerialMode> parse_serial_mode(const std::string& text) {
    if (text == "keep") return SerialMode::Keep;
    if (text == "increment") return SerialMode::Increment;
    if (text == "unixtime") return SerialMode::UnixTime;
    if (text == "datecounter") return SerialMode::DateCounter;
    return std::nullopt;
}

std::string to_string(SerialMode m) {
    switch (m) {
        case SerialMode::Keep: return "keep";
        case SerialMode::Increment: return "increment";
        case SerialMode::UnixTime: return "unixtime";
        case SerialMode::DateCounter: return "datecounter";
    }
    return "?";
}

std::string check_params(const SigningParams& p) {
    if (p.validity <= 0) return "signature validity must be positive";
    if (p.denial_validity <= 0) return "denial signature validity must be positive";
    if (p.jitter < 0 || p.jitter * 2 > p.validity) return "jitter must be between 0 and half the validity";
    if (p.jitter * 2 > p.denial_validity) return "jitter must be at most half the denial validity";
    if (p.inception_offset < 0 || p.inception_offset > 86400) return "inception offset must be between 0 and 1d";
    if (p.nsec3.iterations > 50)
        return "NSEC3 iterations above 50 are refused (RFC 9276; BIND 9.20 rejects them too)";
    if (p.nsec3.salt.size() > 255) return "NSEC3 salt longer than 255 octets";
    if (p.rsa_bits < 1024 || p.rsa_bits > 4096) return "RSA key size must be between 1024 and 4096 bits";
    return "";
}

}  // namespace zs::policy
