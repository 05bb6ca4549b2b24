// A zone's notify command (`notify:` in the configuration, e.g.
// "nsd-control reload %zone"), run with /bin/sh -c after a new output is in
// place. Its output is captured, not shown: cron mails whatever a run
// prints, and a reload that works says nothing worth reading. On failure
// the caller reports the captured output.
#pragma once

#include <string>

#include "common/time_format.hpp"

namespace zs::signer {

struct NotifyResult {
    bool success = false;  // exited with status 0 within the time limit
    std::string outcome;   // "exit status 3", "killed by signal 9", "timed out after 60s"
    std::string output;    // standard output and error, the last 4 KiB
};

// Standard input is /dev/null; the command runs in a process group of its
// own, killed whole when the time limit passes. Throws Error if it cannot be
// started at all.
NotifyResult run_notify_command(const std::string& command, Seconds timeout);

}  // namespace zs::signer
