#include "zone/master_scanner.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <unistd.h>

#include "common/error.hpp"

namespace zs::zone {

std::size_t MemoryTextSource::read(char* out, std::size_t size) {
    std::size_t n = std::min(size, text_.size());
    std::memcpy(out, text_.data(), n);
    text_.remove_prefix(n);
    return n;
}

FileTextSource::~FileTextSource() { ::close(fd_); }

std::size_t FileTextSource::read(char* out, std::size_t size) {
    for (;;) {
        ssize_t n = ::read(fd_, out, size);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        fail_(std::strerror(errno));
        throw Error("read failed");  // fail_ throws; this keeps the compiler sure of it
    }
}

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

LineScanner::LineScanner(TextSource& source, const std::string& file, std::size_t block_size)
    : source_(source), file_(file), block_size_(std::max<std::size_t>(block_size, 1)) {}

bool LineScanner::refill() {
    if (end_of_text_) return false;
    buffer_.erase(0, consumed_);
    consumed_ = 0;
    std::size_t had = buffer_.size();
    buffer_.resize(had + block_size_);
    std::size_t got = source_.read(buffer_.data() + had, block_size_);
    buffer_.resize(had + got);
    if (got == 0) end_of_text_ = true;
    return true;
}

bool LineScanner::next(LogicalLine& out) {
    out.tokens.clear();
    for (;;) {
        if (consumed_ == buffer_.size()) {
            if (!refill()) return false;
            continue;
        }
        const std::uint32_t start_line = line_;
        p_ = buffer_.data() + consumed_;
        end_ = buffer_.data() + buffer_.size();
        out.blank_owner = *p_ == ' ' || *p_ == '\t';
        out.line = line_;
        try {
            scan_logical_line(out);
        } catch (const NeedMore&) {
            // Scan the whole logical line again once more text is there.
            out.tokens.clear();
            line_ = start_line;
            refill();
            continue;
        }
        consumed_ = static_cast<std::size_t>(p_ - buffer_.data());
        if (!out.tokens.empty()) return true;
    }
}

// At the end of the buffer: more text may complete what is being scanned.
void LineScanner::need_more_or_end() const {
    if (!end_of_text_) throw NeedMore{};
}

void LineScanner::scan_logical_line(LogicalLine& out) {
    bool in_parens = false;
    std::uint32_t open_line = 0;
    for (;;) {
        while (p_ < end_ && is_blank(*p_)) ++p_;
        if (p_ == end_) {
            need_more_or_end();
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
                throw InputError(file_, line_,
                                 "nested parentheses (first opened at line " + std::to_string(open_line) + ")");
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
void LineScanner::step_escape() {
    const char* start = p_;
    ++p_;  // the backslash
    if (p_ == end_) need_more_or_end();
    if (p_ == end_ || *p_ == '\n') throw InputError(file_, line_, "backslash at end of line");
    if (*p_ >= '0' && *p_ <= '9') {
        if (end_ - p_ < 3) need_more_or_end();
        if (end_ - p_ < 3 || !(p_[1] >= '0' && p_[1] <= '9') || !(p_[2] >= '0' && p_[2] <= '9'))
            throw InputError(file_, line_,
                             "bad escape '" + std::string(start, std::min<std::size_t>(4, end_ - start)) +
                                 "' (\\DDD needs three decimal digits)");
        int value = (p_[0] - '0') * 100 + (p_[1] - '0') * 10 + (p_[2] - '0');
        if (value > 255) throw InputError(file_, line_, "\\DDD escape above 255 ('" + std::string(start, 4) + "')");
        p_ += 3;
    } else {
        ++p_;
    }
}

Token LineScanner::scan_quoted() {
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
    if (p_ == end_) {
        need_more_or_end();
        throw InputError(file_, start_line, "missing closing quote");
    }
    Token token{std::string_view(start, static_cast<std::size_t>(p_ - start)), true};
    ++p_;  // closing quote
    return token;
}

Token LineScanner::scan_word() {
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
    if (p_ == end_) need_more_or_end();
    return Token{std::string_view(start, static_cast<std::size_t>(p_ - start)), false};
}

}  // namespace zs::zone
