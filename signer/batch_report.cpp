#include "signer/batch_report.hpp"

#include <algorithm>
#include <cstdio>

namespace zs::signer {

namespace {

struct Metric {
    const char* name;
    const char* type;
    const char* help;
};

void header(std::string& out, const Metric& m) {
    out += std::string("# HELP ") + m.name + " " + m.help + "\n";
    out += std::string("# TYPE ") + m.name + " " + m.type + "\n";
}

std::string number(double value) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3f", value);
    std::string s = text;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

const char* status_word(CheckStatus s) {
    switch (s) {
        case CheckStatus::Ok: return "OK";
        case CheckStatus::Warning: return "WARNING";
        case CheckStatus::Critical: return "CRITICAL";
        case CheckStatus::Unknown: break;
    }
    return "UNKNOWN";
}

}  // namespace

std::string metrics_label(const std::string& value) {
    std::string text;
    for (char c : value) {
        if (c == '\\') text += "\\\\";
        else if (c == '"') text += "\\\"";
        else if (c == '\n') text += "\\n";
        else text += c;
    }
    return text;
}

std::string metrics_text(const std::vector<ZoneReport>& zones, UnixTime now, double run_seconds) {
    std::string out;
    // One family at a time, as the format requires.
    auto family = [&](const Metric& m, auto value_of) {
        bool any = false;
        for (const auto& z : zones) {
            const std::optional<double> value = value_of(z);
            if (!value) continue;
            if (!any) header(out, m);
            any = true;
            out += std::string(m.name) + "{zone=\"" + metrics_label(z.zone) + "\"} " + number(*value) + "\n";
        }
    };
    using V = std::optional<double>;
    family({"zonesigner_runway_seconds", "gauge",
            "Seconds from the last run until the earliest signature expiration in the published output."},
           [&](const ZoneReport& z) -> V {
               if (!z.record || !z.record->runway_end) return std::nullopt;
               return static_cast<double>(*z.record->runway_end - now);
           });
    family({"zonesigner_signature_expiration_timestamp_seconds", "gauge",
            "Earliest signature expiration in the published output (unix time)."},
           [](const ZoneReport& z) -> V {
               if (!z.record || !z.record->runway_end) return std::nullopt;
               return static_cast<double>(*z.record->runway_end);
           });
    family({"zonesigner_last_success_timestamp_seconds", "gauge", "When the published output was signed (unix time)."},
           [](const ZoneReport& z) -> V {
               if (!z.record || !z.record->last_success) return std::nullopt;
               return static_cast<double>(*z.record->last_success);
           });
    family({"zonesigner_serial", "gauge", "SOA serial of the published output."}, [](const ZoneReport& z) -> V {
        if (!z.record || !z.record->serial) return std::nullopt;
        return static_cast<double>(*z.record->serial);
    });
    family({"zonesigner_next_key_event_timestamp_seconds", "gauge",
            "When the key manager can change the zone's keys next (unix time)."},
           [](const ZoneReport& z) -> V {
               if (!z.record || !z.record->next_key_event) return std::nullopt;
               return static_cast<double>(*z.record->next_key_event);
           });
    family({"zonesigner_zone_failures", "gauge", "1 if the zone's last run failed, else 0."},
           [](const ZoneReport& z) -> V { return z.record && !z.record->last_error.empty() ? 1.0 : 0.0; });
    family({"zonesigner_signatures_made_total", "counter", "Signatures made for the zone over all runs."},
           [](const ZoneReport& z) -> V {
               return static_cast<double>(z.record ? z.record->signatures_made_total : 0);
           });
    family({"zonesigner_signatures_reused_total", "counter",
            "Signatures carried over unchanged from the previous output over all runs."},
           [](const ZoneReport& z) -> V {
               return static_cast<double>(z.record ? z.record->signatures_reused_total : 0);
           });
    family({"zonesigner_sign_duration_seconds", "gauge", "How long the zone's last signing took."},
           [](const ZoneReport& z) -> V {
               if (!z.record || !z.record->last_success) return std::nullopt;
               return z.record->sign_seconds;
           });
    header(out, {"zonesigner_run_duration_seconds", "gauge", "How long the last zonesigner run took."});
    out += "zonesigner_run_duration_seconds " + number(run_seconds) + "\n";
    header(out, {"zonesigner_last_run_timestamp_seconds", "gauge", "When the last zonesigner run started (unix time)."});
    out += "zonesigner_last_run_timestamp_seconds " + std::to_string(now) + "\n";
    return out;
}

std::string format_runway(Seconds runway) {
    if (runway < 0) return "expired " + format_runway(-runway) + " ago";
    const Seconds days = runway / 86400, hours = runway % 86400 / 3600, minutes = runway % 3600 / 60;
    if (days > 0) return std::to_string(days) + "d" + (hours ? " " + std::to_string(hours) + "h" : "");
    if (hours > 0) return std::to_string(hours) + "h" + (minutes ? " " + std::to_string(minutes) + "m" : "");
    if (minutes > 0) return std::to_string(minutes) + "m";
    return std::to_string(runway) + "s";
}

CheckResult check_zones(const std::vector<ZoneReport>& zones, UnixTime now, Seconds warn, Seconds crit) {
    CheckResult result;
    if (zones.empty()) {
        result.text = "ZONESIGNER UNKNOWN - no zones configured\n";
        return result;
    }
    CheckStatus worst = CheckStatus::Ok;
    std::vector<std::string> problems, lines;
    std::string perfdata;
    const ZoneReport* shortest = nullptr;
    Seconds shortest_runway = 0;
    for (const auto& z : zones) {
        const RunRecord* r = z.record ? &*z.record : nullptr;
        const bool failed = r && !r->last_error.empty();
        const bool signed_once = r && r->last_success && r->runway_end;
        CheckStatus status = CheckStatus::Ok;
        std::string what;
        if (!signed_once) {
            status = failed ? CheckStatus::Critical : CheckStatus::Warning;
            what = failed ? "never signed, last run failed: " + r->last_error : "never signed";
        } else {
            const Seconds runway = *r->runway_end - now;
            if (!shortest || runway < shortest_runway) {
                shortest = &z;
                shortest_runway = runway;
            }
            perfdata += " '" + z.zone + "'=" + std::to_string(runway) + "s;" + std::to_string(warn) + ";" +
                        std::to_string(crit);
            what = "runway " + format_runway(runway);
            if (runway < crit) {
                status = CheckStatus::Critical;
                what += " (below " + format_duration(crit) + ")";
            } else if (runway < warn) {
                status = failed ? CheckStatus::Critical : CheckStatus::Warning;
                what += " (below " + format_duration(warn) + ")";
            } else if (failed) {
                status = CheckStatus::Warning;
            }
            if (failed) what += ", last run failed: " + r->last_error;
        }
        // Only the first line of a long error goes into the summary.
        std::string summary = z.zone + ": " + what.substr(0, what.find('\n'));
        if (status != CheckStatus::Ok) problems.push_back(summary);
        lines.push_back(std::string(status_word(status)) + " " + summary);
        worst = std::max(worst, status);
    }
    result.status = worst;
    std::string first = std::string("ZONESIGNER ") + status_word(worst) + " - ";
    for (const auto& p : problems) first += p + "; ";
    first += std::to_string(zones.size()) + (zones.size() == 1 ? " zone" : " zones");
    if (shortest) first += ", shortest runway " + format_runway(shortest_runway) + " (" + shortest->zone + ")";
    if (!perfdata.empty()) first += " |" + perfdata;
    result.text = first + "\n";
    for (const auto& l : lines) result.text += l + "\n";
    return result;
}

}  // namespace zs::signer
