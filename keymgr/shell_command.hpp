// Runs an operator's command (a policy's parent_check) with `/bin/sh -c`,
// text on its standard input and a time limit. Its standard output goes to
// our standard error (our standard output may be the signed zone); its
// standard error is inherited. It runs in a process group of its own, so
// that on timeout everything it started is killed with it.
#pragma once

#include <string>

#include "common/time_format.hpp"

namespace zs::keymgr {

struct CommandResult {
    bool exited = false;    // exited normally with exit_status
    int exit_status = -1;
    int signal = 0;         // killed by this signal (not by our timeout)
    bool timed_out = false; // killed by us when the time limit passed
    bool success() const { return exited && exit_status == 0; }
    std::string text() const;  // "exit status 0", "killed by signal 9", "timed out after the limit"
};

// Throws Error if the command cannot be started at all.
CommandResult run_shell_command(const std::string& command, const std::string& input, Seconds timeout);

}  // namespace zs::keymgr
