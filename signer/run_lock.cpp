#include "signer/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/error.hpp"

namespace zs::signer {

namespace {

// The pid the holder wrote, if it is there yet.
std::string holder_pid(int fd) {
    char text[32] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    if (n <= 0) return "";
    std::string pid;
    for (ssize_t i = 0; i < n && text[i] >= '0' && text[i] <= '9'; ++i) pid += text[i];
    return pid;
}

}  // namespace

RunLock::RunLock(const std::string& path, bool wait) : path_(path), fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (!fd_) throw SystemError("cannot open the run lock", path, errno);
    for (;;) {
        if (::flock(fd_.get(), LOCK_EX | (wait ? 0 : LOCK_NB)) == 0) break;
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK) {
            const std::string pid = holder_pid(fd_.get());
            throw Error("another run holds the lock " + path + (pid.empty() ? "" : " (pid " + pid + ")"));
        }
        throw SystemError("cannot lock", path, errno);
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_.get(), 0) != 0 || ::pwrite(fd_.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
        throw SystemError("cannot write the pid into the run lock", path, errno);
}

}  // namespace zs::signer
