#include "signer/run_record.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/error.hpp"

namespace zs::signer {

namespace {

constexpr const char* kHeader = "# zonesigner run record, format 1: written by `zonesigner run`, do not edit\n";

std::string escaped(const std::string& value) {
    std::string text;
    for (char c : value) {
        if (c == '\\') text += "\\\\";
        else if (c == '\n') text += "\\n";
        else if (c == '\r') text += "\\r";
        else text += c;
    }
    return text;
}

std::string unescaped(const std::string& value) {
    std::string text;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] != '\\' || i + 1 == value.size()) {
            text += value[i];
            continue;
        }
        const char next = value[++i];
        text += next == 'n' ? '\n' : next == 'r' ? '\r' : next;
    }
    return text;
}

void put(std::string& out, const char* key, const std::string& value) {
    if (!value.empty()) out += std::string(key) + "=" + escaped(value) + "\n";
}

template <typename T>
void put(std::string& out, const char* key, const std::optional<T>& value) {
    if (value) out += std::string(key) + "=" + std::to_string(*value) + "\n";
}

std::optional<long long> whole_number(const std::string& text) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    std::size_t start = text[0] == '-' ? 1 : 0;
    if (start == text.size()) return std::nullopt;
    for (std::size_t i = start; i < text.size(); ++i)
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    return std::stoll(text);
}

}  // namespace

std::string format_run_record(const RunRecord& r) {
    std::string out = kHeader;
    put(out, "zone", r.zone);
    put(out, "last_attempt", r.last_attempt);
    put(out, "last_success", r.last_success);
    put(out, "serial", r.serial);
    put(out, "output", r.output);
    put(out, "input_hash", r.input_hash);
    put(out, "policy", r.policy);
    put(out, "policy_hash", r.policy_hash);
    put(out, "key_plan", r.key_plan);
    put(out, "runway_end", r.runway_end);
    put(out, "next_key_event", r.next_key_event);
    out += "signatures=" + std::to_string(r.signatures) + "\n";
    out += "signatures_reused=" + std::to_string(r.signatures_reused) + "\n";
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", r.sign_seconds);
    out += std::string("sign_seconds=") + seconds + "\n";
    out += "signatures_made_total=" + std::to_string(r.signatures_made_total) + "\n";
    out += "signatures_reused_total=" + std::to_string(r.signatures_reused_total) + "\n";
    put(out, "last_error", r.last_error);
    put(out, "last_error_time", r.last_error_time);
    return out;
}

RunRecord parse_run_record(const std::string& text, const std::string& file) {
    RunRecord r;
    std::istringstream in(text);
    std::string line;
    for (unsigned number = 1; std::getline(in, line); ++number) {
        if (line.empty() || line[0] == '#') continue;
        const std::size_t eq = line.find('=');
        if (eq == std::string::npos || eq == 0) throw InputError(file, number, "not a 'key=value' line");
        const std::string key = line.substr(0, eq);
        const std::string value = unescaped(line.substr(eq + 1));
        auto number_of = [&](long long low, long long high) -> long long {
            auto n = whole_number(value);
            if (!n || *n < low || *n > high)
                throw InputError(file, number, "'" + key + "' must be a whole number, not '" + value + "'");
            return *n;
        };
        constexpr long long kMaxTime = 253402300799LL;  // 9999-12-31T23:59:59Z
        constexpr long long kMaxCount = 0x7fffffffffffffffLL;
        if (key == "zone") r.zone = value;
        else if (key == "last_attempt") r.last_attempt = number_of(0, kMaxTime);
        else if (key == "last_success") r.last_success = number_of(0, kMaxTime);
        else if (key == "serial") r.serial = static_cast<std::uint32_t>(number_of(0, 0xffffffffLL));
        else if (key == "output") r.output = value;
        else if (key == "input_hash") r.input_hash = value;
        else if (key == "policy") r.policy = value;
        else if (key == "policy_hash") r.policy_hash = value;
        else if (key == "key_plan") r.key_plan = value;
        else if (key == "runway_end") r.runway_end = number_of(0, kMaxTime);
        else if (key == "next_key_event") r.next_key_event = number_of(0, kMaxTime);
        else if (key == "signatures") r.signatures = static_cast<std::uint64_t>(number_of(0, kMaxCount));
        else if (key == "signatures_reused") r.signatures_reused = static_cast<std::uint64_t>(number_of(0, kMaxCount));
        else if (key == "sign_seconds") {
            try {
                r.sign_seconds = std::stod(value);
            } catch (const std::exception&) {
                throw InputError(file, number, "'sign_seconds' must be a number, not '" + value + "'");
            }
        } else if (key == "signatures_made_total") r.signatures_made_total = static_cast<std::uint64_t>(number_of(0, kMaxCount));
        else if (key == "signatures_reused_total") r.signatures_reused_total = static_cast<std::uint64_t>(number_of(0, kMaxCount));
        else if (key == "last_error") r.last_error = value;
        else if (key == "last_error_time") r.last_error_time = number_of(0, kMaxTime);
    }
    return r;
}

std::string run_record_path(const std::string& state_root, const std::string& zone) {
    std::string name;
    for (unsigned char c : zone) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                           c == '-' || c == '_';
        if (plain) {
            name += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", c);
            name += hex;
        }
    }
    return state_root + "/zones/" + name + "run";
}

std::optional<RunRecord> read_run_record(const std::string& state_root, const std::string& zone) {
    const std::string path = run_record_path(state_root, zone);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::nullopt;
        throw SystemError("cannot read run record", path, errno);
    }
    RunRecord r = parse_run_record(read_file(path), path);
    if (r.zone.empty()) r.zone = zone;
    return r;
}

void write_run_record(const std::string& state_root, const RunRecord& record) {
    const std::string dir = state_root + "/zones";
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) throw SystemError("cannot create directory", dir, errno);
    write_file_atomically(run_record_path(state_root, record.zone), format_run_record(record), 0600);
}

}  // namespace zs::signer
