#include "common/time_format.hpp"

#include <cctype>
#include <chrono>
#include <ctime>

namespace zs {

static bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

static std::int64_t to_int(std::string_view s) {
    std::int64_t v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
static std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<UnixTime> parse_time(std::string_view text) {
    if (!all_digits(text)) return std::nullopt;
    if (text.size() == 14) {
        std::int64_t y = to_int(text.substr(0, 4));
        unsigned mo = static_cast<unsigned>(to_int(text.substr(4, 2)));
        unsigned d = static_cast<unsigned>(to_int(text.substr(6, 2)));
        unsigned h = static_cast<unsigned>(to_int(text.substr(8, 2)));
        unsigned mi = static_cast<unsigned>(to_int(text.substr(10, 2)));
        unsigned s = static_cast<unsigned>(to_int(text.substr(12, 2)));
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
        return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    }
    if (text.size() > 12) return std::nullopt;
    return to_int(text);
}

std::optional<Seconds> parse_duration(std::string_view text) {
    if (text.empty()) return std::nullopt;
    if (all_digits(text)) {
        if (text.size() > 12) return std::nullopt;
        return to_int(text);
    }
    Seconds total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t start = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        if (i == start || i == text.size() || i - start > 12) return std::nullopt;
        std::int64_t n = to_int(text.substr(start, i - start));
        char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i++])));
        switch (unit) {
            case 's': total += n; break;
            case 'm': total += n * 60; break;
            case 'h': total += n * 3600; break;
            case 'd': total += n * 86400; break;
            case 'w': total += n * 7 * 86400; break;
            default: return std::nullopt;
        }
    }
    return total;
}

std::string format_time(UnixTime t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
    return buf;
}

std::string format_iso8601(UnixTime t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string format_duration(Seconds s) {
    if (s != 0 && s % (7 * 86400) == 0) return std::to_string(s / (7 * 86400)) + "w";
    if (s != 0 && s % 86400 == 0) return std::to_string(s / 86400) + "d";
    if (s != 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
    if (s != 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
    return std::to_string(s) + "s";
}

UnixTime now_unix() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace zs
