#include "common/test_stop_point.hpp"

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace zs {

namespace {

struct StopRequest {
    std::string point;   // empty: no stop requested
    std::string suffix;  // empty: any file (or none)
};

const StopRequest& requested() {
    static const StopRequest request = [] {
        StopRequest r;
        const char* text = std::getenv("ZONESIGNER_TEST_STOP_AT");
        if (!text) return r;
        const std::string value = text;
        const auto colon = value.find(':');
        r.point = value.substr(0, colon);
        if (colon != std::string::npos) r.suffix = value.substr(colon + 1);
        return r;
    }();
    return request;
}

std::atomic<bool> stopped{false};

}  // namespace

void test_stop_point(std::string_view point, std::string_view file) {
    const StopRequest& r = requested();
    if (r.point.empty() || point != r.point) return;
    if (!r.suffix.empty() &&
        (file.size() < r.suffix.size() || file.substr(file.size() - r.suffix.size()) != r.suffix))
        return;
    // Once per process: a test that lets the run go on expects it to finish.
    if (stopped.exchange(true)) return;
    ::raise(SIGSTOP);
}

}  // namespace zs
