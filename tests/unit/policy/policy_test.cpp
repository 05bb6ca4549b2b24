// DNSSEC policies: every YAML field parses to what it says and records its
// place; fields left out take the documented defaults; each semantic rule
// fires just past its limit and not at it; every file of the bad-policy
// corpus fails at the line and column its first line names; the example
// policies are clean; signing_params maps a policy onto SigningParams.
#include "policy/policy.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "common/error.hpp"
#include "policy/policy_yaml.hpp"

namespace zs::policy {
namespace {

namespace fs = std::filesystem;

constexpr Seconds kDay = 86400, kHour = 3600;

const std::string kFullPolicy = R"(name: everything
keys:
  - {role: ksk, algorithm: RSASHA256, bits: 3072, lifetime: unlimited, signer: hsm}
  - {role: zsk, algorithm: 8, lifetime: 90d, signer: files}
  - role: KSK
    algorithm: ed25519
    lifetime: 400d
  - {role: Zsk, algorithm: ED25519, lifetime: 1d12h}
signatures: {validity: 21d, denial_validity: 10d, refresh: 4d, jitter: 6h, inception_offset: 30m}
denial: {type: nsec3, iterations: 5, salt_length: 8, opt_out: true, resalt: 30d}
ttls: {dnskey: 2h, max_zone: 7200}
zone: {propagation_delay: 10m, serial: datecounter}
parent: {ds_ttl: 2d, propagation_delay: 3h, registration_delay: 1d, check: "/usr/local/bin/ds-check example.org"}
safety: {publish: 2h, retire: 3h}
purge_after: 30d
cds_cdnskey: always
manual_rollover: {ksk: true, zsk: false, csk: true}
)";

TEST(PolicyYaml, ParsesEveryField) {
    const Policy p = parse_policy_text(kFullPolicy, "full.yaml");
    EXPECT_EQ(p.name, "everything");
    EXPECT_EQ(p.place.text(), "full.yaml:1:1");
    ASSERT_EQ(p.keys.size(), 4u);
    EXPECT_EQ(p.keys[0].role, KeyRole::Ksk);
    EXPECT_EQ(p.keys[0].algorithm, 8);
    EXPECT_EQ(p.keys[0].bits, 3072u);
    EXPECT_FALSE(p.keys[0].lifetime);
    EXPECT_EQ(p.keys[0].signer, "hsm");
    EXPECT_EQ(p.keys[0].place.text(), "full.yaml:3:5");
    EXPECT_EQ(p.keys[1].role, KeyRole::Zsk);
    EXPECT_EQ(p.keys[1].algorithm, 8);
    EXPECT_EQ(p.keys[1].bits, 0u);
    EXPECT_EQ(p.keys[1].lifetime, 90 * kDay);
    EXPECT_EQ(p.keys[1].signer, "files");
    EXPECT_EQ(p.keys[2].role, KeyRole::Ksk);
    EXPECT_EQ(p.keys[2].algorithm, 15);
    EXPECT_EQ(p.keys[2].lifetime, 400 * kDay);
    EXPECT_TRUE(p.keys[2].signer.empty());
    EXPECT_EQ(p.keys[2].place.text(), "full.yaml:5:5");
    EXPECT_EQ(p.keys[3].role, KeyRole::Zsk);
    EXPECT_EQ(p.keys[3].lifetime, kDay + 12 * kHour);

    EXPECT_EQ(p.validity, 21 * kDay);
    EXPECT_EQ(p.denial_validity, 10 * kDay);
    EXPECT_EQ(p.refresh, 4 * kDay);
    EXPECT_EQ(p.jitter, 6 * kHour);
    EXPECT_EQ(p.inception_offset, 1800);
    EXPECT_EQ(p.denial, DenialType::Nsec3);
    EXPECT_EQ(p.nsec3_iterations, 5);
    EXPECT_EQ(p.nsec3_salt_length, 8u);
    EXPECT_TRUE(p.nsec3_opt_out);
    EXPECT_EQ(p.nsec3_resalt, 30 * kDay);
    EXPECT_EQ(p.dnskey_ttl, 7200u);
    EXPECT_EQ(p.max_zone_ttl, 7200u);
    EXPECT_EQ(p.zone_propagation_delay, 600);
    EXPECT_EQ(p.serial, SerialMode::DateCounter);
    EXPECT_EQ(p.parent_ds_ttl, 2 * 86400u);
    EXPECT_EQ(p.parent_propagation_delay, 3 * kHour);
    EXPECT_EQ(p.parent_registration_delay, kDay);
    EXPECT_EQ(p.parent_check, "/usr/local/bin/ds-check example.org");
    EXPECT_EQ(p.publish_safety, 2 * kHour);
    EXPECT_EQ(p.retire_safety, 3 * kHour);
    EXPECT_EQ(p.purge_after, 30 * kDay);
    EXPECT_EQ(p.cds_cdnskey, CdsMode::Always);
    EXPECT_TRUE(p.manual(KeyRole::Ksk));
    EXPECT_FALSE(p.manual(KeyRole::Zsk));
    EXPECT_TRUE(p.manual(KeyRole::Csk));
}

TEST(PolicyYaml, RecordsThePlaceOfEveryField) {
    const Policy p = parse_policy_text(kFullPolicy, "full.yaml");
    const std::map<std::string, std::string> expected = {
        {"name", "full.yaml:1:7"},
        {"keys", "full.yaml:3:3"},
        {"keys[0]", "full.yaml:3:5"},
        {"keys[0].role", "full.yaml:3:12"},
        {"keys[0].algorithm", "full.yaml:3:28"},
        {"keys[0].bits", "full.yaml:3:45"},
        {"keys[0].lifetime", "full.yaml:3:61"},
        {"keys[0].signer", "full.yaml:3:80"},
        {"keys[2].algorithm", "full.yaml:6:16"},
        {"keys[2].lifetime", "full.yaml:7:15"},
        {"signatures.validity", "full.yaml:9:24"},
        {"signatures.refresh", "full.yaml:9:60"},
        {"denial.iterations", "full.yaml:10:35"},
        {"denial.resalt", "full.yaml:10:77"},
        {"ttls.max_zone", "full.yaml:11:30"},
        {"zone.serial", "full.yaml:12:40"},
        {"parent.check", "full.yaml:13:76"},
        {"safety.retire", "full.yaml:14:31"},
        {"purge_after", "full.yaml:15:14"},
        {"cds_cdnskey", "full.yaml:16:14"},
        {"manual_rollover.csk", "full.yaml:17:47"},
    };
    for (const auto& [field, place] : expected) {
        ASSERT_TRUE(p.places.count(field)) << field;
        EXPECT_EQ(p.places.at(field).text(), place) << field;
    }
    // A field left out falls back to its section, then to the policy.
    const Policy q = parse_policy_text("name: q\nsignatures:\n  validity: 20d\n", "q.yaml");
    EXPECT_EQ(q.place_of("signatures.refresh").text(), "q.yaml:3:3");
    EXPECT_EQ(q.place_of("keys[1].lifetime").text(), "q.yaml:1:1");
    EXPECT_EQ(q.place_of("ttls.dnskey").text(), "q.yaml:1:1");
}

TEST(PolicyYaml, FieldsLeftOutTakeTheDefaults) {
    const Policy p = parse_policy_text("name: minimal\n", "m.yaml");
    const Policy d = default_policy();
    EXPECT_EQ(p.name, "minimal");
    ASSERT_EQ(p.keys.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(p.keys[i].role, d.keys[i].role);
        EXPECT_EQ(p.keys[i].algorithm, d.keys[i].algorithm);
        EXPECT_EQ(p.keys[i].lifetime, d.keys[i].lifetime);
    }
    EXPECT_EQ(p.validity, d.validity);
    EXPECT_EQ(p.denial_validity, d.denial_validity);
    EXPECT_EQ(p.refresh, d.refresh);
    EXPECT_EQ(p.jitter, d.jitter);
    EXPECT_EQ(p.inception_offset, d.inception_offset);
    EXPECT_EQ(p.denial, DenialType::Nsec);
    EXPECT_EQ(p.dnskey_ttl, d.dnskey_ttl);
    EXPECT_EQ(p.max_zone_ttl, d.max_zone_ttl);
    EXPECT_EQ(p.zone_propagation_delay, d.zone_propagation_delay);
    EXPECT_EQ(p.serial, SerialMode::Increment);
    EXPECT_EQ(p.parent_ds_ttl, d.parent_ds_ttl);
    EXPECT_EQ(p.parent_propagation_delay, d.parent_propagation_delay);
    EXPECT_EQ(p.parent_registration_delay, 0);
    EXPECT_TRUE(p.parent_check.empty());
    EXPECT_EQ(p.publish_safety, d.publish_safety);
    EXPECT_EQ(p.retire_safety, d.retire_safety);
    EXPECT_EQ(p.purge_after, d.purge_after);
    EXPECT_EQ(p.cds_cdnskey, CdsMode::DuringRollover);
    EXPECT_FALSE(p.manual(KeyRole::Ksk));
    EXPECT_TRUE(p.places.count("name"));
    EXPECT_FALSE(p.places.count("signatures.validity"));
    EXPECT_TRUE(check_policy(p).empty());

    // An unwritten denial validity follows the validity; nsec3 fields
    // default to RFC 9276's advice.
    const Policy q = parse_policy_text("name: q\nsignatures: {validity: 30d, refresh: 10d}\ndenial: {type: NSEC3}\n",
                                       "q.yaml");
    EXPECT_EQ(q.denial_validity, 30 * kDay);
    EXPECT_EQ(q.nsec3_iterations, 0);
    EXPECT_EQ(q.nsec3_salt_length, 0u);
    EXPECT_FALSE(q.nsec3_opt_out);
    EXPECT_FALSE(q.nsec3_resalt);
}

TEST(PolicyYaml, AlgorithmsByNameInAnyCaseOrNumber) {
    const std::pair<const char*, int> cases[] = {
        {"RSASHA256", 8},        {"rsasha512", 10}, {"ECDSAP256SHA256", 13}, {"EcdsaP384Sha384", 14},
        {"ED25519", 15},         {"ed448", 16},     {"13", 13},              {"3", 3},
    };
    for (const auto& [text, number] : cases) {
        const Policy p = parse_policy_text(std::string("name: a\nkeys: [{role: csk, algorithm: ") + text + "}]\n",
                                           "a.yaml");
        EXPECT_EQ(p.keys.at(0).algorithm, number) << text;
    }
}

TEST(PolicyYaml, DurationsInEveryForm) {
    const Policy p = parse_policy_text(
        "name: d\nsignatures: {validity: 2w, refresh: 3600, jitter: 90m, inception_offset: 45s}\n"
        "keys: [{role: csk, lifetime: 1d12h}]\npurge_after: 0\n",
        "d.yaml");
    EXPECT_EQ(p.validity, 14 * kDay);
    EXPECT_EQ(p.refresh, 3600);
    EXPECT_EQ(p.jitter, 5400);
    EXPECT_EQ(p.inception_offset, 45);
    EXPECT_EQ(p.keys[0].lifetime, 36 * kHour);
    EXPECT_EQ(p.purge_after, 0);
}

TEST(PolicyYaml, InlinePolicyFromALoadedDocument) {
    const YAML::Node doc = YAML::Load("policies:\n  - name: inline\n    keys: [{role: csk, lifetime: 180d}]\n"
                                      "    signatures: {refresh: 15d}\n");
    const Policy p = policy_from_yaml(doc["policies"][0], "/etc/zs.yaml");
    EXPECT_EQ(p.name, "inline");
    EXPECT_EQ(p.place.text(), "/etc/zs.yaml:2:5");
    ASSERT_EQ(p.keys.size(), 1u);
    EXPECT_EQ(p.keys[0].role, KeyRole::Csk);
    const auto findings = check_policy(p);
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].text(),
              "/etc/zs.yaml:4:27: error: refresh (15d) must be less than the validity (14d): signatures would be "
              "renewed on every run");
}

