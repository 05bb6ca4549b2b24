#include "hsm/pkcs11_error.hpp"

#include <cstdio>
#include <unordered_map>

namespace zs::hsm::pkcs11 {

namespace {

#define ZS_CKR(code) {code, #code}

const std::unordered_map<CK_RV, const char*>& rv_names() {
    static const std::unordered_map<CK_RV, const char*> names = {
        ZS_CKR(CKR_OK),
        ZS_CKR(CKR_CANCEL),
        ZS_CKR(CKR_HOST_MEMORY),
        ZS_CKR(CKR_SLOT_ID_INVALID),
        ZS_CKR(CKR_GENERAL_ERROR),
        ZS_CKR(CKR_FUNCTION_FAILED),
        ZS_CKR(CKR_ARGUMENTS_BAD),
        ZS_CKR(CKR_NO_EVENT),
        ZS_CKR(CKR_NEED_TO_CREATE_THREADS),
        ZS_CKR(CKR_CANT_LOCK),
        ZS_CKR(CKR_ATTRIBUTE_READ_ONLY),
        ZS_CKR(CKR_ATTRIBUTE_SENSITIVE),
        ZS_CKR(CKR_ATTRIBUTE_TYPE_INVALID),
        ZS_CKR(CKR_ATTRIBUTE_VALUE_INVALID),
        ZS_CKR(CKR_ACTION_PROHIBITED),
        ZS_CKR(CKR_DATA_INVALID),
        ZS_CKR(CKR_DATA_LEN_RANGE),
        ZS_CKR(CKR_DEVICE_ERROR),
        ZS_CKR(CKR_DEVICE_MEMORY),
        ZS_CKR(CKR_DEVICE_REMOVED),
        ZS_CKR(CKR_ENCRYPTED_DATA_INVALID),
        ZS_CKR(CKR_ENCRYPTED_DATA_LEN_RANGE),
        ZS_CKR(CKR_FUNCTION_CANCELED),
        ZS_CKR(CKR_FUNCTION_NOT_PARALLEL),
        ZS_CKR(CKR_FUNCTION_NOT_SUPPORTED),
        ZS_CKR(CKR_KEY_HANDLE_INVALID),
        ZS_CKR(CKR_KEY_SIZE_RANGE),
        ZS_CKR(CKR_KEY_TYPE_INCONSISTENT),
        ZS_CKR(CKR_KEY_NOT_NEEDED),
        ZS_CKR(CKR_KEY_CHANGED),
        ZS_CKR(CKR_KEY_NEEDED),
        ZS_CKR(CKR_KEY_INDIGESTIBLE),
        ZS_CKR(CKR_KEY_FUNCTION_NOT_PERMITTED),
        ZS_CKR(CKR_KEY_NOT_WRAPPABLE),
        ZS_CKR(CKR_KEY_UNEXTRACTABLE),
        ZS_CKR(CKR_MECHANISM_INVALID),
        ZS_CKR(CKR_MECHANISM_PARAM_INVALID),
        ZS_CKR(CKR_OBJECT_HANDLE_INVALID),
        ZS_CKR(CKR_OPERATION_ACTIVE),
        ZS_CKR(CKR_OPERATION_NOT_INITIALIZED),
        ZS_CKR(CKR_PIN_INCORRECT),
        ZS_CKR(CKR_PIN_INVALID),
        ZS_CKR(CKR_PIN_LEN_RANGE),
        ZS_CKR(CKR_PIN_EXPIRED),
        ZS_CKR(CKR_PIN_LOCKED),
        ZS_CKR(CKR_SESSION_CLOSED),
        ZS_CKR(CKR_SESSION_COUNT),
        ZS_CKR(CKR_SESSION_HANDLE_INVALID),
        ZS_CKR(CKR_SESSION_PARALLEL_NOT_SUPPORTED),
        ZS_CKR(CKR_SESSION_READ_ONLY),
        ZS_CKR(CKR_SESSION_EXISTS),
        ZS_CKR(CKR_SESSION_READ_ONLY_EXISTS),
        ZS_CKR(CKR_SESSION_READ_WRITE_SO_EXISTS),
        ZS_CKR(CKR_SIGNATURE_INVALID),
        ZS_CKR(CKR_SIGNATURE_LEN_RANGE),
        ZS_CKR(CKR_TEMPLATE_INCOMPLETE),
        ZS_CKR(CKR_TEMPLATE_INCONSISTENT),
        ZS_CKR(CKR_TOKEN_NOT_PRESENT),
        ZS_CKR(CKR_TOKEN_NOT_RECOGNIZED),
        ZS_CKR(CKR_TOKEN_WRITE_PROTECTED),
        ZS_CKR(CKR_UNWRAPPING_KEY_SIZE_RANGE),
        ZS_CKR(CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT),
        ZS_CKR(CKR_USER_ALREADY_LOGGED_IN),
        ZS_CKR(CKR_USER_NOT_LOGGED_IN),
        ZS_CKR(CKR_USER_PIN_NOT_INITIALIZED),
        ZS_CKR(CKR_USER_TYPE_INVALID),
        ZS_CKR(CKR_USER_ANOTHER_ALREADY_LOGGED_IN),
        ZS_CKR(CKR_USER_TOO_MANY_TYPES),
        ZS_CKR(CKR_WRAPPED_KEY_INVALID),
        ZS_CKR(CKR_WRAPPED_KEY_LEN_RANGE),
        ZS_CKR(CKR_WRAPPING_KEY_HANDLE_INVALID),
        ZS_CKR(CKR_WRAPPING_KEY_SIZE_RANGE),
        ZS_CKR(CKR_WRAPPING_KEY_TYPE_INCONSISTENT),
        ZS_CKR(CKR_RANDOM_SEED_NOT_SUPPORTED),
        ZS_CKR(CKR_RANDOM_NO_RNG),
        ZS_CKR(CKR_DOMAIN_PARAMS_INVALID),
        ZS_CKR(CKR_CURVE_NOT_SUPPORTED),
        ZS_CKR(CKR_BUFFER_TOO_SMALL),
        ZS_CKR(CKR_SAVED_STATE_INVALID),
        ZS_CKR(CKR_INFORMATION_SENSITIVE),
        ZS_CKR(CKR_STATE_UNSAVEABLE),
        ZS_CKR(CKR_CRYPTOKI_NOT_INITIALIZED),
        ZS_CKR(CKR_CRYPTOKI_ALREADY_INITIALIZED),
        ZS_CKR(CKR_MUTEX_BAD),
        ZS_CKR(CKR_MUTEX_NOT_LOCKED),
        ZS_CKR(CKR_NEW_PIN_MODE),
        ZS_CKR(CKR_NEXT_OTP),
        ZS_CKR(CKR_EXCEEDED_MAX_ITERATIONS),
        ZS_CKR(CKR_FIPS_SELF_TEST_FAILED),
        ZS_CKR(CKR_LIBRARY_LOAD_FAILED),
        ZS_CKR(CKR_PIN_TOO_WEAK),
        ZS_CKR(CKR_PUBLIC_KEY_INVALID),
        ZS_CKR(CKR_FUNCTION_REJECTED),
    };
    return names;
}

#undef ZS_CKR

}  // namespace

std::string rv_name(CK_RV rv) {
    const auto& names = rv_names();
    if (auto found = names.find(rv); found != names.end()) return found->second;
    char text[32];
    std::snprintf(text, sizeof text, "CKR_0x%08lx", static_cast<unsigned long>(rv));
    return text;
}

bool is_recoverable_fault(CK_RV rv) {
    switch (rv) {
        case CKR_SESSION_HANDLE_INVALID:
        case CKR_SESSION_CLOSED:
        case CKR_DEVICE_REMOVED:
        case CKR_DEVICE_ERROR:
        case CKR_TOKEN_NOT_PRESENT:
        case CKR_USER_NOT_LOGGED_IN:
        case CKR_OBJECT_HANDLE_INVALID:
        case CKR_KEY_HANDLE_INVALID:  // a stale cached key handle, as above
            return true;
        default:
            return false;
    }
}

std::string rv_description(CK_RV rv) {
    const char* words = nullptr;
    switch (rv) {
        case CKR_PIN_INCORRECT: words = "wrong PIN"; break;
        case CKR_PIN_LOCKED: words = "PIN locked"; break;
        case CKR_PIN_EXPIRED: words = "PIN expired"; break;
        case CKR_TOKEN_NOT_PRESENT: words = "token not present"; break;
        case CKR_DEVICE_REMOVED: words = "device removed"; break;
        default: break;
    }
    return words ? std::string(words) + " (" + rv_name(rv) + ")" : rv_name(rv);
}

CallError::CallError(const std::string& function, CK_RV rv, const std::string& note)
    : Error(function + ": " + rv_description(rv) + (note.empty() ? "" : "; " + note)), function_(function), rv_(rv) {}

}  // namespace zs::hsm::pkcs11
