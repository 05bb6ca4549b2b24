// One error hierarchy for the whole project. Every error carries the context
// that lets an operator act on it (which file, key, signer, operation);
// main() catches once and maps the kind to an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace zs {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// Bad command-line usage: exit code 2.
class UsageError : public Error {
public:
    using Error::Error;
};

// Bad input text at a known place: "FILE:LINE: what" (zone files) or
// "FILE:LINE:COLUMN: what" (YAML).
class InputError : public Error {
public:
    InputError(const std::string& file, unsigned line, const std::string& what);
    InputError(const std::string& file, unsigned line, unsigned column, const std::string& what);
    const std::string& file() const { return file_; }
    unsigned line() const { return line_; }
    const std::string& message() const { return message_; }

private:
    std::string file_;
    unsigned line_ = 0;
    std::string message_;
};

// A system call failed; the text names the operation and the path.
class SystemError : public Error {
public:
    SystemError(const std::string& operation, const std::string& path, int errno_value);
};

// Prefixes context to an error that is rethrown at a higher level.
std::string with_context(const std::string& context, const std::exception& e);

}  // namespace zs