TEST(PolicyYaml, SchemaErrorsNameFileLineAndColumn) {
    auto error_of = [](const std::string& text) -> std::string {
        try {
            parse_policy_text(text, "p.yaml");
        } catch (const InputError& e) {
            return e.what();
        }
        return "(accepted)";
    };
    EXPECT_EQ(error_of("name: x\nkeys:\n  - {role: zsk, lifetime: forever}\n"),
              "p.yaml:3:27: keys[0].lifetime: must be a duration such as 90d or 365d, or 'unlimited', not 'forever'");
    EXPECT_EQ(error_of("name: x\ndenial: {type: nsec5}\n"), "p.yaml:2:16: denial.type: unknown type 'nsec5' (known: "
                                                            "nsec, nsec3)");
    EXPECT_EQ(error_of("name: x\ndenial: {type: nsec3, iterations: -1}\n"),
              "p.yaml:2:35: denial.iterations: must be a whole number from 0 to 65535, not '-1'");
    EXPECT_EQ(error_of("name: x\nparent: {check: [a, b]}\n"),
              "p.yaml:2:17: parent.check: must be a single text value, not a list");
    EXPECT_EQ(error_of("name: \"bad name\"\n"),
              "p.yaml:1:7: policy name 'bad name' must be 1 to 64 letters, digits, '-', '_' or '.'");
    EXPECT_EQ(error_of(""), "p.yaml:1:1: the policy is empty: it needs at least a 'name'");
    EXPECT_EQ(error_of("- name: x\n"), "p.yaml:1:1: the policy must be a map of 'key: value' entries, not a list");
    EXPECT_EQ(error_of("name: x\nkeys:\n  - {algorithm: 13}\n"),
              "p.yaml:3:5: keys[0]: a key entry needs a 'role' (ksk, zsk or csk)");
    EXPECT_EQ(error_of("name: x\nkeys:\n  - {role: zsk, bits: 0}\n"),
              "p.yaml:3:23: keys[0].bits: must be from 1 to 65535, not 0");
    EXPECT_EQ(error_of("name: x\nmanual_rollover: {xsk: true}\n"),
              "p.yaml:2:19: unknown key 'xsk' in manual_rollover (known keys: ksk, zsk, csk)");
}

