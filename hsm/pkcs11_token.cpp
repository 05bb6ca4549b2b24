#include "hsm/pkcs11_token.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "common/error.hpp"
#include "hsm/pkcs11_module.hpp"

namespace zs::hsm {

bool TokenMatch::matches(const SlotInfo& s) const {
    if (!s.token_present) return false;
    if (slot && *slot != s.slot) return false;
    if (token && *token != s.token_label) return false;
    if (manufacturer && *manufacturer != s.manufacturer) return false;
    if (model && *model != s.model) return false;
    if (serial && *serial != s.serial) return false;
    if (slot_description && *slot_description != s.slot_description) return false;
    if (slot_manufacturer && *slot_manufacturer != s.slot_manufacturer) return false;
    return true;
}

TokenMatch match_label(const std::string& label) {
    TokenMatch match;
    match.token = label;
    match.description = "token label '" + label + "'";
    return match;
}

TokenMatch match_slot(unsigned long slot) {
    TokenMatch match;
    match.slot = slot;
    match.description = "slot " + std::to_string(slot);
    return match;
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(const std::string& text, const std::string& uri) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (high < 0 || low < 0) throw Error("bad %-escape in PKCS#11 URI " + uri);
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

}  // namespace

TokenMatch parse_pkcs11_uri(const std::string& uri) {
    const std::string scheme = "pkcs11:";
    if (uri.size() < scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), uri.begin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }))
        throw Error("PKCS#11 URI must start with 'pkcs11:': " + uri);
    std::string rest = uri.substr(scheme.size());
    std::string path = rest.substr(0, rest.find('?'));
    std::string query = rest.find('?') == std::string::npos ? "" : rest.substr(rest.find('?') + 1);

    TokenMatch match;
    match.description = "URI " + uri;
    std::set<std::string> seen;
    auto for_each_attribute = [&](const std::string& part, char separator, auto&& handle) {
        std::size_t start = 0;
        while (start <= part.size()) {
            std::size_t end = part.find(separator, start);
            if (end == std::string::npos) end = part.size();
            std::string item = part.substr(start, end - start);
            start = end + 1;
            if (item.empty()) continue;
            std::size_t equals = item.find('=');
            if (equals == std::string::npos) throw Error("PKCS#11 URI attribute without '=': " + item + " in " + uri);
            handle(item.substr(0, equals), percent_decode(item.substr(equals + 1), uri));
        }
    };
    for_each_attribute(path, ';', [&](const std::string& name, std::string value) {
        if (!seen.insert(name).second) throw Error("PKCS#11 URI names '" + name + "' twice: " + uri);
        if (name == "token") match.token = std::move(value);
        else if (name == "manufacturer") match.manufacturer = std::move(value);
        else if (name == "model") match.model = std::move(value);
        else if (name == "serial") match.serial = std::move(value);
        else if (name == "slot-description") match.slot_description = std::move(value);
        else if (name == "slot-manufacturer") match.slot_manufacturer = std::move(value);
        else if (name == "slot-id") {
            if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 19)
                throw Error("PKCS#11 URI slot-id is not a number: " + value);
            match.slot = std::stoul(value);
        } else if (name == "object" || name == "id" || name == "type" || name.rfind("library-", 0) == 0) {
            // Names objects or the library, not the token.
        } else {
            throw Error("unknown PKCS#11 URI attribute '" + name + "' in " + uri);
        }
    });
    for_each_attribute(query, '&', [&](const std::string& name, const std::string&) {
        if (name == "pin-value" || name == "pin-source")
            throw Error("PKCS#11 URI must not carry the PIN (" + name +
                        "): give it with pin_file (mode 0600) or pin_env");
        // module-name / module-path: the module is configured on its own.
    });
    return match;
}

std::vector<SlotInfo> describe_slots(pkcs11::Module& module) {
    std::vector<SlotInfo> slots;
    for (CK_SLOT_ID id : module.slot_ids(false)) {
        CK_SLOT_INFO slot_info{};
        pkcs11::check(module.api().C_GetSlotInfo(id, &slot_info), "C_GetSlotInfo");
        SlotInfo s;
        s.slot = id;
        s.slot_description = pkcs11::padded_text(slot_info.slotDescription, sizeof slot_info.slotDescription);
        s.slot_manufacturer = pkcs11::padded_text(slot_info.manufacturerID, sizeof slot_info.manufacturerID);
        s.token_present = (slot_info.flags & CKF_TOKEN_PRESENT) != 0;
        if (s.token_present) {
            CK_TOKEN_INFO token{};
            CK_RV rv = module.api().C_GetTokenInfo(id, &token);
            // Removed between the two calls, or not readable: show it as empty.
            if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED) {
                s.token_present = false;
            } else {
                pkcs11::check(rv, "C_GetTokenInfo");
                s.token_label = pkcs11::padded_text(token.label, sizeof token.label);
                s.manufacturer = pkcs11::padded_text(token.manufacturerID, sizeof token.manufacturerID);
                s.model = pkcs11::padded_text(token.model, sizeof token.model);
                s.serial = pkcs11::padded_text(token.serialNumber, sizeof token.serialNumber);
                s.token_flags = token.flags;
                s.has_rng = token.flags & CKF_RNG;
                s.login_required = token.flags & CKF_LOGIN_REQUIRED;
                s.token_initialized = token.flags & CKF_TOKEN_INITIALIZED;
                s.user_pin_initialized = token.flags & CKF_USER_PIN_INITIALIZED;
                s.protected_authentication_path = token.flags & CKF_PROTECTED_AUTHENTICATION_PATH;
                s.user_pin_locked = token.flags & CKF_USER_PIN_LOCKED;
            }
        }
        slots.push_back(std::move(s));
    }
    return slots;
}

SlotInfo select_token(const std::vector<SlotInfo>& slots, const TokenMatch& match, const std::string& module_path) {
    std::vector<const SlotInfo*> found;
    std::string present;
    for (const SlotInfo& s : slots) {
        if (!s.token_present) continue;
        if (!present.empty()) present += ", ";
        if (s.token_initialized)
            present += "'" + s.token_label + "' (slot " + std::to_string(s.slot) + ", serial " + s.serial + ")";
        else
            present += "an uninitialised token (slot " + std::to_string(s.slot) + ")";
        if (match.matches(s)) found.push_back(&s);
    }
    const std::string where = " in PKCS#11 module " + module_path;
    if (found.empty())
        throw Error("no token matches " + match.description + where + " (tokens present: " +
                    (present.empty() ? "none" : present) + ")");
    if (found.size() > 1)
        // Several tokens with one label: picking one could sign with keys of
        // the wrong token.
        throw Error(std::to_string(found.size()) + " tokens match " + match.description + where + " (" + present +
                    "); select one by slot or by a pkcs11: URI with its serial");
    if (!found.front()->token_initialized)
        throw Error("the token matching " + match.description + where + " is not initialised");
    return *found.front();
}

}  // namespace zs::hsm
