#include "signer/notify_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "common/error.hpp"
#include "signer/unique_fd.hpp"

extern char** environ;

namespace zs::signer {

namespace {

constexpr std::size_t kKeptOutput = 4096;

class SpawnSetup {
public:
    SpawnSetup() {
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_init(&actions);
    }
    ~SpawnSetup() {
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&actions);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
};

}  // namespace

NotifyResult run_notify_command(const std::string& command, Seconds timeout) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw SystemError("cannot create a pipe for the notify command", command, errno);
    UniqueFd read_end(fds[0]);
    UniqueFd write_end(fds[1]);

    SpawnSetup setup;
    posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&setup.attr, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&setup.attr, &none);
    posix_spawnattr_setsigdefault(&setup.attr, &defaults);
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), 1);
    posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), 2);

    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, "/bin/sh", &setup.actions, &setup.attr, const_cast<char**>(argv), environ);
    if (rc != 0) throw SystemError("cannot start the notify command", command, rc);
    write_end = UniqueFd();  // ours: EOF once the command and its children close theirs

    NotifyResult result;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
    bool timed_out = false;
    char buffer[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{read_end.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // EOF: the command closed its output
        result.output.append(buffer, static_cast<std::size_t>(n));
        if (result.output.size() > 2 * kKeptOutput) result.output.erase(0, result.output.size() - kKeptOutput);
    }
    if (timed_out) ::kill(-pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (result.output.size() > kKeptOutput) result.output.erase(0, result.output.size() - kKeptOutput);
    while (!result.output.empty() && (result.output.back() == '\n' || result.output.back() == '\r'))
        result.output.pop_back();
    if (timed_out) {
        result.outcome = "timed out after " + format_duration(timeout);
    } else if (WIFEXITED(status)) {
        result.success = WEXITSTATUS(status) == 0;
        result.outcome = "exit status " + std::to_string(WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        result.outcome = "killed by signal " + std::to_string(WTERMSIG(status));
    }
    return result;
}

}  // namespace zs::signer
