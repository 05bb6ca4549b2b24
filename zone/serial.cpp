#include "zone/serial.hpp"

#include <ctime>

namespace zs::zone {

bool serial_less(std::uint32_t a, std::uint32_t b) {
    return a != b && static_cast<std::uint32_t>(b - a) < 0x80000000u;
}

static std::uint32_t later_of(std::uint32_t a, std::uint32_t b) { return serial_less(a, b) ? b : a; }

std::optional<std::uint32_t> next_serial(SerialPolicy policy, std::uint32_t input,
                                         std::optional<std::uint32_t> previous, UnixTime now) {
    std::uint32_t candidate = input;
    switch (policy) {
        case SerialPolicy::Keep:
            candidate = input;
            break;
        case SerialPolicy::Increment:
            candidate = (previous ? later_of(input, *previous) : input) + 1;
            break;
        case SerialPolicy::UnixTime:
            candidate = static_cast<std::uint32_t>(now);
            if (previous && !serial_less(*previous, candidate)) candidate = *previous + 1;
            break;
        case SerialPolicy::DateCounter: {
            std::time_t t = static_cast<std::time_t>(now);
            std::tm tm{};
            gmtime_r(&t, &tm);
            std::uint32_t today = static_cast<std::uint32_t>((tm.tm_year + 1900) * 1000000u +
                                                             (tm.tm_mon + 1) * 10000u + tm.tm_mday * 100u);
            candidate = today;
            std::uint32_t floor = previous ? later_of(input, *previous) : input;
            if (!serial_less(floor, candidate)) candidate = floor + 1;
            break;
        }
    }
    if (previous && !serial_less(*previous, candidate)) return std::nullopt;
    return candidate;
}

}  // namespace zs::zone
