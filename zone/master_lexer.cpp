#include "zone/master_lexer.hpp"

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.hpp"
#include "zone/name.hpp"
#include "zone/rr_type.hpp"

namespace zs::zone {

bool parse_ttl_text(std::string_view text, std::uint64_t& value) {
    if (text.empty()) return false;
    std::uint64_t total = 0;
    std::uint64_t number = 0;
    bool have_digits = false;
    bool had_unit = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            number = number * 10 + static_cast<unsigned>(c - '0');
            if (number > 0xffffffffffULL) return false;  // far beyond any TTL; avoids overflow
            have_digits = true;
            continue;
        }
        if (!have_digits) return false;
        std::uint64_t unit = 0;
        switch (c) {
            case 's': case 'S': unit = 1; break;
            case 'm': case 'M': unit = 60; break;
            case 'h': case 'H': unit = 3600; break;
            case 'd': case 'D': unit = 86400; break;
            case 'w': case 'W': unit = 604800; break;
            default: return false;
        }
        total += number * unit;
        if (total > 0xffffffffffULL) return false;
        number = 0;
        have_digits = false;
        had_unit = true;
    }
    if (have_digits) total += number;  // "1h30" : trailing seconds, as BIND reads it
    (void)had_unit;
    value = total;
    return true;
}

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string directory_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return {};
    return path.substr(0, slash + 1);
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
        if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
        if (x != y) return false;
    }
    return true;
}

// A logical line: the fields of one entry or directive, joined across
// parentheses, without comments.
struct LogicalLine {
    std::vector<Token> tokens;
    bool blank_owner = false;  // the line started with white space
    std::uint32_t line = 0;    // where it started
};

// Splits one file's text into logical lines (RFC 1035 §5.1).
class LineScanner {
public:
    LineScanner(std::string_view text, const std::string& file) : p_(text.data()), end_(p_ + text.size()), file_(file) {}

    bool next(LogicalLine& out) {
        out.tokens.clear();
        while (p_ < end_) {
            out.blank_owner = *p_ == ' ' || *p_ == '\t';
            out.line = line_;
            scan_logical_line(out);
            if (!out.tokens.empty()) return true;
        }
        return false;
    }

private:
    void scan_logical_line(LogicalLine& out) {
        bool in_parens = false;
        std::uint32_t open_line = 0;
        for (;;) {
            while (p_ < end_ && is_blank(*p_)) ++p_;
            if (p_ == end_) {
                if (in_parens)
                    throw InputError(file_, out.line,
                                     "unbalanced parentheses (opened at line " + std::to_string(open_line) + ")");
                return;
            }
            char c = *p_;
            if (c == ';') {
                while (p_ < end_ && *p_ != '\n') ++p_;
            } else if (c == '\n') {
                ++p_;
                ++line_;
                if (!in_parens) return;
            } else if (c == '(') {
                if (in_parens)
                    throw InputError(file_, line_, "nested parentheses (first opened at line " +
                                                       std::to_string(open_line) + ")");
                in_parens = true;
                open_line = line_;
                ++p_;
            } else if (c == ')') {
                if (!in_parens) throw InputError(file_, line_, "unbalanced parentheses (')' without '(')");
                in_parens = false;
                ++p_;
            } else if (c == '"') {
                out.tokens.push_back(scan_quoted());
            } else {
                out.tokens.push_back(scan_word());
            }
        }
    }

    // At a backslash: checks a \DDD escape and steps over the escape.
    void step_escape() {
        const char* start = p_;
        ++p_;  // the backslash
        if (p_ == end_ || *p_ == '\n') throw InputError(file_, line_, "backslash at end of line");
        if (*p_ >= '0' && *p_ <= '9') {
            if (end_ - p_ < 3 || !(p_[1] >= '0' && p_[1] <= '9') || !(p_[2] >= '0' && p_[2] <= '9'))
                throw InputError(file_, line_,
                                 "bad escape '" + std::string(start, std::min<std::size_t>(4, end_ - start)) +
                                     "' (\\DDD needs three decimal digits)");
            int value = (p_[0] - '0') * 100 + (p_[1] - '0') * 10 + (p_[2] - '0');
            if (value > 255)
                throw InputError(file_, line_, "\\DDD escape above 255 ('" + std::string(start, 4) + "')");
            p_ += 3;
        } else {
            ++p_;
        }
    }

