#include "signer/file_bytes.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"
#include "signer/unique_fd.hpp"

namespace zs::signer {

namespace {

FileIdentity identity_of(const struct stat& st) {
    FileIdentity id;
    id.device = static_cast<std::uint64_t>(st.st_dev);
    id.inode = static_cast<std::uint64_t>(st.st_ino);
    id.size = static_cast<std::uint64_t>(st.st_size);
    id.mtime_ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                  static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
    id.ctime_ns = static_cast<std::uint64_t>(st.st_ctim.tv_sec) * 1000000000ull +
                  static_cast<std::uint64_t>(st.st_ctim.tv_nsec);
    return id;
}

}  // namespace

FileIdentity file_identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return identity_of(st);
}

FileIdentity file_identity(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return {};
    return identity_of(st);
}

FileBytes::FileBytes(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw SystemError("cannot open", path, errno);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw SystemError("cannot stat", path, errno);
    if (!S_ISREG(st.st_mode)) throw Error(path + " is not a regular file");
    identity_ = identity_of(st);
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ == 0) return;
    // Mapped, not read: no copy and no zeroed pages; the pages are the
    // page cache's, and unmapping a few tens of megabytes is cheap.
    capacity_ = size_;
    data_ = ::mmap(nullptr, capacity_, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (data_ == MAP_FAILED) {
        data_ = nullptr;
        throw SystemError("cannot map", path, errno);
    }
    ::madvise(data_, capacity_, MADV_SEQUENTIAL);  // read front to back, once
}

FileBytes::~FileBytes() {
    if (data_) ::munmap(data_, capacity_);
}

}  // namespace zs::signer