TEST(PolicyYaml, MissingFileIsASystemError) {
    EXPECT_THROW(load_policy_file("/nonexistent/policy.yaml"), SystemError);
}

TEST(Policy, SourcePlaceAndCdsModeTexts) {
    EXPECT_EQ((SourcePlace{"a.yaml", 3, 7}).text(), "a.yaml:3:7");
    EXPECT_EQ((SourcePlace{"a.yaml", 3, 0}).text(), "a.yaml:3");
    EXPECT_EQ(SourcePlace{}.text(), "built-in default");
    EXPECT_EQ(to_string(CdsMode::None), "none");
    EXPECT_EQ(to_string(CdsMode::DuringRollover), "during-rollover");
    EXPECT_EQ(to_string(CdsMode::Always), "always");
    for (CdsMode m : {CdsMode::None, CdsMode::DuringRollover, CdsMode::Always})
        EXPECT_EQ(parse_cds_mode(to_string(m)), m);
    EXPECT_FALSE(parse_cds_mode("rollover"));
    const PolicyFinding f{PolicyFinding::Severity::Warning, {"p.yaml", 2, 4}, "careful"};
    EXPECT_EQ(f.text(), "p.yaml:2:4: warning: careful");
}

TEST(Policy, DefaultPolicyIsAKskAndA90DayZskWithNoFindings) {
    const Policy p = default_policy();
    EXPECT_EQ(p.name, "default");
    ASSERT_EQ(p.keys.size(), 2u);
    EXPECT_EQ(p.keys[0].role, KeyRole::Ksk);
    EXPECT_EQ(p.keys[0].algorithm, 13);
    EXPECT_FALSE(p.keys[0].lifetime);
    EXPECT_EQ(p.keys[1].role, KeyRole::Zsk);
    EXPECT_EQ(p.keys[1].algorithm, 13);
    EXPECT_EQ(p.keys[1].lifetime, 90 * kDay);
    EXPECT_EQ(p.validity, 14 * kDay);
    EXPECT_EQ(p.refresh, 5 * kDay);
    EXPECT_EQ(p.dnskey_ttl, 3600u);
    EXPECT_EQ(p.cds_cdnskey, CdsMode::DuringRollover);
    EXPECT_EQ(p.place.text(), "built-in default");
    EXPECT_TRUE(check_policy(p).empty());
}

