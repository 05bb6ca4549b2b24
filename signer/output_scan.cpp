#include "signer/output_scan.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "common/error.hpp"
#include "signer/unique_fd.hpp"

namespace zs::signer {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

std::optional<UnixTime> rrsig_expiration(std::string_view line) {
    if (line.empty() || line.front() == ';' || line.front() == '$') return std::nullopt;
    // Up to 11 fields: [owner] [ttl] [class] RRSIG covered algorithm labels original-ttl expiration.
    std::array<std::string_view, 11> fields;
    std::size_t count = 0, i = 0;
    while (count < fields.size()) {
        while (i < line.size() && is_blank(line[i])) ++i;
        if (i == line.size() || line[i] == ';') break;
        const std::size_t start = i;
        while (i < line.size() && !is_blank(line[i])) ++i;
        fields[count++] = line.substr(start, i - start);
    }
    // The type comes after the owner, TTL and class (at most four fields in).
    for (std::size_t t = 0; t < 4 && t < count; ++t) {
        if (fields[t] != "RRSIG") continue;
        if (t + 5 >= count) return std::nullopt;
        auto time = parse_time(fields[t + 5]);
        return time;
    }
    return std::nullopt;
}

std::optional<UnixTime> earliest_rrsig_expiration(const std::string& path) {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw SystemError("cannot read signed output", path, errno);
    std::optional<UnixTime> earliest;
    std::string buffer(1 << 20, '\0');
    std::string partial;  // a line split across two reads
    auto take_line = [&](std::string_view line) {
        if (line.find("RRSIG") == std::string_view::npos) return;
        if (auto t = rrsig_expiration(line); t && (!earliest || *t < *earliest)) earliest = t;
    };
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SystemError("cannot read signed output", path, errno);
        }
        if (n == 0) break;
        std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
        std::size_t pos = 0;
        for (;;) {
            const std::size_t end = chunk.find('\n', pos);
            if (end == std::string_view::npos) {
                partial.append(chunk.substr(pos));
                break;
            }
            if (!partial.empty()) {
                partial.append(chunk.substr(pos, end - pos));
                take_line(partial);
                partial.clear();
            } else {
                take_line(chunk.substr(pos, end - pos));
            }
            pos = end + 1;
        }
    }
    if (!partial.empty()) take_line(partial);
    return earliest;
}

}  // namespace zs::signer
