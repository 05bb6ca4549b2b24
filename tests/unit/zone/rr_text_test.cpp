#include "zone/rr_text.hpp"

#include <gtest/gtest.h>

#include <stdbool.h>  // before ldns: see zone/ldns_raii.hpp
#include <ldns/ldns.h>

#include <memory>
#include <thread>

#include "common/encoding.hpp"
#include "zone/master_file.hpp"
#include "zone/name.hpp"
#include "zone/rr_type.hpp"

namespace zs::zone {
namespace {

Wire name(const std::string& text) { return name_from_text(text, Wire(1, '\0')); }

MasterFileOptions options() {
    MasterFileOptions o;
    o.origin = name("example.com.");
    return o;
}

std::string format(const ParsedRecord& r) {
    std::string out;
    append_rr_text(out, r.owner, r.type, r.rclass, r.ttl, r.rdata);
    return out;
}

// What ldns prints for the same record (no comments), trailing spaces
// before the newline removed (ldns ends NSEC type lists with a space).
std::string ldns_text(const ParsedRecord& r) {
    std::unique_ptr<ldns_rr, void (*)(ldns_rr*)> rr(ldns_rr_new(), ldns_rr_free);
    ldns_rr_set_owner(rr.get(), ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, r.owner.size(), r.owner.data()));
    ldns_rr_set_ttl(rr.get(), r.ttl);
    ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_IN);
    ldns_rr_set_type(rr.get(), static_cast<ldns_rr_type>(r.type));
    Wire wire;
    put_u16(wire, static_cast<std::uint16_t>(r.rdata.size()));
    wire += r.rdata;
    std::size_t pos = 0;
    EXPECT_EQ(ldns_wire2rdf(rr.get(), reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size(), &pos),
              LDNS_STATUS_OK);
    char* text = ldns_rr2str_fmt(ldns_output_format_nocomments, rr.get());
    std::string result(text);
    free(text);
    while (result.size() >= 2 && result[result.size() - 2] == ' ') result.erase(result.size() - 2, 1);
    return result;
}

// The hot types of a signed zone: native formatters, same text as ldns,
// and reading the text back gives the same wire.
TEST(RrText, NativeFormattersMatchLdnsAndRoundTrip) {
    const std::string zone_text =
        "@ 3600 SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
        "@ NS ns1\n"
        "@ MX 10 mail\n"
        "www A 192.0.2.1\n"
        "www AAAA 2001:db8::1\n"
        "www AAAA ::ffff:192.0.2.1\n"
        "alias CNAME www\n"
        "ptr PTR www\n"
        "dname DNAME example.net.\n"
        "txt TXT \"v=spf1 -all\" \"quote\\\"back\\\\slash\" \"bin\\000\\255\" \"\"\n"
        "sub DS 60485 13 2 2bb183af5f22588179a53b0a98631fad1a292118aabbccddeeff001122334455\n"
        "@ DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n"
        "@ CDS 0 0 0 00\n"
        "@ CDNSKEY 0 3 0 AA==\n"
        "@ RRSIG SOA 13 2 3600 20300101000000 20240101235959 12345 example.com. AAECAwQFBgcICQ==\n"
        "@ RRSIG TYPE65280 8 2 3600 20250615120000 20250601000000 1 example.com. AAECAwQFBgcICQ==\n"
        "@ NSEC www.example.com. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY TYPE1234 CAA\n"
        "x NSEC3 1 1 0 aabb 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG\n"
        "y NSEC3 1 0 10 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR\n"
        "@ NSEC3PARAM 1 0 0 -\n"
        "@ NSEC3PARAM 1 0 5 cafe\n";
    auto zone = read_master_text(zone_text, "rr.zone", options());
    std::string all;
    for (const auto& r : zone.records) {
        std::string text = format(r);
        all += text;
        if (r.type == rrtype::NSEC3 || r.type == rrtype::NSEC3PARAM) {
            // ldns puts two spaces after the salt; otherwise the same.
            std::string expected = ldns_text(r);
            for (auto pos = expected.find("  "); pos != std::string::npos; pos = expected.find("  "))
                expected.erase(pos, 1);
            EXPECT_EQ(text, expected);
        } else {
            EXPECT_EQ(text, ldns_text(r));
        }
    }
    auto again = read_master_text(all, "again.zone", options());
    ASSERT_EQ(again.records.size(), zone.records.size());
    for (std::size_t i = 0; i < zone.records.size(); ++i) {
        EXPECT_EQ(again.records[i].owner, zone.records[i].owner);
        EXPECT_EQ(again.records[i].type, zone.records[i].type);
        EXPECT_EQ(again.records[i].ttl, zone.records[i].ttl);
        EXPECT_EQ(to_hex(again.records[i].rdata), to_hex(zone.records[i].rdata)) << type_to_text(zone.records[i].type);
    }
}

