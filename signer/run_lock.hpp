// One `zonesigner run` at a time per state directory: an exclusive flock on
// STATE_DIR/run.lock, held for the whole run. The kernel releases it when
// the process ends however it ends, so a killed run never blocks the next;
// the holder's pid is written into the file for the message of the run that
// finds it taken.
#pragma once

#include <string>

#include "signer/unique_fd.hpp"

namespace zs::signer {

class RunLock {
public:
    // wait: block until the lock is free; else throw Error "another run holds
    // the lock PATH (pid N)" at once.
    RunLock(const std::string& path, bool wait);
    const std::string& path() const { return path_; }

private:
    std::string path_;
    UniqueFd fd_;
};

}  // namespace zs::signer
