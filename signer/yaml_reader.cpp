#include "signer/yaml_reader.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace zs::signer {

std::string yaml_kind_of(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null: return "empty";
        case YAML::NodeType::Scalar: return "a single value";
        case YAML::NodeType::Sequence: return "a list";
        case YAML::NodeType::Map: return "a map";
        case YAML::NodeType::Undefined: break;
    }
    return "undefined";
}

std::string joined_keys(const std::set<std::string>& keys) {
    std::string text;
    for (const auto& k : keys) text += (text.empty() ? "" : ", ") + k;
    return text;
}

YamlReader::YamlReader(std::string file, std::string base_dir)
    : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

ConfigPlace YamlReader::place(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {file_, 1, 1};
    return {file_, static_cast<unsigned>(mark.line + 1), static_cast<unsigned>(mark.column + 1)};
}

void YamlReader::fail(const YAML::Node& at, const std::string& what) const {
    const ConfigPlace p = place(at);
    throw InputError(p.file, p.line, p.column, what);
}

std::vector<std::pair<YAML::Node, YAML::Node>> YamlReader::pairs(const YAML::Node& map,
                                                                 const std::string& what) const {
    if (!map.IsMap()) fail(map, what + " must be a map of 'key: value' lines, not " + yaml_kind_of(map));
    std::vector<std::pair<YAML::Node, YAML::Node>> result;
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (!it->first.IsScalar()) fail(it->first, "keys in " + what + " must be plain words");
        const std::string key = it->first.Scalar();
        if (!seen.insert(key).second) fail(it->first, "duplicate key '" + key + "' in " + what);
        result.emplace_back(it->first, it->second);
    }
    return result;
}

std::string YamlReader::text(const YAML::Node& value, const std::string& key) const {
    if (!value.IsScalar() || value.Scalar().empty())
        fail(value, "'" + key + "' must be a single text value, not " + yaml_kind_of(value));
    return value.Scalar();
}

unsigned long YamlReader::number(const YAML::Node& value, const std::string& key, unsigned long low,
                                 unsigned long high) const {
    const std::string digits = value.IsScalar() ? value.Scalar() : "";
    const bool all_digits = !digits.empty() && digits.size() <= 19 &&
                            std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!all_digits)
        fail(value, "'" + key + "' must be a whole number from " + std::to_string(low) + " to " +
                        std::to_string(high) + ", not " +
                        (value.IsScalar() ? "'" + digits + "'" : yaml_kind_of(value)));
    const unsigned long n = std::stoul(digits);
    if (n < low || n > high)
        fail(value, "'" + key + "' must be from " + std::to_string(low) + " to " + std::to_string(high) + ", not " +
                        digits);
    return n;
}

bool YamlReader::boolean(const YAML::Node& value, const std::string& key) const {
    if (value.IsScalar() && value.Scalar() == "true") return true;
    if (value.IsScalar() && value.Scalar() == "false") return false;
    fail(value, "'" + key + "' must be true or false, not " +
                    (value.IsScalar() ? "'" + value.Scalar() + "'" : yaml_kind_of(value)));
}

std::string YamlReader::path(const std::string& value) const {
    if (value.empty() || value.front() == '/' || base_dir_.empty()) return value;
    return base_dir_ + "/" + value;
}

}  // namespace zs::signer
