// The fingerprints and scans `zonesigner run` decides with: $INCLUDE
// arguments, the input content hash over included files, the policy hash,
// the key plan fingerprint, and RRSIG expirations in a signed output.
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "signer/content_hash.hpp"
#include "signer/key_probe.hpp"
#include "signer/output_scan.hpp"

namespace zs::signer {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "zs-batch-scan-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() { fs::remove_all(path_); }
    std::string write(const std::string& name, const std::string& text) const {
        const std::string file = path_ + "/" + name;
        fs::create_directories(fs::path(file).parent_path());
        std::ofstream(file) << text;
        return file;
    }

private:
    std::string path_;
};

TEST(BatchIncludeScan, ArgumentsOfIncludeDirectives) {
    const std::string text =
        "$ORIGIN example.\n"
        "$INCLUDE hosts.inc\n"
        "$include \"with space.inc\" sub.example. ; comment\n"
        "www IN TXT \"$INCLUDE not.a.directive\"\n"
        "  $INCLUDE indented.is.not.a.directive\n"
        "$INCLUDEX nothing\n"
        "$INCLUDE /abs/path.inc\r\n";
    EXPECT_EQ(include_arguments(text), (std::vector<std::string>{"hosts.inc", "with space.inc", "/abs/path.inc"}));
}

TEST(BatchInputHash, CoversIncludedFilesRecursively) {
    TempDir dir;
    const std::string main = dir.write("zone", "$INCLUDE sub/a.inc\n@ IN SOA a b 1 2 3 4 5\n");
    dir.write("sub/a.inc", "$INCLUDE b.inc\nx IN A 192.0.2.1\n");
    dir.write("sub/b.inc", "y IN A 192.0.2.2\n");
    const std::string first = input_content_hash(main);
    EXPECT_EQ(first.size(), 64u);
    EXPECT_EQ(input_content_hash(main), first) << "stable";
    dir.write("sub/b.inc", "y IN A 192.0.2.3\n");  // nested include, relative to its parent's directory
    const std::string second = input_content_hash(main);
    EXPECT_NE(second, first);
    fs::remove(fs::path(main).parent_path() / "sub/b.inc");
    const std::string missing = input_content_hash(main);  // the signing run reports the missing file
    EXPECT_NE(missing, second);
    dir.write("zone", "$INCLUDE sub/a.inc\n@ IN SOA a b 2 2 3 4 5\n");
    EXPECT_NE(input_content_hash(main), missing);
}

TEST(BatchInputHash, IncludeCyclesEnd) {
    TempDir dir;
    const std::string main = dir.write("zone", "$INCLUDE zone\n");
    EXPECT_EQ(input_content_hash(main).size(), 64u);
}

TEST(BatchInputHash, MissingInputNamesThePath) {
    try {
        input_content_hash("/nonexistent/zone.file");
        FAIL();
    } catch (const SystemError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/zone.file"), std::string::npos) << e.what();
    }
}

TEST(BatchPolicyHash, ChangesWithSettingsNotWithPlaces) {
    policy::Policy p = policy::default_policy();
    const std::string base = policy_content_hash(p);
    policy::Policy moved = p;
    moved.place = {"/elsewhere.yaml", 3, 1};
    EXPECT_EQ(policy_content_hash(moved), base);
    policy::Policy refresh = p;
    refresh.refresh += 3600;
    EXPECT_NE(policy_content_hash(refresh), base);
    policy::Policy serial = p;
    serial.serial = policy::SerialMode::UnixTime;
    EXPECT_NE(policy_content_hash(serial), base);
}

TEST(BatchKeyPlan, FingerprintNamesSetsInAStableOrder) {
    keymgr::KeyRecord ksk, zsk;
    ksk.id = 1;
    ksk.key_tag = 111;
    ksk.flags = 257;
    zsk.id = 2;
    zsk.key_tag = 222;
    zsk.flags = 256;
    ZoneKeySets sets;
    sets.dnskey = {zsk, ksk};
    sets.signing = {{zsk, false, true}, {ksk, true, false}};
    sets.ds = {ksk};
    EXPECT_EQ(key_plan_fingerprint(sets), "dnskey 1:111:257 2:222:256; sign 1:dnskey 2:zone; cds; ds 1");
    sets.cds = {ksk};
    EXPECT_EQ(key_plan_fingerprint(sets), "dnskey 1:111:257 2:222:256; sign 1:dnskey 2:zone; cds 1; ds 1");
}

TEST(BatchOutputScan, RrsigExpirationOfOneLine) {
    EXPECT_EQ(rrsig_expiration("example.\t3600\tIN\tRRSIG\tSOA 13 1 3600 20240115000000 20231231230000 12345 "
                               "example. AAAA"),
              parse_time("20240115000000"));
    EXPECT_EQ(rrsig_expiration("www 300 RRSIG A 13 2 300 1705276800 1704067200 1 example. AA"), 1705276800);
    EXPECT_FALSE(rrsig_expiration("example.\t3600\tIN\tNSEC\twww.example. A NS SOA RRSIG NSEC DNSKEY").has_value());
    EXPECT_FALSE(rrsig_expiration("; RRSIG comment").has_value());
    EXPECT_FALSE(rrsig_expiration("example. 3600 IN RRSIG SOA 13").has_value());
}

TEST(BatchOutputScan, EarliestInAFile) {
    TempDir dir;
    const std::string file = dir.write(
        "signed",
        "; header\n"
        "example.\t3600\tIN\tSOA\tns. host. 1 2 3 4 5\n"
        "example.\t3600\tIN\tRRSIG\tSOA 13 1 3600 20240115000000 20231231230000 1 example. AA\n"
        "example.\t3600\tIN\tNSEC\twww.example. SOA RRSIG NSEC\n"
        "example.\t3600\tIN\tRRSIG\tNSEC 13 1 3600 20240114120000 20231231230000 1 example. AA\n"
        "www.example.\t3600\tIN\tRRSIG\tA 13 2 3600 20240116000000 20231231230000 1 example. AA");
    EXPECT_EQ(earliest_rrsig_expiration(file), parse_time("20240114120000"));
    EXPECT_FALSE(earliest_rrsig_expiration(dir.write("unsigned", "example. 3600 IN A 192.0.2.1\n")).has_value());
    EXPECT_THROW(earliest_rrsig_expiration("/nonexistent/signed"), SystemError);
}

}  // namespace
}  // namespace zs::signer
