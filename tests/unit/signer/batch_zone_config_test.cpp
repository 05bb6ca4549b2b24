// The `zones:` and `state_dir:` keys of the configuration, the notify
// command's substitution, and `zone add|remove` editing the file's text
// (comments kept; fallback to the emitter for flow lists).
#include "signer/zone_config.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "signer/config.hpp"
#include "signer/zone_config_edit.hpp"

namespace zs::signer {
namespace {

Config parse(const std::string& text) { return parse_config(text, "/etc/zs/zonesigner.yaml", "/var/lib/default"); }

void expect_error(const std::string& text, unsigned line, unsigned column, const std::string& fragment) {
    try {
        parse(text);
        FAIL() << "accepted:\n" << text;
    } catch (const InputError& e) {
        EXPECT_EQ(e.file(), "/etc/zs/zonesigner.yaml");
        EXPECT_EQ(e.line(), line) << e.what();
        EXPECT_NE(std::string(e.what()).find(":" + std::to_string(line) + ":" + std::to_string(column) + ":"),
                  std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
}

TEST(BatchZoneConfig, ZonesWithOverridesAndRelativePaths) {
    const Config c = parse(
        "state_dir: state\n"
        "zones:\n"
        "  - name: Example.COM\n"
        "    input: zones/example.com.zone\n"
        "    output: /srv/example.com.signed\n"
        "    policy: standard\n"
        "    notify: nsd-control reload %zone\n"
        "    threads: 2\n"
        "    verify: full\n"
        "    serial: unixtime\n"
        "  - name: example.org.\n"
        "    input: /z/example.org.zone\n"
        "    output: out/example.org.signed\n"
        "    policy: policies/fast.yaml\n");
    EXPECT_EQ(c.state_dir, "/etc/zs/state");
    ASSERT_EQ(c.zones.size(), 2u);
    const ZoneEntry& a = c.zones[0];
    EXPECT_EQ(a.name, "example.com.");
    EXPECT_EQ(a.input, "/etc/zs/zones/example.com.zone");
    EXPECT_EQ(a.output, "/srv/example.com.signed");
    EXPECT_EQ(a.policy, "standard");
    EXPECT_EQ(a.notify, "nsd-control reload %zone");
    EXPECT_EQ(a.threads, 2u);
    EXPECT_EQ(a.verify, zone::VerifyMode::Full);
    EXPECT_EQ(a.serial, policy::SerialMode::UnixTime);
    EXPECT_EQ(a.place.line, 3u);
    const ZoneEntry& b = c.zones[1];
    EXPECT_EQ(b.output, "/etc/zs/out/example.org.signed");
    EXPECT_EQ(b.policy, "/etc/zs/policies/fast.yaml") << "a policy written as a path is a file";
    EXPECT_FALSE(b.threads.has_value());
    EXPECT_EQ(find_zone_entry(c.zones, "EXAMPLE.org"), &c.zones[1]);
    EXPECT_EQ(find_zone_entry(c.zones, "example.net"), nullptr);
}

TEST(BatchZoneConfig, WithoutSignersOneFileSignerInTheStateDirectory) {
    const Config c = parse("state_dir: /srv/zs\nzones:\n");
    ASSERT_EQ(c.signers.size(), 1u);
    EXPECT_EQ(c.signers[0].type, "openssl");
    EXPECT_EQ(c.signers[0].directory, "/srv/zs/keys");
    EXPECT_TRUE(c.zones.empty());
    EXPECT_EQ(parse("zones:\n").signers[0].directory, "/var/lib/default/keys");
}

TEST(BatchZoneConfig, StateDirAnchorsTheDefaultKeyDirectoryOfConfiguredSigners) {
    const Config c = parse("state_dir: /srv/zs\nsigners:\n  - {name: files, type: openssl}\n");
    EXPECT_EQ(c.signers[0].directory, "/srv/zs/keys");
}

TEST(BatchZoneConfig, ErrorsNamePlaces) {
    expect_error("zones: {name: a}\n", 1, 8, "'zones' must be a list");
    expect_error("zones:\n  - name: a.\n    input: a\n", 2, 5, "needs an 'output'");
    expect_error("zones:\n  - input: a\n    output: b\n", 2, 5, "needs a 'name'");
    expect_error("zones:\n  - name: a.\n    input: a\n    output: b\n    polcy: x\n", 5, 5, "unknown key 'polcy'");
    expect_error("zones:\n  - name: a.\n    input: a\n    output: b\n    threads: 0\n", 5, 14, "'threads' must be");
    expect_error("zones:\n  - name: a.\n    input: a\n    output: b\n    verify: most\n", 5, 13, "full, sample or structure");
    expect_error("zones:\n  - name: a.\n    input: a\n    output: b\n    serial: daily\n", 5, 13, "keep, increment");
    expect_error("zones:\n  - {name: a., input: a, output: b}\n  - {name: A, input: c, output: d}\n", 3, 12,
                 "duplicate zone 'a.' (first at line 2)");
    expect_error("zones:\n  - {name: a., input: a, output: /o}\n  - {name: b., input: c, output: /o}\n", 3, 34,
                 "is also the output of the zone at line 2");
    expect_error("zones:\n  - {name: a., input: /x, output: /y}\n  - {name: b., input: /y, output: /z}\n", 2, 35,
                 "is the input of zone b.");
    expect_error("zones:\n  - {name: a., input: a, output: '-'}\n", 2, 34, "must be a file");
    expect_error("zones:\n  - {name: 'a..b', input: a, output: b}\n", 2, 12, "zone name 'a..b'");
    expect_error("state_dir: [a]\n", 1, 12, "'state_dir' must be a single text value");
}

TEST(BatchNotifyCommand, SubstitutesQuotedValues) {
    EXPECT_EQ(notify_command_text("nsd-control reload %zone", "example.com.", "/srv/x"),
              "nsd-control reload 'example.com'");
    EXPECT_EQ(notify_command_text("rndc reload %zone && cp %file /backup/", ".", "/srv/root zone"),
              "rndc reload '.' && cp '/srv/root zone' /backup/");
    EXPECT_EQ(notify_command_text("echo 100%% %file %x", "a.", "it's"), "echo 100% 'it'\\''s' %x");
}

const std::string kCommented =
    "# zonesigner configuration\n"
    "state_dir: /var/lib/zonesigner   # keys and records\n"
    "\n"
    "zones:\n"
    "  # the main zone\n"
    "  - name: example.com.\n"
    "    input: /z/example.com.zone   # from the hidden primary\n"
    "    output: /srv/example.com.signed\n"
    "\n"
    "  - name: example.org.\n"
    "    input: /z/example.org.zone\n"
    "    output: /srv/example.org.signed\n"
    "\n"
    "# policies below\n"
    "policies:\n"
    "  - name: fast\n";

TEST(BatchZoneConfigEdit, AddAppendsAfterTheLastEntryKeepingComments) {
    const EditedText e = add_zone_text(kCommented, "f", {{"name", "example.net."},
                                                           {"input", "/z/example.net.zone"},
                                                           {"output", "/srv/example.net.signed"},
                                                           {"notify", "rndc reload %zone # not a comment"}});
    EXPECT_FALSE(e.comments_lost);
    const std::string expected =
        "# zonesigner configuration\n"
        "state_dir: /var/lib/zonesigner   # keys and records\n"
        "\n"
        "zones:\n"
        "  # the main zone\n"
        "  - name: example.com.\n"
        "    input: /z/example.com.zone   # from the hidden primary\n"
        "    output: /srv/example.com.signed\n"
        "\n"
        "  - name: example.org.\n"
        "    input: /z/example.org.zone\n"
        "    output: /srv/example.org.signed\n"
        "  - name: example.net.\n"
        "    input: /z/example.net.zone\n"
        "    output: /srv/example.net.signed\n"
        "    notify: \"rndc reload %zone # not a comment\"\n"
        "\n"
        "# policies below\n"
        "policies:\n"
        "  - name: fast\n";
    EXPECT_EQ(e.text, expected);
    const Config c = parse(e.text);
    ASSERT_EQ(c.zones.size(), 3u);
    EXPECT_EQ(c.zones[2].notify, "rndc reload %zone # not a comment");
}

TEST(BatchZoneConfigEdit, AddToAFileWithoutZonesOrEmpty) {
    const EditedText e = add_zone_text("state_dir: /s\n", "f", {{"name", "a."}, {"input", "/i"}, {"output", "/o"}});
    EXPECT_EQ(e.text, "state_dir: /s\n\nzones:\n  - name: a.\n    input: /i\n    output: /o\n");
    EXPECT_EQ(add_zone_text("", "f", {{"name", "a."}, {"input", "/i"}, {"output", "/o"}}).text,
              "zones:\n  - name: a.\n    input: /i\n    output: /o\n");
    EXPECT_EQ(add_zone_text("zones:   # none yet\nstate_dir: /s\n", "f", {{"name", "a."}, {"input", "/i"}, {"output", "/o"}}).text,
              "zones:   # none yet\n  - name: a.\n    input: /i\n    output: /o\nstate_dir: /s\n");
}

TEST(BatchZoneConfigEdit, AddFollowsTheListsIndentation) {
    const EditedText e = add_zone_text("zones:\n- name: a.\n  input: /i\n  output: /o\n", "f",
                                       {{"name", "b."}, {"input", "/j"}, {"output", "/p"}});
    EXPECT_EQ(e.text, "zones:\n- name: a.\n  input: /i\n  output: /o\n- name: b.\n  input: /j\n  output: /p\n");
}

TEST(BatchZoneConfigEdit, RemoveTakesTheEntryAndItsComment) {
    const EditedText first = remove_zone_text(kCommented, "f", "example.com.");
    EXPECT_FALSE(first.comments_lost);
    EXPECT_EQ(first.text,
              "# zonesigner configuration\n"
              "state_dir: /var/lib/zonesigner   # keys and records\n"
              "\n"
              "zones:\n"
              "  - name: example.org.\n"
              "    input: /z/example.org.zone\n"
              "    output: /srv/example.org.signed\n"
              "\n"
              "# policies below\n"
              "policies:\n"
              "  - name: fast\n");
    const EditedText last = remove_zone_text(kCommented, "f", "example.org.");
    EXPECT_EQ(last.text,
              "# zonesigner configuration\n"
              "state_dir: /var/lib/zonesigner   # keys and records\n"
              "\n"
              "zones:\n"
              "  # the main zone\n"
              "  - name: example.com.\n"
              "    input: /z/example.com.zone   # from the hidden primary\n"
              "    output: /srv/example.com.signed\n"
              "\n"
              "\n"
              "# policies below\n"
              "policies:\n"
              "  - name: fast\n");
    const Config both_gone = parse(remove_zone_text(first.text, "f", "example.org.").text);
    EXPECT_TRUE(both_gone.zones.empty());
    EXPECT_EQ(both_gone.policies.size(), 1u);
    EXPECT_THROW(remove_zone_text(kCommented, "f", "example.net."), Error);
}

TEST(BatchZoneConfigEdit, FlowListsAreReEmitted) {
    const std::string flow = "# comment\nzones: [{name: a., input: /i, output: /o}]\n";
    const EditedText added = add_zone_text(flow, "f", {{"name", "b."}, {"input", "/j"}, {"output", "/p"}});
    EXPECT_TRUE(added.comments_lost);
    const Config c = parse(added.text);
    ASSERT_EQ(c.zones.size(), 2u);
    EXPECT_EQ(c.zones[1].name, "b.");
    const EditedText removed = remove_zone_text(flow, "f", "a.");
    EXPECT_TRUE(removed.comments_lost);
    EXPECT_TRUE(parse(removed.text).zones.empty());
}

}  // namespace
}  // namespace zs::signer