// ---- semantic rules: each fires just past its limit, not at it ----

struct Outcome {
    std::size_t errors = 0, warnings = 0;
    std::string text;  // every finding, for failure messages and substring checks
};

Outcome outcome_of(const Policy& p) {
    Outcome o;
    for (const auto& f : check_policy(p)) {
        (f.severity == PolicyFinding::Severity::Error ? o.errors : o.warnings)++;
        o.text += f.text() + "\n";
    }
    return o;
}

Policy modified(const std::function<void(Policy&)>& change) {
    Policy p = default_policy();
    change(p);
    return p;
}

void expect_error(const Policy& p, const std::string& fragment) {
    const Outcome o = outcome_of(p);
    EXPECT_GE(o.errors, 1u) << o.text;
    EXPECT_NE(o.text.find("error: " + fragment), std::string::npos) << "wanted error: " << fragment << "\n" << o.text;
}

void expect_warning_only(const Policy& p, const std::string& fragment) {
    const Outcome o = outcome_of(p);
    EXPECT_EQ(o.errors, 0u) << o.text;
    EXPECT_NE(o.text.find("warning: " + fragment), std::string::npos) << "wanted warning: " << fragment << "\n"
                                                                         << o.text;
}

void expect_clean(const Policy& p) {
    const Outcome o = outcome_of(p);
    EXPECT_EQ(o.errors + o.warnings, 0u) << o.text;
}

