// The simulation's throwaway state: a copy of the key database and the
// file signers' keys, software signers only, and nothing left behind in the
// real state directory.
#include "signer/simulation_workspace.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "keymgr/key_db.hpp"
#include "signer/config.hpp"

namespace zs::signer {
namespace {

namespace fs = std::filesystem;

keymgr::KeyRecord key_in(const std::string& signer, std::uint16_t tag) {
    keymgr::KeyRecord key;
    key.zone = "example.";
    key.role = keymgr::KeyRole::Zsk;
    key.algorithm = 13;
    key.key_tag = tag;
    key.flags = 256;
    key.signer = signer;
    key.native_id = "id" + std::to_string(tag);
    key.dnskey_rdata = std::string("\x01\x00\x03\x0d\x00\xff", 6);
    key.created = 1700000000;
    return key;
}

std::set<std::string> files_in(const std::string& dir) {
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(dir)) names.insert(e.path().string());
    return names;
}

TEST(SimulationWorkspace, StartsEmptyWithOneSoftwareSignerPerName) {
    WorkspaceOptions o;
    o.zone = "example.";
    o.signer_names = {"", "hsm"};
    std::string root;
    {
        SimulationWorkspace w(o);
        root = w.root();
        EXPECT_FALSE(w.copied());
        EXPECT_FALSE(fs::exists(w.database()));
        const Config config = read_config_file(w.config(), w.root());
        ASSERT_EQ(config.signers.size(), 1u);  // "" is the new_keys signer
        EXPECT_EQ(config.signers[0].name, "hsm");
        EXPECT_EQ(config.signers[0].type, "openssl");
        EXPECT_EQ(config.roles.new_keys, "hsm");
        EXPECT_TRUE(fs::is_directory(config.signers[0].directory));
    }
    EXPECT_FALSE(fs::exists(root));  // removed with everything in it
}

TEST(SimulationWorkspace, CopiesTheDatabaseAndKeyFilesAndLeavesTheSourceAlone) {
    TemporaryDirectory source;
    const std::string state = source.path();
    fs::create_directories(state + "/keys");
    std::ofstream(state + "/keys/id1.pem") << "not really a key";
    {
        keymgr::KeyDb db(state + "/keys.db");
        db.add(key_in("files", 1));
    }
    const std::set<std::string> before = files_in(state);

    WorkspaceOptions o;
    o.source_state_dir = state;
    o.zone = "example.";
    SimulationWorkspace w(o);
    EXPECT_TRUE(w.copied());
    keymgr::KeyDb copy(w.database());
    ASSERT_EQ(copy.list("example.").size(), 1u);
    EXPECT_EQ(copy.list("example.")[0].key_tag, 1);
    const Config config = read_config_file(w.config(), w.root());
    ASSERT_EQ(config.signers.size(), 1u);
    EXPECT_EQ(config.signers[0].name, "files");
    EXPECT_TRUE(fs::exists(config.signers[0].directory + "/id1.pem"));
    EXPECT_NE(config.signers[0].directory.rfind(w.root(), 0), std::string::npos);

    copy.add(key_in("files", 2));  // the simulation's changes stay in the copy
    EXPECT_EQ(files_in(state), before);
    keymgr::KeyDb real(state + "/keys.db");
    EXPECT_EQ(real.list("example.").size(), 1u);
}

TEST(SimulationWorkspace, RefusesKeysHeldByAnHsmWhenTheyMustSign) {
    TemporaryDirectory source;
    const std::string state = source.path();
    std::ofstream(state + "/zonesigner.yaml")
        << "signers:\n  - name: hsm\n    type: pkcs11\n    module: /nonexistent.so\n    token_label: t\n";
    {
        keymgr::KeyDb db(state + "/keys.db");
        db.add(key_in("hsm", 7));
    }
    WorkspaceOptions o;
    o.source_state_dir = state;
    o.zone = "example.";
    try {
        SimulationWorkspace w(o);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("held by the pkcs11 signer 'hsm'"), std::string::npos) << e.what();
    }
    o.keys_must_sign = false;  // `plan` never signs: the HSM becomes a software signer
    SimulationWorkspace w(o);
    const Config config = read_config_file(w.config(), w.root());
    ASSERT_EQ(config.signers.size(), 1u);
    EXPECT_EQ(config.signers[0].type, "openssl");
}

}  // namespace
}  // namespace zs::signer
