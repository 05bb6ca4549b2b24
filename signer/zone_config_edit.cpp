#include "signer/zone_config_edit.hpp"

#include <optional>

#include <yaml-cpp/yaml.h>

#include "common/error.hpp"
#include "signer/sign_pipeline.hpp"

namespace zs::signer {

namespace {

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    return text;
}

std::size_t indent_of(const std::string& line) {
    std::size_t i = 0;
    while (i < line.size() && line[i] == ' ') ++i;
    return i;
}

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

bool is_comment(const std::string& line) {
    const std::size_t i = line.find_first_not_of(" \t");
    return i != std::string::npos && line[i] == '#';
}

YAML::Node load(const std::string& text, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        const unsigned line = e.mark.is_null() ? 1 : static_cast<unsigned>(e.mark.line + 1);
        const unsigned column = e.mark.is_null() ? 1 : static_cast<unsigned>(e.mark.column + 1);
        throw InputError(file, line, column, "not valid YAML: " + e.msg);
    }
    if (!root.IsNull() && !root.IsMap()) throw InputError(file, 1, 1, "the configuration must be a map of 'key: value' lines");
    return root;
}

std::string normalised_or_empty(const YAML::Node& item) {
    if (!item.IsMap() || !item["name"] || !item["name"].IsScalar()) return "";
    try {
        return normalise_zone_name(item["name"].Scalar());
    } catch (const std::exception&) {
        return "";
    }
}

// Where the `zones:` list lies in the text, when it is a block list (or
// empty) that can be edited line by line.
struct ZonesLayout {
    bool present = false;          // the document has a `zones` key
    std::size_t key_line = 0;      // its line (0-based)
    std::size_t key_indent = 0;
    struct Item {
        std::string name;          // normalised; empty if unreadable
        std::size_t start = 0;     // first line: comments directly above, then the dash
        std::size_t key_column = 0;
        std::size_t dash_indent = 0;
    };
    std::vector<Item> items;
    std::size_t end = 0;           // first line after the last item
};

// nullopt: the list is not in a form this file edits as text.
std::optional<ZonesLayout> layout_of(const YAML::Node& root, const std::vector<std::string>& lines) {
    ZonesLayout layout;
    layout.end = lines.size();
    if (root.IsNull()) return layout;
    YAML::Node zones;
    bool after_zones = false;
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (after_zones) {
            layout.end = static_cast<std::size_t>(it->first.Mark().line);
            after_zones = false;
        }
        if (it->first.IsScalar() && it->first.Scalar() == "zones") {
            layout.present = true;
            layout.key_line = static_cast<std::size_t>(it->first.Mark().line);
            layout.key_indent = static_cast<std::size_t>(it->first.Mark().column);
            zones = it->second;
            after_zones = true;
        }
    }
    if (!layout.present) return layout;
    if (layout.key_line >= lines.size()) return std::nullopt;
    if (zones.IsNull()) {
        // `zones:` with nothing but a comment after it.
        const std::string& key = lines[layout.key_line];
        const std::size_t colon = key.find(':', layout.key_indent);
        if (colon == std::string::npos) return std::nullopt;
        const std::string rest = key.substr(colon + 1);
        if (!is_blank(rest) && !is_comment(rest)) return std::nullopt;
        layout.end = layout.key_line + 1;
        return layout;
    }
    if (!zones.IsSequence() || zones.Style() == YAML::EmitterStyle::Flow || zones.size() == 0) return std::nullopt;
    std::size_t previous_mark = layout.key_line;
    for (const auto& item : zones) {
        if (!item.IsMap() || item.Style() == YAML::EmitterStyle::Flow) return std::nullopt;
        ZonesLayout::Item entry;
        entry.name = normalised_or_empty(item);
        const std::size_t mark = static_cast<std::size_t>(item.Mark().line);
        entry.key_column = static_cast<std::size_t>(item.Mark().column);
        if (mark >= lines.size() || mark <= previous_mark) return std::nullopt;
        // The dash: on the item's first line ("- name: x") or alone above it.
        std::size_t dash = mark;
        while (dash > previous_mark) {
            const std::string& l = lines[dash];
            const std::size_t first = l.find_first_not_of(' ');
            if (first != std::string::npos && l[first] == '-') break;
            --dash;
        }
        if (dash == previous_mark) return std::nullopt;
        entry.dash_indent = indent_of(lines[dash]);
        // Comment lines directly above belong to the entry.
        std::size_t start = dash;
        while (start - 1 > previous_mark && is_comment(lines[start - 1]) && indent_of(lines[start - 1]) >= entry.dash_indent)
            --start;
        entry.start = start;
        previous_mark = mark;
        layout.items.push_back(entry);
    }
    // Blank lines and the next key's comments (indented less than the
    // entries, or at the margin) end the list.
    const std::size_t dash_indent = layout.items.back().dash_indent;
    while (layout.end > previous_mark + 1) {
        const std::string& l = lines[layout.end - 1];
        if (is_blank(l) || (is_comment(l) && (indent_of(l) < dash_indent || indent_of(l) == 0))) --layout.end;
        else break;
    }
    return layout;
}

