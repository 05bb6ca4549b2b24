#include "hsm/openssl_util.hpp"

#include <openssl/err.h>

namespace zs::hsm {

std::string openssl_errors() {
    std::string text;
    const char* data = nullptr;
    int flags = 0;
    while (unsigned long code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty()) text += "; ";
        text += buffer;
        if ((flags & ERR_TXT_STRING) && data && *data) {
            text += " (";
            text += data;
            text += ")";
        }
    }
    return text;
}

std::string with_openssl_errors(const std::string& what) {
    std::string errors = openssl_errors();
    return errors.empty() ? what : what + ": " + errors;
}

}  // namespace zs::hsm