TEST(PolicyCheck, RefreshBelowValidityAndDenialValidity) {
    expect_clean(modified([](Policy& p) { p.refresh = p.validity - 1; p.jitter = 0; }));
    expect_error(modified([](Policy& p) { p.refresh = p.validity; }), "refresh (14d) must be less than the validity");
    expect_error(modified([](Policy& p) { p.denial_validity = 5 * kDay; }),
                 "refresh (5d) must be less than the denial validity (5d)");
    expect_error(modified([](Policy& p) { p.refresh = 0; }), "signature refresh must be positive");
    expect_error(modified([](Policy& p) { p.validity = 0; }), "signature validity must be positive");
    expect_error(modified([](Policy& p) { p.denial_validity = -1; }), "denial signature validity must be positive");
}

TEST(PolicyCheck, JitterAtMostHalfTheValidity) {
    expect_clean(modified([](Policy& p) { p.jitter = 7 * kDay; }));
    expect_error(modified([](Policy& p) { p.jitter = 7 * kDay + 1; }),
                 "jitter (7d1s) must be at most half the validity");
    expect_error(modified([](Policy& p) { p.denial_validity = 6 * kDay; p.jitter = 3 * kDay + 1; }),
                 "jitter (3d1s) must be at most half the denial validity (6d)");
    expect_error(modified([](Policy& p) { p.jitter = -1; }), "signature jitter must not be negative");
}

TEST(PolicyCheck, InceptionOffsetAtMostOneHour) {
    expect_clean(modified([](Policy& p) { p.inception_offset = 3600; }));
    expect_clean(modified([](Policy& p) { p.inception_offset = 0; }));
    expect_error(modified([](Policy& p) { p.inception_offset = 3601; }), "inception offset (1h1s) must be at most 1h");
}

TEST(PolicyCheck, RefreshShorterThanCachingIsAWarning) {
    // Renewed with `refresh` left, a signature can stay cached for the
    // propagation delay plus the max zone TTL.
    expect_clean(modified([](Policy& p) { p.refresh = kDay + 301; }));
    expect_warning_only(modified([](Policy& p) { p.refresh = kDay + 300; }), "refresh (1d5m) is not longer than");
}

TEST(PolicyCheck, KskLifetimeLongerThanItsRollover) {
    // DNSKEY TTL 1h + propagation 5m + publish safety 1h + registration 0 +
    // parent propagation 1h + DS TTL 1d + retire safety 1h = 1d4h5m.
    const Seconds need = kDay + 4 * kHour + 300;
    expect_clean(modified([&](Policy& p) { p.keys[0].lifetime = need + 1; }));
    expect_error(modified([&](Policy& p) { p.keys[0].lifetime = need; }),
                 "KSK ECDSAP256SHA256 lifetime 1d4h5m is not longer than a KSK rollover takes: DNSKEY TTL 1h + zone "
                 "propagation delay 5m + publish safety 1h + registration delay 0 + parent propagation delay 1h + DS "
                 "TTL 1d + retire safety 1h = 1d4h5m");
    // Each term counts.
    expect_error(modified([&](Policy& p) { p.keys[0].lifetime = need + 1; p.parent_registration_delay = 1; }),
                 "KSK ECDSAP256SHA256 lifetime");
    expect_error(modified([&](Policy& p) { p.keys[0].lifetime = need + 1; p.parent_ds_ttl += 1; }),
                 "KSK ECDSAP256SHA256 lifetime");
    expect_error(modified([](Policy& p) { p.keys[0].lifetime = 0; }), "KSK ECDSAP256SHA256 lifetime must be positive");
}

TEST(PolicyCheck, ZskLifetimeLongerThanItsRollover) {
    // DNSKEY TTL 1h + max zone TTL 1d + 2 x 5m + publish 1h + retire 1h.
    const Seconds need = kDay + 3 * kHour + 600;
    expect_clean(modified([&](Policy& p) { p.keys[1].lifetime = need + 1; }));
    expect_error(modified([&](Policy& p) { p.keys[1].lifetime = need; }),
                 "ZSK ECDSAP256SHA256 lifetime 1d3h10m is not longer than a ZSK rollover takes");
    expect_error(modified([&](Policy& p) { p.keys[1].lifetime = need + 1; p.max_zone_ttl += 1; }),
                 "ZSK ECDSAP256SHA256 lifetime");
    // A CSK must outlast both kinds of rollover.
    Policy csk = default_policy();
    csk.keys = {KeySpec{}};
    csk.keys[0].lifetime = need + 1;  // outlasts a ZSK rollover, not a KSK rollover with a 2d DS TTL
    csk.parent_ds_ttl = 2 * 86400;
    const Outcome o = outcome_of(csk);
    EXPECT_EQ(o.errors, 1u) << o.text;
    expect_error(csk, "CSK ECDSAP256SHA256 lifetime 1d3h10m1s is not longer than a KSK rollover takes");
    csk.parent_ds_ttl = 3600;
    expect_clean(csk);
}