    Token scan_quoted() {
        std::uint32_t start_line = line_;
        ++p_;  // opening quote
        const char* start = p_;
        while (p_ < end_ && *p_ != '"') {
            if (*p_ == '\n') throw InputError(file_, start_line, "missing closing quote");
            if (*p_ == '\\') {
                step_escape();
            } else {
                ++p_;
            }
        }
        if (p_ == end_) throw InputError(file_, start_line, "missing closing quote");
        Token token{std::string_view(start, static_cast<std::size_t>(p_ - start)), true};
        ++p_;  // closing quote
        return token;
    }

    Token scan_word() {
        const char* start = p_;
        while (p_ < end_) {
            char c = *p_;
            if (is_blank(c) || c == '\n' || c == ';' || c == '(' || c == ')') break;
            if (c == '\\') {
                step_escape();
            } else {
                ++p_;
            }
        }
        return Token{std::string_view(start, static_cast<std::size_t>(p_ - start)), false};
    }

    const char* p_;
    const char* end_;
    const std::string& file_;
    std::uint32_t line_ = 1;
};

// TTL defaults, in order (documented in master_file.cpp): $TTL, else the last
// explicit TTL (RFC 1035 §5.1), else the SOA MINIMUM, else options.default_ttl.
struct TtlDefaults {
    std::optional<std::uint32_t> dollar_ttl;
    std::optional<std::uint32_t> last_explicit;
    std::optional<std::uint32_t> soa_minimum;
    std::uint32_t fallback = 0;

    std::uint32_t current() const {
        if (dollar_ttl) return *dollar_ttl;
        if (last_explicit) return *last_explicit;
        if (soa_minimum) return *soa_minimum;
        return fallback;
    }
};

struct FileIdentity {
    dev_t device;
    ino_t inode;
};

class Lexer {
public:
    Lexer(LexedMasterFile& out, const MasterFileOptions& options) : out_(out), options_(options) {}

    void lex_top_text(std::string text, const std::string& name, std::optional<FileIdentity> identity) {
        out_.files.push_back(name);
        out_.texts.push_back(std::make_unique<std::string>(std::move(text)));
        out_.origins.push_back(lowercased(options_.origin));
        if (identity) stack_.push_back(*identity);
        TtlDefaults ttl;
        ttl.fallback = options_.default_ttl;
        lex_file(0, 0, ttl);
    }

private:
    void lex_file(std::uint32_t file_index, std::uint32_t origin_index, TtlDefaults ttl) {
        const std::string& file = out_.files[file_index];
        LineScanner scanner(*out_.texts[file_index], file);
        LogicalLine logical;
        std::optional<std::pair<std::string_view, std::uint32_t>> previous_owner;
        while (scanner.next(logical)) {
            const auto& tokens = logical.tokens;
            if (!logical.blank_owner && !tokens[0].quoted && tokens[0].text.front() == '$') {
                directive(file_index, logical, origin_index, ttl);
                continue;
            }
            std::size_t next = 0;
            if (logical.blank_owner) {
                if (!previous_owner)
                    throw InputError(file, logical.line, "line starts with white space but there is no previous owner");
            } else {
                previous_owner.emplace(tokens[0].text, origin_index);
                next = 1;
            }
            record(file_index, logical, next, *previous_owner, ttl);
        }
    }

