// Reading the configuration's YAML: values with FILE:LINE:COLUMN errors and
// paths relative to the configuration's directory. Shared by the signer,
// role and zone sections (config.cpp, zone_config.cpp).
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "signer/config_place.hpp"

namespace zs::signer {

// "empty", "a single value", "a list", "a map": for messages.
std::string yaml_kind_of(const YAML::Node& node);
// "a, b, c": the keys a map may have, for messages.
std::string joined_keys(const std::set<std::string>& keys);

class YamlReader {
public:
    YamlReader(std::string file, std::string base_dir);

    ConfigPlace place(const YAML::Node& node) const;
    [[noreturn]] void fail(const YAML::Node& at, const std::string& what) const;

    // The pairs of a map in file order; refuses keys that are not plain
    // values and keys given twice (YAML forbids them; yaml-cpp keeps both).
    std::vector<std::pair<YAML::Node, YAML::Node>> pairs(const YAML::Node& map, const std::string& what) const;

    std::string text(const YAML::Node& value, const std::string& key) const;
    unsigned long number(const YAML::Node& value, const std::string& key, unsigned long low, unsigned long high) const;
    bool boolean(const YAML::Node& value, const std::string& key) const;
    // Relative to the configuration file's directory.
    std::string path(const std::string& value) const;

protected:
    std::string file_;
    std::string base_dir_;
};

}  // namespace zs::signer
