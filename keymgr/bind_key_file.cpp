#include "keymgr/bind_key_file.hpp"

#include <cctype>
#include <sstream>
#include <vector>

#include "common/atomic_file.hpp"
#include "common/encoding.hpp"
#include "common/error.hpp"
#include "zone/dnssec_algorithm.hpp"

namespace zs::keymgr {

namespace {

std::string trim(const std::string& s) {
    std::size_t begin = 0, end = s.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
    return s.substr(begin, end - begin);
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// "13 (ECDSAP256SHA256)" or "13": the number.
std::optional<std::uint8_t> algorithm_field(const std::string& value) {
    std::size_t digits = 0;
    while (digits < value.size() && std::isdigit(static_cast<unsigned char>(value[digits]))) ++digits;
    if (digits == 0 || digits > 3) return std::nullopt;
    unsigned n = static_cast<unsigned>(std::stoul(value.substr(0, digits)));
    if (n > 255) return std::nullopt;
    return static_cast<std::uint8_t>(n);
}

}  // namespace

const std::string& BindPrivateKey::field(const std::string& name) const {
    auto it = fields.find(name);
    if (it == fields.end())
        throw Error(file + ": no " + name + " field (needed for algorithm " + zone::algorithm_name(algorithm) + ")");
    return it->second.reveal();
}

BindPrivateKey read_bind_private_key(const std::string& path) {
    BindPrivateKey key;
    key.file = path;
    const Secret text(read_file(path));
    std::istringstream lines(text.reveal());
    std::string line;
    unsigned number = 0;
    bool format_seen = false, algorithm_seen = false;
    while (std::getline(lines, line)) {
        ++number;
        Secret held(std::move(line));  // the line may hold a private value
        const std::string& l = held.reveal();
        if (trim(l).empty()) continue;
        const std::size_t colon = l.find(':');
        if (colon == std::string::npos) throw InputError(path, number, "expected 'Field: value'");
        const std::string name = trim(l.substr(0, colon));
        std::string value = trim(l.substr(colon + 1));
        if (name == "Private-key-format") {
            if (value.rfind("v1.", 0) != 0)
                throw InputError(path, number, "unsupported private key format '" + value + "' (expected v1.2 or v1.3)");
            format_seen = true;
        } else if (name == "Algorithm") {
            auto alg = algorithm_field(value);
            if (!alg) throw InputError(path, number, "bad algorithm '" + value + "'");
            key.algorithm = *alg;
            algorithm_seen = true;
        } else {
            key.fields[name] = Secret(std::move(value));
        }
    }
    if (!format_seen) throw InputError(path, 1, "not a BIND private key file (no Private-key-format line)");
    if (!algorithm_seen) throw InputError(path, 1, "no Algorithm line");
    return key;
}

BindPublicKey read_bind_public_key(const std::string& path) {
    std::istringstream lines(read_file(path));
    std::string line;
    unsigned number = 0;
    while (std::getline(lines, line)) {
        ++number;
        const std::string body = trim(line.substr(0, line.find(';')));
        if (body.empty()) continue;
        std::istringstream fields(body);
        std::vector<std::string> tokens;
        for (std::string t; fields >> t;) tokens.push_back(t);
        std::size_t type = 1;
        while (type < tokens.size() && lower(tokens[type]) != "dnskey") ++type;
        if (type >= tokens.size() || tokens.size() < type + 5)
            throw InputError(path, number, "expected 'OWNER [TTL] [IN] DNSKEY FLAGS 3 ALGORITHM KEY'");
        BindPublicKey key;
        key.file = path;
        key.owner = lower(tokens[0]);
        if (key.owner.back() != '.') key.owner += '.';
        unsigned long flags = 0, protocol = 0, algorithm = 0;
        try {
            flags = std::stoul(tokens[type + 1]);
            protocol = std::stoul(tokens[type + 2]);
            algorithm = std::stoul(tokens[type + 3]);
        } catch (const std::exception&) {
            throw InputError(path, number, "flags, protocol and algorithm must be numbers");
        }
        if (flags > 65535 || protocol != 3 || algorithm > 255)
            throw InputError(path, number, "bad DNSKEY flags, protocol or algorithm");
        std::string base64;
        for (std::size_t i = type + 4; i < tokens.size(); ++i) base64 += tokens[i];
        auto public_key = from_base64(base64);
        if (!public_key || public_key->empty()) throw InputError(path, number, "bad base64 public key");
        key.flags = static_cast<std::uint16_t>(flags);
        key.algorithm = static_cast<std::uint8_t>(algorithm);
        key.dnskey_rdata = zone::make_dnskey_rdata(key.flags, key.algorithm,
                                                   zone::Wire(public_key->begin(), public_key->end()));
        return key;
    }
    throw InputError(path, number, "no DNSKEY record");
}

std::string bind_public_key_path(const std::string& private_path) {
    const std::string suffix = ".private";
    if (private_path.size() <= suffix.size() ||
        private_path.compare(private_path.size() - suffix.size(), suffix.size(), suffix) != 0)
        return "";
    return private_path.substr(0, private_path.size() - suffix.size()) + ".key";
}

}  // namespace zs::keymgr
