#include "signer/zone_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

#include "common/error.hpp"
#include "signer/sign_pipeline.hpp"
#include "signer/yaml_reader.hpp"

namespace zs::signer {

namespace {

const std::set<std::string> kZoneKeys = {"name", "input", "output", "policy", "notify", "threads", "verify", "serial"};
constexpr unsigned kMaxThreads = 256;

class ZoneParser : public YamlReader {
public:
    using YamlReader::YamlReader;

    // A policy value naming a file (a slash or a YAML extension) is a path;
    // anything else names a policy.
    std::string policy_value(const std::string& value) const {
        const auto ends_with = [&](const std::string& suffix) {
            return value.size() > suffix.size() && value.compare(value.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (value.find('/') != std::string::npos || ends_with(".yaml") || ends_with(".yml")) return path(value);
        return value;
    }

    ZoneEntry zone(const YAML::Node& node) const {
        if (!node.IsMap()) fail(node, "a zone entry must be a map of 'key: value' lines, not " + yaml_kind_of(node));
        ZoneEntry entry;
        entry.place = place(node);
        std::map<std::string, YAML::Node> values;
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!it->first.IsScalar()) fail(it->first, "keys in a zone entry must be plain words");
            const std::string key = it->first.Scalar();
            if (!kZoneKeys.count(key))
                fail(it->first, "unknown key '" + key + "' in a zone entry (known keys: " + joined_keys(kZoneKeys) + ")");
            if (values.count(key)) fail(it->first, "duplicate key '" + key + "' in a zone entry");
            values[key] = it->second;
        }
        if (!values.count("name")) fail(node, "a zone entry needs a 'name'");
        const std::string written = text(values["name"], "name");
        try {
            entry.name = normalise_zone_name(written);
        } catch (const Error& e) {
            fail(values["name"], "zone name '" + written + "': " + e.what());
        }
        for (const char* required : {"input", "output"})
            if (!values.count(required))
                fail(node, "zone " + entry.name + " needs an '" + required + "' (the " +
                               (std::string(required) == "input" ? "unsigned master file" : "signed output file") +
                               ")");
        entry.input = path(text(values["input"], "input"));
        if (text(values["output"], "output") == "-")
            fail(values["output"], "zone " + entry.name + ": 'output' must be a file, not stdout");
        entry.output = path(text(values["output"], "output"));
        if (values.count("policy")) entry.policy = policy_value(text(values["policy"], "policy"));
        if (values.count("notify")) entry.notify = text(values["notify"], "notify");
        if (values.count("threads"))
            entry.threads = static_cast<unsigned>(number(values["threads"], "threads", 1, kMaxThreads));
        if (values.count("verify")) {
            const std::string mode = text(values["verify"], "verify");
            if (mode == "full") entry.verify = zone::VerifyMode::Full;
            else if (mode == "sample") entry.verify = zone::VerifyMode::Sample;
            else if (mode == "structure") entry.verify = zone::VerifyMode::Structure;
            else fail(values["verify"], "'verify' must be full, sample or structure, not '" + mode + "'");
        }
        if (values.count("serial")) {
            const std::string mode = text(values["serial"], "serial");
            entry.serial = policy::parse_serial_mode(mode);
            if (!entry.serial)
                fail(values["serial"], "'serial' must be keep, increment, unixtime or datecounter, not '" + mode + "'");
        }
        return entry;
    }

    std::vector<ZoneEntry> zones(const YAML::Node& list) const {
        std::vector<ZoneEntry> result;
        if (list.IsNull()) return result;  // `zones:` with nothing under it yet
        if (!list.IsSequence()) fail(list, "'zones' must be a list of zone entries, not " + yaml_kind_of(list));
        std::map<std::string, unsigned> name_line, output_line;
        for (const auto& item : list) {
            ZoneEntry entry = zone(item);
            if (auto known = name_line.find(entry.name); known != name_line.end())
                fail(item["name"], "duplicate zone '" + entry.name + "' (first at line " +
                                       std::to_string(known->second) + ")");
            if (auto known = output_line.find(entry.output); known != output_line.end())
                fail(item["output"], "zone " + entry.name + ": output " + entry.output +
                                         " is also the output of the zone at line " + std::to_string(known->second));
            name_line[entry.name] = entry.place.line;
            output_line[entry.output] = entry.place.line;
            result.push_back(std::move(entry));
        }
        for (std::size_t i = 0; i < result.size(); ++i) {
            for (const auto& other : result) {
                if (result[i].output != other.input) continue;
                fail(list[i]["output"], "zone " + result[i].name + ": output " + result[i].output +
                                            " is the input of zone " + other.name);
            }
        }
        return result;
    }

};

}  // namespace

std::vector<ZoneEntry> parse_zone_entries(const YAML::Node& list, const std::string& file,
                                          const std::string& base_dir) {
    return ZoneParser(file, base_dir).zones(list);
}

const ZoneEntry* find_zone_entry(const std::vector<ZoneEntry>& zones, const std::string& name) {
    const std::string wanted = normalise_zone_name(name);
    for (const auto& z : zones)
        if (z.name == wanted) return &z;
    return nullptr;
}

std::string batch_config_path(const std::string& config_option) {
    std::string path = config_option;
    if (path.empty())
        if (const char* env = std::getenv("ZONESIGNER_CONFIG"); env && *env) path = env;
    if (path.empty()) return "/etc/zonesigner/zonesigner.yaml";
    if (path.front() == '/') return path;
    // Absolute, so that the paths recorded for a zone do not depend on
    // where the next run starts.
    std::string cwd(4096, '\0');
    if (!::getcwd(cwd.data(), cwd.size())) throw SystemError("cannot find the current directory", ".", errno);
    cwd.resize(cwd.find('\0'));
    return cwd + "/" + (path.rfind("./", 0) == 0 ? path.substr(2) : path);
}

std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'') quoted += "'\\''";
        else quoted += c;
    }
    return quoted + "'";
}

std::string notify_command_text(const std::string& command, const std::string& zone, const std::string& file) {
    const std::string bare = zone.size() > 1 && zone.back() == '.' ? zone.substr(0, zone.size() - 1) : zone;
    std::string text;
    for (std::size_t i = 0; i < command.size(); ++i) {
        if (command[i] != '%') {
            text += command[i];
        } else if (command.compare(i, 2, "%%") == 0) {
            text += '%';
            i += 1;
        } else if (command.compare(i, 5, "%zone") == 0) {
            text += shell_quote(bare);
            i += 4;
        } else if (command.compare(i, 5, "%file") == 0) {
            text += shell_quote(file);
            i += 4;
        } else {
            text += '%';
        }
    }
    return text;
}

std::string to_string(zone::VerifyMode mode) {
    switch (mode) {
        case zone::VerifyMode::Full: return "full";
        case zone::VerifyMode::Sample: return "sample";
        case zone::VerifyMode::Structure: return "structure";
    }
    return "sample";
}

}  // namespace zs::signer
