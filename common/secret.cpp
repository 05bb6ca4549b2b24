#include "common/secret.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/error.hpp"

namespace zs {

Secret::~Secret() { wipe(); }

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        value_ = std::move(other.value_);
        other.wipe();
    }
    return *this;
}

void Secret::wipe() {
    if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
    value_.clear();
}

Secret read_secret_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW);
    if (fd < 0) throw SystemError("cannot open secret file", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        int e = errno;
        ::close(fd);
        throw SystemError("cannot stat secret file", path, e);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error("secret file " + path + " is not a regular file");
    }
    if (st.st_uid != ::geteuid()) {
        ::close(fd);
        throw Error("secret file " + path + " is not owned by the current user");
    }
    if ((st.st_mode & 077) != 0) {
        ::close(fd);
        throw Error("secret file " + path + " must have mode 0600 (chmod 600 " + path + ")");
    }
    std::string value;
    char buf[256];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            int e = errno;
            ::close(fd);
            OPENSSL_cleanse(buf, sizeof buf);
            throw SystemError("cannot read secret file", path, e);
        }
        if (n == 0) break;
        value.append(buf, static_cast<std::size_t>(n));
    }
    OPENSSL_cleanse(buf, sizeof buf);
    ::close(fd);
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
    return Secret(std::move(value));
}

Secret read_secret_env(const std::string& variable) {
    const char* v = std::getenv(variable.c_str());
    if (!v) throw Error("environment variable " + variable + " is not set");
    return Secret(v);
}

}  // namespace zs
