#include "keymgr/shell_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/error.hpp"

extern char** environ;

namespace zs::keymgr {

namespace {

using Clock = std::chrono::steady_clock;

// Owns a file descriptor.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

class SpawnAttributes {
public:
    SpawnAttributes() {
        posix_spawnattr_init(&attr_);
        posix_spawn_file_actions_init(&actions_);
    }
    ~SpawnAttributes() {
        posix_spawnattr_destroy(&attr_);
        posix_spawn_file_actions_destroy(&actions_);
    }
    SpawnAttributes(const SpawnAttributes&) = delete;
    SpawnAttributes& operator=(const SpawnAttributes&) = delete;
    posix_spawnattr_t attr_;
    posix_spawn_file_actions_t actions_;
};

// While alive, SIGPIPE is blocked in this thread: a command that exits
// without reading its input makes our write fail with EPIPE instead of
// killing us. A SIGPIPE raised meanwhile is consumed before unblocking.
class SigpipeBlock {
public:
    SigpipeBlock() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    }
    ~SigpipeBlock() {
        const timespec zero{0, 0};
        while (sigtimedwait(&pipe_, nullptr, &zero) > 0) {
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;

private:
    sigset_t pipe_, old_;
};

int milliseconds_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1000));
}

// Writes input to the pipe until done, the reader is gone, or the deadline.
void feed(int fd, const std::string& input, Clock::time_point deadline) {
    SigpipeBlock block;
    std::size_t written = 0;
    while (written < input.size() && Clock::now() < deadline) {
        pollfd p{fd, POLLOUT, 0};
        int ready = ::poll(&p, 1, milliseconds_until(deadline));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        ssize_t n = ::write(fd, input.data() + written, input.size() - written);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n < 0) return;  // EPIPE: the command does not read (all of) its input
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace

std::string CommandResult::text() const {
    if (timed_out) return "timed out (killed)";
    if (exited) return "exit status " + std::to_string(exit_status);
    return "killed by signal " + std::to_string(signal);
}

CommandResult run_shell_command(const std::string& command, const std::string& input, Seconds timeout) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw SystemError("cannot create a pipe for command", command, errno);
    Fd read_end(fds[0]), write_end(fds[1]);

    SpawnAttributes spawn;
    // stdin from the pipe, stdout to our stderr; dup2 clears close-on-exec.
    posix_spawn_file_actions_adddup2(&spawn.actions_, read_end.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&spawn.actions_, STDERR_FILENO, STDOUT_FILENO);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&spawn.attr_, &none);
    posix_spawnattr_setsigdefault(&spawn.attr_, &defaults);
    posix_spawnattr_setpgroup(&spawn.attr_, 0);
    posix_spawnattr_setflags(&spawn.attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::string shell = "/bin/sh", dash_c = "-c", text = command;
    char* argv[] = {shell.data(), dash_c.data(), text.data(), nullptr};
    pid_t pid = -1;
    int rc = posix_spawn(&pid, "/bin/sh", &spawn.actions_, &spawn.attr_, argv, environ);
    if (rc != 0) throw SystemError("cannot start /bin/sh for command", command, rc);
    read_end.reset();

    const auto deadline = Clock::now() + std::chrono::seconds(timeout);
    ::fcntl(write_end.get(), F_SETFL, ::fcntl(write_end.get(), F_GETFL) | O_NONBLOCK);
    feed(write_end.get(), input, deadline);
    write_end.reset();  // end of input

    CommandResult result;
    int status = 0;
    for (;;) {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) throw SystemError("cannot wait for command", command, errno);
        if (Clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            result.timed_out = true;
            return result;
        }
        const timespec tick{0, 10 * 1000 * 1000};  // 10 ms
        ::nanosleep(&tick, nullptr);
    }
    if (WIFEXITED(status)) {
        result.exited = true;
        result.exit_status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

}  // namespace zs::keymgr