    void record(std::uint32_t file_index, const LogicalLine& logical, std::size_t next,
                std::pair<std::string_view, std::uint32_t> owner, TtlDefaults& ttl) {
        const std::string& file = out_.files[file_index];
        const auto& tokens = logical.tokens;
        std::optional<std::uint32_t> explicit_ttl;
        bool have_class = false;
        // RFC 1035 §5.1: [<TTL>] [<class>] <type> or [<class>] [<TTL>] <type>.
        for (int field = 0; field < 2 && next < tokens.size(); ++field) {
            std::string_view text = tokens[next].text;
            if (tokens[next].quoted) break;
            if (!explicit_ttl && text.front() >= '0' && text.front() <= '9') {
                explicit_ttl = checked_ttl(file, logical.line, text);
                ++next;
            } else if (!have_class && is_class_text(text)) {
                if (!iequals(text, "IN") && !iequals(text, "CLASS1"))
                    throw InputError(file, logical.line,
                                     "class " + std::string(text) + " not supported (only IN)");
                have_class = true;
                ++next;
            } else {
                break;
            }
        }
        if (next >= tokens.size()) throw InputError(file, logical.line, "missing type");
        std::string_view type_text = tokens[next].text;
        if (tokens[next].quoted) throw InputError(file, logical.line, "unexpected quoted string where the type belongs");
        auto type = type_from_text(type_text);
        if (!type) {
            if (type_text.front() >= '0' && type_text.front() <= '9')
                throw InputError(file, logical.line, "unexpected '" + std::string(type_text) + "' where the type belongs");
            throw InputError(file, logical.line, "unknown type '" + std::string(type_text) + "'");
        }
        if (is_meta_type(*type))
            throw InputError(file, logical.line, "type " + type_to_text(*type) + " cannot appear in a zone file");
        ++next;

        if (*type == rrtype::SOA && tokens.size() - next == 7) {
            std::uint64_t minimum = 0;
            if (parse_ttl_text(tokens.back().text, minimum) && minimum <= max_ttl)
                ttl.soa_minimum = static_cast<std::uint32_t>(minimum);
        }
        std::uint32_t record_ttl;
        if (explicit_ttl) {
            record_ttl = *explicit_ttl;
            ttl.last_explicit = *explicit_ttl;
        } else {
            record_ttl = ttl.current();
        }

        Entry entry;
        entry.owner_text = owner.first;
        entry.origin_index = owner.second;
        entry.first_token = static_cast<std::uint32_t>(out_.tokens.size());
        entry.token_count = static_cast<std::uint32_t>(tokens.size() - next);
        entry.ttl = record_ttl;
        entry.type = *type;
        entry.file_index = file_index;
        entry.line = logical.line;
        out_.tokens.insert(out_.tokens.end(), tokens.begin() + static_cast<std::ptrdiff_t>(next), tokens.end());
        out_.entries.push_back(entry);
    }

    void directive(std::uint32_t file_index, const LogicalLine& logical, std::uint32_t& origin_index,
                   TtlDefaults& ttl) {
        const std::string& file = out_.files[file_index];
        const auto& tokens = logical.tokens;
        std::string_view name = tokens[0].text;
        auto expect_args = [&](std::size_t min, std::size_t max) {
            std::size_t n = tokens.size() - 1;
            if (n < min || n > max)
                throw InputError(file, logical.line,
                                 std::string(name) + (n < min ? ": missing argument" : ": too many arguments"));
        };
        if (iequals(name, "$ORIGIN")) {
            expect_args(1, 1);
            out_.origins.push_back(directive_name(file, logical.line, tokens[1].text, origin_index, "$ORIGIN"));
            origin_index = static_cast<std::uint32_t>(out_.origins.size() - 1);
        } else if (iequals(name, "$TTL")) {
            expect_args(1, 1);
            ttl.dollar_ttl = checked_ttl(file, logical.line, tokens[1].text);
        } else if (iequals(name, "$INCLUDE")) {
            expect_args(1, 2);
            std::uint32_t include_origin = origin_index;
            if (tokens.size() == 3) {
                out_.origins.push_back(directive_name(file, logical.line, tokens[2].text, origin_index, "$INCLUDE"));
                include_origin = static_cast<std::uint32_t>(out_.origins.size() - 1);
            }
            include(file_index, logical.line, std::string(tokens[1].text), include_origin, ttl);
        } else {
            throw InputError(file, logical.line, "unknown directive '" + std::string(name) + "'");
        }
    }

    Wire directive_name(const std::string& file, std::uint32_t line, std::string_view text,
                        std::uint32_t origin_index, const char* directive) {
        try {
            const Wire& origin = out_.origins[origin_index];
            if (origin.empty() && !(text.size() > 0 && text.back() == '.'))
                throw Error("relative name '" + std::string(text) + "' but no origin is known");
            return lowercased(name_from_text(text, origin));
        } catch (const InputError&) {
            throw;
        } catch (const Error& e) {
            throw InputError(file, line, std::string(directive) + ": " + e.what());
        }
    }

