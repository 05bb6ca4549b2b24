#include "signer/content_hash.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>

#include <openssl/evp.h>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "signer/unique_fd.hpp"

namespace zs::signer {

namespace {

struct DigestContextFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

class Sha256 {
public:
    Sha256() : ctx_(EVP_MD_CTX_new()) {
        if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) throw Error("SHA-256 unavailable");
    }
    void update(std::string_view data) {
        if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) throw Error("SHA-256 failed");
    }
    std::string hex() {
        unsigned char value[EVP_MAX_MD_SIZE];
        unsigned size = 0;
        if (EVP_DigestFinal_ex(ctx_.get(), value, &size) != 1) throw Error("SHA-256 failed");
        return to_hex(value, size);
    }

private:
    std::unique_ptr<EVP_MD_CTX, DigestContextFree> ctx_;
};


bool iequals_prefix(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = text[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (c != prefix[i]) return false;
    }
    return true;
}

// The file argument of one "$INCLUDE ..." line; empty if it has none.
std::string include_argument(std::string_view line) {
    std::size_t i = 8;  // after "$INCLUDE"
    if (i < line.size() && line[i] != ' ' && line[i] != '\t') return "";  // "$INCLUDEX"
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size() || line[i] == ';') return "";
    std::string arg;
    if (line[i] == '"') {
        for (++i; i < line.size() && line[i] != '"'; ++i) {
            if (line[i] == '\\' && i + 1 < line.size()) ++i;
            arg += line[i];
        }
        return arg;
    }
    for (; i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != ';' && line[i] != '\r'; ++i) arg += line[i];
    return arg;
}

std::string directory_of(const std::string& file) {
    const std::size_t slash = file.rfind('/');
    return slash == std::string::npos ? "" : file.substr(0, slash + 1);
}

// Hashes `path` into `digest` while collecting its $INCLUDE arguments.
// Returns false (errno set) if the file cannot be read.
bool hash_file(const std::string& path, Sha256& digest, std::vector<std::string>& includes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return false;
    std::string buffer(1 << 20, '\0');
    bool line_start = true;
    std::string directive;  // the current line, while it starts with '$'
    bool in_directive = false;
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        if (n == 0) break;
        const std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
        digest.update(chunk);
        // Line by line with memchr: only lines that start with '$' are
        // looked at (the input of a large zone is mostly records).
        std::size_t i = 0;
        while (i < chunk.size()) {
            const auto* newline =
                static_cast<const char*>(std::memchr(chunk.data() + i, '\n', chunk.size() - i));
            const std::size_t end = newline ? static_cast<std::size_t>(newline - chunk.data()) : chunk.size();
            if (line_start && chunk[i] == '$') {
                in_directive = true;
                directive.clear();
            }
            if (in_directive && directive.size() < 4096)
                directive.append(chunk.data() + i, std::min(end - i, 4096 - directive.size()));
            line_start = newline != nullptr;
            if (newline && in_directive) {
                in_directive = false;
                if (iequals_prefix(directive, "$INCLUDE")) {
                    std::string arg = include_argument(directive);
                    if (!arg.empty()) includes.push_back(arg);
                }
            }
            i = newline ? end + 1 : chunk.size();
        }
    }
    if (in_directive && iequals_prefix(directive, "$INCLUDE")) {
        std::string arg = include_argument(directive);
        if (!arg.empty()) includes.push_back(arg);
    }
    return true;
}

// Depth-limited like the reader (8 levels); cycles end at a file seen before.
void hash_included(const std::string& parent, const std::vector<std::string>& arguments, Sha256& combined,
                   std::set<std::string>& seen, unsigned depth) {
    for (const auto& arg : arguments) {
        const std::string path = !arg.empty() && arg.front() == '/' ? arg : directory_of(parent) + arg;
        combined.update("include " + path + " ");
        if (depth >= 8 || !seen.insert(path).second) {
            combined.update("(again)\n");
            continue;
        }
        Sha256 own;
        std::vector<std::string> nested;
        if (!hash_file(path, own, nested)) {
            combined.update("(unreadable)\n");
            continue;
        }
        combined.update(own.hex() + "\n");
        hash_included(path, nested, combined, seen, depth + 1);
    }
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    Sha256 digest;
    digest.update(data);
    return digest.hex();
}

std::vector<std::string> include_arguments(std::string_view text) {
    std::vector<std::string> result;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        if (iequals_prefix(line, "$INCLUDE")) {
            std::string arg = include_argument(line);
            if (!arg.empty()) result.push_back(arg);
        }
        pos = end + 1;
    }
    return result;
}

std::string input_content_hash(const std::string& path) {
    Sha256 own;
    std::vector<std::string> includes;
    if (!hash_file(path, own, includes)) throw SystemError("cannot read zone input", path, errno);
    Sha256 combined;
    combined.update("input " + own.hex() + "\n");
    std::set<std::string> seen{path};
    hash_included(path, includes, combined, seen, 1);
    return combined.hex();
}

std::string policy_content_hash(const policy::Policy& p) {
    std::string text = "name " + p.name + "\n";
    for (const auto& k : p.keys)
        text += "key " + policy::to_string(k.role) + " " + std::to_string(k.algorithm) + " " + std::to_string(k.bits) +
                " " + (k.lifetime ? std::to_string(*k.lifetime) : "unlimited") + " " + k.signer + "\n";
    auto field = [&](const char* name, long long value) { text += std::string(name) + " " + std::to_string(value) + "\n"; };
    field("validity", p.validity);
    field("denial_validity", p.denial_validity);
    field("refresh", p.refresh);
    field("jitter", p.jitter);
    field("inception_offset", p.inception_offset);
    field("denial", p.denial == policy::DenialType::Nsec3 ? 3 : 1);
    field("nsec3_iterations", p.nsec3_iterations);
    field("nsec3_salt_length", p.nsec3_salt_length);
    field("nsec3_opt_out", p.nsec3_opt_out);
    field("nsec3_resalt", p.nsec3_resalt ? *p.nsec3_resalt : -1);
    field("dnskey_ttl", p.dnskey_ttl);
    field("max_zone_ttl", p.max_zone_ttl);
    field("zone_propagation_delay", p.zone_propagation_delay);
    text += "serial " + policy::to_string(p.serial) + "\n";
    field("parent_ds_ttl", p.parent_ds_ttl);
    field("parent_propagation_delay", p.parent_propagation_delay);
    field("parent_registration_delay", p.parent_registration_delay);
    text += "parent_check " + p.parent_check + "\n";
    field("publish_safety", p.publish_safety);
    field("retire_safety", p.retire_safety);
    field("purge_after", p.purge_after);
    text += "cds_cdnskey " + policy::to_string(p.cds_cdnskey) + "\n";
    for (const auto& [role, manual] : p.manual_rollover)
        text += "manual_rollover " + policy::to_string(role) + " " + (manual ? "true" : "false") + "\n";
    return sha256_hex(text);
}

}  // namespace zs::signer
