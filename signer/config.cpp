#include "signer/config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "common/error.hpp"
#include "hsm/pkcs11_token.hpp"
#include "policy/policy_yaml.hpp"
#include "signer/yaml_reader.hpp"

namespace zs::signer {

namespace {

const std::set<std::string> kTopLevelKeys = {"signers", "roles", "policies", "policy_files", "state_dir", "zones"};
const std::set<std::string> kCommonSignerKeys = {"name", "type", "require_backup"};
const std::set<std::string> kOpenSslKeys = {"directory"};
const std::set<std::string> kPkcs11Keys = {"module",   "token_label", "slot",        "uri",
                                           "pin_file", "pin_env",     "max_sessions"};
const std::set<std::string> kRoleKeys = {"new_keys", "one_time", "random_fallback"};
constexpr unsigned kMaxSessionsLimit = 1024;

// Signer names appear on command lines and in messages: keep them plain.
bool is_valid_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
               c == '_' || c == '.';
    });
}

class Parser : public YamlReader {
public:
    using YamlReader::YamlReader;

    SignerEntry signer(const YAML::Node& node, const std::string& state_dir) const {
        SignerEntry entry;
        entry.place = place(node);
        const auto fields = pairs(node, "a signer entry");
        std::map<std::string, YAML::Node> keys;  // key -> the key node, for errors about it
        std::map<std::string, YAML::Node> values;
        for (const auto& [key_node, value] : fields) {
            const std::string key = key_node.Scalar();
            if (key == "pin")
                fail(key_node, "a PIN must not be written in the configuration: put it in a file of mode 0600 and "
                               "name that file with 'pin_file', or name an environment variable with 'pin_env'");
            if (!kCommonSignerKeys.count(key) && !kOpenSslKeys.count(key) && !kPkcs11Keys.count(key))
                fail(key_node, "unknown key '" + key + "' in a signer entry (known keys: name, type, require_backup; "
                               "openssl: directory; pkcs11: " + joined_keys(kPkcs11Keys) + ")");
            keys[key] = key_node;
            values[key] = value;
        }
        if (!values.count("name")) fail(node, "a signer entry needs a 'name'");
        entry.name = text(values["name"], "name");
        if (!is_valid_name(entry.name))
            fail(values["name"], "signer name '" + entry.name +
                                     "' must be 1 to 64 letters, digits, '-', '_' or '.'");
        if (!values.count("type")) fail(node, "signer '" + entry.name + "' needs a 'type' (openssl or pkcs11)");
        entry.type = text(values["type"], "type");
        if (entry.type != "openssl" && entry.type != "pkcs11")
            fail(values["type"], "signer '" + entry.name + "': unknown type '" + entry.type +
                                     "' (known types: openssl, pkcs11)");
        const std::set<std::string>& own = entry.type == "openssl" ? kOpenSslKeys : kPkcs11Keys;
        for (const auto& [key_node, value] : fields) {
            const std::string key = key_node.Scalar();
            if (!kCommonSignerKeys.count(key) && !own.count(key))
                fail(key_node, "signer '" + entry.name + "': '" + key + "' does not apply to signers of type " +
                                   entry.type);
        }
        if (values.count("require_backup")) entry.require_backup = boolean(values["require_backup"], "require_backup");

        if (entry.type == "openssl") {
            entry.directory = values.count("directory") ? path(text(values["directory"], "directory"))
                                                        : state_dir + "/keys";
            return entry;
        }

        if (!values.count("module"))
            fail(node, "signer '" + entry.name + "' needs a 'module' (the path of the PKCS#11 library)");
        entry.module = text(values["module"], "module");
        // A bare file name is left to the dynamic loader's search path.
        if (entry.module.find('/') != std::string::npos) entry.module = path(entry.module);
        const int token_ways = static_cast<int>(values.count("token_label") + values.count("slot") + values.count("uri"));
        if (token_ways == 0)
            fail(node, "signer '" + entry.name + "' needs one of 'token_label', 'slot' or 'uri' to name its token");
        if (token_ways > 1) {
            const YAML::Node& second = values.count("uri") ? keys["uri"] : keys["slot"];
            fail(second, "signer '" + entry.name + "': name the token in one way only: token_label, slot or uri");
        }
        if (values.count("token_label")) entry.token_label = text(values["token_label"], "token_label");
        if (values.count("slot")) entry.slot = number(values["slot"], "slot", 0, 0xffffffffUL);
        if (values.count("uri")) {
            entry.uri = text(values["uri"], "uri");
            if (entry.uri.find("pin-value=") != std::string::npos || entry.uri.find("pin-source=") != std::string::npos)
                fail(values["uri"], "signer '" + entry.name + "': a PIN must not be written in the configuration, "
                                    "not even in the URI: use 'pin_file' (a file of mode 0600) or 'pin_env'");
            try {
                hsm::parse_pkcs11_uri(entry.uri);
            } catch (const Error& e) {
                fail(values["uri"], "signer '" + entry.name + "': 'uri': " + e.what());
            }
        }
        if (values.count("pin_file") && values.count("pin_env"))
            fail(keys["pin_env"], "signer '" + entry.name + "': give either 'pin_file' or 'pin_env', not both");
        if (values.count("pin_file")) {
            entry.pin_file = path(text(values["pin_file"], "pin_file"));
            entry.pin_place = place(values["pin_file"]);
        }
        if (values.count("pin_env")) {
            entry.pin_env = text(values["pin_env"], "pin_env");
            entry.pin_place = place(values["pin_env"]);
        }
        if (values.count("max_sessions"))
            entry.max_sessions = static_cast<unsigned>(number(values["max_sessions"], "max_sessions", 1, kMaxSessionsLimit));
        return entry;
    }

