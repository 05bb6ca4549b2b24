// Policies in the configuration (`policies:` inline, `policy_files:` by
// path) and resolve_policy's order: a file, then a configured name, then
// the built-in default; unusable policies refused with their places.
#include "signer/policy_lookup.hpp"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "signer/config.hpp"

namespace zs::signer {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "zs-policy-lookup-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() { fs::remove_all(path_); }
    const std::string& path() const { return path_; }
    std::string write(const std::string& name, const std::string& text) const {
        const std::string file = path_ + "/" + name;
        fs::create_directories(fs::path(file).parent_path());
        std::ofstream(file) << text;
        return file;
    }

private:
    std::string path_;
};

const std::string kSigners = "signers:\n  - {name: files, type: openssl}\n";

std::string input_error_of(const std::string& config_text, const std::string& file = "/etc/zs/zs.yaml") {
    try {
        parse_config(config_text, file, "/state");
    } catch (const InputError& e) {
        return e.what();
    }
    return "(accepted)";
}

TEST(ConfigPolicies, InlineAndFilePoliciesInOrder) {
    TempDir dir;
    dir.write("policies/slow.yaml", "name: slow\nkeys:\n  - {role: csk, lifetime: 365d}\n");
    const std::string config_file = dir.write("zs.yaml", kSigners +
                                                             "policies:\n"
                                                             "  - name: fast\n"
                                                             "    keys:\n"
                                                             "      - {role: ksk, lifetime: unlimited}\n"
                                                             "      - {role: zsk, lifetime: 30d}\n"
                                                             "  - {name: nsec3, denial: {type: nsec3}}\n"
                                                             "policy_files:\n"
                                                             "  - policies/slow.yaml\n");
    const Config c = read_config_file(config_file, dir.path());
    ASSERT_EQ(c.policies.size(), 3u);
    EXPECT_EQ(c.policies[0].name, "fast");
    EXPECT_EQ(c.policies[0].keys.at(1).lifetime, 30 * 86400);
    EXPECT_EQ(c.policies[0].place.text(), config_file + ":4:5");
    EXPECT_EQ(c.policies[0].place_of("keys[1].lifetime").text(), config_file + ":7:31");
    EXPECT_EQ(c.policies[1].name, "nsec3");
    EXPECT_EQ(c.policies[1].denial, policy::DenialType::Nsec3);
    EXPECT_EQ(c.policies[2].name, "slow");  // relative to the configuration's directory
    EXPECT_EQ(c.policies[2].place.file, dir.path() + "/policies/slow.yaml");
    ASSERT_NE(c.find_policy("slow"), nullptr);
    EXPECT_EQ(c.find_policy("slow")->keys.at(0).role, policy::KeyRole::Csk);
    EXPECT_EQ(c.find_policy("default"), nullptr);
    EXPECT_EQ(known_policy_names(c), (std::vector<std::string>{"default", "fast", "nsec3", "slow"}));

    // Without policies the lists are empty and the signers unchanged.
    const Config plain = parse_config(kSigners, "zs.yaml", "/state");
    EXPECT_TRUE(plain.policies.empty());
    EXPECT_EQ(plain.signers.size(), 1u);
    EXPECT_TRUE(default_config("/state").policies.empty());
}

TEST(ConfigPolicies, ErrorsNameTheConfigurationsPlace) {
    EXPECT_EQ(input_error_of(kSigners + "policies:\n  - {name: a}\n  - {name: b}\n  - {name: a}\n"),
              "/etc/zs/zs.yaml:6:12: duplicate policy name 'a' (first at /etc/zs/zs.yaml:4:12)");
    EXPECT_EQ(input_error_of(kSigners + "policies:\n  - name: a\n    signatures: {refersh: 5d}\n"),
              "/etc/zs/zs.yaml:5:18: unknown key 'refersh' in signatures (known keys: validity, denial_validity, "
              "refresh, jitter, inception_offset)");
    EXPECT_EQ(input_error_of(kSigners + "policies:\n  name: a\n"),
              "/etc/zs/zs.yaml:4:3: 'policies' must be a list of policies, not a map");
    EXPECT_EQ(input_error_of(kSigners + "policy_files: standard.yaml\n"),
              "/etc/zs/zs.yaml:3:15: 'policy_files' must be a list of policy file paths, not a single value");
    const std::string missing = input_error_of(kSigners + "policy_files:\n  - /nonexistent/p.yaml\n");
    EXPECT_EQ(missing.rfind("/etc/zs/zs.yaml:4:5: cannot open policy file", 0), 0u) << missing;
    EXPECT_EQ(input_error_of(kSigners + "polices: []\n").rfind("/etc/zs/zs.yaml:3:1: unknown key 'polices'", 0), 0u);
}

