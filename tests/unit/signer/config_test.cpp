// The signer configuration: good files parse to what they say, every file of
// the bad-config corpus fails at the line and column its expected.tsv names,
// the PIN sources are checked, and the file is found where the CLI says.
#include "signer/config.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace zs::signer {
namespace {

namespace fs = std::filesystem;

const std::string kCorpus = std::string(ZS_TEST_DATA) + "/bad-config";

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "zs-config-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() { fs::remove_all(path_); }
    const std::string& path() const { return path_; }
    std::string write(const std::string& name, const std::string& text, unsigned mode = 0600) const {
        const std::string file = path_ + "/" + name;
        std::ofstream(file) << text;
        ::chmod(file.c_str(), mode);
        return file;
    }

private:
    std::string path_;
};

// Sets an environment variable for one test, restoring it afterwards.
class ScopedEnv {
public:
    ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
        if (const char* old = std::getenv(name_.c_str())) old_ = old;
        value ? ::setenv(name_.c_str(), value, 1) : ::unsetenv(name_.c_str());
    }
    ~ScopedEnv() { old_ ? ::setenv(name_.c_str(), old_->c_str(), 1) : ::unsetenv(name_.c_str()); }

private:
    std::string name_;
    std::optional<std::string> old_;
};

TEST(Config, ParsesEveryOptionOfBothTypes) {
    const Config c = parse_config(R"(signers:
  - name: hsm
    type: pkcs11
    module: /usr/lib/softhsm/libsofthsm2.so
    token_label: zs
    pin_file: secrets/hsm.pin
    max_sessions: 4
    require_backup: true
  - name: hsm-by-slot
    type: pkcs11
    module: libsofthsm2.so
    slot: 7
    pin_env: ZS_PIN
  - name: hsm-by-uri
    type: pkcs11
    module: ./lib/module.so
    uri: "pkcs11:token=zs;serial=1234"
  - name: files
    type: openssl
    directory: keys
  - name: default-files
    type: openssl
roles:
  new_keys: hsm
  one_time: files
  random_fallback: default-files
)",
                                  "/etc/zonesigner/zonesigner.yaml", "/var/lib/zonesigner");
    EXPECT_EQ(c.path, "/etc/zonesigner/zonesigner.yaml");
    ASSERT_EQ(c.signers.size(), 5u);
    const SignerEntry& hsm = c.signers[0];
    EXPECT_EQ(hsm.name, "hsm");
    EXPECT_EQ(hsm.type, "pkcs11");
    EXPECT_EQ(hsm.module, "/usr/lib/softhsm/libsofthsm2.so");
    EXPECT_EQ(hsm.token_label, "zs");
    EXPECT_FALSE(hsm.slot);
    EXPECT_EQ(hsm.pin_file, "/etc/zonesigner/secrets/hsm.pin");  // relative to the file
    EXPECT_EQ(hsm.pin_place.line, 6u);
    EXPECT_EQ(hsm.pin_place.column, 15u);
    EXPECT_EQ(hsm.max_sessions, 4u);
    EXPECT_TRUE(hsm.require_backup);
    EXPECT_EQ(hsm.place.line, 2u);

    const SignerEntry& by_slot = c.signers[1];
    EXPECT_EQ(by_slot.module, "libsofthsm2.so");  // left to the loader's search path
    EXPECT_EQ(by_slot.slot, 7ul);
    EXPECT_EQ(by_slot.pin_env, "ZS_PIN");
    EXPECT_FALSE(by_slot.max_sessions);
    EXPECT_FALSE(by_slot.require_backup);

    EXPECT_EQ(c.signers[2].uri, "pkcs11:token=zs;serial=1234");
    EXPECT_EQ(c.signers[2].module, "/etc/zonesigner/./lib/module.so");
    EXPECT_EQ(c.signers[3].directory, "/etc/zonesigner/keys");
    EXPECT_EQ(c.signers[4].directory, "/var/lib/zonesigner/keys");

    EXPECT_EQ(c.roles.new_keys, "hsm");
    EXPECT_EQ(c.roles.one_time, "files");
    EXPECT_EQ(c.roles.random_fallback, "default-files");
    ASSERT_NE(c.find("files"), nullptr);
    EXPECT_EQ(c.find("files")->type, "openssl");
    EXPECT_EQ(c.find("nope"), nullptr);
}

TEST(Config, RolesDefaultToTheFirstSigner) {
    const Config c = parse_config("signers:\n  - {name: b, type: openssl}\n  - {name: a, type: openssl}\n"
                                  "roles:\n  one_time: a\n",
                                  "z.yaml", "/s");
    EXPECT_EQ(c.roles.new_keys, "b");
    EXPECT_EQ(c.roles.one_time, "a");
    EXPECT_EQ(c.roles.random_fallback, "b");
}

TEST(Config, DefaultIsOneFileSignerInTheStateDirectory) {
    const Config c = default_config("/var/lib/zonesigner");
    ASSERT_EQ(c.signers.size(), 1u);
    EXPECT_EQ(c.signers[0].name, "files");
    EXPECT_EQ(c.signers[0].type, "openssl");
    EXPECT_EQ(c.signers[0].directory, "/var/lib/zonesigner/keys");
    EXPECT_EQ(c.roles.new_keys, "files");
    EXPECT_EQ(c.roles.one_time, "files");
    EXPECT_EQ(c.roles.random_fallback, "files");
    EXPECT_TRUE(c.path.empty());
}

