#include "policy/policy_yaml.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "common/error.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::policy {

namespace {

using Pairs = std::vector<std::pair<YAML::Node, YAML::Node>>;

// The keys each map may have, in the order the messages list them.
const std::vector<std::string> kTopKeys = {"name",   "keys",   "signatures",  "denial",      "ttls",
                                           "zone",   "parent", "safety",      "purge_after", "cds_cdnskey",
                                           "manual_rollover"};
const std::vector<std::string> kKeyKeys = {"role", "algorithm", "bits", "lifetime", "signer"};
const std::vector<std::string> kSignatureKeys = {"validity", "denial_validity", "refresh", "jitter",
                                                 "inception_offset"};
const std::vector<std::string> kDenialKeys = {"type", "iterations", "salt_length", "opt_out", "resalt"};
const std::vector<std::string> kTtlKeys = {"dnskey", "max_zone"};
const std::vector<std::string> kZoneKeys = {"propagation_delay", "serial"};
const std::vector<std::string> kParentKeys = {"ds_ttl", "propagation_delay", "registration_delay", "check"};
const std::vector<std::string> kSafetyKeys = {"publish", "retire"};
const std::vector<std::string> kManualKeys = {"ksk", "zsk", "csk"};

// RFC 2181 §8: a TTL is at most 2^31 - 1 seconds.
constexpr Seconds kMaxTtl = 2147483647;

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& w : words) text += (text.empty() ? "" : ", ") + w;
    return text;
}

std::string kind_of(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null: return "empty";
        case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
        case YAML::NodeType::Sequence: return "a list";
        case YAML::NodeType::Map: return "a map";
        case YAML::NodeType::Undefined: break;
    }
    return "undefined";
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// Policy names appear on command lines and in the key database.
bool is_valid_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_' || c == '.';
    });
}

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    Policy policy(const YAML::Node& root) {
        if (root.IsNull()) fail(root, "the policy is empty: it needs at least a 'name'");
        Policy p;
        p.place = place(root);
        const Pairs top = pairs(root, "the policy", kTopKeys);
        const auto name = find(top, "name");
        if (!name) fail(root, "the policy needs a 'name'");
        p.name = text(*name, "name");
        if (!is_valid_name(p.name))
            fail(*name, "policy name '" + p.name + "' must be 1 to 64 letters, digits, '-', '_' or '.'");
        record(p, "name", *name);

        if (const auto n = find(top, "keys")) read_keys(p, *n);
        else p.keys = default_policy().keys;
        if (const auto n = find(top, "signatures")) read_signatures(p, *n);
        // Not written: the denial validity follows the validity.
        if (!p.places.count("signatures.denial_validity")) p.denial_validity = p.validity;
        if (const auto n = find(top, "denial")) read_denial(p, *n);
        if (const auto n = find(top, "ttls")) read_ttls(p, *n);
        if (const auto n = find(top, "zone")) read_zone(p, *n);
        if (const auto n = find(top, "parent")) read_parent(p, *n);
        if (const auto n = find(top, "safety")) read_safety(p, *n);
        if (const auto n = find(top, "purge_after")) p.purge_after = duration(p, *n, "purge_after");
        if (const auto n = find(top, "cds_cdnskey")) {
            const auto mode = parse_cds_mode(text(*n, "cds_cdnskey"));
            if (!mode)
                fail(*n, "cds_cdnskey: unknown value '" + n->Scalar() + "' (known: none, during-rollover, always)");
            p.cds_cdnskey = *mode;
            record(p, "cds_cdnskey", *n);
        }
        if (const auto n = find(top, "manual_rollover")) read_manual(p, *n);
        return p;
    }