TEST(PolicyCheck, Nsec3IterationsAndSalt) {
    auto nsec3 = [](unsigned iterations, unsigned salt) {
        return modified([&](Policy& p) {
            p.denial = DenialType::Nsec3;
            p.nsec3_iterations = static_cast<std::uint16_t>(iterations);
            p.nsec3_salt_length = salt;
        });
    };
    expect_clean(nsec3(0, 0));
    expect_warning_only(nsec3(1, 0), "NSEC3 iterations 1: RFC 9276 recommends 0");
    expect_warning_only(nsec3(50, 0), "NSEC3 iterations 50");
    expect_error(nsec3(51, 0), "NSEC3 iterations 51 are refused");
    expect_warning_only(nsec3(0, 255), "RFC 9276 recommends no NSEC3 salt");
    expect_error(nsec3(0, 256), "NSEC3 salt length 256 is more than 255 octets");
    Policy resalt = nsec3(0, 0);
    resalt.nsec3_resalt = 30 * kDay;
    expect_warning_only(resalt, "resalt has no effect with salt_length 0");
    resalt.nsec3_resalt = 0;
    expect_error(resalt, "the resalt interval must be positive");
    // NSEC ignores the NSEC3 fields.
    expect_clean(modified([](Policy& p) { p.nsec3_iterations = 100; }));
}

TEST(PolicyCheck, AlgorithmsSupportedAndRecommended) {
    auto with_algorithm = [](std::uint8_t a) {
        return modified([&](Policy& p) {
            for (auto& k : p.keys) k.algorithm = a;
        });
    };
    for (std::uint8_t a : {8, 13, 14, 15, 16}) expect_clean(with_algorithm(a));
    expect_warning_only(with_algorithm(10), "algorithm RSASHA512 is NOT RECOMMENDED for DNSSEC signing");
    expect_error(with_algorithm(5), "zonesigner cannot sign with algorithm RSASHA1 (IANA: MUST NOT");
    expect_error(with_algorithm(7), "zonesigner cannot sign with algorithm NSEC3RSASHA1");
    for (std::uint8_t a : {3, 6, 12, 253})
        expect_error(with_algorithm(a), "zonesigner cannot sign with algorithm " + std::to_string(a) + ";");
}

TEST(PolicyCheck, KeySizes) {
    auto rsa = [](unsigned bits) {
        return modified([&](Policy& p) {
            for (auto& k : p.keys) {
                k.algorithm = 8;
                k.bits = bits;
            }
        });
    };
    expect_clean(rsa(0));
    expect_clean(rsa(2048));
    expect_clean(rsa(4096));
    expect_warning_only(rsa(1024), "RSA key size 1024 is weak");
    expect_warning_only(rsa(2047), "RSA key size 2047 is weak");
    expect_error(rsa(1023), "RSA key size 1023 must be from 1024 to 4096 bits");
    expect_error(rsa(4097), "RSA key size 4097 must be from 1024 to 4096 bits");
    expect_error(modified([](Policy& p) { p.keys[1].bits = 256; }),
                 "'bits' applies to RSA algorithms only, not to ECDSAP256SHA256");
}

TEST(PolicyCheck, KeyRolesPerAlgorithm) {
    auto keys = [](std::vector<std::pair<KeyRole, std::uint8_t>> roles) {
        return modified([&](Policy& p) {
            p.keys.clear();
            for (const auto& [role, algorithm] : roles) {
                KeySpec k;
                k.role = role;
                k.algorithm = algorithm;
                p.keys.push_back(k);
            }
        });
    };
    expect_clean(keys({{KeyRole::Csk, 13}}));
    expect_clean(keys({{KeyRole::Ksk, 13}, {KeyRole::Zsk, 13}}));
    // Two algorithms, each complete (the middle of an algorithm rollover).
    expect_clean(keys({{KeyRole::Ksk, 8}, {KeyRole::Zsk, 8}, {KeyRole::Csk, 13}}));
    expect_error(keys({}), "the keys list is empty");
    expect_error(keys({{KeyRole::Ksk, 13}}), "algorithm ECDSAP256SHA256 has a KSK but no ZSK");
    expect_error(keys({{KeyRole::Zsk, 13}}), "algorithm ECDSAP256SHA256 has a ZSK but no KSK");
    expect_error(keys({{KeyRole::Ksk, 13}, {KeyRole::Zsk, 8}}), "algorithm RSASHA256 has a ZSK but no KSK");
    expect_error(keys({{KeyRole::Csk, 13}, {KeyRole::Zsk, 13}}), "algorithm ECDSAP256SHA256 has both a CSK and a ZSK");
    expect_error(keys({{KeyRole::Ksk, 13}, {KeyRole::Zsk, 13}, {KeyRole::Zsk, 13}}),
                 "duplicate key entry ZSK ECDSAP256SHA256 (the same role and algorithm as keys[1])");
}

