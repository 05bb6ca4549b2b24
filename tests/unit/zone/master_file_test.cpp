#include "zone/master_file.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "zone/master_lexer.hpp"
#include "zone/name.hpp"
#include "zone/rdata_parser.hpp"
#include "zone/rr_text.hpp"
#include "zone/rr_type.hpp"

namespace zs::zone {
namespace {

namespace fs = std::filesystem;

Wire name(const std::string& text) { return name_from_text(text, Wire(1, '\0')); }

MasterFileOptions options_for(const std::string& origin = "example.com.") {
    MasterFileOptions options;
    options.origin = name(origin);
    return options;
}

MasterFile read(const std::string& text, MasterFileOptions options = options_for()) {
    return read_master_text(text, "test.zone", options);
}

std::string hex(const Wire& wire) { return to_hex(wire); }

// The error a text produces, as "LINE: message".
std::string error_of(const std::string& text, MasterFileOptions options = options_for()) {
    try {
        read(text, options);
    } catch (const InputError& e) {
        return std::to_string(e.line()) + ": " + e.message();
    }
    return "no error";
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "zs-master-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() { fs::remove_all(path_); }
    fs::path path() const { return path_; }
    void write(const std::string& file, const std::string& text) const { std::ofstream(path_ / file) << text; }

private:
    fs::path path_;
};

TEST(MasterFile, DirectivesRelativeNamesAndOwnerInheritance) {
    auto zone = read(
        "$TTL 300\n"
        "@ IN SOA ns1 hostmaster.example.com. 1 7200 3600 1209600 60\n"
        "  IN NS ns1\n"
        "www 60 IN A 192.0.2.1\n"
        "    IN 120 AAAA 2001:db8::1\n"  // class before TTL, blank owner
        "$ORIGIN sub.example.com.\n"
        "host A 192.0.2.2\n"
        "abs.example.org. CLASS1 A 192.0.2.3\n");
    ASSERT_EQ(zone.records.size(), 6u);
    EXPECT_EQ(zone.records[0].owner, name("example.com."));
    EXPECT_EQ(zone.records[0].type, rrtype::SOA);
    EXPECT_EQ(zone.records[0].ttl, 300u);
    EXPECT_EQ(zone.records[1].owner, name("example.com."));
    EXPECT_EQ(zone.records[1].rdata, name("ns1.example.com."));
    EXPECT_EQ(zone.records[2].owner, name("www.example.com."));
    EXPECT_EQ(zone.records[2].ttl, 60u);
    EXPECT_EQ(zone.records[3].owner, name("www.example.com."));
    EXPECT_EQ(zone.records[3].type, rrtype::AAAA);
    EXPECT_EQ(zone.records[3].ttl, 120u);
    EXPECT_EQ(zone.records[4].owner, name("host.sub.example.com."));
    EXPECT_EQ(zone.records[4].ttl, 300u);
    EXPECT_EQ(zone.records[5].owner, name("abs.example.org."));
    EXPECT_EQ(zone.records[5].rclass, class_IN);
    EXPECT_EQ(zone.records[4].line, 7u);
    EXPECT_EQ(zone.files, std::vector<std::string>{"test.zone"});
}

TEST(MasterFile, TtlUnitsAndDefaults) {
    auto zone = read(
        "$TTL 1h30m\n"
        "a A 192.0.2.1\n"
        "b 1w A 192.0.2.1\n"
        "c 2D A 192.0.2.1\n"
        "d 0 A 192.0.2.1\n"
        "e 2147483647 A 192.0.2.1\n");
    ASSERT_EQ(zone.records.size(), 5u);
    EXPECT_EQ(zone.records[0].ttl, 5400u);
    EXPECT_EQ(zone.records[1].ttl, 604800u);
    EXPECT_EQ(zone.records[2].ttl, 172800u);
    EXPECT_EQ(zone.records[3].ttl, 0u);
    EXPECT_EQ(zone.records[4].ttl, 2147483647u);
    EXPECT_EQ(error_of("a 2147483648 A 192.0.2.1\n"), "1: TTL 2147483648 out of range (0..2147483647)");
}

TEST(MasterFile, TtlDefaultWithoutDollarTtl) {
    auto options = options_for();
    options.default_ttl = 999;
    // Before any TTL: options.default_ttl; SOA without TTL: its MINIMUM; then
    // the last explicit TTL (RFC 1035 §5.1); $TTL overrides all.
    auto zone = read(
        "early A 192.0.2.1\n"
        "@ SOA ns1 hostmaster 1 7200 3600 1209600 1h\n"
        "a A 192.0.2.1\n"
        "b 42 A 192.0.2.1\n"
        "c A 192.0.2.1\n"
        "$TTL 7\n"
        "d A 192.0.2.1\n",
        options);
    ASSERT_EQ(zone.records.size(), 6u);
    EXPECT_EQ(zone.records[0].ttl, 999u);
    EXPECT_EQ(zone.records[1].ttl, 3600u);
    EXPECT_EQ(zone.records[2].ttl, 3600u);
    EXPECT_EQ(zone.records[3].ttl, 42u);
    EXPECT_EQ(zone.records[4].ttl, 42u);
    EXPECT_EQ(zone.records[5].ttl, 7u);
}

TEST(MasterFile, ParenthesesAcrossLines) {
    auto zone = read(
        "; leading comment\n"
        "@ 3600 IN SOA ( ns1 ; primary\n"
        "   hostmaster ; (not a paren)\n"
        "   2024010101 ; serial\n"
        "   7200 3600\n"
        "   1209600 ) 300 ; closing before the last field\n"
        "   \n"
        "txt IN TXT ( \"a;b\" ; comment after a string with ';'\n"
        "  \"(c)\" )\n"
        "next IN A 192.0.2.1 ; trailing comment\n");
    ASSERT_EQ(zone.records.size(), 3u);
    EXPECT_EQ(zone.records[0].line, 2u);
    EXPECT_EQ(hex(zone.records[0].rdata),
              hex(name("ns1.example.com.") + name("hostmaster.example.com.")) + "78a3f17500001c2000000e1000127500" +
                  "0000012c");
    EXPECT_EQ(zone.records[1].line, 8u);
    EXPECT_EQ(zone.records[1].rdata, std::string("\x03" "a;b" "\x03" "(c)"));
    EXPECT_EQ(zone.records[2].line, 10u);
}

TEST(MasterFile, QuotedStringsAndEscapes) {
    auto zone = read(
        "t1 TXT \"a;b\" \"\\\"\" x\\065 \"\\\\\"\n"
        "t2 TXT \"\"\n"
        "t3 TXT ab\\ cd\n"
        "\\046dot\\.in\\032label TXT x\n");
    ASSERT_EQ(zone.records.size(), 4u);
    EXPECT_EQ(zone.records[0].rdata, std::string("\x03" "a;b" "\x01\"" "\x02xA" "\x01\\"));
    EXPECT_EQ(zone.records[1].rdata, std::string(1, '\0'));
    EXPECT_EQ(zone.records[2].rdata, std::string("\x05" "ab cd"));
    EXPECT_EQ(zone.records[3].owner, std::string("\x0d" ".dot.in label") + name("example.com."));
}

TEST(MasterFile, OwnersAndRdataNamesAreLowerCasedWhereRfc4034Says) {
    auto zone = read(
        "WWW.Example.COM. IN MX 10 Mail.EXAMPLE.com.\n"
        "Www NS NS1.Example.COM.\n"
        "Alias CNAME Target.Example.COM.\n"
        "_SIP._TCP SRV 1 2 5060 SIP.Example.COM.\n"
        "Naptr NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _SIP._UDP.Example.COM.\n"
        "@ SOA NS1.Example.COM. HostMaster.Example.COM. 1 2 3 4 5\n"
        "Sig RRSIG A 13 3 3600 20300101000000 20240101000000 12345 Example.COM. AAEC\n"
        "Txt TXT \"MiXeD Case\"\n"
        "Nsec NSEC Next.Example.COM. A RRSIG NSEC\n"
        "Hinfo HINFO \"CPU-X\" \"OS-Y\"\n");
    ASSERT_EQ(zone.records.size(), 10u);
    EXPECT_EQ(zone.records[0].owner, name("www.example.com."));
    EXPECT_EQ(zone.records[0].rdata, std::string("\x00\x0a", 2) + name("mail.example.com."));
    EXPECT_EQ(zone.records[1].owner, name("www.example.com."));
    EXPECT_EQ(zone.records[1].rdata, name("ns1.example.com."));
    EXPECT_EQ(zone.records[2].rdata, name("target.example.com."));
    EXPECT_EQ(zone.records[3].rdata.substr(6), name("sip.example.com."));
    EXPECT_NE(zone.records[4].rdata.find(name("_sip._udp.example.com.")), std::string::npos);
    EXPECT_EQ(zone.records[5].rdata.substr(0, 41), name("ns1.example.com.") + name("hostmaster.example.com."));
    EXPECT_NE(zone.records[6].rdata.find(name("example.com.")), std::string::npos);
    EXPECT_EQ(zone.records[7].rdata, std::string("\x0aMiXeD Case"));
    // RFC 6840 §5.1: NSEC's next name keeps its case.
    EXPECT_EQ(zone.records[8].rdata.substr(0, 18), name("Next.Example.COM."));
    EXPECT_EQ(zone.records[9].rdata, std::string("\x05" "CPU-X" "\x04" "OS-Y"));
}

TEST(MasterFile, Rfc3597UnknownTypesAndClasses) {
    auto zone = read(
        "u1 CLASS1 TYPE65280 \\# 4 0a000001\n"
        "u2 TYPE65280 \\# 0\n"
        "u3 TYPE1 \\# 4 C0000201\n"  // a known type in generic form
        "u4 A \\# 4 c0 00 02 01\n");
    ASSERT_EQ(zone.records.size(), 4u);
    EXPECT_EQ(zone.records[0].type, 65280);
    EXPECT_EQ(hex(zone.records[0].rdata), "0a000001");
    EXPECT_EQ(zone.records[1].rdata, "");
    EXPECT_EQ(zone.records[2].type, rrtype::A);
    EXPECT_EQ(hex(zone.records[2].rdata), "c0000201");
    EXPECT_EQ(hex(zone.records[3].rdata), "c0000201");
    // Round trip through the presentation format.
    std::string text;
    for (const auto& r : zone.records) append_rr_text(text, r.owner, r.type, r.rclass, r.ttl, r.rdata);
    EXPECT_NE(text.find("u1.example.com.\t3600\tIN\tTYPE65280\t\\# 4 0a000001\n"), std::string::npos);
    EXPECT_NE(text.find("u2.example.com.\t3600\tIN\tTYPE65280\t\\# 0\n"), std::string::npos);
    auto again = read(text);
    ASSERT_EQ(again.records.size(), zone.records.size());
    for (std::size_t i = 0; i < again.records.size(); ++i) EXPECT_EQ(again.records[i].rdata, zone.records[i].rdata);
}

TEST(MasterFile, ManyTypesParseAndRoundTrip) {
    const std::string text =
        "@ MX 10 mail\n"
        "_sip._tcp SRV 10 20 5060 sip\n"
        "@ TXT \"v=spf1 -all\" \"second\"\n"
        "@ CAA 0 issue \"letsencrypt.org\"\n"
        "@ CAA 0 iodef mailto:security@example.com\n"
        "_443._tcp TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
        "@ SSHFP 4 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
        "@ NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp\n"
        "@ LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m\n"
        "_svc SVCB 1 svc.example.net. alpn=h2,h3 port=8443\n"
        "@ HTTPS 1 . alpn=h2 ipv4hint=192.0.2.1\n"
        "sub DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118\n"
        "@ DNSKEY 257 3 13 ( mdsswUyr3DPW132mOi8V9xESWE8jTo0d\n"
        "                    xCjjnopKl+GqJxpVXckHAeF+KkxLbxIL\n"
        "                    fDLUT0rAK9iUzy1L53eKGQ== )\n"
        "@ HINFO \"PC\" \"Linux\"\n"
        "@ RRSIG SOA 13 2 3600 20300101000000 20240101000000 12345 example.com. AAECAwQ=\n"
        "@ NSEC www.example.com. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY TYPE1234\n"
        "x NSEC3 1 1 0 aabb 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG\n"
        "@ NSEC3PARAM 1 0 0 -\n"
        "@ CDS 0 0 0 00\n"
        "@ CDNSKEY 0 3 0 AA==\n"
        "@ DNAME other.example.\n"
        "ptr PTR host\n"
        "@ AAAA 2001:db8::1\n";
    auto zone = read(text);
    ASSERT_EQ(zone.records.size(), 23u);
    EXPECT_EQ(hex(zone.records[11].rdata), "ec4505012bb183af5f22588179a53b0a98631fad1a292118");
    std::string out;
    for (const auto& r : zone.records) append_rr_text(out, r.owner, r.type, r.rclass, r.ttl, r.rdata);
    auto again = read(out);
    ASSERT_EQ(again.records.size(), zone.records.size()) << out;
    for (std::size_t i = 0; i < zone.records.size(); ++i) {
        EXPECT_EQ(again.records[i].type, zone.records[i].type) << i;
        EXPECT_EQ(hex(again.records[i].rdata), hex(zone.records[i].rdata)) << type_to_text(zone.records[i].type);
    }
}

// The native fast paths must give exactly what ldns gives.
TEST(MasterFile, NativeParsersEqualLdns) {
    const std::string text =
        "a A 192.0.2.1\n"
        "a A 0.0.0.0\n"
        "a A 255.255.255.255\n"
        "a AAAA 2001:db8::1\n"
        "a AAAA ::ffff:192.0.2.1\n"
        "a AAAA ::\n"
        "a NS ns1\n"
        "a NS NS1.Example.NET.\n"
        "a NS @\n"
        "a NS .\n"
        "a NS a\\.b\\032c\n"
        "a CNAME x.y\n"
        "a PTR \\(paren\\)\n"
        "a DNAME Target.\n"
        "a MX 0 mail\n"
        "a MX 65535 Mail.Example.COM.\n"
        "a MX 010 mail\n"
        "a SRV 0 0 0 .\n"
        "a SRV 65535 1 443 Srv\n"
        "a TXT \"hello world\"\n"
        "a TXT \"a;b\" \"\\\"\" x\\065 \"\\\\\" \"\\255\\000\"\n"
        "a TXT \"\"\n"
        "a TXT unquoted words\n"
        "a TXT \"utf8 \xc3\xa9\"\n"
        "a TXT \"\\a\\b\"\n"
        "a DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118\n"
        "a DS 0 13 2 0000000000000000000000000000000000000000000000000000000000000000\n"
        "a DS 65535 255 255 ab cdEF 0123\n"
        "a CDS 1 8 4 ( 0a0B0c0D0e0F )\n";
    MasterFileOptions options = options_for();
    LexedMasterFile lexed = lex_master_text(text, "native.zone", options);
    ASSERT_FALSE(lexed.error);
    RdataParser parser(lexed.origins);
    for (const Entry& entry : lexed.entries) {
        const Token* tokens = lexed.tokens.data() + entry.first_token;
        Wire native = parser.parse(entry.type, tokens, entry.token_count, entry.origin_index);
        Wire via_ldns = parser.parse_with_ldns(entry.type, tokens, entry.token_count, entry.origin_index);
        EXPECT_EQ(hex(native), hex(via_ldns)) << "line " << entry.line;
    }
}

TEST(MasterFile, ErrorsNameTheLineAndTheProblem) {
    EXPECT_EQ(error_of("a A 192.0.2.1\nb FOO 1\n"), "2: unknown type 'FOO'");
    EXPECT_EQ(error_of("a CH TXT x\n"), "1: class CH not supported (only IN)");
    EXPECT_EQ(error_of("a HS A 192.0.2.1\n"), "1: class HS not supported (only IN)");
    EXPECT_EQ(error_of("a 60 IN\n"), "1: missing type");
    EXPECT_EQ(error_of("a TXT \"x\\256\"\n"), "1: \\DDD escape above 255 ('\\256')");
    EXPECT_EQ(error_of("a MX 10 (\n mail\n\nb A 192.0.2.1\n"), "1: unbalanced parentheses (opened at line 1)");
    EXPECT_EQ(error_of("a DNSKEY 256 3 13 ***\n"), "1: bad base64 in DNSKEY public key");
    EXPECT_EQ(error_of("a DS 1 13 2 xyz\n"), "1: bad hex in DS digest");
    EXPECT_EQ(error_of("a TXT " + std::string(256, 'x') + "\n"), "1: TXT string longer than 255 octets");
    EXPECT_EQ(error_of("a MX 65536 mail\n"), "1: MX preference 65536 out of range (0..65535)");
    EXPECT_EQ(error_of("a TLSA 256 1 1 00\n"), "1: TLSA usage 256 out of range (0..255)");
    EXPECT_EQ(error_of("a A 192.0.2.1 192.0.2.2\n"), "1: too many RDATA fields for A");
    // The first error in file order wins, even when lexing fails later.
    EXPECT_EQ(error_of("a A 1.2.3\nb A 192.0.2.1\nc MX 10 ( x\n"), "1: bad IPv4 address in A address '1.2.3'");
    auto no_origin = options_for();
    no_origin.origin.clear();
    EXPECT_EQ(error_of("www A 192.0.2.1\n", no_origin),
              "1: owner name: relative name 'www' but no origin is known");
}

TEST(MasterFile, ThreadsGiveTheSameRecordsAndTheFirstError) {
    std::ostringstream text;
    text << "$TTL 300\n@ SOA ns1 hostmaster 1 2 3 4 5\n";
    for (int i = 0; i < 20000; ++i) {
        text << "host" << i << " A 192.0.2." << i % 256 << "\n"
             << " MX " << i % 100 << " mail" << i << "\n"
             << " TXT \"record " << i << "\"\n"
             << " DS " << i % 65536 << " 13 2 " << std::string(64, 'a') << "\n";
    }
    auto one = options_for();
    one.threads = 1;
    auto four = options_for();
    four.threads = 4;
    auto a = read(text.str(), one);
    auto b = read(text.str(), four);
    ASSERT_EQ(a.records.size(), 80001u);
    ASSERT_EQ(b.records.size(), a.records.size());
    for (std::size_t i = 0; i < a.records.size(); ++i) {
        ASSERT_EQ(a.records[i].owner, b.records[i].owner);
        ASSERT_EQ(a.records[i].rdata, b.records[i].rdata);
        ASSERT_EQ(a.records[i].line, b.records[i].line);
    }
    // Two errors far apart: the earlier one is reported whatever the threads do.
    std::string broken = text.str() + "late A 1.2.3\n";
    broken.insert(broken.find("host5000 "), "early A 300.1.1.1\n");
    EXPECT_EQ(error_of(broken, four), "20003: bad IPv4 address in A address '300.1.1.1'");
}

TEST(MasterFile, IncludeRelativePathWithOriginArgument) {
    TempDir dir;
    fs::create_directory(dir.path() / "sub");
    dir.write("main.zone",
              "$TTL 60\n"
              "@ SOA ns1 hostmaster 1 2 3 4 5\n"
              "$INCLUDE sub/child.zone child.example.com.\n"
              "after A 192.0.2.9\n"
              "$INCLUDE sub/plain.zone\n");
    dir.write("sub/child.zone", "; relative names are under the origin argument\nwww A 192.0.2.1\n$INCLUDE grand.zone\n");
    dir.write("sub/grand.zone", "@ TXT \"grandchild\"\n");
    dir.write("sub/plain.zone", "plain A 192.0.2.2\n");
    auto zone = read_master_file((dir.path() / "main.zone").string(), options_for());
    ASSERT_EQ(zone.records.size(), 5u);
    EXPECT_EQ(zone.records[1].owner, name("www.child.example.com."));
    EXPECT_EQ(zone.records[1].line, 2u);
    EXPECT_EQ(zone.files[zone.records[1].file_index], (dir.path() / "sub/child.zone").string());
    EXPECT_EQ(zone.records[2].owner, name("child.example.com."));
    EXPECT_EQ(zone.files[zone.records[2].file_index], (dir.path() / "sub/grand.zone").string());
    EXPECT_EQ(zone.records[3].owner, name("after.example.com."));  // the origin came back
    EXPECT_EQ(zone.records[3].file_index, 0u);
    EXPECT_EQ(zone.records[4].owner, name("plain.example.com."));
    EXPECT_EQ(zone.records[4].ttl, 60u);
}

std::string include_error(const TempDir& dir, const std::string& main, MasterFileOptions options = options_for()) {
    try {
        read_master_file((dir.path() / main).string(), options);
    } catch (const InputError& e) {
        return fs::path(e.file()).filename().string() + ":" + std::to_string(e.line()) + ": " + e.message();
    }
    return "no error";
}

TEST(MasterFile, IncludeRefusesDirectoriesFifosSelfMissingAndDeepNesting) {
    TempDir dir;
    fs::create_directory(dir.path() / "adir");
    ASSERT_EQ(::mkfifo((dir.path() / "fifo").c_str(), 0600), 0);
    dir.write("dir.zone", "a A 192.0.2.1\n$INCLUDE adir\n");
    dir.write("fifo.zone", "$INCLUDE fifo\n");
    dir.write("self.zone", "a A 192.0.2.1\n\n$INCLUDE self.zone\n");
    dir.write("missing.zone", "$INCLUDE nothere.zone\n");
    dir.write("cycle1.zone", "$INCLUDE cycle2.zone\n");
    dir.write("cycle2.zone", "x A 192.0.2.1\n$INCLUDE cycle1.zone\n");
    EXPECT_EQ(include_error(dir, "dir.zone"), "dir.zone:2: $INCLUDE 'adir': not a regular file");
    EXPECT_EQ(include_error(dir, "fifo.zone"), "fifo.zone:1: $INCLUDE 'fifo': not a regular file");
    EXPECT_EQ(include_error(dir, "self.zone"), "self.zone:3: $INCLUDE 'self.zone' includes itself");
    EXPECT_EQ(include_error(dir, "missing.zone"), "missing.zone:1: $INCLUDE 'nothere.zone': no such file");
    EXPECT_EQ(include_error(dir, "cycle1.zone"), "cycle2.zone:2: $INCLUDE 'cycle1.zone' forms an include cycle");

    for (int i = 0; i < 5; ++i)
        dir.write("level" + std::to_string(i) + ".zone",
                  "l" + std::to_string(i) + " A 192.0.2.1\n$INCLUDE level" + std::to_string(i + 1) + ".zone\n");
    dir.write("level5.zone", "deepest A 192.0.2.1\n");
    auto shallow = options_for();
    shallow.max_include_depth = 3;
    EXPECT_EQ(include_error(dir, "level0.zone", shallow),
              "level3.zone:2: $INCLUDE 'level4.zone': nesting deeper than 3 levels");
    auto deep = options_for();
    deep.max_include_depth = 5;
    EXPECT_EQ(read_master_file((dir.path() / "level0.zone").string(), deep).records.size(), 6u);
    // The top-level file itself must be regular too.
    EXPECT_THROW(read_master_file((dir.path() / "fifo").string(), options_for()), Error);
}

// Every broken file of the corpus fails on the listed line with a message
// containing the listed fragment.
TEST(MasterFile, BrokenCorpus) {
    const fs::path dir = fs::path(ZS_TEST_DATA) / "broken";
    std::ifstream tsv(dir / "expected.tsv");
    ASSERT_TRUE(tsv) << "missing " << (dir / "expected.tsv");
    std::string row;
    int cases = 0;
    while (std::getline(tsv, row)) {
        if (row.empty() || row[0] == '#') continue;
        auto tab1 = row.find('\t');
        auto tab2 = row.find('\t', tab1 + 1);
        ASSERT_NE(tab2, std::string::npos) << "bad row: " << row;
        std::string file = row.substr(0, tab1);
        unsigned line = static_cast<unsigned>(std::stoul(row.substr(tab1 + 1, tab2 - tab1 - 1)));
        std::string fragment = row.substr(tab2 + 1);
        ++cases;
        SCOPED_TRACE(file);
        ASSERT_TRUE(fs::exists(dir / file)) << "listed file does not exist";
        try {
            read_master_file((dir / file).string(), options_for());
            ADD_FAILURE() << "no error";
        } catch (const InputError& e) {
            EXPECT_EQ(e.line(), line) << e.what();
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        }
    }
    EXPECT_GE(cases, 20);
}

}  // namespace
}  // namespace zs::zone