    // The included file's origin and TTL defaults start as the parent's;
    // changes inside it do not leak back (RFC 1035 §5.1 for the origin).
    void include(std::uint32_t parent_index, std::uint32_t line, const std::string& argument,
                 std::uint32_t origin_index, const TtlDefaults& ttl) {
        const std::string parent = out_.files[parent_index];
        std::string path = (!argument.empty() && argument.front() == '/') ? argument : directory_of(parent) + argument;
        auto fail = [&](const std::string& why) -> InputError {
            return InputError(parent, line, "$INCLUDE '" + argument + "': " + why);
        };
        struct stat info {};
        if (::stat(path.c_str(), &info) != 0) {
            int err = errno;
            if (err == ENOENT) throw fail("no such file");
            throw fail(std::strerror(err));
        }
        if (!S_ISREG(info.st_mode)) throw fail("not a regular file");
        for (std::size_t i = 0; i < stack_.size(); ++i) {
            if (stack_[i].device == info.st_dev && stack_[i].inode == info.st_ino) {
                if (i + 1 == stack_.size()) throw InputError(parent, line, "$INCLUDE '" + argument + "' includes itself");
                throw InputError(parent, line, "$INCLUDE '" + argument + "' forms an include cycle");
            }
        }
        if (depth_ + 1 > options_.max_include_depth)
            throw fail("nesting deeper than " + std::to_string(options_.max_include_depth) + " levels");

        FileIdentity identity{};
        std::string text = read_regular_file(path, identity, fail);
        out_.files.push_back(path);
        out_.texts.push_back(std::make_unique<std::string>(std::move(text)));
        auto file_index = static_cast<std::uint32_t>(out_.files.size() - 1);
        stack_.push_back(identity);
        ++depth_;
        lex_file(file_index, origin_index, ttl);
        --depth_;
        stack_.pop_back();
    }

    template <typename Fail>
    static std::string read_regular_file(const std::string& path, FileIdentity& identity, Fail fail) {
        // O_NONBLOCK: should the file be swapped for a FIFO after stat(), open
        // still returns at once and fstat below refuses it.
        int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) throw fail(std::strerror(errno));
        struct Closer {
            int fd;
            ~Closer() { ::close(fd); }
        } closer{fd};
        struct stat info {};
        if (::fstat(fd, &info) != 0) throw fail(std::strerror(errno));
        if (!S_ISREG(info.st_mode)) throw fail("not a regular file");
        identity = FileIdentity{info.st_dev, info.st_ino};
        std::string text;
        text.resize(static_cast<std::size_t>(info.st_size));
        std::size_t done = 0;
        for (;;) {
            if (done == text.size()) text.resize(text.size() + 65536);
            ssize_t n = ::read(fd, text.data() + done, text.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                throw fail(std::strerror(errno));
            }
            if (n == 0) break;
            done += static_cast<std::size_t>(n);
        }
        text.resize(done);
        return text;
    }

public:
    static std::string read_top_file(const std::string& path, FileIdentity& identity) {
        struct stat info {};
        auto fail = [&](const std::string& why) { return Error(path + ": " + why); };
        if (::stat(path.c_str(), &info) != 0) throw SystemError("stat", path, errno);
        if (!S_ISREG(info.st_mode)) throw fail("not a regular file");
        return read_regular_file(path, identity, fail);
    }

private:
    std::uint32_t checked_ttl(const std::string& file, std::uint32_t line, std::string_view text) {
        std::uint64_t value = 0;
        if (!parse_ttl_text(text, value)) throw InputError(file, line, "bad TTL '" + std::string(text) + "'");
        if (value > max_ttl)
            throw InputError(file, line, "TTL " + std::string(text) + " out of range (0.." + std::to_string(max_ttl) + ")");
        return static_cast<std::uint32_t>(value);
    }

    static bool is_class_text(std::string_view text) {
        if (iequals(text, "IN") || iequals(text, "CH") || iequals(text, "HS") || iequals(text, "CS") ||
            iequals(text, "NONE") || iequals(text, "ANY"))
            return true;
        if (text.size() > 5 && iequals(text.substr(0, 5), "CLASS")) {
            for (char c : text.substr(5))
                if (c < '0' || c > '9') return false;
            return true;
        }
        return false;
    }

    static bool is_meta_type(std::uint16_t type) {
        // RFC 6895 §3.1: 0, OPT and the Q-types 249-255 are not data.
        return type == 0 || type == 41 || (type >= 249 && type <= 255);
    }

    LexedMasterFile& out_;
    const MasterFileOptions& options_;
    std::vector<FileIdentity> stack_;
    unsigned depth_ = 0;
};

}  // namespace

LexedMasterFile lex_master_file(const std::string& path, const MasterFileOptions& options) {
    LexedMasterFile out;
    FileIdentity identity{};
    std::string text = Lexer::read_top_file(path, identity);
    Lexer lexer(out, options);
    try {
        lexer.lex_top_text(std::move(text), path, identity);
    } catch (const Error&) {
        out.error = std::current_exception();
    }
    return out;
}

LexedMasterFile lex_master_text(std::string text, const std::string& name, const MasterFileOptions& options) {
    LexedMasterFile out;
    Lexer lexer(out, options);
    try {
        lexer.lex_top_text(std::move(text), name, std::nullopt);
    } catch (const Error&) {
        out.error = std::current_exception();
    }
    return out;
}

}  // namespace zs::zone
