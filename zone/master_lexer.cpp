#include "zone/master_lexer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>
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

constexpr std::size_t arena_bytes = 128 * 1024;

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

// An origin in effect at some point. The id tells origins apart without
// comparing names, and stays unique after the origin is gone.
struct Origin {
    std::uint64_t id;
    Wire name;
};
using OriginRef = std::shared_ptr<const Origin>;

// The owner an entry without one inherits; its text outlives the scanner's
// buffer.
struct PreviousOwner {
    std::string text;
    OriginRef origin;
};

// Opens a regular file for reading, refusing anything else (a FIFO swapped
// in after stat() is caught by fstat: O_NONBLOCK lets open return at once).
template <typename Fail>
int open_regular_file(const std::string& path, FileIdentity& identity, Fail fail) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw fail(std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        int err = errno;
        ::close(fd);
        throw fail(std::strerror(err));
    }
    if (!S_ISREG(info.st_mode)) {
        ::close(fd);
        throw fail("not a regular file");
    }
    identity = FileIdentity{info.st_dev, info.st_ino};
    return fd;
}

class Lexer {
public:
    Lexer(const MasterFileOptions& options, const LexedBatchSink& sink) : options_(options), sink_(sink) {}

    // Lexes the top-level text. On a lexing error the entries before it are
    // handed over before the error is thrown on.
    void lex_top(TextSource& source, const std::string& name, std::optional<FileIdentity> identity) {
        try {
            files_.push_back(name);
            batch_.new_files.push_back(name);
            if (identity) stack_.push_back(*identity);
            TtlDefaults ttl;
            ttl.fallback = options_.default_ttl;
            lex_file(0, source, new_origin(lowercased(options_.origin)), ttl);
        } catch (...) {
            if (!in_sink_) seal();
            throw;
        }
        seal();
    }

private:
    OriginRef new_origin(Wire name) { return std::make_shared<const Origin>(Origin{next_origin_id_++, std::move(name)}); }

    void lex_file(std::uint32_t file_index, TextSource& source, OriginRef origin, TtlDefaults ttl) {
        const std::string& file = files_[file_index];
        LineScanner scanner(source, file, options_.read_block_size);
        LogicalLine logical;
        PreviousOwner previous;
        while (scanner.next(logical)) {
            const auto& tokens = logical.tokens;
            if (!logical.blank_owner && !tokens[0].quoted && tokens[0].text.front() == '$') {
                directive(file_index, logical, origin, ttl);
                continue;
            }
            std::size_t next = 0;
            if (logical.blank_owner) {
                if (!previous.origin)
                    throw InputError(file, logical.line, "line starts with white space but there is no previous owner");
            } else {
                previous.text.assign(tokens[0].text);
                if (previous.origin != origin) previous.origin = origin;
                next = 1;
            }
            record(file_index, logical, next, previous, ttl);
        }
    }

    void record(std::uint32_t file_index, const LogicalLine& logical, std::size_t next, const PreviousOwner& owner,
                TtlDefaults& ttl) {
        const std::string& file = files_[file_index];
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
        entry.ttl = record_ttl;
        entry.type = *type;
        entry.file_index = file_index;
        entry.line = logical.line;
        add_entry(entry, owner, tokens.data() + next, tokens.size() - next);
    }

    // Copies the entry's texts into the current batch, starting a new batch
    // when this one is full. The arena is never regrown, so the views taken
    // into it stay valid when the batch is moved.
    void add_entry(Entry& entry, const PreviousOwner& owner, const Token* tokens, std::size_t count) {
        bool same_owner = !batch_.entries.empty() && owner.origin->id == batch_owner_origin_ &&
                          batch_owner_text_ == owner.text;
        std::size_t needed = same_owner ? 0 : owner.text.size();
        for (std::size_t i = 0; i < count; ++i) needed += tokens[i].text.size();
        if (batch_.entries.size() >= std::max<std::size_t>(options_.batch_records, 1) ||
            (!batch_.entries.empty() && batch_.arena.size() + needed > batch_.arena.capacity())) {
            seal();
            same_owner = false;
            needed += owner.text.size();
        }
        if (batch_.entries.empty()) batch_.arena.reserve(std::max(arena_bytes, needed));

        if (!same_owner) {
            batch_owner_text_ = append(owner.text);
            batch_owner_origin_ = owner.origin->id;
            batch_owner_origin_index_ = origin_index(*owner.origin);
        }
        entry.owner_text = batch_owner_text_;
        entry.origin_index = batch_owner_origin_index_;
        entry.first_token = static_cast<std::uint32_t>(batch_.tokens.size());
        entry.token_count = static_cast<std::uint32_t>(count);
        for (std::size_t i = 0; i < count; ++i) batch_.tokens.push_back(Token{append(tokens[i].text), tokens[i].quoted});
        batch_.entries.push_back(entry);
    }

    std::string_view append(std::string_view text) {
        std::size_t at = batch_.arena.size();
        batch_.arena.append(text);
        return std::string_view(batch_.arena.data() + at, text.size());
    }

    std::uint32_t origin_index(const Origin& origin) {
        auto [it, inserted] = batch_origins_.try_emplace(origin.id, static_cast<std::uint32_t>(batch_.origins.size()));
        if (inserted) batch_.origins.push_back(origin.name);
        return it->second;
    }