struct Expected {
    std::string file;
    unsigned line = 0;
    unsigned column = 0;
    std::string fragment;
};

std::vector<Expected> read_expected() {
    std::ifstream in(kCorpus + "/expected.tsv");
    if (!in) throw std::runtime_error("cannot read " + kCorpus + "/expected.tsv");
    std::vector<Expected> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        Expected e;
        std::string l, c;
        std::getline(fields, e.file, '\t');
        std::getline(fields, l, '\t');
        std::getline(fields, c, '\t');
        std::getline(fields, e.fragment);
        e.line = static_cast<unsigned>(std::stoul(l));
        e.column = static_cast<unsigned>(std::stoul(c));
        rows.push_back(e);
    }
    return rows;
}

TEST(ConfigCorpus, EveryFileHasAnExpectation) {
    std::set<std::string> expected;
    for (const auto& e : read_expected()) expected.insert(e.file);
    std::set<std::string> present;
    for (const auto& f : fs::directory_iterator(kCorpus))
        if (f.path().extension() == ".yaml") present.insert(f.path().filename().string());
    EXPECT_EQ(present, expected);
    EXPECT_GE(present.size(), 20u);
}

TEST(ConfigCorpus, EachBadFileFailsAtItsLineAndColumn) {
    for (const auto& e : read_expected()) {
        const std::string path = kCorpus + "/" + e.file;
        try {
            read_config_file(path, "/state");
            ADD_FAILURE() << e.file << " was accepted";
        } catch (const InputError& error) {
            const std::string text = error.what();
            const std::string place = path + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + ": ";
            EXPECT_EQ(text.substr(0, place.size()), place) << e.file << ": " << text;
            EXPECT_NE(text.find(e.fragment), std::string::npos) << e.file << ": " << text;
            EXPECT_EQ(error.line(), e.line) << e.file;
        } catch (const std::exception& error) {
            ADD_FAILURE() << e.file << ": not an InputError: " << error.what();
        }
    }
}

TEST(ConfigPin, PinFileMustBeMode0600) {
    TempDir dir;
    const std::string pin = dir.write("hsm.pin", "5678\n", 0644);
    const std::string file = dir.write("zs.yaml", "signers:\n  - name: hsm\n    type: pkcs11\n    module: m.so\n"
                                                  "    token_label: zs\n    pin_file: hsm.pin\n");
    const Config c = read_config_file(file, dir.path());
    ASSERT_EQ(c.signers[0].pin_file, pin);
    try {
        read_pin(c.signers[0]);
        FAIL() << "a PIN file readable by others was accepted";
    } catch (const InputError& e) {
        const std::string text = e.what();
        EXPECT_EQ(text.rfind(file + ":6:15: signer 'hsm': cannot read its PIN", 0), 0u) << text;
        EXPECT_NE(text.find("0600"), std::string::npos) << text;
    }
    ::chmod(pin.c_str(), 0600);
    EXPECT_EQ(read_pin(c.signers[0]).reveal(), "5678");
}

TEST(ConfigPin, PinFromTheEnvironment) {
    const Config c = parse_config("signers:\n  - name: hsm\n    type: pkcs11\n    module: m.so\n    slot: 1\n"
                                  "    pin_env: ZS_CONFIG_TEST_PIN\n",
                                  "zs.yaml", "/s");
    {
        ScopedEnv unset("ZS_CONFIG_TEST_PIN", nullptr);
        try {
            read_pin(c.signers[0]);
            FAIL() << "an unset PIN variable was accepted";
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find("zs.yaml:6:14: signer 'hsm': cannot read its PIN: environment "
                                                 "variable ZS_CONFIG_TEST_PIN is not set"),
                      std::string::npos)
                << e.what();
        }
    }
    ScopedEnv set("ZS_CONFIG_TEST_PIN", "4321");
    EXPECT_EQ(read_pin(c.signers[0]).reveal(), "4321");
}

TEST(ConfigLocation, OptionThenEnvironmentThenStateDirectoryThenDefault) {
    TempDir dir;
    ScopedEnv no_env("ZONESIGNER_CONFIG", nullptr);
    EXPECT_EQ(find_config_file("", dir.path()), "");
    Config c = load_config("", dir.path());
    EXPECT_TRUE(c.path.empty());
    EXPECT_EQ(c.signers[0].name, "files");

    const std::string in_state = dir.write("zonesigner.yaml", "signers:\n  - {name: state, type: openssl}\n");
    EXPECT_EQ(find_config_file("", dir.path()), in_state);
    EXPECT_EQ(load_config("", dir.path()).signers[0].name, "state");

    const std::string from_env = dir.write("env.yaml", "signers:\n  - {name: env, type: openssl}\n");
    ScopedEnv env("ZONESIGNER_CONFIG", from_env.c_str());
    EXPECT_EQ(load_config("", dir.path()).signers[0].name, "env");

    const std::string from_option = dir.write("option.yaml", "signers:\n  - {name: option, type: openssl}\n");
    EXPECT_EQ(load_config(from_option, dir.path()).signers[0].name, "option");

    // A named file that is missing is an error, not a fall-back to the default.
    EXPECT_THROW(load_config(dir.path() + "/missing.yaml", dir.path()), SystemError);
}

}  // namespace
}  // namespace zs::signer
