// Monitoring output from run records: the Prometheus metrics text and the
// Nagios check verdict (which zone decides, the thresholds' edges, failed
// and never-signed zones, the summary line).
#include "signer/batch_report.hpp"

#include <gtest/gtest.h>

namespace zs::signer {
namespace {

constexpr UnixTime kNow = 1700000000;
constexpr Seconds kDay = 86400, kHour = 3600;

ZoneReport signed_zone(const std::string& name, Seconds runway, const std::string& error = "") {
    RunRecord r;
    r.zone = name;
    r.last_attempt = kNow - 60;
    r.last_success = kNow - kDay;
    r.serial = 42;
    r.runway_end = kNow + runway;
    r.next_key_event = kNow + 30 * kDay;
    r.signatures = 10;
    r.sign_seconds = 0.5;
    r.signatures_made_total = 30;
    r.last_error = error;
    return {name, r};
}

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(BatchMetrics, PerZoneFamiliesAndRunGauges) {
    const std::vector<ZoneReport> zones = {signed_zone("example.com.", 9 * kDay),
                                           signed_zone("example.org.", 2 * kDay, "disk full"),
                                           {"new.example.", std::nullopt}};
    const std::string text = metrics_text(zones, kNow, 1.5);
    EXPECT_TRUE(has_line(text, "# TYPE zonesigner_runway_seconds gauge")) << text;
    EXPECT_TRUE(has_line(text, "zonesigner_runway_seconds{zone=\"example.com.\"} 777600")) << text;
    EXPECT_TRUE(has_line(text, "zonesigner_runway_seconds{zone=\"example.org.\"} 172800")) << text;
    EXPECT_EQ(text.find("zonesigner_runway_seconds{zone=\"new.example.\"}"), std::string::npos)
        << "no runway for a zone never signed";
    EXPECT_TRUE(has_line(text, "zonesigner_last_success_timestamp_seconds{zone=\"example.com.\"} 1699913600"));
    EXPECT_TRUE(has_line(text, "zonesigner_zone_failures{zone=\"example.com.\"} 0"));
    EXPECT_TRUE(has_line(text, "zonesigner_zone_failures{zone=\"example.org.\"} 1"));
    EXPECT_TRUE(has_line(text, "zonesigner_zone_failures{zone=\"new.example.\"} 0"));
    EXPECT_TRUE(has_line(text, "# TYPE zonesigner_signatures_made_total counter"));
    EXPECT_TRUE(has_line(text, "zonesigner_signatures_made_total{zone=\"example.com.\"} 30"));
    EXPECT_TRUE(has_line(text, "zonesigner_signatures_reused_total{zone=\"example.com.\"} 0"));
    EXPECT_TRUE(has_line(text, "zonesigner_sign_duration_seconds{zone=\"example.com.\"} 0.5"));
    EXPECT_TRUE(has_line(text, "zonesigner_run_duration_seconds 1.5"));
    EXPECT_TRUE(has_line(text, "zonesigner_last_run_timestamp_seconds 1700000000"));
    // Each family's HELP and TYPE appear once, before its samples.
    EXPECT_EQ(text.find("# TYPE zonesigner_runway_seconds"), text.rfind("# TYPE zonesigner_runway_seconds"));
    EXPECT_LT(text.find("# TYPE zonesigner_runway_seconds"), text.find("zonesigner_runway_seconds{"));
    EXPECT_EQ(text.back(), '\n');
}

TEST(BatchMetrics, LabelValuesAreEscaped) {
    EXPECT_EQ(metrics_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(BatchRunwayText, Units) {
    EXPECT_EQ(format_runway(9 * kDay + 4 * kHour + 59), "9d 4h");
    EXPECT_EQ(format_runway(3 * kDay), "3d");
    EXPECT_EQ(format_runway(5 * kHour + 30 * 60), "5h 30m");
    EXPECT_EQ(format_runway(12 * 60), "12m");
    EXPECT_EQ(format_runway(45), "45s");
    EXPECT_EQ(format_runway(-2 * kHour), "expired 2h ago");
}

CheckStatus status_of(const std::vector<ZoneReport>& zones) { return check_zones(zones, kNow, 3 * kDay, kDay).status; }

TEST(BatchNagiosCheck, OkWithSummaryLineAndPerfdata) {
    const CheckResult r = check_zones({signed_zone("example.com.", 9 * kDay + 4 * kHour),
                                       signed_zone("example.org.", 12 * kDay),
                                       signed_zone("example.net.", 10 * kDay)},
                                      kNow, 3 * kDay, kDay);
    EXPECT_EQ(r.status, CheckStatus::Ok);
    const std::string first = r.text.substr(0, r.text.find('\n'));
    EXPECT_EQ(first.rfind("ZONESIGNER OK - 3 zones, shortest runway 9d 4h (example.com.) |", 0), 0u) << first;
    EXPECT_NE(first.find("'example.com.'=792000s;259200;86400"), std::string::npos) << first;
}

TEST(BatchNagiosCheck, ThresholdEdges) {
    EXPECT_EQ(status_of({signed_zone("a.", 3 * kDay)}), CheckStatus::Ok);
    EXPECT_EQ(status_of({signed_zone("a.", 3 * kDay - 1)}), CheckStatus::Warning);
    EXPECT_EQ(status_of({signed_zone("a.", kDay)}), CheckStatus::Warning);
    EXPECT_EQ(status_of({signed_zone("a.", kDay - 1)}), CheckStatus::Critical);
    EXPECT_EQ(status_of({signed_zone("a.", -kHour)}), CheckStatus::Critical);
}

TEST(BatchNagiosCheck, TheWorstZoneDecides) {
    EXPECT_EQ(status_of({signed_zone("a.", 9 * kDay), signed_zone("b.", 2 * kDay)}), CheckStatus::Warning);
    EXPECT_EQ(status_of({signed_zone("a.", 2 * kDay), signed_zone("b.", kHour), signed_zone("c.", 9 * kDay)}),
              CheckStatus::Critical);
    const CheckResult r = check_zones({signed_zone("a.", 9 * kDay), signed_zone("b.", kHour)}, kNow, 3 * kDay, kDay);
    EXPECT_EQ(r.text.rfind("ZONESIGNER CRITICAL - b.: runway 1h (below 1d); 2 zones, shortest runway 1h (b.)", 0), 0u)
        << r.text;
    EXPECT_NE(r.text.find("\nOK a.: runway 9d\n"), std::string::npos) << r.text;
    EXPECT_NE(r.text.find("\nCRITICAL b.: runway 1h (below 1d)\n"), std::string::npos) << r.text;
}

TEST(BatchNagiosCheck, FailedRuns) {
    // Failed, runway still long: a warning; failed and below warn: critical.
    EXPECT_EQ(status_of({signed_zone("a.", 9 * kDay, "disk full")}), CheckStatus::Warning);
    EXPECT_EQ(status_of({signed_zone("a.", 2 * kDay, "disk full")}), CheckStatus::Critical);
    const CheckResult r = check_zones({signed_zone("a.", 9 * kDay, "disk full\nsecond line")}, kNow, 3 * kDay, kDay);
    EXPECT_NE(r.text.find("a.: runway 9d, last run failed: disk full;"), std::string::npos) << r.text;
    EXPECT_EQ(r.text.find("second line"), std::string::npos) << "only the first line of an error";
}

TEST(BatchNagiosCheck, NeverSignedZones) {
    EXPECT_EQ(status_of({{"a.", std::nullopt}}), CheckStatus::Warning);
    RunRecord failed;
    failed.zone = "a.";
    failed.last_attempt = kNow;
    failed.last_error = "a.zone:3: bad TTL";
    EXPECT_EQ(status_of({{"a.", failed}}), CheckStatus::Critical);
}

TEST(BatchNagiosCheck, NoZonesIsUnknown) {
    const CheckResult r = check_zones({}, kNow, 3 * kDay, kDay);
    EXPECT_EQ(r.status, CheckStatus::Unknown);
    EXPECT_EQ(r.text, "ZONESIGNER UNKNOWN - no zones configured\n");
}

}  // namespace
}  // namespace zs::signer