TEST(PolicyCheck, TimingValues) {
    expect_clean(modified([](Policy& p) { p.purge_after = 0; p.parent_registration_delay = 0; p.publish_safety = 0; }));
    expect_error(modified([](Policy& p) { p.purge_after = -1; }), "purge_after must not be negative");
    expect_error(modified([](Policy& p) { p.publish_safety = -1; }), "safety.publish must not be negative");
    expect_error(modified([](Policy& p) { p.dnskey_ttl = 0; }), "the DNSKEY TTL must be positive");
    expect_error(modified([](Policy& p) { p.parent_ds_ttl = 0; }), "the DS TTL must be positive");
    expect_warning_only(modified([](Policy& p) { p.manual_rollover[KeyRole::Csk] = true; }),
                        "manual rollover of CSK keys, but the policy has none");
    expect_clean(modified([](Policy& p) { p.manual_rollover[KeyRole::Ksk] = true; }));
}

TEST(PolicyCheck, FindingsNameTheFieldsPlaceInFileOrder) {
    const Policy p = parse_policy_text(
        "name: places\n"
        "keys:\n"
        "  - {role: ksk, lifetime: unlimited}\n"
        "  - {role: zsk, lifetime: 1d}\n"
        "signatures:\n"
        "  validity: 10d\n"
        "  refresh: 12d\n"
        "denial: {type: nsec3, iterations: 3}\n",
        "places.yaml");
    const auto findings = check_policy(p);
    std::vector<std::string> texts;
    for (const auto& f : findings) texts.push_back(f.text().substr(0, f.text().find(": ", 20)));
    EXPECT_EQ(texts, (std::vector<std::string>{"places.yaml:4:27: error", "places.yaml:7:12: error",
                                               "places.yaml:8:35: warning"}))
        << ::testing::PrintToString(texts);
    EXPECT_TRUE(has_errors(findings));
    EXPECT_FALSE(has_errors({findings.back()}));
}

// ---- the corpus and the examples ----

struct Expectation {
    unsigned line = 0, column = 0;
    std::string fragment;
};

Expectation expectation_of(const fs::path& file) {
    std::ifstream in(file);
    std::string first;
    std::getline(in, first);
    const std::string prefix = "# expect: ";
    if (first.rfind(prefix, 0) != 0) throw std::runtime_error(file.string() + ": no '# expect:' line");
    std::string rest = first.substr(prefix.size());
    Expectation e;
    const std::size_t colon1 = rest.find(':'), colon2 = rest.find(':', colon1 + 1);
    e.line = static_cast<unsigned>(std::stoul(rest.substr(0, colon1)));
    e.column = static_cast<unsigned>(std::stoul(rest.substr(colon1 + 1, colon2 - colon1 - 1)));
    e.fragment = rest.substr(colon2 + 2);
    return e;
}

TEST(PolicyCorpus, EveryBadPolicyFailsAtItsPlace) {
    const fs::path corpus = fs::path(ZS_TEST_DATA) / "bad-policy";
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(corpus)) {
        if (entry.path().extension() != ".yaml") continue;
        ++count;
        const std::string file = entry.path().string();
        const Expectation e = expectation_of(entry.path());
        const std::string place = file + ":" + std::to_string(e.line) + ":" + std::to_string(e.column);
        std::vector<std::string> errors;
        try {
            for (const auto& f : check_policy(load_policy_file(file)))
                if (f.severity == PolicyFinding::Severity::Error) errors.push_back(f.place.text() + ": " + f.message);
        } catch (const InputError& error) {
            errors.push_back(error.what());
            EXPECT_EQ(error.line(), e.line) << file;
        }
        ASSERT_FALSE(errors.empty()) << file << " was accepted";
        const bool found = std::any_of(errors.begin(), errors.end(), [&](const std::string& text) {
            return text.rfind(place + ": ", 0) == 0 && text.find(e.fragment) != std::string::npos;
        });
        EXPECT_TRUE(found) << file << ": wanted " << place << ": ..." << e.fragment << "...\ngot:\n"
                           << ::testing::PrintToString(errors);
    }
    EXPECT_GE(count, 15u);
}