TEST(ConfigPolicies, DuplicateBetweenInlineAndFile) {
    TempDir dir;
    const std::string policy_file = dir.write("a.yaml", "name: a\n");
    const std::string config_file =
        dir.write("zs.yaml", kSigners + "policies:\n  - {name: a}\npolicy_files:\n  - a.yaml\n");
    try {
        read_config_file(config_file, dir.path());
        FAIL() << "duplicate accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()),
                  config_file + ":6:5: duplicate policy name 'a' (first at " + config_file + ":4:12)");
    }
    // A schema error inside a policy file names that file.
    dir.write("a.yaml", "name: a\nttls: {dnskey: soon}\n");
    const std::string config2 = dir.write("zs2.yaml", kSigners + "policy_files: [a.yaml]\n");
    try {
        read_config_file(config2, dir.path());
        FAIL() << "bad policy file accepted";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()).rfind(policy_file + ":2:16: ttls.dnskey: must be a duration", 0), 0u)
            << e.what();
    }
}

TEST(ResolvePolicy, FileThenConfiguredNameThenDefault) {
    TempDir dir;
    const std::string file = dir.write("csk.yaml", "name: from-file\nkeys: [{role: csk, lifetime: 180d}]\n");
    const Config c = parse_config(kSigners +
                                      "policies:\n"
                                      "  - {name: fast, keys: [{role: ksk}, {role: zsk, lifetime: 30d}]}\n"
                                      "  - {name: csk.yaml, keys: [{role: csk}]}\n",
                                  dir.path() + "/zs.yaml", "/state");

    EXPECT_EQ(resolve_policy(c, file).name, "from-file");
    EXPECT_EQ(resolve_policy(c, "fast").name, "fast");
    EXPECT_EQ(resolve_policy(c, "csk.yaml").name, "csk.yaml");  // no such file here: the configured name
    const policy::Policy d = resolve_policy(c, "default");
    EXPECT_EQ(d.name, "default");
    EXPECT_EQ(d.keys.size(), 2u);
    EXPECT_EQ(resolve_policy(default_config("/state"), "default").name, "default");

    try {
        resolve_policy(c, "slow");
        FAIL() << "unknown policy accepted";
    } catch (const UsageError& e) {
        const std::string text = e.what();
        EXPECT_NE(text.find("unknown policy 'slow'"), std::string::npos) << text;
        EXPECT_NE(text.find("(known policies: csk.yaml, default, fast)"), std::string::npos) << text;
    }
}

TEST(ResolvePolicy, ConfiguredDefaultReplacesTheBuiltIn) {
    const Config c = parse_config(kSigners + "policies:\n  - {name: default, keys: [{role: csk}]}\n", "zs.yaml",
                                  "/state");
    const policy::Policy p = resolve_policy(c, "default");
    ASSERT_EQ(p.keys.size(), 1u);
    EXPECT_EQ(p.keys[0].role, policy::KeyRole::Csk);
    EXPECT_EQ(known_policy_names(c), (std::vector<std::string>{"default"}));
}

TEST(ResolvePolicy, ErrorsRefusedWarningsReturned) {
    const Config c = parse_config(kSigners +
                                      "policies:\n"
                                      "  - name: broken\n"
                                      "    signatures: {validity: 5d, refresh: 5d}\n"
                                      "    keys: [{role: csk, lifetime: 1h}]\n"
                                      "  - name: iterated\n"
                                      "    denial: {type: nsec3, iterations: 10}\n",
                                  "zs.yaml", "/state");
    try {
        resolve_policy(c, "broken");
        FAIL() << "a policy with errors was accepted";
    } catch (const Error& e) {
        const std::string text = e.what();
        EXPECT_EQ(text.rfind("policy broken cannot be used:", 0), 0u) << text;
        EXPECT_NE(text.find("\n  zs.yaml:5:41: refresh (5d) must be less than the validity (5d)"), std::string::npos)
            << text;
        EXPECT_NE(text.find("\n  zs.yaml:6:34: CSK ECDSAP256SHA256 lifetime 1h"), std::string::npos) << text;
    }
    std::vector<policy::PolicyFinding> warnings;
    const policy::Policy p = resolve_policy(c, "iterated", &warnings);
    EXPECT_EQ(p.nsec3_iterations, 10);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0].text(),
              "zs.yaml:8:39: warning: NSEC3 iterations 10: RFC 9276 recommends 0 (extra iterations cost validators "
              "work and add no protection)");
}

}  // namespace
}  // namespace zs::signer