std::vector<std::string> entry_lines(const ZoneFields& fields, std::size_t dash_indent, std::size_t key_column) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        std::string line = i == 0 ? std::string(dash_indent, ' ') + "-" + std::string(key_column - dash_indent - 1, ' ')
                                  : std::string(key_column, ' ');
        lines.push_back(line + fields[i].first + ": " + yaml_scalar(fields[i].second));
    }
    return lines;
}

std::string emitted(const YAML::Node& root) {
    YAML::Emitter out;
    out << root;
    return std::string(out.c_str()) + "\n";
}

}  // namespace

std::string yaml_scalar(const std::string& value) {
    YAML::Emitter out;
    out << value;
    return out.c_str();
}

EditedText add_zone_text(const std::string& text, const std::string& file, const ZoneFields& fields) {
    const YAML::Node root = load(text, file);
    std::vector<std::string> lines = split_lines(text);
    const auto layout = layout_of(root, lines);
    if (layout && !layout->present) {
        if (!lines.empty() && !is_blank(lines.back())) lines.push_back("");
        lines.push_back("zones:");
        for (auto& l : entry_lines(fields, 2, 4)) lines.push_back(l);
        return {join_lines(lines), false};
    }
    if (layout) {
        const std::size_t dash = layout->items.empty() ? layout->key_indent + 2 : layout->items.back().dash_indent;
        const std::size_t key = layout->items.empty() ? dash + 2 : layout->items.back().key_column;
        const std::vector<std::string> added = entry_lines(fields, dash, key);
        lines.insert(lines.begin() + static_cast<long>(layout->end), added.begin(), added.end());
        return {join_lines(lines), false};
    }
    YAML::Node copy = YAML::Clone(root);
    YAML::Node entry(YAML::NodeType::Map);
    for (const auto& [key, value] : fields) entry[key] = value;
    YAML::Node zones = copy["zones"];
    if (!zones.IsSequence()) {
        zones = YAML::Node(YAML::NodeType::Sequence);
        copy["zones"] = zones;
    }
    zones.SetStyle(YAML::EmitterStyle::Block);
    zones.push_back(entry);
    return {emitted(copy), true};
}

EditedText remove_zone_text(const std::string& text, const std::string& file, const std::string& zone) {
    const YAML::Node root = load(text, file);
    std::vector<std::string> lines = split_lines(text);
    if (const auto layout = layout_of(root, lines); layout && layout->present) {
        for (std::size_t i = 0; i < layout->items.size(); ++i) {
            if (layout->items[i].name != zone) continue;
            const std::size_t end = i + 1 < layout->items.size() ? layout->items[i + 1].start : layout->end;
            lines.erase(lines.begin() + static_cast<long>(layout->items[i].start), lines.begin() + static_cast<long>(end));
            return {join_lines(lines), false};
        }
        throw Error(file + " has no zone " + zone);
    }
    YAML::Node copy = YAML::Clone(root);
    const YAML::Node zones = root.IsMap() ? root["zones"] : YAML::Node();
    YAML::Node kept(YAML::NodeType::Sequence);
    bool found = false;
    if (zones.IsSequence())
        for (const auto& item : zones) {
            if (normalised_or_empty(item) == zone) found = true;
            else kept.push_back(YAML::Clone(item));
        }
    if (!found) throw Error(file + " has no zone " + zone);
    kept.SetStyle(YAML::EmitterStyle::Block);
    copy["zones"] = kept;
    return {emitted(copy), true};
}

}  // namespace zs::signer