    Config config(const YAML::Node& root, const std::string& state_dir) const {
        if (root.IsNull())
            fail(root, "the configuration is empty: it needs a 'signers:' list");
        const auto top = pairs(root, "the configuration");
        std::map<std::string, YAML::Node> values;
        for (const auto& [key_node, value] : top) {
            const std::string key = key_node.Scalar();
            if (key == "pin")
                fail(key_node, "a PIN must not be written in the configuration: use 'pin_file' or 'pin_env' in the "
                               "signer's entry");
            if (!kTopLevelKeys.count(key))
                fail(key_node, "unknown key '" + key + "' (known keys: " + joined_keys(kTopLevelKeys) + ")");
            values[key] = value;
        }
        Config config;
        config.path = file_;
        // `state_dir:` first: the default key directory lies in it.
        if (values.count("state_dir")) config.state_dir = path(text(values["state_dir"], "state_dir"));
        const std::string keys_root = config.state_dir.empty() ? state_dir : config.state_dir;
        if (values.count("zones")) config.zones = parse_zone_entries(values["zones"], file_, base_dir_);
        const YAML::Node list = values.count("signers") ? values["signers"] : YAML::Node();
        if (!values.count("signers")) config.signers = default_config(keys_root).signers;
        else if (!list.IsSequence() || list.size() == 0)
            fail(list, "'signers' must be a list of at least one signer, not " + yaml_kind_of(list));

        std::map<std::string, ConfigPlace> first_place;
        for (const auto& item : list) {
            SignerEntry entry = signer(item, keys_root);
            if (auto known = first_place.find(entry.name); known != first_place.end())
                fail(item["name"], "duplicate signer name '" + entry.name + "' (first at line " +
                                       std::to_string(known->second.line) + ")");
            first_place[entry.name] = entry.place;
            config.signers.push_back(std::move(entry));
        }

        const std::string first = config.signers.front().name;
        config.roles = {first, first, first};
        if (values.count("roles")) {
            for (const auto& [key_node, value] : pairs(values["roles"], "'roles'")) {
                const std::string role = key_node.Scalar();
                if (!kRoleKeys.count(role))
                    fail(key_node, "unknown role '" + role + "' (known roles: " + joined_keys(kRoleKeys) + ")");
                const std::string target = text(value, role);
                if (!config.find(target)) {
                    std::string names;
                    for (const auto& s : config.signers) names += (names.empty() ? "" : ", ") + s.name;
                    fail(value, "role " + role + " names signer '" + target + "', which is not configured (signers: " +
                                    names + ")");
                }
                if (role == "new_keys") config.roles.new_keys = target;
                if (role == "one_time") config.roles.one_time = target;
                if (role == "random_fallback") config.roles.random_fallback = target;
            }
        }
        read_policies(values, config);
        return config;
    }

