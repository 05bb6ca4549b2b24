// The built-in default policy, the semantic checks of a policy and the
// signing parameters it implies.
//
// Defaults (the struct initialisers in policy.hpp, and what a YAML policy
// gets for a field it leaves out; README.md has this table):
//
//   keys                         KSK unlimited + ZSK 90d, ECDSAP256SHA256 (13)
//   signatures.validity          14d
//   signatures.denial_validity   the validity (14d)
//   signatures.refresh           5d
//   signatures.jitter            12h
//   signatures.inception_offset  1h
//   denial                       nsec; for nsec3: iterations 0, salt_length 0,
//                                opt_out false, resalt never (RFC 9276)
//   ttls.dnskey / ttls.max_zone  1h / 1d
//   zone.propagation_delay       5m
//   zone.serial                  increment
//   parent.ds_ttl                1d
//   parent.propagation_delay     1h
//   parent.registration_delay    0
//   safety.publish / retire      1h / 1h
//   purge_after                  14d
//   cds_cdnskey                  during-rollover
//   manual_rollover              false for every role
//
// These follow BIND's `dnssec-policy default` (validity 14d, refresh 5d,
// DNSKEY TTL 1h, max zone TTL 1d, propagation delays 5m/1h, DS TTL 1d,
// safety margins 1h, NSEC) with two differences taken from Knot: a KSK/ZSK
// split (BIND defaults to one CSK) so that the routine rollover, of the ZSK,
// never involves the parent; and CDS/CDNSKEY only during KSK rollovers.
// purge_after is 14d (BIND purge-keys 90d): hidden keys occupy HSM slots.
#include "policy/policy.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include "zone/dnssec_algorithm.hpp"

namespace zs::policy {

namespace {

constexpr Seconds kMaxInceptionOffset = 3600;
constexpr unsigned kMaxNsec3Iterations = 50;
constexpr unsigned kMaxSaltLength = 255;
constexpr unsigned kMinRsaBits = 1024, kMaxRsaBits = 4096, kRecommendedRsaBits = 2048;

// "1d4h5m" rather than format_duration's "1685m": these sums are read by people.
std::string readable(Seconds s) {
    if (s == 0) return "0";
    if (s < 0) return "-" + readable(-s);
    std::string text;
    const std::pair<Seconds, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    for (const auto& [size, unit] : units) {
        if (s >= size) {
            text += std::to_string(s / size) + unit;
            s %= size;
        }
    }
    return text;
}

bool is_rsa(std::uint8_t algorithm) {
    return algorithm == 5 || algorithm == 7 || algorithm == 8 || algorithm == 10;
}

std::string key_name(const KeySpec& k) {
    return to_string(k.role) + " " + zone::algorithm_name(k.algorithm);
}

class Checker {
public:
    explicit Checker(const Policy& p) : p_(p) {}