TEST(RrText, ExactLines) {
    auto zone = read_master_text(
        "www 300 A 192.0.2.1\n"
        "@ RRSIG A 13 2 300 20300101000000 20240229120000 4242 example.com. AAECAw==\n"
        "@ NSEC a.example.com. A RRSIG NSEC\n"
        "x 60 TYPE65280 \\# 4 0a000001\n",
        "exact.zone", options());
    ASSERT_EQ(zone.records.size(), 4u);
    EXPECT_EQ(format(zone.records[0]), "www.example.com.\t300\tIN\tA\t192.0.2.1\n");
    EXPECT_EQ(format(zone.records[1]),
              "example.com.\t300\tIN\tRRSIG\tA 13 2 300 20300101000000 20240229120000 4242 example.com. AAECAw==\n");
    EXPECT_EQ(format(zone.records[2]), "example.com.\t300\tIN\tNSEC\ta.example.com. A RRSIG NSEC\n");
    EXPECT_EQ(format(zone.records[3]), "x.example.com.\t60\tIN\tTYPE65280\t\\# 4 0a000001\n");
    EXPECT_EQ(rdata_to_text(rrtype::A, zone.records[0].rdata), "192.0.2.1");
}

TEST(RrText, EscapesInNamesAndStrings) {
    Wire owner = std::string("\x06" "a.b c\"", 7) + name("example.com.");
    std::string out;
    append_rr_text(out, owner, rrtype::TXT, class_IN, 1, std::string("\x03" "a\tb", 4));
    EXPECT_EQ(out, "a\\.b\\032c\\\".example.com.\t1\tIN\tTXT\t\"a\\009b\"\n");
    auto back = read_master_text(out, "esc.zone", options());
    ASSERT_EQ(back.records.size(), 1u);
    EXPECT_EQ(back.records[0].owner, owner);
    EXPECT_EQ(back.records[0].rdata, std::string("\x03" "a\tb", 4));
}

TEST(RrText, GeneralTypesThroughLdnsRoundTrip) {
    const std::string zone_text =
        "_sip._tcp SRV 10 20 5060 sip\n"
        "@ CAA 0 issue \"letsencrypt.org\"\n"
        "_443._tcp TLSA 3 1 1 0123456789abcdef\n"
        "@ SSHFP 4 2 0123456789abcdef\n"
        "@ NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp\n"
        "@ LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m\n"
        "_svc SVCB 1 svc.example.net. alpn=h2,h3 port=8443\n"
        "@ HTTPS 1 . alpn=h2 ipv4hint=192.0.2.1\n"
        "@ HINFO \"PC\" \"Linux\"\n"
        "@ ZONEMD 2024010101 1 1 " + std::string(96, 'a') + "\n";
    auto zone = read_master_text(zone_text, "gen.zone", options());
    std::string all;
    for (const auto& r : zone.records) {
        std::string text = format(r);
        EXPECT_EQ(text, ldns_text(r));
        all += text;
    }
    auto again = read_master_text(all, "again.zone", options());
    ASSERT_EQ(again.records.size(), zone.records.size());
    for (std::size_t i = 0; i < zone.records.size(); ++i)
        EXPECT_EQ(to_hex(again.records[i].rdata), to_hex(zone.records[i].rdata)) << type_to_text(zone.records[i].type);
}

TEST(RrText, MalformedRdataFallsBackToRfc3597) {
    // An A record with 3 octets and an RRSIG cut short cannot be shown in
    // their own format; the generic form keeps the octets.
    EXPECT_EQ(rdata_to_text(rrtype::A, std::string("\x01\x02\x03", 3)), "\\# 3 010203");
    EXPECT_EQ(rdata_to_text(rrtype::RRSIG, std::string("\x00\x01\x0d", 3)), "\\# 3 00010d");
    EXPECT_EQ(rdata_to_text(rrtype::MX, ""), "\\# 0");
    EXPECT_EQ(type_to_text(65280), "TYPE65280");
    EXPECT_EQ(type_to_text(rrtype::NSEC3PARAM), "NSEC3PARAM");
    EXPECT_EQ(type_from_text("nsec3param"), rrtype::NSEC3PARAM);
    EXPECT_EQ(type_from_text("TYPE65280"), 65280);
    EXPECT_EQ(type_from_text("TYPE65536"), std::nullopt);
    EXPECT_EQ(type_from_text("FOO"), std::nullopt);
}

TEST(RrText, ThreadSafe) {
    auto zone = read_master_text(
        "@ RRSIG A 13 2 300 20300101000000 20240229120000 4242 example.com. AAECAw==\n"
        "@ LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m\n"
        "@ NSEC a.example.com. A RRSIG NSEC\n"
        "@ TXT \"x\"\n",
        "t.zone", options());
    std::string expected;
    for (const auto& r : zone.records) expected += format(r);
    std::vector<std::string> results(4);
    std::vector<std::thread> threads;
    for (auto& result : results)
        threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) {
                std::string text;
                for (const auto& r : zone.records) text += format(r);
                if (i == 0 || text != expected) result = text;
            }
        });
    for (auto& t : threads) t.join();
    for (const auto& result : results) EXPECT_EQ(result, expected);
}

}  // namespace
}  // namespace zs::zone