    // Hands the current batch over (if it holds anything) and starts a new one.
    void seal() {
        if (batch_.entries.empty() && batch_.new_files.empty()) return;
        LexedBatch full = std::move(batch_);
        batch_ = LexedBatch{};
        batch_origins_.clear();
        in_sink_ = true;
        sink_(std::move(full));
        in_sink_ = false;
    }

    void directive(std::uint32_t file_index, const LogicalLine& logical, OriginRef& origin, TtlDefaults& ttl) {
        const std::string& file = files_[file_index];
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
            origin = new_origin(directive_name(file, logical.line, tokens[1].text, origin->name, "$ORIGIN"));
        } else if (iequals(name, "$TTL")) {
            expect_args(1, 1);
            ttl.dollar_ttl = checked_ttl(file, logical.line, tokens[1].text);
        } else if (iequals(name, "$INCLUDE")) {
            expect_args(1, 2);
            OriginRef include_origin = origin;
            if (tokens.size() == 3)
                include_origin = new_origin(directive_name(file, logical.line, tokens[2].text, origin->name, "$INCLUDE"));
            include(file_index, logical.line, std::string(tokens[1].text), include_origin, ttl);
        } else {
            throw InputError(file, logical.line, "unknown directive '" + std::string(name) + "'");
        }
    }

    Wire directive_name(const std::string& file, std::uint32_t line, std::string_view text, const Wire& origin,
                        const char* directive) {
        try {
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
    void include(std::uint32_t parent_index, std::uint32_t line, const std::string& argument, OriginRef origin,
                 const TtlDefaults& ttl) {
        const std::string parent = files_[parent_index];
        std::string path = (!argument.empty() && argument.front() == '/') ? argument : directory_of(parent) + argument;
        auto fail = [parent, line, argument](const std::string& why) -> InputError {
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
        FileTextSource source(open_regular_file(path, identity, fail), [fail](const std::string& why) { throw fail(why); });
        files_.push_back(path);
        batch_.new_files.push_back(path);
        auto file_index = static_cast<std::uint32_t>(files_.size() - 1);
        stack_.push_back(identity);
        ++depth_;
        lex_file(file_index, source, std::move(origin), ttl);
        --depth_;
        stack_.pop_back();
    }

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

    const MasterFileOptions& options_;
    const LexedBatchSink& sink_;
    std::deque<std::string> files_;  // a deque: scanners keep references to the names
    std::vector<FileIdentity> stack_;
    unsigned depth_ = 0;
    std::uint64_t next_origin_id_ = 0;

    LexedBatch batch_;
    bool in_sink_ = false;  // an exception now comes from the sink, not from lexing
    std::unordered_map<std::uint64_t, std::uint32_t> batch_origins_;  // Origin::id -> index in batch_.origins
    std::string_view batch_owner_text_;  // the last entry's owner, in batch_.arena
    std::uint64_t batch_owner_origin_ = 0;
    std::uint32_t batch_owner_origin_index_ = 0;
};

// Appends a batch to the all-at-once form, renumbering origins and tokens.
void append_batch(LexedMasterFile& out, LexedBatch&& batch) {
    auto origin_base = static_cast<std::uint32_t>(out.origins.size());
    auto token_base = static_cast<std::uint32_t>(out.tokens.size());
    for (auto& file : batch.new_files) out.files.push_back(std::move(file));
    for (auto& origin : batch.origins) out.origins.push_back(std::move(origin));
    out.tokens.insert(out.tokens.end(), batch.tokens.begin(), batch.tokens.end());
    for (Entry entry : batch.entries) {
        entry.origin_index += origin_base;
        entry.first_token += token_base;
        out.entries.push_back(entry);
    }
    // Moving a string keeps its heap buffer, so the views stay valid.
    out.texts.push_back(std::make_unique<std::string>(std::move(batch.arena)));
}

}  // namespace

void lex_master_file_stream(const std::string& path, const MasterFileOptions& options, const LexedBatchSink& sink) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) throw SystemError("stat", path, errno);
    auto fail = [&path](const std::string& why) { return Error(path + ": " + why); };
    if (!S_ISREG(info.st_mode)) throw fail("not a regular file");
    FileIdentity identity{};
    FileTextSource source(open_regular_file(path, identity, fail), [fail](const std::string& why) { throw fail(why); });
    Lexer lexer(options, sink);
    lexer.lex_top(source, path, identity);
}

void lex_master_text_stream(std::string_view text, const std::string& name, const MasterFileOptions& options,
                            const LexedBatchSink& sink) {
    MemoryTextSource source(text);
    Lexer lexer(options, sink);
    lexer.lex_top(source, name, std::nullopt);
}

LexedMasterFile lex_master_file(const std::string& path, const MasterFileOptions& options) {
    LexedMasterFile out;
    try {
        lex_master_file_stream(path, options, [&out](LexedBatch&& batch) { append_batch(out, std::move(batch)); });
    } catch (const InputError&) {
        out.error = std::current_exception();
    }
    return out;
}

LexedMasterFile lex_master_text(std::string text, const std::string& name, const MasterFileOptions& options) {
    LexedMasterFile out;
    try {
        lex_master_text_stream(text, name, options, [&out](LexedBatch&& batch) { append_batch(out, std::move(batch)); });
    } catch (const Error&) {
        out.error = std::current_exception();
    }
    return out;
}

}  // namespace zs::zone
