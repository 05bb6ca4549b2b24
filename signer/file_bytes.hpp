// Whole files read into memory, and what stat says of a file.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace zs::signer {

// What stat says of a file; equal identities mean the file was not
// replaced or rewritten in between (as far as the file system can tell:
// the change time cannot be set back by hand, unlike the modification time).
struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::uint64_t mtime_ns = 0;
    std::uint64_t ctime_ns = 0;
    bool operator==(const FileIdentity& o) const {
        return device == o.device && inode == o.inode && size == o.size && mtime_ns == o.mtime_ns &&
               ctime_ns == o.ctime_ns;
    }
};

// All zeros when the file is missing.
FileIdentity file_identity(const std::string& path);
FileIdentity file_identity(int fd);

// A file's bytes, mapped read-only (a private mapping: what the file says
// when it is mapped; a writer replaces files by rename, never in place).
class FileBytes {
public:
    // Throws SystemError naming the path when it cannot be read.
    explicit FileBytes(const std::string& path);
    ~FileBytes();
    FileBytes(const FileBytes&) = delete;
    FileBytes& operator=(const FileBytes&) = delete;

    std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }
    const FileIdentity& identity() const { return identity_; }

private:
    void* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
    FileIdentity identity_;
};

}  // namespace zs::signer
