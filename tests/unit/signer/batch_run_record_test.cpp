// The per-zone run record: every field survives a write and a read, text
// with newlines and backslashes too; unknown keys are ignored; malformed
// lines name FILE:LINE; zone names map to safe file names.
#include "signer/run_record.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace zs::signer {
namespace {

namespace fs = std::filesystem;

RunRecord full_record() {
    RunRecord r;
    r.zone = "example.com.";
    r.last_attempt = 1700000100;
    r.last_success = 1700000000;
    r.serial = 4294967295u;
    r.output = "/srv/zones/example.com.signed";
    r.input_hash = "0123456789abcdef";
    r.policy = "standard";
    r.policy_hash = "fedcba";
    r.key_plan = "dnskey 1:111:257; sign 1:both; cds; ds 1";
    r.runway_end = 1701000000;
    r.next_key_event = 1702000000;
    r.signatures = 1234;
    r.sign_seconds = 1.25;
    r.signatures_made_total = 99999;
    r.signatures_reused_total = 7;
    r.last_error = "first line\nsecond \\ line";
    r.last_error_time = 1700000100;
    return r;
}

void expect_same(const RunRecord& a, const RunRecord& b) {
    EXPECT_EQ(a.zone, b.zone);
    EXPECT_EQ(a.last_attempt, b.last_attempt);
    EXPECT_EQ(a.last_success, b.last_success);
    EXPECT_EQ(a.serial, b.serial);
    EXPECT_EQ(a.output, b.output);
    EXPECT_EQ(a.input_hash, b.input_hash);
    EXPECT_EQ(a.policy, b.policy);
    EXPECT_EQ(a.policy_hash, b.policy_hash);
    EXPECT_EQ(a.key_plan, b.key_plan);
    EXPECT_EQ(a.runway_end, b.runway_end);
    EXPECT_EQ(a.next_key_event, b.next_key_event);
    EXPECT_EQ(a.signatures, b.signatures);
    EXPECT_DOUBLE_EQ(a.sign_seconds, b.sign_seconds);
    EXPECT_EQ(a.signatures_made_total, b.signatures_made_total);
    EXPECT_EQ(a.signatures_reused_total, b.signatures_reused_total);
    EXPECT_EQ(a.last_error, b.last_error);
    EXPECT_EQ(a.last_error_time, b.last_error_time);
}

TEST(BatchRunRecord, RoundTripsEveryField) {
    const RunRecord r = full_record();
    const std::string text = format_run_record(r);
    EXPECT_NE(text.find("last_error=first line\\nsecond \\\\ line\n"), std::string::npos) << text;
    expect_same(parse_run_record(text, "rec"), r);
}

TEST(BatchRunRecord, EmptyRecordRoundTripsWithUnsetFields) {
    RunRecord r;
    r.zone = "example.org.";
    const RunRecord back = parse_run_record(format_run_record(r), "rec");
    expect_same(back, r);
    EXPECT_FALSE(back.last_success.has_value());
    EXPECT_FALSE(back.serial.has_value());
}

TEST(BatchRunRecord, IgnoresUnknownKeysAndComments) {
    const RunRecord r = parse_run_record("# comment\nzone=a.\nfuture_field=whatever\nserial=7\n", "rec");
    EXPECT_EQ(r.zone, "a.");
    EXPECT_EQ(r.serial, 7u);
}

TEST(BatchRunRecord, MalformedLinesNameFileAndLine) {
    try {
        parse_run_record("zone=a.\nserial=seven\n", "/state/zones/a.run");
        FAIL() << "accepted a bad serial";
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), "/state/zones/a.run");
        EXPECT_EQ(e.line(), 2u);
        EXPECT_NE(std::string(e.what()).find("serial"), std::string::npos);
    }
    EXPECT_THROW(parse_run_record("zone=a.\nno equals sign\n", "f"), InputError);
    EXPECT_THROW(parse_run_record("serial=4294967296\n", "f"), InputError);
    EXPECT_THROW(parse_run_record("last_success=-5\n", "f"), InputError);
}

TEST(BatchRunRecord, FileNamesAreSafe) {
    EXPECT_EQ(run_record_path("/s", "example.com."), "/s/zones/example.com.run");
    EXPECT_EQ(run_record_path("/s", "."), "/s/zones/.run");
    EXPECT_EQ(run_record_path("/s", "a/b.example."), "/s/zones/a%2Fb.example.run");
}

TEST(BatchRunRecord, WriteAndReadInStateDirectory) {
    std::string pattern = (fs::temp_directory_path() / "zs-run-record-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    const std::string root = pattern;
    EXPECT_FALSE(read_run_record(root, "example.com.").has_value());
    const RunRecord r = full_record();
    write_run_record(root, r);
    struct stat st {};
    ASSERT_EQ(::stat((root + "/zones/example.com.run").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const auto back = read_run_record(root, "example.com.");
    ASSERT_TRUE(back.has_value());
    expect_same(*back, r);
    fs::remove_all(root);
}

}  // namespace
}  // namespace zs::signer
