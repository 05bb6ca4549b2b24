#include "signer/log.hpp"

#include <cstdio>
#include <mutex>

namespace zs::signer {

static std::mutex log_mutex;

static void emit(const char* prefix, const std::string& text) {
    std::lock_guard<std::mutex> lock(log_mutex);
    std::fprintf(stderr, "zonesigner: %s%s\n", prefix, text.c_str());
}

void log_error(const std::string& text) { emit("error: ", text); }
void log_warning(const std::string& text) { emit("warning: ", text); }
void log_info(const std::string& text) { emit("", text); }
void log_verbose(bool enabled, const std::string& text) {
    if (enabled) emit("", text);
}

}  // namespace zs::signer
