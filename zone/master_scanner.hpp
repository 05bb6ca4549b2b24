// The lowest layer of reading a master file: text arrives in blocks (from a
// file descriptor or from memory) and is split into logical lines (RFC 1035
// §5.1: fields joined across parentheses, comments dropped). Only the
// unconsumed tail of the current block is kept, so memory does not grow
// with the file; a logical line cut by a block boundary is scanned again
// once the next block is there.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace zs::zone {

// One field of an entry. For a quoted string, text is what lies between the
// quotes (escapes left as written); otherwise the raw characters.
struct Token {
    std::string_view text;
    bool quoted = false;
};

// Where the text comes from.
class TextSource {
public:
    virtual ~TextSource() = default;
    // Reads up to `size` bytes into `out`; 0 means end of text. Throws on
    // a read error.
    virtual std::size_t read(char* out, std::size_t size) = 0;
};

// Text held by the caller (tests, small uses).
class MemoryTextSource : public TextSource {
public:
    explicit MemoryTextSource(std::string_view text) : text_(text) {}
    std::size_t read(char* out, std::size_t size) override;

private:
    std::string_view text_;
};

// An open file; the descriptor is closed on destruction. `fail` builds the
// exception for a read error from strerror's text (it must throw).
class FileTextSource : public TextSource {
public:
    FileTextSource(int fd, std::function<void(const std::string&)> fail) : fd_(fd), fail_(std::move(fail)) {}
    ~FileTextSource() override;
    FileTextSource(const FileTextSource&) = delete;
    FileTextSource& operator=(const FileTextSource&) = delete;
    std::size_t read(char* out, std::size_t size) override;

private:
    int fd_;
    std::function<void(const std::string&)> fail_;
};

// A logical line: the fields of one entry or directive, joined across
// parentheses, without comments. Token texts point into the scanner's
// buffer and stay valid until the next call to LineScanner::next.
struct LogicalLine {
    std::vector<Token> tokens;
    bool blank_owner = false;  // the line started with white space
    std::uint32_t line = 0;    // where it started
};

class LineScanner {
public:
    LineScanner(TextSource& source, const std::string& file, std::size_t block_size);

    // The next logical line with at least one field; false at the end.
    // Throws InputError(file, line, ...) on bad syntax.
    bool next(LogicalLine& out);

private:
    struct NeedMore {};  // the block ended inside a logical line

    bool refill();
    void scan_logical_line(LogicalLine& out);
    void need_more_or_end() const;
    void step_escape();
    Token scan_quoted();
    Token scan_word();

    TextSource& source_;
    const std::string& file_;
    std::size_t block_size_;
    std::string buffer_;
    std::size_t consumed_ = 0;  // buffer_[0, consumed_) is scanned and no longer needed
    bool end_of_text_ = false;
    const char* p_ = nullptr;
    const char* end_ = nullptr;
    std::uint32_t line_ = 1;
};

}  // namespace zs::zone