    void error(const std::string& field, const std::string& message) {
        add(PolicyFinding::Severity::Error, field, message);
    }
    void warning(const std::string& field, const std::string& message) {
        add(PolicyFinding::Severity::Warning, field, message);
    }
    std::vector<PolicyFinding> take() { return std::move(findings_); }

private:
    void add(PolicyFinding::Severity s, const std::string& field, const std::string& message) {
        findings_.push_back({s, p_.place_of(field), message});
    }
    const Policy& p_;
    std::vector<PolicyFinding> findings_;
};

void check_signatures(const Policy& p, Checker& c) {
    const std::string validity = readable(p.validity);
    if (p.validity <= 0) c.error("signatures.validity", "signature validity must be positive");
    // (An unwritten denial validity follows the validity: one message is enough.)
    const bool follows = p.denial_validity == p.validity && !p.places.count("signatures.denial_validity");
    if (p.denial_validity <= 0 && !follows)
        c.error("signatures.denial_validity", "denial signature validity must be positive");
    if (p.refresh <= 0) c.error("signatures.refresh", "signature refresh must be positive");
    if (p.jitter < 0) c.error("signatures.jitter", "signature jitter must not be negative");
    if (p.inception_offset < 0) c.error("signatures.inception_offset", "inception offset must not be negative");
    if (p.validity <= 0 || p.denial_validity <= 0 || p.refresh <= 0) return;

    if (p.refresh >= p.validity)
        c.error("signatures.refresh", "refresh (" + readable(p.refresh) + ") must be less than the validity (" +
                                          validity + "): signatures would be renewed on every run");
    else if (p.refresh >= p.denial_validity)
        c.error("signatures.refresh", "refresh (" + readable(p.refresh) +
                                          ") must be less than the denial validity (" +
                                          readable(p.denial_validity) + ")");
    if (p.jitter * 2 > p.validity)
        c.error("signatures.jitter", "jitter (" + readable(p.jitter) + ") must be at most half the validity (" +
                                         validity + ")");
    else if (p.jitter * 2 > p.denial_validity)
        c.error("signatures.jitter", "jitter (" + readable(p.jitter) +
                                         ") must be at most half the denial validity (" +
                                         readable(p.denial_validity) + ")");
    if (p.inception_offset > kMaxInceptionOffset)
        c.error("signatures.inception_offset", "inception offset (" + readable(p.inception_offset) +
                                                   ") must be at most 1h: it only has to cover the clock skew of "
                                                   "validators");
    // A signature renewed with `refresh` left can still be in a cache for
    // the zone's propagation delay plus the largest TTL after that.
    const Seconds cached = p.zone_propagation_delay + static_cast<Seconds>(p.max_zone_ttl);
    if (p.refresh < p.validity && p.refresh <= cached)
        c.warning("signatures.refresh", "refresh (" + readable(p.refresh) +
                                            ") is not longer than the zone propagation delay plus the max zone TTL (" +
                                            readable(cached) + "): caches may serve expired signatures");
}

void check_denial(const Policy& p, Checker& c) {
    if (p.denial != DenialType::Nsec3) return;
    if (p.nsec3_iterations > kMaxNsec3Iterations)
        c.error("denial.iterations", "NSEC3 iterations " + std::to_string(p.nsec3_iterations) +
                                         " are refused: more than 50 (RFC 9276; validators treat such zones as "
                                         "insecure or bogus)");
    else if (p.nsec3_iterations > 0)
        c.warning("denial.iterations", "NSEC3 iterations " + std::to_string(p.nsec3_iterations) +
                                           ": RFC 9276 recommends 0 (extra iterations cost validators work and add no "
                                           "protection)");
    if (p.nsec3_salt_length > kMaxSaltLength)
        c.error("denial.salt_length", "NSEC3 salt length " + std::to_string(p.nsec3_salt_length) +
                                          " is more than 255 octets");
    else if (p.nsec3_salt_length > 0)
        c.warning("denial.salt_length", "RFC 9276 recommends no NSEC3 salt (salt_length 0)");
    if (p.nsec3_resalt) {
        if (*p.nsec3_resalt <= 0) c.error("denial.resalt", "the resalt interval must be positive");
        else if (p.nsec3_salt_length == 0)
            c.warning("denial.resalt", "resalt has no effect with salt_length 0");
    }
}

void check_timing(const Policy& p, Checker& c) {
    if (p.dnskey_ttl == 0) c.error("ttls.dnskey", "the DNSKEY TTL must be positive");
    if (p.parent_ds_ttl == 0) c.error("parent.ds_ttl", "the DS TTL must be positive");
    const std::pair<const char*, Seconds> non_negative[] = {
        {"zone.propagation_delay", p.zone_propagation_delay},
        {"parent.propagation_delay", p.parent_propagation_delay},
        {"parent.registration_delay", p.parent_registration_delay},
        {"safety.publish", p.publish_safety},
        {"safety.retire", p.retire_safety},
        {"purge_after", p.purge_after},
    };
    for (const auto& [field, value] : non_negative)
        if (value < 0) c.error(field, std::string(field) + " must not be negative");
}

// The shortest time a rollover of a key of each kind needs (RFC 7583): the
// successor's DNSKEY reaches every cache, then the predecessor's data
// (DS at the parent for a KSK, signatures for a ZSK) expires from them.
Seconds ksk_rollover_time(const Policy& p) {
    return static_cast<Seconds>(p.dnskey_ttl) + p.zone_propagation_delay + p.publish_safety +
           p.parent_registration_delay + p.parent_propagation_delay + static_cast<Seconds>(p.parent_ds_ttl) +
           p.retire_safety;
}
std::string ksk_rollover_terms(const Policy& p) {
    return "DNSKEY TTL " + readable(p.dnskey_ttl) + " + zone propagation delay " +
           readable(p.zone_propagation_delay) + " + publish safety " + readable(p.publish_safety) +
           " + registration delay " + readable(p.parent_registration_delay) + " + parent propagation delay " +
           readable(p.parent_propagation_delay) + " + DS TTL " + readable(p.parent_ds_ttl) +
           " + retire safety " + readable(p.retire_safety);
}
Seconds zsk_rollover_time(const Policy& p) {
    return static_cast<Seconds>(p.dnskey_ttl) + 2 * p.zone_propagation_delay + p.publish_safety +
           static_cast<Seconds>(p.max_zone_ttl) + p.retire_safety;
}
std::string zsk_rollover_terms(const Policy& p) {
    return "DNSKEY TTL " + readable(p.dnskey_ttl) + " + max zone TTL " + readable(p.max_zone_ttl) +
           " + 2 x zone propagation delay " + readable(p.zone_propagation_delay) + " + publish safety " +
           readable(p.publish_safety) + " + retire safety " + readable(p.retire_safety);
}

void check_lifetime(const Policy& p, const KeySpec& k, const std::string& field, Checker& c) {
    if (!k.lifetime) return;
    if (*k.lifetime <= 0) {
        c.error(field, key_name(k) + " lifetime must be positive (or 'unlimited')");
        return;
    }
    if (role_signs_dnskey(k.role)) {
        const Seconds need = ksk_rollover_time(p);
        if (*k.lifetime <= need)
            c.error(field, key_name(k) + " lifetime " + readable(*k.lifetime) +
                               " is not longer than a KSK rollover takes: " + ksk_rollover_terms(p) + " = " +
                               readable(need));
    }
    if (role_signs_zone(k.role)) {
        const Seconds need = zsk_rollover_time(p);
        if (*k.lifetime <= need)
            c.error(field, key_name(k) + " lifetime " + readable(*k.lifetime) +
                               " is not longer than a ZSK rollover takes: " + zsk_rollover_terms(p) + " = " +
                               readable(need));
    }
}

void check_algorithm(const KeySpec& k, const std::string& entry, Checker& c) {
    const std::string field = entry + ".algorithm";
    const auto* info = zone::find_algorithm(k.algorithm);
    if (!info || !info->supported) {
        std::string why = "zonesigner cannot sign with algorithm " + zone::algorithm_name(k.algorithm);
        if (info) why += std::string(" (IANA: ") + info->use_for_signing + " use for DNSSEC signing)";
        c.error(field, why + "; supported: 8 RSASHA256, 10 RSASHA512, 13 ECDSAP256SHA256, 14 ECDSAP384SHA384, "
                             "15 ED25519, 16 ED448");
        return;
    }
    if (!info->recommended_for_signing)
        c.warning(field, std::string("algorithm ") + info->mnemonic + " is " + info->use_for_signing +
                             " for DNSSEC signing (IANA registry, RFC 8624)");
    const std::string bits_field = entry + ".bits";
    if (!is_rsa(k.algorithm)) {
        if (k.bits != 0)
            c.error(bits_field, "'bits' applies to RSA algorithms only, not to " + std::string(info->mnemonic) +
                                    " (its key size is fixed)");
        return;
    }
    if (k.bits == 0) return;
    if (k.bits < kMinRsaBits || k.bits > kMaxRsaBits)
        c.error(bits_field, "RSA key size " + std::to_string(k.bits) + " must be from 1024 to 4096 bits");
    else if (k.bits < kRecommendedRsaBits)
        c.warning(bits_field, "RSA key size " + std::to_string(k.bits) + " is weak: use at least 2048 bits");
}

void check_keys(const Policy& p, Checker& c) {
    if (p.keys.empty()) {
        c.error("keys", "the keys list is empty: give one CSK, or a KSK and a ZSK");
        return;
    }
    std::map<std::pair<KeyRole, std::uint8_t>, std::size_t> seen;
    for (std::size_t i = 0; i < p.keys.size(); ++i) {
        const KeySpec& k = p.keys[i];
        const std::string entry = "keys[" + std::to_string(i) + "]";
        auto [it, added] = seen.emplace(std::make_pair(k.role, k.algorithm), i);
        if (!added)
            c.error(entry, "duplicate key entry " + key_name(k) + " (the same role and algorithm as keys[" +
                               std::to_string(it->second) + "])");
        check_algorithm(k, entry, c);
        check_lifetime(p, k, entry + ".lifetime", c);
    }
    // Per algorithm: a CSK alone, or a KSK and a ZSK.
    std::map<std::uint8_t, std::set<KeyRole>> roles;
    std::map<std::uint8_t, std::size_t> first_entry;
    for (std::size_t i = 0; i < p.keys.size(); ++i) {
        roles[p.keys[i].algorithm].insert(p.keys[i].role);
        first_entry.emplace(p.keys[i].algorithm, i);
    }
    for (const auto& [algorithm, present] : roles) {
        const std::string entry = "keys[" + std::to_string(first_entry[algorithm]) + "]";
        const std::string name = zone::algorithm_name(algorithm);
        const bool csk = present.count(KeyRole::Csk), ksk = present.count(KeyRole::Ksk),
                   zsk = present.count(KeyRole::Zsk);
        if (csk && (ksk || zsk))
            c.error(entry, "algorithm " + name + " has both a CSK and a " + (ksk ? "KSK" : "ZSK") +
                               ": give either one CSK or a KSK and a ZSK");
        else if (ksk && !zsk)
            c.error(entry, "algorithm " + name + " has a KSK but no ZSK: nothing would sign the zone data");
        else if (zsk && !ksk)
            c.error(entry, "algorithm " + name + " has a ZSK but no KSK: nothing would sign the DNSKEY RRset");
    }
    for (const auto& [role, manual] : p.manual_rollover) {
        if (!manual) continue;
        const bool used = std::any_of(p.keys.begin(), p.keys.end(), [&](const KeySpec& k) { return k.role == role; });
        std::string lower = to_string(role);
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
        if (!used) c.warning("manual_rollover." + lower, "manual rollover of " + to_string(role) + " keys, but the "
                                                                                                  "policy has none");
    }
}

}  // namespace

std::string SourcePlace::text() const {
    if (line == 0) return file.empty() ? "built-in default" : file;
    std::string t = file + ":" + std::to_string(line);
    if (column) t += ":" + std::to_string(column);
    return t;
}

std::string to_string(CdsMode m) {
    switch (m) {
        case CdsMode::None: return "none";
        case CdsMode::DuringRollover: return "during-rollover";
        case CdsMode::Always: return "always";
    }
    return "?";
}

std::optional<CdsMode> parse_cds_mode(const std::string& text) {
    if (text == "none") return CdsMode::None;
    if (text == "during-rollover") return CdsMode::DuringRollover;
    if (text == "always") return CdsMode::Always;
    return std::nullopt;
}

SourcePlace Policy::place_of(const std::string& field) const {
    // "keys[1].lifetime", then "keys[1]", then "keys", then the policy.
    std::string f = field;
    while (!f.empty()) {
        if (auto it = places.find(f); it != places.end()) return it->second;
        const std::size_t cut = f.find_last_of(".[");
        if (cut == std::string::npos) break;
        f.resize(cut);
    }
    return place;
}

Policy default_policy() {
    Policy p;
    p.name = "default";
    KeySpec ksk;
    ksk.role = KeyRole::Ksk;
    KeySpec zsk;
    zsk.role = KeyRole::Zsk;
    zsk.lifetime = 90 * 86400;
    p.keys = {ksk, zsk};
    return p;
}

std::string PolicyFinding::text() const {
    return place.text() + ": " + (severity == Severity::Error ? "error" : "warning") + ": " + message;
}

std::vector<PolicyFinding> check_policy(const Policy& policy) {
    Checker c(policy);
    check_keys(policy, c);
    check_signatures(policy, c);
    check_denial(policy, c);
    check_timing(policy, c);
    std::vector<PolicyFinding> findings = c.take();
    // In file order, so that messages read top to bottom.
    std::stable_sort(findings.begin(), findings.end(), [](const PolicyFinding& a, const PolicyFinding& b) {
        return std::tie(a.place.line, a.place.column) < std::tie(b.place.line, b.place.column);
    });
    return findings;
}

bool has_errors(const std::vector<PolicyFinding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const PolicyFinding& f) { return f.severity == PolicyFinding::Severity::Error; });
}

SigningParams signing_params(const Policy& policy) {
    SigningParams s;
    if (!policy.keys.empty()) {
        const KeySpec& first = policy.keys.front();
        s.algorithm = first.algorithm;
        if (first.bits) s.rsa_bits = first.bits;
        else if (const auto* info = zone::find_algorithm(first.algorithm); info && info->default_bits)
            s.rsa_bits = info->default_bits;
        s.csk = first.role == KeyRole::Csk;
    }
    s.validity = policy.validity;
    s.denial_validity = policy.denial_validity;
    s.jitter = policy.jitter;
    s.inception_offset = policy.inception_offset;
    s.dnskey_ttl = policy.dnskey_ttl;
    s.denial = policy.denial;
    s.nsec3.iterations = policy.nsec3_iterations;
    s.nsec3.opt_out = policy.nsec3_opt_out;
    // The salt stays empty here: with salt_length > 0 the caller draws a
    // random salt of that length (and a new one every resalt interval).
    s.serial = policy.serial;
    s.publish_cds = policy.cds_cdnskey == CdsMode::Always;
    return s;
}

}  // namespace zs::policy
