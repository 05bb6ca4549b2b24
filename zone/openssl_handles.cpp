#include "zone/openssl_handles.hpp"

#include <openssl/err.h>

namespace zs::zone::ossl {

std::string with_errors(const std::string& what) {
    std::string text;
    char buffer[256];
    while (unsigned long code = ERR_get_error()) {
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty()) text += "; ";
        text += buffer;
    }
    return text.empty() ? what : what + ": " + text;
}

void clear_errors() { ERR_clear_error(); }

}  // namespace zs::zone::ossl
