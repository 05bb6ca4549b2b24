// Reading a master file in two stages:
//  1. master_lexer: sequential; directives, $INCLUDE, parentheses, comments,
//     quotes, owner inheritance and TTL defaults, into entries;
//  2. rdata_parser: per entry, in options.threads threads over batches of
//     entries; results land in their file-order slot.
//
// TTL of a record written without one (no warning is printed for any case):
//  - $TTL, if one is in effect (RFC 2308 §4);
//  - else the last TTL written explicitly on a record (RFC 1035 §5.1);
//  - else the MINIMUM of the SOA read so far, the SOA itself included (what
//    BIND does for zone files without $TTL);
//  - else options.default_ttl.
// An included file starts with its parent's origin and TTL defaults; what it
// changes does not leak back into the parent.
#include "zone/master_file.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "common/error.hpp"
#include "zone/master_lexer.hpp"
#include "zone/name.hpp"
#include "zone/rdata_parser.hpp"

namespace zs::zone {

namespace {

constexpr std::size_t batch_size = 2048;

bool is_absolute_name_text(std::string_view text) {
    if (text == "@") return false;
    if (text.empty() || text.back() != '.') return false;
    std::size_t backslashes = 0;
    for (std::size_t i = text.size() - 1; i > 0 && text[i - 1] == '\\'; --i) ++backslashes;
    return backslashes % 2 == 0;
}

Wire parse_owner(std::string_view text, const Wire& origin) {
    try {
        if (origin.empty() && !is_absolute_name_text(text))
            throw Error("relative name '" + std::string(text) + "' but no origin is known");
        Wire owner = name_from_text(text, origin);
        lowercase_name(owner);
        return owner;
    } catch (const Error& e) {
        throw Error(std::string("owner name: ") + e.what());
    }
}

class Converter {
public:
    Converter(const LexedMasterFile& lexed, std::vector<ParsedRecord>& records) : lexed_(lexed), records_(records) {}

    void run(unsigned threads) {
        std::size_t batches = (lexed_.entries.size() + batch_size - 1) / batch_size;
        std::size_t workers = std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(batches, 1));
        std::vector<std::thread> pool;
        pool.reserve(workers - 1);
        for (std::size_t i = 1; i < workers; ++i) pool.emplace_back([this, batches] { work(batches); });
        work(batches);
        for (auto& thread : pool) thread.join();
        if (failure_) std::rethrow_exception(failure_);
    }

private:
    void work(std::size_t batches) {
        RdataParser parser(lexed_.origins);
        Wire owner;
        std::string_view owner_text;
        std::uint32_t owner_origin = std::numeric_limits<std::uint32_t>::max();
        for (;;) {
            std::size_t batch = next_batch_.fetch_add(1);
            if (batch >= batches) return;
            std::size_t begin = batch * batch_size;
            if (begin > first_failed_.load()) return;  // an earlier error will be reported
            std::size_t end = std::min(begin + batch_size, lexed_.entries.size());
            for (std::size_t i = begin; i < end; ++i) {
                const Entry& entry = lexed_.entries[i];
                try {
                    if (entry.origin_index != owner_origin || entry.owner_text.data() != owner_text.data() ||
                        entry.owner_text.size() != owner_text.size()) {
                        owner_origin = std::numeric_limits<std::uint32_t>::max();
                        owner = parse_owner(entry.owner_text, lexed_.origins[entry.origin_index]);
                        owner_text = entry.owner_text;
                        owner_origin = entry.origin_index;
                    }
                    ParsedRecord& record = records_[i];
                    record.rdata = parser.parse(entry.type, lexed_.tokens.data() + entry.first_token,
                                                entry.token_count, entry.origin_index);
                    record.owner = owner;
                    record.type = entry.type;
                    record.rclass = 1;
                    record.ttl = entry.ttl;
                    record.file_index = entry.file_index;
                    record.line = entry.line;
                } catch (const Error& e) {
                    fail(i, std::make_exception_ptr(InputError(lexed_.files[entry.file_index], entry.line, e.what())));
                    return;
                } catch (...) {
                    fail(i, std::current_exception());
                    return;
                }
            }
        }
    }

    void fail(std::size_t entry, std::exception_ptr error) {
        std::lock_guard lock(mutex_);
        if (entry < first_failed_.load()) {
            first_failed_.store(entry);
            failure_ = std::move(error);
        }
    }

    const LexedMasterFile& lexed_;
    std::vector<ParsedRecord>& records_;
    std::atomic<std::size_t> next_batch_{0};
    std::atomic<std::size_t> first_failed_{std::numeric_limits<std::size_t>::max()};
    std::mutex mutex_;
    std::exception_ptr failure_;
};

MasterFile convert(const LexedMasterFile& lexed, const MasterFileOptions& options) {
    MasterFile result;
    result.files = lexed.files;
    result.records.resize(lexed.entries.size());
    // An RDATA error before the point where lexing stopped comes first.
    Converter(lexed, result.records).run(options.threads);
    if (lexed.error) std::rethrow_exception(lexed.error);
    return result;
}

}  // namespace

MasterFile read_master_file(const std::string& path, const MasterFileOptions& options) {
    return convert(lex_master_file(path, options), options);
}

MasterFile read_master_text(const std::string& text, const std::string& name, const MasterFileOptions& options) {
    return convert(lex_master_text(text, name, options), options);
}

}  // namespace zs::zone
