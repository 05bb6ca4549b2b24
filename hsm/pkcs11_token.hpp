// Finding the token a PKCS#11 signer uses: what the module's slots hold,
// and how an operator names one token (label, slot id, or an RFC 7512
// "pkcs11:" URI).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace zs::hsm {

namespace pkcs11 {
class Module;
}

// One slot of a module and the token in it (for `hsm slots`). Text fields
// are the token's blank-padded fields with the padding removed.
struct SlotInfo {
    unsigned long slot = 0;
    std::string slot_description;
    std::string slot_manufacturer;
    bool token_present = false;
    // The rest is only set when a token is present.
    std::string token_label;
    std::string manufacturer;
    std::string model;
    std::string serial;
    unsigned long token_flags = 0;  // CKF_* of CK_TOKEN_INFO
    bool has_rng = false;                        // CKF_RNG
    bool login_required = false;                 // CKF_LOGIN_REQUIRED
    bool token_initialized = false;              // CKF_TOKEN_INITIALIZED
    bool user_pin_initialized = false;           // CKF_USER_PIN_INITIALIZED
    bool protected_authentication_path = false;  // CKF_PROTECTED_AUTHENTICATION_PATH
    bool user_pin_locked = false;                // CKF_USER_PIN_LOCKED
};

// The token attributes to match; unset ones match anything.
struct TokenMatch {
    std::optional<std::string> token;  // label
    std::optional<std::string> manufacturer;
    std::optional<std::string> model;
    std::optional<std::string> serial;
    std::optional<std::string> slot_description;
    std::optional<std::string> slot_manufacturer;
    std::optional<unsigned long> slot;
    std::string description;  // how the operator named it, for messages

    bool matches(const SlotInfo& slot_info) const;
};

TokenMatch match_label(const std::string& label);
TokenMatch match_slot(unsigned long slot);

// Parses the token part of an RFC 7512 URI ("pkcs11:token=My%20Token;
// serial=1234"): path attributes token, manufacturer, model, serial,
// slot-id, slot-description, slot-manufacturer, %-decoded. Attributes that
// name objects or the library (object, id, type, library-*) are accepted
// and ignored: they do not select a token. A PIN in the URI (pin-value,
// pin-source) is refused: PINs come from a 0600 file or the environment.
// Throws zs::Error on anything malformed or unknown.
TokenMatch parse_pkcs11_uri(const std::string& uri);

// Every slot of the module, with its token if one is present.
std::vector<SlotInfo> describe_slots(pkcs11::Module& module);

// The one present, initialised token that matches. Throws zs::Error naming
// the selection and the tokens that are there when none or several match.
SlotInfo select_token(const std::vector<SlotInfo>& slots, const TokenMatch& match, const std::string& module_path);

}  // namespace zs::hsm
