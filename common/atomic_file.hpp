// Publishing a file so that readers see either the old or the new content,
// never a partial one: temporary file in the target directory, fsync,
// rename over the target, fsync the directory. If the writer is destroyed
// before commit(), the temporary file is removed and the target is untouched.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace zs {

class AtomicFile {
public:
    // mode: permission bits for the new file (e.g. 0644, 0600 for key files).
    explicit AtomicFile(std::string target_path, unsigned mode = 0644);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::string_view data);
    // Flush, fsync, rename into place, fsync the directory. Throws on failure,
    // leaving the target as it was. durable = false skips both fsyncs, for
    // files that only save work (a crash may then leave an empty or partial
    // target, which their reader must refuse).
    void commit(bool durable = true);

    const std::string& target() const { return target_; }

private:
    std::string target_;
    std::string temp_path_;
    std::FILE* file_ = nullptr;
    bool committed_ = false;
    // Bytes written straight to the descriptor, and how far the kernel was
    // asked to start writing them back (see write()).
    std::uint64_t written_ = 0;
    std::uint64_t writeback_started_ = 0;
};

// Whole-file helpers.
void write_file_atomically(const std::string& path, std::string_view content, unsigned mode = 0644);
std::string read_file(const std::string& path);
bool file_exists(const std::string& path);

}  // namespace zs
