#include "common/atomic_file.hpp"
#include "common/test_stop_point.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "common/error.hpp"

namespace zs {

static std::string directory_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

AtomicFile::AtomicFile(std::string target_path, unsigned mode) : target_(std::move(target_path)) {
    std::string base = target_;
    temp_path_ = base + ".tmp.XXXXXX";
    int fd = mkstemp(temp_path_.data());
    if (fd < 0) throw SystemError("cannot create temporary file for", target_, errno);
    if (fchmod(fd, mode) != 0) {
        int e = errno;
        ::close(fd);
        ::unlink(temp_path_.c_str());
        throw SystemError("cannot set mode of", temp_path_, e);
    }
    file_ = fdopen(fd, "w");
    if (!file_) {
        int e = errno;
        ::close(fd);
        ::unlink(temp_path_.c_str());
        throw SystemError("cannot open", temp_path_, e);
    }
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

AtomicFile::~AtomicFile() {
    if (file_) std::fclose(file_);
    if (!committed_) ::unlink(temp_path_.c_str());
}

void AtomicFile::write(std::string_view data) {
    if (data.empty()) return;
    // Large pieces (a signed zone's windows) go straight to the file: one
    // copy less than through the stdio buffer.
    if (data.size() >= (64 << 10)) {
        if (std::fflush(file_) != 0) throw SystemError("cannot write", temp_path_, errno);
        const int fd = fileno(file_);
        written_ = static_cast<std::uint64_t>(::lseek(fd, 0, SEEK_CUR));
        while (!data.empty()) {
            const ssize_t n = ::write(fd, data.data(), data.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw SystemError("cannot write", temp_path_, n < 0 ? errno : ENOSPC);
            data.remove_prefix(static_cast<std::size_t>(n));
            written_ += static_cast<std::uint64_t>(n);
        }
        // Start writing back what is written so far (without waiting for
        // it): the disk works while we compute, and the fsync at commit()
        // has little left to do. A hint only; errors surface at fsync.
        constexpr std::uint64_t kWritebackStep = 8 << 20;
        if (written_ - writeback_started_ >= kWritebackStep) {
            ::sync_file_range(fd, static_cast<off_t>(writeback_started_),
                              static_cast<off_t>(written_ - writeback_started_), SYNC_FILE_RANGE_WRITE);
            writeback_started_ = written_;
        }
        return;
    }
    if (std::fwrite(data.data(), 1, data.size(), file_) != data.size())
        throw SystemError("cannot write", temp_path_, errno);
}

void AtomicFile::commit(bool durable) {
    if (std::fflush(file_) != 0) throw SystemError("cannot write", temp_path_, errno);
    if (durable && ::fsync(fileno(file_)) != 0) throw SystemError("cannot fsync", temp_path_, errno);
    int close_result = std::fclose(file_);
    file_ = nullptr;
    if (close_result != 0) throw SystemError("cannot close", temp_path_, errno);
    test_stop_point("before-rename", target_);
    if (::rename(temp_path_.c_str(), target_.c_str()) != 0) throw SystemError("cannot rename into", target_, errno);
    committed_ = true;
    test_stop_point("after-rename", target_);
    if (!durable) return;
    std::string dir = directory_of(target_);
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

void write_file_atomically(const std::string& path, std::string_view content, unsigned mode) {
    AtomicFile f(path, mode);
    f.write(content);
    f.commit();
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw SystemError("cannot read", path, errno);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool file_exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

}  // namespace zs
