#include "keymgr/crash_point.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace zs::keymgr {

namespace {

// The N of ZONESIGNER_TEST_CRASH_AT, or 0 when unset or not a number.
long crash_at() {
    static const long value = [] {
        const char* text = std::getenv("ZONESIGNER_TEST_CRASH_AT");
        if (!text || !*text) return 0L;
        char* end = nullptr;
        long n = std::strtol(text, &end, 10);
        return (*end == '\0' && n > 0) ? n : 0L;
    }();
    return value;
}

std::atomic<long> commits{0};

}  // namespace

void crash_point_after_commit() {
    const long at = crash_at();
    if (at == 0) return;
    if (++commits == at) {
        // SIGKILL: no destructors, no flushing, no atexit; as abrupt as a
        // power cut is for the process (the committed data is on disk).
        ::kill(::getpid(), SIGKILL);
        ::pause();
    }
}

}  // namespace zs::keymgr
