// Times and durations as the CLI and policies write them.
// Times: "YYYYMMDDHHMMSS" (UTC) or unix seconds. Durations: "30d", "12h", "90m",
// "45s", "2w", "3600" (seconds), or combinations like "1d12h".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zs {

using UnixTime = std::int64_t;
using Seconds = std::int64_t;

std::optional<UnixTime> parse_time(std::string_view text);
std::optional<Seconds> parse_duration(std::string_view text);

// "YYYYMMDDHHMMSS" in UTC, as RRSIG presentation format uses.
std::string format_time(UnixTime t);
// ISO 8601 "YYYY-MM-DDTHH:MM:SSZ", for logs and JSON.
std::string format_iso8601(UnixTime t);
// Shortest exact form: "14d", "1h", "90m", "3600s" -> "1h".
std::string format_duration(Seconds s);

UnixTime now_unix();

}  // namespace zs
