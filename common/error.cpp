#include "common/error.hpp"

#include <cstring>

namespace zs {

InputError::InputError(const std::string& file, unsigned line, const std::string& what)
    : Error(file + ":" + std::to_string(line) + ": " + what), file_(file), line_(line), message_(what) {}

InputError::InputError(const std::string& file, unsigned line, unsigned column, const std::string& what)
    : Error(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + what),
      file_(file),
      line_(line),
      message_(what) {}

SystemError::SystemError(const std::string& operation, const std::string& path, int errno_value)
    : Error(operation + " " + path + ": " + std::strerror(errno_value)) {}

std::string with_context(const std::string& context, const std::exception& e) {
    return context + ": " + e.what();
}

}  // namespace zs