    // `policies:` (inline maps) and `policy_files:` (paths); names unique.
    void read_policies(std::map<std::string, YAML::Node>& values, Config& config) const {
        std::map<std::string, std::string> first_place;  // name -> where it was defined
        auto add = [&](policy::Policy p, const YAML::Node& at) {
            if (auto known = first_place.find(p.name); known != first_place.end())
                fail(at, "duplicate policy name '" + p.name + "' (first at " + known->second + ")");
            first_place[p.name] = p.place_of("name").text();
            config.policies.push_back(std::move(p));
        };
        if (values.count("policies")) {
            const YAML::Node& list = values["policies"];
            if (!list.IsSequence()) fail(list, "'policies' must be a list of policies, not " + yaml_kind_of(list));
            for (const auto& item : list) {
                policy::Policy p = policy::policy_from_yaml(item, file_);
                add(std::move(p), item["name"]);
            }
        }
        if (values.count("policy_files")) {
            const YAML::Node& list = values["policy_files"];
            if (!list.IsSequence())
                fail(list, "'policy_files' must be a list of policy file paths, not " + yaml_kind_of(list));
            for (const auto& item : list) {
                const std::string file = path(text(item, "policy_files"));
                policy::Policy p;
                try {
                    p = policy::load_policy_file(file);
                } catch (const InputError&) {
                    throw;  // names its own file, line and column
                } catch (const Error& e) {
                    fail(item, e.what());
                }
                add(std::move(p), item);
            }
        }
    }
};

std::string directory_of(const std::string& file) {
    const std::size_t slash = file.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return file.substr(0, slash);
}

bool file_exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

const SignerEntry* Config::find(const std::string& name) const {
    for (const auto& s : signers)
        if (s.name == name) return &s;
    return nullptr;
}

const policy::Policy* Config::find_policy(const std::string& name) const {
    for (const auto& p : policies)
        if (p.name == name) return &p;
    return nullptr;
}

Config default_config(const std::string& state_dir) {
    Config config;
    SignerEntry files;
    files.name = "files";
    files.type = "openssl";
    files.directory = state_dir + "/keys";
    files.place = {"(built-in default configuration)", 0, 0};
    config.signers.push_back(std::move(files));
    config.roles = {"files", "files", "files"};
    return config;
}

Config parse_config(const std::string& text, const std::string& file, const std::string& state_dir) {
    const Parser parser(file, directory_of(file));
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        const unsigned line = e.mark.is_null() ? 1 : static_cast<unsigned>(e.mark.line + 1);
        const unsigned column = e.mark.is_null() ? 1 : static_cast<unsigned>(e.mark.column + 1);
        throw InputError(file, line, column, "not valid YAML: " + e.msg);
    }
    return parser.config(root, state_dir);
}

Config read_config_file(const std::string& path, const std::string& state_dir) {
    std::ifstream in(path);
    if (!in) throw SystemError("cannot open configuration file", path, errno);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw SystemError("cannot read configuration file", path, errno);
    return parse_config(text.str(), path, state_dir);
}

std::string find_config_file(const std::string& config_option, const std::string& state_dir) {
    if (!config_option.empty()) return config_option;
    if (const char* env = std::getenv("ZONESIGNER_CONFIG"); env && *env) return env;
    const std::string in_state_dir = state_dir + "/zonesigner.yaml";
    if (file_exists(in_state_dir)) return in_state_dir;
    return "";
}

Config load_config(const std::string& config_option, const std::string& state_dir) {
    const std::string path = find_config_file(config_option, state_dir);
    if (path.empty()) return default_config(state_dir);
    return read_config_file(path, state_dir);
}

Secret read_pin(const SignerEntry& entry) {
    const ConfigPlace& p = entry.pin_place;
    try {
        if (!entry.pin_file.empty()) return read_secret_file(entry.pin_file);
        if (!entry.pin_env.empty()) return read_secret_env(entry.pin_env);
    } catch (const Error& e) {
        throw InputError(p.file, p.line, p.column, "signer '" + entry.name + "': cannot read its PIN: " + e.what());
    }
    return Secret();
}

}  // namespace zs::signer