TEST(PolicyExamples, EveryExampleIsClean) {
    const fs::path examples = fs::path(ZS_SOURCE_DIR) / "policy" / "examples";
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(examples)) {
        if (entry.path().extension() != ".yaml") continue;
        const Policy p = load_policy_file(entry.path().string());
        names.insert(p.name);
        EXPECT_EQ(p.name, entry.path().stem().string());
        const Outcome o = outcome_of(p);
        EXPECT_EQ(o.errors + o.warnings, 0u) << entry.path() << "\n" << o.text;
    }
    EXPECT_EQ(names, (std::set<std::string>{"standard", "zsk-rolls", "ksk-rolls", "csk", "algorithm-rsa",
                                            "algorithm-ecdsa"}));
    // The algorithm rollover example changes the algorithm and nothing else.
    Policy rsa = load_policy_file((examples / "algorithm-rsa.yaml").string());
    const Policy ecdsa = load_policy_file((examples / "algorithm-ecdsa.yaml").string());
    EXPECT_EQ(signing_params(rsa).algorithm, 8);
    EXPECT_EQ(signing_params(ecdsa).algorithm, 13);
    for (auto& k : rsa.keys) {
        k.algorithm = 13;
        k.bits = 0;
    }
    const SigningParams a = signing_params(rsa), b = signing_params(ecdsa);
    EXPECT_EQ(a.algorithm, b.algorithm);
    EXPECT_EQ(a.validity, b.validity);
    EXPECT_EQ(a.denial, b.denial);
    EXPECT_EQ(rsa.keys.size(), ecdsa.keys.size());
    for (std::size_t i = 0; i < rsa.keys.size(); ++i) {
        EXPECT_EQ(rsa.keys[i].role, ecdsa.keys[i].role);
        EXPECT_EQ(rsa.keys[i].lifetime, ecdsa.keys[i].lifetime);
    }
}

// ---- signing parameters ----

TEST(PolicySigningParams, MapsEveryField) {
    const Policy p = parse_policy_text(kFullPolicy, "full.yaml");
    const SigningParams s = signing_params(p);
    EXPECT_EQ(s.algorithm, 8);
    EXPECT_EQ(s.rsa_bits, 3072u);
    EXPECT_FALSE(s.csk);
    EXPECT_EQ(s.validity, 21 * kDay);
    EXPECT_EQ(s.denial_validity, 10 * kDay);
    EXPECT_EQ(s.jitter, 6 * kHour);
    EXPECT_EQ(s.inception_offset, 1800);
    EXPECT_EQ(s.dnskey_ttl, 7200u);
    EXPECT_EQ(s.denial, DenialType::Nsec3);
    EXPECT_EQ(s.nsec3.iterations, 5);
    EXPECT_TRUE(s.nsec3.opt_out);
    EXPECT_TRUE(s.nsec3.salt.empty());  // the caller draws the 8 octets
    EXPECT_EQ(s.serial, SerialMode::DateCounter);
    EXPECT_TRUE(s.publish_cds);
    EXPECT_EQ(check_params(s), "");
}

TEST(PolicySigningParams, DefaultsCskAndCdsModes) {
    const SigningParams d = signing_params(default_policy());
    EXPECT_EQ(d.algorithm, 13);
    EXPECT_FALSE(d.csk);
    EXPECT_EQ(d.dnskey_ttl, 3600u);
    EXPECT_EQ(d.denial, DenialType::Nsec);
    EXPECT_FALSE(d.publish_cds);  // during-rollover: the key manager decides
    EXPECT_EQ(d.serial, SerialMode::Increment);

    const Policy rsa_csk = parse_policy_text("name: c\nkeys: [{role: csk, algorithm: RSASHA512, lifetime: 180d}]\n"
                                             "cds_cdnskey: none\n",
                                             "c.yaml");
    const SigningParams c = signing_params(rsa_csk);
    EXPECT_TRUE(c.csk);
    EXPECT_EQ(c.algorithm, 10);
    EXPECT_EQ(c.rsa_bits, 2048u);
    EXPECT_FALSE(c.publish_cds);
}

}  // namespace
}  // namespace zs::policy