private:
    SourcePlace place(const YAML::Node& node) const {
        const YAML::Mark mark = node.Mark();
        if (mark.is_null()) return {file_, 1, 1};
        return {file_, static_cast<unsigned>(mark.line + 1), static_cast<unsigned>(mark.column + 1)};
    }

    [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const {
        const SourcePlace p = place(at);
        throw InputError(p.file, p.line, p.column, what);
    }

    void record(Policy& p, const std::string& field, const YAML::Node& node) const { p.places[field] = place(node); }

    // The pairs of a map in file order; refuses keys that are not plain
    // words, keys given twice (YAML forbids them; yaml-cpp keeps both) and
    // keys not in `known`.
    Pairs pairs(const YAML::Node& map, const std::string& what, const std::vector<std::string>& known) const {
        if (!map.IsMap()) fail(map, what + " must be a map of 'key: value' entries, not " + kind_of(map));
        Pairs result;
        std::set<std::string> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!it->first.IsScalar()) fail(it->first, "keys in " + what + " must be plain words");
            const std::string key = it->first.Scalar();
            if (std::find(known.begin(), known.end(), key) == known.end())
                fail(it->first, "unknown key '" + key + "' in " + what + " (known keys: " + joined(known) + ")");
            if (!seen.insert(key).second) fail(it->first, "duplicate key '" + key + "' in " + what);
            result.emplace_back(it->first, it->second);
        }
        return result;
    }

    static std::optional<YAML::Node> find(const Pairs& pairs, const std::string& key) {
        for (const auto& [k, v] : pairs)
            if (k.Scalar() == key) return v;
        return std::nullopt;
    }

    std::string text(const YAML::Node& value, const std::string& field) const {
        if (!value.IsScalar() || value.Scalar().empty())
            fail(value, field + ": must be a single text value, not " + kind_of(value));
        return value.Scalar();
    }

    std::uint64_t number(const YAML::Node& value, const std::string& field, std::uint64_t low,
                         std::uint64_t high) const {
        const std::string digits = value.IsScalar() ? value.Scalar() : "";
        const bool all_digits = !digits.empty() && digits.size() <= 19 &&
                                std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!all_digits)
            fail(value, field + ": must be a whole number from " + std::to_string(low) + " to " +
                            std::to_string(high) + ", not " + kind_of(value));
        const std::uint64_t n = std::stoull(digits);
        if (n < low || n > high)
            fail(value, field + ": must be from " + std::to_string(low) + " to " + std::to_string(high) + ", not " +
                            digits);
        return n;
    }

    bool boolean(const YAML::Node& value, const std::string& field) const {
        if (value.IsScalar() && value.Scalar() == "true") return true;
        if (value.IsScalar() && value.Scalar() == "false") return false;
        fail(value, field + ": must be true or false, not " + kind_of(value));
    }

    Seconds duration(Policy& p, const YAML::Node& value, const std::string& field) const {
        std::optional<Seconds> d;
        if (value.IsScalar()) d = parse_duration(value.Scalar());
        if (!d)
            fail(value, field + ": must be a duration such as 14d, 12h, 90m, 1d12h or 3600 (seconds), not " +
                            kind_of(value));
        record(p, field, value);
        return *d;
    }

    std::uint32_t ttl(Policy& p, const YAML::Node& value, const std::string& field) const {
        const Seconds d = duration(p, value, field);
        if (d > kMaxTtl) fail(value, field + ": a TTL must be at most 2147483647 seconds (RFC 2181)");
        return static_cast<std::uint32_t>(d);
    }

    void read_keys(Policy& p, const YAML::Node& list) const {
        if (!list.IsSequence())
            fail(list, "keys: must be a list of key entries such as {role: zsk, algorithm: 13, lifetime: 90d}, "
                       "not " + kind_of(list));
        record(p, "keys", list);
        for (std::size_t i = 0; i < list.size(); ++i) p.keys.push_back(read_key(p, list[i], i));
    }

    KeySpec read_key(Policy& p, const YAML::Node& node, std::size_t index) const {
        const std::string entry = "keys[" + std::to_string(index) + "]";
        KeySpec k;
        k.place = place(node);
        record(p, entry, node);
        const Pairs fields = pairs(node, "a key entry (" + entry + ")", kKeyKeys);
        const auto role = find(fields, "role");
        if (!role) fail(node, entry + ": a key entry needs a 'role' (ksk, zsk or csk)");
        const auto parsed_role = parse_role(text(*role, entry + ".role"));
        if (!parsed_role) fail(*role, entry + ".role: unknown role '" + role->Scalar() + "' (known: ksk, zsk, csk)");
        k.role = *parsed_role;
        record(p, entry + ".role", *role);

        if (const auto found = find(fields, "algorithm")) {
            const YAML::Node& n = *found;
            const auto a = zone::parse_algorithm(text(n, entry + ".algorithm"));
            if (!a)
                fail(n, entry + ".algorithm: unknown algorithm '" + n.Scalar() +
                            "' (known: RSASHA256, RSASHA512, ECDSAP256SHA256, ECDSAP384SHA384, ED25519, ED448, "
                            "or a number)");
            k.algorithm = *a;
            record(p, entry + ".algorithm", n);
        }
        if (const auto found = find(fields, "bits")) {
            const YAML::Node& n = *found;
            k.bits = static_cast<unsigned>(number(n, entry + ".bits", 1, 65535));
            record(p, entry + ".bits", n);
        }
        if (const auto found = find(fields, "lifetime")) {
            const YAML::Node& n = *found;
            if (n.IsScalar() && lower(n.Scalar()) == "unlimited") {
                k.lifetime.reset();
                record(p, entry + ".lifetime", n);
            } else if (n.IsScalar() && parse_duration(n.Scalar())) {
                k.lifetime = duration(p, n, entry + ".lifetime");
            } else {
                fail(n, entry + ".lifetime: must be a duration such as 90d or 365d, or 'unlimited', not " +
                            kind_of(n));
            }
        }
        if (const auto found = find(fields, "signer")) {
            const YAML::Node& n = *found;
            k.signer = text(n, entry + ".signer");
            record(p, entry + ".signer", n);
        }
        return k;
    }

    void read_signatures(Policy& p, const YAML::Node& map) const {
        record(p, "signatures", map);
        for (const auto& [key, value] : pairs(map, "signatures", kSignatureKeys)) {
            const std::string k = key.Scalar();
            const Seconds d = duration(p, value, "signatures." + k);
            if (k == "validity") p.validity = d;
            else if (k == "denial_validity") p.denial_validity = d;
            else if (k == "refresh") p.refresh = d;
            else if (k == "jitter") p.jitter = d;
            else if (k == "inception_offset") p.inception_offset = d;
        }
    }

    void read_denial(Policy& p, const YAML::Node& map) const {
        record(p, "denial", map);
        const Pairs fields = pairs(map, "denial", kDenialKeys);
        if (const auto n = find(fields, "type")) {
            const std::string type = lower(text(*n, "denial.type"));
            if (type == "nsec") p.denial = DenialType::Nsec;
            else if (type == "nsec3") p.denial = DenialType::Nsec3;
            else fail(*n, "denial.type: unknown type '" + n->Scalar() + "' (known: nsec, nsec3)");
            record(p, "denial.type", *n);
        }
        for (const auto& [key, value] : fields) {
            const std::string k = key.Scalar();
            if (k == "type") continue;
            if (p.denial != DenialType::Nsec3)
                fail(key, "denial." + k + ": applies to NSEC3 only (add 'type: nsec3')");
            const std::string field = "denial." + k;
            if (k == "iterations") p.nsec3_iterations = static_cast<std::uint16_t>(number(value, field, 0, 65535));
            else if (k == "salt_length") p.nsec3_salt_length = static_cast<unsigned>(number(value, field, 0, 65535));
            else if (k == "opt_out") p.nsec3_opt_out = boolean(value, field);
            else if (k == "resalt") {
                if (value.IsScalar() && lower(value.Scalar()) == "never") p.nsec3_resalt.reset();
                else p.nsec3_resalt = duration(p, value, field);
            }
            record(p, field, value);
        }
    }

    void read_ttls(Policy& p, const YAML::Node& map) const {
        record(p, "ttls", map);
        for (const auto& [key, value] : pairs(map, "ttls", kTtlKeys)) {
            const std::string k = key.Scalar();
            const std::uint32_t t = ttl(p, value, "ttls." + k);
            if (k == "dnskey") p.dnskey_ttl = t;
            else p.max_zone_ttl = t;
        }
    }

    void read_zone(Policy& p, const YAML::Node& map) const {
        record(p, "zone", map);
        for (const auto& [key, value] : pairs(map, "zone", kZoneKeys)) {
            const std::string k = key.Scalar();
            if (k == "propagation_delay") {
                p.zone_propagation_delay = duration(p, value, "zone.propagation_delay");
            } else {
                const auto mode = parse_serial_mode(lower(text(value, "zone.serial")));
                if (!mode)
                    fail(value, "zone.serial: unknown mode '" + value.Scalar() +
                                    "' (known: keep, increment, unixtime, datecounter)");
                p.serial = *mode;
                record(p, "zone.serial", value);
            }
        }
    }

    void read_parent(Policy& p, const YAML::Node& map) const {
        record(p, "parent", map);
        for (const auto& [key, value] : pairs(map, "parent", kParentKeys)) {
            const std::string k = key.Scalar();
            if (k == "ds_ttl") p.parent_ds_ttl = ttl(p, value, "parent.ds_ttl");
            else if (k == "propagation_delay") p.parent_propagation_delay = duration(p, value, "parent." + k);
            else if (k == "registration_delay") p.parent_registration_delay = duration(p, value, "parent." + k);
            else {
                p.parent_check = text(value, "parent.check");
                record(p, "parent.check", value);
            }
        }
    }

    void read_safety(Policy& p, const YAML::Node& map) const {
        record(p, "safety", map);
        for (const auto& [key, value] : pairs(map, "safety", kSafetyKeys)) {
            const std::string k = key.Scalar();
            const Seconds d = duration(p, value, "safety." + k);
            if (k == "publish") p.publish_safety = d;
            else p.retire_safety = d;
        }
    }

    void read_manual(Policy& p, const YAML::Node& map) const {
        record(p, "manual_rollover", map);
        for (const auto& [key, value] : pairs(map, "manual_rollover", kManualKeys)) {
            const std::string k = key.Scalar();
            p.manual_rollover[*parse_role(k)] = boolean(value, "manual_rollover." + k);
            record(p, "manual_rollover." + k, value);
        }
    }

    std::string file_;
};

}  // namespace

Policy policy_from_yaml(const YAML::Node& node, const std::string& file) {
    return Reader(file).policy(node);
}

Policy parse_policy_text(const std::string& text, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        const unsigned line = e.mark.is_null() ? 1 : static_cast<unsigned>(e.mark.line + 1);
        const unsigned column = e.mark.is_null() ? 1 : static_cast<unsigned>(e.mark.column + 1);
        throw InputError(file, line, column, "not valid YAML: " + e.msg);
    }
    return policy_from_yaml(root, file);
}

Policy load_policy_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw SystemError("cannot open policy file", path, errno);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw SystemError("cannot read policy file", path, errno);
    return parse_policy_text(text.str(), path);
}

}  // namespace zs::policy
